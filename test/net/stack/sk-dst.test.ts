// The socket's cached output route (sk_dst_cache, __sk_dst_check): a connected socket keeps the
// route of its first packet and later packets use it without a lookup, until the routing state
// changes (the route genid); then the next packet is routed again and the new route is kept.
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of } from './helpers.js';
import { tcpConnect, tcpListen, tcpSend } from './sim.js';
import type { Sock } from '../../../sim/net/sockets/socket.js';
import type { Diagnostic } from '../../../sim/index.js';
import { runIpText } from '../../../sim/scenario/build.js';

const TOPO = `
name: two-links
hosts:
  client:
    interfaces:
      eth0: { link: a, addresses: [10.0.1.10/24] }
      eth1: { link: b, addresses: [10.0.2.10/24] }
  server:
    interfaces:
      eth0: { link: a, addresses: [10.0.1.20/24] }
`;

function connected(): { w: ReturnType<typeof world>; client: Sock } {
  const w = world(TOPO);
  tcpListen(w.world.host('server'), 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, {});
  const client = tcpConnect(w.world, w.world.host('client'), 'app', { ip: ipv4Of('10.0.1.20'), port: 80 }, {});
  if (typeof client === 'string') throw new Error(client);
  w.world.sched.run(w.world.now + 10_000);
  expect(client.state).toBe('ESTABLISHED');
  return { w, client };
}

/** The client sends a few bytes; the output routes of the client's packets, as the trace gives them. */
function send(w: ReturnType<typeof world>, client: Sock): { dev?: string; result: string }[] {
  const from = w.rec.events.length;
  tcpSend(w.world, w.world.host('client'), client, 'hello');
  w.world.sched.run(w.world.now + 10_000);
  const ev = w.rec.events.slice(from).filter((e) => 'host' in e && e.host === 'client');
  return kinds(ev, 'route').filter((r) => r.route.decision === 'output').map((r) => ({ ...(r.route.dev !== undefined ? { dev: r.route.dev } : {}), result: r.route.result }));
}

describe('the socket cached output route (sk_dst_cache)', () => {
  it('a connected socket keeps the route of its first packet and sends by it', () => {
    const { w, client } = connected();
    const cached = client.dstCache;
    expect(cached?.route.nexthop?.dev).toBe('eth0');
    expect(send(w, client)).toEqual([{ dev: 'eth0', result: 'output' }]);
    expect(client.dstCache).toBe(cached);
  });

  it('a routing change makes the cached route stale: the next packet follows the new route', () => {
    const { w, client } = connected();
    const before = client.dstCache;
    const diags: Diagnostic[] = [];
    const setup = w.hosts.get('client');
    if (!setup) throw new Error('no client');
    runIpText(setup, 'ip route add 10.0.1.20/32 dev eth1\n', 'change.sh', diags);
    expect(diags.filter((d) => d.severity === 'error')).toEqual([]);
    expect(send(w, client)).toEqual([{ dev: 'eth1', result: 'output' }]);
    expect(client.dstCache).not.toBe(before);
    expect(client.dstCache?.route.nexthop?.dev).toBe('eth1');
  });
});
