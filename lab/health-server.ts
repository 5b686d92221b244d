// kube-proxy's healthCheckNodePort server in a lab node's namespace: a small HTTP server that
// answers every path with the status, headers and JSON body kube-proxy would (200 when the node
// has a local endpoint, 503 otherwise; the engine's healthCheckResponse decides all three). It
// runs as `node` on a script the lab writes into its own state directory.
import { join } from 'node:path';
import { healthCheckResponse, type KubeProxyInput } from '../sim/index.js';

export interface HealthAnswer {
  readonly port: number;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What each healthCheckNodePort answers on this node. */
export function healthAnswers(input: KubeProxyInput): HealthAnswer[] {
  const out: HealthAnswer[] = [];
  const seen = new Set<number>();
  for (const s of input.services) {
    const port = s.healthCheckNodePort;
    if (port === undefined || seen.has(port)) continue;
    seen.add(port);
    const r = healthCheckResponse(input, { namespace: s.namespace, name: s.name });
    if (r) out.push({ port, status: r.status, headers: r.headers, body: r.body });
  }
  return out;
}

/** The server script: one listener per port, fixed answers (kube-proxy's are recomputed on every sync; the lab restarts it). */
export function healthServerScript(answers: readonly HealthAnswer[]): string {
  return `// written by hoplab lab: kube-proxy's healthCheckNodePort answers
const http = require('node:http');
const answers = ${JSON.stringify(answers)};
for (const a of answers) {
  http.createServer((req, res) => {
    // kube-proxy's headers, and the length Go's server sends (so no chunked body for HTTP/1.1).
    res.writeHead(a.status, { ...a.headers, 'Content-Length': Buffer.byteLength(a.body) });
    res.end(a.body);
  }).listen(a.port, '0.0.0.0');
}
`;
}

export function healthScriptPath(stateDir: string, node: string): string {
  return join(stateDir, node, 'kube-proxy-health.cjs');
}
