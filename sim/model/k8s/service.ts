// core/v1 Service, defaulted as the API server does (pkg/apis/core/v1/defaults.go SetDefaults_Service,
// and the registry's NodePort/healthCheckNodePort allocation): protocol TCP, targetPort = port,
// sessionAffinity None, externalTrafficPolicy Cluster for NodePort/LoadBalancer, internalTrafficPolicy
// Cluster.
import type { ObjectBase, Labels } from './meta.js';
import type { IntOrString, Protocol } from './protocol.js';

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
export type TrafficPolicy = (typeof TRAFFIC_POLICIES)[number];

export const SESSION_AFFINITIES = ['None', 'ClientIP'] as const;
export type SessionAffinity = (typeof SESSION_AFFINITIES)[number];

export interface ServicePort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly targetPort: IntOrString;
  readonly nodePort?: number;
  /** True when the nodePort was allocated by the loader, not written. */
  readonly nodePortAllocated?: boolean;
  readonly appProtocol?: string;
}

export interface ServiceSpec {
  readonly type: ServiceType;
  /** undefined = not written (the API server would allocate one); 'None' = headless. */
  readonly clusterIP?: string;
  readonly externalIPs: readonly string[];
  readonly externalName?: string;
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  readonly externalTrafficPolicy?: TrafficPolicy;
  readonly internalTrafficPolicy?: TrafficPolicy;
  readonly healthCheckNodePort?: number;
  readonly healthCheckNodePortAllocated?: boolean;
  readonly sessionAffinity: SessionAffinity;
  readonly sessionAffinityTimeoutSeconds?: number;
  readonly loadBalancerIP?: string;
  readonly loadBalancerSourceRanges: readonly string[];
  readonly allocateLoadBalancerNodePorts?: boolean;
  readonly publishNotReadyAddresses: boolean;
}

export interface Service extends ObjectBase {
  readonly kind: 'Service';
  readonly spec: ServiceSpec;
  readonly status: { readonly loadBalancerIngress: readonly { readonly ip?: string; readonly hostname?: string }[] };
}

/** The default --service-node-port-range of kube-apiserver. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;
