// When TCP acknowledges (net/ipv4/tcp_input.c): data at once, ahead of the application's answer
// (quick-ACK mode at the start of a connection); a FIN's ACK delayed (tcp_fin enters ping-pong
// mode), carried by the application's own FIN when it closes in time, else sent when the
// delayed-ACK timer (40 ms) expires.
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of, PAIR } from './helpers.js';
import { tcpClose, tcpConnect, tcpListen, tcpSend } from './sim.js';
import type { Sock } from '../../../sim/net/sockets/socket.js';

/** A connection client -> server:80; the server answers "pong" to data and closes on FIN when told to. */
function setup(serverCloses: boolean): { w: ReturnType<typeof world>; client: Sock } {
  const w = world(PAIR);
  const server = w.world.host('server');
  tcpListen(server, 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, {
    onAccept: (_l, c) => {
      c.events = {
        onData: (s) => tcpSend(w.world, server, s, 'pong'),
        onPeerClosed: (s) => { if (serverCloses) tcpClose(w.world, server, s); },
      };
    },
  });
  const client = tcpConnect(w.world, w.world.host('client'), 'app', { ip: ipv4Of('10.0.1.20'), port: 80 }, {});
  if (typeof client === 'string') throw new Error(client);
  w.world.sched.run(w.world.now + 10_000);
  return { w, client };
}

/** What the server sent after `from`: flags with the time. */
function serverSent(w: ReturnType<typeof world>, from: number): { t: number; flags: string; length: number }[] {
  return kinds(w.rec.events.slice(from), 'emit').filter((e) => e.host === 'server').map((e) => ({ t: e.t, flags: e.packet.flags ?? '', length: e.packet.length }));
}

describe('TCP acknowledgements', () => {
  it('data is acknowledged before the application answers, and the answer adds no second ACK', () => {
    const { w, client } = setup(true);
    const from = w.rec.events.length;
    tcpSend(w.world, w.world.host('client'), client, 'ping');
    w.world.sched.run(w.world.now + 10_000);
    expect(serverSent(w, from).map((s) => s.flags)).toEqual(['ACK', 'PSH,ACK']);
  });

  it("a FIN's ACK rides on the application's FIN when it closes at once", () => {
    const { w, client } = setup(true);
    const from = w.rec.events.length;
    tcpClose(w.world, w.world.host('client'), client);
    w.world.sched.run(w.world.now + 100_000);
    expect(serverSent(w, from).map((s) => s.flags)).toEqual(['FIN,ACK']);
    expect(client.state).toBe('TIME_WAIT');
  });

  it("a FIN's ACK goes alone when the delayed-ACK timer expires first", () => {
    const { w, client } = setup(false);
    const from = w.rec.events.length;
    const t0 = w.world.now;
    tcpClose(w.world, w.world.host('client'), client);
    w.world.sched.run(w.world.now + 100_000);
    const sent = serverSent(w, from);
    expect(sent.map((s) => s.flags)).toEqual(['ACK']);
    expect((sent[0]?.t ?? 0) - t0).toBeGreaterThanOrEqual(40_000);
    expect(client.state).toBe('FIN_WAIT2');
  });
});
