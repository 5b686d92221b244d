// The explanation of a verdict as text (the format docs/netpol.md describes):
//   TCP <from> -> <to>:<port>: ALLOWED|DENIED
//     from: <who the source is>
//     egress at <pod>: <reason>
//       <policy> <rule path> (<file:line>): <why it does not admit>
//     ingress at <pod>: <reason>
//       ...
//     placement: <where the policy sees the packet>
import { formatIPv4 } from '../../core/ip.js';
import { formatSelector, isEmptySelector } from '../../model/k8s/label-selector.js';
import { formatLoc } from '../../model/k8s/meta.js';
import type { NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule } from '../../model/k8s/network-policy.js';
import { policyKey } from './cluster.js';
import { exceptHit, ipBlockContains, resolveNamedPort } from './match.js';
import type { PeerSubject } from './match.js';
import type { DirectionVerdict, NetpolVerdict, RuleMiss } from './evaluate.js';
import { subjectOf } from './evaluate.js';
import type { NetpolIndex, ResolvedEnd } from './resolve.js';
import { describeEnd, endName } from './resolve.js';

export const PLACEMENT_NOTE =
  "policy is evaluated on the packet as it reaches the pod's interface (Calico placement): after kube-proxy's DNAT, before its SNAT, so the source compared with ipBlocks is the packet's source at that point";

export function explainText(ix: NetpolIndex, v: NetpolVerdict): string {
  const q = v.query;
  const lines: string[] = [];
  lines.push(`${q.protocol} ${endName(v.from)} -> ${endName(v.to)}:${q.port}: ${v.allowed ? 'ALLOWED' : 'DENIED'}`);
  lines.push(`  from: ${describeSource(v)}`);
  lines.push(...directionLines(ix, v, v.egress, v.to));
  lines.push(...directionLines(ix, v, v.ingress, v.from));
  if (v.decidedBy) lines.push(`  decided by: ${'ruleIndex' in v.decidedBy ? `${v.decidedBy.policy} ${v.decidedBy.path}` : `isolation by ${v.decidedBy.policy}`} (${formatLoc('peerLoc' in v.decidedBy && v.decidedBy.peerLoc ? v.decidedBy.peerLoc : v.decidedBy.loc)})`);
  lines.push(`  placement: ${PLACEMENT_NOTE}`);
  return `${lines.join('\n')}\n`;
}

function describeSource(v: NetpolVerdict): string {
  const f = v.from;
  const dstNode = v.to.kind === 'pod' || v.to.kind === 'host-network-pod' ? v.to.pod.nodeName : undefined;
  const local = v.fromDestinationNode ? `, an address of ${dstNode ?? 'the destination'}'s node (node-local)` : '';
  switch (f.kind) {
    case 'pod': return `pod ${describeEnd(f)}${f.pod.nodeName ? ` on ${f.pod.nodeName}` : ''}`;
    case 'host-network-pod': return `${describeEnd(f)}: a hostNetwork pod, outside policy; its traffic is its node's${local}`;
    case 'node': return v.fromDestinationNode
      ? `${formatIPv4(f.ip)}: an address of node ${f.node}, the destination's node (node-local)`
      : `${formatIPv4(f.ip)}: an address of node ${f.node}${dstNode ? `, not the destination's node (${dstNode})` : ''}`;
    case 'external': return `${formatIPv4(f.ip)}: not a pod${dstNode ? ` and not an address of ${dstNode} (the destination's node)` : ''}${local}; treated as outside the cluster`;
  }
}

function directionLines(ix: NetpolIndex, v: NetpolVerdict, d: DirectionVerdict, other: ResolvedEnd): string[] {
  const at = d.subject ? ` at ${d.subject}` : '';
  const head = `  ${d.direction}${at}: `;
  const iso = d.isolatedBy.map((p) => `${p.policy} (${formatLoc(p.loc)})`);
  const isoText = joinAnd(iso);
  const otherName = endName(other);
  switch (d.reason) {
    case 'not-a-pod': return [`${head}not enforced: the ${d.direction === 'egress' ? 'source' : 'destination'} is not a pod`];
    case 'host-network': return [`${head}not enforced: the ${d.direction === 'egress' ? 'source' : 'destination'} is a hostNetwork pod (outside policy)`];
    case 'loopback': return [`${head}allowed: a pod reaching itself never leaves it`];
    case 'not-isolated': return [`${head}allowed: no NetworkPolicy selecting ${d.subject ?? 'the pod'} has ${d.direction === 'ingress' ? 'Ingress' : 'Egress'} in policyTypes (not isolated)`];
    case 'node-local': return [`${head}allowed: isolated by ${isoText}, but traffic ${d.direction === 'ingress' ? 'from' : 'to'} the pod's own node is always allowed`];
    case 'rule': {
      const r = d.admittedBy;
      if (!r) return [`${head}allowed`];
      const p = ix.cluster.policies.find((x) => policyKey(x) === r.policy);
      const rule = p ? (r.direction === 'ingress' ? p.spec.ingress : p.spec.egress)[r.ruleIndex] : undefined;
      const what = rule ? admitText(rule, r.peerIndex, r.portIndex, p?.metadata.namespace ?? 'default', otherName) : '';
      return [`${head}isolated by ${isoText}; admitted by ${r.policy} ${r.path} (${formatLoc(r.peerLoc ?? r.loc)})${what ? `: ${what}` : ''}`];
    }
    case 'no-rule': {
      const lines = [`${head}isolated by ${isoText} and no rule admits ${otherName}`];
      for (const m of d.misses) lines.push(`    ${missText(ix, v, m, other, otherName)}`);
      if (d.isolatedBy.length > 0 && d.misses.length === 0) lines.push(`    (the isolating ${d.isolatedBy.length === 1 ? 'policy has' : 'policies have'} no ${d.direction} rules: deny all)`);
      return lines;
    }
  }
}

function joinAnd(xs: readonly string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1] as string}`;
}

export function describePeer(peer: NetworkPolicyPeer, policyNs: string): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidrText}${peer.ipBlock.exceptText.length ? ` except ${peer.ipBlock.exceptText.join(', ')}` : ''}`;
  const pods = peer.podSelector && !isEmptySelector(peer.podSelector) ? `pods ${formatSelector(peer.podSelector)}` : 'every pod';
  const ns = !peer.namespaceSelector ? `namespace ${policyNs}`
    : isEmptySelector(peer.namespaceSelector) ? 'every namespace' : `namespaces ${formatSelector(peer.namespaceSelector)}`;
  return `${pods} in ${ns}`;
}

export function describePort(e: NetworkPolicyPort): string {
  if (e.port === undefined) return `${e.protocol} (every port)`;
  if (e.endPort !== undefined) return `${e.protocol} ${e.port}-${e.endPort}`;
  return `${e.protocol} ${typeof e.port === 'string' ? `"${e.port}"` : e.port}`;
}

function admitText(rule: NetworkPolicyRule, peerIndex: number | undefined, portIndex: number | undefined, ns: string, otherName: string): string {
  const peerText = peerIndex === undefined ? 'every peer (no from/to)' : (() => {
    const peer = rule.peers[peerIndex];
    if (!peer) return '';
    return peer.ipBlock ? `${describePeer(peer, ns)} contains ${otherName}` : `${describePeer(peer, ns)} selects ${otherName}`;
  })();
  const portText = portIndex === undefined ? 'every port' : describePort(rule.ports[portIndex] as NetworkPolicyPort);
  return `${peerText}, ${portText}`;
}

function missText(ix: NetpolIndex, v: NetpolVerdict, m: RuleMiss, other: ResolvedEnd, otherName: string): string {
  const p = ix.cluster.policies.find((x) => policyKey(x) === m.policy);
  const head = `${m.policy} ${m.path} (${formatLoc(m.loc)}): `;
  if (!p) return `${head}does not admit`;
  const rule = (m.path.startsWith('spec.ingress') ? p.spec.ingress : p.spec.egress)[m.ruleIndex];
  if (!rule) return `${head}does not admit`;
  const ns = p.metadata.namespace ?? 'default';
  if (m.why === 'ports') {
    const dst = v.to.kind === 'pod' || v.to.kind === 'host-network-pod' ? v.to.pod : undefined;
    const ports = rule.ports.map((e) => {
      const d = describePort(e);
      if (typeof e.port !== 'string') return d;
      const n = resolveNamedPort(dst?.ports, e.port, e.protocol);
      return n === undefined ? `${d} (not a port of ${dst ? dst.key : 'a non-pod destination'})` : `${d} (= ${n} on ${dst?.key ?? ''})`;
    });
    return `${head}ports ${ports.join(', ')} do not include ${v.query.protocol} ${v.query.port}`;
  }
  const s = subjectOf(ix, other);
  const why = rule.peers.map((peer, i) => `${m.path.startsWith('spec.ingress') ? 'from' : 'to'}[${i}] ${describePeer(peer, ns)} ${peerMissText(peer, s, other, otherName)}`);
  return `${head}${why.join('; ')}`;
}

function peerMissText(peer: NetworkPolicyPeer, s: PeerSubject, other: ResolvedEnd, otherName: string): string {
  if (peer.ipBlock) {
    if (s.ip === undefined) return `cannot match ${otherName}: it has no IP`;
    if (peer.ipBlock.family !== 4) return `is IPv6 and cannot contain ${otherName}`;
    const ex = exceptHit(peer.ipBlock, s.ip);
    if (ex) return `excepts ${formatIPv4(s.ip)} (${ex})`;
    return ipBlockContains(peer.ipBlock, s.ip) ? `contains ${formatIPv4(s.ip)}` : `does not contain ${formatIPv4(s.ip)}`;
  }
  if (other.kind === 'host-network-pod') return `does not select ${otherName}: hostNetwork pods are not selectable`;
  if (!s.pod) return `does not select ${otherName}: not a pod`;
  return `does not select ${otherName}`;
}

/** A verdict as plain JSON (addresses as text, locations as `file:line`). */
export function verdictToJson(ix: NetpolIndex, v: NetpolVerdict): Record<string, unknown> {
  const dir = (d: DirectionVerdict) => ({
    allowed: d.allowed,
    reason: d.reason,
    ...(d.subject === undefined ? {} : { pod: d.subject }),
    isolatedBy: d.isolatedBy.map((p) => ({ policy: p.policy, at: formatLoc(p.loc) })),
    ...(d.admittedBy ? { admittedBy: { policy: d.admittedBy.policy, rule: d.admittedBy.path, at: formatLoc(d.admittedBy.peerLoc ?? d.admittedBy.loc) } } : {}),
  });
  const dec = v.decidedBy;
  return {
    allowed: v.allowed,
    protocol: v.query.protocol,
    port: v.query.port,
    from: endName(v.from),
    fromKind: v.from.kind,
    fromDestinationNode: v.fromDestinationNode,
    to: endName(v.to),
    egress: dir(v.egress),
    ingress: dir(v.ingress),
    ...(dec ? { decidedBy: { policy: dec.policy, ...('path' in dec ? { rule: dec.path } : {}), at: formatLoc('peerLoc' in dec && dec.peerLoc ? dec.peerLoc : dec.loc) } } : {}),
    explanation: explainText(ix, v),
  };
}
