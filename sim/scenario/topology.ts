// topology.yaml: hosts, their interfaces and links, addresses, routes and rules in iproute2
// syntax, sysctls by their real names, and which real config files belong to which host.
// Format documented in docs/topology.md. Unknown fields are errors (a typo never vanishes).

import { parseCidr, parseIPv6, type IPv4, type IPv6 } from '../core/ip.js';
import { diag, type Diagnostic, type Parsed, type SourceLocation } from '../core/diagnostics.js';
import { IFACE_KINDS, type IfaceKind } from '../model/netns.js';
import { YamlDoc, type YPath } from './yaml-doc.js';

export const HOST_ROLES = ['client', 'server', 'router', 'loadbalancer', 'k8s-node', 'k8s-control-plane'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

/** Config files a host can carry, by what reads them. */
export const FILE_KINDS = ['iptables', 'iproute', 'haproxy', 'nginx'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export interface Located<T> {
  readonly value: T;
  readonly loc: SourceLocation;
}

export interface TopoAddress {
  readonly addr: IPv4;
  readonly prefix: number;
  readonly text: string;
  readonly loc: SourceLocation;
}

export interface TopoIface {
  readonly name: string;
  readonly kind: IfaceKind;
  readonly link?: string;
  readonly addresses: readonly TopoAddress[];
  /** IPv6 addresses as written: kept for display; IPv6 forwarding is not simulated. */
  readonly ipv6: readonly { readonly text: string; readonly addr: IPv6; readonly prefix: number }[];
  readonly mtu?: number;
  readonly up: boolean;
  /** The bridge this device is a port of (`ip link set DEV master BR`). */
  readonly master?: string;
  /** vxlan: `ip link add NAME type vxlan id VNI local IP dstport PORT dev DEV`, plus its peers (inner next hop -> VTEP), as Calico programs static neighbours and FDB entries. */
  readonly vxlan?: { readonly vni: number; readonly local?: IPv4; readonly dstport: number; readonly dev?: string; readonly peers: readonly { readonly nexthop: IPv4; readonly vtep: IPv4 }[] };
  /** ipip: `ip link add NAME type ipip local IP remote IP`. */
  readonly ipip?: { readonly local?: IPv4; readonly remote?: IPv4 };
  readonly loc: SourceLocation;
}

export interface TopoHost {
  readonly name: string;
  readonly role: HostRole;
  readonly interfaces: readonly TopoIface[];
  /** `ip route` lines, as a user would type them after `ip route add` (or the full command). */
  readonly routes: readonly Located<string>[];
  readonly rules: readonly Located<string>[];
  readonly sysctls: readonly Located<{ readonly key: string; readonly value: string }>[];
  readonly files: Readonly<Partial<Record<FileKind, Located<string>>>>;
  readonly persistent: readonly FileKind[];
  readonly loc: SourceLocation;
}

export type StepChange =
  | { readonly kind: 'apply'; readonly path: string; readonly loc: SourceLocation }
  | { readonly kind: 'delete'; readonly object: { readonly kind: string; readonly namespace?: string; readonly name: string }; readonly loc: SourceLocation }
  | { readonly kind: 'replace'; readonly host: string; readonly file: FileKind; readonly with: string; readonly loc: SourceLocation }
  | { readonly kind: 'run'; readonly host: string; readonly script: string; readonly loc: SourceLocation }
  | { readonly kind: 'sysctl'; readonly host: string; readonly key: string; readonly value: string; readonly loc: SourceLocation };

export interface TopoStep {
  readonly title: string;
  readonly description?: string;
  readonly changes: readonly StepChange[];
  readonly loc: SourceLocation;
}

export interface TopoVariant extends TopoStep {
  readonly name: string;
  readonly base: number;
}

export interface TopoKubernetes {
  readonly manifests: string;
  readonly controlPlane: readonly string[];
  readonly nodes: readonly string[];
  readonly clusterCIDR?: string;
  readonly cni?: { readonly type: string; readonly encapsulation: 'vxlan' | 'ipip' | 'none'; readonly policyPlacement: 'before-kube-forward' | 'after-kube-forward'; readonly blocks: Readonly<Record<string, string>> };
  readonly kubeProxy?: { readonly mode: 'iptables' };
  readonly loc: SourceLocation;
}

export interface TopoRequest {
  readonly from: string;
  readonly to: string;
  readonly command?: string;
}

export interface Topology {
  readonly file: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly segments: readonly { readonly name: string; readonly latencyUs: number }[];
  readonly hosts: readonly TopoHost[];
  readonly kubernetes?: TopoKubernetes;
  readonly requests: readonly TopoRequest[];
  readonly steps: readonly TopoStep[];
  readonly variants: readonly TopoVariant[];
  readonly layout: Readonly<Record<string, readonly [number, number]>>;
}

const TOP_KEYS = ['name', 'title', 'description', 'segments', 'hosts', 'kubernetes', 'requests', 'steps', 'variants', 'layout', 'defaults'];
const HOST_KEYS = ['role', 'interfaces', 'routes', 'rules', 'sysctls', 'files', 'persistent', 'description'];
const IFACE_KEYS = ['kind', 'link', 'addresses', 'mtu', 'up', 'master', 'vni', 'local', 'remote', 'dstport', 'dev', 'peers'];

export function parseTopology(text: string, opts: { file: string }): Parsed<Topology> {
  const y = new YamlDoc(text, opts.file);
  if (!y.isMap([])) {
    if (y.diagnostics.length === 0) y.error([], 'a topology file is a YAML mapping', 'name:, hosts:, ...');
    return { value: empty(opts.file), diagnostics: y.diagnostics };
  }
  y.checkKeys([], TOP_KEYS, 'the topology');
  const name = y.str(['name'], { required: true }) ?? 'unnamed';
  const segments: { name: string; latencyUs: number }[] = [];
  for (const s of y.keys(['segments'])) {
    y.checkKeys(['segments', s], ['latencyUs'], `segment ${s}`);
    segments.push({ name: s, latencyUs: y.num(['segments', s, 'latencyUs'], { min: 0, max: 10_000_000 }) ?? 50 });
  }
  const hosts: TopoHost[] = [];
  if (!y.isMap(['hosts'])) y.error(['hosts'], 'hosts must be a mapping of host name to host', 'hosts: { host01: {...} }');
  for (const h of y.keys(['hosts'])) hosts.push(parseHost(y, h));
  const hostNames = new Set(hosts.map((h) => h.name));
  const linkNames = new Set(hosts.flatMap((h) => h.interfaces.map((i) => i.link).filter((l): l is string => l !== undefined)));
  for (const s of segments) if (!linkNames.has(s.name)) y.warn(['segments', s.name], `segment ${s.name} has no interfaces on it`);
  const kubernetes = y.node(['kubernetes']) ? parseKubernetes(y, hostNames) : undefined;
  const steps: TopoStep[] = [];
  for (let i = 0; i < y.length(['steps']); i++) steps.push(parseStep(y, ['steps', i], hostNames));
  const variants: TopoVariant[] = [];
  for (const v of y.keys(['variants'])) {
    const st = parseStep(y, ['variants', v], hostNames, ['base']);
    const base = y.num(['variants', v, 'base'], { min: 0, max: Math.max(0, steps.length - 1), integer: true }) ?? 0;
    variants.push({ ...st, name: v, base });
  }
  const requests: TopoRequest[] = [];
  for (let i = 0; i < y.length(['requests']); i++) {
    y.checkKeys(['requests', i], ['from', 'to', 'command'], 'a request');
    const from = y.str(['requests', i, 'from'], { required: true }) ?? '';
    if (from && !hostNames.has(from)) y.error(['requests', i, 'from'], `unknown host ${from}`, [...hostNames].join(', '));
    const command = y.str(['requests', i, 'command']);
    requests.push({ from, to: y.str(['requests', i, 'to'], { required: true }) ?? '', ...(command !== undefined ? { command } : {}) });
  }
  const layout: Record<string, readonly [number, number]> = {};
  for (const k of y.keys(['layout'])) {
    const v = y.get(['layout', k]);
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) layout[k] = [v[0] as number, v[1] as number];
    else y.error(['layout', k], `layout of ${k} must be [x, y]`, '[x, y]');
  }
  return {
    value: { file: opts.file, name, title: y.str(['title']) ?? name, description: (y.str(['description']) ?? '').trim(), segments, hosts, ...(kubernetes ? { kubernetes } : {}), requests, steps, variants, layout },
    diagnostics: y.diagnostics,
  };
}

function empty(file: string): Topology {
  return { file, name: 'unnamed', title: 'unnamed', description: '', segments: [], hosts: [], requests: [], steps: [], variants: [], layout: {} };
}

function parseHost(y: YamlDoc, name: string): TopoHost {
  const p: YPath = ['hosts', name];
  y.checkKeys(p, HOST_KEYS, `host ${name}`);
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) y.error(p, `host name "${name}" is not a valid hostname`, 'lower-case letters, digits and -');
  const roleText = y.str([...p, 'role']) ?? 'server';
  const role = (HOST_ROLES as readonly string[]).includes(roleText) ? (roleText as HostRole) : (y.error([...p, 'role'], `unknown role ${roleText}`, HOST_ROLES.join(', ')), 'server' as HostRole);
  const interfaces: TopoIface[] = [];
  for (const i of y.keys([...p, 'interfaces'])) interfaces.push(parseIface(y, [...p, 'interfaces', i], i));
  for (const i of interfaces) {
    if (i.master === undefined) continue;
    const br = interfaces.find((x) => x.name === i.master);
    if (!br || br.kind !== 'bridge') y.error([...p, 'interfaces', i.name, 'master'], `${i.name}: master ${i.master} is not a bridge of ${name}`, interfaces.filter((x) => x.kind === 'bridge').map((x) => x.name).join(', ') || 'a bridge interface (kind: bridge) of this host');
    if (i.addresses.length) y.warn([...p, 'interfaces', i.name, 'addresses'], `${i.name} is a bridge port: its addresses are not used; put them on ${i.master}`);
  }
  const lines = (key: string): Located<string>[] => {
    const out: Located<string>[] = [];
    for (let i = 0; i < y.length([...p, key]); i++) {
      const s = y.str([...p, key, i]);
      if (s !== undefined) out.push({ value: s, loc: y.loc([...p, key, i]) });
    }
    return out;
  };
  const sysctls: Located<{ key: string; value: string }>[] = [];
  for (const k of y.keys([...p, 'sysctls'])) {
    if (!/^net\.(ipv4|ipv6|core|netfilter|bridge)\.[a-z0-9_.\-/]+$/.test(k)) y.error([...p, 'sysctls', k], `unknown sysctl ${k}`, 'a net.* sysctl name as sysctl(8) prints it');
    sysctls.push({ value: { key: k, value: y.str([...p, 'sysctls', k]) ?? '' }, loc: y.keyLoc([...p, 'sysctls'], k) });
  }
  const files: Partial<Record<FileKind, Located<string>>> = {};
  for (const k of y.keys([...p, 'files'])) {
    if (!(FILE_KINDS as readonly string[]).includes(k)) { y.error([...p, 'files', k], `unknown file kind ${k}`, FILE_KINDS.join(', ')); continue; }
    const v = y.str([...p, 'files', k]);
    if (v !== undefined) files[k as FileKind] = { value: v, loc: y.loc([...p, 'files', k]) };
  }
  const persistent: FileKind[] = [];
  for (let i = 0; i < y.length([...p, 'persistent']); i++) {
    const v = y.str([...p, 'persistent', i]) ?? '';
    if ((FILE_KINDS as readonly string[]).includes(v)) persistent.push(v as FileKind);
    else y.error([...p, 'persistent', i], `unknown file kind ${v}`, FILE_KINDS.join(', '));
  }
  return { name, role, interfaces, routes: lines('routes'), rules: lines('rules'), sysctls, files, persistent, loc: y.loc(p) };
}

function parseIface(y: YamlDoc, p: YPath, name: string): TopoIface {
  y.checkKeys(p, IFACE_KEYS, `interface ${name}`);
  if (!/^[A-Za-z0-9_.\-@]{1,15}$/.test(name)) y.error(p, `interface name "${name}" is not valid`, 'at most 15 characters (IFNAMSIZ)');
  const kindText = y.str([...p, 'kind']) ?? 'ethernet';
  const kind = (IFACE_KINDS as readonly string[]).includes(kindText) ? (kindText as IfaceKind) : (y.error([...p, 'kind'], `unknown interface kind ${kindText}`, IFACE_KINDS.join(', ')), 'ethernet' as IfaceKind);
  const addresses: TopoAddress[] = [];
  const ipv6: { text: string; addr: IPv6; prefix: number }[] = [];
  for (let i = 0; i < y.length([...p, 'addresses']); i++) {
    const t = y.str([...p, 'addresses', i]) ?? '';
    const v6 = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(t);
    const v6addr = v6 ? parseIPv6(v6[1] as string) : undefined;
    if (v6 && v6addr !== undefined && Number(v6[2]) <= 128) {
      // Kept, so the model and the app show it; forwarding IPv6 is not simulated yet.
      ipv6.push({ text: t, addr: v6addr, prefix: Number(v6[2]) });
      y.diagnostics.push(diag('unsupported', y.loc([...p, 'addresses', i]), `${name}: IPv6 address ${t} is kept but IPv6 is not simulated yet; packets use the IPv4 addresses`));
      continue;
    }
    const c = /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(t) ? parseCidr(t) : undefined;
    const ip = c ? parseCidr(t.split('/')[0] as string) : undefined;
    if (!c || !ip) { y.error([...p, 'addresses', i], `bad address ${JSON.stringify(t)}`, 'an IPv4 (or IPv6) address with prefix length, e.g. 192.168.0.10/24'); continue; }
    addresses.push({ addr: ip.addr, prefix: c.prefix, text: t, loc: y.loc([...p, 'addresses', i]) });
  }
  const link = y.str([...p, 'link']);
  const mtu = y.num([...p, 'mtu'], { min: 68, max: 65535, integer: true });
  const upV = y.get([...p, 'up']);
  const ip = (key: string): IPv4 | undefined => {
    const t = y.str([...p, key]);
    if (t === undefined) return undefined;
    const v = parseCidr(t);
    if (!v || t.includes('/')) { y.error([...p, key], `bad address ${JSON.stringify(t)}`, 'an IPv4 address'); return undefined; }
    return v.addr;
  };
  const tunnelKeys = ['vni', 'local', 'remote', 'dstport', 'dev', 'peers'];
  let vxlan: TopoIface['vxlan'];
  let ipip: TopoIface['ipip'];
  if (kind === 'vxlan') {
    const vni = y.num([...p, 'vni'], { min: 0, max: 16777215, integer: true });
    if (vni === undefined) y.error(p, `vxlan ${name} needs a vni`, 'vni: 0..16777215');
    const peers: { nexthop: IPv4; vtep: IPv4 }[] = [];
    for (const k of y.keys([...p, 'peers'])) {
      const nh = parseCidr(k);
      const vt = parseCidr(y.str([...p, 'peers', k]) ?? '');
      if (!nh || k.includes('/') || !vt) { y.error([...p, 'peers', k], `bad peer ${k}`, '<inner next-hop address>: <VTEP address>'); continue; }
      peers.push({ nexthop: nh.addr, vtep: vt.addr });
    }
    const local = ip('local');
    const dev = y.str([...p, 'dev']);
    if (y.node([...p, 'remote'])) y.error([...p, 'remote'], 'vxlan peers are listed under peers', 'peers: { <next hop>: <VTEP> }');
    vxlan = { vni: vni ?? 0, ...(local !== undefined ? { local } : {}), dstport: y.num([...p, 'dstport'], { min: 1, max: 65535, integer: true }) ?? 4789, ...(dev !== undefined ? { dev } : {}), peers };
  } else if (kind === 'ipip') {
    const local = ip('local');
    const remote = ip('remote');
    for (const k of ['vni', 'dstport', 'dev', 'peers']) if (y.node([...p, k])) y.error([...p, k], `${k} is not an ipip option`, 'local, remote');
    ipip = { ...(local !== undefined ? { local } : {}), ...(remote !== undefined ? { remote } : {}) };
  } else {
    for (const k of tunnelKeys) if (y.node([...p, k])) y.error([...p, k], `${k} applies to vxlan or ipip interfaces only`, 'kind: vxlan or kind: ipip');
  }
  const master = y.str([...p, 'master']);
  return { name, kind, ...(link !== undefined ? { link } : {}), addresses, ipv6, ...(mtu !== undefined ? { mtu } : {}), up: upV === undefined ? true : upV === true, ...(master !== undefined ? { master } : {}), ...(vxlan ? { vxlan } : {}), ...(ipip ? { ipip } : {}), loc: y.loc(p) };
}

function parseKubernetes(y: YamlDoc, hostNames: ReadonlySet<string>): TopoKubernetes {
  const p: YPath = ['kubernetes'];
  y.checkKeys(p, ['manifests', 'controlPlane', 'nodes', 'clusterCIDR', 'cni', 'kubeProxy'], 'kubernetes');
  const names = (key: string): string[] => {
    const out: string[] = [];
    for (let i = 0; i < y.length([...p, key]); i++) {
      const n = y.str([...p, key, i]) ?? '';
      if (!hostNames.has(n)) y.error([...p, key, i], `unknown host ${n}`, [...hostNames].join(', '));
      out.push(n);
    }
    return out;
  };
  const clusterCIDR = y.str([...p, 'clusterCIDR']);
  if (clusterCIDR !== undefined && !parseCidr(clusterCIDR, { strict: true })) y.error([...p, 'clusterCIDR'], `bad CIDR ${clusterCIDR}`, 'a network such as 172.20.0.0/16');
  let cni: TopoKubernetes['cni'];
  if (y.node([...p, 'cni'])) {
    const c: YPath = [...p, 'cni'];
    y.checkKeys(c, ['type', 'encapsulation', 'policyPlacement', 'blocks'], 'cni');
    const type = y.str([...c, 'type']) ?? 'calico';
    if (type !== 'calico') y.error([...c, 'type'], `unsupported CNI ${type}`, 'calico');
    const enc = y.str([...c, 'encapsulation']) ?? 'vxlan';
    if (!['vxlan', 'ipip', 'none'].includes(enc)) y.error([...c, 'encapsulation'], `unknown encapsulation ${enc}`, 'vxlan, ipip, none');
    const placement = y.str([...c, 'policyPlacement']) ?? 'before-kube-forward';
    if (!['before-kube-forward', 'after-kube-forward'].includes(placement)) y.error([...c, 'policyPlacement'], `unknown policy placement ${placement}`, 'before-kube-forward, after-kube-forward');
    const blocks: Record<string, string> = {};
    for (const n of y.keys([...c, 'blocks'])) {
      if (!hostNames.has(n)) y.error([...c, 'blocks', n], `unknown host ${n}`, [...hostNames].join(', '));
      const b = y.str([...c, 'blocks', n]) ?? '';
      if (!parseCidr(b, { strict: true })) y.error([...c, 'blocks', n], `bad CIDR ${b}`, 'a network such as 172.20.5.0/24');
      blocks[n] = b;
    }
    cni = { type, encapsulation: enc as 'vxlan', policyPlacement: placement as 'before-kube-forward', blocks };
  }
  const mode = y.str([...p, 'kubeProxy', 'mode']);
  if (mode !== undefined && mode !== 'iptables') y.error([...p, 'kubeProxy', 'mode'], `unsupported kube-proxy mode ${mode}`, 'iptables');
  return {
    manifests: y.str([...p, 'manifests']) ?? 'k8s/',
    controlPlane: names('controlPlane'),
    nodes: names('nodes'),
    ...(clusterCIDR !== undefined ? { clusterCIDR } : {}),
    ...(cni ? { cni } : {}),
    ...(y.node([...p, 'kubeProxy']) ? { kubeProxy: { mode: 'iptables' as const } } : {}),
    loc: y.loc(p),
  };
}

function parseStep(y: YamlDoc, p: YPath, hostNames: ReadonlySet<string>, extraKeys: readonly string[] = []): TopoStep {
  y.checkKeys(p, ['title', 'description', 'changes', ...extraKeys], 'a step');
  const changes: StepChange[] = [];
  for (let i = 0; i < y.length([...p, 'changes']); i++) {
    const c: YPath = [...p, 'changes', i];
    const keys = y.keys(c);
    const k = keys[0];
    const loc = y.loc(c);
    if (keys.length !== 1 || k === undefined) { y.error(c, 'a change has exactly one of apply, delete, replace, run, sysctl', 'apply | delete | replace | run | sysctl'); continue; }
    const hostOk = (path: YPath): string => {
      const h = y.str(path, { required: true }) ?? '';
      if (!hostNames.has(h)) y.error(path, `unknown host ${h}`, [...hostNames].join(', '));
      return h;
    };
    switch (k) {
      case 'apply':
        changes.push({ kind: 'apply', path: y.str([...c, 'apply'], { required: true }) ?? '', loc });
        break;
      case 'delete': {
        y.checkKeys([...c, 'delete'], ['kind', 'namespace', 'name'], 'delete');
        const ns = y.str([...c, 'delete', 'namespace']);
        changes.push({ kind: 'delete', object: { kind: y.str([...c, 'delete', 'kind'], { required: true }) ?? '', ...(ns !== undefined ? { namespace: ns } : {}), name: y.str([...c, 'delete', 'name'], { required: true }) ?? '' }, loc });
        break;
      }
      case 'replace': {
        y.checkKeys([...c, 'replace'], ['host', 'file', 'with'], 'replace');
        const file = y.str([...c, 'replace', 'file'], { required: true }) ?? '';
        if (!(FILE_KINDS as readonly string[]).includes(file)) y.error([...c, 'replace', 'file'], `unknown file kind ${file}`, FILE_KINDS.join(', '));
        changes.push({ kind: 'replace', host: hostOk([...c, 'replace', 'host']), file: file as FileKind, with: y.str([...c, 'replace', 'with'], { required: true }) ?? '', loc });
        break;
      }
      case 'run':
        y.checkKeys([...c, 'run'], ['host', 'script'], 'run');
        changes.push({ kind: 'run', host: hostOk([...c, 'run', 'host']), script: y.str([...c, 'run', 'script'], { required: true }) ?? '', loc });
        break;
      case 'sysctl':
        y.checkKeys([...c, 'sysctl'], ['host', 'key', 'value'], 'sysctl');
        changes.push({ kind: 'sysctl', host: hostOk([...c, 'sysctl', 'host']), key: y.str([...c, 'sysctl', 'key'], { required: true }) ?? '', value: y.str([...c, 'sysctl', 'value'], { required: true }) ?? '', loc });
        break;
      default:
        y.error(c, `unknown change "${k}"`, 'apply | delete | replace | run | sysctl');
    }
  }
  const description = y.str([...p, 'description']);
  return { title: y.str([...p, 'title']) ?? '', ...(description !== undefined ? { description } : {}), changes, loc: y.loc(p) };
}

export type { Diagnostic };
