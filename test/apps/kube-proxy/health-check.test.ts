// healthCheckNodePort answers (service_health.go hcHandler.ServeHTTP).
import { describe, expect, it } from 'vitest';
import { healthCheckResponse, type KubeProxyInput } from '../../../sim/apps/kube-proxy/index.js';

const cluster: KubeProxyInput = {
  nodeName: 'node-a',
  nodeIPs: ['192.168.0.2'],
  services: [
    { namespace: 'ns1', name: 'svc1', portName: 'http', protocol: 'TCP', type: 'LoadBalancer', clusterIP: '10.96.0.1', port: 80, nodePort: 30080, healthCheckNodePort: 32000, externalTrafficPolicy: 'Local' },
    { namespace: 'ns1', name: 'svc1', portName: 'https', protocol: 'TCP', type: 'LoadBalancer', clusterIP: '10.96.0.1', port: 443, nodePort: 30443, healthCheckNodePort: 32000, externalTrafficPolicy: 'Local' },
    { namespace: 'ns1', name: 'plain', protocol: 'TCP', type: 'LoadBalancer', clusterIP: '10.96.0.2', port: 80, nodePort: 30081, healthCheckNodePort: 32001, externalTrafficPolicy: 'Cluster' },
  ],
  endpoints: [
    { namespace: 'ns1', name: 'svc1', portName: 'http', endpoints: [{ ip: '10.244.0.5', port: 8080, nodeName: 'node-a' }, { ip: '10.244.1.5', port: 8080, nodeName: 'node-b' }] },
    { namespace: 'ns1', name: 'svc1', portName: 'https', endpoints: [{ ip: '10.244.0.5', port: 8443, nodeName: 'node-a' }, { ip: '10.244.0.6', port: 8443, nodeName: 'node-a', ready: false, serving: true, terminating: true }] },
  ],
};

describe('healthCheckResponse', () => {
  it('answers 200 with JSON counting distinct local ready endpoint IPs over all ports', () => {
    const r = healthCheckResponse(cluster, { namespace: 'ns1', name: 'svc1' });
    expect(r?.status).toBe(200);
    expect(r?.localEndpoints).toBe(1);
    expect(r?.headers).toEqual({ 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'X-Load-Balancing-Endpoint-Weight': '1' });
    expect(r?.body).toBe('{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "svc1"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}');
    expect(JSON.parse(r?.body ?? '')).toEqual({ service: { namespace: 'ns1', name: 'svc1' }, localEndpoints: 1, serviceProxyHealthy: true });
  });

  it('answers 503 on a node without local ready endpoints', () => {
    const r = healthCheckResponse(cluster, { namespace: 'ns1', name: 'svc1' }, 'node-c');
    expect(r?.status).toBe(503);
    expect(r?.localEndpoints).toBe(0);
    expect(r?.headers['X-Load-Balancing-Endpoint-Weight']).toBe('0');
  });

  it('answers 503 when kube-proxy itself is unhealthy', () => {
    const r = healthCheckResponse(cluster, { namespace: 'ns1', name: 'svc1' }, 'node-a', { proxyHealthy: false });
    expect(r?.status).toBe(503);
    expect(r?.body).toContain('"serviceProxyHealthy": false');
  });

  it('has no listener for services without a Local health check port', () => {
    expect(healthCheckResponse(cluster, { namespace: 'ns1', name: 'plain' })).toBeUndefined();
    expect(healthCheckResponse(cluster, { namespace: 'ns1', name: 'missing' })).toBeUndefined();
  });
});
