// The nginx directives the engine knows, with their contexts and argument counts as the nginx
// documentation lists them (nginx.org/en/docs: ngx_core_module, ngx_http_core_module,
// ngx_http_log_module, ngx_http_realip_module, ngx_http_index_module, ngx_http_rewrite_module
// `return`). "Recorded" directives are accepted without effect on what the engine predicts
// (sendfile, keepalive_timeout, ...). Everything else is reported as unsupported, located.

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { NginxDirective } from './types.js';

interface Spec {
  readonly contexts: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly block?: boolean;
}

const MAIN = ['main'];
const HTTP_SRV_LOC = ['http', 'server', 'location'];

/** Directives modelled by sim/apps/nginx. */
export const MODELLED: Readonly<Record<string, Spec>> = {
  events: { contexts: MAIN, min: 0, max: 0, block: true },
  http: { contexts: MAIN, min: 0, max: 0, block: true },
  server: { contexts: ['http'], min: 0, max: 0, block: true },
  location: { contexts: ['server', 'location'], min: 1, max: 2, block: true },
  include: { contexts: ['main', 'events', 'http', 'server', 'location', 'types'], min: 1, max: 1 },
  listen: { contexts: ['server'], min: 1, max: 20 },
  server_name: { contexts: ['server'], min: 1, max: 100 },
  root: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  index: { contexts: HTTP_SRV_LOC, min: 1, max: 100 },
  return: { contexts: ['server', 'location'], min: 1, max: 2 },
  log_format: { contexts: ['http'], min: 2, max: 100 },
  access_log: { contexts: HTTP_SRV_LOC, min: 1, max: 10 },
  error_log: { contexts: ['main', 'http', 'server', 'location'], min: 1, max: 2 },
  set_real_ip_from: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  real_ip_header: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  real_ip_recursive: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  server_tokens: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  log_not_found: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  error_page: { contexts: HTTP_SRV_LOC, min: 2, max: 100 },
};

/** Accepted and recorded; no effect on addresses, status codes or log lines. */
export const RECORDED: Readonly<Record<string, Spec>> = {
  user: { contexts: MAIN, min: 1, max: 2 },
  worker_processes: { contexts: MAIN, min: 1, max: 1 },
  pid: { contexts: MAIN, min: 1, max: 1 },
  worker_connections: { contexts: ['events'], min: 1, max: 1 },
  default_type: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  sendfile: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  tcp_nopush: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  tcp_nodelay: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  keepalive_timeout: { contexts: HTTP_SRV_LOC, min: 1, max: 2 },
  gzip: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  charset: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  types: { contexts: HTTP_SRV_LOC, min: 0, max: 0, block: true },
  types_hash_max_size: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
  server_names_hash_bucket_size: { contexts: ['http'], min: 1, max: 1 },
  multi_accept: { contexts: ['events'], min: 1, max: 1 },
  use: { contexts: ['events'], min: 1, max: 1 },
  worker_rlimit_nofile: { contexts: MAIN, min: 1, max: 1 },
  daemon: { contexts: MAIN, min: 1, max: 1 },
  client_max_body_size: { contexts: HTTP_SRV_LOC, min: 1, max: 1 },
};

/** Checks one directive against the context it appears in. */
export function checkDirective(d: NginxDirective, ctx: string, out: Diagnostic[]): void {
  // Inside `types { }` every line is "mime/type ext ...".
  if (ctx === 'types') return;
  const spec = MODELLED[d.name] ?? RECORDED[d.name];
  if (!spec) {
    out.push(diag('unsupported', d.loc, `directive "${d.name}" is not modelled`, { code: 'nginx-directive' }));
    return;
  }
  if (!spec.contexts.includes(ctx)) {
    out.push(diag('error', d.loc, `"${d.name}" directive is not allowed here`, { expected: `in ${spec.contexts.join(', ')}` }));
    return;
  }
  if (Boolean(spec.block) !== (d.block !== undefined)) {
    out.push(diag('error', d.loc, spec.block ? `directive "${d.name}" has no opening "{"` : `directive "${d.name}" is not terminated by ";"`));
    return;
  }
  if (d.args.length < spec.min || d.args.length > spec.max) {
    out.push(diag('error', d.loc, `invalid number of arguments in "${d.name}" directive`, { expected: spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}` }));
  }
}
