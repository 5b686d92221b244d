// The wording kube-scheduler uses for its FitError ("0/3 nodes are available: ...") changed across
// releases. Each profile names the first release whose wording it reproduces; the scoring algorithm
// is the modern one in every profile (plugin weights of pkg/scheduler/apis/config/v1
// default_plugins.go, 1.22+).
//
// Sources (kubernetes/kubernetes):
// - pkg/scheduler/framework/types.go FitError.Error(): reasons counted per node, "%v %v" (count,
//   reason), sorted with sort.Strings (byte order, so "10 ..." sorts before "2 ..."), joined ", ",
//   then " <PostFilter message>" (no added period since the 1.24-1.26 ".." double period).
// - v1.19-v1.20: tainttoleration "node(s) had taint {%s: %s}, that the pod didn't tolerate";
//   nodeaffinity "node(s) didn't match node selector" (became "...Pod's node affinity/selector" with
//   #97521, 1.21); interpodaffinity adds the generic "node(s) didn't match pod affinity/anti-affinity"
//   beside the specific reason (removed by #102518, 1.22); no "preemption:" suffix (#107775, 1.24).
// - v1.27-v1.33: "node(s) had untolerated taint {%s: %s}"; "preemption: 0/N nodes are available: ...".
//   Nodes left out by a PreFilterResult (a DaemonSet pod's metadata.name node affinity) count as
//   "node(s) didn't satisfy plugin(s) [NodeAffinity]".
// - v1.34 (patch releases from Nov 2025, #134740 and its cherry-picks) and later: the taint is not
//   named, "node(s) had untolerated taint(s)"; the DynamicResources PostFilter (DRA GA, 1.34) runs
//   before DefaultPreemption and its "no new claims to deallocate" is joined with ", ".

export const PROFILE_NAMES = ['v1.19', 'v1.27', 'v1.34'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface MessageProfile {
  readonly name: ProfileName;
  readonly untoleratedTaint: (key: string, value: string) => string;
  readonly nodeAffinityMismatch: string;
  /** Extra generic reason InterPodAffinity added beside the specific one (v1.19-v1.21). */
  readonly interPodGenericReason?: string;
  /** DaemonSet pods: nodes other than the target are cut by NodeAffinity's PreFilterResult. */
  readonly preFilterResult: boolean;
  /** Whether the message carries the PostFilter (preemption) part. */
  readonly preemptionSuffix: boolean;
  /** Messages of PostFilter plugins that run before DefaultPreemption, joined with ", ". */
  readonly postFilterPrefix: readonly string[];
  /** NodeResourcesBalancedAllocation skips pods that request nothing (kubernetes#129138). */
  readonly balancedSkipsBestEffort: boolean;
}

export const PROFILES: Readonly<Record<ProfileName, MessageProfile>> = {
  'v1.19': {
    name: 'v1.19',
    untoleratedTaint: (k, v) => `node(s) had taint {${k}: ${v}}, that the pod didn't tolerate`,
    nodeAffinityMismatch: "node(s) didn't match node selector",
    interPodGenericReason: "node(s) didn't match pod affinity/anti-affinity",
    preFilterResult: false,
    preemptionSuffix: false,
    postFilterPrefix: [],
    balancedSkipsBestEffort: false,
  },
  'v1.27': {
    name: 'v1.27',
    untoleratedTaint: (k, v) => `node(s) had untolerated taint {${k}: ${v}}`,
    nodeAffinityMismatch: "node(s) didn't match Pod's node affinity/selector",
    preFilterResult: true,
    preemptionSuffix: true,
    postFilterPrefix: [],
    balancedSkipsBestEffort: false,
  },
  'v1.34': {
    name: 'v1.34',
    untoleratedTaint: () => 'node(s) had untolerated taint(s)',
    nodeAffinityMismatch: "node(s) didn't match Pod's node affinity/selector",
    preFilterResult: true,
    preemptionSuffix: true,
    postFilterPrefix: ['no new claims to deallocate'],
    balancedSkipsBestEffort: true,
  },
};

export const DEFAULT_PROFILE: ProfileName = 'v1.27';

/** Filter reasons that do not change across the profiles. */
export const REASON = {
  unschedulable: 'node(s) were unschedulable',
  nodeName: "node(s) didn't match the requested node name",
  nodePorts: "node(s) didn't have free ports for the requested pod ports",
  insufficient: (resource: 'cpu' | 'memory') => `Insufficient ${resource}`,
  tooManyPods: 'Too many pods',
  podAffinity: "node(s) didn't match pod affinity rules",
  podAntiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  preFilterResult: (plugins: readonly string[]) => `node(s) didn't satisfy plugin(s) [${plugins.join(' ')}]`,
  nodeAffinityConflict: "pod affinity terms conflict",
  preemptionNotHelpful: 'Preemption is not helpful for scheduling',
  noVictims: 'No preemption victims found for incoming pod',
} as const;

/** Score plugin weights of the default profile (default_plugins.go, v1 config). */
export const SCORE_WEIGHTS = {
  TaintToleration: 3,
  NodeAffinity: 2,
  NodeResourcesFit: 1,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesBalancedAllocation: 1,
} as const;

/** framework.MaxNodeScore */
export const MAX_NODE_SCORE = 100;
