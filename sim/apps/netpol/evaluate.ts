// One connection's NetworkPolicy verdict, with its reasons (networking/v1 types.go and the
// "Network Policies" concepts page):
// - a pod is isolated in a direction when a policy of its namespace selects it and lists that
//   direction in (defaulted) policyTypes; an unisolated pod allows everything in that direction;
// - an isolated pod allows what at least one rule of those policies admits (union, order-free);
// - a connection needs egress allowed at the source pod AND ingress allowed at the destination pod;
//   replies of an allowed connection are allowed (policy decides on the first packet only);
// - traffic between a pod and its own node is always allowed; hostNetwork pods are outside policy
//   (their traffic is their node's); a pod reaching itself never leaves it.
// Where the source address is compared with ipBlocks, we follow Calico's placement: the policy sees
// the packet as it reaches the pod's interface, after kube-proxy's DNAT and before its SNAT.
import type { SourceLocation } from '../../core/diagnostics.js';
import type { IPv4 } from '../../core/ip.js';
import { matchesSelector } from '../../model/k8s/label-selector.js';
import { fieldLoc } from '../../model/k8s/meta.js';
import type { NetworkPolicy, NetworkPolicyRule } from '../../model/k8s/network-policy.js';
import type { ContainerPort } from '../../model/k8s/pod.js';
import type { Protocol } from '../../model/k8s/protocol.js';
import type { NetpolPod } from './cluster.js';
import { policyKey } from './cluster.js';
import { peerMatches, portEntryMatches } from './match.js';
import type { PeerSubject } from './match.js';
import type { EndRef, NetpolIndex, ResolvedEnd } from './resolve.js';
import { endIp, endNode, resolveEnd } from './resolve.js';

export type Direction = 'ingress' | 'egress';

export interface PolicyRef {
  readonly policy: string; // namespace/name
  readonly loc: SourceLocation;
}

export interface RuleRef {
  readonly policy: string;
  readonly direction: Direction;
  readonly ruleIndex: number;
  /** Which peer admitted; undefined when the rule lists no peers (every peer). */
  readonly peerIndex?: number;
  /** Which ports entry admitted; undefined when the rule lists no ports (every port). */
  readonly portIndex?: number;
  /** `spec.ingress[0]`, `spec.ingress[0].from[1]`, ... */
  readonly path: string;
  /** The rule's location. */
  readonly loc: SourceLocation;
  /** The admitting peer's location, when there is one. */
  readonly peerLoc?: SourceLocation;
}

export interface RuleMiss {
  readonly policy: string;
  readonly ruleIndex: number;
  readonly path: string;
  readonly loc: SourceLocation;
  readonly why: 'ports' | 'peers';
}

export const DIRECTION_REASONS = ['not-a-pod', 'host-network', 'loopback', 'not-isolated', 'node-local', 'rule', 'no-rule'] as const;
export type DirectionReason = (typeof DIRECTION_REASONS)[number];

export interface DirectionVerdict {
  readonly direction: Direction;
  readonly allowed: boolean;
  readonly reason: DirectionReason;
  /** The pod whose policies decide this direction (the destination for ingress, the source for egress). */
  readonly subject?: string;
  readonly isolatedBy: readonly PolicyRef[];
  readonly admittedBy?: RuleRef;
  readonly misses: readonly RuleMiss[];
}

export interface ConnectionQuery {
  readonly from: EndRef;
  readonly to: EndRef;
  readonly port: number;
  readonly protocol: Protocol;
  /** Addresses of the destination pod's node (the caller's view of it): traffic from them is node-local. Default: what the cluster knows. */
  readonly dstNodeAddresses?: readonly IPv4[];
  /** Addresses of the source pod's node: egress to them is node-local. Default: what the cluster knows. */
  readonly srcNodeAddresses?: readonly IPv4[];
}

export interface NetpolVerdict {
  readonly allowed: boolean;
  readonly query: ConnectionQuery;
  readonly from: ResolvedEnd;
  readonly to: ResolvedEnd;
  /** Whether the source is an address of the destination pod's own node. */
  readonly fromDestinationNode: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
  /** The rule that admitted the connection (ingress first), or for a denial the first isolating policy. */
  readonly decidedBy?: RuleRef | PolicyRef;
}

export class UnknownPodError extends Error {}

export function evaluateConnection(ix: NetpolIndex, q: ConnectionQuery): NetpolVerdict {
  const from = resolveEnd(ix, q.from);
  const to = resolveEnd(ix, q.to);
  if (from.kind === 'unknown-pod') throw new UnknownPodError(`no pod ${from.key}`);
  if (to.kind === 'unknown-pod') throw new UnknownPodError(`no pod ${to.key}`);
  const dstNode = to.kind === 'pod' || to.kind === 'host-network-pod' ? to.pod.nodeName : undefined;
  const srcNode = from.kind === 'pod' || from.kind === 'host-network-pod' ? from.pod.nodeName : undefined;
  const dstAddrs = q.dstNodeAddresses ?? (dstNode === undefined ? [] : (ix.cluster.nodes.get(dstNode) ?? []));
  const srcAddrs = q.srcNodeAddresses ?? (srcNode === undefined ? [] : (ix.cluster.nodes.get(srcNode) ?? []));
  const isLocal = (end: ResolvedEnd, node: string | undefined, addrs: readonly IPv4[]): boolean => {
    if (end.kind === 'pod') return false;
    const ip = endIp(end);
    if (ip !== undefined && addrs.includes(ip)) return true;
    const n = endNode(end);
    return n !== undefined && n === node;
  };
  const fromDestinationNode = isLocal(from, dstNode, dstAddrs);
  const loopback = from.kind === 'pod' && to.kind === 'pod' && from.pod.key === to.pod.key;
  const dstPorts = to.kind === 'pod' || to.kind === 'host-network-pod' ? to.pod.ports : undefined;

  const egress = from.kind === 'pod'
    ? loopback ? fixed('egress', 'loopback', from.pod.key)
      : evalDirection(ix, 'egress', from.pod, to, q.port, q.protocol, dstPorts, isLocal(to, srcNode, srcAddrs))
    : fixed('egress', from.kind === 'host-network-pod' ? 'host-network' : 'not-a-pod');
  const ingress = to.kind === 'pod'
    ? loopback ? fixed('ingress', 'loopback', to.pod.key)
      : evalDirection(ix, 'ingress', to.pod, from, q.port, q.protocol, dstPorts, fromDestinationNode)
    : fixed('ingress', to.kind === 'host-network-pod' ? 'host-network' : 'not-a-pod');
  const allowed = egress.allowed && ingress.allowed;
  let decidedBy: RuleRef | PolicyRef | undefined;
  if (allowed) decidedBy = ingress.admittedBy ?? egress.admittedBy;
  else decidedBy = (!ingress.allowed ? ingress : egress).isolatedBy[0];
  const v: { -readonly [K in keyof NetpolVerdict]: NetpolVerdict[K] } = { allowed, query: q, from, to, fromDestinationNode, egress, ingress };
  if (decidedBy) v.decidedBy = decidedBy;
  return v;
}

/** For an enforcement point: the packet's source address as seen at the pod's interface, the destination pod. */
export function checkPacket(ix: NetpolIndex, p: { readonly srcIp: IPv4; readonly dstPod: string; readonly port: number; readonly protocol: Protocol; readonly nodeAddresses?: readonly IPv4[] }): NetpolVerdict {
  const q: ConnectionQuery = p.nodeAddresses === undefined
    ? { from: { ip: p.srcIp }, to: { pod: p.dstPod }, port: p.port, protocol: p.protocol }
    : { from: { ip: p.srcIp }, to: { pod: p.dstPod }, port: p.port, protocol: p.protocol, dstNodeAddresses: p.nodeAddresses };
  return evaluateConnection(ix, q);
}

function fixed(direction: Direction, reason: DirectionReason, subject?: string): DirectionVerdict {
  const v: { -readonly [K in keyof DirectionVerdict]: DirectionVerdict[K] } = { direction, allowed: true, reason, isolatedBy: [], misses: [] };
  if (subject !== undefined) v.subject = subject;
  return v;
}

export function isolatingPolicies(ix: NetpolIndex, pod: NetpolPod, direction: Direction): NetworkPolicy[] {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  return (ix.policiesByNs.get(pod.namespace) ?? []).filter((p) => p.spec.policyTypes.includes(type) && matchesSelector(p.spec.podSelector, pod.labels));
}

export function subjectOf(ix: NetpolIndex, end: ResolvedEnd): PeerSubject {
  const ip = endIp(end);
  if (end.kind !== 'pod') return ip === undefined ? {} : { ip };
  const nsLabels = ix.cluster.namespaces.get(end.pod.namespace)?.labels ?? {};
  const pod = { namespace: end.pod.namespace, labels: end.pod.labels, nsLabels };
  return ip === undefined ? { pod } : { pod, ip };
}

function evalDirection(
  ix: NetpolIndex, direction: Direction, subject: NetpolPod, other: ResolvedEnd, port: number, protocol: Protocol,
  dstPorts: readonly ContainerPort[] | undefined, nodeLocal: boolean,
): DirectionVerdict {
  const policies = isolatingPolicies(ix, subject, direction);
  const isolatedBy: PolicyRef[] = policies.map((p) => ({ policy: policyKey(p), loc: p.loc }));
  const base = { direction, subject: subject.key, isolatedBy };
  if (policies.length === 0) return { ...base, allowed: true, reason: 'not-isolated', misses: [] };
  if (nodeLocal) return { ...base, allowed: true, reason: 'node-local', misses: [] };
  const s = subjectOf(ix, other);
  const misses: RuleMiss[] = [];
  for (const p of policies) {
    const rules = direction === 'ingress' ? p.spec.ingress : p.spec.egress;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i] as NetworkPolicyRule;
      const hit = ruleAdmits(r, p.metadata.namespace ?? 'default', s, port, protocol, dstPorts);
      if (hit.admits) {
        const peerPath = hit.peerIndex === undefined ? undefined : r.peers[hit.peerIndex]?.path;
        const ref: { -readonly [K in keyof RuleRef]: RuleRef[K] } = {
          policy: policyKey(p), direction, ruleIndex: i, path: peerPath ?? r.path, loc: fieldLoc(p, r.path),
        };
        if (hit.peerIndex !== undefined) ref.peerIndex = hit.peerIndex;
        if (hit.portIndex !== undefined) ref.portIndex = hit.portIndex;
        if (peerPath !== undefined) ref.peerLoc = fieldLoc(p, peerPath);
        return { ...base, allowed: true, reason: 'rule', admittedBy: ref, misses };
      }
      misses.push({ policy: policyKey(p), ruleIndex: i, path: r.path, loc: fieldLoc(p, r.path), why: hit.why });
    }
  }
  return { ...base, allowed: false, reason: 'no-rule', misses };
}

export function ruleAdmits(
  r: NetworkPolicyRule, policyNs: string, s: PeerSubject, port: number, protocol: Protocol, dstPorts: readonly ContainerPort[] | undefined,
): { admits: true; peerIndex?: number; portIndex?: number } | { admits: false; why: 'ports' | 'peers' } {
  let portIndex: number | undefined;
  if (r.ports.length > 0) {
    const i = r.ports.findIndex((e) => portEntryMatches(e, port, protocol, dstPorts));
    if (i < 0) return { admits: false, why: 'ports' };
    portIndex = i;
  }
  let peerIndex: number | undefined;
  if (r.peers.length > 0) {
    const i = r.peers.findIndex((peer) => peerMatches(peer, policyNs, s));
    if (i < 0) return { admits: false, why: 'peers' };
    peerIndex = i;
  }
  const out: { admits: true; peerIndex?: number; portIndex?: number } = { admits: true };
  if (peerIndex !== undefined) out.peerIndex = peerIndex;
  if (portIndex !== undefined) out.portIndex = portIndex;
  return out;
}
