// Nagle's algorithm as Linux runs it (tcp_nagle_check with Minshall's variant): a segment smaller
// than the MSS waits while the last small segment sent is unacknowledged, unless the socket has
// TCP_NODELAY; the ACK releases it (tcp_data_snd_check), and close() sends it at once with the
// FIN on it (tcp_send_fin).
import { describe, expect, it } from 'vitest';
import { kinds, world, ipv4Of, PAIR } from './helpers.js';
import { tcpClose, tcpConnect, tcpListen, tcpSend } from './sim.js';
import type { Sock } from '../../../sim/net/sockets/socket.js';

/** What the server does with a request: writes of these sizes (the first with text), then close() when `close`. */
interface Answer { readonly writes: readonly number[]; readonly close?: boolean; readonly nodelay?: boolean }

/**
 * A connection client -> server:80, established; then the client sends "GET" and the server
 * answers. The segments both sides sent from the request on ("host flags length"), and the
 * client's socket.
 */
function exchange(a: Answer): { segments: string[]; client: Sock } {
  const w = world(PAIR);
  const server = w.world.host('server');
  tcpListen(server, 'web', { ip: ipv4Of('0.0.0.0'), port: 80 }, {
    onAccept: (_l, c) => {
      c.events = {
        onData: (s) => {
          a.writes.forEach((n, i) => tcpSend(w.world, server, s, i === 0 ? 'x'.repeat(n) : '', n));
          if (a.close) tcpClose(w.world, server, s);
        },
      };
    },
  }, { nodelay: a.nodelay ?? false });
  const client = tcpConnect(w.world, w.world.host('client'), 'app', { ip: ipv4Of('10.0.1.20'), port: 80 }, {});
  if (typeof client === 'string') throw new Error(client);
  w.world.sched.run(w.world.now + 10_000);
  const from = w.rec.events.length;
  tcpSend(w.world, w.world.host('client'), client, 'GET');
  w.world.sched.run(w.world.now + 10_000);
  const segments = kinds(w.rec.events.slice(from), 'emit').map((e) => `${e.host} ${e.packet.flags ?? ''} ${e.packet.length - 40}`);
  return { segments, client };
}

describe("Nagle's algorithm", () => {
  it('holds a small second write until the first is acknowledged', () => {
    const { segments, client } = exchange({ writes: [4, 600] });
    expect(segments).toEqual([
      'client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 4', 'client ACK 0', 'server PSH,ACK 600', 'client ACK 0',
    ]);
    expect(client.received).toBe(604);
  });

  it('sends both at once with TCP_NODELAY', () => {
    expect(exchange({ writes: [4, 600], nodelay: true }).segments).toEqual([
      'client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 4', 'server PSH,ACK 600', 'client ACK 0', 'client ACK 0',
    ]);
  });

  it('close() sends what Nagle holds at once, with the FIN on it', () => {
    const { segments, client } = exchange({ writes: [4, 600], close: true });
    expect(segments.slice(0, 4)).toEqual(['client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 4', 'server FIN,PSH,ACK 600']);
    expect(client.received).toBe(604);
    expect(client.state).toBe('CLOSE_WAIT');
  });

  it('lets a write go when the small segment before it is acknowledged, though data is in flight', () => {
    // Minshall: only an unacknowledged small segment holds the next one. A full-sized segment in
    // flight does not.
    expect(exchange({ writes: [1448, 100] }).segments.slice(0, 4)).toEqual(['client PSH,ACK 3', 'server ACK 0', 'server PSH,ACK 1448', 'server PSH,ACK 100']);
  });
});
