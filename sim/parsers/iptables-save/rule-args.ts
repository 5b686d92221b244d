// The rule part of an iptables command line (`-s … -p tcp -m tcp --dport 80 -j ACCEPT`), read the
// way iptables' getopt loop reads it: `!` before an option inverts it (the old `--opt ! value`
// form is accepted with iptables' deprecation warning); an option belongs to the target, else to
// the most recently loaded match that has it, else loads the protocol's match implicitly
// (`-p tcp --dport 80` becomes `-p tcp -m tcp --dport 80`). Unknown modules and targets keep their
// words and make the rule unsupported.

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { Table } from '../../net/netfilter/api.js';
import type { Counters, RuleColumns } from '../../net/netfilter/ruleset.js';
import type { AddrSpec, IfaceSpec, MatchSpec, ProtoSpec, RuleSpec, TargetSpec } from '../../net/netfilter/rule-types.js';
import { MATCH_DEFS, PROTO_MATCH } from './matches.js';
import { findOpt, type BuildCtx, type ExtDef, type OptDef, type ParsedOpt } from './module-def.js';
import { parseProtocol } from './protocols.js';
import { KNOWN_UNMODELLED_TARGETS, TARGET_DEFS } from './targets.js';
import type { Token } from './tokens.js';
import { parseAddrMask, parseUint } from './values.js';

export interface RuleParseCtx {
  readonly file: string;
  readonly table: Table;
  readonly hasChain: (name: string) => boolean;
  /** The line the rule's location points at; columns of words on other lines fall back to 1. */
  readonly firstLine?: number;
}

export interface ParsedRuleArgs {
  readonly spec: RuleSpec;
  readonly cols: RuleColumns;
  readonly unsupported?: string;
  readonly counters?: Counters;
  readonly diagnostics: Diagnostic[];
}

interface Ext<S> {
  readonly name: string;
  readonly def: ExtDef<S> | undefined;
  readonly col: number;
  readonly opts: ParsedOpt[];
  readonly words: string[];
}

const BASIC: Readonly<Record<string, string>> = {
  '-s': '-s', '--source': '-s', '--src': '-s', '-d': '-d', '--destination': '-d', '--dst': '-d',
  '-i': '-i', '--in-interface': '-i', '-o': '-o', '--out-interface': '-o', '-p': '-p', '--protocol': '-p',
  '-f': '-f', '--fragment': '-f', '-m': '-m', '--match': '-m', '-j': '-j', '--jump': '-j', '-g': '-g', '--goto': '-g',
  '-c': '-c', '--set-counters': '-c', '-4': '-4', '--ipv4': '-4', '-6': '-6', '--ipv6': '-6',
};
const INVERTIBLE_BASIC = new Set(['-s', '-d', '-i', '-o', '-p', '-f']);

function lineLenOf(tokens: readonly Token[], line: number): number {
  const on = tokens.filter((t) => t.line === line);
  const last = on[on.length - 1];
  return last ? last.col + last.text.length : 1;
}

export function parseRuleArgs(tokens: readonly Token[], ctx: RuleParseCtx): ParsedRuleArgs {
  const diagnostics: Diagnostic[] = [];
  const at = (t: { line: number; col: number }, severity: Diagnostic['severity'], message: string, expected?: string, code?: string): void => {
    diagnostics.push(diag(severity, { file: ctx.file, line: t.line, column: t.col }, message, { ...(expected ? { expected } : {}), ...(code ? { code } : {}) }));
  };
  const line = ctx.firstLine ?? tokens[0]?.line ?? 1;
  const colOf = (t: Token): number => (t.line === line ? t.col : 1);
  const spec: { -readonly [K in keyof RuleSpec]: RuleSpec[K] } = { matches: [] };
  const cols: { -readonly [K in keyof RuleColumns]: RuleColumns[K] } = { matches: [] };
  const matches: Ext<MatchSpec>[] = [];
  let target: Ext<TargetSpec> | undefined;
  let targetSpec: TargetSpec | undefined;
  let unsupported: string | undefined;
  let invalid: string | undefined;
  let counters: Counters | undefined;
  let invertCol: number | undefined;
  let implicitLoaded = false;
  let lastUnknown: Ext<unknown> | undefined;
  const markUnsupported = (why: string): void => { unsupported ??= why; };

  const takeValue = (i: number, inline: string | undefined, name: Token): { value: Token; next: number } | undefined => {
    if (inline !== undefined) return { value: { text: inline, line: name.line, col: name.col + name.text.length - inline.length, quoted: false }, next: i };
    const v = tokens[i + 1];
    if (!v) { at(name, 'error', `option ${name.text} requires an argument`, 'an argument after the option', 'missing-argument'); return undefined; }
    return { value: v, next: i + 1 };
  };

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    const text = tok.text;
    if (text === '!' && !tok.quoted) {
      if (invertCol !== undefined) at(tok, 'error', "Multiple `!' flags not allowed", 'a single !', 'double-invert');
      invertCol = tok.col;
      continue;
    }
    const invert = invertCol !== undefined;
    if (!text.startsWith('-') || text === '-' || tok.quoted) {
      if (lastUnknown) { lastUnknown.words.push(text); continue; }
      at(tok, 'error', `unexpected argument "${text}"`, 'an option such as -s, -p, -m or -j', 'unexpected-argument');
      invertCol = undefined;
      continue;
    }
    // Split `--opt=value` and glued short options (`-ptcp`).
    let name = text;
    let inline: string | undefined;
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      if (eq > 2) { name = text.slice(0, eq); inline = text.slice(eq + 1); }
    } else if (text.length > 2 && BASIC[text.slice(0, 2)] && text[1] !== 'f') {
      name = text.slice(0, 2);
      inline = text.slice(2);
    }
    const basic = BASIC[name];
    if (basic) {
      invertCol = undefined;
      if (invert && !INVERTIBLE_BASIC.has(basic)) at(tok, 'error', `unexpected ! flag before ${name}`, `${name} without !`, 'bad-invert');
      if (basic === '-4') continue;
      if (basic === '-6') { at(tok, 'error', '-6 (IPv6) in an IPv4 ruleset', 'IPv4 rules (ip6tables is not modelled)', 'ipv6'); invalid ??= 'IPv6 rule'; continue; }
      if (basic === '-f') {
        if (inline !== undefined) at(tok, 'error', `-f takes no argument`, '-f alone', 'bad-argument');
        spec.fragment = { invert };
        continue;
      }
      if (basic === '-c') {
        const a = tokens[i + 1];
        const b = tokens[i + 2];
        const p = a ? parseUint(a.text, Number.MAX_SAFE_INTEGER) : undefined;
        const by = b ? parseUint(b.text, Number.MAX_SAFE_INTEGER) : undefined;
        if (p === undefined || by === undefined) at(a ?? tok, 'error', '-c needs two counters', '-c PACKETS BYTES', 'bad-counters');
        else counters = { packets: p, bytes: by };
        i += 2;
        continue;
      }
      const got = takeValue(i, inline, tok);
      if (!got) continue;
      i = got.next;
      const v = got.value;
      // Legacy intrapositioned negation: `-s ! 1.2.3.4`.
      let inv = invert;
      let value = v;
      if (v.text === '!' && !v.quoted && INVERTIBLE_BASIC.has(basic) && tokens[i + 1]) {
        at(v, 'warning', 'Using intrapositioned negation (`--option ! this`) is deprecated in favor of extrapositioned (`! --option this`).', `! ${name} ${tokens[i + 1]?.text}`, 'intrapositioned-negation');
        inv = true;
        i += 1;
        value = tokens[i] as Token;
      }
      switch (basic) {
        case '-s':
        case '-d': {
          if (spec[basic === '-s' ? 'src' : 'dst']) { at(tok, 'error', `multiple ${basic} flags not allowed`, `${basic} once`, 'duplicate-option'); break; }
          if (value.text.includes(',')) {
            at(value, 'unsupported', `address list "${value.text}": iptables expands it into one rule per address; not modelled`, 'one address or CIDR per rule', 'address-list');
            markUnsupported(`address list ${value.text} (one rule per address) is not modelled`);
            break;
          }
          const a = parseAddrMask(value.text);
          if (!a) { at(value, 'error', `bad address "${value.text}"`, 'an IPv4 address, ADDR/LEN or ADDR/DOTTED-MASK (host names are not resolved)', 'bad-address'); invalid ??= `bad address ${value.text}`; break; }
          const s: AddrSpec = { ...a, invert: inv };
          // 0.0.0.0/0 without ! is no test at all: the kernel entry is the same as without the option.
          if (a.mask === 0 && a.addr === 0 && !inv) break;
          if (basic === '-s') spec.src = s; else spec.dst = s;
          break;
        }
        case '-i':
        case '-o': {
          if (value.text.length === 0 || value.text.length > 15 || /[\s/]/.test(value.text)) { at(value, 'error', `bad interface name "${value.text}"`, 'an interface name of 1-15 characters, optionally ending in +', 'bad-interface'); invalid ??= 'bad interface'; break; }
          const s: IfaceSpec = { name: value.text, invert: inv };
          // `-i +` without ! matches everything and is not stored (iptables-save omits it).
          if (value.text === '+' && !inv) break;
          if (basic === '-i') { spec.inIface = s; cols.inIface = colOf(tok); } else { spec.outIface = s; cols.outIface = colOf(tok); }
          break;
        }
        case '-p': {
          const n = parseProtocol(value.text);
          if (n === undefined) { at(value, 'error', `unknown protocol "${value.text}"`, 'tcp, udp, icmp, sctp, ... all, or a number 0-255', 'bad-protocol'); invalid ??= 'bad protocol'; break; }
          if (n === 0 && inv) { at(tok, 'error', 'rule would never match protocol', 'a protocol other than all with !', 'never-matches'); invalid ??= '! -p all'; break; }
          const p: ProtoSpec = { num: n, invert: inv };
          if (n !== 0 || inv) { spec.proto = p; cols.proto = colOf(tok); }
          break;
        }
        case '-m': {
          const def = MATCH_DEFS[value.text];
          const ext: Ext<MatchSpec> = { name: value.text, def, col: colOf(tok), opts: [], words: [] };
          matches.push(ext);
          lastUnknown = def ? undefined : (ext as Ext<unknown>);
          if (!def) {
            at(value, 'unsupported', `match module "${value.text}" is not modelled; the rule is kept and will not match`, `a modelled module (${Object.keys(MATCH_DEFS).join(', ')})`, 'unknown-match');
            markUnsupported(`-m ${value.text}: match module not modelled`);
          }
          break;
        }
        case '-j':
        case '-g': {
          if (target || targetSpec) { at(tok, 'error', 'multiple -j or -g flags not allowed', 'one target', 'duplicate-target'); break; }
          cols.target = colOf(tok);
          const isGoto = basic === '-g';
          const def = TARGET_DEFS[value.text];
          if (isGoto || ctx.hasChain(value.text) || !def) {
            if (!isGoto && !ctx.hasChain(value.text) && KNOWN_UNMODELLED_TARGETS.includes(value.text)) {
              target = { name: value.text, def: undefined, col: colOf(tok), opts: [], words: [] };
              lastUnknown = target as Ext<unknown>;
              at(value, 'unsupported', `target ${value.text} is not modelled; the rule is kept and will not match`, `a modelled target (${Object.keys(TARGET_DEFS).join(', ')})`, 'unknown-target');
              markUnsupported(`-j ${value.text}: target not modelled`);
            } else {
              targetSpec = { kind: 'jump', chain: value.text, goto: isGoto };
            }
          } else {
            target = { name: value.text, def, col: colOf(tok), opts: [], words: [] };
          }
          break;
        }
      }
      continue;
    }
    // An extension option: the target first, then the newest match that knows it.
    let owner: Ext<unknown> | undefined;
    let def: OptDef | undefined;
    if (target?.def) { def = findOpt(target.def.options, name); if (def) owner = target as Ext<unknown>; }
    for (let k = matches.length - 1; !owner && k >= 0; k--) {
      const m = matches[k] as Ext<MatchSpec>;
      if (!m.def) continue;
      def = findOpt(m.def.options, name);
      if (def) owner = m as Ext<unknown>;
    }
    if (!owner && spec.proto && !spec.proto.invert && !implicitLoaded) {
      const pm = PROTO_MATCH[spec.proto.num];
      const pdef = pm ? MATCH_DEFS[pm] : undefined;
      const d = pdef ? findOpt(pdef.options, name) : undefined;
      if (pm && pdef && d && !matches.some((m) => m.name === pm)) {
        implicitLoaded = true;
        const ext: Ext<MatchSpec> = { name: pm, def: pdef, col: colOf(tok), opts: [], words: [] };
        matches.push(ext);
        owner = ext as Ext<unknown>;
        def = d;
      }
    }
    if (!owner || !def) {
      invertCol = undefined;
      if (lastUnknown) { lastUnknown.words.push(...(invert ? ['!'] : []), text); continue; }
      const loaded = [...matches.filter((m) => m.def).map((m) => `-m ${m.name}`), ...(target?.def ? [`-j ${target.name}`] : [])];
      at(tok, 'error', `unknown option "${name}"`, loaded.length ? `an option of ${loaded.join(', ')}` : 'a basic option (-s, -d, -i, -o, -p, -f, -m, -j, -g)', 'unknown-option');
      invalid ??= `unknown option ${name}`;
      while (tokens[i + 1] && !(tokens[i + 1] as Token).text.startsWith('-') && (tokens[i + 1] as Token).text !== '!') i++;
      continue;
    }
    invertCol = undefined;
    let inv = invert;
    if (inv && !def.invert) { at(tok, 'error', `${name} cannot be inverted`, `${name} without !`, 'bad-invert'); invalid ??= `! ${name}`; inv = false; }
    const args: Token[] = [];
    let j = i;
    if (def.args > 0 && inline === undefined) {
      const nxt = tokens[j + 1];
      if (nxt && nxt.text === '!' && !nxt.quoted && def.invert && tokens[j + 2]) {
        at(nxt, 'warning', 'Using intrapositioned negation (`--option ! this`) is deprecated in favor of extrapositioned (`! --option this`).', `! ${name} ${tokens[j + 2]?.text}`, 'intrapositioned-negation');
        inv = true;
        j += 1;
      }
    }
    if (inline !== undefined) {
      if (def.args === 0) { at(tok, 'error', `${name} takes no argument`, name, 'bad-argument'); invalid ??= `${name}=`; }
      else args.push({ text: inline, line: tok.line, col: tok.col + name.length + 1, quoted: false });
    }
    while (args.length < def.args) {
      const nxt = tokens[j + 1];
      if (!nxt) break;
      args.push(nxt);
      j += 1;
    }
    i = j;
    if (args.length < def.args) { at(tok, 'error', `option ${name} requires ${def.args === 2 ? 'two arguments' : 'an argument'}`, `${name} ${def.args === 2 ? 'ARG ARG' : 'ARG'}`, 'missing-argument'); invalid ??= `${name} without argument`; continue; }
    owner.opts.push({ name: def.name, written: name, args, invert: inv, col: colOf(tok) });
  }
  if (invertCol !== undefined) at({ line, col: Math.min(invertCol, lineLenOf(tokens, line)) }, 'error', '! at the end of the rule', 'an option after !', 'dangling-invert');

  // Extension builders report argument columns; an argument on a continuation line points at column 1.
  const firstLineTokens = tokens.filter((t) => t.line === line);
  const lastOnLine = firstLineTokens[firstLineTokens.length - 1];
  const lineLen = lastOnLine ? lastOnLine.col + lastOnLine.text.length : 1;
  const bctx = (what: string): BuildCtx => ({
    ...(spec.proto ? { proto: spec.proto } : {}),
    error: (col, message, expected) => { at({ line, col: Math.min(col, lineLen) }, 'error', `${what}: ${message}`, expected, 'bad-argument'); invalid ??= `${what}: ${message}`; },
    warn: (col, message, expected) => at({ line, col: Math.min(col, lineLen) }, 'warning', `${what}: ${message}`, expected),
    unsupported: (col, message) => at({ line, col: Math.min(col, lineLen) }, 'unsupported', message, undefined, 'not-modelled'),
  });
  const matchSpecs: MatchSpec[] = [];
  for (const m of matches) {
    if (!m.def) { matchSpecs.push({ kind: 'unknown', module: m.name, args: m.words }); continue; }
    const built = m.def.build(m.opts, bctx(`-m ${m.name}`), m.col);
    matchSpecs.push(built ?? { kind: 'unknown', module: m.name, args: m.opts.flatMap((o) => [...(o.invert ? ['!'] : []), o.written, ...o.args.map((a) => a.text)]) });
  }
  spec.matches = matchSpecs;
  cols.matches = matches.map((m) => m.col);
  if (target) {
    const built = target.def ? target.def.build(target.opts, bctx(`-j ${target.name}`), target.col) : undefined;
    spec.target = built ?? { kind: 'unknown', name: target.name, args: target.def ? target.opts.flatMap((o) => [o.written, ...o.args.map((a) => a.text)]) : target.words };
  } else if (targetSpec) spec.target = targetSpec;
  const why = invalid !== undefined ? `not loaded by iptables: ${invalid}` : unsupported;
  const out: { -readonly [K in keyof ParsedRuleArgs]: ParsedRuleArgs[K] } = { spec, cols, diagnostics };
  if (why !== undefined) out.unsupported = why;
  if (counters) out.counters = counters;
  return out;
}

