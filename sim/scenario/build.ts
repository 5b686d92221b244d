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
import type { FileKind, StepChange, Topology, TopoHost, TopoIface } from './topology.js';

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
  /**
   * Hosts rebooted after the step's changes: what the host declares `persistent` (rules files
   * restored at boot, its network configuration) and its service configs come back; rules typed at
   * run time (`run` scripts) and `sysctl` changes do not.
   */
  readonly reboot?: readonly string[];
}

/** Config files a service reads from disk when it starts: they survive a reboot by nature. */
const READ_AT_START: readonly FileKind[] = ['haproxy', 'nginx'];

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

  for (const r of o.reboot ?? []) {
    if (!topo.hosts.some((h) => h.name === r)) diagnostics.push(diag('error', { file: topo.file, line: 1 }, `cannot reboot ${r}: no such host`, { expected: topo.hosts.map((h) => h.name).join(', ') }));
  }
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
        if (!o.reboot?.includes(c.host)) hosts.get(c.host)?.scripts.push(c.script);
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
    const rebooted = o.reboot?.includes(name) ?? false;
    if (rebooted) {
      for (const k of Object.keys(s.files) as FileKind[]) if (!th.persistent.includes(k) && !READ_AT_START.includes(k)) delete s.files[k];
    }
    loadHostFiles(s, th, files, diagnostics);
    for (const c of changes) {
      if (c.kind === 'sysctl' && c.host === name && !rebooted) diagnostics.push(...applySysctl(s.host.sysctl, s.host.ifaces, c.key, c.value, c.loc));
    }
    for (const script of s.scripts) runScript(s, script, files, diagnostics);
    s.host.netfilter = s.ruleset.tables.length ? makeNetfilterOps(s.ruleset) : undefined;
    s.host.conntrackOn = needsConntrack(s.ruleset);
  }
  return { world, hosts, diagnostics, k8sChanges };
}

/** A namespace with only `lo` (127.0.0.1/8), as `ip netns add` plus `ip link set lo up` makes it. */
export function newHostSetup(world: World, name: string, label: string, kind: 'host' | 'pod'): HostSetup {
  const sysctl = defaultNsSysctl();
  const holder: RoutingHolder = { state: createRoutingState() };
  const ifaces = new Map<string, Iface>();
  const host = newHost(name, label, kind, sysctl, makeRoutingOps(holder, { sysctl, ifaces }));
  const lo: Iface = { name: 'lo', index: 1, kind: 'loopback', mac: '00:00:00:00:00:00' as Iface['mac'], up: true, mtu: 65536, addrs: [{ addr: ipv4('127.0.0.1'), prefix: 8, scope: 'host', secondary: false }], sysctl: { ...DEFAULT_IFACE_SYSCTL } };
  ifaces.set('lo', lo);
  host.ifaces.set('lo', lo);
  // The routing view and the host share the interface map through these two references.
  (host as { ifaces: Map<string, Iface> }).ifaces = ifaces;
  world.addHost(host);
  return { host, routing: holder, ruleset: emptyRuleset(), files: {}, scripts: [] };
}

export interface IfaceSpec {
  readonly name: string;
  readonly kind: Iface['kind'];
  readonly mac?: Iface['mac'];
  readonly up?: boolean;
  readonly mtu?: number;
  readonly link?: string;
  readonly peer?: { readonly ns: string; readonly iface: string };
  readonly master?: string;
  readonly addresses: readonly { readonly addr: IPv4; readonly prefix: number; readonly loc?: SourceLocation; readonly text?: string }[];
  readonly vxlan?: TopoIface['vxlan'];
  readonly ipip?: TopoIface['ipip'];
  readonly sysctl?: Partial<Iface['sysctl']>;
  readonly loc?: SourceLocation;
}

/** `ip link add` + `ip address add` + `ip link set up`: the device, its addresses and the kernel's routes for them. */
export function addInterface(world: World, s: HostSetup, spec: IfaceSpec, diagnostics: Diagnostic[]): Iface | undefined {
  const host = s.host;
  const loc = spec.loc ?? { file: '(generated)', line: 1 };
  if (host.ifaces.has(spec.name)) { diagnostics.push(diag('error', loc, `${host.name}: interface ${spec.name} exists already`, { expected: 'a unique interface name' })); return undefined; }
  const up = spec.up ?? true;
  const ch = addLink(s.routing.state, spec.name, { up });
  s.routing.state = ch.state;
  if (!ch.ok) { diagnostics.push(diag('error', loc, `${spec.name}: ${ch.error.message}`)); return undefined; }
  const mac = spec.mac ?? (spec.vxlan?.local !== undefined ? macFor(`vtep/${formatIPv4(spec.vxlan.local)}/${spec.vxlan.vni}`) : macFor(`${host.name}/${spec.name}`));
  const index = Math.max(...[...host.ifaces.values()].map((i) => i.index)) + 1;
  const iface: Iface = { name: spec.name, index, kind: spec.kind, mac, up, mtu: spec.mtu ?? 1500, addrs: [], sysctl: { ...host.sysctl.default, ...spec.sysctl } };
  if (spec.peer) iface.peer = spec.peer;
  if (spec.master !== undefined) iface.master = spec.master;
  if (spec.vxlan) {
    const vx = spec.vxlan;
    iface.vxlan = { vni: vx.vni, dstport: vx.dstport, learning: false, ...(vx.local !== undefined ? { local: vx.local } : {}), ...(vx.dev !== undefined ? { dev: vx.dev } : {}) };
    // Static neighbour + FDB entries for each peer, as Calico programs them (no ARP over the tunnel).
    const neigh = new Map<number, Iface['mac']>();
    const fdb = new Map<string, IPv4>();
    for (const peer of vx.peers) {
      const pmac = macFor(`vtep/${formatIPv4(peer.vtep)}/${vx.vni}`);
      neigh.set(peer.nexthop | 0, pmac);
      fdb.set(pmac, peer.vtep);
    }
    host.staticNeigh.set(spec.name, neigh);
    host.fdb.set(spec.name, fdb);
  }
  if (spec.ipip) iface.ipip = { ...spec.ipip };
  if (spec.link !== undefined) {
    iface.segment = spec.link;
    world.segment(spec.link).members.push({ host: host.name, iface: spec.name });
  }
  host.ifaces.set(spec.name, iface);
  for (const a of spec.addresses) {
    const r = addAddress(s.routing.state, { dev: spec.name, addr: a.addr, prefix: a.prefix });
    s.routing.state = r.state;
    if (!r.ok) diagnostics.push(diag('error', a.loc ?? loc, `${a.text ?? `${formatIPv4(a.addr)}/${a.prefix}`}: ${r.error.message}`, { expected: 'an address the kernel accepts' }));
  }
  syncAddrs(s);
  return iface;
}

function syncAddrs(s: HostSetup): void {
  for (const i of s.host.ifaces.values()) {
    if (i.kind === 'loopback') continue;
    i.addrs = s.routing.state.addrs.filter((x) => x.iface === i.name).map((x) => ({ addr: x.addr, prefix: x.prefix, scope: x.scope, secondary: x.secondary }));
  }
}

function buildHost(world: World, th: TopoHost, diagnostics: Diagnostic[]): HostSetup {
  const setup = newHostSetup(world, th.name, th.name, 'host');
  for (const ti of th.interfaces) {
    if (ti.name === 'lo') { diagnostics.push(diag('error', ti.loc, 'lo is created by the kernel; do not list it', { expected: 'another interface name' })); continue; }
    addInterface(world, setup, { name: ti.name, kind: ti.kind, up: ti.up, ...(ti.master !== undefined ? { master: ti.master } : {}), ...(ti.mtu !== undefined ? { mtu: ti.mtu } : {}), ...(ti.link !== undefined ? { link: ti.link } : {}), addresses: ti.addresses, ...(ti.vxlan ? { vxlan: ti.vxlan } : {}), ...(ti.ipip ? { ipip: ti.ipip } : {}), loc: ti.loc }, diagnostics);
  }
  for (const sc of th.sysctls) diagnostics.push(...applySysctl(setup.host.sysctl, setup.host.ifaces, sc.value.key, sc.value.value, sc.loc));
  for (const r of th.routes) runIpLine(setup, 'route', r.value, r.loc, diagnostics);
  for (const r of th.rules) runIpLine(setup, 'rule', r.value, r.loc, diagnostics);
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
  syncAddrs(s); // `ip address add` may have changed them
}

/** Applies `ip ...` command text (routes, rules, addresses) to a namespace. */
export function runIpText(s: HostSetup, text: string, file: string, diagnostics: Diagnostic[]): void {
  const parsed = parseIpCommands(text, { file });
  diagnostics.push(...parsed.diagnostics);
  for (const cmd of parsed.value) applyIp(s, cmd, diagnostics);
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
