// The protocol between the renderer's main thread and the engine's Web Worker. Requests carry an id;
// a run answers with its trace in chunks (so the UI draws while the rest arrives) and then a `done`
// with the outcome. Both sides check what they receive with `parseRequest` / `parseResponse`.

import type { Diagnostic, SimulateResult, TraceEvent } from './sim-types.js';

/** A scenario folder's text files, by path relative to the folder ('/'-separated). */
export interface FolderFiles {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
}

export const PROTOS = ['tcp', 'udp', 'icmp'] as const;
export type Proto = (typeof PROTOS)[number];
export const MODES = ['simulate', 'explore'] as const;
export type RunMode = (typeof MODES)[number];

export interface RunParams {
  readonly step?: number;
  readonly variant?: string;
  readonly from: string;
  readonly to: string; // "ip:port"
  readonly proto: Proto;
  readonly tries: number;
  readonly mode: RunMode;
}

export const MAX_TRIES = 100;

export interface IfaceModel {
  readonly name: string;
  readonly kind: string;
  readonly addresses: readonly string[]; // "192.168.0.1/24"
  readonly segment?: string;
  readonly peer?: { readonly host: string; readonly iface: string };
}

export interface HostModel {
  readonly name: string; // the name the trace uses (a pod's name for pods)
  readonly role: string; // topology role, or 'pod'
  readonly interfaces: readonly IfaceModel[];
  /** For pods: the node the pod runs on. */
  readonly node?: string;
  readonly files: readonly { readonly kind: string; readonly path: string }[];
}

/** What the renderer draws and offers: derived from the topology and, when the engine can load it, the scenario's namespaces. */
export interface ScenarioModel {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly hosts: readonly HostModel[];
  readonly segments: readonly { readonly name: string; readonly latencyUs: number }[];
  readonly cluster?: { readonly nodes: readonly string[]; readonly controlPlane: readonly string[]; readonly manifests: string };
  readonly steps: readonly { readonly title: string; readonly description?: string; readonly files: readonly string[] }[];
  readonly variants: readonly { readonly name: string; readonly title: string; readonly base: number; readonly files?: readonly string[] }[];
  readonly requests: readonly { readonly from: string; readonly to: string; readonly command?: string }[];
  readonly layout: Readonly<Record<string, readonly [number, number]>>;
}

export interface Capabilities {
  readonly parseTopology: boolean;
  readonly loadScenario: boolean;
  readonly traceRequest: boolean;
}

export type EngineRequest =
  | { readonly type: 'open'; readonly id: number; readonly folder: FolderFiles }
  | { readonly type: 'load-step'; readonly id: number; readonly step?: number; readonly variant?: string }
  | { readonly type: 'run'; readonly id: number; readonly params: RunParams }
  | { readonly type: 'cancel'; readonly id: number };

export type EngineResponse =
  | { readonly type: 'ready'; readonly capabilities: Capabilities }
  | { readonly type: 'opened'; readonly id: number; readonly model: ScenarioModel; readonly diagnostics: readonly Diagnostic[] }
  | { readonly type: 'step-loaded'; readonly id: number; readonly pods: readonly HostModel[]; readonly diagnostics: readonly Diagnostic[] }
  | { readonly type: 'events'; readonly id: number; readonly offset: number; readonly events: readonly TraceEvent[] }
  | { readonly type: 'done'; readonly id: number; readonly total: number; readonly result: SimulateResult; readonly pods: readonly HostModel[]; readonly diagnostics: readonly Diagnostic[] }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

export type Parse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const HOST_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/;
const DEST_RE = /^(\d{1,3}\.){3}\d{1,3}(:\d{1,5})?$/;

export function parseRunParams(v: unknown): Parse<RunParams> {
  if (!isObj(v)) return { ok: false, error: 'params must be an object' };
  const { step, variant, from, to, proto, tries, mode } = v;
  if (step !== undefined && !(typeof step === 'number' && Number.isInteger(step) && step >= 0)) return { ok: false, error: 'step must be a non-negative integer' };
  if (variant !== undefined && typeof variant !== 'string') return { ok: false, error: 'variant must be a string' };
  if (step !== undefined && variant !== undefined) return { ok: false, error: 'give a step or a variant, not both' };
  if (typeof from !== 'string' || !HOST_RE.test(from)) return { ok: false, error: 'from must be a host name' };
  if (typeof to !== 'string' || !DEST_RE.test(to)) return { ok: false, error: 'to must be "ip:port" or "ip"' };
  const port = to.includes(':') ? Number(to.split(':')[1]) : 0;
  if (port > 65535 || to.split(':')[0]!.split('.').some((o) => Number(o) > 255)) return { ok: false, error: `bad destination ${to}` };
  if (typeof proto !== 'string' || !(PROTOS as readonly string[]).includes(proto)) return { ok: false, error: `proto must be one of ${PROTOS.join(', ')}` };
  if (proto !== 'icmp' && !to.includes(':')) return { ok: false, error: `${proto} needs a port: "ip:port"` };
  if (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 1 || tries > MAX_TRIES) return { ok: false, error: `tries must be an integer 1..${MAX_TRIES}` };
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) return { ok: false, error: `mode must be one of ${MODES.join(', ')}` };
  return {
    ok: true,
    value: { ...(step !== undefined ? { step } : {}), ...(variant !== undefined ? { variant } : {}), from, to, proto: proto as Proto, tries, mode: mode as RunMode },
  };
}

export function parseFolder(v: unknown): Parse<FolderFiles> {
  if (!isObj(v) || typeof v['name'] !== 'string' || !isObj(v['files'])) return { ok: false, error: 'folder must be { name, files }' };
  for (const [k, c] of Object.entries(v['files'])) {
    if (typeof c !== 'string') return { ok: false, error: `file ${k} must be text` };
    if (k.startsWith('/') || k.split('/').some((s) => s === '..' || s === '')) return { ok: false, error: `file path ${k} must be relative` };
  }
  return { ok: true, value: { name: v['name'], files: v['files'] as Record<string, string> } };
}

export function parseRequest(v: unknown): Parse<EngineRequest> {
  if (!isObj(v)) return { ok: false, error: 'request must be an object' };
  if (!isId(v['id'])) return { ok: false, error: 'request id must be a non-negative integer' };
  const id = v['id'];
  switch (v['type']) {
    case 'open': {
      const f = parseFolder(v['folder']);
      return f.ok ? { ok: true, value: { type: 'open', id, folder: f.value } } : f;
    }
    case 'load-step': {
      const step = v['step'];
      const variant = v['variant'];
      if (step !== undefined && !(typeof step === 'number' && Number.isInteger(step) && step >= 0)) return { ok: false, error: 'step must be a non-negative integer' };
      if (variant !== undefined && typeof variant !== 'string') return { ok: false, error: 'variant must be a string' };
      return { ok: true, value: { type: 'load-step', id, ...(step !== undefined ? { step } : {}), ...(variant !== undefined ? { variant } : {}) } };
    }
    case 'run': {
      const p = parseRunParams(v['params']);
      return p.ok ? { ok: true, value: { type: 'run', id, params: p.value } } : p;
    }
    case 'cancel':
      return { ok: true, value: { type: 'cancel', id } };
    default:
      return { ok: false, error: `unknown request type ${String(v['type'])}` };
  }
}

export function parseResponse(v: unknown): Parse<EngineResponse> {
  if (!isObj(v)) return { ok: false, error: 'response must be an object' };
  const t = v['type'];
  if (t === 'ready') return isObj(v['capabilities']) ? { ok: true, value: v as unknown as EngineResponse } : { ok: false, error: 'ready needs capabilities' };
  if (!isId(v['id'])) return { ok: false, error: 'response id must be a non-negative integer' };
  switch (t) {
    case 'opened':
      return isObj(v['model']) && Array.isArray(v['diagnostics']) ? { ok: true, value: v as unknown as EngineResponse } : { ok: false, error: 'opened needs model and diagnostics' };
    case 'step-loaded':
      return Array.isArray(v['pods']) && Array.isArray(v['diagnostics']) ? { ok: true, value: v as unknown as EngineResponse } : { ok: false, error: 'step-loaded needs pods and diagnostics' };
    case 'events':
      return isId(v['offset']) && Array.isArray(v['events']) && v['events'].every((e) => isObj(e) && typeof e['kind'] === 'string' && typeof e['t'] === 'number')
        ? { ok: true, value: v as unknown as EngineResponse }
        : { ok: false, error: 'events needs offset and events with kind and t' };
    case 'done':
      return isId(v['total']) && isObj(v['result']) ? { ok: true, value: v as unknown as EngineResponse } : { ok: false, error: 'done needs total and result' };
    case 'error':
      return typeof v['message'] === 'string' ? { ok: true, value: v as unknown as EngineResponse } : { ok: false, error: 'error needs a message' };
    default:
      return { ok: false, error: `unknown response type ${String(t)}` };
  }
}

/** Splits a trace into the chunks a run streams. */
export function chunk<T>(items: readonly T[], size: number): { offset: number; items: readonly T[] }[] {
  const out: { offset: number; items: readonly T[] }[] = [];
  for (let i = 0; i < items.length; i += size) out.push({ offset: i, items: items.slice(i, i + size) });
  return out;
}
