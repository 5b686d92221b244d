// `ip …` command lines (a script, a list of setup steps, a distribution's policy-routing hook):
// `[sudo] ip [-4|-family inet|-n NETNS|…] route|rule|address|link …`, with iproute2's object and
// verb abbreviations resolved as ip/ip.c do_cmd() and do_iproute()/do_iprule() resolve them (first
// entry of its table the word is a prefix of: `ip r` is `route`, `ip ru` is `rule`, `ip r a` is
// `route add`). Comments and backslash continuations are handled by tokens.ts. Every command keeps
// its raw text and file:line; a bad command is reported with its column and skipped.

import type { Diagnostic, Parsed } from '../../core/diagnostics.js';
import type { IPv4 } from '../../core/ip.js';
import { maskOf } from '../../core/ip.js';
import type { RouteScope } from '../../net/routing/api.js';
import { ArgReader, ParseStop } from './reader.js';
import type { LogicalLine, Token } from './tokens.js';
import { logicalLines } from './tokens.js';
import type { IpCommand, RouteOp } from './types.js';
import type { TableNames } from './names.js';
import { matches, scopeName, tableId, tableNames } from './names.js';
import { looksLikeIPv6, parseIproute2IPv4, parseIproute2Prefix } from './numbers.js';
import { readRouteArgs } from './route-args.js';
import { readRuleArgs } from './rule-args.js';

export interface IpParseOptions {
  readonly file: string;
  /** The text of an rt_tables file whose names may appear in `table`/`lookup`. */
  readonly rtTables?: string;
}

const OBJECTS = ['address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbor', 'neighbour', 'ntable', 'ntbl', 'link', 'l2tp', 'fou', 'ila', 'macsec', 'tunnel', 'tunl', 'tuntap', 'tap', 'token', 'tcpmetrics', 'tcp_metrics', 'monitor', 'xfrm', 'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop', 'mptcp', 'ioam', 'help', 'stats'] as const;

/** Global options in the order ip/ip.c main() tries them (so `-n` is -netns, `-b` is -batch, `-f` is -family); true = takes an argument. */
const OPTIONS: readonly (readonly [string, boolean])[] = [
  ['-loops', true], ['-family', true], ['-human', false], ['-human-readable', false], ['-iec', false], ['-stats', false],
  ['-statistics', false], ['-details', false], ['-resolve', false], ['-oneline', false], ['-timestamp', false], ['-tshort', false],
  ['-Version', false], ['-force', false], ['-batch', true], ['-brief', false], ['-json', false], ['-pretty', false], ['-rcvbuf', true],
  ['-color', false], ['-colour', false], ['-help', false], ['-netns', true], ['-Numeric', false], ['-all', false],
];

function at(t: Token): { line: number; column: number } {
  return { line: t.line, column: t.column };
}

function firstMatch<T extends string>(word: string, table: readonly T[]): T | undefined {
  return table.find((c) => matches(word, c));
}

function routeVerb(w: string): RouteOp | 'show' | 'flush' | 'get' | 'other' | undefined {
  if (matches(w, 'add')) return 'add';
  if (matches(w, 'change') || w === 'chg') return 'change';
  if (matches(w, 'replace')) return 'replace';
  if (matches(w, 'prepend')) return 'prepend';
  if (matches(w, 'append')) return 'append';
  if (matches(w, 'test')) return 'test';
  if (matches(w, 'delete')) return 'del';
  if (matches(w, 'list') || matches(w, 'show') || matches(w, 'lst')) return 'show';
  if (matches(w, 'get')) return 'get';
  if (matches(w, 'flush')) return 'flush';
  if (matches(w, 'save') || matches(w, 'restore') || matches(w, 'showdump') || matches(w, 'help')) return 'other';
  return undefined;
}

function ruleVerb(w: string): 'add' | 'del' | 'show' | 'flush' | 'other' | undefined {
  if (matches(w, 'list') || matches(w, 'lst') || matches(w, 'show')) return 'show';
  if (matches(w, 'save') || matches(w, 'restore')) return 'other';
  if (matches(w, 'add')) return 'add';
  if (matches(w, 'delete')) return 'del';
  if (matches(w, 'flush')) return 'flush';
  if (matches(w, 'help')) return 'other';
  return undefined;
}

/** Parses one logical line; pushes its command (if any) to `out`. */
function parseLine(l: LogicalLine, file: string, names: TableNames, ds: Diagnostic[], out: IpCommand[]): void {
  const r: ArgReader = ArgReader.of(l, file, ds);
  const loc = { file, line: l.line, column: (l.tokens[0] as Token).column };
  let first = r.next() as Token;
  if (first.text === 'sudo') {
    // sudo's own options (-E, -u USER, …) come before the command.
    let t = r.next();
    while (t && t.text.startsWith('-')) {
      if (['-u', '-g', '-C', '-h', '-p', '-U', '-r', '-t'].includes(t.text)) r.next();
      t = r.next();
    }
    if (!t) r.fail('sudo without a command', 'an "ip" command', l.end, 'iproute2.not-ip');
    first = t;
  }
  if (!/(^|\/)ip$/.test(first.text)) {
    r.report('unsupported', `"${first.text}" is not an ip(8) command; ignored`, 'a line starting with "ip"', at(first), 'iproute2.not-ip');
    return;
  }
  let netns: string | undefined;
  let t = r.next();
  while (t && t.text.startsWith('-') && t.text !== '--') {
    const o = t.text.startsWith('--') ? t.text.slice(1) : t.text;
    if (o === '-4') { t = r.next(); continue; }
    if (o === '-6' || o === '-0' || o === '-M' || o === '-B') r.fail(`"${t.text}": only IPv4 routing is modelled`, '-4 or no family option', at(t), 'iproute2.unsupported');
    const opt = o === '-echo' ? (['-echo', false] as const) : OPTIONS.find(([name]) => matches(o, name) || (name === '-color' && o.startsWith('-color=')));
    if (!opt) r.fail(`Option "${t.text}" is unknown`, 'an ip(8) option such as -4, -n NETNS', at(t), 'iproute2.unknown-option');
    if (opt[1]) {
      const a = r.arg(t, 'an option argument');
      if (opt[0] === '-family' && a.text !== 'inet') r.fail(`family "${a.text}" is not modelled`, 'inet', at(a), 'iproute2.unsupported');
      if (opt[0] === '-batch') r.fail('"-batch" files are not read; give the commands inline', 'inline commands', at(t), 'iproute2.unsupported');
      if (opt[0] === '-netns') netns = a.text;
    }
    t = r.next();
  }
  if (t && t.text === '--') t = r.next();
  if (!t) r.fail('ip without an object', 'route, rule, address or link', l.end, 'iproute2.syntax');
  const obj = firstMatch(t.text, OBJECTS);
  const base = { loc, raw: l.raw, ...(netns !== undefined ? { netns } : {}) };
  if (obj === 'route') {
    const vt = r.next();
    const verb = vt ? routeVerb(vt.text) : 'show';
    if (verb === undefined) r.fail(`Command "${(vt as Token).text}" is unknown, try "ip route help"`, 'add, del, replace, append, change, prepend, flush or show', at(vt as Token), 'iproute2.unknown-keyword');
    if (verb === 'show' || verb === 'get' || verb === 'other') {
      r.report('info', `"ip route ${vt?.text ?? ''}" does not change routing state; ignored`, undefined, at(vt ?? t), 'iproute2.no-op');
      return;
    }
    if (verb === 'flush') {
      out.push({ ...base, kind: 'route-flush', table: readFlushTable(r, names) });
      return;
    }
    const { spec } = readRouteArgs(r, verb === 'del' ? 'del' : 'add', names, { first: vt });
    out.push({ ...base, kind: 'route', op: verb, route: spec });
    return;
  }
  if (obj === 'rule') {
    const vt = r.next();
    const verb = vt ? ruleVerb(vt.text) : 'show';
    if (verb === undefined) r.fail(`Command "${(vt as Token).text}" is unknown, try "ip rule help"`, 'add, del, flush or show', at(vt as Token), 'iproute2.unknown-keyword');
    if (verb === 'show' || verb === 'other') {
      r.report('info', `"ip rule ${vt?.text ?? ''}" does not change routing state; ignored`, undefined, at(vt ?? t), 'iproute2.no-op');
      return;
    }
    if (verb === 'flush') {
      out.push({ ...base, kind: 'rule-flush' });
      return;
    }
    if (r.done()) r.fail(`"ip rule ${verb}" requires arguments`, 'rule selectors and an action', l.end, 'iproute2.syntax');
    const { spec } = readRuleArgs(r, verb, names);
    out.push({ ...base, kind: 'rule', op: verb, rule: spec });
    return;
  }
  if (obj === 'address') {
    parseAddr(r, l, base, out);
    return;
  }
  if (obj === 'link') {
    parseLink(r, l, base, out);
    return;
  }
  r.report('unsupported', `"ip ${t.text}" is not modelled; ignored`, 'route, rule, address or link', at(t), 'iproute2.unsupported');
}

function readFlushTable(r: ArgReader, names: TableNames): number | 'all' | 'cache' {
  let table: number | 'all' | 'cache' = 254;
  while (!r.done()) {
    const t = r.next() as Token;
    if (t.text === 'cache') { table = 'cache'; continue; }
    if (matches(t.text, 'table')) {
      const a = r.arg(t, 'a table');
      if (a.text === 'all') { table = 'all'; continue; }
      const id = tableId(a.text, names);
      if (id === undefined) r.fail(`"table" value is invalid: "${a.text}"`, 'a table number or name', at(a), 'iproute2.bad-table');
      table = id === 0 ? 'all' : id;
      continue;
    }
    r.fail(`"ip route flush ${t.text}" selectors are not modelled`, 'table TABLE or cache', at(t), 'iproute2.unsupported');
  }
  return table;
}

type Base = { loc: IpCommand['loc']; raw: string; netns?: string };

/** `ip address add|del ADDR/LEN [brd X] [scope S] [label L] dev DEV` (ip/ipaddress.c ipaddr_modify). */
function parseAddr(r: ArgReader, l: LogicalLine, base: Base, out: IpCommand[]): void {
  const vt = r.next();
  if (!vt) { r.report('info', '"ip address" listing ignored', undefined, l.end, 'iproute2.no-op'); return; }
  const op = matches(vt.text, 'add') ? 'add' : matches(vt.text, 'delete') ? 'del' : undefined;
  if (op === undefined) {
    r.report('unsupported', `"ip address ${vt.text}" is not modelled; ignored`, 'add or del', at(vt), 'iproute2.unsupported');
    return;
  }
  let local: { addr: IPv4; prefix: number } | undefined;
  let dev: string | undefined;
  let scope: RouteScope = 'global';
  let broadcast: IPv4 | undefined;
  let brdPlus = false;
  const cols: Record<string, { line: number; column: number }> = {};
  while (!r.done()) {
    const t = r.next() as Token;
    const w = t.text;
    if (w === 'dev') {
      const a = r.arg(t, 'a device name');
      dev = a.text;
      cols.dev = at(a);
    } else if (matches(w, 'broadcast') || w === 'brd') {
      const a = r.arg(t, 'an address, + or -');
      if (a.text === '+') brdPlus = true;
      else if (a.text !== '-') {
        const b = parseIproute2IPv4(a.text);
        if (b === undefined) r.fail(`invalid broadcast "${a.text}"`, 'an IPv4 address, + or -', at(a), 'iproute2.bad-address');
        broadcast = b;
      }
    } else if (w === 'scope') {
      const a = r.arg(t, 'a scope');
      const s = scopeName(a.text);
      if (s === undefined) r.fail(`invalid scope "${a.text}"`, 'global, site, link or host', at(a), 'iproute2.bad-scope');
      scope = s;
    } else if (w === 'label' || w === 'valid_lft' || w === 'preferred_lft' || w === 'metric' || w === 'proto' || w === 'peer' || matches(w, 'anycast')) {
      r.arg(t, 'a value');
      if (w !== 'label') r.unsupported(`"${w}" on addresses is not modelled; ignored`, t);
    } else if (['noprefixroute', 'home', 'nodad', 'mngtmpaddr', 'optimistic', 'autojoin', 'noautoroute'].includes(w)) {
      r.unsupported(`address flag "${w}" is not modelled; ignored`, t);
    } else {
      let a = t;
      if (w === 'local') a = r.arg(t, 'an address');
      if (local !== undefined) r.fail(`either "local" is duplicate, or "${a.text}" is garbage`, 'dev, brd, scope or label', at(a), 'iproute2.unknown-keyword');
      if (looksLikeIPv6(a.text)) r.fail('IPv6 addresses are not modelled', 'an IPv4 address/len', at(a), 'iproute2.ipv6');
      const p = parseIproute2Prefix(a.text);
      if (p === undefined || p.any) r.fail(`Error: inet prefix is expected rather than "${a.text}"`, 'an address such as 10.0.0.1/24', at(a), 'iproute2.bad-prefix');
      local = { addr: p.addr, prefix: p.prefix };
      cols.addr = at(a);
    }
  }
  if (!local) r.fail('an address is required', 'ADDR/LEN', l.end, 'iproute2.syntax');
  if (dev === undefined) r.fail('Not enough information: "dev" argument is required', 'dev DEVICE', l.end, 'iproute2.syntax');
  if (brdPlus && local.prefix < 31) broadcast = ((local.addr | ~maskOf(local.prefix)) >>> 0) as IPv4;
  out.push({ ...base, kind: 'addr', op, dev, addr: local.addr, prefix: local.prefix, scope, ...(broadcast !== undefined ? { broadcast } : {}), cols });
}

/** `ip link set [dev] DEV up|down` (other link changes are reported and ignored). */
function parseLink(r: ArgReader, l: LogicalLine, base: Base, out: IpCommand[]): void {
  const vt = r.next();
  if (!vt || !matches(vt.text, 'set')) {
    r.report('unsupported', `"ip link ${vt?.text ?? ''}" is not modelled; ignored`, 'set DEV up|down', vt ? at(vt) : l.end, 'iproute2.unsupported');
    return;
  }
  let dev: string | undefined;
  let up: boolean | undefined;
  const cols: Record<string, { line: number; column: number }> = {};
  while (!r.done()) {
    const t = r.next() as Token;
    if (t.text === 'dev') { const a = r.arg(t, 'a device name'); dev = a.text; cols.dev = at(a); }
    else if (t.text === 'up') up = true;
    else if (t.text === 'down') up = false;
    else if (dev === undefined) { dev = t.text; cols.dev = at(t); }
    else { r.unsupported(`"ip link set … ${t.text}" is not modelled; ignored`, t); if (!r.done()) r.next(); }
  }
  if (dev === undefined) r.fail('Not enough information: "dev" argument is required', 'dev DEVICE', l.end, 'iproute2.syntax');
  if (up === undefined) return;
  out.push({ ...base, kind: 'link', dev, up, cols });
}

/** Parses `ip …` command lines. Never throws; every problem is a located diagnostic. */
export function parseIpCommands(input: string, opts: IpParseOptions): Parsed<IpCommand[]> {
  const names = tableNames(opts.rtTables);
  const diagnostics: Diagnostic[] = [];
  const value: IpCommand[] = [];
  for (const l of logicalLines(input)) {
    try {
      parseLine(l, opts.file, names, diagnostics, value);
    } catch (e) {
      if (!(e instanceof ParseStop)) throw e;
    }
  }
  return { value, diagnostics };
}
