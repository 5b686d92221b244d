// Adding and deleting routes with the kernel's checks (net/ipv4/fib_semantics.c fib_create_info,
// fib_check_nh / fib_check_nh_v4_gw, fib_valid_prefsrc; net/ipv4/fib_trie.c fib_table_insert /
// fib_table_delete) and iproute2's own (`Cannot find device`). The gateway of a route must be
// reachable through a route of link scope or narrower (a connected prefix or a local address),
// looked up in the route's table and then through the RPDB, restricted to the given device;
// `onlink` skips that and only asks that the gateway is not a local or broadcast address of the
// device. `src` must be a local address. A route with the same destination, tos and metric is
// EEXIST for `add`, replaced by `replace`, and added after it by `append` unless identical.

import type { SourceLocation } from '../../core/diagnostics.js';
import type { IPv4 } from '../../core/ip.js';
import type { FibQuery, Nexthop, Route, RouteScope, RouteType } from './api.js';
import { RT_TABLE } from './api.js';
import { FIB_PROPS, SCOPE_VALUE } from './constants.js';
import { addrType } from './addr-type.js';
import { fibLookup, fibQuery, lookupRoutes } from './fib-lookup.js';
import type { RouteSpec, RouteOp } from '../../parsers/iproute2/types.js';
import type { Change, RoutingState } from './state.js';
import { fail, link, ok, removeRoutes, sameCidr, sameRoute, tableRoutes, withTable } from './state.js';

type Built = { readonly route: Route } | { readonly error: Change };

function defaultScope(type: RouteType, hasGateway: boolean, multipath: boolean): RouteScope {
  if (type === 'local' || type === 'nat') return 'host';
  if (type === 'broadcast' || type === 'multicast' || type === 'anycast') return 'link';
  if (type === 'unicast') return !hasGateway && !multipath ? 'link' : 'global';
  return 'global';
}

/** fib_valid_prefsrc: the preferred source must be a local address (in the route's table or the local table). */
function validPrefsrc(s: RoutingState, spec: { type: RouteType; dst: Route['dst']; table: number }, prefsrc: IPv4): boolean {
  if (spec.type === 'local' && spec.dst.addr !== 0 && prefsrc === spec.dst.addr) return true;
  const t = spec.table === RT_TABLE.main ? RT_TABLE.local : spec.table;
  const isLocalIn = (table: number): boolean => {
    const hit = lookupRoutes(s, tableRoutes(s, table), { dst: prefsrc, iif: 'lo', mark: 0 });
    return hit.kind === 'route' && hit.route.type === 'local';
  };
  return isLocalIn(t) || (t !== RT_TABLE.local && isLocalIn(RT_TABLE.local));
}

/** fib_check_nh_v4_gw for one gatewayed nexthop; returns the device it resolves to. */
function checkGateway(s: RoutingState, table: number, scope: RouteScope, gw: IPv4, dev: string | undefined, onlink: boolean, k: number): { dev: string } | { error: Change } {
  if (onlink) {
    if (SCOPE_VALUE[scope] >= SCOPE_VALUE.link) return { error: fail(s, 'EINVAL', 'Error: Nexthop has invalid scope.', 'via', k) };
    if (dev === undefined) return { error: fail(s, 'ENODEV', 'Error: Nexthop device required for onlink.', 'via', k) };
    if (!link(s, dev)?.up) return { error: fail(s, 'ENETDOWN', 'Error: Nexthop device is not up.', 'dev', k) };
    if (addrType(s, gw, dev) !== 'UNICAST') return { error: fail(s, 'EINVAL', 'Error: Nexthop has invalid gateway.', 'via', k) };
    return { dev };
  }
  const minScope = Math.max(SCOPE_VALUE[scope] + 1, SCOPE_VALUE.link);
  const q: FibQuery = fibQuery({ dst: gw, iif: 'lo', mark: 0, oif: dev });
  let found: { type: RouteType; dev: string | undefined } | undefined;
  if (table !== RT_TABLE.main && s.tables.has(table)) {
    const hit = lookupRoutes(s, tableRoutes(s, table), q, minScope);
    if (hit.kind === 'route') found = { type: hit.route.type, dev: hit.route.nexthops[hit.usable[0] as number]?.dev };
  }
  if (!found) {
    const r = fibLookup(s, q, { minScope });
    if (!r.ok) return { error: fail(s, 'ENETUNREACH', 'Error: Nexthop has invalid gateway.', 'via', k) };
    found = { type: r.type, dev: r.nexthop?.dev };
  }
  if (found.type !== 'unicast' && found.type !== 'local') return { error: fail(s, 'EINVAL', 'Error: Nexthop has invalid gateway.', 'via', k) };
  if (found.dev === undefined) return { error: fail(s, 'EINVAL', 'Error: No egress device for nexthop gateway.', 'via', k) };
  if (!link(s, found.dev)?.up) return { error: fail(s, 'ENETDOWN', 'RTNETLINK answers: Network is down', 'dev', k) };
  return { dev: found.dev };
}

/** fib_create_info: checks a route request and resolves its nexthop devices. */
export function buildRoute(s: RoutingState, spec: RouteSpec, extra: { readonly loc?: SourceLocation; readonly raw?: string } = {}): Built {
  // iproute2 resolves device names before it talks to the kernel.
  for (const [k, nh] of spec.nexthops.entries()) {
    if (nh.dev !== undefined && !link(s, nh.dev)) return { error: fail(s, 'ENODEV', `Cannot find device "${nh.dev}"`, 'dev', k) };
  }
  if (spec.dstHostBits) return { error: fail(s, 'EINVAL', 'Error: Invalid prefix for given prefix length.', 'dst') };
  const type = spec.type ?? 'unicast';
  const hasGw = spec.nexthops.some((n) => n.via !== undefined);
  const scope = spec.scope ?? defaultScope(type, hasGw, spec.multipath);
  const base = { table: spec.table, type, dst: spec.dst, tos: spec.tos, metric: spec.metric ?? 0, scope, proto: spec.proto ?? 'boot', ...extra };
  if (FIB_PROPS[type].scope > SCOPE_VALUE[scope]) return { error: fail(s, 'EINVAL', 'Error: Invalid scope.', 'scope') };
  if (FIB_PROPS[type].error !== undefined) {
    if (spec.nexthops.length > 0) return { error: fail(s, 'EINVAL', 'Error: Gateway, device and multipath can not be specified for this route type.', spec.nexthops[0]?.via !== undefined ? 'via' : 'dev') };
    return { route: { ...base, ...(spec.prefsrc !== undefined ? { prefsrc: spec.prefsrc } : {}), nexthops: [] } };
  }
  if (SCOPE_VALUE[scope] > SCOPE_VALUE.host) return { error: fail(s, 'EINVAL', 'Error: Invalid scope.', 'scope') };
  const nexthops: Nexthop[] = [];
  if (scope === 'host') {
    if (spec.nexthops.length > 1) return { error: fail(s, 'EINVAL', 'Error: Route with host scope can not have multiple nexthops.', 'dst') };
    const nh = spec.nexthops[0];
    if (nh?.via !== undefined) return { error: fail(s, 'EINVAL', 'Error: Route with host scope can not have a gateway.', 'via', 0) };
    if (nh?.dev === undefined) return { error: fail(s, 'ENODEV', 'RTNETLINK answers: No such device', 'dst') };
    nexthops.push({ dev: nh.dev, weight: nh.weight, onlink: nh.onlink });
  } else {
    if (spec.nexthops.length === 0) return { error: fail(s, 'ENODEV', 'RTNETLINK answers: No such device', 'dst') };
    for (const [k, nh] of spec.nexthops.entries()) {
      if (nh.via !== undefined) {
        const g = checkGateway(s, spec.table, scope, nh.via, nh.dev, nh.onlink, k);
        if ('error' in g) return g;
        nexthops.push({ via: nh.via, dev: g.dev, weight: nh.weight, onlink: nh.onlink });
      } else {
        if (nh.onlink) return { error: fail(s, 'EINVAL', 'Error: Invalid flags for nexthop - PERVASIVE and ONLINK can not be set.', 'dev', k) };
        if (nh.dev === undefined) return { error: fail(s, 'ENODEV', 'RTNETLINK answers: No such device', 'dst', k) };
        if (!link(s, nh.dev)?.up) return { error: fail(s, 'ENETDOWN', 'Error: Device for nexthop is not up.', 'dev', k) };
        nexthops.push({ dev: nh.dev, weight: nh.weight, onlink: false });
      }
    }
  }
  if (spec.prefsrc !== undefined && !validPrefsrc(s, { type, dst: spec.dst, table: spec.table }, spec.prefsrc)) {
    return { error: fail(s, 'EINVAL', 'Error: Invalid prefsrc address.', 'src') };
  }
  return { route: { ...base, ...(spec.prefsrc !== undefined ? { prefsrc: spec.prefsrc } : {}), nexthops } };
}

const FLAGS: Readonly<Record<Exclude<RouteOp, 'del'>, { create: boolean; excl: boolean; replace: boolean; append: boolean }>> = {
  add: { create: true, excl: true, replace: false, append: false },
  change: { create: false, excl: false, replace: true, append: false },
  replace: { create: true, excl: false, replace: true, append: false },
  prepend: { create: true, excl: false, replace: false, append: false },
  append: { create: true, excl: false, replace: false, append: true },
  test: { create: false, excl: true, replace: false, append: false },
};

/** fib_table_insert with the netlink flags of `ip route add|change|replace|prepend|append|test`. */
export function insertChecked(s: RoutingState, r: Route, op: Exclude<RouteOp, 'del'> = 'add'): Change {
  const f = FLAGS[op];
  const routes = [...tableRoutes(s, r.table)];
  // fib_find_alias: the first alias of this prefix with a lower tos, or the same tos and a metric >= ours.
  let fa = -1;
  let groupEnd = -1;
  for (let i = 0; i < routes.length; i++) {
    const x = routes[i] as Route;
    if (!sameCidr(x.dst, r.dst)) continue;
    groupEnd = i + 1;
    if (fa < 0 && (x.tos < r.tos || (x.tos === r.tos && x.metric >= r.metric))) fa = i;
  }
  const faRoute = fa >= 0 ? routes[fa] : undefined;
  let at = fa >= 0 ? fa : groupEnd >= 0 ? groupEnd : routes.length;
  if (faRoute && faRoute.tos === r.tos && faRoute.metric === r.metric) {
    if (f.excl) return fail(s, 'EEXIST', 'RTNETLINK answers: File exists', 'dst');
    let last = fa;
    while (last + 1 < routes.length && sameCidr((routes[last + 1] as Route).dst, r.dst) && (routes[last + 1] as Route).tos === r.tos && (routes[last + 1] as Route).metric === r.metric) last++;
    const same = routes.slice(fa, last + 1);
    const match = same.findIndex((x) => sameRoute(x, r));
    if (f.replace) {
      if (match >= 0) return match === 0 ? ok(s) : fail(s, 'EEXIST', 'RTNETLINK answers: File exists', 'dst');
      routes[fa] = r;
      return ok(markLocal(withTable(s, r.table, routes), r));
    }
    if (match >= 0) return fail(s, 'EEXIST', 'RTNETLINK answers: File exists', 'dst');
    at = f.append ? last + 1 : fa;
  }
  if (!f.create) return fail(s, 'ENOENT', 'RTNETLINK answers: No such file or directory', 'dst');
  routes.splice(at, 0, r);
  return ok(markLocal(withTable(s, r.table, routes), r));
}

function markLocal(s: RoutingState, r: Route): RoutingState {
  return r.type === 'local' && !s.customLocalRoutes ? { ...s, customLocalRoutes: true } : s;
}

/** `ip route add|change|replace|prepend|append|test …` applied to a namespace. */
export function applyRoute(s: RoutingState, op: Exclude<RouteOp, 'del'>, spec: RouteSpec, extra: { readonly loc?: SourceLocation; readonly raw?: string } = {}): Change {
  const b = buildRoute(s, spec, extra);
  if ('error' in b) return b.error;
  return insertChecked(s, b.route, op);
}

/** Adds a finished route (devices already known), checked like `ip route add`. */
export function addRoute(s: RoutingState, r: Route, op: Exclude<RouteOp, 'del'> = 'add'): Change {
  const spec: RouteSpec = {
    type: r.type, dst: r.dst, dstHostBits: false, tos: r.tos, metric: r.metric, table: r.table, scope: r.scope, proto: r.proto,
    ...(r.prefsrc !== undefined ? { prefsrc: r.prefsrc } : {}),
    nexthops: r.nexthops.map((n) => ({ dev: n.dev, weight: n.weight, onlink: n.onlink, cols: {}, ...(n.via !== undefined ? { via: n.via } : {}) })),
    multipath: r.nexthops.length > 1,
    cols: {},
  };
  return applyRoute(s, op, spec, { ...(r.loc ? { loc: r.loc } : {}), ...(r.raw !== undefined ? { raw: r.raw } : {}) });
}

/** fib_table_delete: the first alias of the prefix and tos matching every field the request gives. */
export function deleteRoute(s: RoutingState, spec: RouteSpec): Change {
  for (const [k, nh] of spec.nexthops.entries()) {
    if (nh.dev !== undefined && !link(s, nh.dev)) return fail(s, 'ENODEV', `Cannot find device "${nh.dev}"`, 'dev', k);
  }
  if (!s.tables.has(spec.table)) return fail(s, 'ESRCH', 'RTNETLINK answers: No such process', 'table');
  if (spec.dstHostBits) return fail(s, 'EINVAL', 'Error: Invalid prefix for given prefix length.', 'dst');
  const routes = tableRoutes(s, spec.table);
  const single = spec.multipath ? undefined : spec.nexthops[0];
  const idx = routes.findIndex((r) => {
    if (!sameCidr(r.dst, spec.dst) || r.tos !== spec.tos) return false;
    if (spec.type !== undefined && r.type !== spec.type) return false;
    if (spec.scope !== undefined && r.scope !== spec.scope) return false;
    if (spec.prefsrc !== undefined && r.prefsrc !== spec.prefsrc) return false;
    if (spec.proto !== undefined && r.proto !== spec.proto) return false;
    if (spec.metric !== undefined && spec.metric !== 0 && r.metric !== spec.metric) return false;
    if (single) {
      if (single.dev !== undefined && !r.nexthops.some((n) => n.dev === single.dev)) return false;
      if (single.via !== undefined && !r.nexthops.some((n) => n.via === single.via)) return false;
    }
    if (spec.multipath) {
      if (r.nexthops.length !== spec.nexthops.length) return false;
      if (!spec.nexthops.every((n, i) => (n.dev === undefined || r.nexthops[i]?.dev === n.dev) && (n.via === undefined || r.nexthops[i]?.via === n.via))) return false;
    }
    return true;
  });
  if (idx < 0) return fail(s, 'ESRCH', 'RTNETLINK answers: No such process', 'dst');
  return ok(withTable(s, spec.table, [...routes.slice(0, idx), ...routes.slice(idx + 1)]));
}

/** `ip route flush table T|all`: every route of the table(s), kernel ones included. `cache` changes nothing. */
export function flushRoutes(s: RoutingState, table: number | 'all' | 'cache'): Change {
  if (table === 'cache') return ok(s);
  return ok(removeRoutes(s, (r) => table === 'all' || r.table === table));
}
