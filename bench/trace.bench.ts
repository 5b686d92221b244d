// The cost of one TCP connection (SYN, SYN-ACK, ACK, and the client's close) across 5 hosts whose
// iptables rulesets hold 50 rules each: steady (a warm world that has carried connections before)
// and first (a fresh world: ARP on every hop, every cache cold), without and with the trace.
import { buildWorld, parseTopology, probe, TraceRecorder, NULL_RECORDER, parseIPv4, type IPv4, type Recorder } from '../sim/index.js';
import { tcpListen } from '../test/net/stack/sim.js';
import { median, type BenchResult } from './result.js';

function rules(n: number): string {
  const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]'];
  for (let i = 0; i < n / 2; i++) lines.push(`-A PREROUTING -d 198.51.100.${i + 1}/32 -p tcp -m tcp --dport ${1000 + i} -j DNAT --to-destination 10.9.0.${i + 1}:80`);
  lines.push('COMMIT', '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]');
  for (let i = 0; i < n / 2 - 2; i++) lines.push(`-A FORWARD -s 192.0.2.${i + 1}/32 -p tcp -m tcp --dport ${2000 + i} -j DROP`);
  lines.push('-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT', 'COMMIT');
  return `${lines.join('\n')}\n`;
}

const TOPO = `
name: chain
hosts:
  client:
    interfaces: { eth0: { link: s0, addresses: [10.0.0.10/24] } }
    routes: [default via 10.0.0.1 dev eth0]
  r1:
    interfaces: { eth0: { link: s0, addresses: [10.0.0.1/24] }, eth1: { link: s1, addresses: [10.0.1.1/24] } }
    routes: [default via 10.0.1.2 dev eth1]
    sysctls: { net.ipv4.ip_forward: 1 }
    files: { iptables: r.rules }
  r2:
    interfaces: { eth0: { link: s1, addresses: [10.0.1.2/24] }, eth1: { link: s2, addresses: [10.0.2.1/24] } }
    routes: [default via 10.0.2.2 dev eth1, 10.0.0.0/24 via 10.0.1.1 dev eth0]
    sysctls: { net.ipv4.ip_forward: 1 }
    files: { iptables: r.rules }
  r3:
    interfaces: { eth0: { link: s2, addresses: [10.0.2.2/24] }, eth1: { link: s3, addresses: [10.0.3.1/24] } }
    routes: [default via 10.0.2.1 dev eth0]
    sysctls: { net.ipv4.ip_forward: 1 }
    files: { iptables: r.rules }
  server:
    interfaces: { eth0: { link: s3, addresses: [10.0.3.20/24] } }
    routes: [default via 10.0.3.1 dev eth0]
    files: { iptables: r.rules }
`;

export default async function run(): Promise<BenchResult[]> {
  const topo = parseTopology(TOPO, { file: 'topology.yaml' });
  const files = { 'r.rules': rules(50) };
  const server = parseIPv4('10.0.3.20') as IPv4;
  const build = (rec: Recorder, seed: number): ReturnType<typeof buildWorld> => {
    const b = buildWorld(topo.value, { read: (p) => files[p as keyof typeof files], list: () => [] }, { recorder: rec, seed });
    if (b.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(b.diagnostics));
    tcpListen(b.world.host('server'), 'web', { ip: 0 as IPv4, port: 80 }, {});
    return b;
  };
  const handshake = (b: ReturnType<typeof buildWorld>): void => {
    const res = probe(b.world, b.world.host('client'), { ip: server, port: 80 }, 'tcp', 100_000);
    if (res.outcome !== 'connected') throw new Error(`handshake failed: ${res.detail}`);
  };
  // The first connection of a fresh world: ARP on every hop, every cache cold.
  const first = (rec: () => Recorder, n: number): { median: number; events: number } => {
    const times: number[] = [];
    let events = 0;
    for (let i = 0; i < n; i++) {
      const r = rec();
      const b = build(r, i + 1);
      const t0 = performance.now();
      handshake(b);
      times.push((performance.now() - t0) * 1000);
      if (r instanceof TraceRecorder) events = r.events.length;
    }
    return { median: median(times.slice(Math.floor(n / 5))), events };
  };
  // A new connection in a world that has carried others (neighbours known, caches warm): each
  // connection timed on its own (the target is their median), and amortized as (time for N+1
  // connections - time for 1) / N in one world, after a warm-up.
  const steady = (): { single: number[]; amortized: number } => {
    const per: number[] = [];
    const single: number[] = [];
    for (let i = 0; i < 10; i++) {
      const b = build(NULL_RECORDER, i + 1);
      handshake(b);
      const t0 = performance.now();
      handshake(b);
      const one = performance.now() - t0;
      const t1 = performance.now();
      for (let k = 0; k < 200; k++) {
        const a = performance.now();
        handshake(b);
        if (i >= 3) single.push((performance.now() - a) * 1000);
      }
      const many = performance.now() - t1;
      if (i >= 3) per.push(((many - one) / 199) * 1000);
    }
    return { single, amortized: median(per) };
  };
  const warm = steady();
  const bare = first(() => NULL_RECORDER, 300);
  const traced = first(() => new TraceRecorder(), 300);
  return [
    { name: 'TCP handshake across 5 hosts x 50 rules, not recorded (a new connection in a warm world, each timed on its own)', median: median(warm.single), unit: 'µs', target: 50 },
    { name: 'the same handshake amortized over 199 (its share of garbage collection included)', median: warm.amortized, unit: 'µs' },
    { name: 'TCP handshake across 5 hosts x 50 rules, not recorded (first connection of a fresh world: ARP on every hop, caches cold)', median: bare.median, unit: 'µs' },
    { name: 'TCP handshake across 5 hosts x 50 rules, full trace (first connection of a fresh world)', median: traced.median, unit: 'µs', extra: { events: traced.events } },
  ];
}
