// The contract between the packet walker (sim/net/stack) and the netfilter evaluator.
// The walker calls `runTable` once per (hook, table) in the kernel's priority order
// (raw -300, conntrack -200, mangle -150, nat DNAT -100, filter 0, security 50, nat SNAT 100;
// include/uapi/linux/netfilter_ipv4.h). The evaluator walks the built-in chain and the user chains
// it jumps to, applies non-terminating targets (MARK, CONNMARK, LOG, NOTRACK/CT, counters) to the
// env, and returns the verdict with the rules that matched, each with its raw line and file:line.

import type { IPv4 } from '../../core/ip.js';
import type { Chooser } from '../../core/choice.js';
import type { SourceLocation } from '../../core/diagnostics.js';

export const TABLES = ['raw', 'mangle', 'nat', 'filter', 'security'] as const;
export type Table = (typeof TABLES)[number];
export const HOOKS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const;
export type Hook = (typeof HOOKS)[number];

/** Which built-in chains each table has (iptables(8) TABLES). */
export const TABLE_HOOKS: Readonly<Record<Table, readonly Hook[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** conntrack's view of the packet (`-m conntrack`, `-m state`). */
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
export type CtDirection = 'ORIGINAL' | 'REPLY';

export interface CtTuple {
  readonly src: IPv4;
  readonly dst: IPv4;
  readonly proto: number;
  readonly sport: number; // ICMP: echo id
  readonly dport: number; // ICMP: type<<8|code for errors, id for echo
}

export interface NfConntrack {
  readonly state: CtState;
  readonly direction: CtDirection;
  readonly orig: CtTuple;
  readonly reply: CtTuple;
  /** `--ctstatus` bits and the virtual `--ctstate SNAT/DNAT`. */
  readonly status: { readonly expected: boolean; readonly seenReply: boolean; readonly assured: boolean; readonly confirmed: boolean; readonly srcNat: boolean; readonly dstNat: boolean };
  /** Connection mark (CONNMARK, `-m connmark`); writable. */
  mark: number;
  /** Seconds left (`--ctexpire`). */
  readonly expiresIn: number;
}

/** Route types as `-m addrtype` names them (RTN_*). */
export type AddrType = 'UNSPEC' | 'UNICAST' | 'LOCAL' | 'BROADCAST' | 'ANYCAST' | 'MULTICAST' | 'BLACKHOLE' | 'UNREACHABLE' | 'PROHIBIT' | 'THROW' | 'NAT' | 'XRESOLVE';

export interface NfPacketView {
  readonly src: IPv4;
  readonly dst: IPv4;
  readonly proto: number; // IPPROTO_*
  readonly sport?: number | undefined;
  readonly dport?: number | undefined;
  readonly tcpFlags?: number | undefined; // wire bits, sim/net/packet.ts TCP
  readonly icmpType?: number | undefined;
  readonly icmpCode?: number | undefined;
  readonly length: number; // IP total length
  readonly ttl: number;
  readonly tos: number;
  readonly fragment: boolean; // non-first fragment (`-f`)
}

export interface SocketLookupResult {
  readonly found: boolean;
  readonly transparent: boolean;
  readonly mark: number; // the socket's SO_MARK (for --restore-skmark)
  readonly description?: string; // e.g. "haproxy tcp 192.168.0.10:40001 -> 172.16.0.12:30080 SYN_SENT transparent"
}

/** Everything a match or target may read or change. Matches read; targets may write `mark`, `ct.mark`, `notrack`. */
export interface NfEnv {
  readonly host: string;
  readonly hook: Hook;
  readonly table: Table;
  readonly inIface?: string | undefined;
  readonly outIface?: string | undefined;
  /** Bridge ports for `-m physdev`, when the packet crossed a bridge. */
  readonly physIn?: string | undefined;
  readonly physOut?: string | undefined;
  readonly bridged?: boolean | undefined;
  readonly packet: NfPacketView;
  /** skb->mark; targets write it. */
  mark: number;
  /** undefined: not tracked (NOTRACK earlier, or conntrack disabled). */
  readonly ct: NfConntrack | undefined;
  /** Set by NOTRACK / `CT --notrack` in raw. */
  notrack: boolean;
  /** `-m addrtype`: the type of `ip` in this host's routing, optionally limited to one device. */
  addrType(ip: IPv4, limitIface?: string): AddrType;
  /** `-m socket`: the socket the packet belongs to, looked up as xt_socket does. */
  socketLookup(opts: { readonly nowildcard: boolean }): SocketLookupResult;
  /** `-m statistic --mode random`: asks the chooser, so `explore` can branch. */
  readonly chooser: Chooser;
  /**
   * A chain whose contents a modelled agent evaluates instead of rules (the CNI's policy chains):
   * a jump to it asks this, and undefined means "walk the chain's rules as usual".
   */
  readonly delegate?: (chain: string) => DelegatedVerdict | undefined;
  /** False when nothing is recorded: delegates may then leave their effect text empty. */
  readonly explain?: boolean;
}

export interface DelegatedVerdict {
  readonly verdict: 'ACCEPT' | 'DROP' | 'RETURN';
  /** What decided, for the trace (e.g. the NetworkPolicy verdict and its rule). */
  readonly effect: string;
}

export type RejectWith =
  | 'icmp-net-unreachable' | 'icmp-host-unreachable' | 'icmp-port-unreachable' | 'icmp-proto-unreachable'
  | 'icmp-net-prohibited' | 'icmp-host-prohibited' | 'icmp-admin-prohibited' | 'tcp-reset';

export interface NatRange {
  readonly minIp?: IPv4;
  readonly maxIp?: IPv4;
  readonly minPort?: number;
  readonly maxPort?: number;
}

/** What the table decided. NAT verdicts accept the packet after the walker applies the binding. */
export type NfVerdict =
  | { readonly kind: 'ACCEPT' }
  | { readonly kind: 'DROP' }
  | { readonly kind: 'REJECT'; readonly with: RejectWith }
  | { readonly kind: 'DNAT'; readonly range: NatRange; readonly random: boolean; readonly persistent: boolean }
  | { readonly kind: 'SNAT'; readonly range: NatRange; readonly random: boolean; readonly randomFully: boolean; readonly persistent: boolean }
  | { readonly kind: 'MASQUERADE'; readonly minPort?: number; readonly maxPort?: number; readonly random: boolean; readonly randomFully: boolean }
  | { readonly kind: 'REDIRECT'; readonly minPort?: number; readonly maxPort?: number; readonly random: boolean }
  | { readonly kind: 'TPROXY'; readonly onIp?: IPv4; readonly onPort: number; readonly mark?: { readonly value: number; readonly mask: number } };

/** A reference to one rule as the user wrote it. */
export interface RuleRef {
  readonly table: Table;
  readonly chain: string;
  readonly index: number; // 1-based position in its chain, as `iptables -L --line-numbers`
  readonly raw: string; // the line as it stands in the file
  readonly loc: SourceLocation;
}

/** One step of a table walk, in order; the walker turns these into trace events. */
export type NfStep =
  | { readonly kind: 'match'; readonly rule: RuleRef; readonly target: string; readonly effect?: string } // rule matched; effect e.g. "mark 0x0 -> 0x4000"
  | { readonly kind: 'policy'; readonly table: Table; readonly chain: string; readonly policy: 'ACCEPT' | 'DROP' }
  | { readonly kind: 'unsupported'; readonly rule: RuleRef; readonly what: string } // evaluated as "does not match", and said so
  | { readonly kind: 'log'; readonly rule: RuleRef; readonly prefix: string };

export interface TableResult {
  readonly verdict: NfVerdict;
  /** The rule that decided, or undefined when the built-in chain's policy did. */
  readonly decidedBy?: RuleRef;
  readonly steps: readonly NfStep[];
}
