// Tunnels with encapsulation on the wire: VXLAN (UDP/4789 carrying the Ethernet frame) and IPIP
// (protocol 4), as Calico's cross-node pod routes use them. The outer packet is locally generated
// on the sending node and goes through its OUTPUT/POSTROUTING hooks.
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of } from './helpers.js';
import { probe, tcpListen } from './sim.js';

const VXLAN = `
name: vxlan
hosts:
  a:
    interfaces:
      eth0: { link: in, addresses: [172.16.0.11/24] }
      vxlan.calico: { kind: vxlan, vni: 4096, local: 172.16.0.11, dev: eth0, addresses: [172.20.5.0/32], peers: { 172.20.6.0: 172.16.0.12 } }
    routes: ["172.20.6.0/24 via 172.20.6.0 dev vxlan.calico onlink"]
  b:
    interfaces:
      eth0: { link: in, addresses: [172.16.0.12/24] }
      vxlan.calico: { kind: vxlan, vni: 4096, local: 172.16.0.12, dev: eth0, addresses: [172.20.6.0/32], peers: { 172.20.5.0: 172.16.0.11 } }
      pod: { kind: dummy, addresses: [172.20.6.3/32] }
    routes: ["172.20.5.0/24 via 172.20.5.0 dev vxlan.calico onlink"]
`;

const IPIP = `
name: ipip
hosts:
  a:
    interfaces:
      eth0: { link: in, addresses: [172.16.0.11/24] }
      tunl0: { kind: ipip, addresses: [172.20.5.0/32] }
    routes: ["172.20.6.0/24 via 172.16.0.12 dev tunl0 onlink"]
  b:
    interfaces:
      eth0: { link: in, addresses: [172.16.0.12/24] }
      tunl0: { kind: ipip, addresses: [172.20.6.0/32] }
      pod: { kind: dummy, addresses: [172.20.6.3/32] }
    routes: ["172.20.5.0/24 via 172.16.0.11 dev tunl0 onlink"]
`;

describe('VXLAN', () => {
  it('carries the inner packet in UDP 4789 between the VTEPs, sourced from the tunnel address', () => {
    const w = world(VXLAN);
    tcpListen(w.world.host('b'), 'nginx', { ip: ipv4Of('0.0.0.0'), port: 80 }, {});
    const r = probe(w.world, w.world.host('a'), { ip: ipv4Of('172.20.6.3'), port: 80 }, 'tcp', 500_000);
    expect(r.outcome).toBe('connected');
    const wire = kinds(w.rec.events, 'link').find((l) => l.from.host === 'a' && l.encap === 'vxlan');
    expect(wire?.packet).toMatchObject({ proto: 'udp', src: '172.16.0.11', dst: '172.16.0.12', dport: 4789 });
    expect(wire?.packet.inner).toMatchObject({ proto: 'tcp', src: '172.20.5.0', dst: '172.20.6.3', flags: 'SYN' });
    // The outer packet went through a's OUTPUT like any local packet.
    expect(kinds(w.rec.events, 'emit').some((e) => e.host === 'a' && e.by === 'vxlan vxlan.calico')).toBe(true);
  });
});

describe('IPIP', () => {
  it('carries the inner packet as IP protocol 4', () => {
    const w = world(IPIP);
    tcpListen(w.world.host('b'), 'nginx', { ip: ipv4Of('0.0.0.0'), port: 80 }, {});
    const r = probe(w.world, w.world.host('a'), { ip: ipv4Of('172.20.6.3'), port: 80 }, 'tcp', 500_000);
    expect(r.outcome).toBe('connected');
    const wire = kinds(w.rec.events, 'link').find((l) => l.from.host === 'a' && l.encap === 'ipip');
    expect(wire?.packet).toMatchObject({ proto: 'ipip', dst: '172.16.0.12' });
    expect(wire?.packet.inner).toMatchObject({ proto: 'tcp', dst: '172.20.6.3' });
  });
});
