// healthCheckNodePort answers (service_health.go hcHandler.ServeHTTP).
import { describe, expect, it } from 'vitest';
import { healthCheckHttp, healthCheckResponse, type KubeProxyInput } from '../../../sim/apps/kube-proxy/index.js';

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

describe('healthCheckHttp: the bytes Go\'s net/http server sends', () => {
  const answer = healthCheckResponse(cluster, { namespace: 'ns1', name: 'svc1' }, 'node-c');
  if (!answer) throw new Error('no answer');
  const T = Date.UTC(2020, 9, 31, 5, 1, 20, 700);
  const body = answer.body;
  it('HAProxy\'s HTTP/1.0 check: an HTTP/1.0 status line, sorted handler headers, Date, Content-Length, then close', () => {
    const a = healthCheckHttp('GET /healthz HTTP/1.0', answer, T);
    expect(a.close).toBe(true);
    expect(a.text).toBe(`HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\nX-Load-Balancing-Endpoint-Weight: 0\r\nDate: Sat, 31 Oct 2020 05:01:20 GMT\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });
  it('HTTP/1.1 keeps the connection open; Connection: close gets "Connection: close" and a close', () => {
    const keep = healthCheckHttp('GET / HTTP/1.1\r\nHost: 10.0.0.1:32000\r\nUser-Agent: curl/7.88.1', answer, T);
    expect(keep.close).toBe(false);
    expect(keep.text.startsWith('HTTP/1.1 503 Service Unavailable\r\n')).toBe(true);
    expect(keep.text).not.toContain('Connection:');
    const close = healthCheckHttp('GET / HTTP/1.1\r\nhost: x\r\nconnection: close', answer, T);
    expect(close.close).toBe(true);
    expect(close.text).toContain(`Content-Length: ${body.length}\r\nConnection: close\r\n\r\n{`);
  });
  it('HTTP/1.0 with keep-alive is kept alive and told so', () => {
    const a = healthCheckHttp('GET / HTTP/1.0\r\nConnection: Keep-Alive', answer, T);
    expect(a.close).toBe(false);
    expect(a.text).toContain('\r\nConnection: keep-alive\r\n\r\n');
  });
  it('HEAD: the head with the body\'s length, no body', () => {
    const a = healthCheckHttp('HEAD / HTTP/1.1\r\nHost: x', answer, T);
    expect(a.text.endsWith(`Content-Length: ${body.length}\r\n\r\n`)).toBe(true);
  });
  it('an HTTP/1.1 request without Host, and a request line that does not parse, get 400 and a close', () => {
    expect(healthCheckHttp('GET /healthz HTTP/1.1', answer, T)).toEqual({
      text: 'HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header',
      close: true,
    });
    expect(healthCheckHttp('hello', answer, T)).toEqual({ text: 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request', close: true });
  });
});
