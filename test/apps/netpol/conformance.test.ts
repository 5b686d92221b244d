// NetworkPolicy conformance, derived from the networking/v1 API doc comments, the "Network
// Policies" concepts page and the upstream e2e suite (test/e2e/network/netpol). Each test names the
// rule it checks. Tables are computed by the matrix engine; single cells by the verdict engine.
import { describe, expect, it } from 'vitest';
import { clusterOf, denied, pairs, ns, pod, policy, verdict, ALL_PODS } from './helpers.js';
import { withNamespaceLabels, withPodLabels, withPolicy, withoutPolicy, explainText, indexCluster } from '../../../sim/apps/netpol/index.js';
import { parseManifests } from '../../../sim/parsers/k8s/index.js';
import type { NetworkPolicy } from '../../../sim/model/k8s/network-policy.js';

const DENY_ALL_X = policy('deny-all', 'x', 'podSelector: {}\n');

describe('selection and isolation', () => {
  it('with no policy, every connection is allowed (a pod not isolated allows everything)', () => {
    expect(denied(clusterOf('').cluster)).toEqual([]);
  });

  it('an empty podSelector selects every pod of the policy namespace, and only that namespace', () => {
    const { cluster } = clusterOf(DENY_ALL_X);
    expect(denied(cluster)).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('a podSelector selects matching pods of the policy namespace only', () => {
    const { cluster } = clusterOf(policy('deny-a', 'x', 'podSelector:\n  matchLabels:\n    pod: a\n'));
    expect(denied(cluster)).toEqual(pairs((_s, d) => d === 'x/a'));
  });

  it('policyTypes defaults to [Ingress] when there are no egress rules, and the policy isolates ingress only', () => {
    const { cluster } = clusterOf(DENY_ALL_X);
    const p = cluster.policies[0] as NetworkPolicy;
    expect(p.spec.policyTypes).toEqual(['Ingress']);
    expect(p.spec.policyTypesDefaulted).toBe(true);
    expect(verdict(cluster, 'x/a', 'y/a').allowed).toBe(true); // egress of x/a untouched
  });

  it('a policy with egress rules and no policyTypes also isolates ingress (defaulting always adds Ingress)', () => {
    const { cluster } = clusterOf(policy('egress-only', 'x', 'podSelector: {}\negress:\n- {}\n'));
    expect((cluster.policies[0] as NetworkPolicy).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(denied(cluster)).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('policyTypes [Egress] with no egress rules denies all egress and leaves ingress open', () => {
    const { cluster } = clusterOf(policy('deny-egress', 'x', 'podSelector: {}\npolicyTypes: [Egress]\n'));
    expect(denied(cluster)).toEqual(pairs((s) => ns(s) === 'x'));
    const v = verdict(cluster, 'y/a', 'x/a');
    expect(v.ingress.reason).toBe('not-isolated');
  });

  it('policyTypes [Ingress, Egress] isolates both directions', () => {
    const { cluster } = clusterOf(policy('deny-both', 'x', 'podSelector:\n  matchLabels: {pod: a}\npolicyTypes: [Ingress, Egress]\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => s === 'x/a' || d === 'x/a'));
  });

  it('a pod reaching itself is never blocked', () => {
    const { cluster } = clusterOf(policy('deny-both', 'x', 'podSelector: {}\npolicyTypes: [Ingress, Egress]\n'));
    const v = verdict(cluster, 'x/a', 'x/a');
    expect(v.allowed).toBe(true);
    expect(v.ingress.reason).toBe('loopback');
  });
});

describe('peers', () => {
  it('podSelector alone means pods of the policy namespace', () => {
    const { cluster } = clusterOf(policy('allow-b', 'x', 'podSelector: {}\ningress:\n- from:\n  - podSelector:\n      matchLabels: {pod: b}\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && s !== 'x/b'));
  });

  it('namespaceSelector alone means every pod of the matching namespaces', () => {
    const { cluster } = clusterOf(policy('allow-y', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: "y"}\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && ns(s) !== 'y'));
  });

  it('podSelector and namespaceSelector in one peer are ANDed', () => {
    const { cluster } = clusterOf(policy('and', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: "y"}\n    podSelector:\n      matchLabels: {pod: b}\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && s !== 'y/b'));
  });

  it('podSelector and namespaceSelector as two peers are ORed', () => {
    const { cluster } = clusterOf(policy('or', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: "y"}\n  - podSelector:\n      matchLabels: {pod: b}\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && !(ns(s) === 'y' || s === 'x/b')));
  });

  it('an empty namespaceSelector means every pod in every namespace (but not outside addresses)', () => {
    const { cluster } = clusterOf(policy('all-ns', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}\n'));
    expect(denied(cluster)).toEqual([]);
    expect(verdict(cluster, '203.0.113.7', 'x/a').allowed).toBe(false);
  });

  it('an empty podSelector peer means every pod of the policy namespace', () => {
    const { cluster } = clusterOf(policy('same-ns', 'x', 'podSelector: {}\ningress:\n- from:\n  - podSelector: {}\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && ns(s) !== 'x'));
  });

  it('namespaces carry kubernetes.io/metadata.name automatically, so a selector can name a namespace', () => {
    const { cluster } = clusterOf(policy('by-name', 'x', "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: z\n"), { nsLabels: { x: {}, y: {}, z: {} } });
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && ns(s) !== 'z'));
  });

  it('an ingress rule without from (or with from: []) admits every source, including outside addresses', () => {
    for (const rule of ['- {}', '- from: []', '- ports: []']) {
      const { cluster } = clusterOf(policy('allow-all', 'x', `podSelector: {}\ningress:\n${rule}\n`));
      expect(denied(cluster)).toEqual([]);
      expect(verdict(cluster, '203.0.113.7', 'x/a').allowed).toBe(true);
    }
  });

  it('an empty ingress list (or none) admits nothing', () => {
    const { cluster } = clusterOf(policy('deny', 'x', 'podSelector: {}\ningress: []\n'));
    expect(denied(cluster)).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('matchExpressions: In, NotIn (also matching pods without the key), Exists, DoesNotExist', () => {
    const sel = (expr: string) => clusterOf(policy('p', 'x', `podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}\n    podSelector:\n      matchExpressions:\n      - ${expr}\n`)).cluster;
    expect(denied(sel('{key: pod, operator: In, values: [a, b]}'))).toEqual(pairs((s, d) => ns(d) === 'x' && pod(s) === 'c'));
    expect(denied(sel('{key: pod, operator: NotIn, values: [a]}'))).toEqual(pairs((s, d) => ns(d) === 'x' && pod(s) === 'a'));
    expect(denied(sel('{key: missing, operator: NotIn, values: [a]}'))).toEqual([]);
    expect(denied(sel('{key: pod, operator: Exists}'))).toEqual([]);
    expect(denied(sel('{key: pod, operator: DoesNotExist}'))).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('ipBlock matches pod IPs for pod-to-pod traffic (e2e uses pod /32 blocks), and except removes addresses', () => {
    const { cluster } = clusterOf(policy('ipb', 'x', 'podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 10.2.0.0/16\n      except: [10.2.0.2/32]\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && !(ns(s) === 'y' && s !== 'y/b')));
    const v = verdict(cluster, 'y/b', 'x/a');
    expect(explainText(indexCluster(cluster), v)).toContain('excepts 10.2.0.2 (10.2.0.2/32)');
  });

  it('ipBlock with except applies to outside addresses', () => {
    const { cluster } = clusterOf(policy('ipb', 'x', 'podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 203.0.113.0/24\n      except: [203.0.113.128/25]\n'));
    expect(verdict(cluster, '203.0.113.7', 'x/a').allowed).toBe(true);
    expect(verdict(cluster, '203.0.113.200', 'x/a').allowed).toBe(false);
    expect(verdict(cluster, '198.51.100.1', 'x/a').allowed).toBe(false);
  });
});

describe('ports and protocols', () => {
  const allowFromAll = (ports: string) => clusterOf(policy('p', 'x', `podSelector: {}\ningress:\n- ports:\n${ports}\n`)).cluster;

  it('a numeric port admits that port only', () => {
    const c = allowFromAll('  - port: 80');
    expect(denied(c, 80)).toEqual([]);
    expect(denied(c, 81)).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('protocol defaults to TCP, so port 80 does not admit UDP 80', () => {
    const c = allowFromAll('  - port: 80');
    expect((c.policies[0] as NetworkPolicy).spec.ingress[0]?.ports[0]?.protocol).toBe('TCP');
    expect(denied(c, 80, 'UDP')).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('a UDP rule never opens TCP, and an SCTP-only rule still isolates TCP', () => {
    const udp = allowFromAll('  - port: 80\n    protocol: UDP');
    expect(denied(udp, 80, 'UDP')).toEqual([]);
    expect(denied(udp, 80, 'TCP')).toEqual(pairs((_s, d) => ns(d) === 'x'));
    const sctp = allowFromAll('  - protocol: SCTP');
    expect(denied(sctp, 81, 'SCTP')).toEqual([]);
    expect(denied(sctp, 81, 'TCP')).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('a protocol without a port admits every port of that protocol', () => {
    const c = allowFromAll('  - protocol: UDP');
    expect(denied(c, 81, 'UDP')).toEqual([]);
    expect(denied(c, 12345, 'UDP')).toEqual([]);
    expect(denied(c, 81, 'TCP')).not.toEqual([]);
  });

  it('endPort admits the inclusive range port..endPort', () => {
    const c = allowFromAll('  - port: 80\n    endPort: 81');
    expect(denied(c, 80)).toEqual([]);
    expect(denied(c, 81)).toEqual([]);
    expect(denied(c, 82)).toEqual(pairs((_s, d) => ns(d) === 'x'));
    expect(denied(c, 79)).toEqual(pairs((_s, d) => ns(d) === 'x'));
  });

  it('a named ingress port resolves on the destination pod (name and protocol)', () => {
    const extra = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: d\n  namespace: x\n  labels: {pod: d}\nspec:\n  nodeName: node-1\n  containers:\n  - name: c\n    image: i\n    ports:\n    - {name: serve-81-tcp, containerPort: 8081}\nstatus:\n  podIP: 10.1.0.4\n';
    const { cluster } = clusterOf(policy('named', 'x', 'podSelector: {}\ningress:\n- ports:\n  - port: serve-81-tcp\n'), { extra });
    expect(verdict(cluster, 'y/a', 'x/a', 81).allowed).toBe(true);
    expect(verdict(cluster, 'y/a', 'x/a', 8081).allowed).toBe(false);
    expect(verdict(cluster, 'y/a', 'x/d', 8081).allowed).toBe(true);
    expect(verdict(cluster, 'y/a', 'x/d', 81).allowed).toBe(false);
    expect(verdict(cluster, 'y/a', 'x/a', 81, 'UDP').allowed).toBe(false);
    expect(denied(cluster, 8081)).toEqual([...pairs((_s, d) => ns(d) === 'x').filter((c) => !c.endsWith('x/d')), ...ALL_PODS.filter((p) => p !== 'x/d' && ns(p) === 'x').map((p) => `x/d -> ${p}`)].sort());
  });
});

describe('egress, and both directions together', () => {
  it('egress rules limit where selected pods may connect', () => {
    const { cluster } = clusterOf(policy('egress-y', 'x', 'podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - namespaceSelector:\n      matchLabels: {ns: "y"}\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(s) === 'x' && ns(d) !== 'y'));
  });

  it('a named egress port resolves on the destination (peer) pod', () => {
    const { cluster } = clusterOf(policy('egress-named', 'x', 'podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports:\n  - port: serve-81-udp\n    protocol: UDP\n'));
    expect(verdict(cluster, 'x/a', 'y/a', 81, 'UDP').allowed).toBe(true);
    expect(verdict(cluster, 'x/a', 'y/a', 80, 'UDP').allowed).toBe(false);
    expect(verdict(cluster, 'x/a', '203.0.113.9', 81, 'UDP').allowed).toBe(false); // a non-pod has no named ports
  });

  it('egress to an outside address is decided by ipBlock', () => {
    const { cluster } = clusterOf(policy('egress-ip', 'x', 'podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - ipBlock: {cidr: 203.0.113.0/24}\n'));
    expect(verdict(cluster, 'x/a', '203.0.113.9').allowed).toBe(true);
    expect(verdict(cluster, 'x/a', '198.51.100.9').allowed).toBe(false);
    expect(verdict(cluster, 'x/a', 'y/a').allowed).toBe(false);
  });

  it('a connection needs egress allowed at the source and ingress allowed at the destination', () => {
    const policies = [
      policy('x-egress-to-y', 'x', 'podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - namespaceSelector: {matchLabels: {ns: "y"}}\n'),
      policy('y-ingress-from-x-a', 'y', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {ns: x}}\n    podSelector: {matchLabels: {pod: a}}\n'),
    ].join('---\n');
    const { cluster } = clusterOf(policies);
    expect(denied(cluster)).toEqual(pairs((s, d) => (ns(s) === 'x' && ns(d) !== 'y') || (ns(d) === 'y' && s !== 'x/a')));
    const v = verdict(cluster, 'x/b', 'y/a');
    expect(v.egress.allowed).toBe(true);
    expect(v.ingress.allowed).toBe(false);
  });
});

describe('several policies', () => {
  it('the allowances of every policy selecting a pod are united', () => {
    const { cluster } = clusterOf([
      policy('from-y', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {ns: "y"}}\n'),
      policy('from-z-c', 'x', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {ns: z}}\n    podSelector: {matchLabels: {pod: c}}\n'),
    ].join('---\n'));
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && ns(s) !== 'y' && !(d === 'x/a' && s === 'z/c')));
    expect(verdict(cluster, 'z/a', 'x/a').ingress.isolatedBy.map((p) => p.policy)).toEqual(['x/from-y', 'x/from-z-c']);
  });

  it('a policy with the same namespace/name replaces the earlier one instead of adding to it', () => {
    const { cluster, diagnostics } = clusterOf([
      policy('p', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {ns: "y"}}\n'),
      policy('p', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {ns: z}}\n'),
    ].join('---\n'));
    expect(cluster.policies).toHaveLength(1);
    expect(denied(cluster)).toEqual(pairs((s, d) => ns(d) === 'x' && ns(s) !== 'z'));
    expect(diagnostics.some((d) => d.code === 'replaced' && d.message.includes('NetworkPolicy x/p'))).toBe(true);
  });

  it('withPolicy updates in place by name; withoutPolicy removes', () => {
    const { cluster } = clusterOf(policy('p', 'x', 'podSelector: {}\n'));
    const next = parseManifests(policy('p', 'x', 'podSelector: {}\ningress:\n- {}\n'), { file: 'update.yaml' }).value[0] as NetworkPolicy;
    const updated = withPolicy(cluster, next);
    expect(updated.policies).toHaveLength(1);
    expect(denied(updated)).toEqual([]);
    expect(denied(withoutPolicy(cluster, 'x/p'))).toEqual([]);
    expect(denied(cluster)).not.toEqual([]);
  });

  it('changing a namespace\'s labels changes which peers it matches; the name label stays', () => {
    const { cluster } = clusterOf(policy('from-team', 'x', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {team: blue}}\n'));
    expect(denied(cluster)).toEqual(pairs((_s, d) => ns(d) === 'x'));
    const relabelled = withNamespaceLabels(cluster, 'z', { team: 'blue', 'kubernetes.io/metadata.name': 'other' });
    expect(denied(relabelled)).toEqual(pairs((s, d) => ns(d) === 'x' && ns(s) !== 'z'));
    expect(relabelled.namespaces.get('z')?.labels['kubernetes.io/metadata.name']).toBe('z');
  });

  it('changing a pod\'s labels changes whether a policy selects it', () => {
    const { cluster } = clusterOf(policy('deny-a', 'x', 'podSelector: {matchLabels: {pod: a}}\n'));
    const moved = withPodLabels(cluster, 'x/b', { pod: 'a' });
    expect(denied(moved)).toEqual(pairs((_s, d) => d === 'x/a' || d === 'x/b'));
  });
});

describe('nodes, host network and explanations', () => {
  it('traffic from the pod\'s own node is always allowed; another node is not', () => {
    const { cluster } = clusterOf(DENY_ALL_X);
    const local = verdict(cluster, '192.168.100.1', 'x/a');
    expect(local.allowed).toBe(true);
    expect(local.ingress.reason).toBe('node-local');
    expect(local.fromDestinationNode).toBe(true);
    const remote = verdict(cluster, '192.168.100.2', 'x/a');
    expect(remote.allowed).toBe(false);
    expect(remote.from.kind).toBe('node');
  });

  it('hostNetwork pods are outside policy: not enforced on, not selectable, seen as their node', () => {
    const extra = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: h\n  namespace: x\n  labels: {pod: a}\nspec:\n  nodeName: node-2\n  hostNetwork: true\n  containers:\n  - {name: c, image: i}\nstatus:\n  podIP: 192.168.100.2\n';
    const { cluster } = clusterOf([DENY_ALL_X, policy('from-a', 'y', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}\n    podSelector: {matchLabels: {pod: a}}\n')].join('---\n'), { extra });
    expect(verdict(cluster, 'y/a', 'x/h').ingress.reason).toBe('host-network');
    expect(verdict(cluster, 'y/a', 'x/h').allowed).toBe(true);
    // labelled pod=a, but hostNetwork pods are not matched by selectors: only its node identity counts
    expect(verdict(cluster, 'x/h', 'y/b').ingress.reason).toBe('node-local'); // same node (node-2)
    expect(verdict(cluster, 'x/h', 'x/a').allowed).toBe(false); // node-2 is not x/a's node
  });

  it('an allowed verdict cites the admitting rule and peer by file:line', () => {
    const { cluster } = clusterOf(policy('allow-b', 'x', 'podSelector: {}\ningress:\n- from:\n  - podSelector:\n      matchLabels: {pod: b}\n'));
    const v = verdict(cluster, 'x/b', 'x/a');
    const r = v.ingress.admittedBy;
    expect(r?.path).toBe('spec.ingress[0].from[0]');
    const text = explainText(indexCluster(cluster), v);
    expect(text).toContain(`admitted by x/allow-b spec.ingress[0].from[0] (test.yaml:${r?.peerLoc?.line})`);
    expect(text).toContain('pods pod=b in namespace x selects x/b');
  });
});
