// The Kubernetes kinds hoplab models, as one discriminated union.
import type { Deployment, DaemonSet } from './workload.js';
import type { EndpointSlice } from './endpoint-slice.js';
import type { Namespace } from './namespace.js';
import type { NetworkPolicy } from './network-policy.js';
import type { Node } from './node.js';
import type { Pod } from './pod.js';
import type { Service } from './service.js';
import type { ConfigMap } from './config-map.js';

export type K8sObject = Namespace | Pod | NetworkPolicy | Service | Deployment | DaemonSet | Node | EndpointSlice | ConfigMap;
export type K8sKind = K8sObject['kind'];

/** apiVersion each kind is served at (the versions a current API server accepts for it). */
export const KIND_API_VERSIONS = {
  Namespace: ['v1'],
  Pod: ['v1'],
  Service: ['v1'],
  Node: ['v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
  Deployment: ['apps/v1'],
  DaemonSet: ['apps/v1'],
  EndpointSlice: ['discovery.k8s.io/v1'],
  ConfigMap: ['v1'],
} as const satisfies Record<K8sKind, readonly string[]>;

export const NAMESPACED_KINDS: ReadonlySet<K8sKind> = new Set<K8sKind>(['Pod', 'NetworkPolicy', 'Service', 'Deployment', 'DaemonSet', 'EndpointSlice', 'ConfigMap']);

export function isKind<K extends K8sKind>(kind: K) {
  return (o: K8sObject): o is Extract<K8sObject, { kind: K }> => o.kind === kind;
}
