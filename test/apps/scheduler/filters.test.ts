// Filter plugins and their reasons, one behaviour per test, with the FitError text a cluster prints.
// Expected strings follow kube-scheduler's FitError format; several are field reports of real
// clusters (the DaemonSet "Insufficient cpu ... [NodeAffinity]" case, the all-mismatch nodeSelector).
import { describe, expect, it } from 'vitest';
import { schedule } from '../../../sim/apps/scheduler/index.js';
import type { NodeInput, NodeSelectorRequirementInput, PodSpecInput, TolerationInput } from '../../../sim/apps/scheduler/index.js';
import { CONTROL_PLANE_TAINT, daemonSet, deployment, ictscNodes, inSel, placement, sel, term } from './helpers.js';

const node = (name: string, labels: Record<string, string> = {}, extra: Partial<NodeInput> = {}): NodeInput => ({ name, labels: { 'kubernetes.io/hostname': name, ...labels }, ...extra });
const one = (nodes: NodeInput[], spec: Partial<PodSpecInput>, profile?: 'v1.19' | 'v1.27' | 'v1.34') =>
  schedule({ nodes, workloads: [deployment('web', 1, spec)] }, profile ? { profile } : {}).pods[0];

describe('NodeAffinity: nodeSelector and required node affinity', () => {
  it('nodeSelector matching no node: every node reported, and preemption cannot help', () => {
    const p = one([node('a'), node('b'), node('c')], { nodeSelector: { disktype: 'ssd' } });
    expect(p?.message).toBe("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  });

  it('nodeSelector picks the labelled node', () => {
    expect(one([node('a'), node('b', { disktype: 'ssd' })], { nodeSelector: { disktype: 'ssd' } })?.nodeName).toBe('b');
  });

  it('reasons are counted per node and sorted as strings, so "10 ..." precedes "2 ..."', () => {
    const nodes = [...Array.from({ length: 10 }, (_, i) => node(`w${i}`)), node('m1', {}, { taints: [CONTROL_PLANE_TAINT] }), node('m2', {}, { taints: [CONTROL_PLANE_TAINT] })];
    expect(one(nodes, { nodeSelector: { gpu: 'yes' } })?.message).toBe(
      "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/12 nodes are available: 12 Preemption is not helpful for scheduling.",
    );
  });

  const nodes = [node('small', { size: '2', zone: 'a' }), node('big', { size: '16', zone: 'b' }), node('plain')];
  const placed = (...r: NodeSelectorRequirementInput[]) => one(nodes, { affinity: { nodeAffinity: { required: [{ matchExpressions: r }] } } })?.nodeName ?? 'Pending';
  it.each([
    [{ key: 'zone', operator: 'In', values: ['b'] }, 'big'],
    [{ key: 'size', operator: 'Gt', values: ['4'] }, 'big'],
    [{ key: 'size', operator: 'Lt', values: ['4'] }, 'small'],
    [{ key: 'size', operator: 'Gt', values: ['x'] }, 'Pending'],
    [{ key: 'size', operator: 'DoesNotExist' }, 'plain'],
  ] as const)('operator %o places the pod on %s', (r, where) => {
    expect(placed(r)).toBe(where);
  });

  it('NotIn and Exists combine (AND within a term); NotIn matches nodes without the key', () => {
    expect(placed({ key: 'zone', operator: 'NotIn', values: ['a'] }, { key: 'size', operator: 'Exists' })).toBe('big');
    const r = schedule({ nodes, workloads: [deployment('w', 2, { affinity: { nodeAffinity: { required: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }] } } })] });
    expect(new Set(placement(r.pods)).has('small')).toBe(false);
  });

  it('terms are ORed; an empty term matches nothing', () => {
    const spec = { affinity: { nodeAffinity: { required: [{}, { matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['a'] }] }] } } };
    expect(one(nodes, spec)?.nodeName).toBe('small');
    expect(one(nodes, { affinity: { nodeAffinity: { required: [{}] } } })?.phase).toBe('Pending');
  });

  it('matchFields metadata.name pins a pod to one node; the others are cut by the PreFilterResult', () => {
    const p = one(nodes, { affinity: { nodeAffinity: { required: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['plain'] }] }] } } });
    expect(p?.nodeName).toBe('plain');
    expect(p?.decision?.verdicts.filter((v) => v.plugin === 'PreFilterResult').map((v) => v.node)).toEqual(['small', 'big']);
  });
});

describe('TaintToleration and NodeUnschedulable', () => {
  const tainted = [node('n', {}, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'evict', effect: 'NoExecute' }] })];
  const fits = (tolerations: TolerationInput[]) => one(tainted, { tolerations })?.nodeName === 'n';
  it('every NoSchedule and NoExecute taint must be tolerated', () => {
    expect(fits([])).toBe(false);
    expect(fits([{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }])).toBe(false);
    expect(fits([{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, { key: 'evict', operator: 'Exists', effect: 'NoExecute' }])).toBe(true);
  });
  it('Equal compares values, Exists does not; an empty effect tolerates every effect; an empty key with Exists tolerates everything', () => {
    expect(fits([{ key: 'dedicated', value: 'cpu' }, { key: 'evict', operator: 'Exists' }])).toBe(false);
    expect(fits([{ key: 'dedicated', operator: 'Exists' }, { key: 'evict', operator: 'Exists' }])).toBe(true);
    expect(fits([{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }, { key: 'evict', operator: 'Exists' }])).toBe(false);
    expect(fits([{ operator: 'Exists' }])).toBe(true);
  });
  it('the reason names the first untolerated taint, with its value', () => {
    expect(one(tainted, {})?.message).toContain('1 node(s) had untolerated taint {dedicated: gpu}.');
    expect(one(tainted, { tolerations: [{ key: 'dedicated', operator: 'Exists' }] })?.message).toContain('1 node(s) had untolerated taint {evict: }.');
  });
  it('a PreferNoSchedule taint does not filter', () => {
    expect(one([node('n', {}, { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] })], {})?.nodeName).toBe('n');
  });
  it('a cordoned node is unschedulable unless the pod tolerates node.kubernetes.io/unschedulable', () => {
    const nodes = [node('a', {}, { unschedulable: true })];
    expect(one(nodes, {})?.message).toBe('0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    expect(one(nodes, { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] })?.nodeName).toBe('a');
  });
  it('the single control-plane node of a fresh cluster (the 1.27 docs example)', () => {
    expect(one([node('cp', {}, { taints: [CONTROL_PLANE_TAINT] })], {})?.message).toBe(
      '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });
});

describe('InterPodAffinity', () => {
  const three = () => [node('a', { zone: 'z1' }), node('b', { zone: 'z1' }), node('c', { zone: 'z2' })];

  it('symmetric anti-affinity: an existing pod that repels the incoming one keeps it off its node', () => {
    const db = { namespace: 'default', name: 'db', labels: { app: 'db' }, nodeName: 'a', spec: { containers: [{ name: 'c' }], affinity: { podAntiAffinity: { required: [term(sel({ app: 'web' }))] } } } };
    const two = schedule({ nodes: three().slice(0, 2), workloads: [deployment('web', 2)], boundPods: [db] });
    expect(placement(two.pods)).toEqual(['b', 'b']);
    const alone = schedule({ nodes: three().slice(0, 1), workloads: [deployment('web', 1)], boundPods: [db] });
    expect(alone.pods[0]?.message).toBe(
      "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
    // The incoming pod's own labels decide; a pod the term does not select is not repelled.
    const other = schedule({ nodes: three().slice(0, 1), workloads: [deployment('api', 1)], boundPods: [db] });
    expect(other.pods[0]?.nodeName).toBe('a');
  });

  it('the existing pod\'s term uses its own namespace unless it names others', () => {
    const db = (ns?: string[]) => ({ namespace: 'data', name: 'db', labels: {}, nodeName: 'a', spec: { containers: [{ name: 'c' }], affinity: { podAntiAffinity: { required: [term(sel({ app: 'web' }), 'kubernetes.io/hostname', ns ? { namespaces: ns } : {})] } } } });
    const run = (ns?: string[]) => schedule({ nodes: three().slice(0, 1), workloads: [deployment('web', 1)], boundPods: [db(ns)] }).pods[0]?.phase;
    expect(run()).toBe('Bound');
    expect(run(['default'])).toBe('Pending');
  });

  it('namespaceSelector selects namespaces by label; {} selects all', () => {
    const anti = (namespaceSelector: ReturnType<typeof sel>) => ({ podAntiAffinity: { required: [term(sel({ app: 'db' }), 'kubernetes.io/hostname', { namespaceSelector })] } });
    const db = { namespace: 'data', name: 'db', labels: { app: 'db' }, nodeName: 'a', spec: { containers: [{ name: 'c' }] } };
    const run = (ns: ReturnType<typeof sel>, labels: Record<string, string> = {}) =>
      schedule({ nodes: three().slice(0, 1), workloads: [deployment('web', 1, { affinity: anti(ns) })], boundPods: [db], namespaces: { data: labels } }).pods[0]?.phase;
    expect(run(sel({}))).toBe('Pending');
    expect(run(sel({ team: 'x' }))).toBe('Bound');
    expect(run(sel({ team: 'x' }), { team: 'x' })).toBe('Pending');
    expect(run(sel({ 'kubernetes.io/metadata.name': 'data' }))).toBe('Pending');
  });

  it('anti-affinity on a zone key keeps the whole zone free; a node without the key is not constrained', () => {
    const nodes = [...three(), node('d')];
    const r = schedule({ nodes, workloads: [deployment('web', 5, { affinity: { podAntiAffinity: { required: [term(inSel('app', 'web'), 'zone')] } } })] }, { seed: 5 });
    const on = placement(r.pods);
    expect(on.filter((n) => n === 'a' || n === 'b')).toHaveLength(1);
    expect(on.filter((n) => n === 'c')).toHaveLength(1);
    expect(on.filter((n) => n === 'd')).toHaveLength(3);
  });

  it('required pod affinity: the first pod of a self-affine group may go anywhere, the rest follow it', () => {
    const spec = { affinity: { podAffinity: { required: [term(sel({ app: 'web' }), 'zone')] } } };
    const r = schedule({ nodes: three(), workloads: [deployment('web', 3, spec)] }, { seed: 2 });
    const zoneOf = (n?: string) => (n === 'c' ? 'z2' : 'z1');
    expect(new Set(r.pods.map((p) => zoneOf(p.nodeName))).size).toBe(1);
  });

  it('required pod affinity to pods that do not exist: unresolvable (1.34 message of a real cluster)', () => {
    const nodes = [...['cp1', 'cp2', 'cp3'].map((n) => node(n, {}, { taints: [CONTROL_PLANE_TAINT] })), node('w1'), node('w2'), node('w3')];
    const p = one(nodes, { affinity: { podAffinity: { required: [term(sel({ app: 'backend' }))] } } }, 'v1.34');
    expect(p?.message).toBe("0/6 nodes are available: 3 node(s) didn't match pod affinity rules, 3 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.");
  });

  it('a term without labelSelector selects no pods', () => {
    const r = schedule({ nodes: three().slice(0, 1), workloads: [deployment('web', 2, { affinity: { podAntiAffinity: { required: [{ topologyKey: 'kubernetes.io/hostname' }] } } })] });
    expect(placement(r.pods)).toEqual(['a', 'a']);
  });
});

describe('resources and ports', () => {
  it('a DaemonSet pod that does not fit its node (field report: 1 Insufficient cpu, 3 ... [NodeAffinity])', () => {
    const nodes = [node('n1'), node('n2'), node('n3'), node('n4', {}, { allocatable: { cpu: '500m', memory: '4Gi', pods: 110 } })];
    const r = schedule({ nodes, workloads: [daemonSet('agent', { containers: [{ name: 'c', requests: { cpu: '1' } }] })] });
    expect(placement(r.pods)).toEqual(['n1', 'n2', 'n3', 'Pending']);
    expect(r.pods[3]?.message).toBe("0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.");
  });

  it('1.19 had no PreFilterResult: the other nodes fail NodeAffinity ("didn\'t match node selector") or an earlier filter', () => {
    const nodes = [node('n1', {}, { taints: [CONTROL_PLANE_TAINT] }), node('n2', {}, { allocatable: { cpu: '500m', memory: '4Gi', pods: 110 } }), node('n3')];
    const r = schedule({ nodes, workloads: [daemonSet('agent', { containers: [{ name: 'c', requests: { cpu: '1' } }], tolerations: [{ operator: 'Exists' }] })] }, { profile: 'v1.19' });
    expect(r.pods[1]?.message).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match node selector.");
  });

  it('pods count against allocatable pods: "Too many pods"', () => {
    const nodes = [node('a', {}, { allocatable: { pods: 1 } }), node('b', {}, { allocatable: { pods: 1 } })];
    const busy = ['a', 'b'].map((n) => ({ namespace: 'default', name: `p-${n}`, labels: {}, nodeName: n, spec: { containers: [{ name: 'c' }] } }));
    expect(schedule({ nodes, workloads: [deployment('web', 1)], boundPods: busy }).pods[0]?.message).toBe(
      '0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
  });

  it('requests add up on a node: the third 800m pod does not fit a 2-CPU node; cpu and memory are both reported', () => {
    const r = schedule({ nodes: [node('a')], workloads: [deployment('web', 3, { containers: [{ name: 'c', requests: { cpu: '800m', memory: '1.5Gi' } }] })] });
    expect(placement(r.pods)).toEqual(['a', 'a', 'Pending']);
    expect(r.pods[2]?.message).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory\. /);
  });

  it('hostPort: one pod per node and protocol/port', () => {
    const spec = { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' as const }] }] };
    const r = schedule({ nodes: [node('a'), node('b')], workloads: [deployment('web', 3, spec)] });
    expect([...placement(r.pods)].sort()).toEqual(['Pending', 'a', 'b']);
    expect(r.pods.find((p) => p.phase === 'Pending')?.message).toContain("2 node(s) didn't have free ports for the requested pod ports.");
  });
});

describe('DaemonSet controller', () => {
  it('nodeSelector and node affinity decide which nodes get a daemon pod', () => {
    const nodes = [node('a', { role: 'edge' }), node('b'), node('c', { role: 'edge' })];
    expect(placement(schedule({ nodes, workloads: [daemonSet('d', { nodeSelector: { role: 'edge' } })] }).pods)).toEqual(['a', 'c']);
    const aff = { nodeAffinity: { required: [{ matchExpressions: [{ key: 'role', operator: 'DoesNotExist' as const }] }] } };
    expect(placement(schedule({ nodes, workloads: [daemonSet('d', { affinity: aff })] }).pods)).toEqual(['b']);
  });

  it('daemon pods run on cordoned nodes (they tolerate node.kubernetes.io/unschedulable) and carry the controller tolerations', () => {
    const r = schedule({ nodes: [node('a', {}, { unschedulable: true })], workloads: [daemonSet('d', { hostNetwork: true })] });
    expect(placement(r.pods)).toEqual(['a']);
    expect(r.pods[0]?.labels).toMatchObject({ app: 'd', 'pod-template-generation': '1' });
    expect(r.pods[0]?.labels['controller-revision-hash']).toMatch(/^[4-9bcdf]+$/);
  });

  it('NoExecute taints keep daemon pods off unless tolerated', () => {
    const nodes = [node('a', {}, { taints: [{ key: 'x', effect: 'NoExecute' }] }), node('b', {}, { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] })];
    expect(placement(schedule({ nodes, workloads: [daemonSet('d')] }).pods)).toEqual(['b']);
  });

  it('ICTSC nodes: master only with a toleration for whichever taint key the cluster uses', () => {
    const tol = [{ key: 'node-role.kubernetes.io/master', operator: 'Exists' as const, effect: 'NoSchedule' as const }];
    expect(placement(schedule({ nodes: ictscNodes(), workloads: [daemonSet('d', { tolerations: tol })] }).pods)).toEqual(['worker01', 'worker02']);
    expect(placement(schedule({ nodes: ictscNodes({ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }), workloads: [daemonSet('d', { tolerations: tol })] }).pods)).toEqual(['master', 'worker01', 'worker02']);
  });
});
