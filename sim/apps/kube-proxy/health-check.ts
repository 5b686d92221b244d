// The answer of kube-proxy's per-service health check server on a Service's healthCheckNodePort
// (pkg/proxy/healthcheck/service_health.go hcHandler.ServeHTTP; counts from
// pkg/proxy/endpoints.go EndpointsMap.LocalReadyEndpoints). Any path gets the same answer:
// 200 when the node has at least one local Ready endpoint and kube-proxy itself is healthy,
// otherwise 503. The count is of distinct endpoint IPs over all the Service's ports, so a pod
// serving ports 80 and 443 counts once; terminating endpoints do not count.

import type { KubeProxyInput } from './types.js';
import { utf8Length } from '../../core/utf8.js';

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

/** What Go's HTTP server writes for one request, and whether it then closes the connection. */
export interface GoHttpAnswer {
  readonly text: string;
  readonly close: boolean;
}

const GO_ERROR_HEADERS = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';
const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 503: 'Service Unavailable' };

function hasToken(value: string | undefined, token: string): boolean {
  return value !== undefined && value.split(',').some((t) => t.trim().toLowerCase() === token);
}

/**
 * The bytes kube-proxy's health check server (Go's net/http) sends for one request head, `answer`
 * being the handler's status, headers and body (healthCheckResponse), `timeMs` the wall clock.
 *
 * - A request line that does not parse gets "400 Bad Request" and the connection closes; so does
 *   an HTTP/1.1 request without Host ("400 Bad Request: missing required Host header";
 *   server.go readRequest and the error replies of conn.serve).
 * - The status line carries the request's version (writeStatusLine). The handler's headers
 *   come first, sorted by name (Header.WriteSubset), then Date and Content-Length, then
 *   Connection when there is one (extraHeader.Write). Go knows the length because the handler
 *   finished before anything was written (chunkWriter.writeHeader).
 * - HTTP/1.0 closes after the answer unless the request asked for keep-alive (the answer then
 *   says "Connection: keep-alive"); HTTP/1.1 keeps the connection unless the request said
 *   "Connection: close" (the answer then says so). HEAD gets the head without the body.
 */
export function healthCheckHttp(requestHead: string, answer: Pick<HealthCheckResponse, 'status' | 'headers' | 'body'>, timeMs: number): GoHttpAnswer {
  const lines = requestHead.split('\r\n');
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d)\.(\d)$/.exec(lines[0] ?? '');
  if (!m || m[3] !== '1') return { text: `HTTP/1.1 400 Bad Request${GO_ERROR_HEADERS}400 Bad Request`, close: true };
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const i = line.indexOf(':');
    if (i <= 0) return { text: `HTTP/1.1 400 Bad Request${GO_ERROR_HEADERS}400 Bad Request`, close: true };
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    fields.set(name, fields.has(name) ? `${fields.get(name)}, ${value}` : value);
  }
  const is11 = m[4] !== '0';
  if (is11 && !fields.has('host')) {
    const t = '400 Bad Request: missing required Host header';
    return { text: `HTTP/1.1 ${t}${GO_ERROR_HEADERS}${t}`, close: true };
  }
  const conn = fields.get('connection');
  const wants10KeepAlive = !is11 && hasToken(conn, 'keep-alive');
  const close = is11 ? hasToken(conn, 'close') : !wants10KeepAlive;
  let s = `HTTP/1.${is11 ? 1 : 0} ${answer.status} ${STATUS_TEXT[answer.status] ?? ''}\r\n`;
  for (const k of Object.keys(answer.headers).sort()) s += `${k}: ${answer.headers[k] ?? ''}\r\n`;
  s += `Date: ${new Date(Math.floor(timeMs / 1000) * 1000).toUTCString()}\r\n`;
  s += `Content-Length: ${utf8Length(answer.body)}\r\n`;
  if (wants10KeepAlive) s += 'Connection: keep-alive\r\n';
  else if (is11 && close) s += 'Connection: close\r\n';
  s += '\r\n';
  if (m[1] !== 'HEAD') s += answer.body;
  return { text: s, close };
}
