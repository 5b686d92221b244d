// inet_addr_type / inet_dev_addr_type (net/ipv4/fib_frontend.c __inet_dev_addr_type), which
// `-m addrtype` uses: 0.0.0.0/8 and 255.255.255.255 are BROADCAST, 224/4 MULTICAST; otherwise the
// type of the route the local table gives for the address (LOCAL for the host's addresses,
// BROADCAST for subnet broadcasts), UNICAST when there is none. While no rule was ever added the
// local and main tables are one trie, so main's routes are seen too; route types that answer
// with an error (blackhole, unreachable, prohibit, throw) never come back: the lookup failed and
// the answer stays UNICAST. With a device (`--limit-iface-in/out`) the route's first nexthop must
// be on that device, else UNICAST.

import type { IPv4 } from '../../core/ip.js';
import type { AddrType } from '../netfilter/api.js';
import { RT_TABLE } from './api.js';
import type { Route } from './api.js';
import { localAndMain, lookupRoutes } from './fib-lookup.js';
import type { RoutingState } from './state.js';
import { tableRoutes } from './state.js';

const TYPE_NAME: Readonly<Record<Route['type'], AddrType>> = {
  unicast: 'UNICAST', local: 'LOCAL', broadcast: 'BROADCAST', anycast: 'ANYCAST', multicast: 'MULTICAST',
  blackhole: 'BLACKHOLE', unreachable: 'UNREACHABLE', prohibit: 'PROHIBIT', throw: 'THROW', nat: 'NAT',
};

/** Answers per routing state (an immutable value): address -> device limit ('' for none) -> type. */
const cache = new WeakMap<RoutingState, Map<number, Map<string, AddrType>>>();

export function addrType(s: RoutingState, ip: IPv4 | number, limitDev?: string): AddrType {
  const a = ip >>> 0;
  let byAddr = cache.get(s);
  if (!byAddr) { byAddr = new Map(); cache.set(s, byAddr); }
  let byDev = byAddr.get(a | 0);
  if (!byDev) {
    if (byAddr.size >= 4096) byAddr.clear();
    byDev = new Map();
    byAddr.set(a | 0, byDev);
  }
  const dev = limitDev ?? '';
  let t = byDev.get(dev);
  if (t === undefined) {
    t = addrTypeUncached(s, a, limitDev);
    byDev.set(dev, t);
  }
  return t;
}

function addrTypeUncached(s: RoutingState, a: number, limitDev: string | undefined): AddrType {
  if (a >>> 24 === 0 || a === 0xffffffff) return 'BROADCAST';
  if (a >>> 28 === 0xe) return 'MULTICAST';
  const routes = s.customRules ? tableRoutes(s, RT_TABLE.local) : localAndMain(s);
  const hit = lookupRoutes(s, routes, { dst: a as IPv4, iif: 'lo', mark: 0 });
  if (hit.kind !== 'route') return 'UNICAST';
  const nh = hit.route.nexthops[0];
  if (limitDev !== undefined && nh?.dev !== limitDev) return 'UNICAST';
  return TYPE_NAME[hit.route.type];
}

/** `-m addrtype --src-type/--dst-type TYPE [--limit-iface-in|out DEV]`. */
export function addrTypeMatches(s: RoutingState, ip: IPv4 | number, types: readonly AddrType[], limitDev?: string): boolean {
  return types.includes(addrType(s, ip, limitDev));
}
