// Kernel routing constants: route scopes as numbers (include/uapi/linux/rtnetlink.h `enum rt_scope_t`)
// and the per-type properties the FIB checks (net/ipv4/fib_semantics.c `fib_props[]`): which route
// types end a lookup with an error and the narrowest scope a route of that type may have.

import type { RouteScope, RouteType } from './api.js';

/** RT_SCOPE_*: a smaller number is a wider scope (universe 0 < site < link < host < nowhere). */
export const SCOPE_VALUE: Readonly<Record<RouteScope, number>> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

export function scopeValue(s: RouteScope): number {
  return SCOPE_VALUE[s];
}

export function scopeFromValue(v: number): RouteScope | undefined {
  for (const [k, n] of Object.entries(SCOPE_VALUE)) if (n === v) return k as RouteScope;
  return undefined;
}

/** RTN_* numbers, as iproute2 and the netlink messages carry them. */
export const RTN: Readonly<Record<RouteType, number>> = {
  unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9, nat: 10,
};

/**
 * fib_props[]: the error a lookup ending on this type returns (undefined = a usable route) and the
 * minimum scope value a route of this type must have ("Invalid scope" otherwise).
 */
export const FIB_PROPS: Readonly<Record<RouteType, { readonly error?: 'EHOSTUNREACH' | 'EINVAL' | 'EACCES' | 'EAGAIN'; readonly scope: number }>> = {
  unicast: { scope: 0 },
  local: { scope: 254 },
  broadcast: { scope: 253 },
  anycast: { scope: 253 },
  multicast: { scope: 0 },
  blackhole: { error: 'EINVAL', scope: 0 },
  unreachable: { error: 'EHOSTUNREACH', scope: 0 },
  prohibit: { error: 'EACCES', scope: 0 },
  throw: { error: 'EAGAIN', scope: 0 },
  nat: { error: 'EINVAL', scope: 254 },
};

/** Types that carry no nexthop (ip-route(8): "no device, gateway or multipath"). */
export function isRejectType(t: RouteType): boolean {
  return FIB_PROPS[t].error !== undefined;
}

export const LOOPBACK_DEV = 'lo';
