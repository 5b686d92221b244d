// The network part of a lab: which namespaces, links, addresses, routes, rules and sysctls to create
// for a topology, as an ordered list of commands (pure; lab/exec.ts runs them). Wiring:
// - one namespace per host (`hoplab-<host>`); its interfaces are created in the order the topology
//   lists them, because that order decides MASQUERADE's fallback source address (semantics E15);
// - a segment with exactly two members is one veth pair; any other segment is a bridge `br0` in
//   its own namespace `hoplab-sw-<segment>`, each member a veth whose peer is a bridge port there;
// - no veth end is ever created in the root namespace: pairs are created with `ip -n A link add X
//   type veth peer name Y netns B`; for a direct pair whose second end must wait for its host's
//   turn, the end is parked under a temporary name in the first namespace and moved when due.
// Every namespace starts from kernel defaults for forwarding and reverse-path filtering (a new
// namespace copies these from the root namespace, which may have changed them).
import type { Topology, TopoHost } from '../sim/index.js';
import { BRIDGE_NAME, bridgePortName, hostNs, switchNs } from './names.js';

export interface LabCommand {
  /** null: a command in the root namespace (only `ip netns add|del`). */
  readonly ns: string | null;
  readonly argv: readonly string[];
  readonly stdin?: string;
  /** Why this command exists, for logs and dry runs. */
  readonly note: string;
}

export interface NetPlan {
  readonly namespaces: readonly string[];
  readonly commands: readonly LabCommand[];
  readonly errors: readonly string[];
}

/** Kernel defaults re-applied in every new namespace before any interface exists. */
export const BASELINE_SYSCTLS: readonly (readonly [string, string])[] = [
  ['net.ipv4.ip_forward', '0'],
  ['net.ipv4.conf.all.rp_filter', '0'],
  ['net.ipv4.conf.default.rp_filter', '0'],
  ['net.ipv4.conf.all.accept_local', '0'],
  ['net.ipv4.conf.all.src_valid_mark', '0'],
];

export function sysctlCmd(ns: string, key: string, value: string, note: string): LabCommand {
  return { ns, argv: ['sysctl', '-q', '-w', `${key}=${value}`], note };
}

export function ipCmd(ns: string, args: readonly string[], note: string): LabCommand {
  return { ns, argv: ['ip', ...args], note };
}

/** Strip `ip route add` / `ip rule add` prefixes a user may have written, and split into arguments. */
export function ipArgs(line: string, object: 'route' | 'rule'): string[] {
  const t = line.trim().split(/\s+/).filter((x) => x !== '');
  if (t[0] === 'ip') t.shift();
  if (t[0] === object) t.shift();
  if (t[0] === 'add') t.shift();
  return t;
}

interface Member { readonly host: string; readonly iface: string }

function segmentMembers(topo: Topology): Map<string, Member[]> {
  const m = new Map<string, Member[]>();
  for (const h of topo.hosts) for (const i of h.interfaces) if (i.link !== undefined) m.set(i.link, [...(m.get(i.link) ?? []), { host: h.name, iface: i.name }]);
  return m;
}

export function buildNetPlan(topo: Topology): NetPlan {
  const errors: string[] = [];
  const cmds: LabCommand[] = [];
  const members = segmentMembers(topo);
  const bridged = [...members].filter(([, ms]) => ms.length !== 2).map(([s]) => s);
  const namespaces = [...bridged.map(switchNs), ...topo.hosts.map((h) => hostNs(h.name))];
  for (const ns of namespaces) cmds.push({ ns: null, argv: ['ip', 'netns', 'add', ns], note: 'namespace' });
  for (const ns of namespaces) {
    for (const [k, v] of BASELINE_SYSCTLS) cmds.push(sysctlCmd(ns, k, v, 'kernel default'));
    cmds.push(ipCmd(ns, ['link', 'set', 'lo', 'up'], 'loopback'));
  }
  for (const s of bridged) {
    const ns = switchNs(s);
    cmds.push(ipCmd(ns, ['link', 'add', BRIDGE_NAME, 'type', 'bridge', 'stp_state', '0'], `segment ${s}`));
    cmds.push(ipCmd(ns, ['link', 'set', BRIDGE_NAME, 'up'], `segment ${s}`));
  }
  // Direct pairs: the end created first waits in its creator's namespace under this name.
  const parked = new Map<string, { ns: string; name: string }>();
  let portNo = 0;
  let parkNo = 0;
  for (const h of topo.hosts) {
    const ns = hostNs(h.name);
    for (const i of h.interfaces) {
      const why = `${h.name} ${i.name}`;
      if (i.link === undefined) {
        if (i.kind === 'dummy') cmds.push(ipCmd(ns, ['link', 'add', i.name, 'type', 'dummy'], why));
        else if (i.kind !== 'loopback') errors.push(`${h.name}: interface ${i.name} (${i.kind}) has no link; the lab builds linked interfaces and dummies only`);
        continue;
      }
      if (i.kind !== 'ethernet' && i.kind !== 'veth') { errors.push(`${h.name}: interface ${i.name} of kind ${i.kind} on segment ${i.link} is not supported by the lab`); continue; }
      const ms = members.get(i.link) ?? [];
      if (ms.length !== 2) {
        const sw = switchNs(i.link);
        const port = bridgePortName(h.name, i.name, portNo++);
        cmds.push(ipCmd(sw, ['link', 'add', port, 'type', 'veth', 'peer', 'name', i.name, 'netns', ns], `${why} on ${i.link}`));
        cmds.push(ipCmd(sw, ['link', 'set', port, 'master', BRIDGE_NAME], `${why} on ${i.link}`));
        cmds.push(ipCmd(sw, ['link', 'set', port, 'up'], `${why} on ${i.link}`));
      } else {
        const key = `${i.link}`;
        const waiting = parked.get(key);
        if (waiting === undefined) {
          const tmp = `hlpark${parkNo++}`;
          cmds.push(ipCmd(ns, ['link', 'add', i.name, 'type', 'veth', 'peer', 'name', tmp], `${why}: veth pair on ${i.link}`));
          parked.set(key, { ns, name: tmp });
        } else {
          cmds.push(ipCmd(waiting.ns, ['link', 'set', waiting.name, 'netns', ns], `${why}: second end of ${i.link}`));
          cmds.push(ipCmd(ns, ['link', 'set', waiting.name, 'name', i.name], `${why}: second end of ${i.link}`));
        }
      }
    }
  }
  for (const h of topo.hosts) cmds.push(...hostConfig(h));
  return { namespaces, commands: cmds, errors };
}

/** Addresses, MTUs, link state, sysctls, routes and rules of one host (after its interfaces exist). */
function hostConfig(h: TopoHost): LabCommand[] {
  const ns = hostNs(h.name);
  const out: LabCommand[] = [];
  for (const i of h.interfaces) {
    if (i.kind === 'loopback') continue;
    if (i.mtu !== undefined) out.push(ipCmd(ns, ['link', 'set', i.name, 'mtu', String(i.mtu)], `${h.name} ${i.name}`));
    for (const a of i.addresses) out.push(ipCmd(ns, ['addr', 'add', a.text, 'dev', i.name], `${h.name} ${i.name}`));
    if (i.up) out.push(ipCmd(ns, ['link', 'set', i.name, 'up'], `${h.name} ${i.name}`));
  }
  for (const s of h.sysctls) out.push(sysctlCmd(ns, s.value.key, s.value.value, `${h.name} sysctl (${s.loc.file}:${s.loc.line})`));
  for (const r of h.routes) out.push(ipCmd(ns, ['route', 'add', ...ipArgs(r.value, 'route')], `${h.name} route (${r.loc.file}:${r.loc.line})`));
  for (const r of h.rules) out.push(ipCmd(ns, ['rule', 'add', ...ipArgs(r.value, 'rule')], `${h.name} rule (${r.loc.file}:${r.loc.line})`));
  return out;
}

/** The node's primary address: the first address of its first addressed interface (what kubelet reports as InternalIP). */
export function primaryAddress(h: TopoHost): { iface: string; ip: string } | undefined {
  for (const i of h.interfaces) {
    const a = i.addresses[0];
    if (a) return { iface: i.name, ip: a.text.split('/')[0] as string };
  }
  return undefined;
}
