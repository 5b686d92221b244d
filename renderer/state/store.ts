// The app's one store (zustand; nothing outside renderer/state/ imports it): the open scenario, the run
// parameters, the trace and its index, the playhead, filters, selection and UI mode. Actions are
// plain transitions; the engine and the DOM are driven from outside (renderer/app-controller.ts).

import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Capabilities, FolderFiles, HostModel, Proto, RunMode, ScenarioModel } from '../engine/protocol.js';
import type { Diagnostic, SimulateResult, TraceEvent } from '../engine/sim-types.js';
import { buildTraceIndex, lastEventAtOrBefore, type Category, type TraceIndex } from './trace-index.js';
import { buildWarp, type Warp } from './warp.js';
import { stepIndex, visibleIndices } from './selectors.js';

export type Language = 'en' | 'ja';
export const PANELS = ['run', 'events', 'inspector', 'outcome', 'config'] as const;
export type Panel = (typeof PANELS)[number];
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16] as const;
/** Display µs played per second at speed 1: a 100 µs hop takes half a second. */
export const DISPLAY_US_PER_SECOND = 200;

export interface RunForm {
  readonly step: number;
  readonly variant?: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly proto: Proto;
  readonly tries: number;
  readonly mode: RunMode;
}

export interface Outcome {
  readonly client: string;
  readonly to: string;
  readonly step: string;
  readonly mode: RunMode;
  readonly result: SimulateResult;
}

export interface AppState {
  readonly folder?: FolderFiles | undefined;
  readonly model?: ScenarioModel | undefined;
  readonly pods: readonly HostModel[];
  readonly diagnostics: readonly Diagnostic[];
  readonly capabilities?: Capabilities | undefined;
  readonly status: 'idle' | 'opening' | 'running' | 'error';
  readonly message?: string | undefined;

  readonly form: RunForm;
  readonly runId?: number | undefined;

  readonly events: readonly TraceEvent[];
  readonly index?: TraceIndex | undefined;
  readonly warp?: Warp | undefined;
  readonly visible: readonly number[];
  readonly result?: SimulateResult | undefined;
  readonly outcomes: readonly Outcome[];

  readonly time: number;
  readonly cursor: number;
  readonly playing: boolean;
  readonly speed: number;

  readonly hidden: ReadonlySet<Category>;
  readonly selectedNode?: string | undefined;
  readonly language: Language;
  readonly presentation: boolean;
  readonly panels: Readonly<Record<Panel, boolean>>;
  readonly config?: { readonly file: string; readonly line?: number } | undefined;
}

export interface AppActions {
  setCapabilities(c: Capabilities): void;
  opening(): void;
  opened(folder: FolderFiles, model: ScenarioModel, diagnostics: readonly Diagnostic[]): void;
  setPods(pods: readonly HostModel[], diagnostics?: readonly Diagnostic[]): void;
  fail(message: string): void;
  setForm(patch: Partial<RunForm>): void;
  runStarted(runId: number): void;
  appendEvents(offset: number, events: readonly TraceEvent[]): void;
  runFinished(result: SimulateResult): void;
  /** Loads a whole trace at once (a saved trace file, a fixture). */
  loadTrace(events: readonly TraceEvent[], result?: SimulateResult): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  tick(dtMs: number): void;
  stepForward(): void;
  stepBack(): void;
  setCursor(index: number): void;
  seekDisplay(d: number): void;
  rewind(): void;
  setSpeed(s: number): void;
  toggleHidden(c: Category): void;
  selectNode(name: string | undefined): void;
  setLanguage(l: Language): void;
  setPresentation(on: boolean): void;
  togglePanel(p: Panel): void;
  openConfig(file: string, line?: number): void;
}

export type AppStore = StoreApi<AppState & AppActions>;

const initialPlayback = { time: 0, cursor: -1, playing: false } as const;

function traceState(events: readonly TraceEvent[], hidden: ReadonlySet<Category>): Pick<AppState, 'index' | 'warp' | 'visible'> {
  const index = buildTraceIndex(events);
  const marks: number[] = Array.from(index.times);
  for (const l of index.links) marks.push(l.end);
  return { index, warp: buildWarp(marks), visible: visibleIndices(index, hidden) };
}

export function createAppStore(init: Partial<AppState> = {}): AppStore {
  return createStore<AppState & AppActions>()((set, get) => ({
    pods: [],
    diagnostics: [],
    status: 'idle',
    form: { step: 0, from: '', to: '', proto: 'tcp', tries: 1, mode: 'simulate' },
    events: [],
    visible: [],
    outcomes: [],
    ...initialPlayback,
    speed: 1,
    hidden: new Set<Category>(),
    language: 'en',
    presentation: false,
    panels: { run: true, events: true, inspector: true, outcome: true, config: true },
    ...init,

    setCapabilities: (capabilities) => set({ capabilities }),
    opening: () => set({ status: 'opening' }),
    opened: (folder, model, diagnostics) => {
      const req = model.requests[0];
      const firstClient = model.hosts.find((h) => h.role === 'client')?.name ?? model.hosts[0]?.name ?? '';
      set({
        folder, model, diagnostics, pods: [], status: 'idle', events: [], index: undefined, warp: undefined, visible: [], result: undefined, outcomes: [],
        ...initialPlayback, selectedNode: undefined, config: undefined,
        form: { ...get().form, step: 0, variant: undefined, from: req?.from ?? firstClient, to: req?.to ?? '', tries: 1 },
      });
    },
    setPods: (pods, diagnostics) => set(diagnostics ? { pods, diagnostics: mergeDiagnostics(get().diagnostics, diagnostics) } : { pods }),
    fail: (message) => set({ status: 'error', message, runId: undefined }),
    setForm: (patch) => {
      const f = { ...get().form, ...patch } as RunForm & { variant?: string };
      if ('step' in patch && !('variant' in patch)) delete f.variant;
      set({ form: f });
    },
    runStarted: (runId) => set({ status: 'running', runId, message: undefined, events: [], result: undefined, ...traceState([], get().hidden), ...initialPlayback }),
    appendEvents: (offset, events) => {
      const cur = get().events;
      const next = offset === cur.length ? [...cur, ...events] : [...cur.slice(0, offset), ...events];
      set({ events: next, ...traceState(next, get().hidden) });
    },
    runFinished: (result) => {
      const s = get();
      const f = s.form;
      const outcome: Outcome = { client: result.from || f.from, to: result.to || f.to, step: f.variant ?? String(f.step), mode: f.mode, result };
      const outcomes = [...s.outcomes.filter((o) => !(o.client === outcome.client && o.step === outcome.step && o.to === outcome.to && o.mode === outcome.mode)), outcome];
      set({ status: 'idle', runId: undefined, result, outcomes });
    },
    loadTrace: (events, result) => set({ events, ...traceState(events, get().hidden), ...initialPlayback, result, status: 'idle' }),

    play: () => {
      const s = get();
      if (!s.warp || s.events.length === 0) return;
      if (s.warp.toDisplay(s.time) >= s.warp.total) set({ ...initialPlayback });
      set({ playing: true });
    },
    pause: () => set({ playing: false }),
    togglePlay: () => (get().playing ? get().pause() : get().play()),
    tick: (dtMs) => {
      const s = get();
      if (!s.playing || !s.warp || !s.index) return;
      let d = s.warp.toDisplay(s.time) + (dtMs / 1000) * DISPLAY_US_PER_SECOND * s.speed;
      let playing = true;
      if (d >= s.warp.total) {
        d = s.warp.total;
        playing = false;
      }
      const time = s.warp.toTime(d);
      const raw = lastEventAtOrBefore(s.index, time);
      set({ time, cursor: lastVisibleAtOrBefore(s.visible, raw, s.cursor), playing });
    },
    stepForward: () => {
      const s = get();
      const i = stepIndex(s.visible, s.cursor, 1);
      if (i !== s.cursor && s.index) set({ cursor: i, time: s.index.times[i] as number, playing: false });
    },
    stepBack: () => {
      const s = get();
      const i = stepIndex(s.visible, s.cursor, -1);
      if (!s.index) return;
      set({ cursor: i, time: i >= 0 ? (s.index.times[i] as number) : 0, playing: false });
    },
    setCursor: (index) => {
      const s = get();
      if (!s.index || index < -1 || index >= s.events.length) return;
      set({ cursor: index, time: index >= 0 ? (s.index.times[index] as number) : 0, playing: false });
    },
    seekDisplay: (d) => {
      const s = get();
      if (!s.warp || !s.index) return;
      const time = s.warp.toTime(Math.max(0, Math.min(d, s.warp.total)));
      set({ time, cursor: lastVisibleAtOrBefore(s.visible, lastEventAtOrBefore(s.index, time), -1) });
    },
    rewind: () => set({ ...initialPlayback }),
    setSpeed: (speed) => set({ speed: Math.max(SPEEDS[0], Math.min(speed, SPEEDS[SPEEDS.length - 1] as number)) }),
    toggleHidden: (c) => {
      const s = get();
      const hidden = new Set(s.hidden);
      if (hidden.has(c)) hidden.delete(c);
      else hidden.add(c);
      const visible = s.index ? visibleIndices(s.index, hidden) : [];
      set({ hidden, visible, cursor: lastVisibleAtOrBefore(visible, s.cursor, -1) });
    },
    selectNode: (selectedNode) => set({ selectedNode }),
    setLanguage: (language) => set({ language }),
    setPresentation: (presentation) => set({ presentation }),
    togglePanel: (p) => set({ panels: { ...get().panels, [p]: !get().panels[p] } }),
    openConfig: (file, line) => set({ config: line !== undefined ? { file, line } : { file }, panels: { ...get().panels, config: true } }),
  }));
}

/** The last visible event index at or before `raw`; `fallback` when there is none and the raw index is -1. */
export function lastVisibleAtOrBefore(visible: readonly number[], raw: number, fallback: number): number {
  if (raw < 0) return Math.min(fallback, -1);
  let lo = 0;
  let hi = visible.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((visible[mid] as number) <= raw) {
      ans = visible[mid] as number;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

function mergeDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic): string => `${d.file}:${d.line}:${d.column}:${d.message}`;
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((d) => !seen.has(key(d)))];
}

export const appStore: AppStore = createAppStore();

export function useApp<T>(selector: (s: AppState & AppActions) => T): T {
  return useStore(appStore, selector);
}
