// The main thread's handle on the engine worker: promises for open/load-step, a streaming run with
// callbacks per chunk, cancel. Every message from the worker is checked against the protocol.

import { parseResponse, type Capabilities, type EngineRequest, type EngineResponse, type FolderFiles, type HostModel, type RunParams, type ScenarioModel } from './protocol.js';
import type { Diagnostic, SimulateResult, TraceEvent } from './sim-types.js';

export interface RunCallbacks {
  onEvents(offset: number, events: readonly TraceEvent[]): void;
}
export interface RunDone {
  readonly total: number;
  readonly result: SimulateResult;
  readonly pods: readonly HostModel[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface WorkerLike {
  postMessage(m: unknown): void;
  addEventListener(type: 'message', l: (e: { data: unknown }) => void): void;
  addEventListener(type: 'error', l: (e: { message?: string }) => void): void;
  terminate(): void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Pending = { resolve: (r: EngineResponse) => void; reject: (e: Error) => void; onEvents?: RunCallbacks['onEvents'] };

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<Capabilities>;

  constructor(private readonly worker: WorkerLike) {
    let markReady: (c: Capabilities) => void = () => undefined;
    let failReady: (e: Error) => void = () => undefined;
    this.ready = new Promise((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    worker.addEventListener('message', (e) => {
      const p = parseResponse(e.data);
      if (!p.ok) return;
      const r = p.value;
      if (r.type === 'ready') {
        markReady(r.capabilities);
        return;
      }
      const w = this.pending.get(r.id);
      if (!w) return;
      if (r.type === 'events') {
        w.onEvents?.(r.offset, r.events);
        return;
      }
      this.pending.delete(r.id);
      if (r.type === 'error') w.reject(new Error(r.message));
      else w.resolve(r);
    });
    worker.addEventListener('error', (e) => {
      const err = new Error(e.message ?? 'the engine worker failed');
      failReady(err);
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    });
  }

  private request(req: DistributiveOmit<EngineRequest, 'id'>, onEvents?: RunCallbacks['onEvents']): { id: number; done: Promise<EngineResponse> } {
    const id = this.nextId++;
    const done = new Promise<EngineResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onEvents ? { onEvents } : {}) });
    });
    this.worker.postMessage({ ...req, id });
    return { id, done };
  }

  async open(folder: FolderFiles): Promise<{ model: ScenarioModel; diagnostics: readonly Diagnostic[] }> {
    const r = await this.request({ type: 'open', folder }).done;
    if (r.type !== 'opened') throw new Error(`unexpected ${r.type}`);
    return { model: r.model, diagnostics: r.diagnostics };
  }

  async loadStep(sel: { step?: number; variant?: string }): Promise<{ pods: readonly HostModel[]; diagnostics: readonly Diagnostic[] }> {
    const r = await this.request({ type: 'load-step', ...sel }).done;
    if (r.type !== 'step-loaded') throw new Error(`unexpected ${r.type}`);
    return { pods: r.pods, diagnostics: r.diagnostics };
  }

  run(params: RunParams, cb: RunCallbacks): { id: number; done: Promise<RunDone> } {
    const { id, done } = this.request({ type: 'run', params }, cb.onEvents);
    return {
      id,
      done: done.then((r) => {
        if (r.type !== 'done') throw new Error(`unexpected ${r.type}`);
        return { total: r.total, result: r.result, pods: r.pods, diagnostics: r.diagnostics };
      }),
    };
  }

  cancel(id: number): void {
    this.worker.postMessage({ type: 'cancel', id });
  }

  dispose(): void {
    this.worker.terminate();
  }
}

export function startEngineWorker(): EngineClient {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'hoplab-engine' });
  return new EngineClient(w as unknown as WorkerLike);
}
