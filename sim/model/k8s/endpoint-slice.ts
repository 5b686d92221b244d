// discovery.k8s.io/v1 EndpointSlice: the endpoints kube-proxy programs for a Service
// (k8s.io/api discovery/v1 types.go). The owning Service is named by the kubernetes.io/service-name label.
import type { ObjectBase } from './meta.js';
import type { Protocol } from './protocol.js';

export const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];

export interface Endpoint {
  readonly addresses: readonly string[];
  /** Unset ready is interpreted as ready (discovery/v1 EndpointConditions). */
  readonly conditions: { readonly ready?: boolean; readonly serving?: boolean; readonly terminating?: boolean };
  readonly nodeName?: string;
  readonly hostname?: string;
  readonly zone?: string;
  readonly targetRef?: { readonly kind?: string; readonly namespace?: string; readonly name?: string };
}

export interface EndpointPort {
  readonly name?: string;
  readonly port?: number;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

export interface EndpointSlice extends ObjectBase {
  readonly kind: 'EndpointSlice';
  readonly addressType: AddressType;
  readonly endpoints: readonly Endpoint[];
  readonly ports: readonly EndpointPort[];
  /** The kubernetes.io/service-name label. */
  readonly serviceName?: string;
}
