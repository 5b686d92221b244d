// The simulator side of `hoplab lab verify`: the same request run by the engine, answered in the
// lab's probe JSON; and, for a request the two disagree on, the same request traced along every
// way the simulator's choices can go (lab/hop-report.ts compares them with the kernel's captures).
import { caliVethName, exploreAll, loadScenario, randomChooser, runTries, seededRng, simulate, TraceRecorder, type Chooser, type Scenario, type SimulateOptions } from '../sim/index.js';
import type { LabSimulator } from '../lab/verify.js';
import type { LabTracer, SimPath } from '../lab/hop-report.js';
import { folderFiles } from './scenario-files.js';

export const labSimulator: LabSimulator = async (req) => {
  const sc = loadScenario(folderFiles(req.dir));
  const r = simulate(sc, {
    ...(req.variant !== undefined ? { variant: req.variant } : { step: req.step }),
    ...(req.policy ? {} : { noPolicy: true }),
    from: req.from, to: req.to, tries: req.tries,
  });
  return {
    step: req.variant ?? req.step,
    from: r.from,
    to: r.to,
    tries: r.tries.map((t) => ({ outcome: t.outcome, elapsedMs: t.elapsedMs, ...(t.httpStatus !== undefined ? { httpStatus: t.httpStatus } : {}), ...(t.server !== undefined ? { server: t.server } : {}), ...(t.loggedClientIp !== undefined ? { loggedClientIp: t.loggedClientIp } : {}) })),
    summary: r.summary,
  };
};

/** More paths than this and only one (seeded) path is traced. */
const MAX_TRACED_PATHS = 256;

function tracedRun(sc: Scenario, o: SimulateOptions, c: Chooser): Omit<SimPath, 'p'> {
  const rec = new TraceRecorder();
  // The round-robin position before the try is a choice: the kernel's HAProxy has served earlier tries.
  const r = runTries(sc, { ...o, recorder: rec }, c, true);
  const t = r.tries[0];
  return {
    choices: c.made.map((m) => `${m.label}: ${m.options[m.chosen] ?? m.chosen}`),
    events: rec.events,
    pods: r.world.cluster.pods.flatMap((p) => (p.ip !== undefined && p.node !== undefined ? [{ name: p.name, ip: p.ip, node: p.node, hostVeth: caliVethName(p.namespace, p.name) }] : [])),
    ...(t ? { outcome: t.outcome } : {}),
    ...(t?.loggedClientIp !== undefined ? { loggedClientIp: t.loggedClientIp } : {}),
  };
}

export const labTracer: LabTracer = async (req) => {
  const sc = loadScenario(folderFiles(req.dir));
  const o: SimulateOptions = {
    ...(req.variant !== undefined ? { variant: req.variant } : { step: req.step }),
    ...(req.policy ? {} : { noPolicy: true }),
    from: req.from, to: req.to, tries: 1,
  };
  try {
    return exploreAll((c) => tracedRun(sc, o, c), { maxPaths: MAX_TRACED_PATHS }).map((p) => ({ p: p.p, ...p.result }));
  } catch (e) {
    if (!(e instanceof Error) || !/more than \d+ paths/.test(e.message)) throw e;
    return [{ p: 1, ...tracedRun(sc, o, randomChooser(seededRng(1))) }];
  }
};
