// networking.k8s.io/v1 NetworkPolicy (k8s.io/api networking/v1 types.go), defaulted as the API server
// does (pkg/apis/networking/v1/defaults.go): policyTypes [Ingress] plus Egress when egress rules exist,
// port protocol TCP. `from`/`to`/`ports` keep the difference between absent and empty only where the
// API gives it meaning: both mean "every peer" / "every port", so they are plain lists here.
import type { Cidr } from '../../core/ip.js';
import type { LabelSelector } from './label-selector.js';
import type { ObjectBase } from './meta.js';
import type { IntOrString, Protocol } from './protocol.js';

export const POLICY_TYPES = ['Ingress', 'Egress'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

export interface IPBlock {
  /** IPv6 blocks are kept but match no IPv4 address (the engine forwards IPv4 only). */
  readonly family: 4 | 6;
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
  /** As written, for messages. */
  readonly cidrText: string;
  readonly exceptText: readonly string[];
}

/** Exactly one of ipBlock or (podSelector and/or namespaceSelector) is set; validation guarantees it. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
  /** Field path of this peer, e.g. `spec.ingress[0].from[1]`. */
  readonly path: string;
}

export interface NetworkPolicyPort {
  readonly protocol: Protocol; // defaulted TCP
  readonly port?: IntOrString;
  readonly endPort?: number;
  readonly path: string;
}

export interface NetworkPolicyRule {
  /** `from` for ingress rules, `to` for egress rules; empty = every peer. */
  readonly peers: readonly NetworkPolicyPeer[];
  /** Empty = every port and protocol. */
  readonly ports: readonly NetworkPolicyPort[];
  readonly path: string;
}

export interface NetworkPolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly PolicyType[];
  /** Whether policyTypes was written or defaulted; explanations say which. */
  readonly policyTypesDefaulted: boolean;
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

export interface NetworkPolicy extends ObjectBase {
  readonly kind: 'NetworkPolicy';
  readonly spec: NetworkPolicySpec;
}
