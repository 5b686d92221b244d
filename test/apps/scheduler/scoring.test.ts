// Score plugins, their normalization and weights, and the tie-break through the chooser. Expected
// numbers are worked by hand from the upstream formulas (noted per test).
import { describe, expect, it } from 'vitest';
import { exploreAll } from '../../../sim/core/choice.js';
import type { ChoiceOption } from '../../../sim/core/choice.js';
import { schedule } from '../../../sim/apps/scheduler/index.js';
import type { BoundPodInput, NodeInput, ScheduleInput } from '../../../sim/apps/scheduler/index.js';
import { deployment, inSel, placement, term } from './helpers.js';

const node = (name: string, labels: Record<string, string> = {}, extra: Partial<NodeInput> = {}): NodeInput => ({ name, labels: { 'kubernetes.io/hostname': name, ...labels }, ...extra });
const twoNodes = [node('x'), node('y')];

describe('score plugins', () => {
  it('preferred node affinity decides between otherwise equal nodes, without a choice', () => {
    const choices: string[] = [];
    const spec = { affinity: { nodeAffinity: { preferred: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In' as const, values: ['ssd'] }] } }] } } };
    const r = schedule({ nodes: [node('x'), node('y', { disk: 'ssd' })], workloads: [deployment('web', 1, spec)] }, { choose: (l, o) => { choices.push(l); return (o[0] as ChoiceOption<never>).value; } });
    expect(r.pods[0]?.nodeName).toBe('y');
    expect(choices).toEqual([]);
    expect(r.pods[0]?.decision?.scores?.map((s) => s.plugins.NodeAffinity)).toEqual([{ raw: 0, normalized: 0, weight: 2 }, { raw: 50, normalized: 100, weight: 2 }]);
  });

  it('an untolerated PreferNoSchedule taint scores 0 (reversed DefaultNormalizeScore), weight 3', () => {
    const nodes = [node('x', {}, { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }), node('y')];
    const r = schedule({ nodes, workloads: [deployment('web', 1)] });
    expect(r.pods[0]?.nodeName).toBe('y');
    expect(r.pods[0]?.decision?.scores?.map((s) => s.plugins.TaintToleration?.normalized)).toEqual([0, 100]);
    const tolerated = schedule({ nodes, workloads: [deployment('web', 1, { tolerations: [{ key: 'soft', operator: 'Exists', effect: 'PreferNoSchedule' }] })] });
    expect(tolerated.pods[0]?.decision?.tie).toEqual(['x', 'y']);
  });

  it('LeastAllocated on non-zero requests and BalancedAllocation on real requests (2 CPU / 4Gi nodes)', () => {
    // x runs a pod requesting 1 CPU and no memory. Incoming best-effort pod: non-zero 100m / 200Mi.
    // LeastAllocated x: cpu (2000-1100)*100/2000 = 45, mem (4096-400)*100/4096 = 90 -> 67; y: 95, 95 -> 95.
    // Balanced x: |1000/2000 - 0| / 2 = 0.25 -> 75; y: 100.
    const busy: BoundPodInput = { namespace: 'default', name: 'busy', labels: {}, nodeName: 'x', spec: { containers: [{ name: 'c', requests: { cpu: '1' } }] } };
    const r = schedule({ nodes: twoNodes, workloads: [deployment('web', 1)], boundPods: [busy] });
    const s = r.pods[0]?.decision?.scores ?? [];
    expect(s.map((n) => n.plugins.NodeResourcesFit?.normalized)).toEqual([67, 95]);
    expect(s.map((n) => n.plugins.NodeResourcesBalancedAllocation?.normalized)).toEqual([75, 100]);
    expect(s.map((n) => n.total)).toEqual([300 + 67 + 200 + 75, 300 + 95 + 200 + 100]);
    expect(r.pods[0]?.nodeName).toBe('y');
    // Releases after kubernetes#129138 skip BalancedAllocation for pods that request nothing.
    const newer = schedule({ nodes: twoNodes, workloads: [deployment('web', 1)], boundPods: [busy] }, { profile: 'v1.34' });
    expect(newer.pods[0]?.decision?.scores?.[0]?.plugins.NodeResourcesBalancedAllocation).toBeUndefined();
  });

  it('default spreading by the ReplicaSet selector: hostname constraint, ln(n+2) weight, maxSkew 3', () => {
    // Second pod, first one on x: raw x = round(1*ln 4 + 2) = 3, y = round(0 + 2) = 2;
    // normalized 100*(3+2-s)/3: x 66, y 100.
    const r = schedule({ nodes: twoNodes, workloads: [deployment('web', 2)] }, { choose: (_l, o) => (o[0] as ChoiceOption<never>).value });
    expect(r.pods[0]?.nodeName).toBe('x');
    const second = r.pods[1]?.decision?.scores ?? [];
    expect(second.map((n) => n.plugins.PodTopologySpread)).toEqual([{ raw: 3, normalized: 66, weight: 2 }, { raw: 2, normalized: 100, weight: 2 }]);
    expect(r.pods[1]?.nodeName).toBe('y');
  });

  it('pods of another ReplicaSet (other pod-template-hash) do not count for spreading', () => {
    const other: BoundPodInput = { namespace: 'default', name: 'old', labels: { app: 'web', 'pod-template-hash': 'ffffffff' }, nodeName: 'x', spec: { containers: [{ name: 'c' }] } };
    const r = schedule({ nodes: twoNodes, workloads: [deployment('web', 1)], boundPods: [other] });
    expect(r.pods[0]?.decision?.scores?.map((n) => n.plugins.PodTopologySpread?.raw)).toEqual([2, 2]);
  });

  it('a zone label adds the zone constraint (maxSkew 5) for nodes that carry it', () => {
    const nodes = [node('x', { 'topology.kubernetes.io/zone': 'a' }), node('y', { 'topology.kubernetes.io/zone': 'b' })];
    const r = schedule({ nodes, workloads: [deployment('web', 1)] });
    // cnt 0: hostname 0*ln4 + 2, zone 0*ln4 + 4 -> 6 on both.
    expect(r.pods[0]?.decision?.scores?.map((n) => n.plugins.PodTopologySpread?.raw)).toEqual([6, 6]);
  });

  it('DaemonSet pods without a Service get no default spreading; a selecting Service adds it', () => {
    const w = { kind: 'DaemonSet' as const, namespace: 'default', name: 'd', selector: { matchLabels: { app: 'd' }, matchExpressions: [] }, template: { labels: { app: 'd' }, spec: { containers: [{ name: 'c' }], affinity: { podAntiAffinity: { preferred: [{ weight: 1, podAffinityTerm: term(inSel('app', 'zzz')) }] } } } } };
    // A daemon pod has one feasible node, so no scoring at all: check through a Deployment instead.
    expect(schedule({ nodes: twoNodes, workloads: [w] }).pods.every((p) => p.decision?.scores === undefined)).toBe(true);
    const input: ScheduleInput = { nodes: twoNodes, workloads: [deployment('web', 1)], services: [{ namespace: 'default', name: 's', selector: { app: 'web' } }] };
    expect(schedule(input).pods[0]?.decision?.scores?.[0]?.plugins.PodTopologySpread).toBeDefined();
  });
});

describe('ties and determinism', () => {
  it('ties go through the callback, with uniform probabilities over the top nodes, and the answer is honoured', () => {
    const seen: { label: string; options: { p: number; label: string }[] }[] = [];
    const nodes = [node('a'), node('b'), node('c'), node('d', {}, { taints: [{ key: 't', effect: 'NoSchedule' }] })];
    const r = schedule({ nodes, workloads: [deployment('web', 1)] }, {
      choose: (label, options) => {
        seen.push({ label, options: options.map((o) => ({ p: o.p, label: o.label })) });
        return (options[options.length - 1] as ChoiceOption<never>).value;
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.options).toEqual([{ p: 1 / 3, label: 'a' }, { p: 1 / 3, label: 'b' }, { p: 1 / 3, label: 'c' }]);
    expect(seen[0]?.label).toContain(r.pods[0]?.name);
    expect(r.pods[0]?.nodeName).toBe('c');
    expect(r.pods[0]?.decision?.tie).toEqual(['a', 'b', 'c']);
  });

  it('explore mode enumerates every tie: 4 replicas over 2 nodes end 2/2 or 3/1 with exact probabilities', () => {
    const m = new Map<string, number>();
    for (const p of exploreAll((c) => schedule({ nodes: twoNodes, workloads: [deployment('web', 4)] }, { choose: c.choose }))) {
      const k = [...placement(p.result.pods)].sort().join('');
      m.set(k, (m.get(k) ?? 0) + p.p);
    }
    // Spreading and LeastAllocated both favour the emptier node: only equal counts tie.
    expect(Object.fromEntries(m)).toEqual({ xxyy: 1 });
  });

  it('the same seed gives the same names and placements; another seed other names', () => {
    const input: ScheduleInput = { nodes: [node('a'), node('b'), node('c')], workloads: [deployment('web', 3), deployment('api', 2)] };
    const one = schedule(input, { seed: 42 });
    expect(schedule(input, { seed: 42 })).toEqual(one);
    const other = schedule(input, { seed: 43 });
    expect(other.pods.map((p) => p.name)).not.toEqual(one.pods.map((p) => p.name));
    expect(new Set(one.pods.map((p) => p.name)).size).toBe(5);
  });
});
