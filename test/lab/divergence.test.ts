// The first divergent hop on the real kernel: the lab runs step 2 of the ICTSC scenario (usesrc
// clientip, no DIVERT), and the divergent hop is asked of a simulator that runs step 3 (with DIVERT)
// — a disagreement provoked on purpose. The backend's SYN-ACK reaches lb on eth1 on both sides;
// the kernel forwards it nowhere (early demux attached HAProxy's socket, ip_forward drops it),
// while step 3's simulator delivers it to HAProxy through DIVERT and policy routing and lb goes on
// to send the request to worker02. The same capture against the right step finds no divergent hop.
// Root on Linux with the lab's programs and tcpdump; otherwise skipped, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock, releaseLabLock } from './lab-lock.js';
import { Lab } from '../../lab/lab.js';
import { probe } from '../../lab/probe.js';
import { environmentProblem, teardownAll } from '../../lab/runtime.js';
import { captureRequest } from '../../lab/hop-capture.js';
import { compareWithPaths } from '../../lab/hop-report.js';
import { labTracer } from '../../cli/lab-simulator.js';

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
      expect(right.status).toBe('same-path');
      expect(right.simulatorPath?.choices.join(' ')).toMatch(/round-robin position before the first request: 1 picks already made/);
    } finally {
      await teardownAll();
      console.log(`divergence test: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }, 120_000);
});
