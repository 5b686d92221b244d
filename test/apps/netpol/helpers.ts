// A cyclonus-style test cluster: namespaces x, y, z (labelled ns=<name>), pods a, b, c in each
// (labelled pod=<name>), each serving TCP 80/81, UDP 80/81 and SCTP 80/81 under names like
// serve-80-tcp. Pod IPs are 10.<ns>.0.<pod> (x=1, y=2, z=3; a=1, b=2, c=3); x/* run on node-1,
// y/* and z/* on node-2. Names are quoted: under the YAML 1.1 rules kubectl reads with, a bare
// `y` is the boolean true.
import { parseManifests } from '../../../sim/parsers/k8s/index.js';
import { buildCluster, indexCluster, evaluateConnection, computeMatrix, matrixCell } from '../../../sim/apps/netpol/index.js';
import type { NetpolCluster, NetpolVerdict } from '../../../sim/apps/netpol/index.js';
import type { Protocol } from '../../../sim/model/k8s/protocol.js';
import { ipv4 } from '../../../sim/core/ip.js';
import type { Diagnostic } from '../../../sim/core/diagnostics.js';

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const PODS = ['a', 'b', 'c'] as const;
export const ALL_PODS = NAMESPACES.flatMap((n) => PODS.map((p) => `${n}/${p}`));

export function podIp(key: string): string {
  const [ns, pod] = key.split('/') as [string, string];
  return `10.${NAMESPACES.indexOf(ns as 'x') + 1}.0.${PODS.indexOf(pod as 'a') + 1}`;
}

export function baseYaml(opts: { nsLabels?: Record<string, Record<string, string>> } = {}): string {
  const docs: string[] = [];
  for (const [i, n] of ['node-1', 'node-2'].entries()) {
    docs.push(`apiVersion: v1\nkind: Node\nmetadata:\n  name: ${n}\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 192.168.100.${i + 1}\n`);
  }
  for (const ns of NAMESPACES) {
    const labels = opts.nsLabels?.[ns] ?? { ns };
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "${ns}"\n  labels:\n${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n`);
    for (const pod of PODS) {
      const ports = ['tcp', 'udp', 'sctp'].flatMap((proto) => [80, 81].map((port) => `    - name: serve-${port}-${proto}\n      containerPort: ${port}\n      protocol: ${proto.toUpperCase()}`));
      docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${pod}\n  namespace: "${ns}"\n  labels:\n    pod: ${pod}\nspec:\n  nodeName: ${ns === 'x' ? 'node-1' : 'node-2'}\n  containers:\n  - name: cont\n    image: agnhost\n    ports:\n${ports.join('\n')}\nstatus:\n  podIP: ${podIp(`${ns}/${pod}`)}\n  hostIP: 192.168.100.${ns === 'x' ? 1 : 2}\n`);
    }
  }
  return docs.join('---\n');
}

export function clusterOf(policies: string, opts: { nsLabels?: Record<string, Record<string, string>>; extra?: string } = {}): { cluster: NetpolCluster; diagnostics: readonly Diagnostic[] } {
  const text = [baseYaml(opts), opts.extra ?? '', policies].filter((s) => s.trim() !== '').join('\n---\n');
  const parsed = parseManifests(text, { file: 'test.yaml' });
  const built = buildCluster(parsed.value);
  return { cluster: built.cluster, diagnostics: [...parsed.diagnostics, ...built.diagnostics] };
}

export function verdict(cluster: NetpolCluster, from: string, to: string, port = 80, protocol: Protocol = 'TCP'): NetpolVerdict {
  const ref = (s: string) => (s.includes('/') ? { pod: s } : { ip: ipv4(s) });
  return evaluateConnection(indexCluster(cluster), { from: ref(from), to: ref(to), port, protocol });
}

/** The denied cells of the pod-to-pod table, as "src -> dst" strings (loopback excluded). */
export function denied(cluster: NetpolCluster, port = 80, protocol: Protocol = 'TCP'): string[] {
  const m = computeMatrix(cluster, { port, protocol });
  const out: string[] = [];
  m.sources.forEach((s, i) => m.destinations.forEach((d, j) => { if (s !== d && !matrixCell(m, i, j)) out.push(`${s} -> ${d}`); }));
  return out.sort();
}

/** Every ordered pair of pods (loopback excluded) where `pred(src, dst)` holds, sorted. */
export function pairs(pred: (src: string, dst: string) => boolean): string[] {
  const out: string[] = [];
  for (const s of ALL_PODS) for (const d of ALL_PODS) if (s !== d && pred(s, d)) out.push(`${s} -> ${d}`);
  return out.sort();
}

export const ns = (key: string) => key.split('/')[0] as string;
export const pod = (key: string) => key.split('/')[1] as string;

export function policy(name: string, namespace: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: "${namespace}"\nspec:\n${spec.replace(/^\n/, '').split('\n').map((l) => (l.trim() === '' ? l : `  ${l}`)).join('\n')}\n`;
}
