// Where each pod of the given Deployments and DaemonSets runs, or why it stays Pending, as
// kube-scheduler decides it. Already-bound pods are placed first. Workloads are taken in the given
// order; the pods of one workload are created and scheduled one at a time, each cycle seeing the
// pods placed before it (the scheduler assumes a pod on its node before the bind completes).
// A template with spec.nodeName bypasses the scheduler: its pods are bound to that node as created.
// Randomness: generated names come from a seeded source; ties between top-scoring nodes go
// through `choose` (Chooser.choose of sim/core/choice.ts), uniformly, so explore mode can branch.
import { randomChooser } from '../../core/choice.js';
import { seededRng } from '../../core/rng.js';
import type { Labels } from '../../model/k8s/meta.js';
import type { Cluster, PodInfo } from './cluster.js';
import { addPod, makeCluster, makeNodeInfo, makePodInfo } from './cluster.js';
import { generateName } from './names.js';
import type { MessageProfile } from './profiles.js';
import { DEFAULT_PROFILE, PROFILES } from './profiles.js';
import { scheduleOne } from './schedule-one.js';
import type { SpreadSelector } from './topology-spread.js';
import type { ChooseFn, PodSpecInput, ReplicaSetInfo, ScheduledPod, ScheduleInput, ScheduleOptions, ScheduleResult } from './types.js';
import { daemonPodLabels, daemonPodSpec, defaultSpreadSelector, deploymentHash, nodeShouldRunDaemonPod, POD_TEMPLATE_HASH_LABEL } from './workloads.js';

interface NewPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly spec: PodSpecInput;
  readonly owner: ScheduledPod['owner'];
  readonly spreadSelector: SpreadSelector;
}

interface RunState {
  readonly cluster: Cluster;
  readonly profile: MessageProfile;
  readonly choose: ChooseFn;
  readonly notes: string[];
  readonly pods: ScheduledPod[];
}

function place(p: NewPod, st: RunState): void {
  const info: PodInfo = makePodInfo(p, st.notes);
  const base = {
    namespace: p.namespace,
    name: p.name,
    owner: p.owner,
    labels: p.labels,
    ports: p.spec.containers.flatMap((c) => c.ports ?? []),
    hostNetwork: p.spec.hostNetwork ?? false,
  };
  if (p.spec.nodeName !== undefined) {
    const node = st.cluster.byName.get(p.spec.nodeName);
    if (!node) {
      st.notes.push(`pod ${p.namespace}/${p.name}: spec.nodeName "${p.spec.nodeName}" is no node of the cluster; no kubelet runs it and the scheduler ignores it`);
      st.pods.push({ ...base, phase: 'Pending' });
      return;
    }
    addPod(node, info);
    st.pods.push({ ...base, nodeName: node.name, phase: 'Bound', boundBy: 'nodeName' });
    return;
  }
  const r = scheduleOne(info, { cluster: st.cluster, profile: st.profile, choose: st.choose, spreadSelector: p.spreadSelector });
  if (r.node) {
    addPod(r.node, info);
    st.pods.push({
      ...base,
      nodeName: r.node.name,
      phase: 'Bound',
      boundBy: 'scheduler',
      event: { type: 'Normal', reason: 'Scheduled', from: 'default-scheduler', message: `Successfully assigned ${p.namespace}/${p.name} to ${r.node.name}` },
      decision: r.decision,
    });
    return;
  }
  const message = r.message as string;
  st.pods.push({ ...base, phase: 'Pending', message, event: { type: 'Warning', reason: 'FailedScheduling', from: 'default-scheduler', message }, decision: r.decision });
}

export function schedule(input: ScheduleInput, opts: ScheduleOptions = {}): ScheduleResult {
  const seed = opts.seed ?? 1;
  const notes: string[] = [];
  const nodes = input.nodes.map((n) => makeNodeInfo(n, notes));
  const cluster = makeCluster(nodes, input.namespaces ?? {});
  const profile = PROFILES[opts.profile ?? DEFAULT_PROFILE];
  const choose: ChooseFn = opts.choose ?? randomChooser(seededRng(seed)).choose;
  const nameRng = seededRng((seed ^ 0x5bd1e995) >>> 0);
  const taken = new Set<string>();
  const services = input.services ?? [];
  const st: RunState = { cluster, profile, choose, notes, pods: [] };

  for (const b of input.boundPods ?? []) {
    taken.add(`${b.namespace}/${b.name}`);
    const node = cluster.byName.get(b.nodeName);
    if (!node) {
      notes.push(`bound pod ${b.namespace}/${b.name}: node ${b.nodeName} is not in the cluster; ignored`);
      continue;
    }
    addPod(node, makePodInfo(b, notes));
  }

  const replicaSets: ReplicaSetInfo[] = [];
  const podName = (ns: string, base: string) => generateName(base, nameRng, taken, `${ns}/`);
  for (const w of input.workloads) {
    if (w.kind === 'Deployment') {
      const { hash, source } = deploymentHash(w);
      const rsName = `${w.name}-${hash}`;
      replicaSets.push({ namespace: w.namespace, name: rsName, deployment: w.name, podTemplateHash: hash, hashSource: source });
      const labels = { ...w.template.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
      const spreadSelector = defaultSpreadSelector(w.namespace, labels, services, { ...w.selector, hash });
      for (let i = 0; i < w.replicas; i++) {
        place({
          namespace: w.namespace,
          name: podName(w.namespace, `${rsName}-`),
          labels,
          spec: w.template.spec,
          owner: { kind: 'ReplicaSet', name: rsName, workload: w.name },
          spreadSelector,
        }, st);
      }
    } else {
      const labels = daemonPodLabels(w);
      const spreadSelector = defaultSpreadSelector(w.namespace, labels, services);
      for (const node of cluster.nodes) {
        if (!nodeShouldRunDaemonPod(w, node)) continue;
        place({
          namespace: w.namespace,
          name: podName(w.namespace, `${w.name}-`),
          labels,
          spec: daemonPodSpec(w, node.name),
          owner: { kind: 'DaemonSet', name: w.name, workload: w.name },
          spreadSelector,
        }, st);
      }
    }
  }
  return { pods: st.pods, replicaSets, notes };
}
