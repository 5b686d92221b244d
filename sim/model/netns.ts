// The vendor-independent world: network namespaces (a host, or a pod), their interfaces and the
// sysctls that change packet outcomes (Documentation/networking/ip-sysctl.rst).

import type { IPv4 } from '../core/ip.js';
import type { Mac } from '../net/packet.js';
import type { RouteScope } from '../net/routing/api.js';
import type { SourceLocation } from '../core/diagnostics.js';

export const IFACE_KINDS = ['loopback', 'ethernet', 'veth', 'bridge', 'vxlan', 'ipip', 'dummy'] as const;
export type IfaceKind = (typeof IFACE_KINDS)[number];

export interface IfAddr {
  readonly addr: IPv4;
  readonly prefix: number;
  readonly scope: RouteScope;
  readonly secondary: boolean;
  readonly loc?: SourceLocation;
}

/** Per-interface sysctls (net.ipv4.conf.<iface>.*). The effective value combines them with conf.all as the kernel does. */
export interface IfaceSysctl {
  rp_filter: 0 | 1 | 2;
  src_valid_mark: 0 | 1;
  accept_local: 0 | 1;
  route_localnet: 0 | 1;
  proxy_arp: 0 | 1;
  forwarding: 0 | 1;
}

export interface Iface {
  readonly name: string;
  readonly index: number; // creation order within the namespace (lo = 1)
  readonly kind: IfaceKind;
  readonly mac: Mac;
  up: boolean;
  mtu: number;
  addrs: IfAddr[];
  sysctl: IfaceSysctl;
  /** ethernet: the L2 segment (a switch or a cable) it is plugged into. */
  segment?: string;
  /** veth: the other end. */
  peer?: { readonly ns: string; readonly iface: string };
  /** enslaved to a bridge in the same namespace. */
  master?: string;
  vxlan?: { readonly vni: number; readonly local?: IPv4; readonly dev?: string; readonly dstport: number; readonly learning: boolean };
  ipip?: { readonly local?: IPv4; readonly remote?: IPv4; readonly dev?: string };
}

/** Namespace-wide sysctls (net.ipv4.* and conf.all.*). */
export interface NsSysctl {
  ip_forward: 0 | 1;
  tcp_early_demux: 0 | 1;
  tcp_syn_retries: number;
  tcp_synack_retries: number;
  /** 6.x kernels: the first N SYN retransmissions use a fixed 1 s (net.ipv4.tcp_syn_linear_timeouts, default 4). 0 models older kernels. */
  tcp_syn_linear_timeouts: number;
  ip_nonlocal_bind: 0 | 1;
  ip_local_port_range: readonly [number, number];
  /** net.bridge.bridge-nf-call-iptables: bridged IPv4 traverses iptables (br_netfilter loaded). */
  bridgeNfCallIptables: 0 | 1;
  all: IfaceSysctl;
  default: IfaceSysctl;
}

export const DEFAULT_IFACE_SYSCTL: Readonly<IfaceSysctl> = { rp_filter: 0, src_valid_mark: 0, accept_local: 0, route_localnet: 0, proxy_arp: 0, forwarding: 0 };

export function defaultNsSysctl(): NsSysctl {
  return {
    ip_forward: 0,
    tcp_early_demux: 1,
    tcp_syn_retries: 6,
    tcp_synack_retries: 5,
    tcp_syn_linear_timeouts: 4,
    ip_nonlocal_bind: 0,
    ip_local_port_range: [32768, 60999],
    bridgeNfCallIptables: 0,
    all: { ...DEFAULT_IFACE_SYSCTL },
    default: { ...DEFAULT_IFACE_SYSCTL },
  };
}

/** Effective per-interface values: rp_filter, src_valid_mark and accept_local use max(all, iface); route_localnet and proxy_arp use all || iface (IN_DEV_* macros). */
export function effectiveSysctl(ns: { readonly sysctl: NsSysctl }, iface: Iface): IfaceSysctl {
  const a = ns.sysctl.all;
  const i = iface.sysctl;
  return {
    rp_filter: Math.max(a.rp_filter, i.rp_filter) as 0 | 1 | 2,
    src_valid_mark: (a.src_valid_mark | i.src_valid_mark) as 0 | 1,
    accept_local: (a.accept_local | i.accept_local) as 0 | 1,
    route_localnet: (a.route_localnet | i.route_localnet) as 0 | 1,
    proxy_arp: (a.proxy_arp | i.proxy_arp) as 0 | 1,
    forwarding: i.forwarding,
  };
}

let macCounter = 0;
export function nextMac(): Mac {
  macCounter++;
  const b = [0x02, 0x42, (macCounter >> 24) & 255, (macCounter >> 16) & 255, (macCounter >> 8) & 255, macCounter & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':') as Mac;
}
export function macFor(seed: string): Mac {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  const b = [0x02, 0x42, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':') as Mac;
}
