// Transparent proxying on the real kernel's terms (semantics.md C2, C3, D6, D5; scenario step 2-3):
// a proxy connects from the client's address with IP_TRANSPARENT; the server's SYN-ACK comes back
// addressed to the client. Without DIVERT it is routed as "forward", where early demux's socket
// makes ip_forward drop it (or, with tcp_early_demux=0, it reaches the client, which resets it);
// with `-m socket -j DIVERT`, `fwmark 1 lookup 100` and `local 0.0.0.0/0 dev lo table 100` it
// is delivered to the proxy.
import { describe, expect, it } from 'vitest';
import { ends, kinds, world, ipv4Of } from './helpers.js';
import { tcpConnect, tcpListen } from './sim.js';

const TOPO = (lbExtra = '') => `
name: tproxy
hosts:
  client:
    interfaces:
      eth0: { link: out, addresses: [192.168.0.10/24] }
    routes: [default via 192.168.0.1 dev eth0]
  lb:
    interfaces:
      eth0: { link: out, addresses: [192.168.0.1/24] }
      eth1: { link: in, addresses: [172.16.0.254/24] }
    sysctls:
      net.ipv4.ip_forward: 1
${lbExtra}
  server:
    interfaces:
      eth0: { link: in, addresses: [172.16.0.12/24] }
    routes: [default via 172.16.0.254 dev eth0]
`;

const DIVERT = `iptables -t mangle -N DIVERT
iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT
iptables -t mangle -A DIVERT -j MARK --set-mark 1
iptables -t mangle -A DIVERT -j ACCEPT
ip rule add fwmark 1 lookup 100
ip route add local 0.0.0.0/0 dev lo table 100
`;

function connectTransparent(w: ReturnType<typeof world>) {
  const lb = w.world.host('lb');
  const server = w.world.host('server');
  const seen: string[] = [];
  tcpListen(server, 'nginx', { ip: ipv4Of('0.0.0.0'), port: 80 }, { onAccept: () => seen.push('server accepted') });
  let state = 'pending';
  const sk = tcpConnect(w.world, lb, 'haproxy', { ip: ipv4Of('172.16.0.12'), port: 80 }, {
    onConnected: () => { state = 'connected'; },
    onError: (_s, e) => { state = e; },
  }, { bind: { ip: ipv4Of('192.168.0.10'), port: 0 }, transparent: true });
  if (typeof sk === 'string') throw new Error(sk);
  w.world.sched.run(w.world.now + 2_500_000);
  return { state, seen, sk };
}

describe('a transparent connect from the client address', () => {
  it('is refused without IP_TRANSPARENT (EADDRNOTAVAIL)', () => {
    const w = world(TOPO());
    const r = tcpConnect(w.world, w.world.host('lb'), 'haproxy', { ip: ipv4Of('172.16.0.12'), port: 80 }, {}, { bind: { ip: ipv4Of('192.168.0.10'), port: 0 } });
    expect(r).toBe('EADDRNOTAVAIL');
  });

  it('without DIVERT: early demux attaches the SYN_SENT socket, routing says forward, ip_forward drops it', () => {
    const w = world(TOPO());
    const { state } = connectTransparent(w);
    expect(state).toBe('pending'); // still retransmitting SYNs: the SYN-ACKs never reach it
    const lbEnds = ends(w.rec.events).filter((e) => e.host === 'lb');
    expect(lbEnds[0]?.disposition).toBe('SOCKET_ON_FORWARD');
    expect(lbEnds[0]?.packet.flags).toBe('SYN,ACK');
    expect(lbEnds[0]?.reason).toContain('early demux');
    const demux = kinds(w.rec.events, 'check').find((c) => c.check === 'early_demux');
    expect(demux?.detail).toContain('haproxy tcp 192.168.0.10');
    expect(kinds(w.rec.events, 'link').some((l) => l.to.host === 'client' && l.packet.flags === 'SYN,ACK')).toBe(false);
  });

  it('without DIVERT and with tcp_early_demux=0: the SYN-ACK is forwarded to the client, which answers RST', () => {
    const w = world(TOPO('      net.ipv4.tcp_early_demux: 0'));
    const { state } = connectTransparent(w);
    expect(state).toBe('pending');
    expect(kinds(w.rec.events, 'link').some((l) => l.to.host === 'client' && l.packet.flags === 'SYN,ACK')).toBe(true);
    const clientEnd = ends(w.rec.events).find((e) => e.host === 'client');
    expect(clientEnd?.disposition).toBe('NO_LISTENER');
    // The client's RST goes back through lb to the server.
    expect(kinds(w.rec.events, 'link').some((l) => l.to.host === 'server' && l.packet.flags === 'RST')).toBe(true);
  });

  it('with DIVERT: -m socket marks the SYN-ACK, fwmark 1 selects table 100, its local route delivers it', () => {
    const w = world(TOPO('    files: { iproute: divert.sh }'), { 'divert.sh': DIVERT });
    const { state, seen } = connectTransparent(w);
    expect(state).toBe('connected');
    expect(seen).toEqual(['server accepted']);
    const rule = kinds(w.rec.events, 'rule').find((r) => r.host === 'lb' && r.rule.chain === 'PREROUTING' && r.rule.table === 'mangle');
    expect(rule?.rule.raw).toBe('iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT');
    expect(rule?.rule.loc).toMatchObject({ file: 'divert.sh', line: 2 });
    const route = kinds(w.rec.events, 'route').find((r) => r.host === 'lb' && r.route.decision === 'input' && r.packet.flags === 'SYN,ACK');
    expect(route?.route).toMatchObject({ result: 'local', table: '100', type: 'local' });
    expect(route?.route.rule).toMatch(/fwmark 0x1 lookup 100/);
    expect(route?.route.ruleLoc).toMatchObject({ file: 'divert.sh', line: 5 });
    expect(route?.packet.mark).toBe(1);
  });

  it('-m socket --transparent ignores a plain socket; --nowildcard lets a 0.0.0.0 listener match', () => {
    const rules = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m socket --transparent -j MARK --set-mark 0x1
-A PREROUTING -p tcp -m socket --nowildcard -j MARK --set-mark 0x2
COMMIT
`;
    const w = world(TOPO('    files: { iptables: lb.rules }'), { 'lb.rules': rules });
    tcpListen(w.world.host('lb'), 'sshd', { ip: ipv4Of('0.0.0.0'), port: 22 }, {});
    const sk = tcpConnect(w.world, w.world.host('client'), 'ssh', { ip: ipv4Of('192.168.0.1'), port: 22 }, {});
    expect(typeof sk).not.toBe('string');
    w.world.sched.run(w.world.now + 100_000);
    const marks = kinds(w.rec.events, 'rule').filter((r) => r.host === 'lb').map((r) => r.rule.index);
    // The SYN meets only the wildcard listener: rule 1 (--transparent) never matches, rule 2 does.
    expect(marks[0]).toBe(2);
    expect(marks.includes(1)).toBe(false);
  });
});
