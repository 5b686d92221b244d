// The topology as cytoscape elements: the cluster around its nodes, each node around its pods,
// segments with their interfaces, preset positions from the topology's layout, and tunnels/veths the
// trace uses; plus the path a token follows on a link.
import { describe, expect, it } from 'vitest';
import { buildElements, linkPath, CLUSTER_ID, type NodeData, type EdgeData } from '../../renderer/graph/elements.js';
import type { HostModel, ScenarioModel } from '../../renderer/engine/protocol.js';

const h = (name: string, role: string, ifaces: [string, string, string?][]): HostModel => ({ name, role, files: [], interfaces: ifaces.map(([n, seg, a]) => ({ name: n, kind: 'ethernet', addresses: a ? [a] : [], segment: seg })) });
const model: ScenarioModel = {
  name: 'x', title: 'x', description: '', variants: [], requests: [], steps: [{ title: '0', files: [] }],
  segments: [{ name: 'outside', latencyUs: 100 }, { name: 'inside', latencyUs: 100 }],
  hosts: [h('host01', 'client', [['eth0', 'outside', '192.168.0.10/24']]), h('lb', 'loadbalancer', [['eth0', 'outside'], ['eth1', 'inside']]), h('worker01', 'k8s-node', [['eth0', 'inside']]), h('worker02', 'k8s-node', [['eth0', 'inside']])],
  cluster: { nodes: ['worker01', 'worker02'], controlPlane: [], manifests: 'k8s/' },
  layout: { host01: [0, 0], lb: [100, 0], worker01: [200, -50], worker02: [200, 50] },
};
const pod: HostModel = { name: 'nginx-1', role: 'pod', node: 'worker02', files: [], interfaces: [{ name: 'eth0', kind: 'veth', addresses: ['172.20.6.3/32'], peer: { host: 'worker02', iface: 'cali1' } }] };

const nodes = (els: ReturnType<typeof buildElements>['elements']) => new Map(els.filter((e) => e.group === 'nodes').map((e) => [e.data.id, e]));
const edges = (els: ReturnType<typeof buildElements>['elements']) => els.filter((e) => e.group === 'edges').map((e) => e.data as EdgeData);

describe('graph elements', () => {
  it('nests nodes in the cluster and pods in their node', () => {
    const b = buildElements({ model, pods: [pod], traceLinks: [] });
    const n = nodes(b.elements);
    expect(n.get(CLUSTER_ID)).toBeDefined();
    expect((n.get('h:worker01')?.data as NodeData).parent).toBe(CLUSTER_ID);
    expect((n.get('h:host01')?.data as NodeData).parent).toBeUndefined();
    expect((n.get('h:nginx-1')?.data as NodeData).parent).toBe('h:worker02');
    expect(n.get('h:worker02')?.classes).toContain('compound');
    expect(n.get('h:worker02')?.position).toBeUndefined(); // a parent takes its children's box
    expect(n.get('h:nginx-1')?.position).toEqual({ x: 270, y: 50 });
    expect((n.get('h:host01')?.data as NodeData).addresses).toBe('eth0 192.168.0.10/24');
  });

  it('segments sit between their members, with one edge per interface', () => {
    const b = buildElements({ model, pods: [], traceLinks: [] });
    const n = nodes(b.elements);
    expect(n.get('s:outside')?.position).toEqual({ x: 50, y: 0 });
    expect(edges(b.elements).filter((e) => e.target === 's:inside').map((e) => e.source).sort()).toEqual(['h:lb', 'h:worker01', 'h:worker02']);
    expect(b.preset).toBe(true);
    expect(buildElements({ model: { ...model, layout: { lb: [0, 0] } }, pods: [], traceLinks: [] }).preset).toBe(false);
  });

  it('adds the pod veth, pods only the trace knows, and a tunnel the topology does not draw', () => {
    const b = buildElements({
      model, pods: [pod], traceLinks: [
        { from: { host: 'worker01', iface: 'vxlan.calico' }, to: { host: 'worker02', iface: 'vxlan.calico' } },
        { from: { host: 'worker01', iface: 'cali9' }, to: { host: 'web-2', iface: 'eth0' } },
        { from: { host: 'host01', iface: 'eth0' }, to: { host: 'lb', iface: 'eth0' } },
      ],
    });
    const e = edges(b.elements);
    expect(e.find((x) => x.id === 'v:nginx-1|worker02')?.kind).toBe('veth');
    expect(b.elements.find((x) => x.data.id === 'v:nginx-1|worker02')?.classes).toBe('veth inner'); // drawn as the nesting
    expect(e.find((x) => x.id === 'd:worker01|worker02')?.kind).toBe('virtual');
    expect(e.some((x) => x.id === 'd:host01|lb')).toBe(false); // same segment: no extra edge
    expect((nodes(b.elements).get('h:web-2')?.data as NodeData).parent).toBe('h:worker01');
  });

  it('a token crosses the segment when both ends are on it, else goes directly', () => {
    const b = buildElements({ model, pods: [pod], traceLinks: [] });
    expect(linkPath(b.ifaceSegment, { host: 'host01', iface: 'eth0' }, { host: 'lb', iface: 'eth0' })).toEqual(['h:host01', 's:outside', 'h:lb']);
    expect(linkPath(b.ifaceSegment, { host: 'worker02', iface: 'cali1' }, { host: 'nginx-1', iface: 'eth0' })).toEqual(['h:worker02', 'h:nginx-1']);
  });
});
