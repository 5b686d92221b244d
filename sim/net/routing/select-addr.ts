// Source address selection (net/ipv4/devinet.c inet_select_addr, net/ipv4/fib_semantics.c
// fib_result_prefsrc): a route's `src` (prefsrc) wins; otherwise the device's primary addresses in
// list order, skipping those whose scope is narrower than the route's (with route_localnet a
// host-scope address counts as link scope): the first one whose subnet holds the next hop, else
// the first eligible one. A device without one falls back to every device in creation order
// (dev_base, lo first), taking the first primary address that is not link scope and not narrower
// than asked: 127.0.0.1 is passed over for universe scope only because it is host scope, so a
// global address put on lo would win. MASQUERADE calls the same function with RT_SCOPE_UNIVERSE
// (semantics.md D4, E15): a Calico pod veth has no address, so the node's first global address
// (eth0's on a real node) is used.

import type { IPv4 } from '../../core/ip.js';
import { maskOf } from '../../core/ip.js';
import type { FibResult, IfAddrView, RouteScope } from './api.js';
import { SCOPE_VALUE } from './constants.js';
import type { RoutingState } from './state.js';
import { addrsOf } from './state.js';

export interface SelectAddrOptions {
  /** net.ipv4.conf.<dev>.route_localnet of the device (all || dev). */
  readonly routeLocalnet?: boolean;
}

function sameSubnet(a: IfAddrView, ip: number): boolean {
  const m = maskOf(a.prefix);
  return ((a.addr & m) >>> 0) === ((ip & m) >>> 0);
}

/** inet_select_addr(dev, dst, scope); 0 for `dst` means "no next hop to match". Undefined when no address qualifies anywhere. */
export function inetSelectAddr(s: RoutingState, dev: string, dst: IPv4 | number, scope: RouteScope | number, opts: SelectAddrOptions = {}): IPv4 | undefined {
  const want = typeof scope === 'number' ? scope : SCOPE_VALUE[scope];
  const localnetScope = opts.routeLocalnet ? SCOPE_VALUE.link : SCOPE_VALUE.host;
  let first: IPv4 | undefined;
  for (const a of addrsOf(s, dev)) {
    if (a.secondary) continue;
    if (Math.min(SCOPE_VALUE[a.scope], localnetScope) > want) continue;
    if (!dst || sameSubnet(a, dst)) return a.addr;
    first ??= a.addr;
  }
  if (first !== undefined) return first;
  for (const l of s.links) {
    for (const a of addrsOf(s, l.name)) {
      if (a.secondary) continue;
      if (a.scope !== 'link' && SCOPE_VALUE[a.scope] <= want) return a.addr;
    }
  }
  return undefined;
}

/**
 * The source a locally generated packet gets on this route (fib_select_path → fib_result_prefsrc,
 * ip_route_output_key_hash_rcu for local routes): prefsrc; for a `local` route the destination
 * itself; else inet_select_addr(nexthop dev, gateway, route scope).
 */
export function sourceFor(s: RoutingState, r: Extract<FibResult, { ok: true }>, dst: IPv4, opts: SelectAddrOptions = {}): IPv4 | undefined {
  if (r.route.prefsrc !== undefined) return r.route.prefsrc;
  if (r.type === 'local') return dst;
  const nh = r.nexthop;
  if (!nh) return undefined;
  return inetSelectAddr(s, nh.dev, nh.via ?? 0, r.route.scope, opts);
}
