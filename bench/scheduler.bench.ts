// Scheduling time of the scheduler model: the ICTSC cluster (3 nodes, 3 replicas with preferred
// anti-affinity), and a 100-node cluster with 300 replicas (preferred anti-affinity, default
// spreading, zones) plus a DaemonSet.
import { schedule, type ScheduleInput } from '../sim/index.js';
import { median, type BenchResult } from './result.js';

const inSel = (app: string) => ({ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In' as const, values: [app] }] });

function input(nodes: number, replicas: number): ScheduleInput {
  return {
    nodes: [
      { name: 'master', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
      ...Array.from({ length: nodes - 1 }, (_, i) => ({ name: `worker${i}`, labels: { 'topology.kubernetes.io/zone': `z${i % 3}` }, allocatable: { cpu: '8', memory: '32Gi', pods: 110 } })),
    ],
    workloads: [
      {
        kind: 'Deployment', namespace: 'default', name: 'web', replicas, selector: { matchLabels: { app: 'web' }, matchExpressions: [] },
        template: {
          labels: { app: 'web' },
          spec: {
            containers: [{ name: 'nginx', requests: { cpu: '100m', memory: '128Mi' } }],
            affinity: { podAntiAffinity: { preferred: [{ weight: 100, podAffinityTerm: { labelSelector: inSel('web'), topologyKey: 'kubernetes.io/hostname' } }] } },
          },
        },
      },
      { kind: 'DaemonSet', namespace: 'kube-system', name: 'agent', selector: { matchLabels: { app: 'agent' }, matchExpressions: [] }, template: { labels: { app: 'agent' }, spec: { containers: [{ name: 'a' }] } } },
    ],
    services: [{ namespace: 'default', name: 'web', selector: { app: 'web' } }],
  };
}

function time(runs: number, f: () => void): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return median(t);
}

export default async function run(): Promise<BenchResult[]> {
  const small = input(3, 3);
  const big = input(100, 300);
  const pods = schedule(big).pods.length;
  return [
    { name: 'scheduler ICTSC 3 nodes, 3 replicas', median: time(50, () => schedule(small)), unit: 'ms', target: 5 },
    { name: 'scheduler 100 nodes, 300 replicas + DaemonSet', median: time(5, () => schedule(big)), unit: 'ms', target: 500, extra: { pods } },
  ];
}
