// The ICTSC 2020 scenario, step by step, against the table of ../shared/scenarios/
// ictsc2020-nodeport-source-ip.md (what a real system does): outcomes of `curl -m 2` from host01
// and host02, with and without the NetworkPolicy, and the client address nginx logs.
import { describe, expect, it } from 'vitest';
import { loadScenario, randomChooser, runTries, seededRng, simulate, TryRunner } from '../../sim/index.js';
import { ictscFiles } from './ictsc-files.js';

const sc = loadScenario(ictscFiles);
const LB = '192.168.0.1:30080';
const ADDR = { host01: '192.168.0.10', host02: '192.168.0.20' } as const;

type Row = (client: 'host01' | 'host02') => string[]; // per try: "ok <logged ip>" | "timeout"
const alt = (a: string, b: string): string[] => [a, b, a, b, a, b];
const all = (x: string): string[] => Array(6).fill(x) as string[];

// HAProxy's round robin starts with the first server (k8s1 = worker01); the pod is on worker02.
const EXPECTED: Record<number, { noPolicy: Row; policy: Row }> = {
  0: { noPolicy: () => alt('ok 172.20.5.0', 'ok 172.16.0.12'), policy: () => all('timeout') },
  1: { noPolicy: () => alt('timeout', 'ok 172.16.0.254'), policy: () => all('timeout') },
  2: { noPolicy: () => all('timeout'), policy: () => all('timeout') },
  3: { noPolicy: (c) => alt('timeout', `ok ${ADDR[c]}`), policy: (c) => (c === 'host01' ? alt('timeout', `ok ${ADDR[c]}`) : all('timeout')) },
  4: { noPolicy: (c) => all(`ok ${ADDR[c]}`), policy: (c) => (c === 'host01' ? all(`ok ${ADDR[c]}`) : all('timeout')) },
};

describe('ICTSC scenario, steps 0-4', () => {
  it('loads without errors', () => {
    expect(sc.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
  for (const step of [0, 1, 2, 3, 4]) {
    for (const policy of [false, true]) {
      for (const client of ['host01', 'host02'] as const) {
        it(`step ${step}, ${policy ? 'with' : 'without'} the NetworkPolicy, from ${client}`, () => {
          const r = simulate(sc, { step, from: client, to: LB, tries: 6, ...(policy ? {} : { noPolicy: true }) });
          const got = r.tries.map((t) => (t.outcome === 'ok' ? `ok ${t.loggedClientIp}` : t.outcome));
          expect(got).toEqual(EXPECTED[step]?.[policy ? 'policy' : 'noPolicy'](client));
          for (const t of r.tries) {
            if (t.outcome === 'timeout') expect(t.elapsedMs).toBeGreaterThanOrEqual(2000);
            if (t.outcome === 'ok') expect(t.httpStatus).toBe(200);
          }
        });
      }
    }
  }
});

describe('ICTSC scenario, explore', () => {
  it('gives host01 exactly 0.5 success at step 3 and 1.0 at step 4', () => {
    expect(simulate(sc, { step: 3, from: 'host01', to: LB, explore: true }).probabilities?.ok).toBe(0.5);
    expect(simulate(sc, { step: 4, from: 'host01', to: LB, explore: true }).probabilities?.ok).toBe(1);
    expect(simulate(sc, { step: 4, from: 'host02', to: LB, explore: true }).probabilities?.timeout).toBe(1);
  });
});

describe('tries one at a time', () => {
  it('a TryRunner runs one try per next() and ends with what runTries gives', () => {
    const o = { step: 3, from: 'host01', to: LB, tries: 4 };
    const r = new TryRunner(sc, o, randomChooser(seededRng(7)), false);
    const seen: string[] = [];
    expect(r.remaining).toBe(4);
    while (r.next()) seen.push(`${r.tries.length} ${r.tries.at(-1)?.outcome} ${r.remaining}`);
    expect(seen).toEqual(['1 timeout 3', '2 ok 2', '3 timeout 1', '4 ok 0']);
    expect(r.next()).toBe(false);
    const all = runTries(sc, o, randomChooser(seededRng(7)), false);
    expect(r.tries).toEqual(all.tries);
    expect(r.log).toEqual(all.log);
    expect(r.log).toHaveLength(2);
  });

  it('the clock moves in 10 ms slices while a try waits: a timed-out try ends on the slice after curl gives up, plus 100 ms to settle', () => {
    const r = new TryRunner(sc, { step: 3, from: 'host01', to: LB, tries: 2 }, randomChooser(seededRng(7)), false);
    const w = r.world.world;
    const t0 = w.now;
    r.next();
    expect(r.tries[0]).toMatchObject({ outcome: 'timeout', elapsedMs: 2001 });
    expect(w.now - t0).toBe(2_010_000 + 100_000);
    const t1 = w.now;
    r.next();
    expect(r.tries[1]?.outcome).toBe('ok');
    expect(w.now - t1).toBe(10_000 + 100_000);
  });
});

describe('what curl prints', () => {
  it('a request HAProxy accepted but could not serve times out as an operation, not a connect', () => {
    const r = simulate(sc, { step: 2, from: 'host01', to: LB, tries: 1 });
    expect(r.tries[0]?.curl).toBe('curl: (28) Operation timed out after 2001 milliseconds with 0 bytes received');
  });
});
