// Properties of NetworkPolicy semantics over random clusters and policies (fast-check):
// - policies only add allowances: adding one never closes, in a direction, a pod already isolated
//   in that direction (networking/v1: "policies are additive");
// - with no policy every connection is allowed (no pod is isolated);
// - the set-based matrix equals the one-connection-at-a-time verdicts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Cidr, IPv4 } from '../../../sim/core/ip.js';
import { cidr, formatCidr } from '../../../sim/core/ip.js';
import type { LabelSelector, LabelSelectorRequirement } from '../../../sim/model/k8s/label-selector.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, PolicyType } from '../../../sim/model/k8s/network-policy.js';
import type { Protocol } from '../../../sim/model/k8s/protocol.js';
import { namespaceLabels } from '../../../sim/model/k8s/namespace.js';
import type { NetpolCluster, NetpolPod } from '../../../sim/apps/netpol/index.js';
import { computeMatrix, evaluateConnection, indexCluster, matrixCell, withPolicy } from '../../../sim/apps/netpol/index.js';

const KEYS = ['app', 'tier'] as const;
const VALUES = ['a', 'b'] as const;
const PROTOS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const PORT_NAMES = ['web', 'dns'] as const;

const labelsArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });
const reqArb: fc.Arbitrary<LabelSelectorRequirement> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const), values: fc.constant([] as string[]) }),
);
const selectorArb: fc.Arbitrary<LabelSelector> = fc.record({ matchLabels: labelsArb, matchExpressions: fc.array(reqArb, { maxLength: 1 }) });
const blockArb = fc.constantFrom('10.0.0.0/8', '10.0.0.0/24', '10.0.1.0/24', '192.168.0.0/16', '0.0.0.0/0');
const peerArb = (path: string): fc.Arbitrary<NetworkPolicyPeer> => fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.tuple(blockArb, fc.boolean()).map(([b, withExcept]) => {
    const c = cidr(b);
    const except: Cidr[] = withExcept && c.prefix < 32 ? [{ addr: c.addr, prefix: Math.min(32, c.prefix + 2) } as Cidr] : [];
    return { ipBlock: { family: 4 as const, cidr: c, cidrText: b, except, exceptText: except.map(formatCidr) } };
  }),
).map((p) => ({ ...p, path }));
const portArb: fc.Arbitrary<Omit<NetworkPolicyPort, 'path'>> = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOS) }),
  fc.record({ protocol: fc.constantFrom(...PROTOS), port: fc.constantFrom(80, 81, 53) }),
  fc.record({ protocol: fc.constantFrom(...PROTOS), port: fc.constant(80), endPort: fc.constantFrom(80, 81, 90) }),
  fc.record({ protocol: fc.constantFrom(...PROTOS), port: fc.constantFrom(...PORT_NAMES) }),
);
const ruleArb = (path: string): fc.Arbitrary<NetworkPolicyRule> => fc.record({
  peers: fc.array(peerArb(`${path}.from[0]`), { maxLength: 2 }),
  ports: fc.array(portArb.map((p) => ({ ...p, path: `${path}.ports[0]` })), { maxLength: 2 }),
}).map((r) => ({ ...r, path }));

const policyArb = (name: string): fc.Arbitrary<NetworkPolicy> => fc.record({
  namespace: fc.constantFrom('x', 'y'),
  podSelector: selectorArb,
  ingress: fc.array(ruleArb('spec.ingress[0]'), { maxLength: 2 }),
  egress: fc.array(ruleArb('spec.egress[0]'), { maxLength: 2 }),
  types: fc.constantFrom<PolicyType[][]>([], ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
}).map(({ namespace, podSelector, ingress, egress, types }) => ({
  kind: 'NetworkPolicy' as const, apiVersion: 'networking.k8s.io/v1',
  metadata: { name, namespace, labels: {}, annotations: {} },
  loc: { file: 'gen.yaml', line: 1, column: 1 }, fields: {},
  spec: {
    podSelector, ingress, egress, policyTypesDefaulted: types.length === 0,
    policyTypes: types.length === 0 ? (egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']) : types,
  },
}));

const podArb = (i: number): fc.Arbitrary<NetpolPod> => fc.record({
  namespace: fc.constantFrom('x', 'y'),
  labels: labelsArb,
  hasIp: fc.boolean(),
  node: fc.constantFrom('n1', 'n2'),
  hostNetwork: fc.boolean().map((b) => b && i % 4 === 3),
  webPort: fc.constantFrom(80, 81),
}).map(({ namespace, labels, hasIp, node, hostNetwork, webPort }) => {
  const ip = (hostNetwork ? (node === 'n1' ? 0xc0a80001 : 0xc0a80002) : (0x0a000000 + (i % 2) * 256 + i + 1)) as IPv4;
  const p: { -readonly [K in keyof NetpolPod]: NetpolPod[K] } = {
    key: `${namespace}/p${i}`, namespace, name: `p${i}`, labels, nodeName: node, hostNetwork,
    ports: [{ name: 'web', containerPort: webPort, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
  };
  if (hasIp || hostNetwork) p.ip = ip;
  return p;
});

const clusterArb: fc.Arbitrary<NetpolCluster> = fc.record({
  pods: fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => podArb(i)))),
  policies: fc.integer({ min: 0, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policyArb(`pol${i}`)))),
  nsLabels: fc.tuple(labelsArb, labelsArb),
}).map(({ pods, policies, nsLabels }) => ({
  namespaces: new Map([['x', { name: 'x', labels: namespaceLabels('x', nsLabels[0]), declared: true }], ['y', { name: 'y', labels: namespaceLabels('y', nsLabels[1]), declared: true }]]),
  pods,
  policies,
  nodes: new Map<string, IPv4[]>([['n1', [0xc0a80001 as IPv4]], ['n2', [0xc0a80002 as IPv4]]]),
}));

const trafficArb = fc.record({ port: fc.constantFrom(80, 81, 53, 90), protocol: fc.constantFrom(...PROTOS) });
const EXTRA_IPS = [0x0a000105, 0xc0a80001, 0xc0a80002, 0x08080808].map((n) => n as IPv4);

describe('NetworkPolicy properties', () => {
  it('matrix cells equal one-by-one verdicts (pods and listed addresses)', () => {
    fc.assert(fc.property(clusterArb, trafficArb, (cluster, t) => {
      const ix = indexCluster(cluster);
      const m = computeMatrix(cluster, { ...t, fromIps: EXTRA_IPS });
      m.sources.forEach((s, i) => m.destinations.forEach((d, j) => {
        const from = i < cluster.pods.length ? { pod: s } : { ip: EXTRA_IPS[i - cluster.pods.length] as IPv4 };
        const v = evaluateConnection(ix, { from, to: { pod: d }, ...t });
        expect(matrixCell(m, i, j), `${s} -> ${d} ${t.protocol}/${t.port}`).toBe(v.allowed);
      }));
    }), { numRuns: 300 });
  });

  it('with every policy removed, everything is allowed', () => {
    fc.assert(fc.property(clusterArb, trafficArb, (cluster, t) => {
      const m = computeMatrix({ ...cluster, policies: [] }, { ...t, fromIps: EXTRA_IPS });
      expect(m.cells.every((c) => c === 1)).toBe(true);
    }), { numRuns: 100 });
  });

  it('adding a policy never closes a direction of a pod that was already isolated in it', () => {
    fc.assert(fc.property(clusterArb, policyArb('added'), trafficArb, (cluster, added, t) => {
      const before = indexCluster(cluster);
      const after = indexCluster(withPolicy(cluster, added));
      for (const s of cluster.pods) for (const d of cluster.pods) {
        const q = { from: { pod: s.key }, to: { pod: d.key }, ...t };
        const vb = evaluateConnection(before, q);
        const va = evaluateConnection(after, q);
        if (vb.ingress.isolatedBy.length > 0 && vb.ingress.allowed) expect(va.ingress.allowed).toBe(true);
        if (vb.egress.isolatedBy.length > 0 && vb.egress.allowed) expect(va.egress.allowed).toBe(true);
      }
    }), { numRuns: 300 });
  });
});
