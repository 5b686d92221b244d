import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseTopology } from '../../sim/scenario/topology.js';
import { formatIPv4 } from '../../sim/core/ip.js';

const ICTSC = 'topologies/ictsc2020-nodeport-source-ip/topology.yaml';

describe('topology.yaml', () => {
  it('reads the ICTSC scenario without diagnostics', () => {
    const { value, diagnostics } = parseTopology(readFileSync(ICTSC, 'utf8'), { file: ICTSC });
    expect(diagnostics).toEqual([]);
    expect(value.hosts.map((h) => h.name)).toEqual(['host01', 'host02', 'lb', 'master', 'worker01', 'worker02']);
    const lb = value.hosts.find((h) => h.name === 'lb');
    expect(lb?.interfaces.map((i) => `${i.name} ${i.link} ${i.addresses.map((a) => `${formatIPv4(a.addr)}/${a.prefix}`).join(',')}`)).toEqual(['eth0 outside 192.168.0.1/24', 'eth1 inside 172.16.0.254/24']);
    expect(lb?.files.haproxy?.value).toBe('lb/haproxy.cfg');
    expect(value.steps).toHaveLength(5);
    expect(value.steps[3]?.changes[0]).toMatchObject({ kind: 'run', host: 'lb', script: 'steps/3-divert.sh' });
    expect(value.kubernetes?.cni?.blocks['worker01']).toBe('172.20.5.0/24');
  });

  it('locates unknown fields, bad addresses and unknown hosts', () => {
    const text = [
      'name: t',
      'hosts:',
      '  a:',
      '    interfaces:',
      '      eth0: { link: s, addresses: [10.0.0.300/24], mtus: 1500 }',
      '    sysctl:',
      '      net.ipv4.ip_forward: 1',
      'requests:',
      '  - { from: b, to: 10.0.0.1:80 }',
    ].join('\n');
    const { diagnostics } = parseTopology(text, { file: 't.yaml' });
    const at = diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
    expect(at).toContain('5:52 unknown field "mtus" in interface eth0');
    expect(at).toContain('5:36 bad address "10.0.0.300/24"');
    expect(at).toContain('6:5 unknown field "sysctl" in host a');
    expect(at).toContain('9:13 unknown host b');
    expect(diagnostics.every((d) => d.file === 't.yaml' && d.expected)).toBe(true);
  });

  it('reports YAML syntax errors with a position instead of throwing', () => {
    const { diagnostics } = parseTopology('hosts:\n  a: [\n', { file: 'bad.yaml' });
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]?.line).toBeGreaterThanOrEqual(1);
  });

  it('never throws on mutated input, and every diagnostic points inside it', () => {
    const base = readFileSync(ICTSC, 'utf8');
    const lines = base.split('\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(lines.length - 1), fc.string({ maxLength: 12 }), fc.nat(40)), { maxLength: 6 }), (edits) => {
        const ls = [...lines];
        for (const [i, s, col] of edits) {
          const l = ls[i] ?? '';
          ls[i] = l.slice(0, col) + s + l.slice(col + s.length);
        }
        const text = ls.join('\n');
        const { diagnostics } = parseTopology(text, { file: 'm.yaml' });
        const n = ls.length;
        return diagnostics.every((d) => d.line >= 1 && d.line <= n + 1 && d.column >= 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('IPv6 in the topology', () => {
  it('keeps IPv6 addresses and says IPv6 is not simulated, instead of rejecting them', () => {
    const { value, diagnostics } = parseTopology('name: t\nhosts:\n  a:\n    interfaces:\n      eth0: { link: s, addresses: [10.0.0.1/24, "fd00::1/64"] }\n', { file: 't.yaml' });
    expect(value.hosts[0]?.interfaces[0]?.ipv6).toEqual([{ text: 'fd00::1/64', addr: 'fd00::1', prefix: 64 }]);
    expect(value.hosts[0]?.interfaces[0]?.addresses).toHaveLength(1);
    expect(diagnostics).toMatchObject([{ severity: 'unsupported', line: 5, message: expect.stringContaining('IPv6 is not simulated yet') }]);
  });
});
