// The scheduler model's input and output. The inputs are narrow, structural views of the objects
// kube-scheduler and the workload controllers read (core/v1 Node, Pod, PodSpec; apps/v1 Deployment,
// DaemonSet), so the typed objects of sim/model/k8s are assignable to them. Fields the shared model
// does not carry yet (container resource requests, node allocatable) are defined here.
import type { ChoiceOption } from '../../core/choice.js';
import type { LabelSelector } from '../../model/k8s/label-selector.js';
import type { Labels } from '../../model/k8s/meta.js';
import type { ContainerPort, NodeSelectorOperator, TaintEffect, TolerationOperator } from '../../model/k8s/pod.js';
import type { ProfileName } from './profiles.js';

/** Compatible with `Chooser.choose` (sim/core/choice.ts): every tie between nodes goes through it. */
export type ChooseFn = <T>(label: string, options: readonly ChoiceOption<T>[]) => T;

/** A resource quantity as Kubernetes writes it (`100m`, `2`, `200Mi`, `1e3`) or a plain number. */
export type Quantity = string | number;

export interface ResourceRequests {
  readonly cpu?: Quantity;
  readonly memory?: Quantity;
}

export interface TaintInput {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

export interface TolerationInput {
  readonly key?: string;
  readonly operator?: TolerationOperator; // API default Equal
  readonly value?: string;
  readonly effect?: TaintEffect;
  readonly tolerationSeconds?: number;
}

export interface NodeSelectorRequirementInput {
  readonly key: string;
  readonly operator: NodeSelectorOperator;
  readonly values?: readonly string[];
}

export interface NodeSelectorTermInput {
  readonly matchExpressions?: readonly NodeSelectorRequirementInput[];
  readonly matchFields?: readonly NodeSelectorRequirementInput[];
}

export interface PodAffinityTermInput {
  /** Absent selects no pods (LabelSelectorAsSelector(nil) is labels.Nothing()); `{}` selects all. */
  readonly labelSelector?: LabelSelector;
  readonly namespaces?: readonly string[];
  /** Absent: only `namespaces` (or the pod's own namespace); `{}`: every namespace. */
  readonly namespaceSelector?: LabelSelector;
  readonly topologyKey: string;
}

export interface PodAffinityInput {
  readonly required?: readonly PodAffinityTermInput[];
  readonly preferred?: readonly { readonly weight: number; readonly podAffinityTerm: PodAffinityTermInput }[];
}

export interface AffinityInput {
  readonly nodeAffinity?: {
    readonly required?: readonly NodeSelectorTermInput[];
    readonly preferred?: readonly { readonly weight: number; readonly preference: NodeSelectorTermInput }[];
  };
  readonly podAffinity?: PodAffinityInput;
  readonly podAntiAffinity?: PodAffinityInput;
}

export interface ContainerInput {
  readonly name: string;
  readonly image?: string;
  readonly ports?: readonly ContainerPort[];
  /** resources.requests; the shared model does not carry resources yet. */
  readonly requests?: ResourceRequests;
}

export interface PodSpecInput {
  readonly containers: readonly ContainerInput[];
  readonly initContainers?: readonly ContainerInput[];
  readonly nodeName?: string;
  readonly nodeSelector?: Labels;
  readonly hostNetwork?: boolean;
  readonly tolerations?: readonly TolerationInput[];
  readonly affinity?: AffinityInput;
}

export interface PodTemplateInput {
  readonly labels: Labels;
  readonly annotations?: Labels;
  readonly spec: PodSpecInput;
}

export interface NodeInput {
  readonly name: string;
  /** kubernetes.io/hostname is added (= name) when missing, as the kubelet registers it. */
  readonly labels?: Labels;
  readonly taints?: readonly TaintInput[];
  readonly unschedulable?: boolean;
  /** status.allocatable; DEFAULT_ALLOCATABLE for what is missing (and a note says so). */
  readonly allocatable?: { readonly cpu?: Quantity; readonly memory?: Quantity; readonly pods?: Quantity };
}

export interface DeploymentInput {
  readonly kind: 'Deployment';
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly selector: LabelSelector;
  readonly template: PodTemplateInput;
  /** The pod-template-hash a real cluster computed (kubectl get rs); otherwise computed here. */
  readonly podTemplateHash?: string;
  readonly collisionCount?: number;
}

export interface DaemonSetInput {
  readonly kind: 'DaemonSet';
  readonly namespace: string;
  readonly name: string;
  readonly selector: LabelSelector;
  readonly template: PodTemplateInput;
}

export type WorkloadInput = DeploymentInput | DaemonSetInput;

/** A pod already bound to a node (spec.nodeName set), e.g. from `kubectl get pods -o yaml`. */
export interface BoundPodInput {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName: string;
  readonly spec: PodSpecInput;
  /** Terminating pods (deletionTimestamp set) are not counted by PodTopologySpread. */
  readonly terminating?: boolean;
}

/** A Service's selector: PodTopologySpread's system-default constraints spread pods it selects. */
export interface ServiceSelectorInput {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Labels;
}

export interface ScheduleInput {
  readonly nodes: readonly NodeInput[];
  /** Deployments and DaemonSets, in the order their pods are created and scheduled. */
  readonly workloads: readonly WorkloadInput[];
  readonly boundPods?: readonly BoundPodInput[];
  /** Namespace labels for namespaceSelector; kubernetes.io/metadata.name is always set. */
  readonly namespaces?: Readonly<Record<string, Labels>>;
  readonly services?: readonly ServiceSelectorInput[];
}

export interface ScheduleOptions {
  /** Seeds generated names and, without `choose`, the tie-breaking. Default 1. */
  readonly seed?: number;
  /** Where ties between top-scoring nodes are decided (uniform, as selectHost does). */
  readonly choose?: ChooseFn;
  /** Which kube-scheduler release's messages to print. Default DEFAULT_PROFILE. */
  readonly profile?: ProfileName;
}

// ---- output ----

export const FILTER_PLUGINS = [
  'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'InterPodAffinity',
] as const;
export type FilterPlugin = (typeof FILTER_PLUGINS)[number];

export const SCORE_PLUGINS = [
  'TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation',
] as const;
export type ScorePlugin = (typeof SCORE_PLUGINS)[number];

/** framework.Code: Unschedulable may be resolved by preemption, UnschedulableAndUnresolvable not. */
export type StatusCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface NodeVerdict {
  readonly node: string;
  /** Absent when the node passed every filter. */
  readonly plugin?: FilterPlugin | 'PreFilterResult';
  readonly code?: StatusCode;
  readonly reasons: readonly string[];
}

export interface PluginScore {
  readonly raw: number;
  readonly normalized: number;
  readonly weight: number;
}

export interface NodeScore {
  readonly node: string;
  readonly total: number;
  readonly plugins: Readonly<Partial<Record<ScorePlugin, PluginScore>>>;
}

export interface Decision {
  readonly verdicts: readonly NodeVerdict[];
  /** Present when two or more nodes were feasible and scoring ran. */
  readonly scores?: readonly NodeScore[];
  /** The nodes that shared the top score; one was chosen through `choose`. */
  readonly tie?: readonly string[];
}

export interface PodEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'Scheduled' | 'FailedScheduling';
  readonly from: 'default-scheduler';
  readonly message: string;
}

export interface ScheduledPod {
  readonly namespace: string;
  readonly name: string;
  readonly owner: { readonly kind: 'ReplicaSet' | 'DaemonSet'; readonly name: string; readonly workload: string };
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  /** Set when bound: by the scheduler, or by the template's own spec.nodeName. */
  readonly nodeName?: string;
  readonly phase: 'Pending' | 'Bound';
  /** How it got its node: `scheduler`, or `nodeName` (spec.nodeName bypasses the scheduler). */
  readonly boundBy?: 'scheduler' | 'nodeName';
  /** PodScheduled condition message (the FitError text), as `kubectl describe pod` prints it. */
  readonly message?: string;
  readonly event?: PodEvent;
  readonly decision?: Decision;
}

export interface ReplicaSetInfo {
  readonly namespace: string;
  readonly name: string;
  readonly deployment: string;
  readonly podTemplateHash: string;
  /** `given` (from the input) or `computed` (fnv32a over hoplab's canonical template text). */
  readonly hashSource: 'given' | 'computed';
}

export interface ScheduleResult {
  readonly pods: readonly ScheduledPod[];
  readonly replicaSets: readonly ReplicaSetInfo[];
  /** Assumptions the model made (defaulted allocatable, added hostname labels, ...). */
  readonly notes: readonly string[];
}
