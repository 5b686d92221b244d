// The InterPodAffinity plugin (pkg/scheduler/framework/plugins/interpodaffinity filtering.go,
// scoring.go). PreFilter counts, per topology pair (key, value of the node an existing pod runs on):
// - existing pods matching ALL of the incoming pod's required affinity terms (per term's key),
// - existing pods matching each required anti-affinity term of the incoming pod,
// - existing pods whose own required anti-affinity terms match the incoming pod (the symmetric
//   check: their namespaces are resolved against the existing pod's namespace).
// Filter, in this order: affinity (UnschedulableAndUnresolvable), anti-affinity and existing pods'
// anti-affinity (Unschedulable, so preemption is considered). A pod whose affinity matches no pod in
// the cluster but matches itself may go anywhere that has the topology keys (the first pod of a
// self-affine group).
// Score: preferred terms of the incoming pod (+/- weight), required affinity of existing pods
// (hardPodAffinityWeight 1), preferred terms of existing pods (+/- weight), summed over the node's
// topology values, then scaled to 0..100 between the lowest and highest node.
import { matchesSelector } from '../../model/k8s/label-selector.js';
import type { Labels } from '../../model/k8s/meta.js';
import type { Cluster, NodeInfo, PodInfo, ResolvedTerm, WeightedTerm } from './cluster.js';
import { MAX_NODE_SCORE } from './profiles.js';

const HARD_POD_AFFINITY_WEIGHT = 1;

type Counts = Map<string, number>;
const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

function bump(m: Counts, key: string, value: string, by: number): void {
  const k = pairKey(key, value);
  m.set(k, (m.get(k) ?? 0) + by);
}

/** AffinityTerm.Matches: namespace (listed or selected) and label selector (absent selects none). */
export function termMatches(term: ResolvedTerm, pod: { readonly namespace: string; readonly labels: Labels }, cluster: Cluster): boolean {
  const nsOk = term.namespaces.has(pod.namespace) || (term.namespaceSelector !== undefined && matchesSelector(term.namespaceSelector, cluster.namespaceLabels(pod.namespace)));
  return nsOk && term.selector !== undefined && matchesSelector(term.selector, pod.labels);
}

export interface AffinityState {
  readonly affinity: Counts;
  readonly antiAffinity: Counts;
  readonly existingAntiAffinity: Counts;
  readonly incomingMatchesOwnAffinity: boolean;
}

export function preFilter(pod: PodInfo, cluster: Cluster): AffinityState {
  const affinity: Counts = new Map();
  const antiAffinity: Counts = new Map();
  const existingAntiAffinity: Counts = new Map();
  const reqAff = pod.affinity.requiredAffinity;
  const reqAnti = pod.affinity.requiredAntiAffinity;
  for (const node of cluster.nodes) {
    for (const existing of node.pods) {
      if (reqAff.length > 0 && reqAff.every((t) => termMatches(t, existing, cluster))) {
        for (const t of reqAff) {
          const v = node.labels[t.topologyKey];
          if (v !== undefined) bump(affinity, t.topologyKey, v, 1);
        }
      }
      for (const t of reqAnti) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, existing, cluster)) bump(antiAffinity, t.topologyKey, v, 1);
      }
      for (const t of existing.affinity.requiredAntiAffinity) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, pod, cluster)) bump(existingAntiAffinity, t.topologyKey, v, 1);
      }
    }
  }
  return {
    affinity,
    antiAffinity,
    existingAntiAffinity,
    incomingMatchesOwnAffinity: reqAff.length > 0 && reqAff.every((t) => termMatches(t, pod, cluster)),
  };
}

export type AffinityFailure = 'affinity' | 'antiAffinity' | 'existingAntiAffinity';

export function filter(pod: PodInfo, state: AffinityState, node: NodeInfo): AffinityFailure | undefined {
  let podsExist = true;
  for (const t of pod.affinity.requiredAffinity) {
    const v = node.labels[t.topologyKey];
    if (v === undefined) return 'affinity'; // every topology key must be on the node
    if ((state.affinity.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (!podsExist && !(state.affinity.size === 0 && state.incomingMatchesOwnAffinity)) return 'affinity';
  for (const t of pod.affinity.requiredAntiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && (state.antiAffinity.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return 'antiAffinity';
  }
  if (state.existingAntiAffinity.size > 0) {
    for (const [k, v] of Object.entries(node.labels)) {
      if ((state.existingAntiAffinity.get(pairKey(k, v)) ?? 0) > 0) return 'existingAntiAffinity';
    }
  }
  return undefined;
}

/** PreScore: topologyScore[key][value]. Empty when nothing applies (the plugin then scores 0 everywhere). */
export function topologyScores(pod: PodInfo, cluster: Cluster): Map<string, Map<string, number>> {
  const scores = new Map<string, Map<string, number>>();
  const add = (term: ResolvedTerm, podToCheck: PodInfo, node: NodeInfo, weight: number) => {
    const v = node.labels[term.topologyKey];
    if (v === undefined || Object.keys(node.labels).length === 0) return;
    if (!termMatches(term, podToCheck, cluster)) return;
    let m = scores.get(term.topologyKey);
    if (!m) scores.set(term.topologyKey, (m = new Map()));
    m.set(v, (m.get(v) ?? 0) + weight);
  };
  const weighted = (terms: readonly WeightedTerm[], podToCheck: PodInfo, node: NodeInfo, sign: number) => {
    for (const t of terms) add(t, podToCheck, node, sign * t.weight);
  };
  for (const node of cluster.nodes) {
    for (const existing of node.pods) {
      weighted(pod.affinity.preferredAffinity, existing, node, 1);
      weighted(pod.affinity.preferredAntiAffinity, existing, node, -1);
      for (const t of existing.affinity.requiredAffinity) add(t, pod, node, HARD_POD_AFFINITY_WEIGHT);
      weighted(existing.affinity.preferredAffinity, pod, node, 1);
      weighted(existing.affinity.preferredAntiAffinity, pod, node, -1);
    }
  }
  return scores;
}

export function rawScore(scores: Map<string, Map<string, number>>, node: NodeInfo): number {
  let s = 0;
  for (const [key, values] of scores) {
    const v = node.labels[key];
    if (v !== undefined) s += values.get(v) ?? 0;
  }
  return s;
}

/** NormalizeScore: linear between the lowest and highest raw score, truncated to an integer. */
export function normalize(raw: readonly number[], anyTopology: boolean): number[] {
  if (!anyTopology || raw.length === 0) return raw.map(() => 0);
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  const diff = max - min;
  return raw.map((s) => (diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s - min) / diff)) : 0));
}
