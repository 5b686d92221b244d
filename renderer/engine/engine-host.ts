// The worker's side of the protocol, as a plain object over the engine's API so it runs (and is
// tested) anywhere: open a folder (parse the topology, load step 0), load a step, run a request and
// stream its trace in chunks, yielding between chunks so a cancel can get in.

import { chunk, parseRequest, type Capabilities, type EngineRequest, type EngineResponse, type FolderFiles, type RunParams } from './protocol.js';
import { modelFromTopology, podsFromScenario } from './scenario-model.js';
import type { Diagnostic, SimulateResult, Topology, Trace } from './sim-types.js';

export interface ScenarioFiles {
  read(path: string): string | undefined;
  list(dir: string): string[];
}

/** What the renderer uses of sim/index.ts. Methods, so the engine's own parameter types fit. */
export interface SimApi {
  parseTopology(text: string, opts: { file: string }): { readonly value: Topology; readonly diagnostics: readonly Diagnostic[] };
  loadScenario?(files: ScenarioFiles, opts: { step?: number; variant?: string }): { readonly scenario: unknown; readonly diagnostics: readonly Diagnostic[] };
  traceRequest?(scenario: never, req: { from: string; to: string; proto?: 'tcp' | 'udp' | 'icmp'; tries?: number; explore?: boolean }): { readonly trace: Trace; readonly result: SimulateResult };
}

export const TOPOLOGY_FILE = 'topology.yaml';
export const CHUNK_SIZE = 1500;

export function capabilitiesOf(api: Partial<SimApi>): Capabilities {
  return { parseTopology: typeof api.parseTopology === 'function', loadScenario: typeof api.loadScenario === 'function', traceRequest: typeof api.traceRequest === 'function' };
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
  private loaded: { key: string; scenario: unknown; diagnostics: readonly Diagnostic[] } | undefined;

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
        this.post({ type: 'step-loaded', id: req.id, pods: l ? podsFromScenario(l.scenario) : [], diagnostics: l?.diagnostics ?? [] });
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
    const pods = l ? podsFromScenario(l.scenario) : [];
    const diagnostics = dedupe([...parsed.diagnostics, ...(l?.diagnostics ?? [])]);
    this.post({ type: 'opened', id, model: { ...model, hosts: [...model.hosts, ...pods] }, diagnostics });
  }

  private load(step: number | undefined, variant: string | undefined): { scenario: unknown; diagnostics: readonly Diagnostic[] } | undefined {
    if (!this.folder || !this.api.loadScenario) return undefined;
    const key = variant !== undefined ? `v:${variant}` : `s:${step ?? 0}`;
    if (this.loaded?.key === key) return this.loaded;
    const r = this.api.loadScenario(filesOf(this.folder), variant !== undefined ? { variant } : { step: step ?? 0 });
    this.loaded = { key, scenario: r.scenario, diagnostics: r.diagnostics };
    return this.loaded;
  }

  private async run(id: number, p: RunParams): Promise<void> {
    if (!this.folder) throw new Error('open a topology folder first');
    if (!this.api.traceRequest || !this.api.loadScenario) throw new Error('this engine build cannot run requests yet (sim/index.ts has no loadScenario/traceRequest)');
    // A fresh load per run: a run changes conntrack, sockets and counters.
    this.loaded = undefined;
    const l = this.load(p.step, p.variant);
    if (!l) throw new Error('the scenario did not load');
    const { trace, result } = this.api.traceRequest(l.scenario as never, { from: p.from, to: p.to, proto: p.proto, tries: p.tries, explore: p.mode === 'explore' });
    this.loaded = undefined;
    for (const c of chunk(trace.events, CHUNK_SIZE)) {
      if (this.cancelled.has(id)) {
        this.cancelled.delete(id);
        this.post({ type: 'error', id, message: 'cancelled' });
        return;
      }
      this.post({ type: 'events', id, offset: c.offset, events: c.items });
      await yieldNow();
    }
    this.post({ type: 'done', id, total: trace.events.length, result, pods: podsFromScenario(l.scenario), diagnostics: l.diagnostics });
  }
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
