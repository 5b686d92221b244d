// One scheduling cycle (pkg/scheduler/schedule_one.go schedulePod, findNodesThatFitPod,
// prioritizeNodes, selectHost) with the default plugin set of pkg/scheduler/apis/config/v1
// default_plugins.go. Filters run in that order and a node's first failing plugin is its status;
// the FitError counts those statuses. With one feasible node there is no scoring. Otherwise every
// score plugin's normalized score times its weight is summed, and selectHost takes the highest
// total, choosing uniformly among equal totals (reservoir sampling upstream; here a ChooseFn, so the
// engine's explore mode can branch on it).
// Every node is evaluated: kube-scheduler only stops early (percentageOfNodesToScore) in clusters of
// 100 nodes or more.
import type { Cluster, NodeInfo, PodInfo } from './cluster.js';
import { fitErrorMessage, NO_NODES_AVAILABLE } from './fit-error.js';
import * as ipa from './inter-pod-affinity.js';
import { matchesNodeSelectorTerm, matchesRequiredNodeAffinity, pinnedNodeNames } from './node-selector.js';
import type { MessageProfile } from './profiles.js';
import { MAX_NODE_SCORE, REASON, SCORE_WEIGHTS } from './profiles.js';
import { balancedAllocationScore, fitReasons, hostPortConflict, isBestEffort, leastAllocatedScore } from './resources.js';
import { countIntolerablePreferNoSchedule, findUntoleratedTaint, tolerationsTolerateTaint } from './tolerations.js';
import type { SpreadSelector } from './topology-spread.js';
import { normalizeSpread, spreadScores } from './topology-spread.js';
import type { ChooseFn, Decision, NodeScore, NodeVerdict, PluginScore, ScorePlugin, StatusCode } from './types.js';

export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export interface CycleContext {
  readonly cluster: Cluster;
  readonly profile: MessageProfile;
  readonly choose: ChooseFn;
  readonly spreadSelector: SpreadSelector;
}

export interface CycleResult {
  readonly node?: NodeInfo;
  readonly decision: Decision;
  /** The FitError message when no node fits. */
  readonly message?: string;
}

function verdict(node: string, plugin: NodeVerdict['plugin'], code: StatusCode, reasons: readonly string[]): NodeVerdict {
  return plugin === undefined ? { node, reasons } : { node, plugin, code, reasons };
}

/** Filter plugins in the default order; undefined when the node passes all of them. */
export function runFilters(pod: PodInfo, node: NodeInfo, affinity: ipa.AffinityState, profile: MessageProfile): NodeVerdict | undefined {
  const tolerations = pod.spec.tolerations ?? [];
  if (node.unschedulable && !tolerationsTolerateTaint(tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' })) {
    return verdict(node.name, 'NodeUnschedulable', 'UnschedulableAndUnresolvable', [REASON.unschedulable]);
  }
  if (pod.spec.nodeName !== undefined && pod.spec.nodeName !== node.name) {
    return verdict(node.name, 'NodeName', 'UnschedulableAndUnresolvable', [REASON.nodeName]);
  }
  const taint = findUntoleratedTaint(node.taints, tolerations, ['NoSchedule', 'NoExecute']);
  if (taint) return verdict(node.name, 'TaintToleration', 'UnschedulableAndUnresolvable', [profile.untoleratedTaint(taint.key, taint.value ?? '')]);
  if (!matchesRequiredNodeAffinity(pod.spec, node)) return verdict(node.name, 'NodeAffinity', 'UnschedulableAndUnresolvable', [profile.nodeAffinityMismatch]);
  if (hostPortConflict(pod, node)) return verdict(node.name, 'NodePorts', 'Unschedulable', [REASON.nodePorts]);
  const fit = fitReasons(pod, node);
  if (fit.length > 0) return verdict(node.name, 'NodeResourcesFit', 'Unschedulable', fit);
  const failure = ipa.filter(pod, affinity, node);
  if (failure !== undefined) {
    const specific = failure === 'affinity' ? REASON.podAffinity : failure === 'antiAffinity' ? REASON.podAntiAffinity : REASON.existingAntiAffinity;
    const reasons = profile.interPodGenericReason !== undefined ? [profile.interPodGenericReason, specific] : [specific];
    return verdict(node.name, 'InterPodAffinity', failure === 'affinity' ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasons);
  }
  return undefined;
}

/** helper.DefaultNormalizeScore: scale to 0..100 by the largest score, optionally reversed. */
export function defaultNormalize(raw: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map((s) => (reverse ? MAX_NODE_SCORE : s));
  return raw.map((s) => {
    const v = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - v : v;
  });
}

function nodeAffinityRaw(pod: PodInfo, node: NodeInfo): number {
  let sum = 0;
  for (const p of pod.spec.affinity?.nodeAffinity?.preferred ?? []) {
    if (p.weight !== 0 && matchesNodeSelectorTerm(p.preference, node)) sum += p.weight;
  }
  return sum;
}

export function scoreNodes(pod: PodInfo, feasible: readonly NodeInfo[], ctx: CycleContext): NodeScore[] {
  const per: [ScorePlugin, number[], number[]][] = [];
  const add = (plugin: ScorePlugin, raw: number[], normalized: number[]) => per.push([plugin, raw, normalized]);

  const taintRaw = feasible.map((n) => countIntolerablePreferNoSchedule(n.taints, pod.spec.tolerations ?? []));
  add('TaintToleration', taintRaw, defaultNormalize(taintRaw, true));
  const naRaw = feasible.map((n) => nodeAffinityRaw(pod, n));
  add('NodeAffinity', naRaw, defaultNormalize(naRaw, false));
  const fitRaw = feasible.map((n) => leastAllocatedScore(pod, n));
  add('NodeResourcesFit', fitRaw, fitRaw);
  const spreadRaw = spreadScores(pod, ctx.spreadSelector, feasible, ctx.cluster);
  if (spreadRaw) add('PodTopologySpread', spreadRaw, normalizeSpread(spreadRaw));
  const topo = ipa.topologyScores(pod, ctx.cluster);
  const ipaRaw = feasible.map((n) => ipa.rawScore(topo, n));
  add('InterPodAffinity', ipaRaw, ipa.normalize(ipaRaw, topo.size > 0));
  if (!(ctx.profile.balancedSkipsBestEffort && isBestEffort(pod))) {
    const balRaw = feasible.map((n) => balancedAllocationScore(pod, n));
    add('NodeResourcesBalancedAllocation', balRaw, balRaw);
  }

  return feasible.map((n, i) => {
    const plugins: Partial<Record<ScorePlugin, PluginScore>> = {};
    let total = 0;
    for (const [plugin, raw, normalized] of per) {
      const weight = SCORE_WEIGHTS[plugin];
      const s = normalized[i] as number;
      plugins[plugin] = { raw: raw[i] as number, normalized: s, weight };
      total += s * weight;
    }
    return { node: n.name, total, plugins };
  });
}

export function scheduleOne(pod: PodInfo, ctx: CycleContext): CycleResult {
  const { cluster, profile } = ctx;
  const all = cluster.nodes;
  if (all.length === 0) return { decision: { verdicts: [] }, message: NO_NODES_AVAILABLE };

  // PreFilter: NodeAffinity narrows the nodes to those named by `metadata.name In` (DaemonSet pods).
  let candidates: readonly NodeInfo[] = all;
  const absent: NodeVerdict[] = [];
  const pinned = profile.preFilterResult ? pinnedNodeNames(pod.spec.affinity) : undefined;
  if (pinned !== undefined) {
    if (pinned.size === 0) {
      const verdicts = all.map((n) => verdict(n.name, 'NodeAffinity', 'UnschedulableAndUnresolvable', [REASON.nodeAffinityConflict]));
      return { decision: { verdicts }, message: fitErrorMessage(all.length, verdicts, profile, REASON.nodeAffinityConflict) };
    }
    candidates = all.filter((n) => pinned.has(n.name));
    for (const n of all) {
      if (!pinned.has(n.name)) absent.push(verdict(n.name, 'PreFilterResult', 'UnschedulableAndUnresolvable', [REASON.preFilterResult(['NodeAffinity'])]));
    }
  }

  const affinity = ipa.preFilter(pod, cluster);
  const byNode = new Map<string, NodeVerdict>(absent.map((v) => [v.node, v]));
  const feasible: NodeInfo[] = [];
  for (const n of candidates) {
    const v = runFilters(pod, n, affinity, profile);
    if (v) byNode.set(n.name, v);
    else {
      feasible.push(n);
      byNode.set(n.name, { node: n.name, reasons: [] });
    }
  }
  const verdicts = all.map((n) => byNode.get(n.name) as NodeVerdict);

  if (feasible.length === 0) {
    return { decision: { verdicts }, message: fitErrorMessage(all.length, verdicts, profile) };
  }
  if (feasible.length === 1) return { node: feasible[0] as NodeInfo, decision: { verdicts } };

  const scores = scoreNodes(pod, feasible, ctx);
  const top = Math.max(...scores.map((s) => s.total));
  const best = feasible.filter((_, i) => (scores[i] as NodeScore).total === top);
  if (best.length === 1) return { node: best[0] as NodeInfo, decision: { verdicts, scores } };
  const p = 1 / best.length;
  const chosen = ctx.choose(
    `kube-scheduler selectHost ${pod.namespace}/${pod.name}: ${best.length} nodes tie at score ${top}`,
    best.map((n) => ({ p, value: n, label: n.name })),
  );
  return { node: chosen, decision: { verdicts, scores, tie: best.map((n) => n.name) } };
}
