// Early demux and the socket's cached input route (net/ipv4/tcp_ipv4.c tcp_v4_early_demux,
// inet_sk_rx_dst_set): once a connected socket has received a packet, later packets from the
// same device take the socket's sk_rx_dst instead of an input route lookup (so no rp_filter
// check either); a packet from another device, or any routing change (the route genid), makes
// the kernel look the route up again.
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of, PAIR } from './helpers.js';
import { tcpConnect, tcpListen, tcpSend, type TraceEvent } from './sim.js';
import type { Sock } from '../../../sim/net/sockets/socket.js';
import { runIpText } from '../../../sim/scenario/build.js';

/** A connection client -> server:80, established, with the server's accepted socket. */
function connected(topo = PAIR): { w: ReturnType<typeof world>; client: Sock; accepted: Sock[] } {
  const w = world(topo);
  const server = w.world.host('server');
  const accepted: Sock[] = [];
  tcpListen(server, 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, { onAccept: (_l, c) => accepted.push(c) });
  const client = tcpConnect(w.world, w.world.host('client'), 'app', { ip: ipv4Of('10.0.1.20'), port: 80 }, {});
  if (typeof client === 'string') throw new Error(client);
  w.world.sched.run(w.world.now + 10_000);
  expect(client.state).toBe('ESTABLISHED');
  expect(accepted).toHaveLength(1);
  return { w, client, accepted };
}

/** The client sends a few bytes; the server-side events they cause. */
function sendData(w: ReturnType<typeof world>, client: Sock): TraceEvent[] {
  const from = w.rec.events.length;
  tcpSend(w.world, w.world.host('client'), client, 'hello');
  w.world.sched.run(w.world.now + 10_000);
  return w.rec.events.slice(from).filter((e) => 'host' in e && e.host === 'server');
}

describe('the socket cached input route (sk_rx_dst)', () => {
  it('a data packet to an established socket skips the input route lookup and rp_filter', () => {
    const { w, client, accepted } = connected();
    expect(accepted[0]?.rxDst?.iif).toBe('eth0');
    expect(accepted[0]?.rxDst?.route.type).toBe('local');
    const ev = sendData(w, client);
    const demux = kinds(ev, 'check').filter((c) => c.check === 'early_demux');
    expect(demux[0]?.detail).toContain('cached input route (sk_rx_dst');
    expect(kinds(ev, 'route').filter((r) => r.route.decision === 'input')).toEqual([]);
    expect(kinds(ev, 'check').filter((c) => c.check === 'rp_filter')).toEqual([]);
    expect(kinds(ev, 'deliver').length).toBeGreaterThan(0);
  });

  it('a routing change makes the cached route stale: the next packet is looked up again, and its route cached anew', () => {
    const { w, client, accepted } = connected();
    const before = accepted[0]?.rxDst;
    const diags: import('../../../sim/index.js').Diagnostic[] = [];
    const setup = w.hosts.get('server');
    if (!setup) throw new Error('no server');
    runIpText(setup, 'ip route add 192.0.2.0/24 dev eth0\n', 'change.sh', diags);
    expect(diags.filter((d) => d.severity === 'error')).toEqual([]);
    const ev = sendData(w, client);
    const firstData = kinds(ev, 'check').find((c) => c.check === 'early_demux');
    expect(firstData?.detail).not.toContain('sk_rx_dst');
    expect(kinds(ev, 'route').filter((r) => r.route.decision === 'input').length).toBeGreaterThan(0);
    expect(accepted[0]?.rxDst).toBeDefined();
    expect(accepted[0]?.rxDst).not.toBe(before);
  });

  it('with tcp_early_demux=0 nothing is taken from the socket: every packet is routed', () => {
    const { w, client, accepted } = connected(PAIR.replace('      eth0: { link: a, addresses: [10.0.1.20/24] }', '      eth0: { link: a, addresses: [10.0.1.20/24] }\n    sysctls: { net.ipv4.tcp_early_demux: 0 }'));
    const ev = sendData(w, client);
    expect(kinds(ev, 'check').filter((c) => c.check === 'early_demux')).toEqual([]);
    expect(kinds(ev, 'route').filter((r) => r.route.decision === 'input').length).toBeGreaterThan(0);
    expect(accepted).toHaveLength(1);
  });
});
