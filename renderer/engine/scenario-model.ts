// What the app draws, derived in the worker: hosts, interfaces and segments from the topology file,
// and pods from the loaded scenario's network namespaces (a pod is a namespace named "<node>/<pod>"
// whose trace name is the pod's name). Only plain data crosses to the main thread.

import type { HostModel, IfaceModel, ScenarioModel } from './protocol.js';
import type { Topology } from './sim-types.js';

export function modelFromTopology(topo: Topology): ScenarioModel {
  const k = topo.kubernetes;
  const hosts: HostModel[] = topo.hosts.map((h) => ({
    name: h.name,
    role: h.role,
    interfaces: h.interfaces.map((i) => ({ name: i.name, kind: i.kind, addresses: i.addresses.map((a) => a.text), ...(i.link !== undefined ? { segment: i.link } : {}) })),
    files: Object.entries(h.files).flatMap(([kind, f]) => (f ? [{ kind, path: f.value }] : [])),
  }));
  return {
    name: topo.name,
    title: topo.title,
    description: topo.description,
    hosts,
    segments: topo.segments.map((s) => ({ name: s.name, latencyUs: s.latencyUs })),
    ...(k ? { cluster: { nodes: k.nodes, controlPlane: k.controlPlane, manifests: k.manifests } } : {}),
    steps: topo.steps.map((s) => ({ title: s.title, ...(s.description !== undefined ? { description: s.description } : {}), files: stepFiles(s.changes) })),
    variants: topo.variants.map((v) => ({ name: v.name, title: v.title, base: v.base, files: stepFiles(v.changes) })),
    requests: topo.requests.map((r) => ({ from: r.from, to: r.to, ...(r.command !== undefined ? { command: r.command } : {}) })),
    layout: topo.layout,
  };
}

function stepFiles(changes: Topology['steps'][number]['changes']): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.kind === 'apply') out.push(c.path);
    else if (c.kind === 'replace') out.push(c.with);
    else if (c.kind === 'run') out.push(c.script);
  }
  return out;
}

interface NsLike {
  readonly name: string;
  readonly host: string;
  readonly kind: string;
  readonly ifaces: ReadonlyMap<string, { readonly name: string; readonly kind: string; readonly addrs?: readonly { readonly addr: number; readonly prefix: number }[]; readonly segment?: string; readonly peer?: { readonly ns: string; readonly iface: string } }>;
}

function isNs(v: unknown): v is NsLike {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['name'] === 'string' && typeof o['host'] === 'string' && (o['kind'] === 'pod' || o['kind'] === 'host') && o['ifaces'] instanceof Map;
}

/** Finds the namespaces of a loaded scenario: the first Map of namespace-shaped values within a few levels of the scenario object. */
export function findNamespaces(scenario: unknown, depth = 3): NsLike[] {
  const seen = new Set<unknown>();
  const walk = (v: unknown, d: number): NsLike[] | undefined => {
    if (typeof v !== 'object' || v === null || seen.has(v) || d < 0) return undefined;
    seen.add(v);
    if (v instanceof Map) {
      const vals = [...v.values()];
      if (vals.length > 0 && vals.every(isNs)) return vals;
      return undefined;
    }
    if (Array.isArray(v)) return undefined;
    for (const x of Object.values(v as Record<string, unknown>)) {
      const r = walk(x, d - 1);
      if (r) return r;
    }
    return undefined;
  };
  return walk(scenario, depth) ?? [];
}

function dotted(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Pods as drawable hosts: each inside the node its namespace name starts with. */
export function podsFromScenario(scenario: unknown): HostModel[] {
  const nss = findNamespaces(scenario);
  const hostOfNs = new Map(nss.map((n) => [n.name, n.host]));
  return nss.filter((n) => n.kind === 'pod').map((n) => {
    const node = n.name.includes('/') ? n.name.slice(0, n.name.indexOf('/')) : undefined;
    const interfaces: IfaceModel[] = [...n.ifaces.values()].filter((i) => i.kind !== 'loopback').map((i) => ({
      name: i.name,
      kind: i.kind,
      addresses: (i.addrs ?? []).map((a) => `${dotted(a.addr)}/${a.prefix}`),
      ...(i.segment !== undefined ? { segment: i.segment } : {}),
      ...(i.peer ? { peer: { host: hostOfNs.get(i.peer.ns) ?? i.peer.ns, iface: i.peer.iface } } : {}),
    }));
    return { name: n.host, role: 'pod', interfaces, ...(node !== undefined ? { node } : {}), files: [] };
  });
}
