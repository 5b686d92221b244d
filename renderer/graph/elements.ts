// The topology as cytoscape elements, computed outside any component: hosts, L2 segments (a switch or
// a cable), the Kubernetes cluster around its nodes and each node around its pods (compound nodes),
// interface edges, pod veths, and edges the trace uses that the topology does not draw (a tunnel).
// Positions come from the topology's `layout` when it places every top-level host; fcose otherwise.

import type { HostModel, ScenarioModel } from '../engine/protocol.js';

export interface NodeData {
  readonly id: string;
  readonly label: string;
  readonly kind: 'host' | 'segment' | 'cluster';
  readonly role: string;
  readonly name: string;
  readonly parent?: string;
  readonly addresses: string; // tooltip text, one "iface addr" per line
}
export interface EdgeData {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
  readonly kind: 'iface' | 'veth' | 'virtual';
}
export interface ElementDef {
  readonly group: 'nodes' | 'edges';
  readonly data: NodeData | EdgeData;
  readonly classes: string;
  readonly position?: { readonly x: number; readonly y: number };
}

export const hostId = (name: string): string => `h:${name}`;
export const segmentId = (name: string): string => `s:${name}`;
export const CLUSTER_ID = 'cluster';

export interface GraphInput {
  readonly model: ScenarioModel;
  readonly pods: readonly HostModel[];
  /** Hosts and links the trace mentions (pods the model does not know yet, tunnels). */
  readonly traceLinks: readonly { readonly from: { readonly host: string; readonly iface: string }; readonly to: { readonly host: string; readonly iface: string } }[];
}

export interface GraphBuild {
  readonly elements: ElementDef[];
  /** True when every positioned node has a position from the topology's layout. */
  readonly preset: boolean;
  /** host/iface -> segment, for the animation's paths. */
  readonly ifaceSegment: ReadonlyMap<string, string>;
}

export function buildElements(input: GraphInput): GraphBuild {
  const { model } = input;
  const els: ElementDef[] = [];
  const nodes = new Set<string>();
  const clusterNodes = new Set(model.cluster?.nodes ?? []);
  const allHosts: HostModel[] = [...model.hosts.filter((h) => h.role !== 'pod'), ...mergePods(model.hosts.filter((h) => h.role === 'pod'), input.pods)];
  const known = new Set(allHosts.map((h) => h.name));
  // Hosts only the trace names: place them inside the node they are linked to, if it is a cluster node.
  for (const l of input.traceLinks) {
    for (const [a, b] of [[l.from, l.to], [l.to, l.from]] as const) {
      if (known.has(a.host)) continue;
      const node = a.host.includes('/') ? a.host.slice(0, a.host.indexOf('/')) : clusterNodes.has(b.host) ? b.host : undefined;
      allHosts.push({ name: a.host, role: node !== undefined ? 'pod' : 'server', interfaces: [{ name: a.iface, kind: 'veth', addresses: [], peer: { host: b.host, iface: b.iface } }], ...(node !== undefined ? { node } : {}), files: [] });
      known.add(a.host);
    }
  }
  const podsByNode = new Map<string, HostModel[]>();
  for (const h of allHosts) if (h.role === 'pod' && h.node !== undefined) podsByNode.set(h.node, [...(podsByNode.get(h.node) ?? []), h]);

  const layout = model.layout;
  const topLevel = allHosts.filter((h) => h.role !== 'pod');
  const preset = topLevel.length > 0 && topLevel.every((h) => layout[h.name] !== undefined);

  if (model.cluster && model.cluster.nodes.length > 0) {
    els.push({ group: 'nodes', data: { id: CLUSTER_ID, label: 'Kubernetes', kind: 'cluster', role: 'cluster', name: CLUSTER_ID, addresses: '' }, classes: 'cluster' });
  }
  const ifaceSegment = new Map<string, string>();
  const segPositions = new Map<string, { x: number; y: number }[]>();
  for (const h of allHosts) {
    const parent = h.role === 'pod' && h.node !== undefined && known.has(h.node) ? hostId(h.node) : clusterNodes.has(h.name) ? CLUSTER_ID : undefined;
    const addresses = h.interfaces.filter((i) => i.addresses.length > 0).map((i) => `${i.name} ${i.addresses.join(' ')}`).join('\n');
    const pos = layout[h.name];
    let position: { x: number; y: number } | undefined = pos ? { x: pos[0], y: pos[1] } : undefined;
    if (h.role === 'pod' && h.node !== undefined) {
      const np = layout[h.node];
      const k = (podsByNode.get(h.node) ?? []).indexOf(h);
      if (np) position = { x: np[0] + 70, y: np[1] + k * 44 };
    }
    const isParent = (podsByNode.get(h.name) ?? []).length > 0;
    els.push({
      group: 'nodes',
      data: { id: hostId(h.name), label: h.name, kind: 'host', role: h.role, name: h.name, ...(parent ? { parent } : {}), addresses },
      classes: `host role-${h.role}${isParent ? ' compound' : ''}`,
      ...(position && !isParent ? { position } : {}),
    });
    nodes.add(h.name);
    for (const i of h.interfaces) {
      if (i.segment === undefined) continue;
      ifaceSegment.set(`${h.name}/${i.name}`, i.segment);
      if (position) segPositions.set(i.segment, [...(segPositions.get(i.segment) ?? []), position]);
    }
  }
  const segNames = new Set([...model.segments.map((s) => s.name), ...ifaceSegment.values()]);
  for (const s of segNames) {
    const ps = segPositions.get(s) ?? [];
    const position = ps.length > 0 ? { x: ps.reduce((a, p) => a + p.x, 0) / ps.length, y: ps.reduce((a, p) => a + p.y, 0) / ps.length } : undefined;
    els.push({ group: 'nodes', data: { id: segmentId(s), label: s, kind: 'segment', role: 'segment', name: s, addresses: '' }, classes: 'segment', ...(position ? { position } : {}) });
  }
  const edgeIds = new Set<string>();
  const addEdge = (d: EdgeData, classes: string): void => {
    if (edgeIds.has(d.id)) return;
    edgeIds.add(d.id);
    els.push({ group: 'edges', data: d, classes });
  };
  for (const h of allHosts) {
    for (const i of h.interfaces) {
      if (i.segment !== undefined) addEdge({ id: `e:${h.name}/${i.name}`, source: hostId(h.name), target: segmentId(i.segment), label: i.name, kind: 'iface' }, 'iface');
      else if (i.peer && nodes.has(i.peer.host)) {
        const [a, b] = [h.name, i.peer.host].sort();
        // A pod's veth to its own node runs from the compound box to a node inside it: drawn as the nesting itself.
        const inner = h.node === i.peer.host;
        addEdge({ id: `v:${a}|${b}`, source: hostId(a as string), target: hostId(b as string), label: i.name, kind: 'veth' }, inner ? 'veth inner' : 'veth');
      }
    }
  }
  for (const l of input.traceLinks) {
    const sa = ifaceSegment.get(`${l.from.host}/${l.from.iface}`);
    const sb = ifaceSegment.get(`${l.to.host}/${l.to.iface}`);
    if (sa !== undefined && sa === sb) continue;
    const [a, b] = [l.from.host, l.to.host].sort();
    if (edgeIds.has(`v:${a}|${b}`) || a === b) continue;
    addEdge({ id: `d:${a}|${b}`, source: hostId(a as string), target: hostId(b as string), label: '', kind: 'virtual' }, 'virtual');
  }
  return { elements: els, preset, ifaceSegment };
}

function mergePods(fromModel: readonly HostModel[], loaded: readonly HostModel[]): HostModel[] {
  const byName = new Map<string, HostModel>();
  for (const p of fromModel) byName.set(p.name, p);
  for (const p of loaded) byName.set(p.name, p);
  return [...byName.values()];
}

/** The node ids a packet passes on a link: through its segment when both ends are on one, else directly. */
export function linkPath(ifaceSegment: ReadonlyMap<string, string>, from: { host: string; iface: string }, to: { host: string; iface: string }): string[] {
  const sa = ifaceSegment.get(`${from.host}/${from.iface}`);
  const sb = ifaceSegment.get(`${to.host}/${to.iface}`);
  if (sa !== undefined && sa === sb) return [hostId(from.host), segmentId(sa), hostId(to.host)];
  return [hostId(from.host), hostId(to.host)];
}
