// The simulator side of `hoplab lab verify`: the same request run by the engine, answered in the
// lab's probe JSON.
import { loadScenario, simulate } from '../sim/index.js';
import type { LabSimulator } from '../lab/verify.js';
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
