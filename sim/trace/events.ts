// The engine -> renderer contract: one closed, versioned, serializable union of trace events.
// Events are facts (never colours or positions). Simulation and replay both speak it.
// Times are simulated microseconds since the start of the run.

import type { Hook, Table, RejectWith } from '../net/netfilter/api.js';
import type { SourceLocation } from '../core/diagnostics.js';

export const TRACE_VERSION = 1;

/** A packet as the trace shows it: addresses as text, so a trace is plain JSON. */
export interface PacketSummary {
  readonly id: number; // stable across rewrites and forwarding; a reply is a new packet
  readonly src: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp' | 'icmp' | 'arp' | 'ipip' | 'other';
  readonly sport?: number;
  readonly dport?: number;
  readonly flags?: string; // TCP: "SYN", "SYN,ACK", ...
  readonly seq?: number;
  readonly ack?: number;
  readonly icmp?: { readonly type: number; readonly code: number; readonly text: string };
  readonly arp?: { readonly op: 'request' | 'reply'; readonly senderIp: string; readonly targetIp: string };
  readonly length: number;
  readonly payload?: string; // first line of text payload, e.g. "GET / HTTP/1.1"
  /** The packet this one carries (VXLAN, IPIP). */
  readonly inner?: PacketSummary;
  readonly mark?: number;
}

export interface RuleInfo {
  readonly table: Table;
  readonly chain: string;
  readonly index: number;
  readonly raw: string;
  readonly loc: SourceLocation;
}

export interface RouteInfo {
  readonly decision: 'input' | 'output' | 'reroute';
  readonly rule: string; // "0: from all lookup local", "32765: from all fwmark 0x1 lookup 100"
  readonly ruleLoc?: SourceLocation;
  readonly table: string; // "local", "main", "100"
  readonly route?: string; // "local 0.0.0.0/0 dev lo table 100"
  readonly routeLoc?: SourceLocation;
  readonly type: string; // unicast, local, blackhole, ...
  readonly dev?: string;
  readonly gateway?: string;
  readonly src?: string; // chosen source for output
  readonly result: 'local' | 'forward' | 'output' | 'unreachable' | 'blackhole' | 'prohibit' | 'no-route';
}

export interface ConntrackInfo {
  readonly orig: string; // "tcp 192.168.0.10:40000 -> 172.16.0.12:30080"
  readonly reply: string;
  readonly state: string; // NEW, ESTABLISHED, ...
  readonly direction: 'ORIGINAL' | 'REPLY';
  readonly status: readonly string[]; // SEEN_REPLY, ASSURED, SRC_NAT, DST_NAT, CONFIRMED
  readonly tcpState?: string;
}

export const DISPOSITIONS = [
  // success
  'DELIVERED', 'ACCEPTED_BY_APP',
  // failure
  'DROPPED', 'REJECTED', 'NO_ROUTE', 'NO_LISTENER', 'RP_FILTER', 'MARTIAN', 'FORWARDING_DISABLED',
  'SOCKET_ON_FORWARD', 'TTL_EXCEEDED', 'NEIGH_FAILED', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT',
  'NO_LINK', 'INVALID', 'MASQUERADE_NO_ADDRESS', 'NOT_FOR_US', 'TIMEOUT', 'LOOP', 'UNSUPPORTED',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];
export const SUCCESS_DISPOSITIONS: readonly Disposition[] = ['DELIVERED', 'ACCEPTED_BY_APP'];

interface Base {
  readonly seq: number;
  readonly t: number; // µs
}
interface AtHost extends Base {
  readonly host: string; // topology host (or pod) name
}

export type TraceEvent =
  | (AtHost & { readonly kind: 'emit'; readonly by: string; readonly iface?: string; readonly packet: PacketSummary; readonly why: string })
  | (AtHost & { readonly kind: 'hook'; readonly hook: Hook; readonly table: Table; readonly packet: PacketSummary })
  | (AtHost & { readonly kind: 'rule'; readonly hook: Hook; readonly rule: RuleInfo; readonly target: string; readonly effect?: string; readonly packet?: PacketSummary })
  | (AtHost & { readonly kind: 'verdict'; readonly hook: Hook; readonly table: Table; readonly chain: string; readonly verdict: string; readonly rule?: RuleInfo; readonly policy?: boolean })
  | (AtHost & { readonly kind: 'nat'; readonly hook: Hook; readonly nat: 'SNAT' | 'DNAT' | 'MASQUERADE' | 'REDIRECT' | 'TPROXY' | 'un-SNAT' | 'un-DNAT'; readonly before: PacketSummary; readonly after: PacketSummary; readonly rule?: RuleInfo; readonly why: string })
  | (AtHost & { readonly kind: 'conntrack'; readonly action: 'new' | 'found' | 'confirm' | 'invalid' | 'untracked'; readonly entry: ConntrackInfo })
  | (AtHost & { readonly kind: 'route'; readonly packet: PacketSummary; readonly route: RouteInfo })
  | (AtHost & { readonly kind: 'check'; readonly check: 'rp_filter' | 'early_demux' | 'martian' | 'ip_forward' | 'socket_on_forward' | 'neighbour' | 'ttl' | 'masquerade_source'; readonly ok: boolean; readonly detail: string; readonly packet?: PacketSummary })
  | (Base & { readonly kind: 'link'; readonly from: { readonly host: string; readonly iface: string }; readonly to: { readonly host: string; readonly iface: string }; readonly packet: PacketSummary; readonly encap?: 'vxlan' | 'ipip'; readonly latencyUs: number })
  | (AtHost & { readonly kind: 'deliver'; readonly packet: PacketSummary; readonly socket: string; readonly app?: string })
  | (Base & { readonly kind: 'branch'; readonly label: string; readonly options: readonly string[]; readonly chosen: number; readonly p: number })
  | (AtHost & { readonly kind: 'app'; readonly app: string; readonly action: string; readonly message: string; readonly loc?: SourceLocation; readonly flow?: string })
  | (Base & { readonly kind: 'unsupported'; readonly host?: string; readonly loc: SourceLocation; readonly message: string })
  | (AtHost & { readonly kind: 'icmp-error'; readonly packet: PacketSummary; readonly reason: string; readonly reject?: RejectWith })
  | (AtHost & { readonly kind: 'end'; readonly packet: PacketSummary; readonly disposition: Disposition; readonly reason: string; readonly rule?: RuleInfo; readonly loc?: SourceLocation });

export type TraceEventKind = TraceEvent['kind'];

/** A trace as written to JSON. */
export interface Trace {
  readonly version: typeof TRACE_VERSION;
  readonly events: readonly TraceEvent[];
}

/** Distributes Omit over the union so each variant keeps its own fields. */
export type TraceEventInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'seq'> : never) : never;
