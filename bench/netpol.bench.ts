// NetworkPolicy truth table at scale: 1,000 pods x 500 policies (1M cells), generated as plain
// Kubernetes YAML, loaded through the manifest parser, then tabulated. Target: the matrix in <= 2 s.
import { parseManifests } from '../sim/index.js';
import { buildCluster, computeMatrix } from '../sim/index.js';
import { median, type BenchResult } from './result.js';

const NAMESPACES = 20;
const PODS_PER_NS = 50;
const POLICIES_PER_NS = 25;

/** A small deterministic generator (LCG) so every run tabulates the same cluster. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

export function generate(): string {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const docs: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-${n}\n  labels:\n    team: team-${n % 5}\n    env: ${n % 2 ? 'prod' : 'dev'}\n`);
    for (let p = 0; p < PODS_PER_NS; p++) {
      const ip = `10.${n}.${p >> 8}.${(p & 255) + 1}`;
      docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${p}\n  namespace: ns-${n}\n  labels:\n    app: app-${p % 25}\n    tier: ${pick(['web', 'db', 'cache'])}\nspec:\n  nodeName: node-${(n * PODS_PER_NS + p) % 10}\n  containers:\n  - name: c\n    image: img\n    ports:\n    - {name: http, containerPort: ${pick([80, 8080])}}\n    - {name: metrics, containerPort: 9090}\nstatus:\n  podIP: ${ip}\n`);
    }
    for (let k = 0; k < POLICIES_PER_NS; k++) {
      const peer = () => pick([
        `    - podSelector: {matchLabels: {app: app-${Math.floor(r() * 25)}}}`,
        `    - namespaceSelector: {matchLabels: {team: team-${Math.floor(r() * 5)}}}`,
        `    - namespaceSelector: {matchLabels: {env: prod}}\n      podSelector: {matchExpressions: [{key: tier, operator: In, values: [web, cache]}]}`,
        ((b) => `    - ipBlock: {cidr: 10.${b}.0.0/16, except: [10.${b}.0.0/28]}`)(Math.floor(r() * NAMESPACES)),
      ]);
      const ports = pick(['', '    ports:\n    - port: 80\n', '    ports:\n    - port: http\n', '    ports:\n    - port: 8000\n      endPort: 8100\n    - port: 80\n']);
      const egress = k % 5 === 0 ? `  egress:\n  - to:\n${peer()}\n${ports}` : '';
      docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: pol-${k}\n  namespace: ns-${n}\nspec:\n  podSelector:\n    matchLabels: {app: app-${k}}\n${egress ? '  policyTypes: [Ingress, Egress]\n' : ''}  ingress:\n  - from:\n${peer()}\n${peer()}\n${ports}${egress}`);
    }
  }
  return docs.join('---\n');
}

export default async function run(): Promise<BenchResult[]> {
  const text = generate();
  const t0 = performance.now();
  const parsed = parseManifests(text, { file: 'bench.yaml' });
  const { cluster } = buildCluster(parsed.value);
  const loadMs = performance.now() - t0;
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) throw new Error(`generated manifests have ${errors} errors`);
  const times: number[] = [];
  let allowed = 0;
  let cells = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const m = computeMatrix(cluster, { port: 80, protocol: 'TCP' });
    times.push(performance.now() - t);
    cells = m.cells.length;
    allowed = m.cells.reduce((a, c) => a + c, 0);
  }
  const mem = process.memoryUsage();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return [
    {
      name: 'netpol matrix 1000 pods x 500 policies',
      median: median(times), unit: 'ms', target: 2000,
      extra: { cells, allowed, pods: cluster.pods.length, policies: cluster.policies.length, peakRssMiB: Math.round(peakRssMiB), heapUsedMiB: Math.round(mem.heapUsed / 2 ** 20) },
    },
    { name: 'netpol load 1,520 manifests (YAML -> model -> cluster)', median: loadMs, unit: 'ms', extra: { bytes: text.length } },
  ];
}
