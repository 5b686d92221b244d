// A Linux bridge: ports learn MACs, frames for the bridge go up its stack, others are forwarded; with
// br_netfilter (net.bridge.bridge-nf-call-iptables=1) bridged IPv4 meets iptables and -m physdev.
import { describe, expect, it } from 'vitest';
import { ends, kinds, world, ipv4Of } from './helpers.js';
import { probe, tcpListen } from './sim.js';

const TOPO = (brExtra = '') => `
name: bridged
hosts:
  a:
    interfaces: { eth0: { link: s1, addresses: [10.0.0.1/24] } }
  b:
    interfaces: { eth0: { link: s2, addresses: [10.0.0.2/24] } }
  br:
    interfaces:
      br0: { kind: bridge, addresses: [10.0.0.254/24] }
      p1: { link: s1, master: br0 }
      p2: { link: s2, master: br0 }
    files: { iptables: br.rules }
${brExtra}
`;
const RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m physdev --physdev-in p1 --physdev-out p2 -p tcp -m tcp --dport 80 -j DROP
COMMIT
`;

describe('bridge', () => {
  it('forwards frames between its ports, learning where each MAC is', () => {
    const w = world(TOPO(), { 'br.rules': RULES });
    tcpListen(w.world.host('b'), 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, {});
    const r = probe(w.world, w.world.host('a'), { ip: ipv4Of('10.0.0.2'), port: 80 }, 'tcp', 200_000);
    expect(r.outcome).toBe('connected');
    // The SYN crossed br from p1 to p2 without touching iptables (no br_netfilter).
    expect(kinds(w.rec.events, 'link').some((l) => l.from.host === 'br' && l.from.iface === 'p2' && l.packet.flags === 'SYN')).toBe(true);
    expect(kinds(w.rec.events, 'hook').some((hk) => hk.host === 'br')).toBe(false);
  });

  it('answers for its own address on the bridge device', () => {
    const w = world(TOPO(), { 'br.rules': RULES });
    probe(w.world, w.world.host('a'), { ip: ipv4Of('10.0.0.254'), port: 0 }, 'icmp', 200_000);
    expect(kinds(w.rec.events, 'deliver').some((d) => d.host === 'a' && d.packet.icmp?.text === 'echo reply')).toBe(true);
  });

  it('with bridge-nf-call-iptables=1, bridged IPv4 traverses FORWARD and -m physdev sees the ports', () => {
    const w = world(TOPO('    sysctls: { net.bridge.bridge-nf-call-iptables: 1 }'), { 'br.rules': RULES });
    tcpListen(w.world.host('b'), 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, {});
    const r = probe(w.world, w.world.host('a'), { ip: ipv4Of('10.0.0.2'), port: 80 }, 'tcp', 1_500_000);
    expect(r.outcome).toBe('timeout');
    const drop = ends(w.rec.events).find((e) => e.host === 'br');
    expect(drop?.disposition).toBe('DROPPED');
    expect(drop?.rule?.raw).toContain('--physdev-in p1 --physdev-out p2');
    // Port 81 is not matched: it passes the bridge.
    const w2 = world(TOPO('    sysctls: { net.bridge.bridge-nf-call-iptables: 1 }'), { 'br.rules': RULES });
    tcpListen(w2.world.host('b'), 'web', { ip: ipv4Of('0.0.0.0'), port: 81 }, {});
    expect(probe(w2.world, w2.world.host('a'), { ip: ipv4Of('10.0.0.2'), port: 81 }, 'tcp', 200_000).outcome).toBe('connected');
  });

  it('refuses a port whose master is not a bridge, with its location', async () => {
    const { parseTopology } = await import('./sim.js');
    const t = parseTopology('name: x\nhosts:\n  h:\n    interfaces:\n      eth0: { link: s, master: nope }\n', { file: 't.yaml' });
    expect(t.diagnostics.map((d) => `${d.line}: ${d.message}`)).toContain('5: eth0: master nope is not a bridge of h');
  });
});
