// The randomized differential test: configurations drawn from the scenario's knobs (see
// random-config.ts), each built on the real kernel and simulated; they must agree on each client's
// outcome and on the client address nginx logged. The seed is printed; a disagreement prints the
// command that reproduces it. HOPLAB_RANDOM_SEED / HOPLAB_RANDOM_CONFIGS choose seed and count.
import { describe, expect, it } from 'vitest';
import { Lab } from '../../lab/lab.js';
import { probe } from '../../lab/probe.js';
import { environmentProblem, teardownAll } from '../../lab/runtime.js';
import { compareResults } from '../../lab/verify.js';
import { labSimulator } from '../../cli/lab-simulator.js';
import { drawKnobs, writeScenario } from './random-config.js';

const problem = environmentProblem();
if (problem) console.log(`test/lab/random-differential.test.ts skipped: ${problem}`);
const seed = Number(process.env['HOPLAB_RANDOM_SEED'] ?? (Date.now() % 2_147_483_647));
const count = Number(process.env['HOPLAB_RANDOM_CONFIGS'] ?? 50);
const TO = '192.168.0.1:30080';

describe.skipIf(problem !== undefined)(`randomized differential test (seed ${seed}, ${count} configurations)`, () => {
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
          for (const from of ['host01', 'host02']) {
            const kernel = await probe({ from, to: TO, tries: 1 });
            const simulated = await labSimulator({ dir: sc.dir, step: 0, policy: true, from, to: TO, tries: 1 });
            const diff = compareResults(kernel, simulated);
            if (diff.length) failures.push(`#${i} from ${from}: ${diff.join('; ')}\n  knobs ${JSON.stringify(k)}\n  reproduce: HOPLAB_RANDOM_SEED=${seed} HOPLAB_RANDOM_CONFIGS=${i + 1} npx vitest run test/lab/random-differential.test.ts`);
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
