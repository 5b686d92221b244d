// The words after `ip rule add|del` and the words of an `ip rule show` line after `PRIO:`, read in
// the order ip/iprule.c iprule_modify() tries them (so `t` is `tun_id`, `lookup` must be written
// out, `p` is `preference`). Selectors the engine cannot evaluate (uidrange, l3mdev, dscp,
// flowlabel, tun_id, nat) make the rule unsupported instead of being silently dropped, because a
// rule without its selector would match packets the real one does not.

import type { Cidr } from '../../core/ip.js';
import { maskOf } from '../../core/ip.js';
import type { RouteProto, RuleAction } from '../../net/routing/api.js';
import { RT_TABLE } from '../../net/routing/api.js';
import type { ArgReader } from './reader.js';
import type { Token } from './tokens.js';
import type { RuleSpec } from './types.js';
import type { TableNames } from './names.js';
import { dsfieldValue, ipprotoValue, matches, protoName, routeTypeName, tableId } from './names.js';
import { looksLikeIPv6, parseIproute2Prefix, parseUnsigned } from './numbers.js';

export type RuleArgsMode = 'add' | 'del' | 'show';

export interface RuleArgsResult {
  readonly spec: RuleSpec;
  readonly iifDetached: boolean;
  readonly oifDetached: boolean;
  readonly unresolved: boolean;
}

function at(t: Token): { line: number; column: number } {
  return { line: t.line, column: t.column };
}

function prefixArg(r: ArgReader, t: Token): Cidr | undefined {
  if (looksLikeIPv6(t.text)) r.fail(`IPv6 rule prefix "${t.text}" is not modelled`, 'an IPv4 prefix or "all"', at(t), 'iproute2.ipv6');
  const p = parseIproute2Prefix(t.text);
  if (p === undefined) r.fail(`Error: inet prefix is expected rather than "${t.text}"`, 'a prefix such as 10.0.0.0/8, an address, or "all"', at(t), 'iproute2.bad-prefix');
  // `from all` sends no address: the rule has no source selector at all.
  if (p.any && p.prefix === 0) return undefined;
  return { addr: ((p.addr & maskOf(p.prefix)) >>> 0) as Cidr['addr'], prefix: p.prefix };
}

function u16(text: string): number | undefined {
  const v = parseUnsigned(text);
  return v !== undefined && v <= 0xffff ? v : undefined;
}

function portArg(r: ArgReader, t: Token): { min: number; max: number } {
  const dash = t.text.indexOf('-');
  if (dash >= 0) {
    const a = u16(t.text.slice(0, dash));
    const b = u16(t.text.slice(dash + 1));
    if (a === undefined || b === undefined) r.fail(`invalid port range "${t.text}"`, 'PORT or PORT-PORT (0..65535)', at(t), 'iproute2.bad-number');
    return { min: a, max: b };
  }
  if (t.text.includes('/')) r.fail('masked port selectors (PORT/MASK) are not modelled', 'PORT or PORT-PORT', at(t), 'iproute2.unsupported');
  const v = u16(t.text);
  if (v === undefined) r.fail(`invalid port "${t.text}"`, 'PORT or PORT-PORT (0..65535)', at(t), 'iproute2.bad-number');
  return { min: v, max: v };
}

export function readRuleArgs(r: ArgReader, mode: RuleArgsMode, names: TableNames): RuleArgsResult {
  let not = false;
  let from: Cidr | undefined;
  let to: Cidr | undefined;
  let priority: number | undefined;
  let tos: number | undefined;
  let fwmark: { value: number; mask: number } | undefined;
  let proto: RouteProto | undefined;
  let table: number | undefined;
  let sup: number | undefined;
  let iif: string | undefined;
  let oif: string | undefined;
  let ipproto: number | undefined;
  let sport: { min: number; max: number } | undefined;
  let dport: { min: number; max: number } | undefined;
  let action: RuleAction | undefined;
  let iifDetached = false;
  let oifDetached = false;
  let unresolved = false;
  const cols: Record<string, { line: number; column: number }> = {};

  while (!r.done()) {
    const t = r.next() as Token;
    const w = t.text;
    if (w === 'not') {
      not = true;
    } else if (w === 'from') {
      const a = r.arg(t, 'a prefix or "all"');
      from = prefixArg(r, a);
      cols.from = at(a);
    } else if (w === 'to') {
      const a = r.arg(t, 'a prefix or "all"');
      to = prefixArg(r, a);
      cols.to = at(a);
    } else if (matches(w, 'preference') || matches(w, 'order') || matches(w, 'priority')) {
      const a = r.arg(t, 'a priority');
      const v = parseUnsigned(a.text);
      if (v === undefined) r.fail(`preference value is invalid: "${a.text}"`, 'a number 0..4294967295', at(a), 'iproute2.bad-number');
      priority = v;
      cols.priority = at(a);
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const a = r.arg(t, 'a TOS value');
      const v = dsfieldValue(a.text);
      if (v === undefined) r.fail(`TOS value is invalid: "${a.text}"`, 'a TOS value in hex or a dsfield name', at(a), 'iproute2.bad-number');
      tos = v;
    } else if (w === 'fwmark') {
      const a = r.arg(t, 'FWMARK[/MASK]');
      const [mv, mk] = a.text.split('/', 2) as [string, string | undefined];
      const value = parseUnsigned(mv);
      if (value === undefined) r.fail(`fwmark value is invalid: "${mv}"`, 'a number such as 1 or 0x1', at(a), 'iproute2.bad-number');
      let mask: number;
      if (mk !== undefined) {
        const m = parseUnsigned(mk);
        if (m === undefined) r.fail(`fwmask value is invalid: "${mk}"`, 'a mask such as 0xff', { line: a.line, column: a.column + mv.length + 1 }, 'iproute2.bad-number');
        mask = m;
      } else {
        // fib_nl2rule: "if the mark value is non-zero all bits are compared unless a mask is
        // explicitly specified" — so `fwmark 0` alone matches every packet.
        mask = value !== 0 ? 0xffffffff : 0;
      }
      fwmark = { value, mask };
    } else if (matches(w, 'realms')) {
      r.arg(t, 'a realm');
      r.unsupported('rule realms are not modelled; ignored', t);
    } else if (matches(w, 'protocol') || (mode === 'show' && w === 'proto')) {
      const a = r.arg(t, 'a protocol');
      const p = protoName(a.text);
      if (p === undefined) r.fail(`"protocol" value is invalid: "${a.text}"`, 'a protocol name or a number 0..255', at(a), 'iproute2.bad-proto');
      proto = p;
    } else if (matches(w, 'tun_id')) {
      r.fail('tunnel-id rules ("tun_id") are not modelled', 'a rule selector or action', at(t), 'iproute2.unsupported');
    } else if (matches(w, 'table') || w === 'lookup') {
      const a = r.arg(t, 'a table');
      if (mode === 'show' && a.text === '[l3mdev-table]') r.fail('l3mdev rules are not modelled', 'a table', at(a), 'iproute2.unsupported');
      const id = tableId(a.text, names);
      if (id === undefined) r.fail(`invalid table ID "${a.text}"`, 'a table number or a name from rt_tables', at(a), 'iproute2.bad-table');
      table = id;
      cols.table = at(a);
    } else if (matches(w, 'suppress_prefixlength') || w === 'sup_pl') {
      const a = r.arg(t, 'a prefix length');
      const v = parseUnsigned(a.text);
      if (v === undefined || v > 0x7fffffff) r.fail(`suppress_prefixlength value is invalid: "${a.text}"`, 'a number 0..32', at(a), 'iproute2.bad-number');
      sup = v;
    } else if (matches(w, 'suppress_ifgroup') || w === 'sup_group') {
      r.fail('"suppress_ifgroup" is not modelled (interface groups)', 'a rule selector or action', at(t), 'iproute2.unsupported');
    } else if (w === 'dev' || w === 'iif') {
      const a = r.arg(t, 'an interface name');
      iif = a.text;
      cols.iif = at(a);
      if (mode === 'show' && r.peek()?.text === '[detached]') { r.next(); iifDetached = true; }
    } else if (w === 'oif') {
      const a = r.arg(t, 'an interface name');
      oif = a.text;
      cols.oif = at(a);
      if (mode === 'show' && r.peek()?.text === '[detached]') { r.next(); oifDetached = true; }
    } else if (w === 'l3mdev') {
      r.fail('l3mdev (VRF) rules are not modelled', 'a rule selector or action', at(t), 'iproute2.unsupported');
    } else if (w === 'uidrange') {
      r.fail('uidrange rules are not modelled (socket owners are not simulated)', 'a rule selector or action', at(t), 'iproute2.unsupported');
    } else if (w === 'nat' || matches(w, 'map-to') || w === 'masquerade') {
      r.fail('route NAT rules are not modelled', 'a rule selector or action', at(t), 'iproute2.unsupported');
    } else if (w === 'ipproto') {
      const a = r.arg(t, 'a protocol');
      const v = ipprotoValue(a.text);
      if (v === undefined) r.fail(`Invalid "ipproto" value "${a.text}"`, 'tcp, udp, icmp, … or a number', at(a), 'iproute2.bad-number');
      ipproto = v;
    } else if (w === 'sport') {
      sport = portArg(r, r.arg(t, 'PORT or PORT-PORT'));
    } else if (w === 'dport') {
      dport = portArg(r, r.arg(t, 'PORT or PORT-PORT'));
    } else if (w === 'dscp' || w === 'flowlabel') {
      r.fail(`"${w}" rules are not modelled`, 'a rule selector or action', at(t), 'iproute2.unsupported');
    } else {
      let a = t;
      if (w === 'type') a = r.arg(t, 'a rule type');
      if (matches(a.text, 'goto')) {
        const n = r.arg(a, 'a priority to jump to');
        if (mode === 'show' && n.text === 'none') r.fail('goto without a target', 'goto PRIORITY', at(n), 'iproute2.bad-number');
        const v = parseUnsigned(n.text);
        if (v === undefined) r.fail(`invalid target "${n.text}"`, 'a rule priority', at(n), 'iproute2.bad-number');
        action = { kind: 'goto', priority: v };
        cols.goto = at(n);
        if (mode === 'show' && r.peek()?.text === '[unresolved]') { r.next(); unresolved = true; }
      } else if (matches(a.text, 'nop')) {
        action = { kind: 'nop' };
      } else {
        const ty = routeTypeName(a.text);
        if (ty === 'blackhole' || ty === 'unreachable' || ty === 'prohibit') action = { kind: ty };
        else if (ty !== undefined) r.fail(`rule type "${a.text}" is not modelled`, 'blackhole, unreachable, prohibit, goto or nop', at(a), 'iproute2.unsupported');
        else r.fail(`Failed to parse rule type "${a.text}"`, 'a rule selector (from, to, fwmark, iif, oif, tos, ipproto, sport, dport, pref) or action (lookup, goto, blackhole, unreachable, prohibit, nop)', at(a), 'iproute2.unknown-keyword');
      }
    }
  }

  // iprule_modify: an explicit type or goto wins; otherwise a table, otherwise (add) `lookup main`.
  if (action === undefined && table !== undefined) action = { kind: 'lookup', table };
  if (action === undefined && mode !== 'del') action = { kind: 'lookup', table: RT_TABLE.main };

  const spec: { -readonly [K in keyof RuleSpec]: RuleSpec[K] } = { not, cols };
  if (priority !== undefined) spec.priority = priority;
  if (from !== undefined) spec.from = from;
  if (to !== undefined) spec.to = to;
  if (iif !== undefined) spec.iif = iif;
  if (oif !== undefined) spec.oif = oif;
  if (fwmark !== undefined) spec.fwmark = fwmark;
  if (tos !== undefined && tos !== 0) spec.tos = tos;
  if (ipproto !== undefined) spec.ipproto = ipproto;
  if (sport !== undefined) spec.sport = sport;
  if (dport !== undefined) spec.dport = dport;
  if (sup !== undefined) spec.suppressPrefixlength = sup;
  if (action !== undefined) spec.action = action;
  if (proto !== undefined) spec.proto = proto;
  return { spec, iifDetached, oifDetached, unresolved };
}
