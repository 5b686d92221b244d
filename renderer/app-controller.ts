// The composition root's moving parts: the engine worker, the folder sources and the store, wired
// api -> data -> store (hubble-ui's order). Components call these verbs; none of them talk to the
// worker or the Electron bridge directly.

import { startEngineWorker, type EngineClient } from './engine/client.js';
import { parseFolder, type FolderFiles, type RunParams } from './engine/protocol.js';
import type { SimulateResult, TraceEvent } from './engine/sim-types.js';
import { appStore } from './state/store.js';
import { fetchFolder, fetchTopologyIndex, folderFromBridge, type TopologyListing } from './sources/folder-sources.js';

export const DEFAULT_SCENARIO = 'ictsc2020-nodeport-source-ip';

let engine: EngineClient | undefined;
let activeRun: number | undefined;
let served: TopologyListing[] = [];

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function getEngine(): EngineClient {
  engine ??= startEngineWorker();
  return engine;
}

export function servedTopologies(): readonly TopologyListing[] {
  return served;
}

/** First launch: the engine, then the ICTSC scenario (or ?scenario=name), so a topology and a Run button show at once. */
export async function init(): Promise<void> {
  const st = appStore.getState();
  st.opening();
  try {
    const caps = await getEngine().ready;
    st.setCapabilities(caps);
    const bridge = window.hoplab;
    if (bridge) {
      bridge.onFolderOpened((g) => void folderFromBridge(bridge, g).then(openFolder, (e: unknown) => appStore.getState().fail(errorText(e))));
      const g = await bridge.openDefaultScenario();
      if (g) await openFolder(await folderFromBridge(bridge, g));
      else appStore.setState({ status: 'idle' });
      return;
    }
    served = await fetchTopologyIndex();
    const wanted = new URLSearchParams(location.search).get('scenario') ?? DEFAULT_SCENARIO;
    const pick = served.find((t) => t.name === wanted) ?? served[0];
    if (pick) await openFolder(await fetchFolder(pick));
    else appStore.setState({ status: 'idle' });
  } catch (e) {
    appStore.getState().fail(errorText(e));
  }
}

export async function openServed(name: string): Promise<void> {
  const t = served.find((x) => x.name === name);
  if (!t) return;
  appStore.getState().opening();
  try {
    await openFolder(await fetchFolder(t));
  } catch (e) {
    appStore.getState().fail(errorText(e));
  }
}

export async function openFolder(folder: FolderFiles): Promise<void> {
  const st = appStore.getState();
  st.opening();
  try {
    const { model, diagnostics } = await getEngine().open(folder);
    appStore.getState().opened(folder, model, diagnostics);
  } catch (e) {
    appStore.getState().fail(errorText(e));
  }
}

/** Shows the pods of a step before anything runs (step 4 has two). */
export async function selectStep(step: number, variant?: string): Promise<void> {
  appStore.getState().setForm(variant !== undefined ? { step, variant } : { step });
  if (!appStore.getState().capabilities?.loadScenario) return;
  try {
    const { pods, diagnostics } = await getEngine().loadStep(variant !== undefined ? { variant } : { step });
    appStore.getState().setPods(pods, diagnostics);
  } catch (e) {
    appStore.getState().fail(errorText(e));
  }
}

export function runParams(): RunParams {
  const f = appStore.getState().form;
  return { ...(f.variant !== undefined ? { variant: f.variant } : { step: f.step }), from: f.from, to: f.to, proto: f.proto, tries: f.tries, mode: f.mode };
}

export async function run(params: RunParams = runParams()): Promise<void> {
  const eng = getEngine();
  if (activeRun !== undefined) eng.cancel(activeRun);
  const r = eng.run(params, { onEvents: (offset, events) => appStore.getState().appendEvents(offset, events) });
  activeRun = r.id;
  appStore.getState().runStarted(r.id);
  try {
    const done = await r.done;
    if (activeRun !== r.id) return;
    appStore.getState().setPods(done.pods, done.diagnostics);
    appStore.getState().runFinished(done.result);
  } catch (e) {
    if (activeRun === r.id) appStore.getState().fail(errorText(e));
  } finally {
    if (activeRun === r.id) activeRun = undefined;
  }
}

/** Runs every request the scenario lists, one after the other; the last trace stays on screen. */
export async function runAll(): Promise<void> {
  const s = appStore.getState();
  for (const req of s.model?.requests ?? []) {
    appStore.getState().setForm({ from: req.from, to: req.to });
    await run();
    if (appStore.getState().status === 'error') return;
  }
}

export function cancel(): void {
  if (activeRun === undefined) return;
  getEngine().cancel(activeRun);
  activeRun = undefined;
  appStore.setState({ status: 'idle', runId: undefined });
}

/** A saved trace: either a Trace ({version, events}) or {trace, result} as `hoplab simulate --json` writes it. */
export function parseTraceFile(text: string): { events: TraceEvent[]; result?: SimulateResult } {
  const v: unknown = JSON.parse(text);
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const trace = (typeof o['trace'] === 'object' && o['trace'] !== null ? o['trace'] : o) as Record<string, unknown>;
  const events = trace['events'];
  if (trace['version'] !== 1 || !Array.isArray(events)) throw new Error('not a hoplab trace (expected {"version": 1, "events": [...]})');
  for (const [i, e] of events.entries()) {
    if (typeof e !== 'object' || e === null || typeof (e as { kind?: unknown }).kind !== 'string' || typeof (e as { t?: unknown }).t !== 'number') throw new Error(`event ${i} has no kind or time`);
  }
  const result = typeof o['result'] === 'object' && o['result'] !== null ? (o['result'] as SimulateResult) : undefined;
  return { events: events as TraceEvent[], ...(result ? { result } : {}) };
}

export async function openTraceFile(file: File): Promise<void> {
  try {
    const { events, result } = parseTraceFile(await file.text());
    appStore.getState().loadTrace(events, result);
    if (result) appStore.getState().runFinished(result);
  } catch (e) {
    appStore.getState().fail(`${file.name}: ${errorText(e)}`);
  }
}

export { parseFolder };
