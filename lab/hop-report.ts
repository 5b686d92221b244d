// "The first hop where they part", for a request on which the kernel and the simulator disagree:
// the request is sent once more on the running lab with every namespace captured
// (hop-capture.ts), the simulator runs the same request with a trace recorder, and the two are
// compared hop by hop (hop-divergence.ts).
//
// Which world the simulator runs: the same step (or variant) and policy, with one try, and every
// way its choices can go explored: HAProxy's round-robin position before the try, kube-proxy's
// random endpoint choice, the scheduler's ties. The path closest to the capture (the one that
// parts from it latest, or not at all) is the one compared. Replaying the earlier tries first
// (their `sequence`) would not give the kernel's state either: the kernel's kube-proxy made its own
// random choices in those tries, and with retries or redispatch they move the round robin; the
// position is a choice the simulator already knows how to leave open.
import type { TraceEvent } from '../sim/index.js';
import { captureRequest, type KernelRequestCapture } from './hop-capture.js';
import { firstDivergence, type AlignOptions, type Divergence } from './hop-divergence.js';
import { podRenamer, simJourneys, type Journey, type PodName } from './hop-journeys.js';
import type { ProbeTry } from './probe.js';
import type { SimRequest } from './verify.js';

/** The request the simulator is asked about: verify's SimRequest, for one try. */
export type TraceRequest = Omit<SimRequest, 'tries'>;

/** One way the simulator's choices can go, with its trace. */
export interface SimPath {
  readonly p: number;
  /** Each choice, as "<what was chosen>: <option>". */
  readonly choices: readonly string[];
  readonly events: readonly TraceEvent[];
  /** The simulator's pods (names and veths differ from the lab's; matched by address). */
  readonly pods: readonly PodName[];
  readonly outcome?: string;
  readonly loggedClientIp?: string;
}

/** What the engine must provide for the divergent hop: one try of the request, every path, traced. */
export type LabTracer = (req: TraceRequest) => Promise<readonly SimPath[]>;

export interface HopReport {
  /** diverged: a first divergent hop; same-path: the capture follows one of the simulator's paths; failed: not computed. */
  readonly status: 'diverged' | 'same-path' | 'failed';
  /** One line for the verify table. */
  readonly text: string;
  readonly divergence?: Divergence;
  /** The kernel's try that was captured. */
  readonly kernelTry?: ProbeTry;
  /** The simulator's path it was compared with. */
  readonly simulatorPath?: { readonly p: number; readonly choices: readonly string[]; readonly outcome?: string; readonly loggedClientIp?: string };
  readonly pathsExplored?: number;
}

const tryText = (t: { outcome?: string; loggedClientIp?: string } | undefined): string => (t?.outcome === undefined ? 'no result' : `${t.outcome}${t.loggedClientIp !== undefined ? `, nginx logged ${t.loggedClientIp}` : ''}`);

/** Compares a kernel capture with each simulator path and keeps the closest. Pure. */
export function compareWithPaths(capture: Pick<KernelRequestCapture, 'journeys' | 'openBefore' | 'checkPorts' | 'pods' | 'from'> & Partial<Pick<KernelRequestCapture, 'dropped' | 'quiet' | 'to'>> & { readonly result?: { readonly tries: readonly ProbeTry[] } }, paths: readonly SimPath[]): HopReport {
  const kernelTry = capture.result?.tries[0];
  const drops = Object.entries(capture.dropped ?? {});
  // A sighting missing where tcpdump dropped packets proves nothing, and a session HAProxy still
  // ran for an earlier client may have opened connections; say so beside the result.
  const caveats = [
    ...(drops.length > 0 ? [`tcpdump dropped packets in ${drops.map(([h, n]) => `${h} (${n})`).join(', ')}`] : []),
    ...(capture.quiet && capture.quiet.pending > 0 ? [`HAProxy still ran ${capture.quiet.pending} connection(s) for earlier tries after ${(capture.quiet.waitedMs / 1000).toFixed(0)} s`] : []),
  ];
  const caveat = caveats.length > 0 ? ` (${caveats.join('; ')})` : '';
  if (paths.length === 0) return { status: 'failed', text: 'first divergent hop not found: the simulator gave no path', ...(kernelTry ? { kernelTry } : {}) };
  const target = capture.to === undefined ? undefined : /:\d+$/.test(capture.to) ? capture.to : `${capture.to}:80`;
  const o: AlignOptions = { client: capture.from, ...(target !== undefined ? { target } : {}), checkPorts: capture.checkPorts, openBefore: capture.openBefore };
  let best: { path: SimPath; d: Divergence | undefined } | undefined;
  for (const path of paths) {
    const sim: Journey[] = simJourneys(path.events, podRenamer(path.pods, capture.pods));
    const d = firstDivergence(capture.journeys, sim, o);
    const score = d === undefined ? Infinity : d.t;
    const bestScore = best === undefined ? -1 : best.d === undefined ? Infinity : best.d.t;
    if (best === undefined || score > bestScore || (score === bestScore && path.p > best.path.p)) best = { path, d };
  }
  const b = best as { path: SimPath; d: Divergence | undefined };
  const simulatorPath = { p: b.path.p, choices: b.path.choices, ...(b.path.outcome !== undefined ? { outcome: b.path.outcome } : {}), ...(b.path.loggedClientIp !== undefined ? { loggedClientIp: b.path.loggedClientIp } : {}) };
  const common = { ...(kernelTry ? { kernelTry } : {}), simulatorPath, pathsExplored: paths.length };
  if (b.d) return { status: 'diverged', text: `first divergent hop: ${b.d.text}${caveat}`, divergence: b.d, ...common };
  const choices = b.path.choices.length > 0 ? ` where ${b.path.choices.join('; ')}` : '';
  return { status: 'same-path', text: `no divergent hop: one more try (kernel: ${tryText(kernelTry)}) followed the simulator's path${choices} (${tryText(b.path)}) hop by hop; the tries differ in which way such choices went${caveat}`, ...common };
}

/** Sends the request once more on the running lab, captured, and compares it with the simulator's paths. */
export async function firstDivergentHop(req: TraceRequest, tracer: LabTracer, opts: { keepDir?: string } = {}): Promise<HopReport> {
  let capture: KernelRequestCapture;
  try {
    capture = await captureRequest(req.from, req.to, opts.keepDir !== undefined ? { keepDir: opts.keepDir } : {});
  } catch (e) {
    return { status: 'failed', text: `first divergent hop not found: the capture failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  let paths: readonly SimPath[];
  try {
    paths = await tracer(req);
  } catch (e) {
    return { status: 'failed', text: `first divergent hop not found: the simulator failed: ${e instanceof Error ? e.message : String(e)}`, ...(capture.result.tries[0] ? { kernelTry: capture.result.tries[0] } : {}) };
  }
  return compareWithPaths(capture, paths);
}
