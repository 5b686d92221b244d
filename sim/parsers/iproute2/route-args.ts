// The words after `ip route add|del|…` and the words of an `ip route show` line, read in the order
// ip/iproute.c iproute_modify() tries them (so keyword abbreviations resolve the same way: `m` is
// `metric`, `p` is `priority`, `t` is `table`), including the `nexthop` lists of parse_nexthops().
// `show` lines are read with the same keywords plus the flags only `ip route show` prints
// (`linkdown`, `dead`, …) and with show defaults (absent scope = global, absent table = the context).

import type { IPv4 } from '../../core/ip.js';
import { maskOf } from '../../core/ip.js';
import type { RouteProto, RouteScope, RouteType } from '../../net/routing/api.js';
import { RT_TABLE } from '../../net/routing/api.js';
import { ArgReader } from './reader.js';
import type { Token } from './tokens.js';
import type { NexthopSpec, RouteSpec } from './types.js';
import type { TableNames } from './names.js';
import { dsfieldValue, matches, protoName, routeTypeName, scopeName, tableId } from './names.js';
import { looksLikeIPv6, parseIproute2IPv4, parseIproute2Prefix, parseUnsigned } from './numbers.js';

export type RouteArgsMode = 'add' | 'del' | 'show';

/** Route metrics (RTA_METRICS) that do not change a routing decision: read, reported as unsupported, kept out of the model. */
const METRIC_WORDS_EXACT = ['mtu', 'hoplimit', 'advmss', 'rtt', 'rto_min'];
const METRIC_WORDS_PREFIX = ['reordering', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'quickack', 'congctl', 'rttvar', 'ssthresh', 'fastopen_no_cookie'];
/** Flags only `ip route show` prints (print_rt_flags). */
const SHOW_FLAGS = ['dead', 'pervasive', 'offload', 'trap', 'notify', 'linkdown', 'unresolved', 'rt_offload', 'rt_trap', 'rt_offload_failed'];

function ipv4Arg(r: ArgReader, t: Token, what: string): IPv4 {
  if (looksLikeIPv6(t.text)) r.fail(`IPv6 address "${t.text}" is not modelled`, 'an IPv4 address', t, 'iproute2.ipv6');
  const a = parseIproute2IPv4(t.text);
  if (a === undefined) r.fail(`Error: inet address is expected rather than "${t.text}" (${what})`, 'an IPv4 address such as 10.0.0.1', t, 'iproute2.bad-address');
  return a;
}

function at(t: Token): { line: number; column: number } {
  return { line: t.line, column: t.column };
}

interface NhDraft { via?: IPv4; dev?: string; weight: number; onlink: boolean; cols: Record<string, { line: number; column: number }> }

function nexthopOf(d: NhDraft): NexthopSpec {
  const nh: { -readonly [K in keyof NexthopSpec]: NexthopSpec[K] } = { weight: d.weight, onlink: d.onlink, cols: d.cols };
  if (d.via !== undefined) nh.via = d.via;
  if (d.dev !== undefined) nh.dev = d.dev;
  return nh;
}

/** parse_one_nh: the words after one `nexthop`. */
function readNexthop(r: ArgReader, mode: RouteArgsMode): NhDraft {
  const nh: NhDraft = { weight: 1, onlink: false, cols: {} };
  for (;;) {
    const t = r.next();
    if (!t) break;
    const w = t.text;
    if (w === 'via') {
      let a = r.arg(t, 'a gateway address');
      if (a.text === 'inet') a = r.arg(a, 'a gateway address');
      if (nh.via !== undefined) r.fail('use nexthop syntax to specify multiple via', 'one "via" per nexthop', at(t));
      nh.via = ipv4Arg(r, a, 'via');
      nh.cols.via = at(a);
    } else if (w === 'dev') {
      const a = r.arg(t, 'a device name');
      nh.dev = a.text;
      nh.cols.dev = at(a);
    } else if (w === 'weight') {
      const a = r.arg(t, 'a weight 1..256');
      const v = parseUnsigned(a.text);
      if (v === undefined || v === 0 || v > 256) r.fail(`"weight" is invalid: "${a.text}"`, 'a weight 1..256', at(a), 'iproute2.bad-number');
      nh.weight = v;
    } else if (w === 'onlink') {
      nh.onlink = true;
    } else if (matches(w, 'realms')) {
      r.arg(t, 'a realm');
      r.unsupported('route realms are not modelled; ignored', t);
    } else if (w === 'encap' || w === 'as') {
      r.fail(`"${w}" nexthops are not modelled`, 'via, dev, weight or onlink', at(t), 'iproute2.unsupported');
    } else if (mode === 'show' && SHOW_FLAGS.includes(w)) {
      // dead / linkdown: a state the simulator derives from the device itself.
    } else {
      r.back();
      break;
    }
  }
  return nh;
}

export interface RouteArgsResult {
  readonly spec: RouteSpec;
  /** The show-only flags seen (`linkdown`, `dead`, …). */
  readonly flags: readonly string[];
  readonly tableWritten: boolean;
}

/**
 * Reads route words from the reader's position to the end. Throws ParseStop (after reporting) on
 * the first error, as `ip` exits on it.
 */
export function readRouteArgs(r: ArgReader, mode: RouteArgsMode, names: TableNames, opts: { contextTable?: number; first: Token | undefined }): RouteArgsResult {
  let type: RouteType | undefined;
  let dst: { addr: IPv4; prefix: number } | undefined;
  let tos = 0;
  let metric: number | undefined;
  let table: number | undefined;
  let scope: RouteScope | undefined;
  let proto: RouteProto | undefined;
  let prefsrc: IPv4 | undefined;
  const single: NhDraft = { weight: 1, onlink: false, cols: {} };
  let gwOk = false;
  const multi: NhDraft[] = [];
  let multipath = false;
  const flags: string[] = [];
  const cols: Record<string, { line: number; column: number }> = {};

  while (!r.done()) {
    const t = r.next() as Token;
    const w = t.text;
    if (w === 'src') {
      const a = r.arg(t, 'a local address');
      prefsrc = ipv4Arg(r, a, 'src');
      cols.src = at(a);
    } else if (w === 'as') {
      r.fail('"as" (route NAT) is not modelled', 'a route keyword', at(t), 'iproute2.unsupported');
    } else if (w === 'via') {
      if (gwOk) r.fail('use nexthop syntax to specify multiple via', 'one "via", or "nexthop" lists', at(t));
      gwOk = true;
      let a = r.arg(t, 'a gateway address');
      if (a.text === 'inet') a = r.arg(a, 'a gateway address');
      single.via = ipv4Arg(r, a, 'via');
      single.cols.via = at(a);
      cols.via = at(a);
    } else if (w === 'from') {
      r.arg(t, 'a prefix');
      r.unsupported('IPv4 routes have no source prefix; "from" ignored', t);
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const a = r.arg(t, 'a TOS value');
      const v = dsfieldValue(a.text);
      if (v === undefined) r.fail(`"tos" value is invalid: "${a.text}"`, 'a TOS value in hex or a dsfield name', at(a), 'iproute2.bad-number');
      tos = v;
    } else if (w === 'expires') {
      r.arg(t, 'seconds');
      r.unsupported('"expires" applies to IPv6 routes only; ignored', t);
    } else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') {
      const a = r.arg(t, 'a metric');
      const v = parseUnsigned(a.text);
      if (v === undefined) r.fail(`"metric" value is invalid: "${a.text}"`, 'a number 0..4294967295', at(a), 'iproute2.bad-number');
      metric = v;
    } else if (w === 'scope') {
      const a = r.arg(t, 'a scope');
      const s = scopeName(a.text);
      if (s === undefined) r.fail(`invalid "scope" value: "${a.text}"`, 'global, site, link, host or nowhere', at(a), 'iproute2.bad-scope');
      scope = s;
    } else if (METRIC_WORDS_EXACT.includes(w) || METRIC_WORDS_PREFIX.some((m) => matches(w, m))) {
      let a = r.arg(t, 'a value');
      if (a.text === 'lock') a = r.arg(a, 'a value');
      r.unsupported(`route metric "${w}" does not change routing decisions and is not modelled; ignored`, t);
    } else if (matches(w, 'features')) {
      while (!r.done() && ['ecn', 'tcp_usec_ts'].includes((r.peek() as Token).text)) r.next();
      r.unsupported('route "features" are not modelled; ignored', t);
    } else if (matches(w, 'realms')) {
      r.arg(t, 'a realm');
      r.unsupported('route realms are not modelled; ignored', t);
    } else if (w === 'onlink') {
      single.onlink = true;
    } else if (w === 'nexthop') {
      r.back();
      multipath = true;
      break;
    } else if (w === 'nhid') {
      r.fail('nexthop objects ("nhid") are not modelled', 'via/dev or nexthop lists', at(t), 'iproute2.unsupported');
    } else if (matches(w, 'protocol')) {
      const a = r.arg(t, 'a protocol');
      const p = protoName(a.text);
      if (p === undefined) r.fail(`"protocol" value is invalid: "${a.text}"`, 'a protocol name from rt_protos or a number 0..255', at(a), 'iproute2.bad-proto');
      proto = p;
    } else if (matches(w, 'table')) {
      const a = r.arg(t, 'a table');
      const id = tableId(a.text, names);
      if (id === undefined) r.fail(`"table" value is invalid: "${a.text}"`, 'a table number or a name from rt_tables', at(a), 'iproute2.bad-table');
      table = id;
      cols.table = at(a);
    } else if (matches(w, 'vrf')) {
      r.fail('VRFs are not modelled', 'a route keyword', at(t), 'iproute2.unsupported');
    } else if (w === 'dev' || w === 'oif') {
      const a = r.arg(t, 'a device name');
      single.dev = a.text;
      single.cols.dev = at(a);
      cols.dev = at(a);
    } else if (matches(w, 'pref')) {
      r.arg(t, 'low, medium or high');
      r.unsupported('"pref" applies to IPv6 routes only; ignored', t);
    } else if (w === 'encap') {
      r.fail('lightweight tunnel encapsulation ("encap") is not modelled', 'a route keyword', at(t), 'iproute2.unsupported');
    } else if (w === 'ttl-propagate') {
      r.arg(t, 'enabled or disabled');
      r.unsupported('"ttl-propagate" is not modelled; ignored', t);
    } else if (mode === 'show' && SHOW_FLAGS.includes(w)) {
      flags.push(w);
    } else if (mode === 'show' && (w === 'uid' || w === 'mark')) {
      r.arg(t, 'a number');
    } else {
      let d = t;
      if (w === 'to') d = r.arg(t, 'a destination prefix');
      if (!/^[0-9]/.test(d.text)) {
        const ty = routeTypeName(d.text);
        if (ty !== undefined) {
          type = ty;
          d = r.arg(d, 'a destination prefix');
        }
      }
      if (dst !== undefined) r.fail(`either "to" is duplicate, or "${d.text}" is garbage`, 'a route keyword (via, dev, src, table, metric, proto, scope, …)', at(d), 'iproute2.unknown-keyword');
      if (looksLikeIPv6(d.text)) r.fail(`IPv6 route "${d.text}" is not modelled`, 'an IPv4 prefix', at(d), 'iproute2.ipv6');
      const p = parseIproute2Prefix(d.text);
      if (p === undefined) r.fail(`Error: inet prefix is expected rather than "${d.text}"`, 'a prefix such as 10.0.0.0/8, an address, or "default"', at(d), 'iproute2.bad-prefix');
      dst = { addr: p.addr, prefix: p.prefix };
      cols.dst = at(d);
    }
  }

  if (multipath) {
    while (!r.done()) {
      const t = r.next() as Token;
      if (t.text !== 'nexthop') r.fail(`Error: "nexthop" or end of line is expected instead of "${t.text}"`, '"nexthop" or end of line', at(t), 'iproute2.unknown-keyword');
      if (r.done()) r.fail('Error: unexpected end of line after "nexthop"', 'via, dev, weight or onlink', at(t));
      multi.push(readNexthop(r, mode));
    }
  }

  if (dst === undefined) {
    const where = opts.first ?? r.peek();
    r.fail('a destination prefix is required', 'a prefix such as 10.0.0.0/8, an address, or "default"', where ? at(where) : { line: 1, column: 1 }, 'iproute2.missing-dst');
  }

  const tableWritten = table !== undefined;
  if (mode === 'show') {
    type ??= 'unicast';
    scope ??= 'global';
    proto ??= 'boot';
    table ??= opts.contextTable ?? RT_TABLE.main;
  } else {
    if (mode === 'add') type ??= 'unicast';
    if (table === undefined) table = type === 'local' || type === 'broadcast' || type === 'nat' || type === 'anycast' ? RT_TABLE.local : RT_TABLE.main;
    if (scope === undefined) {
      if (type === 'local' || type === 'nat') scope = 'host';
      else if (type === 'broadcast' || type === 'multicast' || type === 'anycast') scope = 'link';
      else if (mode === 'add' && type === 'unicast') scope = !gwOk && !multipath ? 'link' : 'global';
      else if (mode === 'add') scope = 'global';
    }
    if (mode === 'add') proto ??= 'boot';
  }

  const hasSingle = single.via !== undefined || single.dev !== undefined || single.onlink;
  const nexthops: NexthopSpec[] = multipath ? multi.map(nexthopOf) : hasSingle ? [nexthopOf(single)] : [];
  if (multipath && hasSingle && (single.via !== undefined || single.dev !== undefined)) {
    // iproute2 sends both RTA_OIF/RTA_GATEWAY and RTA_MULTIPATH; the kernel uses the multipath list
    // and insists the single values agree with it. Keep the list.
  }
  const spec: { -readonly [K in keyof RouteSpec]: RouteSpec[K] } = {
    dst: { addr: ((dst.addr & maskOf(dst.prefix)) >>> 0) as IPv4, prefix: dst.prefix },
    dstHostBits: ((dst.addr & ~maskOf(dst.prefix)) >>> 0) !== 0,
    tos,
    table,
    nexthops,
    multipath,
    cols,
  };
  if (type !== undefined) spec.type = type;
  if (metric !== undefined) spec.metric = metric;
  if (scope !== undefined) spec.scope = scope;
  if (proto !== undefined) spec.proto = proto;
  if (prefsrc !== undefined) spec.prefsrc = prefsrc;
  return { spec, flags, tableWritten };
}
