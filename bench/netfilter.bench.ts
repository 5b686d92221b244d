// Median time of one nat PREROUTING walk over a kube-proxy-like 50-rule KUBE-SERVICES chain, for a
// packet to the last service (so every rule is tested), ending in KUBE-SVC -> KUBE-SEP -> DNAT.
import { ipv4 } from '../sim/index.js';
import { scriptedChooser } from '../sim/index.js';
import type { NfEnv } from '../sim/index.js';
import { runTable } from '../sim/index.js';
import { parseIptablesSave } from '../sim/index.js';
import type { BenchResult } from './result.js';

function kubeNat(services: number): string {
  const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':KUBE-MARK-MASQ - [0:0]', ':KUBE-NODEPORTS - [0:0]', ':KUBE-SERVICES - [0:0]'];
  for (let i = 0; i < services; i++) lines.push(`:KUBE-SVC-${i} - [0:0]`, `:KUBE-SEP-${i}a - [0:0]`, `:KUBE-SEP-${i}b - [0:0]`);
  lines.push('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES', '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
  for (let i = 0; i < services; i++) {
    lines.push(`-A KUBE-SERVICES -d 172.30.${i >> 8}.${i & 255}/32 -p tcp -m comment --comment "ns/svc${i}:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-${i}`);
    lines.push(`-A KUBE-SVC-${i} ! -s 10.0.0.0/8 -d 172.30.${i >> 8}.${i & 255}/32 -p tcp -m comment --comment "ns/svc${i}:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`);
    lines.push(`-A KUBE-SVC-${i} -m comment --comment "ns/svc${i}:http -> 10.1.${i}.1:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-${i}a`);
    lines.push(`-A KUBE-SVC-${i} -m comment --comment "ns/svc${i}:http -> 10.1.${i}.2:8080" -j KUBE-SEP-${i}b`);
    for (const [s, h] of [['a', 1], ['b', 2]] as const) {
      lines.push(`-A KUBE-SEP-${i}${s} -s 10.1.${i}.${h}/32 -m comment --comment "ns/svc${i}:http" -j KUBE-MARK-MASQ`);
      lines.push(`-A KUBE-SEP-${i}${s} -p tcp -m comment --comment "ns/svc${i}:http" -m tcp -j DNAT --to-destination 10.1.${i}.${h}:8080`);
    }
  }
  lines.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS', 'COMMIT', '');
  return lines.join('\n');
}

export default async function run(): Promise<BenchResult[]> {
  const services = 49; // + the nodeports rule = 50 rules in KUBE-SERVICES
  const parsed = parseIptablesSave(kubeNat(services), { file: 'bench.rules' });
  if (parsed.diagnostics.length) throw new Error(`bench ruleset has diagnostics: ${parsed.diagnostics[0]?.message}`);
  const rs = parsed.value;
  const last = services - 1;
  const env = (): NfEnv => ({
    host: 'node', hook: 'PREROUTING', table: 'nat', inIface: 'eth0',
    packet: { src: ipv4('10.2.0.5'), dst: ipv4(`172.30.${last >> 8}.${last & 255}`), proto: 6, sport: 40000, dport: 80, tcpFlags: 2, length: 60, ttl: 64, tos: 0, fragment: false },
    mark: 0, ct: undefined, notrack: false,
    addrType: () => 'UNICAST',
    socketLookup: () => ({ found: false, transparent: false, mark: 0 }),
    chooser: scriptedChooser([]),
  });
  const check = runTable(rs, 'nat', 'PREROUTING', env());
  if (check.verdict.kind !== 'DNAT') throw new Error(`bench walk ended in ${check.verdict.kind}`);
  const inner = 200;
  const samples: number[] = [];
  for (let s = 0; s < 60; s++) {
    const envs = Array.from({ length: inner }, env);
    const t0 = performance.now();
    for (const e of envs) runTable(rs, 'nat', 'PREROUTING', e);
    samples.push(((performance.now() - t0) * 1000) / inner);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  return [{ name: 'netfilter runTable nat PREROUTING, 50-rule KUBE-SERVICES, one packet', median, unit: 'µs', extra: { matchedSteps: check.steps.length, services } }];
}
