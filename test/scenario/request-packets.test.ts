// The TCP segments of one request as lb sees them, held to the real kernel's capture of the same
// step (pcaps/, recorded by `hoplab lab record`): the kernel acknowledges data before the
// application answers, delays the ACK of a FIN so that the closing side's own FIN carries it, and
// HAProxy closes the client connection when the server's side has ended.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runTries, randomChooser, seededRng, TraceRecorder, type TraceEvent } from '../../sim/index.js';
import { decodeLink, readPcap, tcpFlagNames } from '../../lab/pcap.js';
import { ictscFiles } from './ictsc-files.js';

type Seen = readonly [direction: 'in' | 'out', flags: string];

/** The first connection from the client to lb:30080 in the capture of lb (any device), in capture order. */
function capturedClientConnection(): Seen[] {
  const f = readPcap(new Uint8Array(readFileSync('pcaps/ictsc2020-nodeport-source-ip-step4-lb-any.pcap')));
  const frames = f.records.map((r) => decodeLink(f.linkType, r.data));
  let port: number | undefined;
  const out: Seen[] = [];
  for (const d of frames) {
    const ip = d.ipv4;
    const t = ip?.tcp;
    if (!ip || !t) continue;
    const fromClient = ip.src === '192.168.0.10' && ip.dst === '192.168.0.1' && t.dport === 30080;
    const toClient = ip.src === '192.168.0.1' && ip.dst === '192.168.0.10' && t.sport === 30080;
    if (!fromClient && !toClient) continue;
    const clientPort = fromClient ? t.sport : t.dport;
    port ??= clientPort;
    if (clientPort !== port) continue;
    out.push([d.link.packetType === 'outgoing' ? 'out' : 'in', tcpFlagNames(t.flags)]);
  }
  return out;
}

/** lb's view of a connection in the simulation: segments delivered to its sockets and segments it sent. */
function simulated(events: readonly TraceEvent[], local: string, localPort: number): Seen[] {
  const out: Seen[] = [];
  for (const e of events) {
    if (e.kind !== 'deliver' && e.kind !== 'emit') continue;
    if (e.host !== 'lb' || e.packet.proto !== 'tcp') continue;
    const p = e.packet;
    if (e.kind === 'deliver' && p.dst === local && p.dport === localPort) out.push(['in', p.flags ?? '']);
    if (e.kind === 'emit' && p.src === local && p.sport === localPort) out.push(['out', p.flags ?? '']);
  }
  return out;
}

describe('the segments of one request, as the kernel sends them', () => {
  const sc = loadScenario(ictscFiles);
  const rec = new TraceRecorder();
  const run = runTries(sc, { step: 4, from: 'host01', to: '192.168.0.1:30080', tries: 1, recorder: rec }, randomChooser(seededRng(1)), false);

  it('the client connection at lb has the captured segments, in the captured order', () => {
    expect(run.tries[0]?.outcome).toBe('ok');
    const captured = capturedClientConnection();
    expect(captured).toEqual([
      ['in', 'SYN'], ['out', 'SYN,ACK'], ['in', 'ACK'], ['in', 'PSH,ACK'], ['out', 'ACK'], ['out', 'PSH,ACK'], ['in', 'ACK'],
      ['in', 'FIN,ACK'], ['out', 'FIN,ACK'], ['in', 'ACK'],
    ]);
    expect(simulated(rec.events, '192.168.0.1', 30080)).toEqual(captured);
  });

  it('after the request no socket is left half-closed on lb or host01', () => {
    for (const name of ['lb', 'host01']) {
      const h = run.world.world.hosts.get(name);
      const states = (h?.sockets.all() ?? []).map((s) => s.state);
      expect(states.filter((s) => s === 'CLOSE_WAIT' || s === 'FIN_WAIT2' || s === 'LAST_ACK')).toEqual([]);
    }
  });
});
