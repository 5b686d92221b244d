import { describe, expect, it } from 'vitest';
import { placePods } from '../../lab/placement.js';
import { planCluster, allocateClusterIPs, kubeProxyInput } from '../../lab/cluster-plan.js';
import { parseManifestFiles, type K8sObject } from '../../sim/index.js';
import { ictsc, ictscStateAt } from './helpers.js';

const cluster = { nodes: ['master', 'worker01', 'worker02'], controlPlane: ['master'] };

function deployment(extra: string, replicas = 1): K8sObject[] {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: { name: d, namespace: ns1 }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: x } }
  template:
    metadata: { labels: { app: x } }
    spec:
${extra}      containers: [{ name: c, image: nginx }]
`;
  const r = parseManifestFiles([{ file: 'd.yaml', text }]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.value;
}

describe('placePods', () => {
  it('honours nodeName (ICTSC step 0: the single pod on worker02)', () => {
    const p = placePods(ictscStateAt(0).objects, cluster);
    expect(p.placed.map((x) => x.node)).toEqual(['worker02']);
  });

  it('spreads required anti-affinity one per worker, in node order (ICTSC step 4)', () => {
    const p = placePods(ictscStateAt(4).objects, cluster);
    expect(p.placed.map((x) => x.node)).toEqual(['worker01', 'worker02']);
    expect(p.pending).toEqual([]);
  });

  it('leaves replicas beyond the schedulable nodes Pending under required anti-affinity', () => {
    const anti = `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: { matchLabels: { app: x } }
              topologyKey: kubernetes.io/hostname
`;
    const p = placePods(deployment(anti, 3), cluster);
    expect(p.placed.map((x) => x.node)).toEqual(['worker01', 'worker02']);
    expect(p.pending).toHaveLength(1);
    expect(p.pending[0]?.reason).toMatch(/anti-affinity/);
  });

  it('puts unconstrained replicas on the first schedulable node, never on the control plane', () => {
    const p = placePods(deployment('', 2), cluster);
    expect(p.placed.map((x) => x.node)).toEqual(['worker01', 'worker01']);
  });

  it('names pods after the template, so a changed template means new pods', () => {
    const a = placePods(ictscStateAt(0).objects, cluster).placed[0]?.name;
    const b = placePods(ictscStateAt(4).objects, cluster).placed[0]?.name;
    expect(a).toMatch(/^my-deployment-[0-9a-f]{10}-0$/);
    expect(b).not.toBe(a);
  });
});

describe('cluster plan and kube-proxy input', () => {
  const k8s = ictsc().topology.kubernetes;
  if (!k8s) throw new Error('ICTSC has kubernetes');

  it('addresses the step-0 pod in worker02 block and selects it as the Service endpoint', () => {
    const st = ictscStateAt(0);
    const plan = planCluster(st.objects, k8s);
    expect(plan.pods.map((p) => [p.node, p.ip])).toEqual([['worker02', '172.20.6.1']]);
    const input = kubeProxyInput(st.objects, plan, 'worker01', ['172.16.0.11'], k8s.clusterCIDR);
    expect(input.services).toHaveLength(1);
    expect(input.services[0]).toMatchObject({ namespace: 'my-ns', name: 'my-service', nodePort: 30080, port: 80, clusterIP: '10.96.100.1' });
    expect(input.endpoints[0]?.endpoints).toEqual([{ ip: '172.20.6.1', port: 80, nodeName: 'worker02' }]);
  });

  it('carries externalTrafficPolicy Local from step 1', () => {
    const st = ictscStateAt(1);
    const plan = planCluster(st.objects, k8s);
    expect(kubeProxyInput(st.objects, plan, 'worker01', ['172.16.0.11'], k8s.clusterCIDR).services[0]?.externalTrafficPolicy).toBe('Local');
  });

  it('keeps a written ClusterIP and allocates the others in name order', () => {
    const svc = (name: string, ip?: string) => parseManifestFiles([{ file: 's.yaml', text: `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ns1 }\nspec:\n${ip ? `  clusterIP: ${ip}\n` : ''}  ports: [{ port: 80 }]\n` }]).value;
    const objs = [...svc('b'), ...svc('a'), ...svc('c', '10.96.100.1')].filter((o) => o.kind === 'Service');
    const m = allocateClusterIPs(objs as Parameters<typeof allocateClusterIPs>[0]);
    expect([m.get('ns1/a'), m.get('ns1/b'), m.get('ns1/c')]).toEqual(['10.96.100.2', '10.96.100.3', '10.96.100.1']);
  });
});

describe('preferred anti-affinity', () => {
  it('spreads replicas round robin over the schedulable nodes', () => {
    const pref = `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector: { matchLabels: { app: x } }
                topologyKey: kubernetes.io/hostname
`;
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: { name: d, namespace: ns1 }
spec:
  replicas: 3
  selector: { matchLabels: { app: x } }
  template:
    metadata: { labels: { app: x } }
    spec:
${pref}      containers: [{ name: c, image: nginx }]
`;
    const objs = parseManifestFiles([{ file: 'd.yaml', text }]).value;
    expect(placePods(objs, cluster).placed.map((p) => p.node)).toEqual(['worker01', 'worker02', 'worker01']);
  });
});
