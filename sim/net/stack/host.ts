// A network namespace at run time: its interfaces and sysctls (sim/model/netns.ts) plus the
// kernel state that changes while packets move: routing, netfilter rules and counters,
// conntrack, sockets and the neighbour cache.

import type { IPv4 } from '../../core/ip.js';
import type { FibQuery, FibResult } from '../routing/api.js';
import type { AddrType, DelegatedVerdict, Hook, NfEnv, Table, TableResult } from '../netfilter/api.js';
import type { PreparedChain, RunTableOptions } from '../netfilter/run-table.js';
import type { NfChain } from '../netfilter/ruleset.js';
import type { Segment } from './world.js';
import type { Iface, NsSysctl } from '../../model/netns.js';
import { ConntrackTable } from '../conntrack/table.js';
import { SocketTable } from '../sockets/socket.js';
import type { Mac } from '../packet.js';

/** What the stack needs of routing (implemented over sim/net/routing). */
export interface RoutingOps {
  lookup(q: FibQuery): FibResult;
  /** Source address for a locally generated packet along a route (prefsrc, else inet_select_addr). */
  sourceFor(dst: IPv4, r: Extract<FibResult, { ok: true }>): IPv4 | undefined;
  /** inet_select_addr(dev, dst, RT_SCOPE_UNIVERSE), including the fallback to other devices (MASQUERADE). */
  selectAddr(dev: string, dst: IPv4): IPv4 | undefined;
  /** fib_validate_source for a received packet (rp_filter, accept_local, src_valid_mark); oif is the forward route's device (absent for local delivery). */
  validateSource(src: IPv4, dst: IPv4, iif: string, oif: string | undefined, mark: number, tos: number): { readonly ok: boolean; readonly reason: string };
  addrType(ip: IPv4, dev?: string): AddrType;
  isLocal(ip: IPv4): boolean;
  /** The current routing state as an opaque token: it changes whenever a route, rule or address does (the kernel's route genid). */
  generation(): unknown;
  /** Text forms for the trace. */
  describeRule(r: Extract<FibResult, { ok: true }> | Extract<FibResult, { ok: false }>): string;
  describeRoute(r: Extract<FibResult, { ok: true }>): string;
  tableName(t: number): string;
}

/** What the stack needs of netfilter (implemented over sim/net/netfilter). */
export interface NetfilterOps {
  has(table: Table): boolean;
  run(table: Table, hook: Hook, env: NfEnv, opts?: RunTableOptions): TableResult;
  /** The built-in chain of `hook` in `table` when it holds no rule (only its policy applies). */
  policyOnly?(table: Table, hook: Hook): NfChain | undefined;
  /** The built-in chain of `hook` in `table` with every chain of that table by name. */
  builtin?(table: Table, hook: Hook): BuiltinChain | undefined;
  /** Filled in by the walker: what each hook runs for this ruleset (see nf-hook.ts). */
  plans?: HookPlans | undefined;
}

/** What a stage of a hook plan does (a number, so the walker's dispatch compares small integers). */
export const STAGE_TABLE = 0;
export const STAGE_CONNTRACK = 1;
export const STAGE_NAT = 2;
export const STAGE_CONFIRM = 3;

/** One stage of a hook plan; every stage has the same shape, whatever it does. */
export interface PlanStage {
  readonly kind: typeof STAGE_TABLE | typeof STAGE_CONNTRACK | typeof STAGE_NAT | typeof STAGE_CONFIRM;
  /** STAGE_TABLE (and the nat stages of HookPlans.nat): the table; the others leave it at 'filter'. */
  readonly table: Table;
  /**
   * A table's built-in chain for the hook, as the walk reads it; none when the table is not
   * loaded or the file lacks the chain (the kernel's is then empty, with policy ACCEPT).
   */
  readonly prepared: PreparedChain | undefined;
  /** The chain holds no rule: only its policy applies. */
  readonly empty: boolean;
}
export type HookPlans = Readonly<Record<Hook, readonly PlanStage[]>> & {
  /** The nat table's stage at each hook (consulted for a connection's first packet only). */
  readonly nat: Readonly<Record<Hook, PlanStage>>;
};

export type Delegate = (env: NfEnv) => DelegatedVerdict | undefined;

/** Chains a modelled agent evaluates, by table then chain (looked up on every jump, without building a key). */
export class Delegates {
  // One map of chains per table, in a field each (a switch finds it: one keyed lookup per jump).
  private readonly raw = new Map<string, Delegate>();
  private readonly mangle = new Map<string, Delegate>();
  private readonly nat = new Map<string, Delegate>();
  private readonly filter = new Map<string, Delegate>();
  private readonly security = new Map<string, Delegate>();
  private count = 0;
  get size(): number {
    return this.count;
  }
  set(table: Table, chain: string, d: Delegate): void {
    const m = this.of(table);
    if (!m.has(chain)) this.count++;
    m.set(chain, d);
  }
  get(table: Table, chain: string): Delegate | undefined {
    const m = this.of(table);
    return m.size === 0 ? undefined : m.get(chain);
  }
  private of(table: Table): Map<string, Delegate> {
    switch (table) {
      case 'filter': return this.filter;
      case 'nat': return this.nat;
      case 'mangle': return this.mangle;
      case 'raw': return this.raw;
      case 'security': return this.security;
    }
  }
}

export interface BuiltinChain {
  readonly chain: NfChain;
  readonly chains: ReadonlyMap<string, NfChain>;
}

export interface Host {
  readonly name: string; // namespace name, unique in the world ("lb", "worker02", "worker02/nginx-abc")
  readonly host: string; // what the trace shows as the host
  readonly kind: 'host' | 'pod';
  readonly ifaces: Map<string, Iface>; // creation order
  sysctl: NsSysctl;
  routing: RoutingOps;
  netfilter: NetfilterOps | undefined;
  /** nf_conntrack is active in this namespace (a nat table or a stateful match is loaded). */
  conntrackOn: boolean;
  readonly conntrack: ConntrackTable;
  readonly sockets: SocketTable;
  /** Neighbour cache per device: IPv4 (as int32, `ip | 0`: no boxed keys) -> MAC. */
  readonly neigh: Map<string, Map<number, Mac>>;
  /** The walker's view of each device it has sent on (l2.ts devOf), by name. */
  readonly devs: Map<string, DevState>;
  /** Static neighbours (Calico's VXLAN peers), never resolved with ARP; keyed like `neigh`. */
  readonly staticNeigh: Map<string, Map<number, Mac>>;
  /** VXLAN forwarding database per device: inner MAC -> underlay (VTEP) address. */
  readonly fdb: Map<string, Map<string, IPv4>>;
  ipId: number;
  nextEphemeral: number;
  /** Chains a modelled agent evaluates (the CNI's policy chain), by table then chain. */
  readonly delegates: Delegates;
}

/**
 * One device as the walker uses it on every packet, found with one lookup by name: the device,
 * its neighbour entries (learnt and permanent), and where its frames go, resolved on first use
 * (devices are never removed or renamed, so what is resolved stays true).
 */
export interface DevState {
  readonly iface: Iface;
  readonly neigh: Map<number, Mac>;
  readonly permanent: Map<number, Mac> | undefined;
  /** veth: the namespace and device of the other end. */
  peerHost: Host | undefined;
  peerIface: Iface | undefined;
  /** ethernet: the segment it is plugged into. */
  segment: Segment | undefined;
}

export function newHost(name: string, host: string, kind: 'host' | 'pod', sysctl: NsSysctl, routing: RoutingOps): Host {
  return {
    name,
    host,
    kind,
    ifaces: new Map(),
    sysctl,
    routing,
    netfilter: undefined,
    conntrackOn: false,
    conntrack: new ConntrackTable(),
    sockets: new SocketTable(name),
    neigh: new Map(),
    devs: new Map(),
    staticNeigh: new Map(),
    fdb: new Map(),
    ipId: 1,
    nextEphemeral: 0,
    delegates: new Delegates(),
  };
}

export function ifaceByMac(h: Host, mac: Mac): Iface | undefined {
  for (const i of h.ifaces.values()) if (i.mac === mac) return i;
  return undefined;
}

export function primaryAddr(i: Iface): IPv4 | undefined {
  return i.addrs.find((a) => !a.secondary && a.scope !== 'host')?.addr;
}
