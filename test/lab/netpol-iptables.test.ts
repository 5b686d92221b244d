import { describe, expect, it } from 'vitest';
import { policyRules } from '../../lab/netpol-iptables.js';
import type { LabPod } from '../../lab/cluster-plan.js';
import { parseManifestFiles } from '../../sim/index.js';

const pod = (name: string, labels: Record<string, string>, ip: string, ports: LabPod['ports'] = [{ containerPort: 80, protocol: 'TCP', name: 'http' }]): LabPod =>
  ({ ns: 'web', name, pod: name, labels, node: 'w1', owner: `Pod/web/${name}`, templateHash: 'h', ports, ip, hostVeth: `cali${name.padEnd(11, '0')}` });

function objects(policy: string) {
  const r = parseManifestFiles([{ file: 'p.yaml', text: `apiVersion: v1\nkind: Namespace\nmetadata: { name: web, labels: { team: a } }\n---\n${policy}` }]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.value;
}

const lines = (t: ReturnType<typeof policyRules>, chain: string): string[] => t.table.rules.filter((r) => r.chain === chain).map((r) => r.line);

describe('NetworkPolicy as filter rules toward the pod', () => {
  it('isolates a selected pod: ipBlock accepted, the rest dropped; an unselected pod accepts everything', () => {
    const objs = objects(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow, namespace: web }
spec:
  podSelector: { matchLabels: { app: nginx } }
  ingress:
    - from: [{ ipBlock: { cidr: 192.168.0.10/32 } }]
`);
    const r = policyRules(objs, [pod('a', { app: 'nginx' }, '172.20.6.1'), pod('b', { app: 'other' }, '172.20.6.2')], 'w1');
    const a = lines(r, 'cali-tw-calia0000000000');
    expect(a[0]).toMatch(/RELATED,ESTABLISHED -j ACCEPT$/);
    expect(a).toContain('-A cali-tw-calia0000000000 -s 192.168.0.10/32 -m comment --comment "web/allow ingress[0]" -j ACCEPT');
    expect(a.at(-1)).toMatch(/-j DROP$/);
    expect(lines(r, 'cali-tw-calib0000000000').at(-1)).toMatch(/no policy selects this pod.* -j ACCEPT$/);
    expect(lines(r, 'FORWARD')).toEqual(['-A FORWARD -m comment --comment "hoplab CNI policy" -j cali-FORWARD']);
  });

  it('handles except, named ports, port ranges and pod selectors', () => {
    const objs = objects(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: web }
spec:
  podSelector: {}
  ingress:
    - from: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] } }]
      ports: [{ port: http }]
    - from: [{ podSelector: { matchLabels: { role: client } } }]
      ports: [{ port: 8000, endPort: 8080, protocol: UDP }]
`);
    const r = policyRules(objs, [pod('a', { app: 'x' }, '172.20.6.1'), pod('c', { role: 'client' }, '172.20.6.9')], 'w1');
    const sub = r.table.rules.filter((x) => x.chain.startsWith('cali-pi-a')).map((x) => x.line);
    expect(sub[0]).toBe('-A cali-pi-a0000000000-0 -s 10.1.0.0/16 -j RETURN');
    expect(sub[1]).toContain('-s 10.0.0.0/8 -p tcp -m tcp --dport 80 ');
    const a = lines(r, 'cali-tw-calia0000000000');
    expect(a).toContain('-A cali-tw-calia0000000000 -j cali-pi-a0000000000-0');
    expect(a.some((l) => l.includes('-s 172.20.6.9/32 -p udp -m udp --dport 8000:8080'))).toBe(true);
  });

  it('notes that egress is not enforced', () => {
    const objs = objects(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: e, namespace: web }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]
`);
    expect(policyRules(objs, [pod('a', {}, '172.20.6.1')], 'w1').notes[0]).toMatch(/egress rules are not enforced/);
  });
});
