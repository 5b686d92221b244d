// The simulator held to the kernel: every step and named variant of the ICTSC scenario, with and
// without its NetworkPolicy, from host01 and host02 — the kernel (network namespaces, real haproxy,
// nginx, iptables) and hoplab's prediction must agree on each client's outcomes and on the client
// addresses nginx logged. A disagreement fails with the first hop where the two part (the request
// sent once more, captured in every namespace, against the simulator's trace). Root on Linux with
// the lab's programs only; otherwise skipped, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock, releaseLabLock } from './lab-lock.js';
import { environmentProblem, teardownAll } from '../../lab/runtime.js';
import { verify, type VerifyRow } from '../../lab/verify.js';
import { labSimulator, labTracer } from '../../cli/lab-simulator.js';

const DIR = new URL('../../topologies/ictsc2020-nodeport-source-ip', import.meta.url).pathname;
const problem = environmentProblem(['tcpdump']);
if (problem) console.log(`test/lab/differential.test.ts skipped: ${problem}`);

function table(rows: readonly VerifyRow[]): string {
  return rows.map((r) => `${r.agree ? 'agree ' : 'DIFFER'} ${r.target.padEnd(36)} ${r.from}: kernel ${JSON.stringify(r.kernel.summary)} simulator ${JSON.stringify(r.simulated.summary)}${r.differences.length ? ` — ${r.differences.join('; ')}` : ''}${r.firstDivergentHop !== undefined ? `\n       ${r.firstDivergentHop}` : ''}`).join('\n');
}

describe.skipIf(problem !== undefined)('simulator vs kernel, ICTSC scenario', () => {
  beforeAll(() => acquireLabLock(), 1_600_000);
  afterAll(() => releaseLabLock());
  for (const policy of [true, false]) {
    it(`${policy ? 'with' : 'without'} the NetworkPolicy: every step and variant agrees`, async () => {
      const t0 = Date.now();
      try {
        const rows = await verify(DIR, labSimulator, { tries: 2, policy, tracer: labTracer });
        console.log(`${policy ? 'with' : 'without'} policy (${((Date.now() - t0) / 1000).toFixed(0)} s):\n${table(rows)}`);
        expect(rows.length).toBeGreaterThanOrEqual(2 * (5 + 7));
        expect(rows.filter((r) => !r.agree).map((r) => `${r.target} from ${r.from}: ${r.differences.join('; ')}; ${r.firstDivergentHop ?? 'no divergent hop computed'}`)).toEqual([]);
      } finally {
        await teardownAll();
      }
    }, 600_000);
  }
});
