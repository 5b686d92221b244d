// Resolved nginx model: the http{} settings and each server{} with its listens, names and
// locations, with inheritance http -> server -> location applied (nginx merges a directive set at
// an outer level into inner levels that do not set it). Includes are spliced in from what the
// caller resolved (keyed by the include argument, e.g. "/etc/nginx/conf.d/*.conf").
// Defaults: root "html" (relative to the prefix, /etc/nginx in the official image), index
// "index.html", listen *:80, real_ip_header X-Real-IP, error_log level "error", server_tokens on.

import { diag, type Diagnostic, type Parsed } from '../../core/diagnostics.js';
import { parseCidr, type Cidr } from '../../core/ip.js';
import type { NginxConfig, NginxDirective } from '../../parsers/nginx-conf/index.js';

export const NGINX_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;
export type NginxLevel = (typeof NGINX_LEVELS)[number];

export interface Listen {
  readonly addr?: string;
  readonly ipv6: boolean;
  readonly port: number;
  readonly defaultServer: boolean;
  readonly proxyProtocol: boolean;
  readonly directive: NginxDirective;
}

export interface RealIp {
  readonly from: readonly Cidr[];
  /** "X-Real-IP", "X-Forwarded-For", "proxy_protocol" or another header name. */
  readonly header: string;
  readonly recursive: boolean;
}

export interface LocSettings {
  readonly root: string;
  readonly index: readonly string[];
  readonly accessLog: readonly { readonly path: string; readonly format: string }[] | 'off';
  readonly realIp: RealIp;
  readonly serverTokens: 'on' | 'off' | 'build';
  readonly logNotFound: boolean;
  /** sendfile: a static file's body is sent by sendfile(2), after the head was written (default off). */
  readonly sendfile: boolean;
  /** tcp_nopush: with sendfile, TCP_CORK holds the head until the body joins it (default off). */
  readonly tcpNopush: boolean;
}

export interface LocationModel {
  readonly modifier: '' | '=' | '~' | '~*' | '^~';
  readonly pattern: string;
  readonly ret?: { readonly code: number; readonly text?: string };
  readonly settings: LocSettings;
  readonly directive: NginxDirective;
}

export interface ServerBlock {
  readonly listens: readonly Listen[];
  readonly names: readonly string[];
  readonly locations: readonly LocationModel[];
  readonly ret?: { readonly code: number; readonly text?: string };
  readonly settings: LocSettings;
  readonly directive: NginxDirective;
}

export interface NginxModel {
  readonly servers: readonly ServerBlock[];
  readonly logFormats: ReadonlyMap<string, string>;
  readonly errorLogLevel: NginxLevel;
}

/** The predefined "combined" format (ngx_http_log_module). */
export const COMBINED_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

const DEFAULT_SETTINGS: LocSettings = {
  root: 'html',
  index: ['index.html'],
  accessLog: [{ path: 'logs/access.log', format: 'combined' }],
  realIp: { from: [], header: 'X-Real-IP', recursive: false },
  serverTokens: 'on',
  logNotFound: true,
  sendfile: false,
  tcpNopush: false,
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface OwnLevel { realFrom: Cidr[]; access?: { path: string; format: string }[] | 'off' }

function applySetting(s: Mutable<LocSettings>, own: OwnLevel, d: NginxDirective, out: Diagnostic[]): boolean {
  const a0 = d.args[0] ?? '';
  switch (d.name) {
    case 'root': s.root = a0; return true;
    case 'index': s.index = d.args; return true;
    case 'access_log':
      // Any access_log at a level replaces the inherited ones; several at one level all apply.
      if (a0 === 'off') { own.access = 'off'; return true; }
      own.access = [...(own.access === undefined || own.access === 'off' ? [] : own.access), { path: a0, format: d.args[1] ?? 'combined' }];
      if (d.args.length > 2) out.push(diag('unsupported', d.argLocs[2] ?? d.loc, `access_log parameters after the format are not modelled`, { code: 'nginx-access-log' }));
      return true;
    case 'set_real_ip_from': {
      if (a0 === 'unix:') { out.push(diag('unsupported', d.argLocs[0] ?? d.loc, `set_real_ip_from unix: is not modelled`)); return true; }
      const c = parseCidr(a0, { strict: false });
      if (!c) { out.push(diag(a0.includes(':') ? 'unsupported' : 'error', d.argLocs[0] ?? d.loc, `set_real_ip_from: "${a0}" is not an IPv4 address or network`, { expected: 'address or CIDR' })); return true; }
      own.realFrom.push(c);
      return true;
    }
    case 'real_ip_header': s.realIp = { ...s.realIp, header: a0 }; return true;
    case 'real_ip_recursive':
      if (a0 !== 'on' && a0 !== 'off') out.push(diag('error', d.argLocs[0] ?? d.loc, `invalid value "${a0}" in "real_ip_recursive" directive, it must be "on" or "off"`));
      s.realIp = { ...s.realIp, recursive: a0 === 'on' };
      return true;
    case 'server_tokens':
      if (a0 !== 'on' && a0 !== 'off' && a0 !== 'build') out.push(diag('error', d.argLocs[0] ?? d.loc, `invalid value "${a0}" in "server_tokens"`, { expected: 'on, off or build' }));
      else s.serverTokens = a0;
      return true;
    case 'log_not_found': s.logNotFound = a0 === 'on'; return true;
    case 'sendfile':
    case 'tcp_nopush':
      if (a0 !== 'on' && a0 !== 'off') out.push(diag('error', d.argLocs[0] ?? d.loc, `invalid value "${a0}" in "${d.name}" directive, it must be "on" or "off"`));
      else if (d.name === 'sendfile') s.sendfile = a0 === 'on';
      else s.tcpNopush = a0 === 'on';
      return true;
    default: return false;
  }
}

/** Applies the settings of a block on top of the inherited ones. */
function settle(parent: LocSettings, block: readonly NginxDirective[], out: Diagnostic[]): LocSettings {
  const s: Mutable<LocSettings> = { ...parent };
  const own: OwnLevel = { realFrom: [] };
  for (const d of block) applySetting(s, own, d, out);
  if (own.access !== undefined) s.accessLog = own.access;
  // set_real_ip_from at an inner level replaces the inherited list (array merge in ngx_http_realip_module).
  if (own.realFrom.length > 0) s.realIp = { ...s.realIp, from: own.realFrom };
  return s;
}

function parseReturn(d: NginxDirective, out: Diagnostic[]): { code: number; text?: string } | undefined {
  const a0 = d.args[0] ?? '';
  if (/^\d{3}$/.test(a0)) {
    const r: { code: number; text?: string } = { code: Number(a0) };
    if (d.args[1] !== undefined) r.text = d.args[1];
    return r;
  }
  if (/^(https?:\/\/|\$scheme)/.test(a0)) return { code: 302, text: a0 };
  out.push(diag('error', d.argLocs[0] ?? d.loc, `invalid return code "${a0}"`, { expected: 'a status code or a URL' }));
  return undefined;
}

function parseListen(d: NginxDirective, out: Diagnostic[]): Listen | undefined {
  const a0 = d.args[0] ?? '';
  let addr: string | undefined;
  let port = 80;
  let ipv6 = false;
  const m6 = /^\[([0-9a-fA-F:.]*)\](?::(\d+))?$/.exec(a0);
  if (m6) { ipv6 = true; addr = m6[1] === '::' ? undefined : m6[1]; if (m6[2]) port = Number(m6[2]); }
  else if (/^\d+$/.test(a0)) port = Number(a0);
  else if (a0.startsWith('unix:')) { out.push(diag('unsupported', d.argLocs[0] ?? d.loc, `UNIX socket listen is not modelled`)); return undefined; }
  else {
    const m = /^([^:]+)(?::(\d+))?$/.exec(a0);
    if (!m) { out.push(diag('error', d.argLocs[0] ?? d.loc, `invalid listen address "${a0}"`)); return undefined; }
    addr = m[1] === '*' || m[1] === '0.0.0.0' ? undefined : m[1];
    if (m[2]) port = Number(m[2]);
  }
  if (port < 1 || port > 65535) { out.push(diag('error', d.argLocs[0] ?? d.loc, `invalid port in "${a0}" of the "listen" directive`)); return undefined; }
  let defaultServer = false;
  let proxyProtocol = false;
  d.args.slice(1).forEach((p, i) => {
    if (p === 'default_server' || p === 'default') defaultServer = true;
    else if (p === 'proxy_protocol') proxyProtocol = true;
    else out.push(diag('unsupported', d.argLocs[i + 1] ?? d.loc, `listen parameter "${p}" is not modelled`, { code: 'nginx-listen' }));
  });
  const l: Mutable<Listen> = { ipv6, port, defaultServer, proxyProtocol, directive: d };
  if (addr !== undefined) l.addr = addr;
  return l;
}

function expand(ds: readonly NginxDirective[], includes: ReadonlyMap<string, readonly NginxConfig[]>, out: Diagnostic[], depth = 0): NginxDirective[] {
  const r: NginxDirective[] = [];
  for (const d of ds) {
    if (d.name === 'include') {
      const files = includes.get(d.args[0] ?? '');
      if (files === undefined) {
        if (!/mime\.types$|fastcgi_params$|uwsgi_params$|scgi_params$/.test(d.args[0] ?? '')) {
          out.push(diag('info', d.loc, `include "${d.args[0] ?? ''}" was not provided; its content is not modelled`));
        }
        continue;
      }
      if (depth > 8) { out.push(diag('error', d.loc, `include nesting too deep`)); continue; }
      for (const f of files) r.push(...expand(f.directives, includes, out, depth + 1));
      continue;
    }
    r.push(d.block ? { ...d, block: expand(d.block, includes, out, depth) } : d);
  }
  return r;
}

export function resolveNginx(main: NginxConfig, includes: ReadonlyMap<string, readonly NginxConfig[]> = new Map()): Parsed<NginxModel> {
  const out: Diagnostic[] = [];
  const top = expand(main.directives, includes, out);
  let errorLogLevel: NginxLevel = 'error';
  const logFormats = new Map<string, string>([['combined', COMBINED_FORMAT]]);
  const servers: ServerBlock[] = [];
  for (const d of top) {
    if (d.name === 'error_log') {
      const lv = d.args[1] as NginxLevel | undefined;
      if (lv !== undefined && !(NGINX_LEVELS as readonly string[]).includes(lv)) out.push(diag('error', d.argLocs[1] ?? d.loc, `unknown log level "${lv}"`));
      else errorLogLevel = lv ?? 'error';
    }
    if (d.name !== 'http' || !d.block) continue;
    const http = settle(DEFAULT_SETTINGS, d.block, out);
    for (const h of d.block) {
      if (h.name === 'log_format') {
        const name = h.args[0] ?? '';
        if (h.args[1] === 'escape=default' || h.args[1] === 'escape=json' || h.args[1] === 'escape=none') {
          out.push(diag('unsupported', h.argLocs[1] ?? h.loc, `log_format escape= is not modelled`));
        }
        if (logFormats.has(name) && name !== 'combined') out.push(diag('error', h.loc, `duplicate "log_format" name "${name}"`));
        logFormats.set(name, h.args.slice(1).join(''));
      }
      if (h.name !== 'server' || !h.block) continue;
      const ss = settle(http, h.block, out);
      const listens: Listen[] = [];
      const names: string[] = [];
      const locations: LocationModel[] = [];
      let ret: ServerBlock['ret'];
      for (const x of h.block) {
        if (x.name === 'listen') { const l = parseListen(x, out); if (l) listens.push(l); }
        else if (x.name === 'server_name') names.push(...x.args);
        else if (x.name === 'return') ret = parseReturn(x, out);
        else if (x.name === 'location' && x.block) {
          const mod = x.args.length === 2 ? x.args[0] as string : '';
          const pattern = (x.args.length === 2 ? x.args[1] : x.args[0]) ?? '';
          if (!['', '=', '~', '~*', '^~'].includes(mod)) { out.push(diag('error', x.argLocs[0] ?? x.loc, `invalid location modifier "${mod}"`, { expected: '=, ~, ~*, ^~' })); continue; }
          if (pattern.startsWith('@')) { out.push(diag('unsupported', x.loc, `named locations are not modelled`)); continue; }
          const ls = settle(ss, x.block, out);
          let lret: LocationModel['ret'];
          for (const y of x.block) {
            if (y.name === 'return') lret = parseReturn(y, out);
            if (y.name === 'location') out.push(diag('unsupported', y.loc, `nested locations are not modelled`));
          }
          const lm: Mutable<LocationModel> = { modifier: mod as LocationModel['modifier'], pattern, settings: ls, directive: x };
          if (lret) lm.ret = lret;
          locations.push(lm);
        }
      }
      const sb: Mutable<ServerBlock> = {
        listens: listens.length > 0 ? listens : [{ ipv6: false, port: 80, defaultServer: false, proxyProtocol: false, directive: h }],
        names: names.length > 0 ? names : [''], locations, settings: ss, directive: h,
      };
      if (ret) sb.ret = ret;
      servers.push(sb);
    }
  }
  // Validate access_log format names.
  for (const s of servers) {
    for (const st of [s.settings, ...s.locations.map((l) => l.settings)]) {
      if (st.accessLog === 'off') continue;
      for (const a of st.accessLog) if (!logFormats.has(a.format)) out.push(diag('error', s.directive.loc, `unknown log format "${a.format}"`));
    }
  }
  return { value: { servers, logFormats, errorLogLevel }, diagnostics: out };
}
