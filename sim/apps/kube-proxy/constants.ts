// Fixed chain names, comments and jump rules of kube-proxy's iptables mode
// (pkg/proxy/iptables/proxier.go: the chain constants, iptablesJumpChains,
// iptablesKubeletJumpChains; pkg/proxy/metrics nfacct counter names).

export const KubeChain = {
  SERVICES: 'KUBE-SERVICES',
  EXTERNAL_SERVICES: 'KUBE-EXTERNAL-SERVICES',
  NODEPORTS: 'KUBE-NODEPORTS',
  POSTROUTING: 'KUBE-POSTROUTING',
  MARK_MASQ: 'KUBE-MARK-MASQ',
  FORWARD: 'KUBE-FORWARD',
  PROXY_FIREWALL: 'KUBE-PROXY-FIREWALL',
  PROXY_CANARY: 'KUBE-PROXY-CANARY',
  /** kubelet's anti-martian chain, duplicated by kube-proxy. */
  FIREWALL: 'KUBE-FIREWALL',
} as const;

export const NfacctCounter = {
  localhostNodePortsAccepted: 'localhost_nps_accepted_pkts',
  ctStateInvalidDropped: 'ct_state_invalid_dropped_pkts',
} as const;

/** Above this many endpoints in total, SEP and SVC->SEP rules lose their comments (largeClusterEndpointsThreshold). */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

export const DEFAULT_STICKY_MAX_AGE_SECONDS = 10800;

export const NODEPORTS_LAST_RULE_COMMENT = 'kubernetes service nodeports; NOTE: this must be the last rule in this chain';

/**
 * A jump from a built-in chain into one of kube-proxy's chains. kube-proxy installs each with
 * `EnsureRule(Prepend, table, srcChain, extraArgs..., -m comment --comment <c>, -j dstChain)`
 * on every full sync: `iptables -C` first, then `iptables -I <srcChain> 1 ...` only if missing.
 * Because they are inserted at position 1 in list order, a fresh node ends up with them in the
 * reverse of this list; jumps that already exist (kubelet's KUBE-FIREWALL ones, or kube-proxy's
 * own after a restart) keep their place; rules other agents prepend later sit above them.
 */
export interface JumpRule {
  readonly table: 'filter' | 'nat';
  readonly srcChain: string;
  readonly dstChain: string;
  /** Empty for the kubelet duplicates, which carry no comment. */
  readonly comment: string;
  readonly extraArgs: readonly string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'] as const;

/** iptablesJumpChains followed by iptablesKubeletJumpChains, in upstream's order. */
export const JUMP_RULES: readonly JumpRule[] = [
  { table: 'filter', dstChain: KubeChain.EXTERNAL_SERVICES, srcChain: 'INPUT', comment: 'kubernetes externally-visible service portals', extraArgs: NEW },
  { table: 'filter', dstChain: KubeChain.EXTERNAL_SERVICES, srcChain: 'FORWARD', comment: 'kubernetes externally-visible service portals', extraArgs: NEW },
  { table: 'filter', dstChain: KubeChain.NODEPORTS, srcChain: 'INPUT', comment: 'kubernetes health check service ports', extraArgs: [] },
  { table: 'filter', dstChain: KubeChain.SERVICES, srcChain: 'FORWARD', comment: 'kubernetes service portals', extraArgs: NEW },
  { table: 'filter', dstChain: KubeChain.SERVICES, srcChain: 'OUTPUT', comment: 'kubernetes service portals', extraArgs: NEW },
  { table: 'filter', dstChain: KubeChain.FORWARD, srcChain: 'FORWARD', comment: 'kubernetes forwarding rules', extraArgs: [] },
  { table: 'filter', dstChain: KubeChain.PROXY_FIREWALL, srcChain: 'INPUT', comment: 'kubernetes load balancer firewall', extraArgs: NEW },
  { table: 'filter', dstChain: KubeChain.PROXY_FIREWALL, srcChain: 'OUTPUT', comment: 'kubernetes load balancer firewall', extraArgs: NEW },
  { table: 'filter', dstChain: KubeChain.PROXY_FIREWALL, srcChain: 'FORWARD', comment: 'kubernetes load balancer firewall', extraArgs: NEW },
  { table: 'nat', dstChain: KubeChain.SERVICES, srcChain: 'OUTPUT', comment: 'kubernetes service portals', extraArgs: [] },
  { table: 'nat', dstChain: KubeChain.SERVICES, srcChain: 'PREROUTING', comment: 'kubernetes service portals', extraArgs: [] },
  { table: 'nat', dstChain: KubeChain.POSTROUTING, srcChain: 'POSTROUTING', comment: 'kubernetes postrouting rules', extraArgs: [] },
  { table: 'filter', dstChain: KubeChain.FIREWALL, srcChain: 'INPUT', comment: '', extraArgs: [] },
  { table: 'filter', dstChain: KubeChain.FIREWALL, srcChain: 'OUTPUT', comment: '', extraArgs: [] },
];

/** The argument list EnsureRule receives for a jump (comment as one argv element, unquoted). */
export function jumpRuleArgs(j: JumpRule): string[] {
  const args = [...j.extraArgs];
  if (j.comment !== '') args.push('-m', 'comment', '--comment', j.comment);
  args.push('-j', j.dstChain);
  return args;
}

/** Built-in chains per table, in the order iptables-save prints them. */
export const BUILTIN_CHAINS = {
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
} as const;
