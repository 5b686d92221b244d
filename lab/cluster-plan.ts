// The cluster state the lab builds from manifests: pods placed and addressed, Service ClusterIPs,
// and each node's kube-proxy input, which hoplab's own kube-proxy generator turns into the
// node's nat/filter rules (the same text the engine runs). Pure: no Node modules.
// ClusterIPs not written in a manifest are allocated in 10.96.0.0/12 (kubeadm's default service
// CIDR): services in namespace/name order from 10.96.100.1 upward (the API server picks randomly;
// a fixed order keeps runs reproducible; nothing in a scenario may depend on the value).
import {
  formatIPv4,
  matchesSelector,
  parseIPv4,
  renderKubeProxyRules,
  type K8sObject,
  type KubeProxyInput,
  type Service,
  type ServicePortEndpoints,
  type ServicePortInfo,
  type TopoKubernetes,
} from '../sim/index.js';
import { assignPodAddresses, type PodAddressing } from '../sim/index.js';
import { placePods, type PendingPod, type PlacedPod } from './placement.js';

export const SERVICE_CIDR = '10.96.0.0/12';
const FIRST_AUTO_CLUSTER_IP = '10.96.100.1';

export interface LabPod extends PlacedPod, PodAddressing {}

export interface ClusterPlan {
  readonly pods: readonly LabPod[];
  readonly pending: readonly PendingPod[];
  readonly clusterIPs: ReadonlyMap<string, string>;
  readonly errors: readonly string[];
}

function byKey<T extends { metadata: { namespace?: string; name: string } }>(a: T, b: T): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function allocateClusterIPs(services: readonly Service[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const s of services) if (s.spec.clusterIP && s.spec.clusterIP !== 'None') taken.add(s.spec.clusterIP);
  let next = parseIPv4(FIRST_AUTO_CLUSTER_IP) as number;
  for (const s of [...services].sort(byKey)) {
    const key = `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
    if (s.spec.clusterIP !== undefined) { out.set(key, s.spec.clusterIP); continue; }
    while (taken.has(formatIPv4(next))) next++;
    out.set(key, formatIPv4(next));
    taken.add(formatIPv4(next++));
  }
  return out;
}

/**
 * Places and addresses the pods. `previous` are the pods of the state before (a step change): a
 * pod with the same namespace, name and node keeps its address.
 */
export function planCluster(objects: readonly K8sObject[], k8s: TopoKubernetes, previous: readonly LabPod[] = []): ClusterPlan {
  const placement = placePods(objects, { nodes: k8s.nodes, controlPlane: k8s.controlPlane });
  const keep = new Map<string, string>();
  for (const p of previous) if (placement.placed.some((q) => q.ns === p.ns && q.name === p.name && q.node === p.node)) keep.set(`${p.ns}/${p.name}`, p.ip);
  const { assigned, errors } = assignPodAddresses(placement.placed.map((p) => ({ ns: p.ns, pod: p.name, node: p.node })), k8s.cni?.blocks ?? {}, keep);
  const pods: LabPod[] = [];
  for (const a of assigned) {
    const p = placement.placed.find((q) => q.ns === a.ns && q.name === a.pod);
    if (p) pods.push({ ...p, ...a });
  }
  const services = objects.filter((o): o is Service => o.kind === 'Service');
  return { pods, pending: placement.pending, clusterIPs: allocateClusterIPs(services), errors };
}

function targetPortOf(pod: LabPod, target: number | string, protocol: string): number | undefined {
  if (typeof target === 'number') return target;
  return pod.ports.find((p) => p.name === target && p.protocol === protocol)?.containerPort;
}

/** kube-proxy's view for one node: every Service port and its endpoints (ready pods selected by the Service). */
export function kubeProxyInput(objects: readonly K8sObject[], plan: ClusterPlan, node: string, nodeIPs: readonly string[], clusterCIDR: string | undefined): KubeProxyInput {
  const services: ServicePortInfo[] = [];
  const endpoints: ServicePortEndpoints[] = [];
  for (const s of objects.filter((o): o is Service => o.kind === 'Service').sort(byKey)) {
    if (s.spec.type === 'ExternalName') continue;
    const ns = s.metadata.namespace ?? 'default';
    const clusterIP = plan.clusterIPs.get(`${ns}/${s.metadata.name}`) ?? '';
    const selected = s.spec.selector === undefined ? [] : plan.pods.filter((p) => p.ns === ns && matchesSelector({ matchLabels: s.spec.selector ?? {}, matchExpressions: [] }, p.labels));
    for (const port of s.spec.ports) {
      services.push({
        namespace: ns,
        name: s.metadata.name,
        type: s.spec.type,
        ...(port.name !== undefined ? { portName: port.name } : {}),
        protocol: port.protocol,
        clusterIP,
        port: port.port,
        ...(port.nodePort !== undefined ? { nodePort: port.nodePort } : {}),
        externalIPs: s.spec.externalIPs,
        loadBalancerIPs: s.status.loadBalancerIngress.flatMap((i) => (i.ip !== undefined ? [i.ip] : [])),
        loadBalancerSourceRanges: s.spec.loadBalancerSourceRanges,
        ...(s.spec.externalTrafficPolicy !== undefined ? { externalTrafficPolicy: s.spec.externalTrafficPolicy } : {}),
        ...(s.spec.internalTrafficPolicy !== undefined ? { internalTrafficPolicy: s.spec.internalTrafficPolicy } : {}),
        ...(s.spec.healthCheckNodePort !== undefined ? { healthCheckNodePort: s.spec.healthCheckNodePort } : {}),
        sessionAffinity: s.spec.sessionAffinity,
        ...(s.spec.sessionAffinityTimeoutSeconds !== undefined ? { sessionAffinityTimeoutSeconds: s.spec.sessionAffinityTimeoutSeconds } : {}),
      });
      const eps = selected.flatMap((p) => {
        const tp = targetPortOf(p, port.targetPort, port.protocol);
        return tp === undefined ? [] : [{ ip: p.ip, port: tp, nodeName: p.node }];
      });
      endpoints.push({ namespace: ns, name: s.metadata.name, ...(port.name !== undefined ? { portName: port.name } : {}), protocol: port.protocol, endpoints: eps });
    }
  }
  return { nodeName: node, nodeIPs, ...(clusterCIDR !== undefined ? { clusterCIDR } : {}), services, endpoints };
}

/** The node's tables after kube-proxy's sync, as `iptables-save` prints them (the form loaded with iptables-restore). */
export function kubeProxyTables(input: KubeProxyInput): string {
  return renderKubeProxyRules(input, { order: 'iptables-save' }).text;
}
