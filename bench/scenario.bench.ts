// One full HTTP request through the ICTSC scenario (curl -> HAProxy -> kube-proxy -> nginx and back,
// every hook on every host), and `explore` over 1,000 sequential requests.
import { loadScenario, NULL_RECORDER, randomChooser, runTries, seededRng, simulate, type ScenarioFiles } from '../sim/index.js';
import { folderFiles } from '../cli/scenario-files.js';
import { median, type BenchResult } from './result.js';

const files: ScenarioFiles = folderFiles('topologies/ictsc2020-nodeport-source-ip');

/** A request takes microseconds: one process's few seconds see the machine's speed of the moment. */
export const processes = 3;

export default async function run(): Promise<BenchResult[]> {
  const sc = loadScenario(files);
  // Per request: the same world serves N requests; the cost of one is (time for N+1) - (time for 1).
  // The engine is warmed up first (a few thousand requests): what is measured is the steady cost
  // of a request, not the JIT compiling the walker.
  const t = (n: number, seed: number): number => {
    const t0 = performance.now();
    runTries(sc, { step: 4, from: 'host01', to: '192.168.0.1:30080', tries: n, recorder: NULL_RECORDER }, randomChooser(seededRng(seed)), false);
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) t(1001, 100 + i);
  const perRequest: number[] = [];
  for (let i = 0; i < 7; i++) {
    const one = t(1, i + 1);
    const many = t(1001, i + 1);
    perRequest.push(((many - one) / 1000) * 1000);
  }
  simulate(sc, { step: 3, from: 'host01', to: '192.168.0.1:30080', tries: 1000, explore: true });
  const explore: number[] = [];
  let paths = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = simulate(sc, { step: 3, from: 'host01', to: '192.168.0.1:30080', tries: 1000, explore: true });
    explore.push(performance.now() - t0);
    paths = r.paths ?? 0;
  }
  const build: number[] = [];
  for (let i = 0; i < 7; i++) build.push(t(0, 1));
  return [
    { name: 'one HTTP request through the ICTSC scenario (step 4), both directions, every hook', median: median(perRequest), unit: 'µs', target: 50, samples: perRequest },
    { name: 'explore of 1,000 sequential requests (step 3)', median: median(explore), unit: 'ms', target: 100, extra: { paths }, samples: explore },
    { name: 'building the ICTSC world (parse every file, schedule, CNI, kube-proxy rules)', median: median(build), unit: 'ms' },
  ];
}
