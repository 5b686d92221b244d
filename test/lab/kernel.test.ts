// The ICTSC scenario on the real kernel: steps 0-4 in hoplab-* namespaces with real haproxy, nginx
// and iptables-nft, checked against the scenario table (shared/scenarios/ictsc2020-nodeport-source-ip.md).
// Runs only as root on Linux with the lab's programs installed; otherwise skipped with the reason.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock, releaseLabLock } from './lab-lock.js';
import { Lab } from '../../lab/lab.js';
import { probe, type ProbeResult } from '../../lab/probe.js';
import { environmentProblem, listLabNamespaces, runCommand, teardownAll } from '../../lab/runtime.js';
import { sysctlCmd } from '../../lab/net-plan.js';
import { startCapture } from '../../lab/capture.js';
import { readTcpPackets } from './pcap-read.js';

const DIR = new URL('../../topologies/ictsc2020-nodeport-source-ip', import.meta.url).pathname;
const TO = '192.168.0.1:30080';
const problem = environmentProblem();
if (problem) console.log(`test/lab/kernel.test.ts skipped: ${problem}`);

const ips = (r: ProbeResult): (string | undefined)[] => r.tries.map((t) => t.loggedClientIp);

describe.skipIf(problem !== undefined)('ICTSC scenario on the real kernel', () => {
  beforeAll(() => acquireLabLock(), 1_600_000);
  afterAll(async () => { await teardownAll(); releaseLabLock(); });

  it('without NetworkPolicy: nginx logs what the scenario table says, step by step', async () => {
    const lab = await Lab.up(DIR, { step: 0, policy: false });
    try {
      // Step 0: HAProxy connects from lb; kube-proxy masquerades. worker01's requests cross the tunnel
      // (masqueraded to its tunnel address); worker02's are delivered locally (the node IP, E15).
      const s0 = await probe({ from: 'host01', to: TO, tries: 4 });
      expect(s0.summary.ok).toBe(4);
      expect(new Set(ips(s0))).toEqual(new Set(['172.20.5.0', '172.16.0.12']));
      for (let i = 1; i < 4; i++) expect(ips(s0)[i]).not.toBe(ips(s0)[i - 1]); // alternately
      expect(s0.tries.every((t) => t.httpStatus === 200)).toBe(true);

      await lab.advanceTo(1); // externalTrafficPolicy: Local
      const s1 = await probe({ from: 'host01', to: TO, tries: 4 });
      expect(s1.summary).toEqual({ ok: 2, timeout: 2, reset: 0, refused: 0 });
      expect(s1.tries.filter((t) => t.outcome === 'ok').map((t) => t.loggedClientIp)).toEqual(['172.16.0.254', '172.16.0.254']);
      expect(s1.tries.filter((t) => t.outcome === 'timeout').every((t) => t.server === undefined || t.server === 'k8s1')).toBe(true);

      await lab.advanceTo(2); // usesrc clientip, no DIVERT
      for (const from of ['host01', 'host02']) {
        const s2 = await probe({ from, to: TO, tries: 2 });
        expect(s2.summary.timeout).toBe(2);
        expect(ips(s2).every((x) => x === undefined)).toBe(true);
      }

      await lab.advanceTo(3); // DIVERT + policy routing
      const s3 = await probe({ from: 'host01', to: TO, tries: 4 });
      expect(s3.summary).toEqual({ ok: 2, timeout: 2, reset: 0, refused: 0 });
      expect(s3.tries.filter((t) => t.outcome === 'ok').every((t) => t.loggedClientIp === '192.168.0.10' && t.server === 'k8s2')).toBe(true);

      await lab.advanceTo(4); // two replicas, one per worker
      expect(lab.info.pods.map((p) => p.node).sort()).toEqual(['worker01', 'worker02']);
      const s4 = await probe({ from: 'host01', to: TO, tries: 4 });
      expect(s4.summary.ok).toBe(4);
      expect(ips(s4).every((x) => x === '192.168.0.10')).toBe(true);
      const h2 = await probe({ from: 'host02', to: TO, tries: 2 });
      expect(h2.summary.ok).toBe(2);
      expect(ips(h2).every((x) => x === '192.168.0.20')).toBe(true);
    } finally {
      await teardownAll();
    }
  }, 300_000);

  it('with the scenario NetworkPolicy: host01 only gets in at steps 3 (half) and 4; host02 never', async () => {
    const lab = await Lab.up(DIR, { step: 0, policy: true });
    try {
      const expected: Record<number, { host01: number; host02: number }> = { 0: { host01: 0, host02: 0 }, 1: { host01: 0, host02: 0 }, 2: { host01: 0, host02: 0 }, 3: { host01: 1, host02: 0 }, 4: { host01: 2, host02: 0 } };
      for (let step = 0; step <= 4; step++) {
        await lab.advanceTo(step);
        const h1 = await probe({ from: 'host01', to: TO, tries: 2 });
        const h2 = await probe({ from: 'host02', to: TO, tries: 2 });
        expect({ step, ok: h1.summary.ok }).toEqual({ step, ok: expected[step]?.host01 });
        expect({ step, ok: h2.summary.ok, timeout: h2.summary.timeout }).toEqual({ step, ok: 0, timeout: 2 });
        if (h1.summary.ok > 0) expect(h1.tries.filter((t) => t.outcome === 'ok').every((t) => t.loggedClientIp === '192.168.0.10')).toBe(true);
      }
    } finally {
      await teardownAll();
    }
    expect(listLabNamespaces()).toEqual([]);
  }, 300_000);

  it('beyond the write-up: policy placed after KUBE-FORWARD is bypassed for NodePort traffic delivered on the pod node', async () => {
    await Lab.up(DIR, { step: 0, policy: true, placement: 'after-kube-forward' });
    try {
      for (const from of ['host01', 'host02']) {
        const r = await probe({ from, to: TO, tries: 4 });
        // via worker02 (the pod's node): masquerade-marked, accepted by KUBE-FORWARD before the policy;
        // via worker01: the packet reaches worker02 through the tunnel unmarked and meets the policy.
        expect(r.summary).toEqual({ ok: 2, timeout: 2, reset: 0, refused: 0 });
        expect(r.tries.filter((t) => t.outcome === 'ok').every((t) => t.server === 'k8s2' && t.loggedClientIp === '172.16.0.12')).toBe(true);
      }
    } finally {
      await teardownAll();
    }
  }, 120_000);

  it('beyond the write-up: with policy Cluster, usesrc clientip and DIVERT, host01 passes the policy on the pod node and nginx logs the node IP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoplab-variant-'));
    try {
      cpSync(DIR, dir, { recursive: true });
      // Add a variant to a copy of the folder (keeping any variants the folder already has).
      const doc = parseDocument(readFileSync(join(dir, 'topology.yaml'), 'utf8'));
      doc.setIn(['variants', 'cluster-divert'], doc.createNode({
        base: 0,
        title: 'usesrc clientip and DIVERT, externalTrafficPolicy Cluster',
        changes: [
          { replace: { host: 'lb', file: 'haproxy', with: 'steps/2-haproxy.cfg' } },
          { run: { host: 'lb', script: 'steps/3-divert.sh' } },
        ],
      }));
      writeFileSync(join(dir, 'topology.yaml'), doc.toString());
      await Lab.up(dir, { variant: 'cluster-divert', policy: true });
      const h1 = await probe({ from: 'host01', to: TO, tries: 4 });
      // The policy check (filter FORWARD) sits between kube-proxy's DNAT and its SNAT: on worker02 it
      // still sees 192.168.0.10; the masquerade to the node IP comes after it. Requests through
      // worker01 arrive already masqueraded to 172.20.5.0 and are dropped.
      expect(h1.summary).toEqual({ ok: 2, timeout: 2, reset: 0, refused: 0 });
      expect(h1.tries.filter((t) => t.outcome === 'ok').every((t) => t.server === 'k8s2' && t.loggedClientIp === '172.16.0.12')).toBe(true);
      const h2 = await probe({ from: 'host02', to: TO, tries: 2 });
      expect(h2.summary.timeout).toBe(2);
    } finally {
      await teardownAll();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('step 2: the backend SYN-ACK reaches lb but is not forwarded to the client; with tcp_early_demux=0 it is, and host01 resets it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoplab-cap-'));
    try {
      await Lab.up(DIR, { step: 2, policy: false });
      const inside = await startCapture('lb', 'eth1', join(dir, 'in.pcap'));
      const outside = await startCapture('lb', 'eth0', join(dir, 'out.pcap'));
      const r = await probe({ from: 'host01', to: TO, tries: 2 });
      await inside.stop();
      await outside.stop();
      expect(r.summary.timeout).toBe(2);
      const synAck = (p: { syn: boolean; ack: boolean; src: string; dst: string }): boolean => p.syn && p.ack && p.dst === '192.168.0.10' && p.src.startsWith('172.16.0.');
      // worker02 answers HAProxy's transparent SYN (worker01 drops it: no local endpoint) ...
      expect(readTcpPackets(join(dir, 'in.pcap')).filter(synAck).length).toBeGreaterThan(0);
      // ... and lb forwards none of those answers toward host01 while HAProxy's socket still waits for it.
      expect(readTcpPackets(join(dir, 'out.pcap')).filter(synAck)).toEqual([]);

      // With early demux off on lb, the same answers are forwarded and host01 resets them; curl still times out.
      runCommand(sysctlCmd('hoplab-lb', 'net.ipv4.tcp_early_demux', '0', 'test'));
      const out2 = await startCapture('lb', 'eth0', join(dir, 'out2.pcap'));
      const r2 = await probe({ from: 'host01', to: TO, tries: 2 });
      await out2.stop();
      expect(r2.summary.timeout).toBe(2);
      const pk = readTcpPackets(join(dir, 'out2.pcap'));
      expect(pk.filter(synAck).length).toBeGreaterThan(0);
      expect(pk.some((p) => p.rst && p.src === '192.168.0.10' && p.dst.startsWith('172.16.0.'))).toBe(true);
    } finally {
      await teardownAll();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
