// The TCP segments of one request as lb sees them, held to the real kernel's captures (pcaps/,
// recorded by `hoplab lab record`): the kernel acknowledges data before the application answers,
// nginx's page waits for the ACK of its head (Nagle), the kernel delays the ACK of a FIN so that
// the closing side's own FIN carries it, and HAProxy closes the client connection when the
// server's side has ended.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runTries, randomChooser, seededRng, TraceRecorder, type TraceEvent } from '../../sim/index.js';
import { decodeLink, readPcap, tcpFlagNames } from '../../lab/pcap.js';
import { ictscFiles } from './ictsc-files.js';

/**
 * A segment as lb sees it: its direction, flags, and for a segment of the response (data coming
 * from the server's side) its length. The request's length is left out: the lab's probe tags its
 * request line, so the captured request is longer than curl's own.
 */
type Seen = readonly [direction: 'in' | 'out', flags: string, responseBytes?: number];

/** An address on one side of the connections looked at: exact, or a prefix ending in ".". */
type Side = { readonly ip: string; readonly port: number };
const matches = (ip: string, want: string): boolean => (want.endsWith('.') ? ip.startsWith(want) : ip === want);

/**
 * The completed connections (with data both ways) to `server` in a capture of lb (any device), in
 * capture order, each as lb saw it, keyed by the other side's port.
 */
function capturedConnections(file: string, server: Side): Seen[][] {
  const f = readPcap(new Uint8Array(readFileSync(file)));
  const byPort = new Map<number, Seen[]>();
  for (const r of f.records) {
    const d = decodeLink(f.linkType, r.data);
    const ip = d.ipv4;
    const t = ip?.tcp;
    if (!ip || !t) continue;
    const toServer = matches(ip.dst, server.ip) && t.dport === server.port;
    const fromServer = matches(ip.src, server.ip) && t.sport === server.port;
    if (!toServer && !fromServer) continue;
    const port = toServer ? t.sport : t.dport;
    let conn = byPort.get(port);
    if (!conn) byPort.set(port, (conn = []));
    const flags = tcpFlagNames(t.flags);
    conn.push(fromServer && t.payloadLength > 0 ? [d.link.packetType === 'outgoing' ? 'out' : 'in', flags, t.payloadLength] : [d.link.packetType === 'outgoing' ? 'out' : 'in', flags]);
  }
  return [...byPort.values()].filter((c) => c.some((s) => s[2] !== undefined));
}

/** lb's view of its connection with `server` in the simulation: segments delivered to its sockets and segments it sent. */
function simulated(events: readonly TraceEvent[], server: Side): Seen[] {
  const out: Seen[] = [];
  for (const e of events) {
    if (e.kind !== 'deliver' && e.kind !== 'emit') continue;
    if (e.host !== 'lb' || e.packet.proto !== 'tcp') continue;
    const p = e.packet;
    const data = p.length - 40;
    if (e.kind === 'deliver' && matches(p.src, server.ip) && p.sport === server.port) out.push(data > 0 ? ['in', p.flags ?? '', data] : ['in', p.flags ?? '']);
    if (e.kind === 'emit' && matches(p.dst, server.ip) && p.dport === server.port) out.push(['out', p.flags ?? '']);
    // lb's own answers as the server of the client's connection
    if (e.kind === 'emit' && matches(p.src, server.ip) && p.sport === server.port) out.push(data > 0 ? ['out', p.flags ?? '', data] : ['out', p.flags ?? '']);
    if (e.kind === 'deliver' && matches(p.dst, server.ip) && p.dport === server.port) out.push(['in', p.flags ?? '']);
  }
  return out;
}

const CAPTURES = ['pcaps/ictsc2020-nodeport-source-ip-step3-lb-any.pcap', 'pcaps/ictsc2020-nodeport-source-ip-step4-lb-any.pcap'];
const LB = { ip: '192.168.0.1', port: 30080 };
const NODES = { ip: '172.16.0.', port: 30080 };

describe('the segments of one request, as the kernel sends them', () => {
  const sc = loadScenario(ictscFiles);
  const rec = new TraceRecorder();
  const run = runTries(sc, { step: 4, from: 'host01', to: '192.168.0.1:30080', tries: 1, recorder: rec }, randomChooser(seededRng(1)), false);

  it('HAProxy\'s connection to the node has the captured segments: nginx\'s head, then the page once the head is acknowledged (Nagle)', () => {
    expect(run.tries[0]?.outcome).toBe('ok');
    // Connections whose client waited for the page (some connections the lab makes while it
    // starts half-close after their request).
    const waited = (c: Seen[]): boolean => c.findIndex((x) => x[0] === 'out' && x[1].includes('FIN')) > c.findIndex((x) => x[2] === 612);
    const captured = CAPTURES.flatMap((f) => capturedConnections(f, NODES)).filter(waited);
    const expected: Seen[] = [
      ['out', 'SYN'], ['in', 'SYN,ACK'], ['out', 'ACK'], ['out', 'PSH,ACK'], ['in', 'ACK'], ['in', 'PSH,ACK', 238], ['out', 'ACK'],
      ['in', 'PSH,ACK', 612], ['out', 'ACK'], ['out', 'FIN,ACK'], ['in', 'FIN,ACK'], ['out', 'ACK'],
    ];
    expect(captured.length).toBeGreaterThanOrEqual(3);
    for (const c of captured) expect(c).toEqual(expected);
    expect(simulated(rec.events, NODES)).toEqual(expected);
  });

  it('the client connection at lb has segments the kernel was seen to send', () => {
    // HAProxy forwards what it has read: the head and the page apart when it read the head before
    // the page arrived, as the simulation (whose applications take no time) always does, or both
    // in one segment when it woke up later. The captures hold both.
    const captured = CAPTURES.flatMap((f) => capturedConnections(f, LB));
    const sim = simulated(rec.events, LB);
    expect(sim).toEqual([
      ['in', 'SYN'], ['out', 'SYN,ACK'], ['in', 'ACK'], ['in', 'PSH,ACK'], ['out', 'ACK'], ['out', 'PSH,ACK', 238], ['in', 'ACK'],
      ['out', 'PSH,ACK', 612], ['in', 'ACK'], ['in', 'FIN,ACK'], ['out', 'FIN,ACK'], ['in', 'ACK'],
    ]);
    expect(captured).toContainEqual(sim);
  });

  it('after the request no socket is left half-closed on lb or host01', () => {
    for (const name of ['lb', 'host01']) {
      const h = run.world.world.hosts.get(name);
      const states = (h?.sockets.all() ?? []).map((s) => s.state);
      expect(states.filter((s) => s === 'CLOSE_WAIT' || s === 'FIN_WAIT2' || s === 'LAST_ACK')).toEqual([]);
    }
  });
});
