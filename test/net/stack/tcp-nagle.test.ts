// Nagle's algorithm as Linux runs it (tcp_nagle_check with Minshall's variant): a segment smaller
// than the MSS waits while the last small segment sent is unacknowledged, unless the socket has
// TCP_NODELAY; the ACK releases it (tcp_data_snd_check), and close() sends it at once with the
// FIN on it (tcp_send_fin).
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of, PAIR } from './helpers.js';
import { tcpClose, tcpConnect, tcpListen, tcpSend } from './sim.js';
import type { Sock } from '../../../sim/net/sockets/socket.js';

/**
 * A connection client -> server:80 whose server answers a request with two writes, "head" and a
 * 600-byte body, and then closes when `closeAfter`.
 */
function setup(o: { nodelay: boolean; closeAfter?: boolean }): { w: ReturnType<typeof world>; client: Sock } {
  const w = world(PAIR);
  const server = w.world.host('server');
  tcpListen(server, 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, {
    onAccept: (_l, c) => {
      c.events = {
        onData: (s) => {
          tcpSend(w.world, server, s, 'head');
          tcpSend(w.world, server, s, '', 600);
          if (o.closeAfter) tcpClose(w.world, server, s);
        },
      };
    },
  }, { nodelay: o.nodelay });
  const client = tcpConnect(w.world, w.world.host('client'), 'app', { ip: ipv4Of('10.0.1.20'), port: 80 }, {});
  if (typeof client === 'string') throw new Error(client);
  w.world.sched.run(w.world.now + 10_000);
  return { w, client };
}

/** The segments both sides sent after `from`, in order: "host flags length". */
function sent(w: ReturnType<typeof world>, from: number): string[] {
  return kinds(w.rec.events.slice(from), 'emit').map((e) => `${e.host} ${e.packet.flags ?? ''} ${e.packet.length - 40}`);
}

describe("Nagle's algorithm", () => {
  it('holds a small second write until the first is acknowledged', () => {
    const { w, client } = setup({ nodelay: false });
    const from = w.rec.events.length;
    tcpSend(w.world, w.world.host('client'), client, 'GET');
    w.world.sched.run(w.world.now + 10_000);
    expect(sent(w, from)).toEqual([
      'client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 4', 'client ACK 0', 'server PSH,ACK 600', 'client ACK 0',
    ]);
    expect(client.received).toBe(604);
  });

  it('sends both at once with TCP_NODELAY', () => {
    const { w, client } = setup({ nodelay: true });
    const from = w.rec.events.length;
    tcpSend(w.world, w.world.host('client'), client, 'GET');
    w.world.sched.run(w.world.now + 10_000);
    expect(sent(w, from)).toEqual([
      'client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 4', 'server PSH,ACK 600', 'client ACK 0', 'client ACK 0',
    ]);
  });

  it('close() sends what Nagle holds at once, with the FIN on it', () => {
    const { w, client } = setup({ nodelay: false, closeAfter: true });
    const from = w.rec.events.length;
    tcpSend(w.world, w.world.host('client'), client, 'GET');
    w.world.sched.run(w.world.now + 10_000);
    expect(sent(w, from).slice(0, 4)).toEqual(['client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 4', 'server FIN,PSH,ACK 600']);
    expect(client.received).toBe(604);
    expect(client.state).toBe('CLOSE_WAIT');
  });

  it('lets a write go when the small segment before it is acknowledged, though data is in flight', () => {
    // Minshall: only an unacknowledged small segment holds the next one. A full-sized segment in
    // flight does not.
    const w = world(PAIR);
    const server = w.world.host('server');
    tcpListen(server, 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, {
      onAccept: (_l, c) => { c.events = { onData: (s) => { tcpSend(w.world, server, s, '', 1448); tcpSend(w.world, server, s, '', 100); } }; },
    });
    const client = tcpConnect(w.world, w.world.host('client'), 'app', { ip: ipv4Of('10.0.1.20'), port: 80 }, {});
    if (typeof client === 'string') throw new Error(client);
    w.world.sched.run(w.world.now + 10_000);
    const from = w.rec.events.length;
    tcpSend(w.world, w.world.host('client'), client, 'GET');
    w.world.sched.run(w.world.now + 10_000);
    expect(sent(w, from).slice(0, 4)).toEqual(['client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 1448', 'server PSH,ACK 100']);
  });
});
