// A network namespace's routing state as plain immutable data: its devices (in creation order, the
// kernel's dev_base order), their IPv4 addresses (IfAddrView, in each device's ifa_list order), the
// policy database (fib_rules list order) and the route tables. Every change is a function that
// returns a new state (and an error when the kernel would refuse), so a scenario step can keep the
// state before and after. The FIB's two "has custom …" flags are kept because they change how
// fib_lookup and fib_validate_source behave (net/ipv4/fib_frontend.c, include/net/ip_fib.h).

import type { Cidr } from '../../core/ip.js';
import type { IfAddrView, IpRule, Nexthop, Route, RouteScope } from './api.js';
import { RT_TABLE } from './api.js';
import type { TableNames } from '../../parsers/iproute2/names.js';
import { DEFAULT_TABLE_NAMES } from '../../parsers/iproute2/names.js';

export interface LinkState {
  readonly name: string;
  readonly ifindex: number;
  readonly up: boolean;
  readonly loopback: boolean;
}

export interface RoutingState {
  /** Devices in creation order (lo first on a real system); inet_select_addr's fallback walks them in this order. */
  readonly links: readonly LinkState[];
  /** Addresses grouped by device (device creation order), each device's in its ifa_list order. */
  readonly addrs: readonly IfAddrView[];
  /** The RPDB in list order (ascending priority; equal priorities in insertion order). */
  readonly rules: readonly IpRule[];
  /** Routes per table id; within a (dst, prefix) group in the kernel's alias order (tos descending, metric ascending). */
  readonly tables: ReadonlyMap<number, readonly Route[]>;
  /** net->ipv4.fib_has_custom_rules: set by any `ip rule add|del`, never cleared. */
  readonly customRules: boolean;
  /** net->ipv4.fib_has_custom_local_routes: set when a user adds a route of type local. */
  readonly customLocalRoutes: boolean;
  /** Table names for descriptions (rt_tables). */
  readonly names: TableNames;
}

export type Errno = 'EEXIST' | 'ENOENT' | 'ESRCH' | 'ENODEV' | 'ENETDOWN' | 'ENETUNREACH' | 'EHOSTUNREACH' | 'EINVAL' | 'EADDRNOTAVAIL' | 'EACCES';

/** A refusal, as `ip` reports it; `arg` names the command word it is about (`via`, `dev`, `src`, `table`, `dst`, `priority`, `goto`). */
export interface RoutingError {
  readonly errno: Errno;
  readonly message: string;
  readonly arg?: string;
  /** For multipath routes: which nexthop (0-based) the error is about. */
  readonly nexthop?: number;
}

export type Change = { readonly ok: true; readonly state: RoutingState } | { readonly ok: false; readonly state: RoutingState; readonly error: RoutingError };

export function ok(state: RoutingState): Change {
  return { ok: true, state };
}

export function fail(state: RoutingState, errno: Errno, message: string, arg?: string, nexthop?: number): Change {
  const error: { -readonly [K in keyof RoutingError]: RoutingError[K] } = { errno, message };
  if (arg !== undefined) error.arg = arg;
  if (nexthop !== undefined) error.nexthop = nexthop;
  return { ok: false, state, error };
}

/** The kernel's default RPDB (fib4_rules_init): 0 local, 32766 main, 32767 default, protocol kernel. */
export function defaultRules(): IpRule[] {
  return [
    { priority: 0, not: false, action: { kind: 'lookup', table: RT_TABLE.local }, proto: 'kernel' },
    { priority: 32766, not: false, action: { kind: 'lookup', table: RT_TABLE.main }, proto: 'kernel' },
    { priority: 32767, not: false, action: { kind: 'lookup', table: RT_TABLE.default }, proto: 'kernel' },
  ];
}

export interface CreateOptions {
  /** Table names (rt_tables) used when describing routes and rules. */
  readonly names?: TableNames;
  /** lo starts up with 127.0.0.1/8, as on a running host (default). A fresh `ip netns add` namespace has lo down: pass false. */
  readonly loopbackUp?: boolean;
}

/** An empty namespace: lo, the default rules, empty tables (plus lo's routes when it is up). */
export function createRoutingState(opts: CreateOptions = {}): RoutingState {
  const base: RoutingState = {
    links: [{ name: 'lo', ifindex: 1, up: false, loopback: true }],
    addrs: [],
    rules: defaultRules(),
    tables: new Map(),
    customRules: false,
    customLocalRoutes: false,
    names: opts.names ?? DEFAULT_TABLE_NAMES,
  };
  return opts.loopbackUp === false ? base : withLinkUp(base, 'lo', true);
}

// ---- small queries ---------------------------------------------------------------------------

export function link(s: RoutingState, name: string): LinkState | undefined {
  return s.links.find((l) => l.name === name);
}

export function linkUp(s: RoutingState, name: string): boolean {
  return link(s, name)?.up ?? false;
}

export function addrsOf(s: RoutingState, dev: string): IfAddrView[] {
  return s.addrs.filter((a) => a.iface === dev);
}

/** inet_lookup_ifaddr: is `ip` one of this namespace's addresses (any device, primary or secondary)? */
export function isLocalAddress(s: RoutingState, ip: number): boolean {
  return s.addrs.some((a) => a.addr === ip);
}

export function tableRoutes(s: RoutingState, table: number): readonly Route[] {
  return s.tables.get(table) ?? [];
}

/** Every route, tables in ascending id order. */
export function allRoutes(s: RoutingState): Route[] {
  return [...s.tables.keys()].sort((a, b) => a - b).flatMap((t) => [...tableRoutes(s, t)]);
}

export function withTable(s: RoutingState, table: number, routes: readonly Route[]): RoutingState {
  const tables = new Map(s.tables);
  if (routes.length === 0 && table !== RT_TABLE.main && table !== RT_TABLE.local) tables.delete(table);
  else tables.set(table, routes);
  return { ...s, tables };
}

export function sameCidr(a: Cidr, b: Cidr): boolean {
  return a.addr === b.addr && a.prefix === b.prefix;
}

function sameNexthop(a: Nexthop, b: Nexthop): boolean {
  return a.dev === b.dev && a.via === b.via && a.weight === b.weight && a.onlink === b.onlink;
}

/** Same route ignoring where it was written (the kernel's fib_info + type + key). */
export function sameRoute(a: Route, b: Route): boolean {
  return (
    a.table === b.table && a.type === b.type && sameCidr(a.dst, b.dst) && a.tos === b.tos && a.metric === b.metric && a.scope === b.scope &&
    a.proto === b.proto && a.prefsrc === b.prefsrc && a.nexthops.length === b.nexthops.length && a.nexthops.every((n, i) => sameNexthop(n, b.nexthops[i] as Nexthop))
  );
}

// ---- kernel routes from addresses (fib_add_ifaddr) ---------------------------------------------

function kernelRoute(type: Route['type'], table: number, dst: Cidr, scope: RouteScope, dev: string, prefsrc: number): Route {
  return { table, type, dst, tos: 0, metric: 0, scope, proto: 'kernel', prefsrc: prefsrc as Route['dst']['addr'], nexthops: [{ dev, weight: 1, onlink: false }] };
}

/**
 * The routes fib_add_ifaddr() installs for the current addresses: `local ADDR` (even on a down
 * device); and on an up device the explicit broadcast, the connected prefix (none for a /32, none
 * for secondaries) and the subnet broadcast for prefixes shorter than /31. Since Linux 5.14 the
 * network address (the lowest one) is no longer a broadcast route.
 */
export function addressRoutes(s: RoutingState): Route[] {
  const out: Route[] = [];
  for (const a of s.addrs) {
    const l = link(s, a.iface);
    if (!l) continue;
    const mask = a.prefix === 0 ? 0 : (0xffffffff << (32 - a.prefix)) >>> 0;
    const net = (a.addr & mask) >>> 0;
    const prim = a.secondary ? s.addrs.find((p) => p.iface === a.iface && !p.secondary && p.prefix === a.prefix && ((p.addr & mask) >>> 0) === net) ?? a : a;
    out.push(kernelRoute('local', RT_TABLE.local, { addr: a.addr, prefix: 32 } as Cidr, 'host', a.iface, prim.addr));
    if (!l.up) continue;
    if (a.broadcast !== undefined && a.broadcast !== 0xffffffff && a.broadcast !== 0) {
      out.push(kernelRoute('broadcast', RT_TABLE.local, { addr: a.broadcast, prefix: 32 } as Cidr, 'link', a.iface, prim.addr));
    }
    const zeronet = net >>> 24 === 0;
    if (!zeronet && !a.secondary && (net !== a.addr || a.prefix < 32)) {
      const dst = { addr: net, prefix: a.prefix } as Cidr;
      if (l.loopback) out.push(kernelRoute('local', RT_TABLE.local, dst, 'host', a.iface, a.addr));
      else out.push(kernelRoute('unicast', RT_TABLE.main, dst, 'link', a.iface, a.addr));
      if (a.prefix < 31) out.push(kernelRoute('broadcast', RT_TABLE.local, { addr: (net | ~mask) >>> 0, prefix: 32 } as Cidr, 'link', a.iface, prim.addr));
    }
  }
  return out;
}

/** The position where the kernel's fib_find_alias would put `r` among its (dst, prefix) group: before the first alias with lower tos, or same tos and metric >= r's. */
function insertIndex(routes: readonly Route[], r: Route, append: boolean): number {
  let idx = routes.length;
  let lastSame = -1;
  for (let i = 0; i < routes.length; i++) {
    const x = routes[i] as Route;
    if (!sameCidr(x.dst, r.dst)) continue;
    lastSame = i;
    const before = x.tos < r.tos || (x.tos === r.tos && (append ? x.metric > r.metric : x.metric >= r.metric));
    if (before) return i;
  }
  if (lastSame >= 0) idx = lastSame + 1;
  return idx;
}

/** Inserts at the kernel's position; `append` puts it after routes with the same key (NLM_F_APPEND). */
export function insertRoute(s: RoutingState, r: Route, append: boolean): RoutingState {
  const routes = [...tableRoutes(s, r.table)];
  routes.splice(insertIndex(routes, r, append), 0, r);
  return withTable(s, r.table, routes);
}

/** Recomputes the address-derived routes: removes the ones the old addresses made, adds the new ones (fib_magic appends). */
export function syncAddressRoutes(before: RoutingState, after: RoutingState): RoutingState {
  const old = addressRoutes(before);
  const now = addressRoutes(after);
  let s = after;
  for (const r of old) {
    if (now.some((n) => sameRoute(n, r))) continue;
    const routes = tableRoutes(s, r.table);
    const i = routes.findIndex((x) => sameRoute(x, r));
    if (i >= 0) s = withTable(s, r.table, [...routes.slice(0, i), ...routes.slice(i + 1)]);
  }
  for (const r of now) {
    if (tableRoutes(s, r.table).some((x) => sameRoute(x, r))) continue;
    s = insertRoute(s, r, true);
  }
  return s;
}

/** Removes routes matching `pred` from every table. */
export function removeRoutes(s: RoutingState, pred: (r: Route) => boolean): RoutingState {
  let out = s;
  for (const [t, routes] of s.tables) {
    const kept = routes.filter((r) => !pred(r));
    if (kept.length !== routes.length) out = withTable(out, t, kept);
  }
  return out;
}

// ---- links -----------------------------------------------------------------------------------

/** Creates a device (down, no addresses), appended to the creation order. */
export function addLink(s: RoutingState, name: string, opts: { readonly up?: boolean; readonly loopback?: boolean } = {}): Change {
  if (link(s, name)) return fail(s, 'EEXIST', `RTNETLINK answers: File exists (device "${name}")`, 'dev');
  const ifindex = Math.max(0, ...s.links.map((l) => l.ifindex)) + 1;
  const next: RoutingState = { ...s, links: [...s.links, { name, ifindex, up: false, loopback: opts.loopback ?? false }] };
  return ok(opts.up ? withLinkUp(next, name, true) : next);
}

/** Removes a device with its addresses and every route through it (NETDEV_UNREGISTER). */
export function deleteLink(s: RoutingState, name: string): Change {
  if (!link(s, name)) return fail(s, 'ENODEV', `Cannot find device "${name}"`, 'dev');
  const next: RoutingState = { ...s, links: s.links.filter((l) => l.name !== name), addrs: s.addrs.filter((a) => a.iface !== name) };
  const synced = syncAddressRoutes(s, next);
  return ok(removeRoutes(synced, (r) => r.nexthops.some((n) => n.dev === name) && r.nexthops.every((n) => n.dev === name || !link(synced, n.dev))));
}

function withLinkUp(s: RoutingState, name: string, up: boolean): RoutingState {
  let next: RoutingState = { ...s, links: s.links.map((l) => (l.name === name ? { ...l, up } : l)), addrs: s.addrs.map((a) => (a.iface === name ? { ...a, up } : a)) };
  const l = link(next, name);
  // inetdev_event(NETDEV_UP) gives a loopback device 127.0.0.1/8 when it has no address yet.
  if (up && l?.loopback && !next.addrs.some((a) => a.iface === name)) {
    next = { ...next, addrs: placeAddr(next, { iface: name, ifindex: l.ifindex, addr: 0x7f000001 as IfAddrView['addr'], prefix: 8, scope: 'host', secondary: false, up: true }) };
  }
  let synced = syncAddressRoutes(s, next);
  if (!up) {
    // fib_sync_down_dev(NETDEV_DOWN): nexthops through the device die unless the route is host
    // scope (their nexthop scope is RT_SCOPE_NOWHERE); a route is flushed once all its nexthops are dead.
    synced = removeRoutes(synced, (r) => r.scope !== 'host' && r.nexthops.length > 0 && r.nexthops.every((n) => !linkUp(synced, n.dev)));
  }
  return synced;
}

/** `ip link set DEV up|down`. */
export function setLinkUp(s: RoutingState, name: string, up: boolean): Change {
  if (!link(s, name)) return fail(s, 'ENODEV', `Cannot find device "${name}"`, 'dev');
  return ok(withLinkUp(s, name, up));
}

// ---- addresses -------------------------------------------------------------------------------

const SCOPE_NUM: Readonly<Record<RouteScope, number>> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

/** __inet_insert_ifa ordering: a primary goes after the last primary whose scope is not wider than its own; a secondary goes last. */
function placeAddr(s: RoutingState, a: IfAddrView): IfAddrView[] {
  const list = addrsOf(s, a.iface);
  let at = list.length;
  if (!a.secondary) {
    at = 0;
    for (let i = 0; i < list.length; i++) {
      const x = list[i] as IfAddrView;
      if (!x.secondary && SCOPE_NUM[a.scope] <= SCOPE_NUM[x.scope]) at = i + 1;
    }
  }
  list.splice(at, 0, a);
  const order = new Map(s.links.map((l, i) => [l.name, i]));
  const others = s.addrs.filter((x) => x.iface !== a.iface);
  return [...others, ...list].sort((x, y) => (order.get(x.iface) ?? 0) - (order.get(y.iface) ?? 0));
}

export interface AddrSpec {
  readonly dev: string;
  readonly addr: number;
  readonly prefix: number;
  readonly scope?: RouteScope;
  readonly broadcast?: number;
}

/** `ip address add ADDR/LEN dev DEV`: the address, whether it is secondary, and the kernel's routes for it. */
export function addAddress(s: RoutingState, spec: AddrSpec): Change {
  const l = link(s, spec.dev);
  if (!l) return fail(s, 'ENODEV', `Cannot find device "${spec.dev}"`, 'dev');
  const scope = spec.scope ?? 'global';
  const mask = spec.prefix === 0 ? 0 : (0xffffffff << (32 - spec.prefix)) >>> 0;
  let secondary = false;
  for (const x of addrsOf(s, spec.dev)) {
    if (x.prefix !== spec.prefix || ((x.addr & mask) >>> 0) !== ((spec.addr & mask) >>> 0)) continue;
    if (x.addr === spec.addr) return fail(s, 'EEXIST', 'RTNETLINK answers: File exists', 'addr');
    if (x.secondary) continue;
    if (x.scope !== scope) return fail(s, 'EINVAL', 'RTNETLINK answers: Invalid argument (scope differs from the primary address of the subnet)', 'addr');
    secondary = true;
  }
  const view: IfAddrView = {
    iface: spec.dev, ifindex: l.ifindex, addr: spec.addr as IfAddrView['addr'], prefix: spec.prefix, scope, secondary, up: l.up,
    ...(spec.broadcast !== undefined ? { broadcast: spec.broadcast as IfAddrView['addr'] } : {}),
  };
  const next: RoutingState = { ...s, addrs: placeAddr(s, view) };
  return ok(syncAddressRoutes(s, next));
}

/**
 * `ip address del ADDR/LEN dev DEV`. Deleting a primary also deletes its secondaries
 * (promote_secondaries=0, the default); user routes whose `src` was the address are flushed
 * (fib_sync_down_addr), and when the device's last address goes every route through it goes too.
 */
export function delAddress(s: RoutingState, spec: AddrSpec): Change {
  if (!link(s, spec.dev)) return fail(s, 'ENODEV', `Cannot find device "${spec.dev}"`, 'dev');
  const target = addrsOf(s, spec.dev).find((a) => a.addr === spec.addr && a.prefix === spec.prefix);
  if (!target) return fail(s, 'EADDRNOTAVAIL', 'RTNETLINK answers: Cannot assign requested address', 'addr');
  const mask = spec.prefix === 0 ? 0 : (0xffffffff << (32 - spec.prefix)) >>> 0;
  const gone = (a: IfAddrView): boolean =>
    a === target || (!target.secondary && a.secondary && a.iface === target.iface && a.prefix === target.prefix && ((a.addr & mask) >>> 0) === ((target.addr & mask) >>> 0));
  const removed = s.addrs.filter(gone);
  const next: RoutingState = { ...s, addrs: s.addrs.filter((a) => !gone(a)) };
  let out = syncAddressRoutes(s, next);
  for (const a of removed) {
    if (isLocalAddress(out, a.addr)) continue;
    out = removeRoutes(out, (r) => r.prefsrc === a.addr);
  }
  if (addrsOf(out, spec.dev).length === 0) out = removeRoutes(out, (r) => r.nexthops.length > 0 && r.nexthops.every((n) => n.dev === spec.dev));
  return ok(out);
}
