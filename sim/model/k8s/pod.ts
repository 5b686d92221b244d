// core/v1 Pod and PodSpec, the parts the network model uses: labels, containers' ports, where the pod
// runs (nodeName, hostNetwork), scheduling constraints and the addresses in status.
import type { SourceLocation } from '../../core/diagnostics.js';
import type { IPv4 } from '../../core/ip.js';
import type { LabelSelector } from './label-selector.js';
import type { Labels, ObjectBase } from './meta.js';
import type { Protocol } from './protocol.js';

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol; // defaulted TCP
  readonly hostPort?: number;
  readonly hostIP?: string;
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
  readonly readOnly: boolean;
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly ports: readonly ContainerPort[];
  readonly volumeMounts: readonly VolumeMount[];
}

/** A pod volume; only ConfigMap volumes are modelled (their files), other sources are kept by name. */
export interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string; readonly items?: readonly { readonly key: string; readonly path: string }[] };
}

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export const TOLERATION_OPERATORS = ['Exists', 'Equal'] as const;
export type TolerationOperator = (typeof TOLERATION_OPERATORS)[number];

export interface Toleration {
  readonly key?: string;
  readonly operator: TolerationOperator; // defaulted Equal
  readonly value?: string;
  readonly effect?: TaintEffect;
  readonly tolerationSeconds?: number;
}

export interface PodAffinityTerm {
  readonly labelSelector?: LabelSelector;
  readonly namespaces: readonly string[];
  readonly namespaceSelector?: LabelSelector;
  readonly topologyKey: string;
  readonly loc: SourceLocation;
}

export interface WeightedPodAffinityTerm {
  readonly weight: number; // 1..100
  readonly podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
  readonly required: readonly PodAffinityTerm[];
  readonly preferred: readonly WeightedPodAffinityTerm[];
}

export const NODE_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;
export type NodeSelectorOperator = (typeof NODE_SELECTOR_OPERATORS)[number];

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: NodeSelectorOperator;
  readonly values: readonly string[];
}

export interface NodeSelectorTerm {
  readonly matchExpressions: readonly NodeSelectorRequirement[];
  readonly matchFields: readonly NodeSelectorRequirement[];
}

export interface NodeAffinity {
  readonly required?: readonly NodeSelectorTerm[];
  readonly preferred: readonly { readonly weight: number; readonly preference: NodeSelectorTerm }[];
}

export interface Affinity {
  readonly nodeAffinity?: NodeAffinity;
  /** requiredDuringSchedulingIgnoredDuringExecution / preferredDuringSchedulingIgnoredDuringExecution */
  readonly podAffinity?: PodAffinity;
  readonly podAntiAffinity?: PodAffinity;
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly volumes: readonly Volume[];
  readonly initContainers: readonly Container[];
  readonly nodeName?: string;
  readonly nodeSelector: Labels;
  readonly hostNetwork: boolean;
  readonly tolerations: readonly Toleration[];
  readonly affinity?: Affinity;
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never'; // defaulted Always
  readonly schedulerName: string; // defaulted default-scheduler
}

export interface PodStatus {
  readonly phase?: string;
  readonly podIP?: IPv4;
  readonly podIPs: readonly string[];
  readonly hostIP?: IPv4;
}

export interface Pod extends ObjectBase {
  readonly kind: 'Pod';
  readonly spec: PodSpec;
  readonly status: PodStatus;
}

export interface PodTemplateSpec {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly spec: PodSpec;
}
