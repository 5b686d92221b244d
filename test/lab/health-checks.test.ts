// HAProxy's health checks on the real kernel: the segments lb sends on a check connection, from its
// SYN to the RST that ends it, must be the ones the simulator sends (TCP_QUICKACK off, so the
// handshake's ACK rides on the request or never goes; an abortive close). The server side is the
// lab's stand-in for kube-proxy's Go server, so only lb's segments are compared, up to its RST
// or FIN. HAProxy closes with a FIN instead when the server's FIN came in first (the stand-in
// sometimes closes before HAProxy has read its answer): such a connection must show the server's
// FIN before lb's.
// Runs only as root on Linux with the lab's programs installed; otherwise skipped with the reason.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock, releaseLabLock } from './lab-lock.js';
import { Lab } from '../../lab/lab.js';
import { environmentProblem, teardownAll } from '../../lab/runtime.js';
import { startCapture } from '../../lab/capture.js';
import { readTcpPackets, type TcpPacket } from './pcap-read.js';
import { buildScenario, loadScenario, TraceRecorder, type TraceEvent } from '../../sim/index.js';
import { folderFiles } from '../../cli/scenario-files.js';

const DIR = new URL('../../topologies/ictsc2020-nodeport-source-ip', import.meta.url).pathname;
const CFG = 'variants/health-check-haproxy.cfg';
const LB = '172.16.0.254';
const PORT = 32000;
const problem = environmentProblem();
if (problem) console.log(`test/lab/health-checks.test.ts skipped: ${problem}`);

const seg = (flags: { syn: boolean; ack: boolean; rst: boolean; fin: boolean; psh: boolean }, len: number): string =>
  `${flags.syn ? 'S' : ''}${flags.fin ? 'F' : ''}${flags.rst ? 'R' : ''}${flags.psh ? 'P' : ''}${flags.ack ? '.' : ''}${len ? ` ${len}` : ''}`;

interface Seg { readonly sport: number; readonly dport: number; readonly src: string; readonly text: string }

/**
 * lb's segments of each check connection, up to and including its first RST or FIN, with whether
 * the server's FIN came in before that FIN.
 */
function lbSides(packets: readonly Seg[]): { lb: string; serverFinFirst: boolean }[] {
  const byConn = new Map<number, { lb: string[]; serverFin: boolean; serverFinFirst: boolean; done: boolean }>();
  for (const p of packets) {
    const lbPort = p.src === LB ? p.sport : p.dport;
    if ((p.src === LB ? p.dport : p.sport) !== PORT) continue;
    const c = byConn.get(lbPort) ?? { lb: [], serverFin: false, serverFinFirst: false, done: false };
    byConn.set(lbPort, c);
    if (c.done) continue;
    if (p.src !== LB) { if (p.text.startsWith('F')) c.serverFin = true; continue; }
    c.lb.push(p.text);
    if (p.text.startsWith('R') || p.text.startsWith('F')) { c.done = true; c.serverFinFirst = c.serverFin && p.text.startsWith('F'); }
  }
  return [...byConn.values()].filter((c) => c.lb[0] === 'S' && c.done).map((c) => ({ lb: c.lb.join(', '), serverFinFirst: c.serverFinFirst }));
}

function kernelSides(pk: readonly TcpPacket[]): { lb: string; serverFinFirst: boolean }[] {
  return lbSides(pk.map((p) => ({ sport: p.sport, dport: p.dport, src: p.src, text: seg(p, p.len) })));
}

function simulatorSides(dir: string): string[] {
  const rec = new TraceRecorder();
  buildScenario(loadScenario(folderFiles(dir)), { variant: 'health-check-nodeport', recorder: rec }).world.sched.run(5_000_000);
  const out: Seg[] = [];
  for (const e of rec.events as TraceEvent[]) {
    if (e.kind !== 'emit' || e.packet.proto !== 'tcp') continue;
    const f = (e.packet.flags ?? '').split(',');
    const has = (x: string): boolean => f.includes(x);
    out.push({ sport: e.packet.sport ?? 0, dport: e.packet.dport ?? 0, src: e.packet.src, text: seg({ syn: has('SYN'), ack: has('ACK'), rst: has('RST'), fin: has('FIN'), psh: has('PSH') }, e.packet.length - 40) });
  }
  return lbSides(out).map((c) => c.lb);
}

describe.skipIf(problem !== undefined)('HAProxy health checks on the real kernel', () => {
  beforeAll(() => acquireLabLock(), 1_600_000);
  afterAll(async () => { await teardownAll(); releaseLabLock(); });

  const cases: [string, (cfg: string) => string, string, string][] = [
    ['option httpchk GET /healthz', (c) => c, 'S, P. 25, R.', 'S, P. 25, F.'],
    ['a TCP check', (c) => c.replace('    option httpchk GET /healthz\n', '').replace('    http-check expect status 200\n', ''), 'S, R.', 'S, F.'],
  ];
  for (const [name, edit, expected, afterServerFin] of cases) {
    it(`${name}: lb's segments of every check connection are the simulator's`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hoplab-checks-'));
      try {
        cpSync(DIR, dir, { recursive: true });
        writeFileSync(join(dir, CFG), edit(readFileSync(join(dir, CFG), 'utf8')));
        const sim = simulatorSides(dir);
        expect(new Set(sim)).toEqual(new Set([expected]));
        await Lab.up(dir, { variant: 'health-check-nodeport', policy: true });
        const cap = await startCapture('lb', 'eth1', join(dir, 'checks.pcap'), { immediate: true });
        await new Promise((r) => setTimeout(r, 4500));
        await cap.stop();
        const kernel = kernelSides(readTcpPackets(join(dir, 'checks.pcap')));
        expect(kernel.length).toBeGreaterThanOrEqual(3);
        for (const k of kernel) expect(k).toEqual(k.serverFinFirst ? { lb: afterServerFin, serverFinFirst: true } : { lb: expected, serverFinFirst: false });
        expect(kernel.some((k) => k.lb === expected)).toBe(true);
      } finally {
        await teardownAll();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  }
});
