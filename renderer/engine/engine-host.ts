// The worker's side of the protocol, as a plain object over the engine's API so it runs (and is
// tested) anywhere: open a folder (parse the topology, load step 0), load a step, run a request and
// stream its trace in chunks, yielding between chunks so a cancel can get in.

import { chunk, parseRequest, type Capabilities, type EngineRequest, type EngineResponse, type FolderFiles, type RunParams } from './protocol.js';
import { modelFromTopology, podsFromScenario } from './scenario-model.js';
import type { Diagnostic, SimulateResult, Topology, Trace, TraceEvent } from './sim-types.js';

export interface ScenarioFiles {
  read(path: string): string | undefined;
  list(dir: string): string[];
}

/** A trace recorder as sim/trace/recorder.ts has it. */
export interface RecorderLike {
  readonly enabled: boolean;
  readonly events: readonly TraceEvent[];
  record(e: unknown): void;
}

export interface SimulateOptionsLike {
  step?: number;
  variant?: string;
  from: string;
  to: string;
  tries?: number;
  explore?: boolean;
  recorder?: RecorderLike;
}

/**
 * What the renderer uses of sim/index.ts (methods, so the engine's own parameter types fit). The
 * engine's loadScenario(files, {step, variant}) returns a Scenario that remembers its step, and
 * traceRequest(scenario, req) returns {trace, result}; pods come from `buildScenario`. An engine build
 * without traceRequest is run through `simulate` with a TraceRecorder; every function is detected at run time.
 */
export interface SimApi {
  parseTopology(text: string, opts: { file: string }): { readonly value: Topology; readonly diagnostics: readonly Diagnostic[] };
  loadScenario?(files: ScenarioFiles, opts: { step?: number; variant?: string }): unknown;
  traceRequest?(scenario: never, req: { from: string; to: string; proto?: 'tcp' | 'udp' | 'icmp'; tries?: number; explore?: boolean }): { readonly trace: Trace; readonly result: SimulateResult };
  buildScenario?(scenario: never, opts: { step?: number; variant?: string }): unknown;
  simulate?(scenario: never, opts: SimulateOptionsLike): SimulateResult;
  TraceRecorder?: new () => RecorderLike;
}

export const TOPOLOGY_FILE = 'topology.yaml';
export const CHUNK_SIZE = 1500;

/** How a run reaches the engine: the contract's traceRequest, or simulate with a recorder. */
export function runPath(api: Partial<SimApi>): 'traceRequest' | 'simulate' | undefined {
  if (typeof api.loadScenario !== 'function') return undefined;
  if (typeof api.traceRequest === 'function') return 'traceRequest';
  if (typeof api.simulate === 'function' && typeof api.TraceRecorder === 'function') return 'simulate';
  return undefined;
}

export function capabilitiesOf(api: Partial<SimApi>): Capabilities {
  return { parseTopology: typeof api.parseTopology === 'function', loadScenario: typeof api.loadScenario === 'function', traceRequest: runPath(api) !== undefined };
}

/** ScenarioFiles over an in-memory folder: `list(dir)` gives the files directly inside dir ('' is the root). */
export function filesOf(folder: FolderFiles): ScenarioFiles {
  const norm = (p: string): string => p.replace(/^\.\//, '').replace(/\/+$/, '');
  return {
    read: (path) => folder.files[norm(path)],
    list: (dir) => {
      const d = norm(dir);
      const prefix = d === '' ? '' : `${d}/`;
      return Object.keys(folder.files).filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).sort();
    },
  };
}

const yieldNow = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export class EngineHost {
  private folder: FolderFiles | undefined;
  private readonly cancelled = new Set<number>();
  private loaded: Loaded | undefined;

  constructor(private readonly api: Partial<SimApi>, private readonly post: (r: EngineResponse) => void) {}

  ready(): void {
    this.post({ type: 'ready', capabilities: capabilitiesOf(this.api) });
  }

  async receive(raw: unknown): Promise<void> {
    const p = parseRequest(raw);
    if (!p.ok) {
      const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : 0;
      this.post({ type: 'error', id, message: `bad request: ${p.error}` });
      return;
    }
    try {
      await this.handle(p.value);
    } catch (e) {
      this.post({ type: 'error', id: p.value.id, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async handle(req: EngineRequest): Promise<void> {
    switch (req.type) {
      case 'cancel':
        this.cancelled.add(req.id);
        return;
      case 'open':
        return this.open(req.id, req.folder);
      case 'load-step': {
        const l = this.load(req.step, req.variant);
        this.post({ type: 'step-loaded', id: req.id, pods: l ? podsFromScenario(l.world) : [], diagnostics: l?.diagnostics ?? [] });
        return;
      }
      case 'run':
        return this.run(req.id, req.params);
    }
  }

  private open(id: number, folder: FolderFiles): void {
    if (!this.api.parseTopology) throw new Error('the engine cannot parse topologies (sim/index.ts has no parseTopology)');
    const text = folder.files[TOPOLOGY_FILE];
    if (text === undefined) throw new Error(`${folder.name} has no ${TOPOLOGY_FILE}`);
    this.folder = folder;
    this.loaded = undefined;
    const parsed = this.api.parseTopology(text, { file: TOPOLOGY_FILE });
    const model = modelFromTopology(parsed.value);
    const l = this.load(0, undefined);
    const pods = l ? podsFromScenario(l.world) : [];
    const diagnostics = dedupe([...parsed.diagnostics, ...(l?.diagnostics ?? [])]);
    this.post({ type: 'opened', id, model: { ...model, hosts: [...model.hosts, ...pods] }, diagnostics });
  }

  /** The scenario of a step: `scenario` is what traceRequest/simulate take, `world` what pods are read from. */
  private load(step: number | undefined, variant: string | undefined): Loaded | undefined {
    if (!this.folder || !this.api.loadScenario) return undefined;
    const key = variant !== undefined ? `v:${variant}` : `s:${step ?? 0}`;
    if (this.loaded?.key === key) return this.loaded;
    const sel = variant !== undefined ? { variant } : { step: step ?? 0 };
    const r = this.api.loadScenario(filesOf(this.folder), sel);
    let loaded: Loaded;
    if (isObj(r) && 'scenario' in r) {
      loaded = { key, scenario: r['scenario'], world: r['scenario'], diagnostics: diagnosticsOf(r) };
    } else {
      // loadScenario(files) -> Scenario; the step is built by buildScenario (and by simulate itself).
      let world: unknown;
      let built: readonly Diagnostic[] = [];
      if (this.api.buildScenario) {
        try {
          world = this.api.buildScenario(r as never, sel);
          built = isObj(world) && Array.isArray(world['allDiagnostics']) ? (world['allDiagnostics'] as Diagnostic[]) : [];
        } catch (e) {
          built = [{ severity: 'error', file: 'topology.yaml', line: 1, column: 1, message: `building the step failed: ${e instanceof Error ? e.message : String(e)}` }];
        }
      }
      loaded = { key, scenario: r, world, diagnostics: dedupe([...diagnosticsOf(r), ...built]) };
    }
    this.loaded = loaded;
    return loaded;
  }

  private async run(id: number, p: RunParams): Promise<void> {
    if (!this.folder) throw new Error('open a topology folder first');
    const path = runPath(this.api);
    if (!path) throw new Error('this engine build cannot run requests yet (sim/index.ts has no loadScenario with traceRequest or simulate)');
    // A fresh load per run: a run changes conntrack, sockets and counters.
    this.loaded = undefined;
    const l = this.load(p.step, p.variant);
    if (!l) throw new Error('the scenario did not load');
    this.loaded = undefined;
    const sel = p.variant !== undefined ? { variant: p.variant } : { step: p.step ?? 0 };
    let trace: Trace;
    let result: SimulateResult;
    if (path === 'traceRequest' && this.api.traceRequest) {
      ({ trace, result } = this.api.traceRequest(l.scenario as never, { from: p.from, to: p.to, proto: p.proto, tries: p.tries, explore: p.mode === 'explore' }));
    } else {
      if (p.proto !== 'tcp') throw new Error(`this engine build runs curl (tcp) requests only, not ${p.proto}`);
      const Rec = this.api.TraceRecorder as new () => RecorderLike;
      const simulate = this.api.simulate as NonNullable<SimApi['simulate']>;
      const rec = new Rec();
      const one = simulate(l.scenario as never, { ...sel, from: p.from, to: p.to, tries: p.tries, recorder: rec });
      // explore: exact probabilities over every branch; the trace shows the path simulate took.
      result = p.mode === 'explore' ? { ...one, ...pick(simulate(l.scenario as never, { ...sel, from: p.from, to: p.to, tries: p.tries, explore: true })) } : one;
      trace = { version: 1, events: rec.events } as Trace;
    }
    for (const c of chunk(trace.events, CHUNK_SIZE)) {
      if (this.cancelled.has(id)) {
        this.cancelled.delete(id);
        this.post({ type: 'error', id, message: 'cancelled' });
        return;
      }
      this.post({ type: 'events', id, offset: c.offset, events: c.items });
      await yieldNow();
    }
    this.post({ type: 'done', id, total: trace.events.length, result: plain(result), pods: podsFromScenario(l.world), diagnostics: l.diagnostics });
  }
}

interface Loaded {
  readonly key: string;
  readonly scenario: unknown;
  readonly world: unknown;
  readonly diagnostics: readonly Diagnostic[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function diagnosticsOf(v: unknown): Diagnostic[] {
  return isObj(v) && Array.isArray(v['diagnostics']) ? (v['diagnostics'] as Diagnostic[]) : [];
}

function pick(r: SimulateResult): Partial<SimulateResult> {
  return r.probabilities ? { probabilities: r.probabilities } : {};
}

/** Only plain data crosses to the main thread. */
function plain(r: SimulateResult): SimulateResult {
  return JSON.parse(JSON.stringify(r)) as SimulateResult;
}

function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.file}:${d.line}:${d.column}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
