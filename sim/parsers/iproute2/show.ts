// `ip route show [table X]` and `ip rule show` output, as ip/iproute.c print_route() and
// ip/iprule.c print_rule() write it. Route lines use the same words as `ip route add` (the type
// first when not unicast, `default` for 0/0, `table` only when not main, `proto`, `scope`, `src`,
// `metric`, flags), and a multipath route continues on lines starting with a tab and `nexthop`
// (or on the same line after `\` with `ip -o`). Rule lines are `PRIO:<TAB>selectors action`.

import type { Diagnostic, Parsed } from '../../core/diagnostics.js';
import type { Nexthop, Route } from '../../net/routing/api.js';
import { RT_TABLE } from '../../net/routing/api.js';
import { isRejectType } from '../../net/routing/constants.js';
import { ArgReader, ParseStop } from './reader.js';
import type { LogicalLine, Token } from './tokens.js';
import { splitLines, wordsOf } from './tokens.js';
import type { ShownRule } from './types.js';
import { tableNames } from './names.js';
import { readRouteArgs } from './route-args.js';
import { readRuleArgs } from './rule-args.js';

export interface ShowParseOptions {
  readonly file: string;
  /** The table the output was listed from (`ip route show table 100`): routes without a `table` word belong to it. Default main. */
  readonly table?: number;
  readonly rtTables?: string;
}

/** Groups physical lines into one logical line per route (continuation lines start with whitespace + `nexthop`). */
function routeGroups(input: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let cur: { tokens: Token[]; line: number; raws: string[]; end: { line: number; column: number } } | undefined;
  const flush = (): void => {
    if (cur && cur.tokens.length > 0) out.push({ tokens: cur.tokens, line: cur.line, raw: cur.raws.join('\n'), end: cur.end });
    cur = undefined;
  };
  splitLines(input).forEach((text, idx) => {
    const lineNo = idx + 1;
    // `ip -o` puts the nexthops on the same line, after a backslash.
    let offset = 0;
    text.split('\\').forEach((piece, k) => {
      const shifted = wordsOf(piece, lineNo).tokens.map((t) => ({ ...t, column: t.column + offset }));
      offset += piece.length + 1;
      if (shifted.length === 0) return;
      const continuation = (k > 0 || /^\s/.test(piece)) && shifted[0]?.text === 'nexthop';
      if (!continuation) flush();
      if (!cur) cur = { tokens: [], line: lineNo, raws: [], end: { line: lineNo, column: 1 } };
      cur.tokens.push(...shifted);
      cur.raws.push(k === 0 ? piece.trimEnd() : `\t${piece.trim()}`);
      const last = shifted[shifted.length - 1] as Token;
      cur.end = { line: lineNo, column: last.column + last.text.length };
    });
  });
  flush();
  return out;
}

/** Parses `ip route show` output into routes. */
export function parseRouteShow(input: string, opts: ShowParseOptions): Parsed<Route[]> {
  const names = tableNames(opts.rtTables);
  const diagnostics: Diagnostic[] = [];
  const value: Route[] = [];
  for (const g of routeGroups(input)) {
    const r: ArgReader = ArgReader.of(g, opts.file, diagnostics);
    const first = g.tokens[0] as Token;
    if (first.text === 'Deleted') r.next();
    try {
      const { spec } = readRouteArgs(r, 'show', names, { first, contextTable: opts.table ?? RT_TABLE.main });
      const type = spec.type ?? 'unicast';
      const nexthops: Nexthop[] = [];
      for (const nh of spec.nexthops) {
        if (nh.dev === undefined) {
          if (isRejectType(type)) continue;
          r.fail('route without a device', 'dev DEVICE', nh.cols.via ?? g.end, 'iproute2.missing-dev');
        }
        nexthops.push({ dev: nh.dev, weight: nh.weight, onlink: nh.onlink, ...(nh.via !== undefined ? { via: nh.via } : {}) });
      }
      if (nexthops.length === 0 && !isRejectType(type)) r.fail(`${type} route without a device`, 'dev DEVICE', g.end, 'iproute2.missing-dev');
      value.push({
        table: spec.table,
        type,
        dst: spec.dst,
        tos: spec.tos,
        metric: spec.metric ?? 0,
        scope: spec.scope ?? 'global',
        proto: spec.proto ?? 'boot',
        ...(spec.prefsrc !== undefined ? { prefsrc: spec.prefsrc } : {}),
        nexthops,
        loc: { file: opts.file, line: g.line, column: first.column },
        raw: g.raw,
      });
    } catch (e) {
      if (!(e instanceof ParseStop)) throw e;
    }
  }
  return { value, diagnostics };
}

/** Parses `ip rule show` output into rules (with the `[detached]` / `[unresolved]` markers kept). */
export function parseRuleShow(input: string, opts: { readonly file: string; readonly rtTables?: string }): Parsed<ShownRule[]> {
  const names = tableNames(opts.rtTables);
  const diagnostics: Diagnostic[] = [];
  const value: ShownRule[] = [];
  splitLines(input).forEach((text, idx) => {
    const lineNo = idx + 1;
    if (text.trim() === '' || /^\s*#/.test(text)) return;
    const m = /^(\s*)(?:Deleted\s+)?(\d+):/.exec(text);
    if (!m) {
      const col = (text.length - text.trimStart().length) + 1;
      diagnostics.push({ severity: 'error', file: opts.file, line: lineNo, column: col, message: 'not an "ip rule show" line', expected: 'PRIORITY: selectors action, e.g. "0:\tfrom all lookup local"', code: 'iproute2.syntax' });
      return;
    }
    const priority = Number(m[2]);
    const { tokens } = wordsOf(text.slice(m[0].length), lineNo);
    const shifted = tokens.map((t) => ({ ...t, column: t.column + m[0].length }));
    const last = shifted[shifted.length - 1];
    const l: LogicalLine = { tokens: shifted, line: lineNo, raw: text.trimEnd(), end: { line: lineNo, column: last ? last.column + last.text.length : m[0].length + 1 } };
    const r: ArgReader = ArgReader.of(l, opts.file, diagnostics);
    try {
      if (priority > 0xffffffff) r.fail('priority out of range', 'a priority 0..4294967295', { line: lineNo, column: (m[1] as string).length + 1 }, 'iproute2.bad-number');
      const { spec, iifDetached, oifDetached, unresolved } = readRuleArgs(r, 'show', names);
      const rule: { -readonly [K in keyof ShownRule]: ShownRule[K] } = {
        priority,
        not: spec.not,
        action: spec.action ?? { kind: 'lookup', table: RT_TABLE.main },
        loc: { file: opts.file, line: lineNo, column: (m[1] as string).length + 1 },
        raw: text.trimEnd(),
      };
      copyRuleFields(spec, rule);
      if (iifDetached) rule.iifDetached = true;
      if (oifDetached) rule.oifDetached = true;
      if (unresolved) rule.unresolved = true;
      value.push(rule);
    } catch (e) {
      if (!(e instanceof ParseStop)) throw e;
    }
  });
  return { value, diagnostics };
}

/** Copies the optional selectors of a rule request onto a rule. */
export function copyRuleFields(spec: import('./types.js').RuleSpec, rule: { -readonly [K in keyof ShownRule]: ShownRule[K] }): void {
  if (spec.from !== undefined) rule.from = spec.from;
  if (spec.to !== undefined) rule.to = spec.to;
  if (spec.iif !== undefined) rule.iif = spec.iif;
  if (spec.oif !== undefined) rule.oif = spec.oif;
  if (spec.fwmark !== undefined) rule.fwmark = spec.fwmark;
  if (spec.tos !== undefined) rule.tos = spec.tos;
  if (spec.ipproto !== undefined) rule.ipproto = spec.ipproto;
  if (spec.sport !== undefined) rule.sport = spec.sport;
  if (spec.dport !== undefined) rule.dport = spec.dport;
  if (spec.suppressPrefixlength !== undefined) rule.suppressPrefixlength = spec.suppressPrefixlength;
  if (spec.proto !== undefined) rule.proto = spec.proto;
}
