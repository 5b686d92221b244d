// Properties that must hold for any Services and endpoints: declared chains, name lengths,
// uniform endpoint selection, no duplicate lines, and an iptables-save view with the same rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderKubeProxyRules, type EndpointInfo, type KubeProxyInput, type ServicePortInfo } from '../../../sim/apps/kube-proxy/index.js';

const octet = fc.integer({ min: 0, max: 255 });
const ip = (prefix: string): fc.Arbitrary<string> => fc.tuple(octet, fc.integer({ min: 1, max: 254 })).map(([a, b]) => `${prefix}.${a}.${b}`);

const endpoint: fc.Arbitrary<EndpointInfo> = fc.record(
  {
    ip: ip('10.244'),
    port: fc.integer({ min: 1, max: 65535 }),
    nodeName: fc.constantFrom('node-a', 'node-b'),
    ready: fc.boolean(),
    serving: fc.boolean(),
    terminating: fc.boolean(),
  },
  { requiredKeys: ['ip', 'port'] },
);

const servicePort = fc.record({
  namespace: fc.constantFrom('default', 'kube-system', 'my-ns', 'a-very-long-namespace-name-for-hashing'),
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  portName: fc.option(fc.constantFrom('http', 'https', 'dns', 'metrics'), { nil: undefined }),
  protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
  type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
  clusterIP: ip('10.96'),
  port: fc.integer({ min: 1, max: 65535 }),
  nodePort: fc.option(fc.integer({ min: 30000, max: 32767 }), { nil: undefined }),
  externalIPs: fc.uniqueArray(ip('192.168'), { maxLength: 2 }),
  loadBalancerIPs: fc.uniqueArray(ip('172.18'), { maxLength: 2 }),
  loadBalancerSourceRanges: fc.uniqueArray(fc.constantFrom('192.168.0.0/24', '203.0.113.0/25', '0.0.0.0/0'), { maxLength: 2 }),
  externalTrafficPolicy: fc.constantFrom('Cluster', 'Local'),
  internalTrafficPolicy: fc.constantFrom('Cluster', 'Local'),
  healthCheckNodePort: fc.option(fc.integer({ min: 30000, max: 32767 }), { nil: undefined }),
  sessionAffinity: fc.constantFrom('None', 'ClientIP'),
  endpoints: fc.array(endpoint, { maxLength: 7 }),
});

const kubeProxyInput: fc.Arbitrary<KubeProxyInput> = fc
  .record({
    services: fc.uniqueArray(servicePort, { maxLength: 6, selector: (s) => `${s.namespace}/${s.name}:${s.portName ?? ''}/${s.protocol}` }),
    nfacctAvailable: fc.boolean(),
    localhostNodePorts: fc.boolean(),
    detector: fc.boolean(),
  })
  .map(({ services, nfacctAvailable, localhostNodePorts, detector }) => ({
    nodeName: 'node-a',
    nodeIPs: ['192.168.0.2'],
    ...(detector ? { clusterCIDR: '10.244.0.0/16' } : {}),
    nfacctAvailable,
    localhostNodePorts,
    services: services.map(({ endpoints: _e, portName, nodePort, healthCheckNodePort, ...svc }): ServicePortInfo => ({
      ...svc,
      ...(portName !== undefined ? { portName } : {}),
      ...(nodePort !== undefined ? { nodePort } : {}),
      ...(healthCheckNodePort !== undefined ? { healthCheckNodePort } : {}),
    })),
    endpoints: services.map((s) => ({
      namespace: s.namespace,
      name: s.name,
      ...(s.portName !== undefined ? { portName: s.portName } : {}),
      protocol: s.protocol,
      endpoints: s.endpoints,
    })),
  }));

interface Table {
  declared: Set<string>;
  rules: { chain: string; line: string; target?: string }[];
}

function parseTables(text: string): Map<string, Table> {
  const tables = new Map<string, Table>();
  let cur: Table | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) tables.set(line.slice(1), (cur = { declared: new Set(), rules: [] }));
    else if (line.startsWith(':')) cur?.declared.add(line.slice(1, line.indexOf(' ')));
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] as string;
      const target = / -j (\S+)/.exec(line)?.[1];
      cur?.rules.push({ chain, line, ...(target !== undefined ? { target } : {}) });
    }
  }
  return tables;
}

const SERVICE_CHAIN = /^KUBE-(SVC|SVL|EXT|FW|SEP)-/;

describe('generator properties', () => {
  it('declares every KUBE-* chain it uses, writes no empty or unreferenced service chain, and keeps names within 28 chars', () => {
    fc.assert(
      fc.property(kubeProxyInput, (input) => {
        const tables = parseTables(renderKubeProxyRules(input).text);
        for (const table of tables.values()) {
          for (const r of table.rules) {
            expect(table.declared.has(r.chain)).toBe(true);
            if (r.target?.startsWith('KUBE-') && r.target !== 'KUBE-MARK-MASQ') expect(table.declared.has(r.target)).toBe(true);
          }
          for (const c of table.declared) {
            expect(c.length).toBeLessThanOrEqual(28);
            if (!SERVICE_CHAIN.test(c)) continue;
            expect(table.rules.some((r) => r.chain === c)).toBe(true);
            expect(table.rules.some((r) => r.target === c)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives each endpoint of a KUBE-SVC/KUBE-SVL chain probability 1/n', () => {
    fc.assert(
      fc.property(kubeProxyInput, (input) => {
        const nat = parseTables(renderKubeProxyRules(input).text).get('nat');
        const byChain = new Map<string, string[]>();
        for (const r of nat?.rules ?? []) {
          if (!/^KUBE-SV[CL]-/.test(r.chain) || !r.target?.startsWith('KUBE-SEP-') || r.line.includes('-m recent')) continue;
          byChain.set(r.chain, [...(byChain.get(r.chain) ?? []), r.line]);
        }
        for (const rules of byChain.values()) {
          const n = rules.length;
          let remaining = 1;
          rules.forEach((line, i) => {
            const p = /--probability (\S+)/.exec(line)?.[1];
            if (i === n - 1) expect(p).toBeUndefined();
            else expect(p).toMatch(/^0\.\d{10}$/);
            const chosen = remaining * (p === undefined ? 1 : Number(p));
            expect(Math.abs(chosen - 1 / n)).toBeLessThan(1e-9);
            remaining -= chosen;
          });
          expect(new Set(rules.map((l) => / -j (\S+)/.exec(l)?.[1])).size).toBe(n);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('writes no duplicate line in a table, in any order', () => {
    fc.assert(
      fc.property(kubeProxyInput, fc.constantFrom('kube-proxy', 'restore', 'iptables-save'), (input, order) => {
        const out = renderKubeProxyRules(input, { order });
        for (const block of [out.filter, out.nat]) {
          const l = block.split('\n').filter((x) => x.startsWith('-A ') || x.startsWith(':'));
          expect(new Set(l).size).toBe(l.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('shows the same rules per chain in the iptables-save view as in the restore payload', () => {
    fc.assert(
      fc.property(kubeProxyInput, (input) => {
        const restore = parseTables(renderKubeProxyRules(input).text);
        const saved = parseTables(renderKubeProxyRules(input, { order: 'iptables-save' }).text);
        for (const name of ['filter', 'nat']) {
          const a = restore.get(name);
          const b = saved.get(name);
          for (const c of a?.declared ?? []) {
            expect(b?.declared.has(c)).toBe(true);
            const ta = a?.rules.filter((r) => r.chain === c).map((r) => r.target ?? '');
            const tb = b?.rules.filter((r) => r.chain === c).map((r) => r.target ?? '');
            expect(tb).toEqual(ta);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
