// PodTopologySpread scoring with the system-default constraints (pkg/scheduler/framework/plugins/
// podtopologyspread scoring.go; defaults in pkg/scheduler/apis/config/v1 defaults.go):
//   kubernetes.io/hostname maxSkew 3 and topology.kubernetes.io/zone maxSkew 5, ScheduleAnyway,
// selecting the pods of the same Services, ReplicaSet (or RC, StatefulSet) as the incoming pod
// (helper.DefaultSelector); a pod no Service selects and no such owner has gets no default spreading
// (DaemonSet pods). With system defaults a node need not carry every topology key.
// Score per node: Σ over constraints whose key the node has of cnt·ln(size+2) + (maxSkew-1), where
// cnt counts matching pods on the node (hostname) or in the node's zone, among nodes that pass the
// pod's required node affinity (nodeAffinityPolicy Honor); size is the number of feasible nodes
// (hostname) or of distinct zone values among them ("" for nodes without one). The score is
// rounded, then flipped: 100·(max+min-s)/max, so the node with fewest matching pods scores highest.
import type { LabelSelectorRequirement } from '../../model/k8s/label-selector.js';
import { matchesRequirement } from '../../model/k8s/label-selector.js';
import type { Labels } from '../../model/k8s/meta.js';
import type { Cluster, NodeInfo, PodInfo } from './cluster.js';
import { LABEL_HOSTNAME } from './cluster.js';
import { matchesRequiredNodeAffinity } from './node-selector.js';
import { MAX_NODE_SCORE } from './profiles.js';

export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const SYSTEM_DEFAULT_CONSTRAINTS = [
  { topologyKey: LABEL_HOSTNAME, maxSkew: 3 },
  { topologyKey: LABEL_ZONE, maxSkew: 5 },
] as const;

/** DefaultSelector as requirements (ANDed); empty means the pod gets no default constraints. */
export type SpreadSelector = readonly LabelSelectorRequirement[];

export function selectorMatches(sel: SpreadSelector, labels: Labels): boolean {
  return sel.every((r) => matchesRequirement(r, labels));
}

/** Pods in the same namespace, not terminating, that the selector matches. */
function countMatching(node: NodeInfo, sel: SpreadSelector, namespace: string): number {
  let n = 0;
  for (const p of node.pods) if (p.namespace === namespace && !p.terminating && selectorMatches(sel, p.labels)) n++;
  return n;
}

/** Raw scores per feasible node, or undefined when the plugin skips (no constraints). */
export function spreadScores(pod: PodInfo, sel: SpreadSelector, feasible: readonly NodeInfo[], cluster: Cluster): number[] | undefined {
  if (sel.length === 0 || feasible.length === 0) return undefined;
  const zoneCounts = new Map<string, number>();
  for (const n of feasible) zoneCounts.set(n.labels[LABEL_ZONE] ?? '', 0);
  for (const n of cluster.nodes) {
    if (!matchesRequiredNodeAffinity(pod.spec, n)) continue;
    const z = n.labels[LABEL_ZONE] ?? '';
    const c = zoneCounts.get(z);
    if (c !== undefined) zoneCounts.set(z, c + countMatching(n, sel, pod.namespace));
  }
  const hostWeight = Math.log(feasible.length + 2);
  const zoneWeight = Math.log(zoneCounts.size + 2);
  return feasible.map((n) => {
    let score = 0;
    for (const c of SYSTEM_DEFAULT_CONSTRAINTS) {
      const v = n.labels[c.topologyKey];
      if (v === undefined) continue;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? countMatching(n, sel, pod.namespace) : (zoneCounts.get(v) ?? 0);
      score += cnt * (c.topologyKey === LABEL_HOSTNAME ? hostWeight : zoneWeight) + (c.maxSkew - 1);
    }
    return goRound(score);
  });
}

/** math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function normalizeSpread(raw: readonly number[]): number[] {
  if (raw.length === 0) return [];
  const min = Math.min(...raw);
  const max = Math.max(0, ...raw);
  return raw.map((s) => (max === 0 ? MAX_NODE_SCORE : Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max)));
}
