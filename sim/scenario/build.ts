// topology + files of one step -> a World ready to run: namespaces with their interfaces
// (lo first, then in the order the topology lists them), addresses and the kernel's routes for
// them, routes and rules, sysctls, iptables rulesets, and the step's changes applied in order.
// Every problem is a located diagnostic; a broken file marks that file, never the whole world.

import { diag, type Diagnostic, type SourceLocation } from '../core/diagnostics.js';
import { formatIPv4, ipv4, type IPv4 } from '../core/ip.js';
import type { Chooser } from '../core/choice.js';
import { seededRng } from '../core/rng.js';
import { DEFAULT_IFACE_SYSCTL, defaultNsSysctl, macFor, type Iface } from '../model/netns.js';
import { newHost, type Host } from '../net/stack/host.js';
import { World } from '../net/stack/world.js';
import type { Recorder } from '../trace/recorder.js';
import { NULL_RECORDER } from '../trace/recorder.js';
import { randomChooser } from '../core/choice.js';
import { addAddress, addLink, createRoutingState } from '../net/routing/state.js';
import { applyIpCommand, errorDiagnostic } from '../net/routing/apply.js';
import { parseIpCommands } from '../parsers/iproute2/commands.js';
import { parseIptablesCommands, parseIptablesSave } from '../parsers/iptables-save/index.js';
import { emptyRuleset, type Ruleset } from '../net/netfilter/ruleset.js';
import { makeNetfilterOps, needsConntrack } from './netfilter-ops.js';
import { makeRoutingOps, type RoutingHolder } from './routing-ops.js';
import { applySysctl } from './sysctl.js';
import type { FileKind, StepChange, Topology, TopoHost } from './topology.js';

export interface ScenarioFiles {
  /** A file's text by its path relative to the topology folder, or undefined when missing. */
  read(path: string): string | undefined;
  /** Paths (relative to the folder) of the files directly inside `dir`. */
  list(dir: string): string[];
}

export interface BuildOptions {
  readonly step?: number;
  readonly variant?: string;
  readonly seed?: number;
  readonly chooser?: Chooser;
  readonly recorder?: Recorder;
}

/** Per-host state that the later stages (apps, reboot, export) need besides the walker's. */
export interface HostSetup {
  readonly host: Host;
  readonly routing: RoutingHolder;
  ruleset: Ruleset;
  /** The effective file of each kind after the step's replacements. */
  readonly files: Partial<Record<FileKind, string>>;
  /** Scripts run by steps, in order (not persistent across a reboot unless saved). */
  readonly scripts: string[];
}

export interface BuiltWorld {
  readonly world: World;
  readonly hosts: ReadonlyMap<string, HostSetup>;
  readonly diagnostics: readonly Diagnostic[];
  /** Step changes the packet model does not apply itself (Kubernetes objects), in order. */
  readonly k8sChanges: readonly StepChange[];
}

/** The changes that lead to a step or variant, in order. */
export function changesFor(topo: Topology, o: { step?: number; variant?: string }): { changes: StepChange[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let upTo = o.step ?? 0;
  const extra: StepChange[] = [];
  if (o.variant !== undefined) {
    const v = topo.variants.find((x) => x.name === o.variant);
    if (!v) {
      diagnostics.push(diag('error', { file: topo.file, line: 1 }, `no variant named ${o.variant}`, { expected: topo.variants.map((x) => x.name).join(', ') || 'a variant defined under variants:' }));
    } else {
      upTo = v.base;
      extra.push(...v.changes);
    }
  }
  if (upTo < 0 || (upTo > 0 && upTo >= topo.steps.length)) {
    diagnostics.push(diag('error', { file: topo.file, line: 1 }, `no step ${upTo}`, { expected: `0..${Math.max(0, topo.steps.length - 1)}` }));
    upTo = Math.max(0, Math.min(upTo, topo.steps.length - 1));
  }
  const changes: StepChange[] = [];
  for (let i = 1; i <= upTo; i++) changes.push(...(topo.steps[i]?.changes ?? []));
  changes.push(...extra);
  return { changes, diagnostics };
}

export function buildWorld(topo: Topology, files: ScenarioFiles, o: BuildOptions = {}): BuiltWorld {
  const seed = o.seed ?? 1;
  const rng = seededRng(seed);
  const world = new World({ rng, chooser: o.chooser ?? randomChooser(seededRng(seed ^ 0x9e3779b9)), recorder: o.recorder ?? NULL_RECORDER });
  const diagnostics: Diagnostic[] = [];
  const { changes, diagnostics: cd } = changesFor(topo, o);
  diagnostics.push(...cd);
  for (const s of topo.segments) world.segment(s.name, s.latencyUs);
  const hosts = new Map<string, HostSetup>();
  const k8sChanges: StepChange[] = [];

  for (const th of topo.hosts) {
    const setup = buildHost(world, th, diagnostics);
    for (const [k, v] of Object.entries(th.files)) setup.files[k as FileKind] = v.value;
    hosts.set(th.name, setup);
  }
  // Step changes to files come before the files are loaded; scripts run after, in order.
  for (const c of changes) {
    switch (c.kind) {
      case 'replace': {
        const s = hosts.get(c.host);
        if (s) s.files[c.file] = c.with;
        break;
      }
      case 'run':
        hosts.get(c.host)?.scripts.push(c.script);
        break;
      case 'sysctl':
        break;
      case 'apply':
      case 'delete':
        k8sChanges.push(c);
        break;
    }
  }
  for (const [name, s] of hosts) {
    const th = topo.hosts.find((h) => h.name === name) as TopoHost;
    loadHostFiles(s, th, files, diagnostics);
    for (const c of changes) {
      if (c.kind === 'sysctl' && c.host === name) diagnostics.push(...applySysctl(s.host.sysctl, s.host.ifaces, c.key, c.value, c.loc));
    }
    for (const script of s.scripts) runScript(s, script, files, diagnostics);
    s.host.netfilter = s.ruleset.tables.length ? makeNetfilterOps(s.ruleset) : undefined;
    s.host.conntrackOn = needsConntrack(s.ruleset);
  }
  return { world, hosts, diagnostics, k8sChanges };
}

function buildHost(world: World, th: TopoHost, diagnostics: Diagnostic[]): HostSetup {
  const sysctl = defaultNsSysctl();
  const holder: RoutingHolder = { state: createRoutingState() };
  const ifaces = new Map<string, Iface>();
  const host = newHost(th.name, th.name, 'host', sysctl, makeRoutingOps(holder, { sysctl, ifaces }));
  // Share one interface map between the host and its routing view.
  const addIface = (i: Iface): void => { ifaces.set(i.name, i); host.ifaces.set(i.name, i); };
  addIface({ name: 'lo', index: 1, kind: 'loopback', mac: '00:00:00:00:00:00' as Iface['mac'], up: true, mtu: 65536, addrs: [{ addr: ipv4('127.0.0.1'), prefix: 8, scope: 'host', secondary: false }], sysctl: { ...DEFAULT_IFACE_SYSCTL } });
  let index = 2;
  for (const ti of th.interfaces) {
    if (ti.name === 'lo') { diagnostics.push(diag('error', ti.loc, 'lo is created by the kernel; do not list it', { expected: 'another interface name' })); continue; }
    const ch = addLink(holder.state, ti.name, { up: ti.up });
    holder.state = ch.state;
    if (!ch.ok) { diagnostics.push(diag('error', ti.loc, `${ti.name}: ${ch.error.message}`)); continue; }
    const mac = ti.vxlan?.local !== undefined ? macFor(`vtep/${formatIPv4(ti.vxlan.local)}/${ti.vxlan.vni}`) : macFor(`${th.name}/${ti.name}`);
    const iface: Iface = { name: ti.name, index: index++, kind: ti.kind, mac, up: ti.up, mtu: ti.mtu ?? 1500, addrs: [], sysctl: { ...sysctl.default } };
    if (ti.vxlan) {
      const vx = ti.vxlan;
      iface.vxlan = { vni: vx.vni, dstport: vx.dstport, learning: false, ...(vx.local !== undefined ? { local: vx.local } : {}), ...(vx.dev !== undefined ? { dev: vx.dev } : {}) };
      // Static neighbour + FDB entries for each peer, as Calico programs them (no ARP over the tunnel).
      const neigh = new Map<number, Iface['mac']>();
      const fdb = new Map<string, IPv4>();
      for (const peer of vx.peers) {
        const mac = macFor(`vtep/${formatIPv4(peer.vtep)}/${vx.vni}`);
        neigh.set(peer.nexthop, mac);
        fdb.set(mac, peer.vtep);
      }
      host.staticNeigh.set(ti.name, neigh);
      host.fdb.set(ti.name, fdb);
    }
    if (ti.ipip) iface.ipip = { ...ti.ipip };
    if (ti.link !== undefined) {
      iface.segment = ti.link;
      world.segment(ti.link).members.push({ host: th.name, iface: ti.name });
    }
    addIface(iface);
    for (const a of ti.addresses) {
      const r = addAddress(holder.state, { dev: ti.name, addr: a.addr, prefix: a.prefix });
      holder.state = r.state;
      if (!r.ok) diagnostics.push(diag('error', a.loc, `${a.text}: ${r.error.message}`, { expected: 'an address the kernel accepts' }));
    }
    iface.addrs = holder.state.addrs.filter((x) => x.iface === ti.name).map((x) => ({ addr: x.addr, prefix: x.prefix, scope: x.scope, secondary: x.secondary }));
  }
  for (const s of th.sysctls) diagnostics.push(...applySysctl(sysctl, ifaces, s.value.key, s.value.value, s.loc));
  const setup: HostSetup = { host, routing: holder, ruleset: emptyRuleset(), files: {}, scripts: [] };
  for (const r of th.routes) runIpLine(setup, 'route', r.value, r.loc, diagnostics);
  for (const r of th.rules) runIpLine(setup, 'rule', r.value, r.loc, diagnostics);
  world.addHost(host);
  return setup;
}

/** A `routes:`/`rules:` entry: `ip route add` arguments, or a whole `ip ...` line. */
function runIpLine(s: HostSetup, what: 'route' | 'rule', text: string, loc: SourceLocation, diagnostics: Diagnostic[]): void {
  const whole = /^\s*(sudo\s+)?ip\s/.test(text);
  const prefix = whole ? '' : `ip ${what} add `;
  // Put the command on its own line number so diagnostics land on the topology line.
  const padded = `${'\n'.repeat(Math.max(0, loc.line - 1))}${prefix}${text}`;
  const parsed = parseIpCommands(padded, { file: loc.file });
  for (const d of parsed.diagnostics) diagnostics.push(whole ? d : { ...d, column: Math.max(1, d.column - prefix.length + ((loc.column ?? 1) - 1)) });
  for (const cmd of parsed.value) applyIp(s, cmd, diagnostics);
}

function applyIp(s: HostSetup, cmd: Parameters<typeof applyIpCommand>[1], diagnostics: Diagnostic[]): void {
  const r = applyIpCommand(s.routing.state, cmd);
  s.routing.state = r.state;
  if (!r.ok) diagnostics.push(errorDiagnostic(cmd, r.error));
  // Addresses may have changed (ip address add): keep the interface view in step.
  for (const i of s.host.ifaces.values()) {
    if (i.kind === 'loopback') continue;
    i.addrs = s.routing.state.addrs.filter((x) => x.iface === i.name).map((x) => ({ addr: x.addr, prefix: x.prefix, scope: x.scope, secondary: x.secondary }));
  }
}

function loadHostFiles(s: HostSetup, th: TopoHost, files: ScenarioFiles, diagnostics: Diagnostic[]): void {
  const ipt = s.files.iptables;
  if (ipt !== undefined) {
    const text = files.read(ipt);
    if (text === undefined) diagnostics.push(diag('error', th.files.iptables?.loc ?? th.loc, `missing file ${ipt}`, { expected: 'an iptables-save file in the topology folder' }));
    else {
      const p = parseIptablesSave(text, { file: ipt });
      diagnostics.push(...p.diagnostics);
      s.ruleset = p.value;
    }
  }
  const ipr = s.files.iproute;
  if (ipr !== undefined) runScript(s, ipr, files, diagnostics, th.files.iproute?.loc ?? th.loc);
}

/** A shell-style script of `iptables ...` and `ip ...` lines, applied in order. */
function runScript(s: HostSetup, path: string, files: ScenarioFiles, diagnostics: Diagnostic[], from?: SourceLocation): void {
  const text = files.read(path);
  if (text === undefined) {
    diagnostics.push(diag('error', from ?? { file: path, line: 1 }, `missing file ${path}`, { expected: 'a script in the topology folder' }));
    return;
  }
  const p = parseIptablesCommands(text, { file: path }, s.ruleset);
  diagnostics.push(...p.diagnostics);
  s.ruleset = p.value;
  if (p.otherLines.length === 0) return;
  const lines: string[] = [];
  for (const o of p.otherLines) {
    while (lines.length < o.line - 1) lines.push('');
    lines.push(o.text);
  }
  const parsed = parseIpCommands(lines.join('\n'), { file: path });
  diagnostics.push(...parsed.diagnostics);
  for (const cmd of parsed.value) applyIp(s, cmd, diagnostics);
}
