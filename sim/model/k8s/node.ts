// core/v1 Node: identity, labels, taints, addresses and pod CIDR (core/v1 types.go NodeSpec/NodeStatus).
import type { Cidr } from '../../core/ip.js';
import type { ObjectBase } from './meta.js';
import type { TaintEffect } from './pod.js';

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

export const NODE_ADDRESS_TYPES = ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'] as const;
export type NodeAddressType = (typeof NODE_ADDRESS_TYPES)[number];

export interface NodeAddress {
  readonly type: NodeAddressType;
  readonly address: string;
}

export interface Node extends ObjectBase {
  readonly kind: 'Node';
  readonly spec: {
    readonly podCIDR?: Cidr;
    readonly podCIDRs: readonly string[];
    readonly taints: readonly Taint[];
    readonly unschedulable: boolean;
  };
  readonly status: { readonly addresses: readonly NodeAddress[] };
}
