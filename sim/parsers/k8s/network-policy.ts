// networking.k8s.io/v1 NetworkPolicy: decoding, defaulting (pkg/apis/networking/v1/defaults.go) and
// validation (pkg/apis/networking/validation/validation.go ValidateNetworkPolicySpec, ...Port,
// ...Peer, ValidateIPBlock).
import type { Cidr } from '../../core/ip.js';
import { cidrContains } from '../../core/ip.js';
import { EMPTY_SELECTOR } from '../../model/k8s/label-selector.js';
import { childPath } from '../../model/k8s/meta.js';
import type { ObjectMeta, FieldLocations } from '../../model/k8s/meta.js';
import type { IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, PolicyType } from '../../model/k8s/network-policy.js';
import { POLICY_TYPES } from '../../model/k8s/network-policy.js';
import type { Protocol } from '../../model/k8s/protocol.js';
import { PROTOCOLS } from '../../model/k8s/protocol.js';
import { checkCidr } from './cidr.js';
import { decodeSelector } from './common.js';
import { portName, portNumber } from './names.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, fail, get, has, int, intOrString, invalid, list, required, str, strList, unsupported, warn } from './reader.js';
import type { SourceLocation } from '../../core/diagnostics.js';
import type { YValue } from './yaml-tree.js';

export function decodeNetworkPolicy(ctx: Ctx, root: YMap, base: { apiVersion: string; metadata: ObjectMeta; loc: SourceLocation; fields: FieldLocations }): NetworkPolicy {
  const spec = asMap(ctx, get(root, 'spec'), 'spec', ['podSelector', 'policyTypes', 'ingress', 'egress']);
  asMap(ctx, get(root, 'status'), 'status', ['conditions']);
  if (spec && !has(spec, 'podSelector')) {
    // v1 marks podSelector required; an absent one decodes to the empty selector (all pods).
    warn(ctx, spec.pos, 'spec.podSelector: not set; it means {} (every pod in the namespace)');
  }
  const podSelector = decodeSelector(ctx, get(spec, 'podSelector'), 'spec.podSelector') ?? EMPTY_SELECTOR;
  const ingress = list(ctx, spec, 'spec', 'ingress').map(({ value, path }) => decodeRule(ctx, value, path, 'from'));
  const egress = list(ctx, spec, 'spec', 'egress').map(({ value, path }) => decodeRule(ctx, value, path, 'to'));

  const written = strList(ctx, spec, 'spec', 'policyTypes');
  const ptPos = get(spec, 'policyTypes')?.pos ?? spec?.pos ?? root.pos;
  let policyTypes: PolicyType[];
  const policyTypesDefaulted = written.length === 0;
  if (policyTypesDefaulted) {
    // SetDefaults_NetworkPolicy: Ingress always; Egress only when egress rules exist.
    policyTypes = egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  } else {
    policyTypes = [];
    if (written.length > 2) fail(ctx, ptPos, 'spec.policyTypes', `Invalid value: ${JSON.stringify(written)}: may not specify more than two policyTypes`);
    written.forEach((t, i) => {
      const pt = POLICY_TYPES.find((p) => p === t);
      if (!pt) unsupported(ctx, ptPos, childPath('spec.policyTypes', i), t, POLICY_TYPES);
      else if (!policyTypes.includes(pt)) policyTypes.push(pt);
    });
  }
  return { kind: 'NetworkPolicy', ...base, spec: { podSelector, policyTypes, policyTypesDefaulted, ingress, egress } };
}

function decodeRule(ctx: Ctx, v: YValue, path: string, peersKey: 'from' | 'to'): NetworkPolicyRule {
  // A null list item decodes to the zero rule, which is `{}`: every peer, every port.
  const m = asMap(ctx, v, path, [peersKey, 'ports']);
  const peers = list(ctx, m, path, peersKey).map(({ value, path: p }) => decodePeer(ctx, value, p)).filter((p): p is NetworkPolicyPeer => p !== undefined);
  const ports = list(ctx, m, path, 'ports').map(({ value, path: p }) => decodePort(ctx, value, p)).filter((p): p is NetworkPolicyPort => p !== undefined);
  return { peers, ports, path };
}

function decodePeer(ctx: Ctx, v: YValue, path: string): NetworkPolicyPeer | undefined {
  const m = asMap(ctx, v, path, ['podSelector', 'namespaceSelector', 'ipBlock']);
  const podSel = get(m, 'podSelector');
  const nsSel = get(m, 'namespaceSelector');
  const ipb = get(m, 'ipBlock');
  const podSelector = podSel ? decodeSelector(ctx, podSel, childPath(path, 'podSelector')) : undefined;
  const namespaceSelector = nsSel ? decodeSelector(ctx, nsSel, childPath(path, 'namespaceSelector')) : undefined;
  const ipBlock = ipb ? decodeIPBlock(ctx, ipb, childPath(path, 'ipBlock')) : undefined;
  const n = (podSel ? 1 : 0) + (nsSel ? 1 : 0) + (ipb ? 1 : 0);
  if (n === 0) {
    required(ctx, v.pos, path, 'must specify a peer');
    return undefined;
  }
  if (n > 1 && ipb) {
    fail(ctx, v.pos, path, 'Forbidden: may not specify both ipBlock and another peer');
    return undefined;
  }
  const peer: { -readonly [K in keyof NetworkPolicyPeer]: NetworkPolicyPeer[K] } = { path };
  if (podSelector) peer.podSelector = podSelector;
  if (namespaceSelector) peer.namespaceSelector = namespaceSelector;
  if (ipBlock) peer.ipBlock = ipBlock;
  if (ipb && !ipBlock) return undefined;
  if ((podSel && !podSelector) || (nsSel && !namespaceSelector)) return undefined;
  return peer;
}

function decodeIPBlock(ctx: Ctx, v: YValue, path: string): IPBlock | undefined {
  const m = asMap(ctx, v, path, ['cidr', 'except']);
  const cidrText = str(ctx, m, path, 'cidr');
  if (cidrText === undefined || cidrText === '') {
    required(ctx, get(m, 'cidr')?.pos ?? m?.pos ?? v.pos, childPath(path, 'cidr'));
    return undefined;
  }
  const exceptText = strList(ctx, m, path, 'except');
  const cidrPos = get(m, 'cidr')?.pos ?? v.pos;
  const c = checkCidr(cidrText);
  if (!c.ok) {
    invalid(ctx, cidrPos, childPath(path, 'cidr'), cidrText, c.message);
    return undefined;
  }
  if (c.family === 4 && c.warning) warn(ctx, cidrPos, `${childPath(path, 'cidr')}: ${JSON.stringify(cidrText)} ${c.warning}`);
  const exceptSeq = get(m, 'except');
  const except: Cidr[] = [];
  let ok = true;
  exceptText.forEach((t, i) => {
    const p = childPath(childPath(path, 'except'), i);
    const pos = exceptSeq?.kind === 'seq' ? (exceptSeq.items[i]?.pos ?? exceptSeq.pos) : cidrPos;
    const e = checkCidr(t);
    if (!e.ok) { invalid(ctx, pos, p, t, e.message); ok = false; return; }
    if (e.family !== c.family) { invalid(ctx, pos, p, t, 'must be a strict subset of `cidr`'); ok = false; return; }
    if (e.family === 4 && c.family === 4) {
      // ValidateIPBlock: the except's network address inside cidr and a strictly longer prefix.
      if (!cidrContains(c.cidr, e.cidr) || e.cidr.prefix <= c.cidr.prefix) { invalid(ctx, pos, p, t, 'must be a strict subset of `cidr`'); ok = false; return; }
      if (e.warning) warn(ctx, pos, `${p}: ${JSON.stringify(t)} ${e.warning}`);
      except.push(e.cidr);
    }
  });
  if (!ok) return undefined;
  if (c.family === 6) {
    ctx.diags.push({ severity: 'unsupported', file: ctx.file, line: cidrPos.line, column: cidrPos.column, message: `${childPath(path, 'cidr')}: IPv6 block ${cidrText} is kept but matches no IPv4 traffic (IPv6 forwarding is not modelled)` });
    return { family: 6, cidr: { addr: 0, prefix: 0 } as Cidr, except: [], cidrText, exceptText };
  }
  return { family: 4, cidr: c.cidr, except, cidrText, exceptText };
}

function decodePort(ctx: Ctx, v: YValue, path: string): NetworkPolicyPort | undefined {
  const m = asMap(ctx, v, path, ['protocol', 'port', 'endPort']);
  const protoText = str(ctx, m, path, 'protocol');
  let protocol: Protocol = 'TCP'; // SetDefaults_NetworkPolicyPort
  let ok = true;
  if (protoText !== undefined) {
    const p = PROTOCOLS.find((x) => x === protoText);
    if (!p) { unsupported(ctx, get(m, 'protocol')?.pos ?? v.pos, childPath(path, 'protocol'), protoText, PROTOCOLS); ok = false; } else protocol = p;
  }
  const port = intOrString(ctx, m, path, 'port');
  const endPort = int(ctx, m, path, 'endPort');
  const portPos = get(m, 'port')?.pos ?? v.pos;
  const endPos = get(m, 'endPort')?.pos ?? v.pos;
  const endPath = childPath(path, 'endPort');
  if (port === undefined) {
    if (endPort !== undefined) { invalid(ctx, endPos, endPath, endPort, 'may not be specified when `port` is not specified'); ok = false; }
  } else if (typeof port === 'number') {
    for (const msg of portNumber(port)) { invalid(ctx, portPos, childPath(path, 'port'), port, msg); ok = false; }
    if (endPort !== undefined) {
      if (endPort < port) { invalid(ctx, endPos, endPath, endPort, 'must be greater than or equal to `port`'); ok = false; }
      for (const msg of portNumber(endPort)) { invalid(ctx, endPos, endPath, endPort, msg); ok = false; }
    }
  } else {
    if (endPort !== undefined) { invalid(ctx, endPos, endPath, endPort, 'may not be specified when `port` is non-numeric'); ok = false; }
    for (const msg of portName(port)) { invalid(ctx, portPos, childPath(path, 'port'), port, msg); ok = false; }
  }
  if (!ok) return undefined;
  const out: { -readonly [K in keyof NetworkPolicyPort]: NetworkPolicyPort[K] } = { protocol, path };
  if (port !== undefined) out.port = port;
  if (endPort !== undefined) out.endPort = endPort;
  return out;
}
