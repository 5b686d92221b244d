// Properties over random clusters: a pod is never bound to a node that an independent check of the
// filters rejects (taints, cordon, nodeSelector, required anti-affinity given the pods placed
// before it), a Pending pod had no such node, and required hostname anti-affinity never co-locates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schedule } from '../../../sim/apps/scheduler/index.js';
import type { DeploymentInput, NodeInput, ScheduledPod, TaintInput, TolerationInput } from '../../../sim/apps/scheduler/index.js';
import { deployment, inSel, term } from './helpers.js';

const TAINTS: TaintInput[] = [
  { key: 't1', effect: 'NoSchedule' },
  { key: 't2', value: 'v', effect: 'NoExecute' },
  { key: 'soft', effect: 'PreferNoSchedule' },
];
const TOLERATIONS: TolerationInput[] = [
  { key: 't1', operator: 'Exists' },
  { key: 't2', operator: 'Equal', value: 'v', effect: 'NoExecute' },
  { key: 't2', operator: 'Equal', value: 'w' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const KEYS = ['kubernetes.io/hostname', 'zone'] as const;

const arbNode = (i: number) => fc.record({
  zone: fc.constantFrom('z1', 'z2', undefined),
  disk: fc.constantFrom('ssd', 'hdd', undefined),
  taints: fc.subarray(TAINTS),
  unschedulable: fc.boolean(),
}).map(({ zone, disk, taints, unschedulable }): NodeInput => ({
  name: `n${i}`,
  labels: { 'kubernetes.io/hostname': `n${i}`, ...(zone ? { zone } : {}), ...(disk ? { disk } : {}) },
  taints,
  unschedulable,
}));

const arbDeployment = (i: number) => fc.record({
  replicas: fc.integer({ min: 0, max: 4 }),
  ssd: fc.boolean(),
  tolerations: fc.subarray(TOLERATIONS),
  anti: fc.constantFrom(undefined, ...KEYS),
}).map(({ replicas, ssd, tolerations, anti }): DeploymentInput => deployment(`d${i}`, replicas, {
  ...(ssd ? { nodeSelector: { disk: 'ssd' } } : {}),
  tolerations,
  ...(anti ? { affinity: { podAntiAffinity: { required: [term(inSel('app', `d${i}`), anti)] } } } : {}),
}));

const arbCluster = fc.record({
  nodes: fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbNode(i)))),
  deployments: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbDeployment(i)))),
  seed: fc.integer({ min: 1, max: 1000 }),
});

// The oracle: written from the API documentation, independently of the plugins.
function tolerated(t: TaintInput, ts: readonly TolerationInput[]): boolean {
  return ts.some((x) => (x.effect === undefined || x.effect === t.effect) && (x.key === undefined || x.key === t.key) && (x.operator === 'Exists' || (x.value ?? '') === (t.value ?? '')));
}
function oracleFits(d: DeploymentInput, n: NodeInput, placed: readonly { pod: ScheduledPod; node: NodeInput; d: DeploymentInput }[]): boolean {
  const spec = d.template.spec;
  const ts = spec.tolerations ?? [];
  if (n.unschedulable && !tolerated({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, ts)) return false;
  if ((n.taints ?? []).some((t) => t.effect !== 'PreferNoSchedule' && !tolerated(t, ts))) return false;
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (n.labels?.[k] !== v) return false;
  const key = spec.affinity?.podAntiAffinity?.required?.[0]?.topologyKey;
  if (key !== undefined) {
    const val = n.labels?.[key];
    if (val !== undefined && placed.some((p) => p.d === d && p.node.labels?.[key] === val)) return false;
  }
  return true;
}

describe('scheduler properties', () => {
  it('bound pods pass every filter; Pending pods had no node that would', () => {
    fc.assert(fc.property(arbCluster, ({ nodes, deployments, seed }) => {
      const r = schedule({ nodes, workloads: deployments }, { seed });
      const placed: { pod: ScheduledPod; node: NodeInput; d: DeploymentInput }[] = [];
      let i = 0;
      for (const d of deployments) {
        for (let k = 0; k < d.replicas; k++) {
          const pod = r.pods[i++] as ScheduledPod;
          if (pod.nodeName === undefined) {
            expect(nodes.filter((n) => oracleFits(d, n, placed)).map((n) => n.name)).toEqual([]);
            expect(pod.message).toMatch(new RegExp(`^0/${nodes.length} nodes are available: `));
          } else {
            const node = nodes.find((n) => n.name === pod.nodeName) as NodeInput;
            expect(oracleFits(d, node, placed)).toBe(true);
            placed.push({ pod, node, d });
          }
        }
      }
      expect(i).toBe(r.pods.length);
    }), { numRuns: 300 });
  });

  it('required hostname anti-affinity never puts two pods of the group on one node', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 1000 }), (n, replicas, seed) => {
      const nodes = Array.from({ length: n }, (_, i) => ({ name: `n${i}` }));
      const d = deployment('web', replicas, { affinity: { podAntiAffinity: { required: [term(inSel('app', 'web'))] } } });
      const r = schedule({ nodes, workloads: [d] }, { seed });
      const on = r.pods.flatMap((p) => (p.nodeName ? [p.nodeName] : []));
      expect(new Set(on).size).toBe(on.length);
      expect(on.length).toBe(Math.min(n, replicas));
    }), { numRuns: 200 });
  });

  it('the reason counts add up to the number of nodes (one status per node, one reason each here)', () => {
    fc.assert(fc.property(arbCluster, ({ nodes, deployments, seed }) => {
      for (const p of schedule({ nodes, workloads: deployments }, { seed }).pods) {
        if (!p.message) continue;
        const part = p.message.split('. preemption: ')[0]?.replace(/^0\/\d+ nodes are available: /, '') ?? '';
        const total = part.split(', ').reduce((s, x) => s + Number(x.split(' ')[0]), 0);
        expect(total).toBe(nodes.length);
      }
    }), { numRuns: 200 });
  });
});
