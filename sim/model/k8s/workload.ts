// apps/v1 Deployment and DaemonSet: the pod template and how many copies run where
// (pkg/apis/apps/v1/defaults.go: replicas 1, RollingUpdate strategy).
import type { LabelSelector } from './label-selector.js';
import type { ObjectBase } from './meta.js';
import type { PodTemplateSpec } from './pod.js';

export interface Deployment extends ObjectBase {
  readonly kind: 'Deployment';
  readonly spec: {
    readonly replicas: number; // defaulted 1
    readonly selector: LabelSelector;
    readonly template: PodTemplateSpec;
    readonly strategy: 'RollingUpdate' | 'Recreate';
  };
}

export interface DaemonSet extends ObjectBase {
  readonly kind: 'DaemonSet';
  readonly spec: {
    readonly selector: LabelSelector;
    readonly template: PodTemplateSpec;
    readonly updateStrategy: 'RollingUpdate' | 'OnDelete';
  };
}
