// The walker against the kernel's order of operations (sim/net/stack): hooks and tables in
// priority order, NAT on the first packet only and its reversal by conntrack, REJECT as the
// client sees it, SYN retransmission timing.
import { describe, expect, it } from 'vitest';
import { ends, kinds, ROUTED, world, ipv4Of } from './helpers.js';
import { probe, tcpListen, synTimeoutUs, formatIPv4 } from './sim.js';

const NAT_RULES = (extra = '') => `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j LOG --log-prefix "raw "
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j MARK --set-mark 0x7
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 10.0.1.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.2.20:8080
-A POSTROUTING -o eth1 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m mark --mark 0x7 -p tcp --dport 8080 -j ACCEPT
${extra}COMMIT
`;

describe('a forwarded, NATed connection', () => {
  it('runs raw, conntrack, mangle, nat in PREROUTING, routes after DNAT, then FORWARD filter and POSTROUTING MASQUERADE', () => {
    const w = world(ROUTED, { 'router.rules': NAT_RULES() });
    const server = w.world.host('server');
    const accepted: string[] = [];
    tcpListen(server, 'web', { ip: ipv4Of('0.0.0.0'), port: 8080 }, { onAccept: (_l, c) => accepted.push(`${formatIPv4(c.remote!.ip)}:${c.remote!.port}`) });
    const r = probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.1.1'), port: 80 }, 'tcp', 1_000_000);
    expect(r.outcome).toBe('connected');
    // The server saw the router's eth1 address (MASQUERADE), not the client.
    expect(accepted).toEqual([expect.stringMatching(/^10\.0\.2\.1:\d+$/)]);

    const atRouter = w.rec.events.filter((e) => 'host' in e && e.host === 'router');
    const firstSyn = atRouter.slice(0, atRouter.findIndex((e) => e.kind === 'link' || (e.kind === 'route' && e.route.decision === 'input')) + 1);
    const order = firstSyn.filter((e) => e.kind === 'hook' || e.kind === 'conntrack' || e.kind === 'route').map((e) => (e.kind === 'hook' ? `${e.hook}/${e.table}` : e.kind === 'conntrack' ? `conntrack ${e.action}` : `route ${e.route.decision}`));
    expect(order).toEqual(['PREROUTING/raw', 'conntrack new', 'PREROUTING/mangle', 'PREROUTING/nat', 'route input']);
    const route = kinds(atRouter, 'route').find((e) => e.route.decision === 'input');
    expect(route?.packet.dst).toBe('10.0.2.20'); // routed on the post-DNAT destination
    expect(route?.route.result).toBe('forward');

    const nats = kinds(w.rec.events, 'nat');
    const dnat = nats.find((n) => n.nat === 'DNAT');
    expect(dnat?.rule?.loc).toMatchObject({ file: 'router.rules', line: 19 });
    expect(dnat?.after.dst).toBe('10.0.2.20');
    expect(nats.some((n) => n.nat === 'MASQUERADE' && n.after.src === '10.0.2.1')).toBe(true);
    // The SYN-ACK is un-SNATed in PREROUTING (before routing) and un-DNATed in POSTROUTING.
    expect(nats.some((n) => n.nat === 'un-SNAT' && n.hook === 'PREROUTING' && n.after.dst === '10.0.1.10')).toBe(true);
    expect(nats.some((n) => n.nat === 'un-DNAT' && n.hook === 'POSTROUTING' && n.after.src === '10.0.1.1' && n.after.sport === 80)).toBe(true);
  });

  it('consults the nat table only for the first packet of a connection', () => {
    const w = world(ROUTED, { 'router.rules': NAT_RULES() });
    tcpListen(w.world.host('server'), 'web', { ip: ipv4Of('0.0.0.0'), port: 8080 }, {});
    probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.1.1'), port: 80 }, 'tcp', 1_000_000);
    const natHooks = kinds(w.rec.events, 'hook').filter((e) => e.host === 'router' && e.table === 'nat');
    // SYN: PREROUTING + POSTROUTING; nothing for the handshake ACK, the FIN exchange or replies.
    expect(natHooks.map((e) => e.hook)).toEqual(['PREROUTING', 'POSTROUTING']);
    const filterPasses = kinds(w.rec.events, 'hook').filter((e) => e.host === 'router' && e.table === 'filter');
    expect(filterPasses.length).toBeGreaterThan(4);
  });

  it('drops by FORWARD policy when no rule accepts, and names the chain policy', () => {
    const rules = NAT_RULES().replace('-A FORWARD -m mark --mark 0x7 -p tcp --dport 8080 -j ACCEPT\n', '');
    const w = world(ROUTED, { 'router.rules': rules });
    const r = probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.1.1'), port: 80 }, 'tcp', 1_500_000);
    expect(r.outcome).toBe('timeout');
    const drops = ends(w.rec.events).filter((e) => e.host === 'router');
    expect(drops[0]?.disposition).toBe('DROPPED');
    expect(drops[0]?.reason).toContain('filter FORWARD');
    // Dropped before confirm: each retransmitted SYN is a NEW connection again and sees nat again.
    expect(kinds(w.rec.events, 'hook').filter((e) => e.host === 'router' && e.table === 'nat' && e.hook === 'PREROUTING')).toHaveLength(2);
  });
});

describe('REJECT as the client sees it', () => {
  const cases: [string, string, RegExp][] = [
    ['icmp-port-unreachable', 'refused', /ECONNREFUSED/],
    ['icmp-host-unreachable', 'unreachable', /EHOSTUNREACH/],
    ['icmp-net-unreachable', 'unreachable', /ENETUNREACH/],
    ['icmp-proto-unreachable', 'refused', /ECONNREFUSED/],
    ['icmp-net-prohibited', 'unreachable', /ENETUNREACH/],
    ['icmp-host-prohibited', 'unreachable', /EHOSTUNREACH/],
    ['icmp-admin-prohibited', 'unreachable', /EHOSTUNREACH/],
    ['tcp-reset', 'refused', /ECONNREFUSED: RST/],
  ];
  for (const [how, outcome, detail] of cases) {
    it(`--reject-with ${how}`, () => {
      const rules = `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -p tcp --dport 80 -j REJECT --reject-with ${how}\nCOMMIT\n`;
      const w = world(ROUTED, { 'router.rules': rules });
      const r = probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.2.20'), port: 80 }, 'tcp', 1_000_000);
      expect(r.outcome).toBe(outcome);
      expect(r.detail).toMatch(detail);
      expect(r.elapsedMs).toBeLessThan(5);
      const end = ends(w.rec.events).find((e) => e.host === 'router');
      expect(end?.disposition).toBe('REJECTED');
      expect(end?.rule?.raw).toContain(`--reject-with ${how}`);
    });
  }
});

describe('SYN retransmission', () => {
  it('6.x kernels retransmit at a fixed 1 s for tcp_syn_linear_timeouts tries, then back off', () => {
    const rules = `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -p tcp --dport 80 -j DROP\nCOMMIT\n`;
    const w = world(ROUTED, { 'router.rules': rules });
    const r = probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.2.20'), port: 80 }, 'tcp', 30_000_000);
    const syns = kinds(w.rec.events, 'emit').filter((e) => e.host === 'client' && e.packet.flags === 'SYN');
    expect(syns.map((e) => Math.round(e.t / 1e6))).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(r.outcome).toBe('timeout');
    expect(r.elapsedMs).toBe(11_000);
  });

  it('older kernels (tcp_syn_linear_timeouts=0) double from 1 s and give up after 127 s', () => {
    const w = world(ROUTED.replace('routes: [default via 10.0.1.1 dev eth0]', 'routes: [default via 10.0.1.1 dev eth0]\n    sysctls: { net.ipv4.tcp_syn_linear_timeouts: 0 }'), {
      'router.rules': `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n`,
    });
    const client = w.world.host('client');
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => synTimeoutUs(client, k) / 1e6)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    const r = probe(w.world, client, { ip: ipv4Of('10.0.2.20'), port: 80 }, 'tcp', 200_000_000);
    const syns = kinds(w.rec.events, 'emit').filter((e) => e.host === 'client' && e.packet.flags === 'SYN');
    expect(syns.map((e) => Math.round(e.t / 1e6))).toEqual([0, 1, 3, 7, 15, 31, 63]);
    expect(r.elapsedMs).toBe(127_000);
  });
});

describe('closed ports', () => {
  it('TCP to a port without a listener is answered with RST; UDP with ICMP port unreachable', () => {
    const w = world(ROUTED, { 'router.rules': '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' });
    const r = probe(w.world, w.world.host('client'), { ip: ipv4Of('10.0.2.20'), port: 81 }, 'tcp', 1_000_000);
    expect(r.outcome).toBe('refused');
    expect(ends(w.rec.events).find((e) => e.host === 'server')?.disposition).toBe('NO_LISTENER');
    const u = world(ROUTED, { 'router.rules': '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' });
    probe(u.world, u.world.host('client'), { ip: ipv4Of('10.0.2.20'), port: 53 }, 'udp', 1_000_000);
    const icmp = kinds(u.rec.events, 'deliver').find((e) => e.host === 'client' && e.packet.proto === 'icmp');
    expect(icmp?.packet.icmp?.text).toBe('port unreachable');
  });
});
