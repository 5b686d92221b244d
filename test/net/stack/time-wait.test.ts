// TIME_WAIT (TCP_TIMEWAIT_LEN, 60 s): the side that closed first keeps its socket hashed for 60 s
// after the peer's FIN, each socket for its own 60 s, and then lets it go.
import { describe, expect, it } from 'vitest';
import { world, ipv4Of, PAIR } from './helpers.js';
import { tcpClose, tcpConnect, tcpListen } from './sim.js';
import type { Sock } from '../../../sim/net/sockets/socket.js';

describe('TIME_WAIT', () => {
  it('lasts 60 s for each socket from the moment it entered it', () => {
    const w = world(PAIR);
    const server = w.world.host('server');
    const client = w.world.host('client');
    tcpListen(server, 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, { onAccept: (_l, c) => { c.events = { onPeerClosed: (s) => tcpClose(w.world, server, s) }; } });
    const open = (): Sock => {
      const s = tcpConnect(w.world, client, 'app', { ip: ipv4Of('10.0.1.20'), port: 80 }, {});
      if (typeof s === 'string') throw new Error(s);
      w.world.sched.run(w.world.now + 10_000);
      return s;
    };
    const a = open();
    const b = open();
    tcpClose(w.world, client, a);
    w.world.sched.run(w.world.now + 10_000_000);
    tcpClose(w.world, client, b);
    w.world.sched.run(w.world.now + 10_000);
    expect([a.state, b.state]).toEqual(['TIME_WAIT', 'TIME_WAIT']);
    const hashed = (): number => client.sockets.all().filter((s) => s === a || s === b).length;
    expect(hashed()).toBe(2);
    w.world.sched.run(w.world.now + 50_000_000); // a: 60 s in TIME_WAIT; b: 50 s
    expect([a.state, b.state]).toEqual(['CLOSED', 'TIME_WAIT']);
    expect(hashed()).toBe(1);
    w.world.sched.run(w.world.now + 10_000_000);
    expect([a.state, b.state]).toEqual(['CLOSED', 'CLOSED']);
    expect(hashed()).toBe(0);
  });
});
