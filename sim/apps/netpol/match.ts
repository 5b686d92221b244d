// The matching primitives of a NetworkPolicy rule (networking/v1 types.go doc comments):
// an ipBlock is its cidr minus its excepts; a peer with podSelector only means pods of the policy's
// namespace, with namespaceSelector only every pod of the matching namespaces, with both the AND
// of the two; a port entry is one protocol (default TCP) and optionally a number, a range
// port..endPort, or a name resolved on the destination pod's container ports.
import type { IPv4 } from '../../core/ip.js';
import { inCidr } from '../../core/ip.js';
import { matchesSelector } from '../../model/k8s/label-selector.js';
import type { Labels } from '../../model/k8s/meta.js';
import type { IPBlock, NetworkPolicyPeer, NetworkPolicyPort } from '../../model/k8s/network-policy.js';
import type { ContainerPort } from '../../model/k8s/pod.js';
import type { Protocol } from '../../model/k8s/protocol.js';

export function ipBlockContains(b: IPBlock, ip: IPv4): boolean {
  if (b.family !== 4) return false;
  if (!inCidr(ip, b.cidr)) return false;
  for (const e of b.except) if (inCidr(ip, e)) return false;
  return true;
}

/** The except entry that removes `ip` from the block, if one does. */
export function exceptHit(b: IPBlock, ip: IPv4): string | undefined {
  if (b.family !== 4 || !inCidr(ip, b.cidr)) return undefined;
  const i = b.except.findIndex((e) => inCidr(ip, e));
  return i < 0 ? undefined : b.exceptText[i];
}

/** Named ports resolve to the container port with that name and the entry's protocol. */
export function resolveNamedPort(ports: readonly ContainerPort[] | undefined, name: string, protocol: Protocol): number | undefined {
  return ports?.find((p) => p.name === name && p.protocol === protocol)?.containerPort;
}

/**
 * Whether one `ports` entry admits the connection. `dstPorts` are the destination pod's container
 * ports (undefined when the destination is not a pod: a named port can then never match).
 */
export function portEntryMatches(e: NetworkPolicyPort, port: number, protocol: Protocol, dstPorts: readonly ContainerPort[] | undefined): boolean {
  if (e.protocol !== protocol) return false;
  if (e.port === undefined) return true;
  if (typeof e.port === 'number') return e.endPort === undefined ? port === e.port : port >= e.port && port <= e.endPort;
  return resolveNamedPort(dstPorts, e.port, protocol) === port;
}

export interface PeerSubject {
  /** Set when the end is a pod that policy selectors can see (not a hostNetwork pod). */
  readonly pod?: { readonly namespace: string; readonly labels: Labels; readonly nsLabels: Labels };
  readonly ip?: IPv4;
}

export function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, s: PeerSubject): boolean {
  if (peer.ipBlock) return s.ip !== undefined && ipBlockContains(peer.ipBlock, s.ip);
  if (!s.pod) return false;
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, s.pod.nsLabels)) return false;
  } else if (s.pod.namespace !== policyNamespace) return false;
  return peer.podSelector === undefined || matchesSelector(peer.podSelector, s.pod.labels);
}
