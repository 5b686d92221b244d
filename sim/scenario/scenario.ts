// A scenario folder made runnable: the topology and its files, built into a World for one step or
// variant with the Kubernetes part (sim/scenario/cluster.ts) and the hosts' applications
// (HAProxy from a host's haproxy.cfg) started.

import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { Chooser } from '../core/choice.js';
import type { Recorder } from '../trace/recorder.js';
import { parseHaproxyCfg } from '../parsers/haproxy-cfg/index.js';
import { resolveHaproxy } from '../apps/haproxy/model.js';
import { startHaproxy, type HaproxyRuntime } from '../apps/haproxy/runtime.js';
import { buildWorld, changesFor, type BuiltWorld, type HostSetup, type ScenarioFiles } from './build.js';
import { setupCluster, type ClusterState } from './cluster.js';
import { parseTopology, type Topology } from './topology.js';
import { makeNetfilterOps, needsConntrack } from './netfilter-ops.js';

export interface Scenario {
  readonly topology: Topology;
  readonly files: ScenarioFiles;
  readonly diagnostics: readonly Diagnostic[];
  /** The step or variant runs use when they do not name one. */
  readonly selection: { readonly step?: number; readonly variant?: string };
}

export function loadScenario(files: ScenarioFiles, selection: { readonly step?: number; readonly variant?: string } = {}): Scenario {
  const text = files.read('topology.yaml');
  if (text === undefined) {
    const t = parseTopology('{}', { file: 'topology.yaml' });
    return { topology: t.value, files, selection, diagnostics: [diag('error', { file: 'topology.yaml', line: 1 }, 'no topology.yaml in the folder', { expected: 'topology.yaml (docs/topology.md)' })] };
  }
  const t = parseTopology(text, { file: 'topology.yaml' });
  return { topology: t.value, files, selection, diagnostics: t.diagnostics };
}

export interface RunOptions {
  readonly step?: number;
  readonly variant?: string;
  readonly noPolicy?: boolean;
  readonly seed?: number;
  readonly chooser?: Chooser;
  readonly recorder?: Recorder;
  /** Treat HAProxy's round-robin position as unknown (explore). */
  readonly unknownRoundRobin?: boolean;
  /** Hosts rebooted after the changes (see BuildOptions.reboot). */
  readonly reboot?: readonly string[];
}

export interface ScenarioWorld extends BuiltWorld {
  readonly cluster: ClusterState;
  readonly haproxy: ReadonlyMap<string, HaproxyRuntime>;
  readonly allDiagnostics: readonly Diagnostic[];
}

export function buildScenario(sc: Scenario, opts: RunOptions = {}): ScenarioWorld {
  const o: RunOptions = opts.step === undefined && opts.variant === undefined ? { ...sc.selection, ...opts } : opts;
  const built = buildWorld(sc.topology, sc.files, {
    ...(o.step !== undefined ? { step: o.step } : {}),
    ...(o.variant !== undefined ? { variant: o.variant } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.chooser ? { chooser: o.chooser } : {}),
    ...(o.recorder ? { recorder: o.recorder } : {}),
    ...(o.reboot ? { reboot: o.reboot } : {}),
  });
  const diagnostics: Diagnostic[] = [...sc.diagnostics, ...built.diagnostics];
  const { changes } = changesFor(sc.topology, o);
  const cluster = setupCluster(built.world, built.hosts, sc.topology, sc.files, changes, { ...(o.noPolicy ? { noPolicy: true } : {}) });
  diagnostics.push(...cluster.diagnostics);
  // The nodes' rulesets changed (kube-proxy, CNI): bind them to the walker again.
  for (const s of built.hosts.values()) rebind(s);
  const haproxy = new Map<string, HaproxyRuntime>();
  for (const [name, s] of built.hosts) {
    const path = s.files.haproxy;
    if (path === undefined) continue;
    const text = sc.files.read(path);
    if (text === undefined) { diagnostics.push(diag('error', { file: 'topology.yaml', line: 1 }, `missing file ${path}`, { expected: 'the haproxy.cfg named in the topology' })); continue; }
    const cfg = parseHaproxyCfg(text, { file: path });
    diagnostics.push(...cfg.diagnostics);
    const rt = startHaproxy(built.world, s.host, resolveHaproxy(cfg.value), o.unknownRoundRobin ? { unknownStart: built.world.chooser } : {});
    haproxy.set(name, rt);
  }
  return { ...built, cluster, haproxy, allDiagnostics: diagnostics };
}

function rebind(s: HostSetup): void {
  s.host.netfilter = s.ruleset.tables.length ? makeNetfilterOps(s.ruleset) : undefined;
  s.host.conntrackOn = needsConntrack(s.ruleset);
}
