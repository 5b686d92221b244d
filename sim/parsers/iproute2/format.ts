// Routes and rules written the way iproute2 prints them: `ip route show` (ip/iproute.c
// print_route: type unless unicast, `default` for 0/0, `via`, `dev`, `table` only in `table all`
// listings and only when not main, `proto` unless boot, `scope` unless global, `src`, `metric`
// unless 0, flags, each field followed by a space, multipath nexthops on `\n\tnexthop` lines),
// `ip rule show` (ip/iprule.c print_rule: `PRIO:\t` then selectors and action), their `-j` JSON
// forms, and the `ip route add` / `ip rule add` command lines that recreate them.

import type { Cidr, IPv4 } from '../../core/ip.js';
import { formatIPv4 } from '../../core/ip.js';
import type { IpRule, Nexthop, Route } from '../../net/routing/api.js';
import { RT_TABLE } from '../../net/routing/api.js';
import type { TableNames } from './names.js';
import { DEFAULT_TABLE_NAMES, dsfieldName, ipprotoName, tableName } from './names.js';
import { hex } from './numbers.js';

export interface RouteFormatOptions {
  /** The table the listing was asked for: a number (`table 100`, default main) or `all`. `table X` is printed only for `all`. */
  readonly listed?: number | 'all';
  readonly names?: TableNames;
  /** Extra flags for a nexthop (`dead`, `linkdown`), from the device state. */
  readonly nexthopFlags?: (nh: Nexthop) => readonly string[];
}

function dstText(c: Cidr): string {
  if (c.prefix === 0) return 'default';
  return c.prefix === 32 ? formatIPv4(c.addr) : `${formatIPv4(c.addr)}/${c.prefix}`;
}

function nhFlags(nh: Nexthop, opts: RouteFormatOptions): string[] {
  const extra = opts.nexthopFlags ? [...opts.nexthopFlags(nh)] : [];
  // print_rt_flags order: dead, onlink, pervasive, offload, trap, notify, linkdown.
  const out: string[] = [];
  if (extra.includes('dead')) out.push('dead');
  if (nh.onlink) out.push('onlink');
  if (extra.includes('linkdown')) out.push('linkdown');
  return out;
}

/** One route as `ip route show` prints it, without the final newline (trailing space included, as iproute2 writes it). */
export function formatRouteLine(r: Route, opts: RouteFormatOptions = {}): string {
  const names = opts.names ?? DEFAULT_TABLE_NAMES;
  let s = '';
  if (r.type !== 'unicast') s += `${r.type} `;
  s += `${dstText(r.dst)} `;
  if (r.tos) s += `tos ${dsfieldName(r.tos)} `;
  const single = r.nexthops.length === 1 ? (r.nexthops[0] as Nexthop) : undefined;
  if (single?.via !== undefined) s += `via ${formatIPv4(single.via)} `;
  if (single) s += `dev ${single.dev} `;
  if (opts.listed === 'all' && r.table !== RT_TABLE.main) s += `table ${tableName(r.table, names)} `;
  if (r.proto !== 'boot') s += `proto ${r.proto} `;
  if (r.scope !== 'global') s += `scope ${r.scope} `;
  if (r.prefsrc !== undefined) s += `src ${formatIPv4(r.prefsrc)} `;
  if (r.metric !== 0) s += `metric ${r.metric} `;
  if (single) for (const f of nhFlags(single, opts)) s += `${f} `;
  if (r.nexthops.length > 1) {
    for (const nh of r.nexthops) {
      s += '\n\tnexthop ';
      if (nh.via !== undefined) s += `via ${formatIPv4(nh.via)} `;
      s += `dev ${nh.dev} weight ${nh.weight} `;
      for (const f of nhFlags(nh, opts)) s += `${f} `;
    }
  }
  return s;
}

/** The whole `ip route show` text for these routes, in the order given. */
export function serializeRouteShow(routes: readonly Route[], opts: RouteFormatOptions = {}): string {
  return routes.map((r) => `${formatRouteLine(r, opts)}\n`).join('');
}

/** A one-line description for traces: `ip route show table all` form, multipath folded onto the line. */
export function describeRoute(r: Route, names?: TableNames): string {
  return formatRouteLine(r, { listed: 'all', ...(names ? { names } : {}) }).replace(/\s*\n\t/g, ' ').trimEnd();
}

function prefixText(c: Cidr): string {
  return c.prefix === 32 ? formatIPv4(c.addr) : `${formatIPv4(c.addr)}/${c.prefix}`;
}

export interface RuleFormatOptions {
  readonly names?: TableNames;
  readonly iifDetached?: boolean;
  readonly oifDetached?: boolean;
  readonly unresolved?: boolean;
}

function portText(p: { min: number; max: number }): string {
  return p.min === p.max ? String(p.min) : `${p.min}-${p.max}`;
}

/** One rule as `ip rule show` prints it (no trailing newline). */
export function formatRuleLine(r: IpRule, opts: RuleFormatOptions = {}): string {
  const names = opts.names ?? DEFAULT_TABLE_NAMES;
  let s = `${r.priority}:\t`;
  if (r.not) s += 'not ';
  s += r.from ? `from ${prefixText(r.from)}` : 'from all';
  if (r.to) s += ` to ${prefixText(r.to)}`;
  if (r.tos) s += ` tos ${dsfieldName(r.tos)}`;
  if (r.fwmark && (r.fwmark.value !== 0 || r.fwmark.mask !== 0)) {
    s += ` fwmark ${hex(r.fwmark.value)}`;
    if (r.fwmark.mask !== 0xffffffff) s += `/${hex(r.fwmark.mask)}`;
  }
  if (r.iif !== undefined) s += ` iif ${r.iif}${opts.iifDetached ? ' [detached]' : ''}`;
  if (r.oif !== undefined) s += ` oif ${r.oif}${opts.oifDetached ? ' [detached]' : ''}`;
  if (r.ipproto !== undefined) s += ` ipproto ${ipprotoName(r.ipproto)}`;
  if (r.sport) s += ` sport ${portText(r.sport)}`;
  if (r.dport) s += ` dport ${portText(r.dport)}`;
  const a = r.action;
  if (a.kind === 'lookup') {
    s += ` lookup ${tableName(a.table, names)}`;
    if (r.suppressPrefixlength !== undefined) s += ` suppress_prefixlength ${r.suppressPrefixlength}`;
  } else if (a.kind === 'goto') {
    s += ` goto ${a.priority}${opts.unresolved ? ' [unresolved]' : ''}`;
  } else if (a.kind === 'nop') {
    s += ' nop';
  } else {
    s += ` ${a.kind}`;
  }
  if (r.proto !== undefined && r.proto !== 'unspec' && r.proto !== 'kernel') s += ` proto ${r.proto}`;
  return s;
}

export function serializeRuleShow(rules: readonly IpRule[], opts: RuleFormatOptions = {}): string {
  return rules.map((r) => `${formatRuleLine(r, opts)}\n`).join('');
}

// ---- JSON (`ip -j`) -------------------------------------------------------------------------

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** A route as `ip -j route show` prints it (same keys and order as print_route in JSON context). */
export function routeToJson(r: Route, opts: RouteFormatOptions = {}): { [k: string]: Json } {
  const names = opts.names ?? DEFAULT_TABLE_NAMES;
  const o: { [k: string]: Json } = {};
  if (r.type !== 'unicast') o.type = r.type;
  o.dst = dstText(r.dst);
  if (r.tos) o.tos = dsfieldName(r.tos);
  const single = r.nexthops.length === 1 ? (r.nexthops[0] as Nexthop) : undefined;
  if (single?.via !== undefined) o.gateway = formatIPv4(single.via);
  if (single) o.dev = single.dev;
  if (opts.listed === 'all' && r.table !== RT_TABLE.main) o.table = tableName(r.table, names);
  if (r.proto !== 'boot') o.protocol = r.proto;
  if (r.scope !== 'global') o.scope = r.scope;
  if (r.prefsrc !== undefined) o.prefsrc = formatIPv4(r.prefsrc);
  if (r.metric !== 0) o.metric = r.metric;
  o.flags = single ? nhFlags(single, opts) : [];
  if (r.nexthops.length > 1) {
    o.nexthops = r.nexthops.map((nh) => {
      const n: { [k: string]: Json } = {};
      if (nh.via !== undefined) n.gateway = formatIPv4(nh.via);
      n.dev = nh.dev;
      n.weight = nh.weight;
      n.flags = nhFlags(nh, opts);
      return n;
    });
  }
  return o;
}

/** A rule as `ip -j rule show` prints it. */
export function ruleToJson(r: IpRule, opts: RuleFormatOptions = {}): { [k: string]: Json } {
  const names = opts.names ?? DEFAULT_TABLE_NAMES;
  const o: { [k: string]: Json } = { priority: r.priority };
  if (r.not) o.not = null;
  if (r.from) {
    o.src = formatIPv4(r.from.addr);
    if (r.from.prefix !== 32) o.srclen = r.from.prefix;
  } else o.src = 'all';
  if (r.to) {
    o.dst = formatIPv4(r.to.addr);
    if (r.to.prefix !== 32) o.dstlen = r.to.prefix;
  }
  if (r.tos) o.tos = dsfieldName(r.tos);
  if (r.fwmark && (r.fwmark.value !== 0 || r.fwmark.mask !== 0)) {
    o.fwmark = hex(r.fwmark.value);
    if (r.fwmark.mask !== 0xffffffff) o.fwmask = hex(r.fwmark.mask);
  }
  if (r.iif !== undefined) { o.iif = r.iif; if (opts.iifDetached) o.iif_detached = null; }
  if (r.oif !== undefined) { o.oif = r.oif; if (opts.oifDetached) o.oif_detached = null; }
  if (r.ipproto !== undefined) o.ipproto = ipprotoName(r.ipproto);
  if (r.sport) { if (r.sport.min === r.sport.max) o.sport = r.sport.min; else { o.sport_start = r.sport.min; o.sport_end = r.sport.max; } }
  if (r.dport) { if (r.dport.min === r.dport.max) o.dport = r.dport.min; else { o.dport_start = r.dport.min; o.dport_end = r.dport.max; } }
  const a = r.action;
  if (a.kind === 'lookup') {
    o.table = tableName(a.table, names);
    if (r.suppressPrefixlength !== undefined) o.suppress_prefixlen = r.suppressPrefixlength;
  } else if (a.kind === 'goto') {
    o.goto = a.priority;
    if (opts.unresolved) o.unresolved = null;
  } else if (a.kind === 'nop') o.nop = null;
  else o.action = a.kind;
  if (r.proto !== undefined && r.proto !== 'unspec' && r.proto !== 'kernel') o.protocol = r.proto;
  return o;
}

// ---- command lines ---------------------------------------------------------------------------

function defaultScopeForAdd(r: Route): Route['scope'] {
  if (r.type === 'local' || r.type === 'nat') return 'host';
  if (r.type === 'broadcast' || r.type === 'multicast' || r.type === 'anycast') return 'link';
  if (r.type === 'unicast') return r.nexthops.length === 1 && r.nexthops[0]?.via === undefined ? 'link' : 'global';
  return 'global';
}

function defaultTableForAdd(r: Route): number {
  return r.type === 'local' || r.type === 'broadcast' || r.type === 'nat' || r.type === 'anycast' ? RT_TABLE.local : RT_TABLE.main;
}

function ip(a: IPv4): string {
  return formatIPv4(a);
}

/** The `ip route add …` line that recreates this route (defaults iproute2 would fill in are left out). */
export function routeToCommand(r: Route, opts: { readonly names?: TableNames; readonly verb?: 'add' | 'replace' | 'append' | 'del' } = {}): string {
  const names = opts.names ?? DEFAULT_TABLE_NAMES;
  const parts = ['ip', 'route', opts.verb ?? 'add'];
  if (r.type !== 'unicast') parts.push(r.type);
  parts.push(dstText(r.dst));
  if (r.tos) parts.push('tos', dsfieldName(r.tos));
  const single = r.nexthops.length === 1 ? (r.nexthops[0] as Nexthop) : undefined;
  if (single?.via !== undefined) parts.push('via', ip(single.via));
  if (single) parts.push('dev', single.dev);
  if (single?.onlink) parts.push('onlink');
  if (r.table !== defaultTableForAdd(r)) parts.push('table', tableName(r.table, names));
  if (r.proto !== 'boot') parts.push('proto', r.proto);
  if (r.scope !== defaultScopeForAdd(r)) parts.push('scope', r.scope);
  if (r.prefsrc !== undefined) parts.push('src', ip(r.prefsrc));
  if (r.metric !== 0) parts.push('metric', String(r.metric));
  if (r.nexthops.length > 1) {
    for (const nh of r.nexthops) {
      parts.push('nexthop');
      if (nh.via !== undefined) parts.push('via', ip(nh.via));
      parts.push('dev', nh.dev);
      if (nh.weight !== 1) parts.push('weight', String(nh.weight));
      if (nh.onlink) parts.push('onlink');
    }
  }
  return parts.join(' ');
}

/** The `ip rule add …` line that recreates this rule, priority included. */
export function ruleToCommand(r: IpRule, opts: { readonly names?: TableNames; readonly verb?: 'add' | 'del' } = {}): string {
  const names = opts.names ?? DEFAULT_TABLE_NAMES;
  const parts = ['ip', 'rule', opts.verb ?? 'add'];
  if (r.not) parts.push('not');
  if (r.from) parts.push('from', prefixText(r.from));
  if (r.to) parts.push('to', prefixText(r.to));
  if (r.tos) parts.push('tos', dsfieldName(r.tos));
  if (r.fwmark) parts.push('fwmark', r.fwmark.mask === 0xffffffff || (r.fwmark.value === 0 && r.fwmark.mask === 0) ? hex(r.fwmark.value) : `${hex(r.fwmark.value)}/${hex(r.fwmark.mask)}`);
  if (r.iif !== undefined) parts.push('iif', r.iif);
  if (r.oif !== undefined) parts.push('oif', r.oif);
  if (r.ipproto !== undefined) parts.push('ipproto', ipprotoName(r.ipproto));
  if (r.sport) parts.push('sport', portText(r.sport));
  if (r.dport) parts.push('dport', portText(r.dport));
  parts.push('priority', String(r.priority));
  const a = r.action;
  if (a.kind === 'lookup') {
    parts.push('lookup', tableName(a.table, names));
    if (r.suppressPrefixlength !== undefined) parts.push('suppress_prefixlength', String(r.suppressPrefixlength));
  } else if (a.kind === 'goto') parts.push('goto', String(a.priority));
  else parts.push(a.kind);
  if (r.proto !== undefined && r.proto !== 'unspec') parts.push('protocol', r.proto);
  return parts.join(' ');
}
