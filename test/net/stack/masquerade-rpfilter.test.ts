// MASQUERADE's source choice (nf_nat_masquerade_ipv4 -> inet_select_addr, semantics.md D4/E15)
// and reverse-path filtering (fib_validate_source, D5).
import { describe, expect, it } from 'vitest';
import { ends, kinds, ROUTED, world, ipv4Of } from './helpers.js';
import { probe } from './sim.js';

const NODE = (ifaces: string) => `
name: masq
hosts:
  client:
    interfaces:
      eth0: { link: a, addresses: [10.0.0.10/24] }
    routes: [default via 10.0.0.5 dev eth0]
  node:
    interfaces:
${ifaces}
    routes: ["10.9.9.9 dev cali0 scope link"]
    sysctls: { net.ipv4.ip_forward: 1 }
    files: { iptables: node.rules }
`;
const MASQ = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o cali0 -j MASQUERADE
COMMIT
`;

describe('MASQUERADE source choice', () => {
  it('uses the egress device address in the next hop subnet', () => {
    const w = world(ROUTED, { 'router.rules': MASQ.replace('-o cali0', '-o eth1') });
    probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.2.20'), port: 80 }, 'tcp', 500_000);
    const m = kinds(w.rec.events, 'nat').find((n) => n.nat === 'MASQUERADE');
    expect(m?.after.src).toBe('10.0.2.1');
  });

  it('falls back to the first device in creation order with a global address when the egress device has none (eth0 first: the node IP)', () => {
    const w = world(NODE('      eth0: { link: a, addresses: [10.0.0.5/24] }\n      tunl: { kind: dummy, addresses: [172.20.5.0/32] }\n      cali0: { kind: dummy }'), { 'node.rules': MASQ });
    probe(w.world, w.world.host('client'), { ip: ipv4Of('10.9.9.9'), port: 80 }, 'tcp', 200_000);
    const m = kinds(w.rec.events, 'nat').find((n) => n.nat === 'MASQUERADE');
    expect(m?.after.src).toBe('10.0.0.5');
    const check = kinds(w.rec.events, 'check').find((c) => c.check === 'masquerade_source');
    expect(check?.detail).toContain('cali0 has no address of its own');
  });

  it('takes the tunnel address when the tunnel device was created before eth0', () => {
    const w = world(NODE('      tunl: { kind: dummy, addresses: [172.20.5.0/32] }\n      eth0: { link: a, addresses: [10.0.0.5/24] }\n      cali0: { kind: dummy }'), { 'node.rules': MASQ });
    probe(w.world, w.world.host('client'), { ip: ipv4Of('10.9.9.9'), port: 80 }, 'tcp', 200_000);
    expect(kinds(w.rec.events, 'nat').find((n) => n.nat === 'MASQUERADE')?.after.src).toBe('172.20.5.0');
  });
});

const SPOOF = (rp: string) => ROUTED.replace("    files: { iptables: router.rules }", `    files: { iptables: router.rules }\n${rp}`) + `
  spoof:
    interfaces:
      eth0: { link: b, addresses: [10.0.1.77/32] }
    routes: ["10.0.2.0/24 dev eth0", "default via 10.0.2.1 dev eth0"]
`;
const EMPTY = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';

describe('rp_filter', () => {
  it('strict (1): a packet whose source routes back out another device is dropped after PREROUTING', () => {
    const w = world(SPOOF('    sysctls: { net.ipv4.ip_forward: 1, net.ipv4.conf.all.rp_filter: 1 }').replace('    sysctls: { net.ipv4.ip_forward: 1 }\n', ''), { 'router.rules': EMPTY });
    probe(w.world, w.world.host('spoof'), { ip: ipv4Of('10.0.1.10'), port: 80 }, 'tcp', 200_000);
    const e = ends(w.rec.events).find((x) => x.host === 'router');
    expect(e?.disposition).toBe('RP_FILTER');
    expect(kinds(w.rec.events, 'hook').some((h) => h.host === 'router' && h.hook === 'FORWARD')).toBe(false);
  });

  it('loose (2): the source is reachable through some device, so it passes', () => {
    const w = world(SPOOF('    sysctls: { net.ipv4.ip_forward: 1, net.ipv4.conf.eth1.rp_filter: 2 }').replace('    sysctls: { net.ipv4.ip_forward: 1 }\n', ''), { 'router.rules': EMPTY });
    probe(w.world, w.world.host('spoof'), { ip: ipv4Of('10.0.1.10'), port: 80 }, 'tcp', 200_000);
    expect(ends(w.rec.events).find((x) => x.host === 'router')).toBeUndefined();
    expect(kinds(w.rec.events, 'link').some((l) => l.to.host === 'client' && l.packet.flags === 'SYN')).toBe(true);
  });

  it('off (0): forwarded without a check', () => {
    const w = world(SPOOF(''), { 'router.rules': EMPTY });
    probe(w.world, w.world.host('spoof'), { ip: ipv4Of('10.0.1.10'), port: 80 }, 'tcp', 200_000);
    expect(kinds(w.rec.events, 'link').some((l) => l.to.host === 'client' && l.packet.flags === 'SYN')).toBe(true);
  });
});

describe('forwarding disabled', () => {
  it('drops packets not for the host without ICMP', () => {
    const w = world(ROUTED.replace('    sysctls: { net.ipv4.ip_forward: 1 }\n', ''), { 'router.rules': EMPTY });
    const r = probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.2.20'), port: 80 }, 'tcp', 200_000);
    expect(r.outcome).toBe('timeout');
    expect(ends(w.rec.events).find((x) => x.host === 'router')?.disposition).toBe('FORWARDING_DISABLED');
  });
});
