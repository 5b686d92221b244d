// Binds a namespace's routing state (sim/net/routing, an immutable value replaced on every
// change) to the walker's RoutingOps, adding what the walker needs in its terms.

import type { IPv4 } from '../core/ip.js';
import type { FibQuery, FibResult } from '../net/routing/api.js';
import type { AddrType } from '../net/netfilter/api.js';
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

export function makeRoutingOps(holder: RoutingHolder, ns: NsView): RoutingOps {
  return new RoutingView(holder, ns);
}

interface NsView {
  readonly sysctl: NsSysctl;
  readonly ifaces: ReadonlyMap<string, Iface>;
}

/**
 * One namespace's routing as the walker calls it. A class, not an object of closures: every
 * namespace then shares the same methods, so a call from the walker has one target and can be
 * inlined (closures made per namespace are a different function each).
 */
class RoutingView implements RoutingOps {
  // The lookup caches of the current routing state, fetched again only when the state changes.
  private cachedState: RoutingState | undefined = undefined;
  private cache: FibCache | undefined = undefined;
  private vState: RoutingState | undefined = undefined;
  private vCache: ValidationCache | undefined = undefined;
  constructor(private readonly holder: RoutingHolder, private readonly ns: NsView) {}

  private localnet(dev: string): boolean {
    const i = this.ns.ifaces.get(dev);
    return i ? effectiveSysctl(this.ns, i).route_localnet === 1 : false;
  }

  lookup(q: FibQuery): FibResult {
    const st = this.holder.state;
    let cache = this.cache;
    if (st !== this.cachedState || cache === undefined) {
      this.cachedState = st;
      cache = this.cache = fibCacheOf(st);
    }
    return fibLookupIn(cache, st, q);
  }

  sourceFor(dst: IPv4, r: Extract<FibResult, { ok: true }>): IPv4 | undefined {
    return sourceFor(this.holder.state, r, dst, r.nexthop ? { routeLocalnet: this.localnet(r.nexthop.dev) } : {});
  }

  selectAddr(dev: string, dst: IPv4): IPv4 | undefined {
    return inetSelectAddr(this.holder.state, dev, dst, 'global', { routeLocalnet: this.localnet(dev) });
  }

  validateSource(src: IPv4, dst: IPv4, iif: string, oif: string | undefined, mark: number, tos: number): { readonly ok: boolean; readonly reason: string } {
    const i = this.ns.ifaces.get(iif);
    const a = this.ns.sysctl.all;
    const rp = (i ? Math.max(a.rp_filter, i.sysctl.rp_filter) : a.rp_filter) as 0 | 1 | 2;
    const svm = i ? (a.src_valid_mark | i.sysctl.src_valid_mark) === 1 : a.src_valid_mark === 1;
    const al = i ? (a.accept_local | i.sysctl.accept_local) === 1 : a.accept_local === 1;
    const st = this.holder.state;
    let vCache = this.vCache;
    if (st !== this.vState || vCache === undefined) {
      this.vState = st;
      vCache = this.vCache = validationCacheOf(st);
    }
    return validateSourceIn(vCache, st, src, dst, iif, oif, mark, tos, rp, svm, al);
  }

  addrType(ip: IPv4, dev?: string): AddrType {
    return addrType(this.holder.state, ip, dev);
  }

  generation(): unknown {
    return this.holder.state;
  }

  isLocal(ip: IPv4): boolean {
    return isLocalAddress(this.holder.state, ip);
  }

  describeRule(r: FibResult): string {
    return r.rule ? formatRuleLine(r.rule, { names: this.holder.state.names }) : 'no rule matched';
  }

  describeRoute(r: Extract<FibResult, { ok: true }>): string {
    return describeRoute(r.route, this.holder.state.names);
  }

  tableName(t: number): string {
    return tableName(t, this.holder.state.names);
  }
}
