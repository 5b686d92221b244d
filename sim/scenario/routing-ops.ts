// Binds a namespace's routing state (sim/net/routing, an immutable value replaced on every
// change) to the walker's RoutingOps, adding what the walker needs in its terms.

import type { IPv4 } from '../core/ip.js';
import type { FibResult } from '../net/routing/api.js';
import type { RoutingOps } from '../net/stack/host.js';
import type { NsSysctl, Iface } from '../model/netns.js';
import { effectiveSysctl } from '../model/netns.js';
import { fibLookup } from '../net/routing/fib-lookup.js';
import { inetSelectAddr, sourceFor } from '../net/routing/select-addr.js';
import { addrType } from '../net/routing/addr-type.js';
import { isLocalAddress, type RoutingState } from '../net/routing/state.js';
import { validateSource } from '../net/routing/validate-source.js';
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
  return {
    lookup: (q) => fibLookup(holder.state, q),
    sourceFor: (dst: IPv4, r: Extract<FibResult, { ok: true }>) => sourceFor(holder.state, r, dst, r.nexthop ? { routeLocalnet: localnet(r.nexthop.dev) } : {}),
    selectAddr: (dev, dst) => inetSelectAddr(holder.state, dev, dst, 'global', { routeLocalnet: localnet(dev) }),
    validateSource: (q) => {
      const i = ns.ifaces.get(q.iif);
      const eff = i ? effectiveSysctl(ns, i) : ns.sysctl.all;
      return validateSource(holder.state, { src: q.src, dst: q.dst, iif: q.iif, ...(q.oif !== undefined ? { oif: q.oif } : {}), mark: q.mark, tos: q.tos, rpFilter: eff.rp_filter, srcValidMark: eff.src_valid_mark === 1, acceptLocal: eff.accept_local === 1 });
    },
    addrType: (ip, dev) => addrType(holder.state, ip, dev),
    isLocal: (ip) => isLocalAddress(holder.state, ip),
    describeRule: (r) => (r.rule ? formatRuleLine(r.rule, { names: holder.state.names }) : 'no rule matched'),
    describeRoute: (r) => describeRoute(r.route, holder.state.names),
    tableName: (t) => tableName(t, holder.state.names),
  };
}
