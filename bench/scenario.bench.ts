// One full HTTP request through the ICTSC scenario (curl -> HAProxy -> kube-proxy -> nginx and back,
// every hook on every host), and `explore` over 1,000 sequential requests.
import { loadScenario, NULL_RECORDER, randomChooser, seededRng, simulate, TryRunner, type ScenarioFiles } from '../sim/index.js';
import { folderFiles } from '../cli/scenario-files.js';
import { median, type BenchResult } from './result.js';

const files: ScenarioFiles = folderFiles('topologies/ictsc2020-nodeport-source-ip');

/** A request takes microseconds: one process's few seconds see the machine's speed of the moment. */
export const processes = 3;

export default async function run(): Promise<BenchResult[]> {
  const sc = loadScenario(files);
  // Runs `tries` requests in a fresh world (built first, as every run is) and returns the run's
  // time in ms; with `times`, each request is also timed on its own (µs), from curl's start to
  // the end of its close handshake and its log lines.
  const t = (tries: number, seed: number, times?: number[]): number => {
    const t0 = performance.now();
    const r = new TryRunner(sc, { step: 4, from: 'host01', to: '192.168.0.1:30080', tries, recorder: NULL_RECORDER }, randomChooser(seededRng(seed)), false);
    for (;;) {
      const a = performance.now();
      if (!r.next()) break;
      times?.push((performance.now() - a) * 1000);
    }
    return performance.now() - t0;
  };
  // The engine is warmed up first (a few thousand requests): what is measured is the steady cost
  // of a request, not the JIT compiling the walker.
  for (let i = 0; i < 3; i++) t(1001, 100 + i);
  // The median of single requests is the target. Amortized, a request also carries its share of
  // what comes now and then (a garbage collection every few hundred requests, timers that fire
  // between requests, the table growing): (time for 1,001) - (time for 1), over 1,000.
  const single: number[] = [];
  const amortized: number[] = [];
  for (let i = 0; i < 7; i++) {
    const one = t(1, i + 1);
    const many = t(1001, i + 1, single);
    amortized.push(((many - one) / 1000) * 1000);
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
    { name: 'one HTTP request through the ICTSC scenario (step 4), both directions, every hook, each timed on its own', median: median(single), unit: 'µs', target: 50, samples: single },
    { name: 'the same request amortized over 1,000 (its share of garbage collection and timers included)', median: median(amortized), unit: 'µs', samples: amortized },
    { name: 'explore of 1,000 sequential requests (step 3)', median: median(explore), unit: 'ms', target: 100, extra: { paths }, samples: explore },
    { name: 'building the ICTSC world (parse every file, schedule, CNI, kube-proxy rules)', median: median(build), unit: 'ms' },
  ];
}
