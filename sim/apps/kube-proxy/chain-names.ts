// kube-proxy's per-service and per-endpoint chain names (pkg/proxy/iptables/proxier.go:
// portProtoHash, servicePortPolicyClusterChain, servicePortPolicyLocalChainName,
// serviceFirewallChainName, serviceExternalChainName, servicePortEndpointChainName).
// name = prefix + first 16 chars of base32(sha256(servicePortName + protocol [+ endpoint])),
// which keeps every name within iptables' 28-character limit.

import { base32StdEncode } from './base32.js';
import { sha256 } from './sha256.js';
import { utf8 } from '../../core/utf8.js';
import type { Protocol } from './types.js';

export const ChainPrefix = {
  SVC: 'KUBE-SVC-',
  SVL: 'KUBE-SVL-',
  FW: 'KUBE-FW-',
  EXT: 'KUBE-EXT-',
  SEP: 'KUBE-SEP-',
} as const;

/** Upstream ServicePortName.String(): `ns/name:port`, or `ns/name` for an unnamed port. */
export function servicePortNameString(namespace: string, name: string, portName?: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** Upstream BaseEndpointInfo.String(): `ip:port`, IPv6 as `[ip]:port` (net.JoinHostPort). */
export function endpointString(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function protocolLower(protocol: Protocol): string {
  return protocol.toLowerCase();
}

function hash16(text: string): string {
  return base32StdEncode(sha256(utf8(text))).slice(0, 16);
}

export function portProtoHash(svcPortName: string, protocol: string): string {
  return hash16(svcPortName + protocol);
}

export interface ServiceChainNames {
  readonly svc: string;
  readonly svl: string;
  readonly fw: string;
  readonly ext: string;
}

export function serviceChainNames(svcPortName: string, protocol: string): ServiceChainNames {
  const h = portProtoHash(svcPortName, protocol);
  return { svc: ChainPrefix.SVC + h, svl: ChainPrefix.SVL + h, fw: ChainPrefix.FW + h, ext: ChainPrefix.EXT + h };
}

export function endpointChainName(svcPortName: string, protocol: string, endpoint: string): string {
  return ChainPrefix.SEP + hash16(svcPortName + protocol + endpoint);
}

/** Upstream isServiceChainName: the chains kube-proxy owns per service and deletes when stale. */
export function isServiceChainName(chain: string): boolean {
  return Object.values(ChainPrefix).some((p) => chain.startsWith(p));
}
