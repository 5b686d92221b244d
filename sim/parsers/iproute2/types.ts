// What the iproute2 parsers produce. A command line becomes an `IpCommand` holding a route or rule
// *request* (the fields `ip` would put in its netlink message, with iproute2's own defaults already
// filled in); the kernel's checks (device exists, gateway reachable, duplicate) happen when the
// request is applied to a namespace's routing state (sim/net/routing/apply.ts). `ip route show` and
// `ip rule show` output becomes finished `Route` / `IpRule` values directly.

import type { Cidr, IPv4 } from '../../core/ip.js';
import type { SourceLocation } from '../../core/diagnostics.js';
import type { IpRule, RouteProto, RouteScope, RouteType, RuleAction } from '../../net/routing/api.js';

/** Columns of the words a later (semantic) error points at; keys are the keywords (`via`, `dev`, `src`, `table`, `dst`, …). */
export type ArgColumns = Readonly<Record<string, { readonly line: number; readonly column: number }>>;

export interface NexthopSpec {
  readonly via?: IPv4;
  readonly dev?: string;
  readonly weight: number;
  readonly onlink: boolean;
  readonly cols: ArgColumns;
}

/** `ip route add|change|replace|prepend|append|del` as iproute2 sends it (ip/iproute.c iproute_modify). */
export interface RouteSpec {
  /** Unset on `del` when not written: the kernel then matches any type. */
  readonly type?: RouteType;
  readonly dst: Cidr;
  /** The destination had host bits set (`10.0.0.1/8`): the kernel answers "Invalid prefix for given prefix length". */
  readonly dstHostBits: boolean;
  readonly tos: number;
  readonly metric?: number;
  readonly table: number;
  /** Unset on `del` when not written (RT_SCOPE_NOWHERE = any). */
  readonly scope?: RouteScope;
  /** Unset on `del` when not written (0 = any). */
  readonly proto?: RouteProto;
  readonly prefsrc?: IPv4;
  /** One entry for `via`/`dev` forms, several for `nexthop` lists, none for blackhole and friends. */
  readonly nexthops: readonly NexthopSpec[];
  readonly multipath: boolean;
  readonly cols: ArgColumns;
}

export type RouteOp = 'add' | 'change' | 'replace' | 'prepend' | 'append' | 'test' | 'del';

/** `ip rule add|del` selectors and action (ip/iprule.c iprule_modify). */
export interface RuleSpec {
  readonly priority?: number;
  readonly not: boolean;
  readonly from?: Cidr;
  readonly to?: Cidr;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: { readonly value: number; readonly mask: number };
  readonly tos?: number;
  readonly ipproto?: number;
  readonly sport?: { readonly min: number; readonly max: number };
  readonly dport?: { readonly min: number; readonly max: number };
  readonly suppressPrefixlength?: number;
  /** `add` always has one (default `lookup main`); `del` only when written. */
  readonly action?: RuleAction;
  readonly proto?: RouteProto;
  readonly cols: ArgColumns;
}

interface CommandBase {
  readonly loc: SourceLocation;
  readonly raw: string;
  /** `ip -n NAME …` / `ip -netns NAME …`. */
  readonly netns?: string;
}

export type IpCommand =
  | (CommandBase & { readonly kind: 'route'; readonly op: RouteOp; readonly route: RouteSpec })
  | (CommandBase & { readonly kind: 'route-flush'; readonly table: number | 'all' | 'cache' })
  | (CommandBase & { readonly kind: 'rule'; readonly op: 'add' | 'del'; readonly rule: RuleSpec })
  | (CommandBase & { readonly kind: 'rule-flush' })
  | (CommandBase & {
      readonly kind: 'addr';
      readonly op: 'add' | 'del';
      readonly dev: string;
      readonly addr: IPv4;
      readonly prefix: number;
      readonly scope: RouteScope;
      readonly broadcast?: IPv4;
      readonly cols: ArgColumns;
    })
  | (CommandBase & { readonly kind: 'link'; readonly dev: string; readonly up: boolean; readonly cols: ArgColumns });

/** A parsed `ip rule show` line: a finished rule, plus the show-only markers. */
export interface ShownRule extends IpRule {
  readonly iifDetached?: boolean;
  readonly oifDetached?: boolean;
  readonly unresolved?: boolean;
}
