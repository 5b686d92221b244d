// A mark set in mangle OUTPUT re-runs the output route lookup (ipt_mangle_out -> ip_route_me_harder);
// the same mark set in filter OUTPUT does not (semantics.md D2, E17).
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of } from './helpers.js';
import { probe } from './sim.js';

const TOPO = `
name: reroute
hosts:
  host:
    interfaces:
      eth0: { link: a, addresses: [10.0.0.2/24] }
    routes: ["default via 10.0.0.1 dev eth0", "default via 10.0.0.254 dev eth0 table 200"]
    rules: ["fwmark 0x2 lookup 200"]
    files: { iptables: host.rules }
  gw1:
    interfaces:
      eth0: { link: a, addresses: [10.0.0.1/24] }
  gw2:
    interfaces:
      eth0: { link: a, addresses: [10.0.0.254/24] }
`;
const rules = (table: 'mangle' | 'filter') => table === 'mangle'
  ? `*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A OUTPUT -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x2/0xffffffff\nCOMMIT\n`
  : `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x2/0xffffffff\nCOMMIT\n`;

describe('rerouting locally generated packets', () => {
  it('mangle OUTPUT: the new mark selects table 200 and the packet leaves via the other gateway', () => {
    const w = world(TOPO, { 'host.rules': rules('mangle') });
    probe(w.world, w.world.host('host'), { ip: ipv4Of('203.0.113.5'), port: 443 }, 'tcp', 50_000);
    const routes = kinds(w.rec.events, 'route').filter((e) => e.host === 'host');
    expect(routes.map((r) => `${r.route.decision} ${r.route.table} ${r.route.gateway}`)).toEqual(['output main 10.0.0.1', 'reroute 200 10.0.0.254']);
    expect(routes[1]?.route.ruleLoc).toMatchObject({ file: 'topology.yaml', line: 8 });
    const arp = kinds(w.rec.events, 'link').find((l) => l.packet.proto === 'arp');
    expect(arp?.packet.arp?.targetIp).toBe('10.0.0.254');
  });

  it('filter OUTPUT: the mark is set but no second lookup happens', () => {
    const w = world(TOPO, { 'host.rules': rules('filter') });
    probe(w.world, w.world.host('host'), { ip: ipv4Of('203.0.113.5'), port: 443 }, 'tcp', 50_000);
    const routes = kinds(w.rec.events, 'route').filter((e) => e.host === 'host');
    expect(routes.map((r) => r.route.decision)).toEqual(['output']);
    expect(kinds(w.rec.events, 'link').find((l) => l.packet.proto === 'arp')?.packet.arp?.targetIp).toBe('10.0.0.1');
  });
});
