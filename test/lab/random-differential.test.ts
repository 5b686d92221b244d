// The randomized differential test: configurations drawn from the scenario's knobs (see
// random-config.ts), each built on the real kernel and explored by the simulator: what each client's
// request showed on the kernel (outcome and the address nginx logged) must be a result the simulator
// gives a positive probability. The seed is printed; a disagreement prints the first hop where the
// two part (the request sent once more on that configuration's lab, captured in every namespace,
// against the simulator's trace) and the command that reproduces it.
// HOPLAB_RANDOM_SEED / HOPLAB_RANDOM_CONFIGS choose seed and count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock, releaseLabLock } from './lab-lock.js';
import { Lab } from '../../lab/lab.js';
import { probe } from '../../lab/probe.js';
import { environmentProblem, teardownAll } from '../../lab/runtime.js';
import { loadScenario, possibleTries } from '../../sim/index.js';
import { folderFiles } from '../../cli/scenario-files.js';
import { labTracer } from '../../cli/lab-simulator.js';
import { firstDivergentHop } from '../../lab/hop-report.js';
import { drawKnobs, writeScenario } from './random-config.js';

const problem = environmentProblem(['tcpdump']);
if (problem) console.log(`test/lab/random-differential.test.ts skipped: ${problem}`);
const seed = Number(process.env['HOPLAB_RANDOM_SEED'] ?? (Date.now() % 2_147_483_647));
const count = Number(process.env['HOPLAB_RANDOM_CONFIGS'] ?? 50);
const TO = '192.168.0.1:30080';

describe.skipIf(problem !== undefined)(`randomized differential test (seed ${seed}, ${count} configurations)`, () => {
  beforeAll(() => acquireLabLock(), 1_600_000);
  afterAll(() => releaseLabLock());
  it('the simulator agrees with the kernel on every drawn configuration', async () => {
    console.log(`random differential: seed ${seed}, ${count} configurations`);
    const t0 = Date.now();
    const failures: string[] = [];
    const knobs = drawKnobs(seed, count);
    try {
      for (const [i, k] of knobs.entries()) {
        const sc = writeScenario(k);
        try {
          await Lab.up(sc.dir, { step: 0, policy: true, placement: k.placement });
          // A load balancer with health checks runs a while before anyone sends a request.
          if (k.healthChecks) await new Promise((r) => setTimeout(r, 3500));
          // host01 then host02, one try each, against one HAProxy (its round robin carries over, from
          // its first server): the simulator explores the same two requests in one world, so a
          // random choice (kube-proxy's statistic rules) gives the set of results a run may show.
          const possible = possibleTries(loadScenario(folderFiles(sc.dir)), { from: 'host01', to: TO, sequence: [{ from: 'host01', tries: 1 }, { from: 'host02', tries: 1 }], unknownRoundRobin: false });
          const differing: { from: string; text: string }[] = [];
          for (const [j, from] of ['host01', 'host02'].entries()) {
            const kernel = await probe({ from, to: TO, tries: 1 });
            const kt = kernel.tries[0];
            const seen = `${kt?.outcome ?? '?'} ${kt?.loggedClientIp ?? '-'}`;
            const allowed = possible[j] ?? new Map<string, number>();
            const diff = (allowed.get(seen) ?? 0) > 0 ? [] : [`kernel: ${seen}; simulator allows ${[...allowed].map(([r, p]) => `${r} (p=${p})`).join(', ')}`];
            if (diff.length) differing.push({ from, text: diff.join('; ') });
          }
          // While this configuration's lab is still up: where kernel and simulator part.
          for (const d of differing) {
            const hops = await firstDivergentHop({ dir: sc.dir, step: 0, policy: true, from: d.from, to: TO }, labTracer);
            failures.push(`#${i} from ${d.from}: ${d.text}\n  ${hops.text}\n  knobs ${JSON.stringify(k)}\n  reproduce: HOPLAB_RANDOM_SEED=${seed} HOPLAB_RANDOM_CONFIGS=${i + 1} npx vitest run test/lab/random-differential.test.ts`);
          }
        } finally {
          sc.remove();
        }
      }
    } finally {
      await teardownAll();
    }
    console.log(`random differential: ${count} configurations in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${failures.length} disagreement(s)`);
    expect(failures).toEqual([]);
  }, 1_200_000);
});
