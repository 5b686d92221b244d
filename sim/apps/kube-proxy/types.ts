// Input and output types of hoplab's kube-proxy (iptables mode) rule generator. The input is the
// part of the Service / EndpointSlice / Node state that upstream's syncProxyRules reads
// (kubernetes/kubernetes pkg/proxy/iptables/proxier.go, pkg/proxy/serviceport.go,
// pkg/proxy/endpoint.go), already flattened to one entry per service port; a glue step maps
// Kubernetes objects onto it. IPv4 only (one single-stack proxier).

export const Protocol = { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

export const TrafficPolicy = { Cluster: 'Cluster', Local: 'Local' } as const;
export type TrafficPolicy = (typeof TrafficPolicy)[keyof typeof TrafficPolicy];

export const SessionAffinity = { None: 'None', ClientIP: 'ClientIP' } as const;
export type SessionAffinity = (typeof SessionAffinity)[keyof typeof SessionAffinity];

export const ServiceType = { ClusterIP: 'ClusterIP', NodePort: 'NodePort', LoadBalancer: 'LoadBalancer' } as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/** One port of one Service (upstream `ServicePort` / `BaseServicePortInfo`). */
export interface ServicePortInfo {
  readonly namespace: string;
  /** `spec.type`; only consulted for the health check node port (upstream NeedsHealthCheck). */
  readonly type?: ServiceType;
  readonly name: string;
  /** `spec.ports[].name`; empty or absent for an unnamed port (the chain hash then has no `:port`). */
  readonly portName?: string;
  readonly protocol: Protocol;
  /** `spec.clusterIP`; `None` or empty means headless, which kube-proxy skips. */
  readonly clusterIP: string;
  readonly port: number;
  /** 0 or absent: no NodePort. */
  readonly nodePort?: number;
  readonly externalIPs?: readonly string[];
  /** `status.loadBalancer.ingress[].ip` (VIP-mode ingress only). */
  readonly loadBalancerIPs?: readonly string[];
  /** CIDRs; surrounding whitespace is trimmed as upstream does. */
  readonly loadBalancerSourceRanges?: readonly string[];
  /** Default Cluster. Only honoured when the port is externally reachable (NodePort, LB IP or external IP). */
  readonly externalTrafficPolicy?: TrafficPolicy;
  /** Default Cluster. */
  readonly internalTrafficPolicy?: TrafficPolicy;
  /**
   * 0 or absent: none. Honoured only with externalTrafficPolicy Local and type LoadBalancer (or
   * type absent), like upstream's NeedsHealthCheck; otherwise the API value is ignored.
   */
  readonly healthCheckNodePort?: number;
  readonly sessionAffinity?: SessionAffinity;
  /** `sessionAffinityConfig.clientIP.timeoutSeconds`; default 10800. */
  readonly sessionAffinityTimeoutSeconds?: number;
}

/** One endpoint address of an EndpointSlice, for one service port. */
export interface EndpointInfo {
  readonly ip: string;
  readonly port: number;
  /** Endpoints without a node name are never local. */
  readonly nodeName?: string;
  /** EndpointSlice conditions; absent ready/serving mean true, absent terminating means false. */
  readonly ready?: boolean;
  readonly serving?: boolean;
  readonly terminating?: boolean;
  /** `hints.forZones[].name` (topology-aware routing). */
  readonly zoneHints?: readonly string[];
}

/** The endpoints of one service port, keyed like upstream's ServicePortName (namespace, name, port name, protocol). */
export interface ServicePortEndpoints {
  readonly namespace: string;
  readonly name: string;
  readonly portName?: string;
  /** Default TCP. */
  readonly protocol?: Protocol;
  readonly endpoints: readonly EndpointInfo[];
}

export interface KubeProxyInput {
  /** The node kube-proxy runs on (`--hostname-override` / node name); decides which endpoints are local. */
  readonly nodeName: string;
  /** The node's IPv4 addresses, primary first (the primary one is upstream's `nodeIP`). */
  readonly nodeIPs: readonly string[];
  /** LocalTrafficDetector by cluster CIDR (`--cluster-cidr`, detect-local-mode ClusterCIDR); absent: no detector. */
  readonly clusterCIDR?: string;
  /** Default 14 (mark 0x4000). */
  readonly masqueradeBit?: number;
  /** `--masquerade-all`; default false. */
  readonly masqueradeAll?: boolean;
  /** `iptables.localhostNodePorts`; default true. */
  readonly localhostNodePorts?: boolean;
  /** Whether the nfacct counters could be created (kernel nfnetlink_acct); default false. */
  readonly nfacctAvailable?: boolean;
  /** Whether the iptables binary supports `MASQUERADE --random-fully`; default true (any iptables >= 1.6.2). */
  readonly randomFully?: boolean;
  /** `--nodeport-addresses` CIDRs; absent or empty: every local address. */
  readonly nodePortAddresses?: readonly string[];
  /** sysctl net.netfilter.nf_conntrack_tcp_be_liberal != 0: no INVALID drop rule; default false. */
  readonly conntrackTCPBeLiberal?: boolean;
  /** Node label topology.kubernetes.io/zone, for topology hints. */
  readonly nodeZone?: string;
  readonly services: readonly ServicePortInfo[];
  readonly endpoints: readonly ServicePortEndpoints[];
}

export const RuleOrder = {
  /** The sorted form upstream's tests compare against (sortIPTablesRules in proxier_test.go). */
  KubeProxy: 'kube-proxy',
  /** The raw iptables-restore payload in the order syncProxyRules writes it (services in name order). */
  Restore: 'restore',
  /** What `iptables-save` prints on a node afterwards: built-in chains with the jump rules, canonical match order. */
  IptablesSave: 'iptables-save',
} as const;
export type RuleOrder = (typeof RuleOrder)[keyof typeof RuleOrder];

export interface RenderOptions {
  /** Default 'kube-proxy'. */
  readonly order?: RuleOrder;
  /**
   * Text of the masquerade mark in restore-format output. The real proxier formats it with Go's
   * `%#08x` (`0x00004000`); upstream's fake proxier in proxier_test.go sets `0x4000`. Default: the
   * real proxier's text. Ignored by the 'iptables-save' order, which prints the kernel's value.
   */
  readonly masqueradeMarkText?: string;
  /**
   * 'iptables-save' order only: whether kubelet created the `-j KUBE-FIREWALL` jumps before
   * kube-proxy started (the usual case), which keeps them below kube-proxy's jumps. Default true.
   */
  readonly kubeletFirewallJumpsFirst?: boolean;
}

export type TableName = 'mangle' | 'filter' | 'nat';

/** One rule as kube-proxy writes it: `-A <chain> <args...>`, args exactly as in the restore payload. */
export interface RenderedRule {
  readonly table: TableName;
  readonly chain: string;
  readonly args: readonly string[];
  /** The rule line as printed in the chosen order (`-A CHAIN ...`). */
  readonly line: string;
}

export interface RenderedRules {
  /** `*filter ... COMMIT` block. */
  readonly filter: string;
  /** `*nat ... COMMIT` block. */
  readonly nat: string;
  /** 'iptables-save' order only: the `*mangle` block holding KUBE-PROXY-CANARY. */
  readonly mangle?: string;
  /** All blocks, in the order the chosen form prints tables. */
  readonly text: string;
  /** Every rule line of `text`, with its table and chain. */
  readonly rules: readonly RenderedRule[];
}
