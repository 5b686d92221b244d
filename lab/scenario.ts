// A scenario folder as the lab uses it: the topology, every file it names, and the state after
// each step (Kubernetes objects, each host's current config files, the step scripts run so far).
// Steps apply in order (docs/topology.md): `apply` replaces or adds objects by kind, namespace and
// name (kubectl apply), `delete` removes one, `replace` swaps a host's file, `run` appends a
// checked script, `sysctl` sets one value. Reading files is the only I/O here.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  formatDiagnostic,
  hasErrors,
  parseManifestFiles,
  parseTopology,
  type Diagnostic,
  type FileKind,
  type K8sObject,
  type StepChange,
  type Topology,
} from '../sim/index.js';
import { parseStepScript, type ScriptCommand } from './step-script.js';

export class ScenarioError extends Error {}

export interface HostRun {
  readonly host: string;
  readonly file: string;
  readonly commands: readonly ScriptCommand[];
}

export interface ScenarioState {
  readonly objects: readonly K8sObject[];
  /** host -> file kind -> { path, text } */
  readonly files: ReadonlyMap<string, ReadonlyMap<FileKind, { readonly path: string; readonly text: string }>>;
  readonly runs: readonly HostRun[];
  readonly sysctls: readonly { readonly host: string; readonly key: string; readonly value: string }[];
}

/** What a change asks the running lab to do. */
export type LabAction =
  | { readonly kind: 'replan-cluster' }
  | { readonly kind: 'restart-haproxy'; readonly host: string }
  | { readonly kind: 'reload-iptables'; readonly host: string }
  | { readonly kind: 'run'; readonly run: HostRun }
  | { readonly kind: 'sysctl'; readonly host: string; readonly key: string; readonly value: string };

export interface Scenario {
  readonly dir: string;
  readonly topology: Topology;
  readonly initial: ScenarioState;
}

function read(dir: string, rel: string): string {
  try {
    return readFileSync(join(dir, rel), 'utf8');
  } catch (e) {
    throw new ScenarioError(`cannot read ${rel} in ${dir}: ${(e as Error).message}`);
  }
}

function failOn(diags: readonly Diagnostic[]): void {
  if (hasErrors(diags)) throw new ScenarioError(diags.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'));
}

function manifests(dir: string, rel: string): { file: string; text: string }[] {
  const path = join(dir, rel);
  if (statSync(path).isFile()) return [{ file: rel, text: read(dir, rel) }];
  return readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({ file: join(rel, f), text: read(dir, join(rel, f)) }));
}

export function loadScenario(dirArg: string): Scenario {
  const dir = resolve(dirArg);
  const topoText = read(dir, 'topology.yaml');
  const topo = parseTopology(topoText, { file: 'topology.yaml' });
  failOn(topo.diagnostics);
  const topology = topo.value;
  let objects: K8sObject[] = [];
  if (topology.kubernetes) {
    const m = parseManifestFiles(manifests(dir, topology.kubernetes.manifests));
    failOn(m.diagnostics);
    objects = m.value;
  }
  const files = new Map<string, Map<FileKind, { path: string; text: string }>>();
  for (const h of topology.hosts) {
    const fm = new Map<FileKind, { path: string; text: string }>();
    for (const [k, v] of Object.entries(h.files)) if (v) fm.set(k as FileKind, { path: v.value, text: read(dir, v.value) });
    files.set(h.name, fm);
  }
  return { dir, topology, initial: { objects, files, runs: [], sysctls: [] } };
}

function objKey(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** A host's `iproute` file (its network configuration's `ip` lines) as commands to run in its namespace. */
export function iprouteRun(host: string, file: string, text: string): HostRun {
  const p = parseStepScript(text, { file });
  failOn(p.diagnostics);
  return { host, file, commands: p.value };
}

export function applyChange(sc: Scenario, st: ScenarioState, c: StepChange): { state: ScenarioState; actions: LabAction[] } {
  switch (c.kind) {
    case 'apply': {
      const m = parseManifestFiles(manifests(sc.dir, c.path));
      failOn(m.diagnostics);
      const byKey = new Map(st.objects.map((o) => [objKey(o), o] as const));
      for (const o of m.value) byKey.set(objKey(o), o);
      return { state: { ...st, objects: [...byKey.values()] }, actions: [{ kind: 'replan-cluster' }] };
    }
    case 'delete': {
      const ns = c.object.namespace;
      const objects = st.objects.filter((o) => !(o.kind === c.object.kind && o.metadata.name === c.object.name && (ns === undefined || o.metadata.namespace === ns)));
      if (objects.length === st.objects.length) throw new ScenarioError(`${c.loc.file}:${c.loc.line}: delete: no ${c.object.kind} ${ns ? `${ns}/` : ''}${c.object.name}`);
      return { state: { ...st, objects }, actions: [{ kind: 'replan-cluster' }] };
    }
    case 'replace': {
      const files = new Map([...st.files].map(([h, m]) => [h, new Map(m)] as const));
      const hm = files.get(c.host) ?? new Map<FileKind, { path: string; text: string }>();
      hm.set(c.file, { path: c.with, text: read(sc.dir, c.with) });
      files.set(c.host, hm);
      const actions: LabAction[] = [];
      if (c.file === 'haproxy') actions.push({ kind: 'restart-haproxy', host: c.host });
      else if (c.file === 'iptables') actions.push({ kind: 'reload-iptables', host: c.host });
      else if (c.file === 'iproute') {
        // The host's network configuration: its `ip` (and `iptables`) lines run as the system would at boot.
        const run = iprouteRun(c.host, c.with, read(sc.dir, c.with));
        actions.push({ kind: 'run', run });
        return { state: { ...st, files, runs: [...st.runs, run] }, actions };
      } else throw new ScenarioError(`${c.loc.file}:${c.loc.line}: the lab cannot replace a ${c.file} file yet`);
      return { state: { ...st, files }, actions };
    }
    case 'run': {
      const p = parseStepScript(read(sc.dir, c.script), { file: c.script });
      failOn(p.diagnostics);
      const run: HostRun = { host: c.host, file: c.script, commands: p.value };
      return { state: { ...st, runs: [...st.runs, run] }, actions: [{ kind: 'run', run }] };
    }
    case 'sysctl':
      return { state: { ...st, sysctls: [...st.sysctls, { host: c.host, key: c.key, value: c.value }] }, actions: [{ kind: 'sysctl', host: c.host, key: c.key, value: c.value }] };
  }
}

/** The changes leading from step 0 to a step, or to a variant (its base step, then its own changes). */
export function changesTo(topology: Topology, target: { step?: number; variant?: string }): { changes: StepChange[]; step: number; label: string } {
  if (target.variant !== undefined) {
    const v = topology.variants.find((x) => x.name === target.variant);
    if (!v) throw new ScenarioError(`no variant ${target.variant} (have: ${topology.variants.map((x) => x.name).join(', ') || 'none'})`);
    return { changes: [...topology.steps.slice(1, v.base + 1).flatMap((s) => s.changes), ...v.changes], step: v.base, label: `variant ${v.name}` };
  }
  const n = target.step ?? 0;
  if (!Number.isInteger(n) || n < 0 || n >= Math.max(1, topology.steps.length)) throw new ScenarioError(`no step ${n} (steps 0..${topology.steps.length - 1})`);
  return { changes: topology.steps.slice(1, n + 1).flatMap((s) => s.changes), step: n, label: `step ${n}` };
}
