// Render time of kube-proxy's iptables rules for 100 Services x 10 endpoints on one node, in each
// output order (the restore payload and the iptables-save view).
import { renderKubeProxyRules, type KubeProxyInput, type RuleOrder } from '../sim/index.js';
import { median, type BenchResult } from './result.js';

function cluster(services: number, endpointsPerService: number): KubeProxyInput {
  const svcs: KubeProxyInput['services'][number][] = [];
  const eps: KubeProxyInput['endpoints'][number][] = [];
  for (let s = 0; s < services; s++) {
    const name = `svc-${s}`;
    svcs.push({
      namespace: 'bench',
      name,
      portName: 'http',
      protocol: 'TCP',
      type: s % 4 === 0 ? 'LoadBalancer' : 'NodePort',
      clusterIP: `10.96.${s >> 8}.${s & 255}`,
      port: 80,
      nodePort: 30000 + s,
      ...(s % 4 === 0 ? { loadBalancerIPs: [`172.18.255.${s & 255}`], externalTrafficPolicy: 'Local' as const, healthCheckNodePort: 31000 + s } : {}),
      ...(s % 10 === 0 ? { sessionAffinity: 'ClientIP' as const } : {}),
    });
    eps.push({
      namespace: 'bench',
      name,
      portName: 'http',
      endpoints: Array.from({ length: endpointsPerService }, (_, e) => ({
        ip: `10.244.${(s * endpointsPerService + e) >> 8}.${(s * endpointsPerService + e) & 255}`,
        port: 8080,
        nodeName: `node-${e % 3}`,
      })),
    });
  }
  return { nodeName: 'node-0', nodeIPs: ['192.168.0.10'], clusterCIDR: '10.244.0.0/16', nfacctAvailable: true, services: svcs, endpoints: eps };
}

export default async function run(): Promise<BenchResult[]> {
  const input = cluster(100, 10);
  const results: BenchResult[] = [];
  for (const order of ['kube-proxy', 'iptables-save'] as RuleOrder[]) {
    for (let i = 0; i < 5; i++) renderKubeProxyRules(input, { order }); // warm-up
    const times: number[] = [];
    let lines = 0;
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const out = renderKubeProxyRules(input, { order });
      times.push(performance.now() - t0);
      lines = out.rules.length;
    }
    results.push({
      name: `kube-proxy render 100 services x 10 endpoints (${order})`,
      median: median(times),
      unit: 'ms',
      // Interactive budget: a user edits a Service and expects the node's rules at once.
      target: order === 'iptables-save' ? 100 : 50,
      extra: { rules: lines },
    });
  }
  return results;
}
