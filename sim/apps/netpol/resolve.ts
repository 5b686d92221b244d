// Who an address is, for policy purposes: a pod under policy, a hostNetwork pod (outside policy; its
// traffic is its node's), a node, or something outside the cluster. The index is built once per
// cluster state so that an enforcement point can ask per packet.
import type { IPv4 } from '../../core/ip.js';
import { formatIPv4 } from '../../core/ip.js';
import type { NetworkPolicy } from '../../model/k8s/network-policy.js';
import type { NetpolCluster, NetpolPod } from './cluster.js';

export interface NetpolIndex {
  readonly cluster: NetpolCluster;
  readonly podByKey: ReadonlyMap<string, NetpolPod>;
  /** Pod IP -> the pods (not hostNetwork) holding it. */
  readonly podsByIp: ReadonlyMap<IPv4, readonly NetpolPod[]>;
  /** Node address -> node name. */
  readonly nodeByAddr: ReadonlyMap<IPv4, string>;
  readonly policiesByNs: ReadonlyMap<string, readonly NetworkPolicy[]>;
}

export function indexCluster(cluster: NetpolCluster): NetpolIndex {
  const podByKey = new Map<string, NetpolPod>();
  const podsByIp = new Map<IPv4, NetpolPod[]>();
  const nodeByAddr = new Map<IPv4, string>();
  for (const p of cluster.pods) {
    podByKey.set(p.key, p);
    if (p.ip !== undefined && !p.hostNetwork) podsByIp.set(p.ip, [...(podsByIp.get(p.ip) ?? []), p]);
    if (p.hostNetwork && p.ip !== undefined && p.nodeName !== undefined && !nodeByAddr.has(p.ip)) nodeByAddr.set(p.ip, p.nodeName);
  }
  for (const [n, addrs] of cluster.nodes) for (const a of addrs) nodeByAddr.set(a, n);
  const policiesByNs = new Map<string, NetworkPolicy[]>();
  for (const p of cluster.policies) {
    const ns = p.metadata.namespace ?? 'default';
    policiesByNs.set(ns, [...(policiesByNs.get(ns) ?? []), p]);
  }
  return { cluster, podByKey, podsByIp, nodeByAddr, policiesByNs };
}

export type ResolvedEnd =
  | { readonly kind: 'pod'; readonly pod: NetpolPod }
  | { readonly kind: 'host-network-pod'; readonly pod: NetpolPod }
  | { readonly kind: 'node'; readonly node: string; readonly ip: IPv4 }
  | { readonly kind: 'external'; readonly ip: IPv4 };

/** A connection end given by the caller: a pod by `namespace/name`, or an address. */
export type EndRef = { readonly pod: string } | { readonly ip: IPv4 };

export function resolveEnd(ix: NetpolIndex, ref: EndRef): ResolvedEnd | { readonly kind: 'unknown-pod'; readonly key: string } {
  if ('pod' in ref) {
    const pod = ix.podByKey.get(ref.pod);
    if (!pod) return { kind: 'unknown-pod', key: ref.pod };
    return pod.hostNetwork ? { kind: 'host-network-pod', pod } : { kind: 'pod', pod };
  }
  const pods = ix.podsByIp.get(ref.ip);
  if (pods && pods.length >= 1) return { kind: 'pod', pod: pods[0] as NetpolPod };
  const node = ix.nodeByAddr.get(ref.ip);
  if (node !== undefined) return { kind: 'node', node, ip: ref.ip };
  return { kind: 'external', ip: ref.ip };
}

export function endIp(e: ResolvedEnd): IPv4 | undefined {
  return e.kind === 'pod' || e.kind === 'host-network-pod' ? e.pod.ip : e.ip;
}

/** The node an end's traffic comes from, when it is a node or a hostNetwork pod. */
export function endNode(e: ResolvedEnd): string | undefined {
  if (e.kind === 'node') return e.node;
  if (e.kind === 'host-network-pod') return e.pod.nodeName;
  return undefined;
}

export function describeEnd(e: ResolvedEnd): string {
  switch (e.kind) {
    case 'pod': return e.pod.ip === undefined ? e.pod.key : `${e.pod.key} (${formatIPv4(e.pod.ip)})`;
    case 'host-network-pod': return `${e.pod.key} (hostNetwork${e.pod.ip === undefined ? '' : `, ${formatIPv4(e.pod.ip)}`})`;
    case 'node': return `${formatIPv4(e.ip)} (node ${e.node})`;
    case 'external': return formatIPv4(e.ip);
  }
}

/** The short name of an end: `ns/pod` or the address. */
export function endName(e: ResolvedEnd): string {
  return e.kind === 'pod' || e.kind === 'host-network-pod' ? e.pod.key : formatIPv4(e.ip);
}
