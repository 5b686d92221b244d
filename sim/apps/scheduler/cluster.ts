// The scheduler's snapshot: NodeInfo (pkg/scheduler/framework/types.go) with the pods on each node
// and their summed requests, and PodInfo with the affinity terms resolved once. Requests follow
// k8s.io/component-helpers resource.PodRequests: the sum of the containers, or the largest init
// container if that is larger. NonZeroRequested substitutes 100m CPU and 200Mi memory
// (schedutil.DefaultMilliCPURequest / DefaultMemoryRequest) for every container that requests none;
// LeastAllocated scores on it, the NodeResourcesFit filter and BalancedAllocation on real requests.
import type { LabelSelector } from '../../model/k8s/label-selector.js';
import type { Labels } from '../../model/k8s/meta.js';
import { milliValue, unitValue } from './quantity.js';
import type { ContainerInput, NodeInput, PodAffinityTermInput, PodSpecInput, Quantity, TaintInput } from './types.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;
/** What a node is taken to offer when the input does not say (a small kubeadm VM, kubelet maxPods). */
export const DEFAULT_ALLOCATABLE = { cpu: '2', memory: '4Gi', pods: 110 } as const;

export interface Resources {
  readonly cpu: number; // millicores
  readonly memory: number; // bytes
}

export interface ResolvedTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector?: LabelSelector;
  readonly selector?: LabelSelector;
  readonly topologyKey: string;
}

export interface WeightedTerm extends ResolvedTerm {
  readonly weight: number;
}

export interface ResolvedAffinity {
  readonly requiredAffinity: readonly ResolvedTerm[];
  readonly requiredAntiAffinity: readonly ResolvedTerm[];
  readonly preferredAffinity: readonly WeightedTerm[];
  readonly preferredAntiAffinity: readonly WeightedTerm[];
}

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly spec: PodSpecInput;
  readonly requests: Resources;
  readonly nonZero: Resources;
  readonly hostPorts: readonly HostPort[];
  readonly affinity: ResolvedAffinity;
  readonly terminating: boolean;
}

export interface NodeInfo {
  readonly name: string;
  readonly labels: Labels;
  readonly taints: readonly TaintInput[];
  readonly unschedulable: boolean;
  readonly allocatable: Resources & { readonly pods: number };
  readonly pods: PodInfo[];
  requested: Resources;
  nonZeroRequested: Resources;
}

/** getNamespacesFromPodAffinityTerm: no namespaces and no namespaceSelector means the pod's own. */
function resolveTerm(ownerNamespace: string, t: PodAffinityTermInput): ResolvedTerm {
  const names = t.namespaces ?? [];
  const namespaces = new Set(names.length === 0 && t.namespaceSelector === undefined ? [ownerNamespace] : names);
  return {
    namespaces,
    topologyKey: t.topologyKey,
    ...(t.namespaceSelector !== undefined ? { namespaceSelector: t.namespaceSelector } : {}),
    ...(t.labelSelector !== undefined ? { selector: t.labelSelector } : {}),
  };
}

export function resolveAffinity(namespace: string, spec: PodSpecInput): ResolvedAffinity {
  const a = spec.affinity;
  return {
    requiredAffinity: (a?.podAffinity?.required ?? []).map((t) => resolveTerm(namespace, t)),
    requiredAntiAffinity: (a?.podAntiAffinity?.required ?? []).map((t) => resolveTerm(namespace, t)),
    preferredAffinity: (a?.podAffinity?.preferred ?? []).map((w) => ({ ...resolveTerm(namespace, w.podAffinityTerm), weight: w.weight })),
    preferredAntiAffinity: (a?.podAntiAffinity?.preferred ?? []).map((w) => ({ ...resolveTerm(namespace, w.podAffinityTerm), weight: w.weight })),
  };
}

function quantity(q: Quantity | undefined, kind: 'milli' | 'unit', what: string, notes: string[]): number | undefined {
  if (q === undefined) return undefined;
  const v = kind === 'milli' ? milliValue(q) : unitValue(q);
  if (v === undefined) notes.push(`${what}: "${String(q)}" is not a resource quantity; taken as 0`);
  return v ?? 0;
}

function containerRequests(c: ContainerInput, nonZero: boolean, where: string, notes: string[]): Resources {
  const cpu = quantity(c.requests?.cpu, 'milli', `${where} container ${c.name} requests.cpu`, notes);
  const memory = quantity(c.requests?.memory, 'unit', `${where} container ${c.name} requests.memory`, notes);
  return {
    cpu: cpu ?? (nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0),
    memory: memory ?? (nonZero ? DEFAULT_MEMORY_REQUEST : 0),
  };
}

/** resource.PodRequests: max(sum(containers), each init container), per resource. */
export function podRequests(spec: PodSpecInput, nonZero: boolean, where: string, notes: string[]): Resources {
  let cpu = 0;
  let memory = 0;
  for (const c of spec.containers) {
    const r = containerRequests(c, nonZero, where, notes);
    cpu += r.cpu;
    memory += r.memory;
  }
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero, where, notes);
    cpu = Math.max(cpu, r.cpu);
    memory = Math.max(memory, r.memory);
  }
  return { cpu, memory };
}

export function makePodInfo(p: { namespace: string; name: string; labels: Labels; spec: PodSpecInput; terminating?: boolean }, notes: string[]): PodInfo {
  const where = `pod ${p.namespace}/${p.name}`;
  const hostPorts: HostPort[] = [];
  for (const c of p.spec.containers) {
    for (const port of c.ports ?? []) {
      if (port.hostPort !== undefined && port.hostPort > 0) hostPorts.push({ ip: port.hostIP ?? '0.0.0.0', protocol: port.protocol, port: port.hostPort });
    }
  }
  return {
    namespace: p.namespace,
    name: p.name,
    labels: p.labels,
    spec: p.spec,
    requests: podRequests(p.spec, false, where, notes),
    // Notes are reported once, from the real requests above.
    nonZero: podRequests(p.spec, true, where, []),
    hostPorts,
    affinity: resolveAffinity(p.namespace, p.spec),
    terminating: p.terminating ?? false,
  };
}

export function makeNodeInfo(n: NodeInput, notes: string[]): NodeInfo {
  const labels: Record<string, string> = { ...(n.labels ?? {}) };
  if (labels[LABEL_HOSTNAME] === undefined) {
    labels[LABEL_HOSTNAME] = n.name;
    notes.push(`node ${n.name}: no ${LABEL_HOSTNAME} label; set to "${n.name}" as the kubelet registers it`);
  }
  const a = n.allocatable ?? {};
  const missing = (['cpu', 'memory', 'pods'] as const).filter((k) => a[k] === undefined);
  if (missing.length > 0) {
    notes.push(`node ${n.name}: allocatable ${missing.join(', ')} not given; assumed ${missing.map((k) => `${k} ${DEFAULT_ALLOCATABLE[k]}`).join(', ')}`);
  }
  const where = `node ${n.name} allocatable`;
  return {
    name: n.name,
    labels,
    taints: n.taints ?? [],
    unschedulable: n.unschedulable ?? false,
    allocatable: {
      cpu: quantity(a.cpu ?? DEFAULT_ALLOCATABLE.cpu, 'milli', `${where}.cpu`, notes) ?? 0,
      memory: quantity(a.memory ?? DEFAULT_ALLOCATABLE.memory, 'unit', `${where}.memory`, notes) ?? 0,
      pods: quantity(a.pods ?? DEFAULT_ALLOCATABLE.pods, 'unit', `${where}.pods`, notes) ?? 0,
    },
    pods: [],
    requested: { cpu: 0, memory: 0 },
    nonZeroRequested: { cpu: 0, memory: 0 },
  };
}

/** NodeInfo.AddPod: the scheduler "assumes" a pod on its node before binding completes. */
export function addPod(node: NodeInfo, pod: PodInfo): void {
  node.pods.push(pod);
  node.requested = { cpu: node.requested.cpu + pod.requests.cpu, memory: node.requested.memory + pod.requests.memory };
  node.nonZeroRequested = { cpu: node.nonZeroRequested.cpu + pod.nonZero.cpu, memory: node.nonZeroRequested.memory + pod.nonZero.memory };
}

export interface Cluster {
  readonly nodes: readonly NodeInfo[];
  readonly byName: ReadonlyMap<string, NodeInfo>;
  /** Namespace labels, with kubernetes.io/metadata.name always set. */
  namespaceLabels(ns: string): Labels;
}

export function makeCluster(nodes: readonly NodeInfo[], namespaces: Readonly<Record<string, Labels>>): Cluster {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    nodes,
    byName,
    namespaceLabels: (ns) => ({ ...(namespaces[ns] ?? {}), [NAMESPACE_NAME_LABEL]: ns }),
  };
}
