// The first divergent hop on the real kernel: the lab runs step 2 of the ICTSC scenario (usesrc
// clientip, no DIVERT), and the divergent hop is asked of a simulator that runs step 3 (with DIVERT)
// — a disagreement provoked on purpose. The backend's SYN-ACK reaches lb on eth1 on both sides;
// the kernel forwards it nowhere (early demux attached HAProxy's socket, ip_forward drops it),
// while step 3's simulator delivers it to HAProxy through DIVERT and policy routing and lb goes on
// to send the request to worker02. The same capture against the right step finds none in the first
// second.
// Then `verify` itself, on the scenario cut to step 0 without its policy, given a simulator (and
// tracer) of step 1 (externalTrafficPolicy: Local): each disagreeing row carries its first divergent
// hop. Root on Linux with the lab's programs and tcpdump; otherwise skipped, saying why.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock, releaseLabLock } from './lab-lock.js';
import { Lab } from '../../lab/lab.js';
import { probe } from '../../lab/probe.js';
import { environmentProblem, teardownAll } from '../../lab/runtime.js';
import { captureRequest } from '../../lab/hop-capture.js';
import { compareWithPaths } from '../../lab/hop-report.js';
import { labSimulator, labTracer } from '../../cli/lab-simulator.js';
import { verify } from '../../lab/verify.js';

const DIR = new URL('../../topologies/ictsc2020-nodeport-source-ip', import.meta.url).pathname;
const TO = '192.168.0.1:30080';
const problem = environmentProblem(['tcpdump']);
if (problem) console.log(`test/lab/divergence.test.ts skipped: ${problem}`);

describe.skipIf(problem !== undefined)('the first divergent hop, kernel vs a simulator of the wrong step', () => {
  beforeAll(() => acquireLabLock(), 1_600_000);
  afterAll(() => releaseLabLock());

  it('names the backend SYN-ACK at lb, with the DIVERT route the simulator took', async () => {
    const t0 = Date.now();
    try {
      await Lab.up(DIR, { step: 2, policy: true });
      // HAProxy was restarted by step 2: its first request goes to k8s1 (worker01, no local
      // endpoint, dropped there on both steps), the next to k8s2 (worker02, where the pod runs).
      const first = await probe({ from: 'host01', to: TO, tries: 1 });
      expect(first.tries[0]?.outcome).toBe('timeout');
      const cap = await captureRequest('host01', TO);
      expect(cap.result.tries[0]?.outcome).toBe('timeout');
      expect(cap.dropped).toEqual({});
      // The kernel's backend SYN went to worker02 and was answered.
      expect(cap.journeys.some((j) => j.first.flags === 'SYN' && j.first.dst === '172.16.0.12' && j.hops.some((h) => h.host === 'worker02'))).toBe(true);

      const wrong = compareWithPaths(cap, await labTracer({ dir: DIR, step: 3, policy: true, from: 'host01', to: TO }));
      console.log(`wrong step: ${wrong.text}`);
      expect(wrong.status).toBe('diverged');
      const d = wrong.divergence;
      expect(d?.host).toBe('lb');
      expect(d?.packet).toMatch(/^SYN-ACK 172\.16\.0\.12:30080 → 192\.168\.0\.10:\* \(sent by my-deployment-[0-9a-f]+-0 as SYN-ACK 172\.20\.6\.1:80 → 192\.168\.0\.10:\*\)$/);
      expect(d?.kernel).toMatch(/^reached lb on eth1 and was not seen again/);
      expect(d?.simulator).toMatch(/^delivered on lb to haproxy .*then lb sent data \(HTTP GET\) 192\.168\.0\.10:\* → 172\.16\.0\.12:30080 on eth1 toward worker02$/);
      expect(d?.simulatorFate?.kind === 'delivered' ? d.simulatorFate.notes?.join(' ') : '').toMatch(/fwmark 0x1 lookup 100.*steps\/3-divert\.sh:\d+/);
      expect(wrong.simulatorPath?.outcome).toBe('ok');

      const right = compareWithPaths(cap, await labTracer({ dir: DIR, step: 2, policy: true, from: 'host01', to: TO }));
      console.log(`right step: ${right.text}`);
      // The right step follows the kernel hop by hop, at least until the retransmissions a second
      // later (whether the pod answers lb's retransmitted SYN or its own SYN-ACK timer first is a
      // race on the kernel).
      expect(right.status === 'same-path' || (right.divergence?.t ?? 0) > 900_000).toBe(true);
      expect(right.simulatorPath?.choices.join(' ')).toMatch(/round-robin position before the first request: 1 picks already made/);
    } finally {
      await teardownAll();
      console.log(`divergence test: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }, 120_000);

  it("verify's rows: the first divergent hop of each disagreement, with the simulator's rule", async () => {
    const t0 = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'hoplab-step0-'));
    try {
      cpSync(DIR, dir, { recursive: true });
      const doc = parseDocument(readFileSync(join(dir, 'topology.yaml'), 'utf8'));
      doc.setIn(['steps'], doc.getIn(['steps', 0]) ? [doc.getIn(['steps', 0])] : []);
      doc.delete('variants');
      writeFileSync(join(dir, 'topology.yaml'), doc.toString());
      const step1 = { step: 1, dir: DIR };
      const rows = await verify(dir, (req) => labSimulator({ ...req, ...step1 }), { tries: 1, policy: false, tracer: (req) => labTracer({ ...req, ...step1 }) });
      for (const r of rows) console.log(`${r.target} ${r.from}: ${r.differences.join('; ')}\n  ${r.firstDivergentHop ?? '-'}`);
      expect(rows.map((r) => [r.from, r.agree])).toEqual([['host01', false], ['host02', false]]);
      // host01's request goes to k8s1 (worker01): the kernel's worker01 masquerades it into the
      // tunnel toward the pod on worker02; step 1's kube-proxy drops it (no local endpoint).
      const h1 = rows[0]?.hops;
      expect(h1?.status).toBe('diverged');
      expect(h1?.divergence).toMatchObject({ kind: 'stopped', host: 'worker01', packet: 'SYN 172.16.0.254:* → 172.16.0.11:30080', kernel: 'sent by worker01 on eth0 (in VXLAN) toward worker02 as SYN 172.20.5.0:* → 172.20.6.1:80' });
      expect(h1?.divergence?.simulatorFate).toMatchObject({ kind: 'dropped', host: 'worker01', rule: { chain: 'KUBE-EXTERNAL-SERVICES' } });
      expect(rows[0]?.firstDivergentHop).toMatch(/^first divergent hop: SYN 172\.16\.0\.254:\* → 172\.16\.0\.11:30080 at worker01 — kernel: sent by worker01 .*; simulator: dropped on worker01: filter INPUT: DROP \(rule -A KUBE-EXTERNAL-SERVICES .* at worker01: kube-proxy .*:\d+\)/);
      // host02's goes to k8s2 (worker02, the pod's node): the kernel masquerades it to the node's
      // address, step 1 keeps lb's.
      const h2 = rows[1]?.hops;
      expect(h2?.status).toBe('diverged');
      expect(h2?.divergence).toMatchObject({ kind: 'hop', host: 'worker02' });
      expect(h2?.divergence?.kernel).toMatch(/^sent by worker02 on cali[0-9a-f]{11} toward my-deployment-[0-9a-f]+-0 as SYN 172\.16\.0\.12:\* → 172\.20\.6\.1:80$/);
      expect(h2?.divergence?.simulator).toMatch(/^sent by worker02 on cali[0-9a-f]{11} toward my-deployment-[0-9a-f]+-0 as SYN 172\.16\.0\.254:\* → 172\.20\.6\.1:80$/);
    } finally {
      await teardownAll();
      rmSync(dir, { recursive: true, force: true });
      console.log(`verify with divergent hops: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }, 120_000);
});
