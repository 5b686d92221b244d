// `ip -j route show [table all]` and `ip -j rule show` output (iproute2's JSON context of
// print_route / print_rule: keys `type`, `dst`, `gateway`, `dev`, `table`, `protocol`, `scope`,
// `prefsrc`, `metric`, `flags`, `nexthops`; rules `priority`, `not`, `src`/`srclen`, `dst`/`dstlen`,
// `fwmark`/`fwmask`, `iif`, `oif`, `table`, `goto`, `action`, …). Each array element is located by
// the line and column where its object starts; IPv6 entries are reported and skipped.

import type { Diagnostic, Parsed } from '../../core/diagnostics.js';
import type { Cidr, IPv4 } from '../../core/ip.js';
import { maskOf } from '../../core/ip.js';
import type { Nexthop, Route, RuleAction } from '../../net/routing/api.js';
import { RT_TABLE } from '../../net/routing/api.js';
import { isRejectType } from '../../net/routing/constants.js';
import type { TableNames } from './names.js';
import { dsfieldValue, ipprotoValue, protoName, routeTypeName, scopeName, tableId, tableNames } from './names.js';
import { parseIproute2IPv4, parseIproute2Prefix, parseUnsigned } from './numbers.js';
import type { ShownRule } from './types.js';

type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
type JsonObject = { [k: string]: JsonValue };

interface Located { readonly line: number; readonly column: number }

/** Offsets of the objects directly inside the top-level array, found by a string-aware bracket scan. */
function elementStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '[' || c === '{') {
      if (depth === 1 && c === '{') starts.push(i);
      depth++;
    } else if (c === ']' || c === '}') depth--;
  }
  return starts;
}

function locate(text: string, offset: number): Located {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') { line++; last = i; }
  return { line, column: offset - last };
}

class ElementError extends Error {
  constructor(readonly key: string, message: string, readonly expected: string) {
    super(message);
  }
}

function str(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ElementError(key, `"${key}" is not a string`, 'a string');
  return v;
}

function num(o: JsonObject, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ElementError(key, `"${key}" is not a non-negative integer`, 'a number');
  return v;
}

function addr(o: JsonObject, key: string): IPv4 | undefined {
  const s = str(o, key);
  if (s === undefined) return undefined;
  const a = parseIproute2IPv4(s);
  if (a === undefined) throw new ElementError(key, `"${key}": "${s}" is not an IPv4 address`, 'an IPv4 address');
  return a;
}

function flagsOf(o: JsonObject): string[] {
  const f = o.flags;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

function isIPv6Entry(o: JsonObject): boolean {
  return ['dst', 'gateway', 'prefsrc', 'src'].some((k) => typeof o[k] === 'string' && (o[k] as string).includes(':'));
}

function parseArray(text: string, file: string, ds: Diagnostic[]): { items: JsonObject[]; locs: Located[] } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String(e));
    const at = locate(text, m ? Number(m[1]) : 0);
    ds.push({ severity: 'error', file, line: at.line, column: at.column, message: `invalid JSON: ${(e as Error).message}`, expected: 'the output of `ip -j …`', code: 'iproute2.json' });
    return undefined;
  }
  if (!Array.isArray(data)) {
    const at = locate(text, text.search(/\S/));
    ds.push({ severity: 'error', file, line: at.line, column: at.column, message: 'top level is not an array', expected: 'a JSON array', code: 'iproute2.json' });
    return undefined;
  }
  const starts = elementStarts(text);
  const items: JsonObject[] = [];
  const locs: Located[] = [];
  data.forEach((x, i) => {
    const at = locate(text, starts[i] ?? 0);
    if (typeof x !== 'object' || x === null || Array.isArray(x)) {
      ds.push({ severity: 'error', file, line: at.line, column: at.column, message: `element ${i} is not an object`, expected: 'a JSON object', code: 'iproute2.json' });
      return;
    }
    items.push(x as JsonObject);
    locs.push(at);
  });
  return { items, locs };
}

function routeOf(o: JsonObject, names: TableNames, contextTable: number): Route {
  const typeText = str(o, 'type') ?? 'unicast';
  const type = routeTypeName(typeText);
  if (type === undefined) throw new ElementError('type', `unknown route type "${typeText}"`, 'unicast, local, broadcast, blackhole, unreachable, prohibit, throw, …');
  const dstText = str(o, 'dst');
  if (dstText === undefined) throw new ElementError('dst', 'route without "dst"', '"dst"');
  const p = parseIproute2Prefix(dstText);
  if (p === undefined) throw new ElementError('dst', `"dst": "${dstText}" is not a prefix`, 'a prefix or "default"');
  const dst: Cidr = { addr: ((p.addr & maskOf(p.prefix)) >>> 0) as IPv4, prefix: p.prefix };
  const tosText = str(o, 'tos');
  const tos = tosText === undefined ? 0 : dsfieldValue(tosText);
  if (tos === undefined) throw new ElementError('tos', `bad "tos" "${tosText}"`, 'a TOS value');
  const tableText = o.table === undefined ? undefined : String(o.table);
  const table = tableText === undefined ? contextTable : tableId(tableText, names);
  if (table === undefined) throw new ElementError('table', `unknown table "${tableText}"`, 'a table number or rt_tables name');
  const protoText = o.protocol === undefined ? 'boot' : String(o.protocol);
  const proto = protoName(protoText);
  if (proto === undefined) throw new ElementError('protocol', `unknown protocol "${protoText}"`, 'a protocol name or number');
  const scopeText = o.scope === undefined ? 'global' : String(o.scope);
  const scope = scopeName(scopeText);
  if (scope === undefined) throw new ElementError('scope', `unknown scope "${scopeText}"`, 'global, site, link, host or nowhere');
  if (o.via !== undefined || o.encap !== undefined || o.nhid !== undefined) throw new ElementError('via', 'RTA_VIA / encap / nhid routes are not modelled', 'gateway and dev');
  const nexthops: Nexthop[] = [];
  const list = o.nexthops;
  if (Array.isArray(list)) {
    for (const n of list) {
      if (typeof n !== 'object' || n === null || Array.isArray(n)) throw new ElementError('nexthops', 'nexthop is not an object', 'an object');
      const dev = str(n, 'dev');
      if (dev === undefined) throw new ElementError('nexthops', 'nexthop without "dev"', '"dev"');
      const via = addr(n, 'gateway');
      nexthops.push({ dev, weight: num(n, 'weight') ?? 1, onlink: flagsOf(n).includes('onlink'), ...(via !== undefined ? { via } : {}) });
    }
  } else {
    const dev = str(o, 'dev');
    const via = addr(o, 'gateway');
    if (dev !== undefined) nexthops.push({ dev, weight: 1, onlink: flagsOf(o).includes('onlink'), ...(via !== undefined ? { via } : {}) });
    else if (!isRejectType(type)) throw new ElementError('dev', `${type} route without "dev"`, '"dev"');
  }
  const prefsrc = addr(o, 'prefsrc');
  return { table, type, dst, tos, metric: num(o, 'metric') ?? 0, scope, proto, ...(prefsrc !== undefined ? { prefsrc } : {}), nexthops };
}

/** Parses `ip -j route show` output. `table` is the listed table for entries without a "table" key (default main). */
export function parseRouteJson(text: string, opts: { readonly file: string; readonly table?: number; readonly rtTables?: string }): Parsed<Route[]> {
  const names = tableNames(opts.rtTables);
  const diagnostics: Diagnostic[] = [];
  const arr = parseArray(text, opts.file, diagnostics);
  if (!arr) return { value: [], diagnostics };
  const value: Route[] = [];
  arr.items.forEach((o, i) => {
    const at = arr.locs[i] as Located;
    if (isIPv6Entry(o)) {
      diagnostics.push({ severity: 'unsupported', file: opts.file, line: at.line, column: at.column, message: `IPv6 route ${String(o.dst)} is not modelled; skipped`, code: 'iproute2.ipv6' });
      return;
    }
    try {
      const r = routeOf(o, names, opts.table ?? RT_TABLE.main);
      value.push({ ...r, loc: { file: opts.file, line: at.line, column: at.column }, raw: JSON.stringify(o) });
    } catch (e) {
      if (!(e instanceof ElementError)) throw e;
      diagnostics.push({ severity: e.key === 'via' ? 'unsupported' : 'error', file: opts.file, line: at.line, column: at.column, message: `route ${i}: ${e.message}`, expected: e.expected, code: 'iproute2.json' });
    }
  });
  return { value, diagnostics };
}

function ruleOf(o: JsonObject, names: TableNames): ShownRule {
  const priority = num(o, 'priority') ?? 0;
  const prefix = (k: string, lenKey: string): Cidr | undefined => {
    const s = str(o, k);
    if (s === undefined || s === 'all') return undefined;
    const a = parseIproute2IPv4(s);
    if (a === undefined) throw new ElementError(k, `"${k}": "${s}" is not an IPv4 address`, 'an IPv4 address or "all"');
    const len = num(o, lenKey) ?? 32;
    if (len > 32) throw new ElementError(lenKey, `"${lenKey}" ${len} is out of range`, '0..32');
    return { addr: ((a & maskOf(len)) >>> 0) as IPv4, prefix: len };
  };
  const for2 = ['uid_start', 'l3mdev', 'tun_id', 'dscp', 'flowlabel', 'nat_gateway', 'masquerade', 'suppress_ifgroup'].find((k) => o[k] !== undefined);
  if (for2 !== undefined) throw new ElementError('unsupported', `rule selector "${for2}" is not modelled`, 'a modelled selector');
  let action: RuleAction;
  if (o.goto !== undefined) {
    const g = num(o, 'goto');
    if (g === undefined) throw new ElementError('goto', 'goto without a target', 'a priority');
    action = { kind: 'goto', priority: g };
  } else if (o.nop !== undefined) action = { kind: 'nop' };
  else if (o.action !== undefined) {
    const a = str(o, 'action');
    if (a !== 'blackhole' && a !== 'unreachable' && a !== 'prohibit') throw new ElementError('action', `rule action "${String(a)}" is not modelled`, 'blackhole, unreachable or prohibit');
    action = { kind: a };
  } else {
    const t = o.table === undefined ? 'main' : String(o.table);
    const id = tableId(t, names);
    if (id === undefined) throw new ElementError('table', `unknown table "${t}"`, 'a table number or rt_tables name');
    action = { kind: 'lookup', table: id };
  }
  const rule: { -readonly [K in keyof ShownRule]: ShownRule[K] } = { priority, not: o.not !== undefined, action };
  const from = prefix('src', 'srclen');
  if (from) rule.from = from;
  const to = prefix('dst', 'dstlen');
  if (to) rule.to = to;
  const tosText = str(o, 'tos');
  if (tosText !== undefined) {
    const v = dsfieldValue(tosText);
    if (v === undefined) throw new ElementError('tos', `bad "tos" "${tosText}"`, 'a TOS value');
    if (v) rule.tos = v;
  }
  const mark = str(o, 'fwmark');
  if (mark !== undefined) {
    const v = parseUnsigned(mark);
    const maskText = str(o, 'fwmask');
    const m = maskText === undefined ? 0xffffffff : parseUnsigned(maskText);
    if (v === undefined || m === undefined) throw new ElementError('fwmark', `bad fwmark "${mark}"`, 'a hex number');
    rule.fwmark = { value: v, mask: m };
  }
  const iif = str(o, 'iif');
  if (iif !== undefined) rule.iif = iif;
  if (o.iif_detached !== undefined) rule.iifDetached = true;
  const oif = str(o, 'oif');
  if (oif !== undefined) rule.oif = oif;
  if (o.oif_detached !== undefined) rule.oifDetached = true;
  const proto = str(o, 'ipproto');
  if (proto !== undefined) {
    const v = ipprotoValue(proto);
    if (v === undefined) throw new ElementError('ipproto', `unknown ipproto "${proto}"`, 'tcp, udp, icmp or a number');
    rule.ipproto = v;
  }
  const range = (single: string, start: string, end: string): { min: number; max: number } | undefined => {
    const s = num(o, single);
    if (s !== undefined) return { min: s, max: s };
    const a = num(o, start);
    const b = num(o, end);
    return a !== undefined && b !== undefined ? { min: a, max: b } : undefined;
  };
  const sport = range('sport', 'sport_start', 'sport_end');
  if (sport) rule.sport = sport;
  const dport = range('dport', 'dport_start', 'dport_end');
  if (dport) rule.dport = dport;
  const sup = o.suppress_prefixlen;
  if (typeof sup === 'number' && sup >= 0) rule.suppressPrefixlength = sup;
  if (o.unresolved !== undefined) rule.unresolved = true;
  const rp = o.protocol;
  if (rp !== undefined) {
    const p = protoName(String(rp));
    if (p === undefined) throw new ElementError('protocol', `unknown protocol "${String(rp)}"`, 'a protocol name or number');
    rule.proto = p;
  }
  return rule;
}

/** Parses `ip -j rule show` output. */
export function parseRuleJson(text: string, opts: { readonly file: string; readonly rtTables?: string }): Parsed<ShownRule[]> {
  const names = tableNames(opts.rtTables);
  const diagnostics: Diagnostic[] = [];
  const arr = parseArray(text, opts.file, diagnostics);
  if (!arr) return { value: [], diagnostics };
  const value: ShownRule[] = [];
  arr.items.forEach((o, i) => {
    const at = arr.locs[i] as Located;
    if (isIPv6Entry(o)) {
      diagnostics.push({ severity: 'unsupported', file: opts.file, line: at.line, column: at.column, message: 'IPv6 rule is not modelled; skipped', code: 'iproute2.ipv6' });
      return;
    }
    try {
      value.push({ ...ruleOf(o, names), loc: { file: opts.file, line: at.line, column: at.column }, raw: JSON.stringify(o) });
    } catch (e) {
      if (!(e instanceof ElementError)) throw e;
      diagnostics.push({ severity: e.key === 'unsupported' || e.key === 'action' ? 'unsupported' : 'error', file: opts.file, line: at.line, column: at.column, message: `rule ${i}: ${e.message}`, expected: e.expected, code: 'iproute2.json' });
    }
  });
  return { value, diagnostics };
}
