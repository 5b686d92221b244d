// `hoplab simulate`: tries of `curl -m <s> http://ip:port/` from a client, one after another in
// one world (so HAProxy's round-robin position carries from try to try, as in a real HAProxy),
// with what curl saw, which server HAProxy chose, and the client address nginx logged.
// `explore` re-runs the same deterministic tries for every combination of choices (kube-proxy's
// statistic rules, scheduler ties, and HAProxy's round-robin position before the first try, taken
// as unknown) and sums exact probabilities.

import { fibQuery } from '../net/routing/fib-lookup.js';
import { exploreAll, randomChooser, type Chooser } from '../core/choice.js';
import { seededRng } from '../core/rng.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Recorder } from '../trace/recorder.js';
import { curl, type CurlOutcome } from '../apps/curl/curl.js';
import { parseTarget } from './probe.js';
import { buildScenario, type Scenario, type ScenarioWorld } from './scenario.js';

export interface SimulateOptions {
  readonly step?: number;
  readonly variant?: string;
  readonly noPolicy?: boolean;
  readonly from: string;
  readonly to: string;
  readonly path?: string;
  readonly tries?: number;
  readonly maxTimeS?: number;
  readonly explore?: boolean;
  readonly seed?: number;
  readonly recorder?: Recorder;
  /** Hosts rebooted after the step's changes. */
  readonly reboot?: readonly string[];
  /**
   * Clients taking turns in one world (each entry's tries after the previous entry's), as
   * sequential curls from several hosts share one HAProxy; replaces from/tries for the run.
   */
  readonly sequence?: readonly { readonly from: string; readonly tries: number }[];
  /** explore: treat HAProxy's round-robin position before the first try as unknown (default true). */
  readonly unknownRoundRobin?: boolean;
}

export interface TryResult {
  readonly outcome: CurlOutcome;
  readonly httpStatus?: number;
  readonly server?: string;
  readonly loggedClientIp?: string;
  readonly elapsedMs: number;
  /** What curl printed on stderr (empty on success). */
  readonly curl?: string;
}

export type Outcomes = Record<CurlOutcome, number>;

export interface SimulateResult {
  readonly step: number;
  readonly variant?: string;
  readonly from: string;
  readonly to: string;
  readonly tries: readonly TryResult[];
  readonly summary: Outcomes;
  readonly probabilities?: Outcomes;
  /** nginx's log lines written during the tries. */
  readonly nginxLog?: readonly string[];
  readonly paths?: number;
}

export class SimulateError extends Error {
  constructor(message: string, readonly diagnostics: readonly Diagnostic[] = []) {
    super(message);
  }
}

function zero(): Outcomes {
  return { ok: 0, timeout: 0, reset: 0, refused: 0 };
}

/** The step of the clock while a try waits for curl's answer. */
const SLICE_US = 10_000;

/** What a run of tries gives: each try's result, nginx's log lines, and the world they ran in. */
export interface TriesRun {
  readonly tries: TryResult[];
  readonly log: string[];
  readonly world: ScenarioWorld;
}

/**
 * The tries of one run in one world, one at a time: the world is built (and its load balancer
 * settled) when the runner is made, and each next() runs the next try to its end (curl's answer,
 * then the close handshake and the log lines). A caller can show each result as it comes, or
 * time each request on its own (the request benchmark does).
 */
export class TryRunner implements TriesRun {
  readonly tries: TryResult[] = [];
  readonly log: string[] = [];
  readonly world: ScenarioWorld;
  private readonly plan: readonly string[];
  private readonly target: Exclude<ReturnType<typeof parseTarget>, string>;
  private ran = 0;

  constructor(sc: Scenario, private readonly o: SimulateOptions, chooser: Chooser, unknownRoundRobin: boolean) {
    const sw = buildScenario(sc, {
      ...(o.step !== undefined ? { step: o.step } : {}), ...(o.variant !== undefined ? { variant: o.variant } : {}),
      ...(o.noPolicy ? { noPolicy: true } : {}), ...(o.reboot ? { reboot: o.reboot } : {}), seed: o.seed ?? 1, chooser, ...(o.recorder ? { recorder: o.recorder } : {}), unknownRoundRobin,
    });
    const errors = sw.allDiagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new SimulateError(`the scenario has ${errors.length} error(s)`, errors);
    const target = parseTarget(o.to);
    if (typeof target === 'string') throw new SimulateError(target);
    const plan = (o.sequence ?? [{ from: o.from, tries: o.tries ?? 1 }]).flatMap((s) => Array<string>(s.tries).fill(s.from));
    for (const from of new Set(plan)) {
      const h = sw.world.hosts.get(from);
      if (!h || h.kind !== 'host') throw new SimulateError(`no host "${from}" (hosts: ${sc.topology.hosts.map((x) => x.name).join(', ')})`);
    }
    this.world = sw;
    this.plan = plan;
    this.target = target;
    // A load balancer with health checks has been running for a while before anyone sends a request.
    const w = sw.world;
    const settle = Math.max(0, ...[...sw.haproxy.values()].map((h) => h.settleMs));
    if (settle > 0) w.sched.run(w.now + settle * 1000);
  }

  /** Tries not run yet. */
  get remaining(): number {
    return this.plan.length - this.ran;
  }

  /** Runs the next try; false when every try has run. */
  next(): boolean {
    if (this.ran >= this.plan.length) return false;
    const from = this.plan[this.ran++] as string;
    const { o, target } = this;
    const sw = this.world;
    const w = sw.world;
    const host = w.hosts.get(from) as NonNullable<ReturnType<typeof w.hosts.get>>;
    const clientIp = host.routing.lookup(fibQuery({ dst: target.ip, iif: 'lo', mark: 0 }));
    const start = w.now;
    const logFrom = sw.cluster.nginxLog.length;
    let done = false;
    let result: TryResult | undefined;
    curl(w, host, { to: target, path: o.path ?? '/', maxTimeS: o.maxTimeS ?? 2 }, (r) => {
      done = true;
      const src = clientIp.ok ? host.routing.sourceFor(target.ip, clientIp) : undefined;
      let last: { server: string } | undefined;
      if (src !== undefined && r.localPort !== undefined) for (const h of sw.haproxy.values()) last = h.choiceFor(src, r.localPort) ?? last;
      // Keys in the order of the JSON contract (outcome, httpStatus, server, elapsedMs, curl, loggedClientIp).
      const oc = r.outcome;
      const e = r.elapsedMs;
      const t: { -readonly [K in keyof TryResult]: TryResult[K] } = r.httpStatus !== undefined
        ? (last ? { outcome: oc, httpStatus: r.httpStatus, server: last.server, elapsedMs: e } : { outcome: oc, httpStatus: r.httpStatus, elapsedMs: e })
        : (last ? { outcome: oc, server: last.server, elapsedMs: e } : { outcome: oc, elapsedMs: e });
      if (r.stderr) t.curl = r.stderr;
      result = t;
    });
    // The clock runs in 10 ms slices until curl has answered (or a second past its limit). A slice
    // in which nothing is due changes nothing, so the clock moves straight to the slice that holds
    // the next action: a try waiting out curl's timeout does not step through 200 empty slices.
    const limit = start + ((o.maxTimeS ?? 2) + 1) * 1_000_000;
    while (!done && w.now < limit) {
      const next = w.sched.nextAt();
      if (next > w.now + SLICE_US) w.sched.run(next >= limit ? limit : w.now + SLICE_US * (Math.ceil((next - w.now) / SLICE_US) - 1));
      else w.sched.run(Math.min(limit, w.now + SLICE_US));
    }
    // Let the close handshake and the log lines settle before the next try starts.
    w.sched.run(w.now + 100_000);
    const entries = sw.cluster.nginxLog.slice(logFrom);
    for (const e of entries) this.log.push(e.line);
    const access = entries.find((e) => !e.error);
    if (result) {
      const t = result as { -readonly [K in keyof TryResult]: TryResult[K] };
      if (access) t.loggedClientIp = access.remoteAddr;
      this.tries.push(t);
    }
    return true;
  }
}

/** One run of all tries in one world. */
export function runTries(sc: Scenario, o: SimulateOptions, chooser: Chooser, unknownRoundRobin: boolean): TriesRun {
  const r = new TryRunner(sc, o, chooser, unknownRoundRobin);
  while (r.next());
  return r;
}

export function simulate(sc: Scenario, opts: SimulateOptions): SimulateResult {
  const o: SimulateOptions = opts.step === undefined && opts.variant === undefined ? { ...sc.selection, ...opts } : opts;
  const base = { step: o.step ?? 0, ...(o.variant !== undefined ? { variant: o.variant } : {}), from: o.from, to: o.to };
  if (!o.explore) {
    const r = runTries(sc, o, randomChooser(seededRng((o.seed ?? 1) ^ 0x5bd1e995)), false);
    const summary = zero();
    for (const t of r.tries) summary[t.outcome]++;
    return { ...base, tries: r.tries, summary, nginxLog: r.log };
  }
  const n = o.tries ?? 1;
  let first: ReturnType<typeof runTries> | undefined;
  const paths = exploreAll((c) => {
    const { recorder: _unused, ...quiet } = o;
    const r = runTries(sc, quiet, c, o.unknownRoundRobin ?? true);
    first ??= r;
    return r.tries;
  });
  const probabilities = zero();
  for (const p of paths) for (const t of p.result) probabilities[t.outcome] += p.p / n;
  for (const k of Object.keys(probabilities) as (keyof Outcomes)[]) probabilities[k] = Math.round(probabilities[k] * 1e12) / 1e12;
  const tries = first?.tries ?? [];
  const summary = zero();
  for (const t of tries) summary[t.outcome]++;
  return { ...base, tries, summary, probabilities, paths: paths.length, nginxLog: first?.log ?? [] };
}

/**
 * Every result each try can have, with its probability: "<outcome> <logged client address or ->".
 * What a single real run may show is one of these; anything else is a disagreement.
 */
export function possibleTries(sc: Scenario, opts: SimulateOptions): Map<string, number>[] {
  const o: SimulateOptions = opts.step === undefined && opts.variant === undefined ? { ...sc.selection, ...opts } : opts;
  const { recorder: _unused, ...quiet } = o;
  const paths = exploreAll((c) => runTries(sc, quiet, c, o.unknownRoundRobin ?? true).tries);
  const out: Map<string, number>[] = [];
  for (const p of paths) {
    p.result.forEach((t, i) => {
      const m = out[i] ?? new Map<string, number>();
      out[i] = m;
      const key = `${t.outcome} ${t.loggedClientIp ?? '-'}`;
      m.set(key, (m.get(key) ?? 0) + p.p);
    });
  }
  return out;
}
