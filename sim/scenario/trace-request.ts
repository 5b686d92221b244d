// One call for the app: run a request through a scenario step and hand back both the trace (every
// event, for the animation) and the result (as `hoplab simulate` prints it). TCP runs `curl`;
// UDP and ICMP send one datagram or echo per try, as `hoplab trace` does.

import { randomChooser } from '../core/choice.js';
import { seededRng } from '../core/rng.js';
import { TRACE_VERSION, type Trace } from '../trace/events.js';
import { TraceRecorder } from '../trace/recorder.js';
import { parseTarget, probe, type ProbeProto } from './probe.js';
import { buildScenario, type Scenario } from './scenario.js';
import { runTries, simulate, SimulateError, type SimulateResult, type TryResult, type Outcomes } from './simulate.js';

export interface TraceRequest {
  readonly from: string;
  readonly to: string;
  readonly proto?: ProbeProto;
  readonly tries?: number;
  readonly explore?: boolean;
  readonly step?: number;
  readonly variant?: string;
  readonly noPolicy?: boolean;
  readonly reboot?: readonly string[];
  readonly seed?: number;
}

export function traceRequest(sc: Scenario, req: TraceRequest): { readonly trace: Trace; readonly result: SimulateResult } {
  const sel = req.step === undefined && req.variant === undefined ? sc.selection : { ...(req.step !== undefined ? { step: req.step } : {}), ...(req.variant !== undefined ? { variant: req.variant } : {}) };
  const common = { ...sel, from: req.from, to: req.to, tries: req.tries ?? 1, ...(req.noPolicy ? { noPolicy: true } : {}), ...(req.reboot ? { reboot: req.reboot } : {}), ...(req.seed !== undefined ? { seed: req.seed } : {}) };
  const rec = new TraceRecorder();
  if ((req.proto ?? 'tcp') === 'tcp') {
    const one = runTries(sc, { ...common, recorder: rec }, randomChooser(seededRng((req.seed ?? 1) ^ 0x5bd1e995)), false);
    const summary: Outcomes = { ok: 0, timeout: 0, reset: 0, refused: 0 };
    for (const t of one.tries) summary[t.outcome]++;
    let result: SimulateResult = { step: sel.step ?? 0, ...(sel.variant !== undefined ? { variant: sel.variant } : {}), from: req.from, to: req.to, tries: one.tries, summary, nginxLog: one.log };
    if (req.explore) {
      const ex = simulate(sc, { ...common, explore: true });
      result = { ...result, ...(ex.probabilities ? { probabilities: ex.probabilities } : {}), ...(ex.paths !== undefined ? { paths: ex.paths } : {}) };
    }
    return { trace: { version: TRACE_VERSION, events: rec.events }, result };
  }
  const target = parseTarget(req.to);
  if (typeof target === 'string') throw new SimulateError(target);
  const sw = buildScenario(sc, { ...sel, ...(req.noPolicy ? { noPolicy: true } : {}), ...(req.reboot ? { reboot: req.reboot } : {}), recorder: rec });
  const host = sw.world.hosts.get(req.from);
  if (!host) throw new SimulateError(`no host "${req.from}"`);
  const tries: TryResult[] = [];
  for (let i = 0; i < (req.tries ?? 1); i++) {
    const from = rec.events.length;
    const r = probe(sw.world, host, target, req.proto as ProbeProto, 1_000_000);
    // A reply means the datagram or echo was answered; an ICMP error back means refused/unreachable.
    const back = rec.events.slice(from).filter((e) => e.kind === 'deliver' && e.host === req.from);
    const answered = back.some((e) => e.kind === 'deliver' && (e.packet.icmp?.text === 'echo reply' || e.packet.proto === 'udp'));
    const refused = back.some((e) => e.kind === 'deliver' && e.packet.icmp !== undefined && e.packet.icmp.text !== 'echo reply');
    tries.push({ outcome: answered ? 'ok' : refused ? 'refused' : r.outcome === 'error' ? 'refused' : 'timeout', elapsedMs: r.elapsedMs });
  }
  const summary: Outcomes = { ok: 0, timeout: 0, reset: 0, refused: 0 };
  for (const t of tries) summary[t.outcome]++;
  return { trace: { version: TRACE_VERSION, events: rec.events }, result: { step: sel.step ?? 0, ...(sel.variant !== undefined ? { variant: sel.variant } : {}), from: req.from, to: req.to, tries, summary } };
}
