// NodePort and healthCheckNodePort allocation as the API server's service registry does it
// (pkg/registry/core/service/portallocator): one pool of port numbers from --service-node-port-range
// (default 30000-32767) shared by every Service; a written port that is already taken is rejected.
// The real allocator picks a random free port; we take the lowest free one so that every run of the
// same manifests gives the same ports, and say so in an info diagnostic.
import type { Diagnostic } from '../../core/diagnostics.js';
import { diag } from '../../core/diagnostics.js';
import { fieldLoc } from '../../model/k8s/meta.js';
import type { K8sObject } from '../../model/k8s/objects.js';
import type { Service, ServicePort } from '../../model/k8s/service.js';
import { NODE_PORT_RANGE } from '../../model/k8s/service.js';

export function allocateNodePorts(objects: readonly K8sObject[]): { objects: K8sObject[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const used = new Map<number, string>(); // port -> owning service key
  const rejected = new Set<K8sObject>();
  const key = (s: Service) => `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
  for (const o of objects) {
    if (o.kind !== 'Service') continue;
    const claim = (port: number, path: string): void => {
      const owner = used.get(port);
      if (owner !== undefined && owner !== key(o)) {
        diagnostics.push(diag('error', fieldLoc(o, path), `${path}: Invalid value: ${port}: provided port is already allocated (by Service ${owner})`));
        rejected.add(o);
      } else used.set(port, key(o));
    };
    o.spec.ports.forEach((p, i) => { if (p.nodePort !== undefined) claim(p.nodePort, `spec.ports[${i}].nodePort`); });
    if (o.spec.healthCheckNodePort !== undefined) claim(o.spec.healthCheckNodePort, 'spec.healthCheckNodePort');
  }
  let next: number = NODE_PORT_RANGE.min;
  const take = (): number | undefined => {
    while (next <= NODE_PORT_RANGE.max && used.has(next)) next++;
    if (next > NODE_PORT_RANGE.max) return undefined;
    return next;
  };
  const out: K8sObject[] = [];
  for (const o of objects) {
    if (rejected.has(o)) continue;
    if (o.kind !== 'Service') { out.push(o); continue; }
    const wantsNodePorts = o.spec.type === 'NodePort' || (o.spec.type === 'LoadBalancer' && o.spec.allocateLoadBalancerNodePorts !== false);
    const byNumber = new Map<string, number>(); // same service port name/number across protocols shares one node port
    const ports: ServicePort[] = o.spec.ports.map((p, i) => {
      if (!wantsNodePorts || p.nodePort !== undefined) return p;
      const shareKey = `${p.port}`;
      let n = byNumber.get(shareKey);
      if (n === undefined) {
        n = take();
        if (n === undefined) {
          diagnostics.push(diag('error', fieldLoc(o, `spec.ports[${i}]`), `spec.ports[${i}].nodePort: Internal error: range is full (${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max})`));
          return p;
        }
        used.set(n, key(o));
        byNumber.set(shareKey, n);
        diagnostics.push(diag('info', fieldLoc(o, `spec.ports[${i}]`), `spec.ports[${i}].nodePort: allocated ${n} (the API server picks a random free port in ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}; hoplab takes the lowest free one so runs repeat)`, { code: 'nodeport-allocated' }));
      }
      return { ...p, nodePort: n, nodePortAllocated: true };
    });
    let spec: Service['spec'] = { ...o.spec, ports };
    if (o.spec.type === 'LoadBalancer' && o.spec.externalTrafficPolicy === 'Local' && o.spec.healthCheckNodePort === undefined) {
      const n = take();
      if (n !== undefined) {
        used.set(n, key(o));
        spec = { ...spec, healthCheckNodePort: n, healthCheckNodePortAllocated: true };
        diagnostics.push(diag('info', fieldLoc(o, 'spec.externalTrafficPolicy'), `spec.healthCheckNodePort: allocated ${n} (LoadBalancer with externalTrafficPolicy Local)`, { code: 'nodeport-allocated' }));
      }
    }
    out.push({ ...o, spec });
  }
  return { objects: out, diagnostics };
}
