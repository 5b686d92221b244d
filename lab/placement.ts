// Where the lab runs each pod: a small stand-in for kube-scheduler, to be replaced by the engine's
// scheduler once it exists (the lab calls it through `placePods` only). Rules, in order:
// 1. `spec.nodeName` in the pod (template) binds the pod there, as kubelet does without a
//    scheduler; it must name a cluster node.
// 2. `nodeSelector: { kubernetes.io/hostname: X }` places it on X if X is schedulable.
// 3. Required pod anti-affinity on `kubernetes.io/hostname` whose selector matches the pod's own
//    labels: one replica per schedulable node, in node order; further replicas stay Pending (as
//    the scheduler leaves them).
// 4. Preferred pod anti-affinity on the hostname matching its own labels: replicas go round robin
//    over the schedulable nodes (the scheduler's score spreads them; ties it breaks at random).
// 5. Otherwise every replica goes to the first schedulable node.
// Schedulable nodes are `kubernetes.nodes` minus `kubernetes.controlPlane` (tainted NoSchedule;
// tolerations are not considered). DaemonSets get one pod per schedulable node.
import { matchesSelector, type K8sObject, type Labels, type PodSpec, type PodTemplateSpec } from '../sim/index.js';
import { sha1Hex } from '../sim/index.js';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export interface ContainerPortInfo {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface PlacedPod {
  readonly ns: string;
  readonly name: string;
  readonly labels: Labels;
  readonly node: string;
  /** `Deployment/my-ns/my-deployment`, `Pod/my-ns/x`, ... */
  readonly owner: string;
  /** Changes whenever the pod template changes (a new ReplicaSet in a real cluster). */
  readonly templateHash: string;
  readonly ports: readonly ContainerPortInfo[];
}

export interface PendingPod {
  readonly ns: string;
  readonly name: string;
  readonly owner: string;
  readonly reason: string;
}

export interface Placement {
  readonly placed: readonly PlacedPod[];
  readonly pending: readonly PendingPod[];
}

export interface ClusterNodes {
  readonly nodes: readonly string[];
  readonly controlPlane: readonly string[];
}

/** JSON of a value without source locations, with keys sorted: equal templates hash equal wherever they were written. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([k, x]) => k !== 'loc' && k !== 'fields' && x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function templateHash(t: PodTemplateSpec): string {
  return sha1Hex(canonical(t)).slice(0, 10);
}

function portsOf(spec: PodSpec): ContainerPortInfo[] {
  return spec.containers.flatMap((c) => c.ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol })));
}

function antiAffinitySpreads(spec: PodSpec, labels: Labels): boolean {
  return (spec.affinity?.podAntiAffinity?.required ?? []).some((t) => t.topologyKey === HOSTNAME_LABEL && t.labelSelector !== undefined && matchesSelector(t.labelSelector, labels));
}

function antiAffinityPrefersSpread(spec: PodSpec, labels: Labels): boolean {
  return (spec.affinity?.podAntiAffinity?.preferred ?? []).some((w) => w.podAffinityTerm.topologyKey === HOSTNAME_LABEL && w.podAffinityTerm.labelSelector !== undefined && matchesSelector(w.podAffinityTerm.labelSelector, labels));
}

/** Nodes for `count` replicas of one pod spec, in replica order; undefined entries stay Pending. */
function nodesFor(spec: PodSpec, labels: Labels, count: number, cluster: ClusterNodes): { node?: string; reason?: string }[] {
  const schedulable = cluster.nodes.filter((n) => !cluster.controlPlane.includes(n));
  const out: { node?: string; reason?: string }[] = [];
  for (let i = 0; i < count; i++) {
    if (spec.nodeName !== undefined) {
      out.push(cluster.nodes.includes(spec.nodeName) ? { node: spec.nodeName } : { reason: `nodeName ${spec.nodeName} is not a cluster node` });
      continue;
    }
    const wanted = spec.nodeSelector[HOSTNAME_LABEL];
    if (wanted !== undefined) {
      out.push(schedulable.includes(wanted) ? { node: wanted } : { reason: `nodeSelector ${HOSTNAME_LABEL}=${wanted} matches no schedulable node` });
      continue;
    }
    if (antiAffinitySpreads(spec, labels)) {
      const n = schedulable[i];
      out.push(n !== undefined ? { node: n } : { reason: `required pod anti-affinity: all ${schedulable.length} schedulable nodes already run one` });
      continue;
    }
    if (schedulable.length > 0 && antiAffinityPrefersSpread(spec, labels)) {
      out.push({ node: schedulable[i % schedulable.length] as string });
      continue;
    }
    const first = schedulable[0];
    out.push(first !== undefined ? { node: first } : { reason: 'no schedulable node' });
  }
  return out;
}

export function placePods(objects: readonly K8sObject[], cluster: ClusterNodes): Placement {
  const placed: PlacedPod[] = [];
  const pending: PendingPod[] = [];
  const add = (ns: string, owner: string, count: number, t: PodTemplateSpec, suffix: (i: number, hash: string) => string): void => {
    const hash = templateHash(t);
    nodesFor(t.spec, t.labels, count, cluster).forEach((where, i) => {
      const name = suffix(i, hash);
      if (where.node === undefined) pending.push({ ns, name, owner, reason: where.reason ?? 'unschedulable' });
      else placed.push({ ns, name, labels: t.labels, node: where.node, owner, templateHash: hash, ports: portsOf(t.spec) });
    });
  };
  for (const o of objects) {
    const ns = o.metadata.namespace ?? 'default';
    switch (o.kind) {
      case 'Deployment':
        add(ns, `Deployment/${ns}/${o.metadata.name}`, o.spec.replicas, o.spec.template, (i, h) => `${o.metadata.name}-${h}-${i}`);
        break;
      case 'Pod':
        add(ns, `Pod/${ns}/${o.metadata.name}`, 1, { labels: o.metadata.labels, annotations: o.metadata.annotations, spec: o.spec }, () => o.metadata.name);
        break;
      case 'DaemonSet': {
        const hash = templateHash(o.spec.template);
        for (const n of cluster.nodes.filter((x) => !cluster.controlPlane.includes(x))) {
          placed.push({ ns, name: `${o.metadata.name}-${hash}-${n}`, labels: o.spec.template.labels, node: n, owner: `DaemonSet/${ns}/${o.metadata.name}`, templateHash: hash, ports: portsOf(o.spec.template.spec) });
        }
        break;
      }
      default:
        break;
    }
  }
  return { placed, pending };
}
