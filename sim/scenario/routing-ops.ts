// Binds a namespace's routing state (sim/net/routing, an immutable value replaced on every
// change) to the walker's RoutingOps, adding what the walker needs in its terms.

import type { IPv4 } from '../core/ip.js';
import type { FibResult } from '../net/routing/api.js';
import type { RoutingOps } from '../net/stack/host.js';
import type { NsSysctl, Iface } from '../model/netns.js';
import { effectiveSysctl } from '../model/netns.js';
import { fibCacheOf, fibLookupIn, type FibCache } from '../net/routing/fib-lookup.js';
import { inetSelectAddr, sourceFor } from '../net/routing/select-addr.js';
import { addrType } from '../net/routing/addr-type.js';
import { isLocalAddress, type RoutingState } from '../net/routing/state.js';
import { validateSourceIn, validationCacheOf, type ValidationCache } from '../net/routing/validate-source.js';
import { formatRuleLine, describeRoute } from '../parsers/iproute2/format.js';
import { tableName } from '../parsers/iproute2/names.js';

export interface RoutingHolder {
  state: RoutingState;
}

export function makeRoutingOps(holder: RoutingHolder, ns: { readonly sysctl: NsSysctl; readonly ifaces: ReadonlyMap<string, Iface> }): RoutingOps {
  const localnet = (dev: string): boolean => {
    const i = ns.ifaces.get(dev);
    return i ? effectiveSysctl(ns, i).route_localnet === 1 : false;
  };
  // The lookup cache of the current routing state, fetched again only when the state changes.
  let cachedState: RoutingState | undefined;
  let cache: FibCache | undefined;
  let vState: RoutingState | undefined;
  let vCache: ValidationCache | undefined;
  return {
    lookup: (q) => {
      const st = holder.state;
      if (st !== cachedState || !cache) { cachedState = st; cache = fibCacheOf(st); }
      return fibLookupIn(cache, st, q);
    },
    sourceFor: (dst: IPv4, r: Extract<FibResult, { ok: true }>) => sourceFor(holder.state, r, dst, r.nexthop ? { routeLocalnet: localnet(r.nexthop.dev) } : {}),
    selectAddr: (dev, dst) => inetSelectAddr(holder.state, dev, dst, 'global', { routeLocalnet: localnet(dev) }),
    validateSource: (src, dst, iif, oif, mark, tos) => {
      const i = ns.ifaces.get(iif);
      const a = ns.sysctl.all;
      const rp = (i ? Math.max(a.rp_filter, i.sysctl.rp_filter) : a.rp_filter) as 0 | 1 | 2;
      const svm = i ? (a.src_valid_mark | i.sysctl.src_valid_mark) === 1 : a.src_valid_mark === 1;
      const al = i ? (a.accept_local | i.sysctl.accept_local) === 1 : a.accept_local === 1;
      const st = holder.state;
      if (st !== vState || !vCache) { vState = st; vCache = validationCacheOf(st); }
      return validateSourceIn(vCache, st, src, dst, iif, oif, mark, tos, rp, svm, al);
    },
    addrType: (ip, dev) => addrType(holder.state, ip, dev),
    generation: () => holder.state,
    isLocal: (ip) => isLocalAddress(holder.state, ip),
    describeRule: (r) => (r.rule ? formatRuleLine(r.rule, { names: holder.state.names }) : 'no rule matched'),
    describeRoute: (r) => describeRoute(r.route, holder.state.names),
    tableName: (t) => tableName(t, holder.state.names),
  };
}
