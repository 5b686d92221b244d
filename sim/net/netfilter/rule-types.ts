// The typed form of one iptables rule: the IPv4 header part of `struct ipt_entry` (addresses with
// masks, interfaces, protocol, fragment flag, each with its `!`), the list of matches in the order
// they were loaded, and the target. Values are stored the way the kernel stores them (e.g. MARK as
// value/mask for `--set-xmark` arithmetic, statistic probability as the u32 the kernel compares),
// so a rule printed by iptables-save and read back is the same structure. iptables(8),
// iptables-extensions(8).

import type { IPv4 } from '../../core/ip.js';
import type { AddrType, RejectWith } from './api.js';

export interface AddrSpec {
  readonly addr: IPv4; // already masked, as the kernel keeps it
  readonly mask: number; // may be non-contiguous (`-s 10.0.12.0/255.0.255.0`)
  readonly invert: boolean;
}
/** `-i eth+`: a trailing `+` matches every interface whose name starts with the rest. */
export interface IfaceSpec {
  readonly name: string;
  readonly invert: boolean;
}
export interface ProtoSpec {
  readonly num: number; // 0 = all
  readonly invert: boolean;
}
export interface PortRange {
  readonly min: number;
  readonly max: number;
}
export interface InvRange extends PortRange {
  readonly invert: boolean;
}
export interface AddrMask {
  readonly addr: IPv4;
  readonly mask: number;
  readonly invert: boolean;
}

// ---- matches (-m) ----
export interface TcpMatch {
  readonly kind: 'tcp';
  readonly sport?: InvRange;
  readonly dport?: InvRange;
  readonly option?: { readonly num: number; readonly invert: boolean };
  readonly flags?: { readonly mask: number; readonly comp: number; readonly invert: boolean };
}
export interface UdpMatch {
  readonly kind: 'udp';
  readonly sport?: InvRange;
  readonly dport?: InvRange;
}
export interface IcmpMatch {
  readonly kind: 'icmp';
  readonly type: number; // 0xff with codes 0..255 = any
  readonly codeMin: number;
  readonly codeMax: number;
  readonly invert: boolean;
}
export interface MultiportMatch {
  readonly kind: 'multiport';
  readonly dir: 'sports' | 'dports' | 'ports';
  readonly ports: readonly PortRange[];
  readonly invert: boolean;
}
export interface CommentMatch {
  readonly kind: 'comment';
  readonly text: string;
}
export interface MarkMatch {
  readonly kind: 'mark' | 'connmark';
  readonly value: number;
  readonly mask: number;
  readonly invert: boolean;
}
export const CT_STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
export type CtStateName = (typeof CT_STATES)[number];
export const CT_STATUSES = ['EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'] as const;
export type CtStatusName = (typeof CT_STATUSES)[number];
export interface ConntrackMatch {
  readonly kind: 'conntrack';
  readonly state?: { readonly states: readonly CtStateName[]; readonly invert: boolean };
  readonly proto?: { readonly num: number; readonly invert: boolean };
  readonly origsrc?: AddrMask;
  readonly origdst?: AddrMask;
  readonly replsrc?: AddrMask;
  readonly repldst?: AddrMask;
  readonly origsrcport?: InvRange;
  readonly origdstport?: InvRange;
  readonly replsrcport?: InvRange;
  readonly repldstport?: InvRange;
  /** Empty list = NONE (matches connections with no status bit among these). */
  readonly status?: { readonly statuses: readonly CtStatusName[]; readonly invert: boolean };
  readonly expire?: InvRange;
  readonly dir?: 'ORIGINAL' | 'REPLY';
}
export interface StateMatch {
  readonly kind: 'state';
  readonly states: readonly CtStateName[];
  readonly invert: boolean;
}
export const ADDR_TYPES: readonly AddrType[] = ['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE'];
export interface AddrtypeMatch {
  readonly kind: 'addrtype';
  readonly src?: { readonly types: readonly AddrType[]; readonly invert: boolean };
  readonly dst?: { readonly types: readonly AddrType[]; readonly invert: boolean };
  readonly limitIfaceIn: boolean;
  readonly limitIfaceOut: boolean;
}
export type StatisticMatch =
  | { readonly kind: 'statistic'; readonly mode: 'random'; readonly probability: number /* u32, compared with 31 random bits */; readonly invert: boolean }
  | { readonly kind: 'statistic'; readonly mode: 'nth'; readonly every: number; readonly packet: number; readonly invert: boolean };
export interface SocketMatch {
  readonly kind: 'socket';
  readonly transparent: boolean;
  readonly nowildcard: boolean;
  readonly restoreSkmark: boolean;
}
export interface PhysdevMatch {
  readonly kind: 'physdev';
  readonly physdevIn?: IfaceSpec;
  readonly physdevOut?: IfaceSpec;
  readonly isIn?: { readonly invert: boolean };
  readonly isOut?: { readonly invert: boolean };
  readonly isBridged?: { readonly invert: boolean };
}
export interface IprangeMatch {
  readonly kind: 'iprange';
  readonly src?: { readonly min: IPv4; readonly max: IPv4; readonly invert: boolean };
  readonly dst?: { readonly min: IPv4; readonly max: IPv4; readonly invert: boolean };
}
export interface LengthMatch {
  readonly kind: 'length';
  readonly min: number;
  readonly max: number;
  readonly invert: boolean;
}
export interface TtlMatch {
  readonly kind: 'ttl';
  readonly op: 'eq' | 'ne' | 'lt' | 'gt';
  readonly value: number;
}
export interface LimitMatch {
  readonly kind: 'limit';
  /** Average period in 1/10000 s (XT_LIMIT_SCALE), as the kernel stores `--limit`. */
  readonly avg: number;
  readonly burst: number;
}
export interface RecentMatch {
  readonly kind: 'recent';
  readonly invert: boolean;
  readonly action: 'set' | 'rcheck' | 'update' | 'remove';
  readonly seconds: number;
  readonly reap: boolean;
  readonly hitcount: number;
  readonly rttl: boolean;
  readonly name: string;
  readonly mask: IPv4;
  readonly side: 'rsource' | 'rdest';
}
export interface NfacctMatch {
  readonly kind: 'nfacct';
  readonly name: string;
}
/** A match module this model does not know or does not evaluate; kept with its words. */
export interface UnknownMatch {
  readonly kind: 'unknown';
  readonly module: string;
  readonly args: readonly string[];
}

export type MatchSpec =
  | TcpMatch | UdpMatch | IcmpMatch | MultiportMatch | CommentMatch | MarkMatch | ConntrackMatch | StateMatch
  | AddrtypeMatch | StatisticMatch | SocketMatch | PhysdevMatch | IprangeMatch | LengthMatch | TtlMatch
  | LimitMatch | RecentMatch | NfacctMatch | UnknownMatch;

// ---- targets (-j / -g) ----
export interface NatRangeSpec {
  readonly minIp?: IPv4;
  readonly maxIp?: IPv4;
  readonly minPort?: number;
  readonly maxPort?: number;
}
export type TargetSpec =
  | { readonly kind: 'ACCEPT' | 'DROP' | 'RETURN' }
  | { readonly kind: 'jump'; readonly chain: string; readonly goto: boolean }
  | { readonly kind: 'REJECT'; readonly with: RejectWith }
  | { readonly kind: 'LOG'; readonly prefix: string; readonly level: number; readonly flags: readonly LogFlag[] }
  /** `skb->mark = (skb->mark & ~mask) ^ value` (every MARK option reduces to this). */
  | { readonly kind: 'MARK'; readonly value: number; readonly mask: number }
  | { readonly kind: 'CONNMARK'; readonly mode: 'set'; readonly value: number; readonly mask: number }
  | { readonly kind: 'CONNMARK'; readonly mode: 'save' | 'restore'; readonly nfmask: number; readonly ctmask: number }
  | { readonly kind: 'DNAT'; readonly range: NatRangeSpec; readonly random: boolean; readonly persistent: boolean }
  | { readonly kind: 'SNAT'; readonly range: NatRangeSpec; readonly random: boolean; readonly randomFully: boolean; readonly persistent: boolean }
  | { readonly kind: 'MASQUERADE'; readonly minPort?: number; readonly maxPort?: number; readonly random: boolean; readonly randomFully: boolean }
  | { readonly kind: 'REDIRECT'; readonly minPort?: number; readonly maxPort?: number; readonly random: boolean }
  | { readonly kind: 'TPROXY'; readonly onPort: number; readonly onIp: IPv4; readonly markValue: number; readonly markMask: number }
  | { readonly kind: 'NOTRACK' }
  | { readonly kind: 'CT'; readonly notrack: boolean; readonly args: readonly string[] /* other CT options, not evaluated */ }
  | { readonly kind: 'unknown'; readonly name: string; readonly args: readonly string[] };

export const LOG_FLAGS = ['--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid', '--log-macdecode'] as const;
export type LogFlag = (typeof LOG_FLAGS)[number];

export interface RuleSpec {
  readonly src?: AddrSpec;
  readonly dst?: AddrSpec;
  readonly inIface?: IfaceSpec;
  readonly outIface?: IfaceSpec;
  readonly proto?: ProtoSpec;
  readonly fragment?: { readonly invert: boolean };
  readonly matches: readonly MatchSpec[];
  /** undefined: a rule without -j only counts packets. */
  readonly target?: TargetSpec;
}
