// The answer of kube-proxy's per-service health check server on a Service's healthCheckNodePort
// (pkg/proxy/healthcheck/service_health.go hcHandler.ServeHTTP; counts from
// pkg/proxy/endpoints.go EndpointsMap.LocalReadyEndpoints). Any path gets the same answer:
// 200 when the node has at least one local Ready endpoint and kube-proxy itself is healthy,
// otherwise 503. The count is of distinct endpoint IPs over all the Service's ports, so a pod
// serving ports 80 and 443 counts once; terminating endpoints do not count.

import type { KubeProxyInput } from './types.js';

export interface HealthCheckResponse {
  readonly status: 200 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly localEndpoints: number;
}

export interface HealthCheckOptions {
  /** kube-proxy's own healthz state (its last sync succeeded recently); default true. */
  readonly proxyHealthy?: boolean;
}

/** Go's %q for the plain strings Kubernetes names are (DNS labels): a double-quoted string. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * The HTTP answer for `service` on `nodeName`, or undefined when the Service has no
 * healthCheckNodePort (nothing listens: a client gets connection refused).
 */
export function healthCheckResponse(
  input: KubeProxyInput,
  service: { readonly namespace: string; readonly name: string },
  nodeName: string = input.nodeName,
  opts: HealthCheckOptions = {},
): HealthCheckResponse | undefined {
  const ports = input.services.filter((s) => s.namespace === service.namespace && s.name === service.name);
  const served = ports.some(
    (s) => (s.healthCheckNodePort ?? 0) !== 0 && s.externalTrafficPolicy === 'Local' && (s.type === undefined || s.type === 'LoadBalancer'),
  );
  if (!served) return undefined;
  const ips = new Set<string>();
  for (const e of input.endpoints) {
    if (e.namespace !== service.namespace || e.name !== service.name) continue;
    for (const ep of e.endpoints) {
      if (ep.ip.includes(':')) continue; // the IPv4 proxier's map only
      if (nodeName !== '' && ep.nodeName === nodeName && (ep.ready ?? true)) ips.add(ep.ip);
    }
  }
  const count = ips.size;
  const healthy = opts.proxyHealthy ?? true;
  const body = [
    '{',
    '\t"service": {',
    `\t\t"namespace": ${goQuote(service.namespace)},`,
    `\t\t"name": ${goQuote(service.name)}`,
    '\t},',
    `\t"localEndpoints": ${count},`,
    `\t"serviceProxyHealthy": ${healthy}`,
    '}',
  ].join('\n');
  return {
    status: count !== 0 && healthy ? 200 : 503,
    headers: {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
      'X-Load-Balancing-Endpoint-Weight': String(count),
    },
    body,
    localEndpoints: count,
  };
}
