// The routing contract: the policy database (`ip rule`), route tables (`ip route`), and the
// lookup the kernel does for input and output packets (fib_lookup with fib_rules; ip-rule(8),
// ip-route(8)). Addresses on interfaces create the kernel's own routes (local table: local and
// broadcast routes; main table: the connected prefix, proto kernel scope link).

import type { Cidr, IPv4 } from '../../core/ip.js';
import type { SourceLocation } from '../../core/diagnostics.js';

export const RT_TABLE = { unspec: 0, default: 253, main: 254, local: 255 } as const;

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'multicast' | 'anycast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat';
export type RouteScope = 'global' | 'site' | 'link' | 'host' | 'nowhere';
export type RouteProto = 'kernel' | 'boot' | 'static' | 'dhcp' | 'bird' | string;

export interface Nexthop {
  readonly via?: IPv4;
  readonly dev: string;
  readonly weight: number;
  readonly onlink: boolean;
}

export interface Route {
  readonly table: number;
  readonly type: RouteType;
  readonly dst: Cidr;
  readonly tos: number;
  readonly metric: number;
  readonly scope: RouteScope;
  readonly proto: RouteProto;
  /** Preferred source (`src` hint). */
  readonly prefsrc?: IPv4;
  /** Single-path routes have one; `nexthop` lists (ECMP) have several; unreachable/blackhole/prohibit/throw have none. */
  readonly nexthops: readonly Nexthop[];
  /** Where the user wrote it; absent for routes the kernel made from addresses. */
  readonly loc?: SourceLocation;
  readonly raw?: string;
}

export type RuleAction =
  | { readonly kind: 'lookup'; readonly table: number }
  | { readonly kind: 'goto'; readonly priority: number }
  | { readonly kind: 'blackhole' | 'unreachable' | 'prohibit' | 'nop' };

export interface IpRule {
  readonly priority: number;
  readonly not: boolean;
  readonly from?: Cidr; // absent = all
  readonly to?: Cidr;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: { readonly value: number; readonly mask: number };
  readonly tos?: number;
  readonly ipproto?: number;
  readonly sport?: { readonly min: number; readonly max: number };
  readonly dport?: { readonly min: number; readonly max: number };
  readonly suppressPrefixlength?: number;
  readonly action: RuleAction;
  /** `protocol` of the rule (FRA_PROTOCOL); absent = unspec. The kernel's default rules are `kernel`. */
  readonly proto?: RouteProto;
  readonly loc?: SourceLocation;
  readonly raw?: string;
}

export interface FibQuery {
  readonly dst: IPv4;
  readonly src?: IPv4 | undefined; // 0/absent for output lookups before source selection
  /** Input device for received packets; `lo` for locally generated ones (ip-rule(8) iif). */
  readonly iif: string;
  readonly oif?: string | undefined;
  readonly mark: number;
  readonly tos?: number | undefined;
  readonly proto?: number | undefined;
  readonly sport?: number | undefined;
  readonly dport?: number | undefined;
}

export type FibResult =
  | {
      readonly ok: true;
      readonly route: Route;
      readonly rule: IpRule;
      readonly table: number;
      readonly type: RouteType; // unicast, local, broadcast, ...
      readonly nexthop?: Nexthop | undefined; // the chosen one (unicast)
      /** Next hop address: the gateway, or the destination itself when on-link. */
      readonly gateway: IPv4;
    }
  | {
      readonly ok: false;
      /** What the kernel returns: no route at all (ENETUNREACH), or a rule/route action. */
      readonly reason: 'no-route' | 'blackhole' | 'unreachable' | 'prohibit';
      readonly rule?: IpRule;
      readonly route?: Route;
    };

/** The address state routing needs of a namespace. */
export interface IfAddrView {
  readonly iface: string;
  readonly ifindex: number;
  readonly addr: IPv4;
  readonly prefix: number;
  readonly scope: RouteScope;
  readonly secondary: boolean;
  readonly up: boolean;
  /** An explicitly assigned broadcast (`ip address add … brd X`), which gets its own broadcast route. */
  readonly broadcast?: IPv4;
}
