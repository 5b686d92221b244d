// One HTTP request through nginx as the official image serves it: PROXY protocol handling of the
// listen socket (src/core/ngx_proxy_protocol.c), realip (./realip.ts), server and location choice
// (./location.ts), `return`, the index and static modules (ngx_http_index_module.c,
// ngx_http_static_module.c), then the access log line and the error log lines.
//
// - listen ... proxy_protocol without a PROXY header: "broken header" error, connection closed, no
//   access log entry. A PROXY header sent to a listen without proxy_protocol is read as the request
//   line: 400 Bad Request, logged with that line as $request.
// - A URI ending in "/" tries each `index` file; a missing directory logs
//   "\"<root><uri><first index>\" is not found (2: No such file or directory)" and answers 404; an
//   existing directory without index file answers 403 "directory index of ... is forbidden".
// - Other URIs: a missing file logs "open() \"<path>\" failed (2: No such file or directory)" and
//   answers 404; a directory answers 301 to the URI with a slash; GET/HEAD serve the file, POST to an
//   existing file and other methods answer 405.

import type { Listen, LocationModel, LocSettings, NginxLevel, NginxModel, ServerBlock } from './model.js';
import { NGINX_LEVELS } from './model.js';
import { selectLocation, selectServer } from './location.js';
import { realClientAddr } from './realip.js';
import { compileLogFormat, errorLogLine, escapeLogValue, timeLocal, type ErrorLogContext } from './log.js';
import { utf8Bytes } from '../../core/utf8.js';
import { indexHtmlSize, specialResponseSize, x50HtmlSize } from './responses.js';

export interface NginxEnv {
  readonly version: string;
  /** Files and their sizes, by absolute path. Directories are inferred from file paths. */
  readonly files: ReadonlyMap<string, number>;
  /** Extra directories that exist without files. */
  readonly dirs?: ReadonlySet<string>;
  /**
   * Modification times of files (Unix seconds), for Last-Modified and ETag. A file without one
   * is taken as modified when the simulated clock starts.
   */
  readonly mtimes?: ReadonlyMap<string, number>;
  readonly prefix: string;
  readonly tzOffsetMinutes: number;
  /** Worker pid printed in error lines as "pid#tid". */
  readonly pid: number;
}

/**
 * When the official image's pages were built, by nginx version (Unix seconds): what its
 * Last-Modified and ETag say. nginx:1.19.3 serves index.html with ETag "5f7340cf-264".
 */
const IMAGE_MTIMES: Readonly<Record<string, number>> = { '1.19.3': 0x5f7340cf };

function imageMtimes(version: string): ReadonlyMap<string, number> {
  const t = IMAGE_MTIMES[version];
  return t === undefined ? new Map() : new Map([['/usr/share/nginx/html/index.html', t], ['/usr/share/nginx/html/50x.html', t]]);
}

/** The official image: /usr/share/nginx/html with index.html and 50x.html of that version, UTC. */
export function officialImageEnv(version = '1.19.3'): NginxEnv {
  return {
    version,
    files: new Map([
      ['/usr/share/nginx/html/index.html', indexHtmlSize(version)],
      ['/usr/share/nginx/html/50x.html', x50HtmlSize(version)],
    ]),
    mtimes: imageMtimes(version),
    prefix: '/etc/nginx',
    tzOffsetMinutes: 0,
    pid: 29,
  };
}

export interface NginxRequest {
  /** TCP peer of the connection to nginx. */
  readonly clientAddr: string;
  readonly clientPort: number;
  /** Address and port the client connected to (default: 80 on the wildcard address). */
  readonly serverAddr?: string;
  readonly serverPort?: number;
  /** The connection started with a PROXY protocol header carrying this source address. */
  readonly proxyProtocolAddr?: string;
  readonly proxyProtocolPort?: number;
  /** Destination fields of that PROXY header (the address the client reached on the proxy). */
  readonly proxyProtocolDstAddr?: string;
  readonly proxyProtocolDstPort?: number;
  readonly method: string;
  readonly path: string;
  readonly httpVersion: string;
  readonly headers: readonly (readonly [string, string])[];
  /** Time of the request, ms since the Unix epoch. */
  readonly time: number;
  /** Connection serial number printed as "*N" in error lines. */
  readonly connection?: number;
}

export interface NginxResponse {
  /** Undefined when nginx closes the connection without answering. */
  readonly status?: number;
  /** Bytes of body sent ($body_bytes_sent): none for HEAD. */
  readonly bodyBytes: number;
  /** The Content-Length header: the body's size, also for HEAD. */
  readonly contentLength: number;
  /** The static file served (200), for Content-Type, Last-Modified and ETag. */
  readonly file?: string;
  /** The Location header of a redirect, as nginx writes it (absolute_redirect on). */
  readonly redirect?: string;
  /** The settings that applied (server_tokens, sendfile, tcp_nopush). */
  readonly settings?: LocSettings;
  readonly accessLogLine?: string;
  readonly accessLogLines: readonly string[];
  readonly errorLogLines: readonly string[];
  /** $remote_addr after realip. */
  readonly remoteAddr: string;
  readonly server?: ServerBlock;
  readonly location?: LocationModel;
  readonly why: readonly string[];
}

/**
 * The value of a request header by its lower-case ASCII name (the first header of that name).
 * A name whose length differs cannot match: lower-casing keeps the length of every string that
 * can turn into an ASCII one.
 */
function header(req: NginxRequest, n: string): string | undefined {
  const hs = req.headers;
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i] as readonly [string, string];
    if (h[0].length === n.length && h[0].toLowerCase() === n) return h[1];
  }
  return undefined;
}

function isDir(env: NginxEnv, path: string): boolean {
  const p = path.endsWith('/') ? path : `${path}/`;
  if (env.dirs?.has(p) || env.dirs?.has(p.slice(0, -1))) return true;
  for (const f of env.files.keys()) if (f.startsWith(p)) return true;
  return false;
}

function rootPath(env: NginxEnv, root: string): string {
  return root.startsWith('/') ? root : `${env.prefix}/${root}`;
}

/** Methods the static module answers (others get 405). */
function isStaticMethod(m: string): boolean {
  return m === 'GET' || m === 'HEAD' || m === 'POST';
}

interface LogError { readonly level: NginxLevel; readonly message: string }

const NO_WHY: readonly string[] = Object.freeze([]);
const NO_ERRORS: readonly LogError[] = Object.freeze([]);

/** What serving a URI came to, with the location (and its settings) that decided it. */
class Served {
  constructor(
    readonly status: number,
    readonly body: number,
    readonly errors: readonly LogError[],
    readonly why: readonly string[],
    readonly location: LocationModel | undefined,
    readonly settings: LocSettings,
    /** The file served (200 from a file) and its size (the Content-Length, also for HEAD). */
    readonly file?: string,
    readonly size = 0,
    /** The redirect's target: a URI (made absolute in the head) or the `return` text. */
    readonly redirect?: string,
  ) {}
}

/** Size of the page nginx writes itself for `code` (with MSIE padding for that user agent). */
function special(env: NginxEnv, st: LocSettings, ua: string | undefined, code: number): number {
  return specialResponseSize(code, ua === undefined ? { version: env.version, serverTokens: st.serverTokens } : { version: env.version, serverTokens: st.serverTokens, userAgent: ua }) ?? 0;
}

function serveStatic(env: NginxEnv, req: NginxRequest, s: ServerBlock, uri: string, ua: string | undefined, ex: boolean, depth = 0): Served {
  const loc = selectLocation(s, uri);
  const st = loc?.settings ?? s.settings;
  const why: readonly string[] = ex ? [loc ? `location ${loc.modifier ? `${loc.modifier} ` : ''}${loc.pattern} (line ${loc.directive.loc.line})` : 'no location matched'] : NO_WHY;
  const ret = s.ret ?? loc?.ret;
  if (ret) {
    const body = ret.text !== undefined && !(ret.code >= 301 && ret.code <= 308) ? utf8Bytes(ret.text).length : special(env, st, ua, ret.code);
    const redirect = ret.code >= 301 && ret.code <= 308 && ret.text !== undefined ? ret.text : undefined;
    return new Served(ret.code, body, NO_ERRORS, ex ? [...why, `return ${ret.code}`] : NO_WHY, loc, st, undefined, 0, redirect);
  }
  if (!isStaticMethod(req.method)) return new Served(405, special(env, st, ua, 405), NO_ERRORS, ex ? [...why, `${req.method} is not allowed on static content`] : NO_WHY, loc, st);
  const root = rootPath(env, st.root);
  if (uri.endsWith('/')) {
    for (const name of st.index) {
      const full = `${root}${uri}${name}`;
      if (env.files.has(full)) {
        if (depth > 5) break;
        const r = serveStatic(env, req, s, `${uri}${name}`, ua, ex, depth + 1);
        return ex ? new Served(r.status, r.body, r.errors, [...why, `index ${name}: internal redirect to ${uri}${name}`, ...r.why], r.location, r.settings, r.file, r.size, r.redirect) : r;
      }
      if (!isDir(env, `${root}${uri}`)) {
        const errors = st.logNotFound ? [{ level: 'error' as const, message: `"${full}" is not found (2: No such file or directory)` }] : NO_ERRORS;
        return new Served(404, special(env, st, ua, 404), errors, ex ? [...why, `directory ${root}${uri} does not exist`] : NO_WHY, loc, st);
      }
    }
    return new Served(403, special(env, st, ua, 403), [{ level: 'error', message: `directory index of "${root}${uri}" is forbidden` }], ex ? [...why, 'no index file in the directory'] : NO_WHY, loc, st);
  }
  const path = `${root}${uri}`;
  const size = env.files.get(path);
  if (size === undefined) {
    if (isDir(env, path)) return new Served(301, special(env, st, ua, 301), NO_ERRORS, ex ? [...why, `${path} is a directory: redirect to ${uri}/`] : NO_WHY, loc, st, undefined, 0, `${uri}/`);
    const errors = st.logNotFound ? [{ level: 'error' as const, message: `open() "${path}" failed (2: No such file or directory)` }] : NO_ERRORS;
    return new Served(404, special(env, st, ua, 404), errors, ex ? [...why, `${path} does not exist`] : NO_WHY, loc, st);
  }
  if (req.method === 'POST') return new Served(405, special(env, st, ua, 405), NO_ERRORS, ex ? [...why, 'POST to a static file'] : NO_WHY, loc, st);
  return new Served(200, req.method === 'HEAD' ? 0 : size, NO_ERRORS, ex ? [...why, `served ${path} (${size} bytes)`] : NO_WHY, loc, st, path, size);
}

/**
 * A quiet GET: a file found (200) depends only on the files, the server block and the URI, so it
 * is remembered per (files, server, URI); other answers (errors, redirects, pages whose size
 * depends on the user agent) are worked out every time.
 */
const served200 = new WeakMap<NginxEnv, WeakMap<ServerBlock, Map<string, Served>>>();
function servedGet(env: NginxEnv, req: NginxRequest, s: ServerBlock, uri: string, ua: string | undefined): Served {
  let byServer = served200.get(env);
  if (!byServer) { byServer = new WeakMap(); served200.set(env, byServer); }
  let byUri = byServer.get(s);
  if (!byUri) { byUri = new Map(); byServer.set(s, byUri); }
  const hit = byUri.get(uri);
  if (hit) return hit;
  const o = serveStatic(env, req, s, uri, ua, false);
  if (o.status === 200 && o.errors.length === 0 && byUri.size < 256) byUri.set(uri, o);
  return o;
}

/** error_log's level filter: a line is written at the configured level or above. */
function levelOk(model: NginxModel, lv: NginxLevel): boolean {
  return NGINX_LEVELS.indexOf(lv) >= NGINX_LEVELS.indexOf(model.errorLogLevel);
}

/** The listen directive of `server` for `port` (its first one when none names the port). */
function listenOn(server: ServerBlock, port: number): Listen | undefined {
  for (const l of server.listens) if (l.port === port) return l;
  return server.listens[0];
}

function listenText(listen: Listen | undefined, port: number): string {
  return `${listen?.addr ?? (listen?.ipv6 ? '[::]' : '0.0.0.0')}:${port}`;
}

// The access log variables handled, numbered so a compiled log_format names each by its number.
const V_UNKNOWN = 0, V_REMOTE_ADDR = 1, V_REMOTE_PORT = 2, V_REMOTE_USER = 3, V_TIME_LOCAL = 4, V_REQUEST = 5, V_STATUS = 6,
  V_BODY_BYTES_SENT = 7, V_REQUEST_METHOD = 8, V_REQUEST_URI = 9, V_SERVER_PROTOCOL = 10, V_PROXY_PROTOCOL_ADDR = 11,
  V_REALIP_REMOTE_ADDR = 12, V_SERVER_PORT = 13, V_HOST = 14, V_HTTP = 15;
const VARIABLES: ReadonlyMap<string, number> = new Map([
  ['remote_addr', V_REMOTE_ADDR], ['remote_port', V_REMOTE_PORT], ['remote_user', V_REMOTE_USER], ['time_local', V_TIME_LOCAL],
  ['request', V_REQUEST], ['status', V_STATUS], ['body_bytes_sent', V_BODY_BYTES_SENT], ['request_method', V_REQUEST_METHOD],
  ['request_uri', V_REQUEST_URI], ['server_protocol', V_SERVER_PROTOCOL], ['proxy_protocol_addr', V_PROXY_PROTOCOL_ADDR],
  ['realip_remote_addr', V_REALIP_REMOTE_ADDR], ['server_port', V_SERVER_PORT], ['host', V_HOST],
]);

/**
 * A log_format resolved once: literal text around each variable (lits has one more entry than
 * vars), each variable's number, and for $http_NAME the header name it reads (lower case).
 */
class LogProgram {
  /**
   * The values the last line was written from, and that line: consecutive requests mostly log
   * the same values (the same client, request and status within one second), and then share it.
   */
  readonly lastValues: (string | undefined)[];
  lastLine: string | undefined = undefined;
  constructor(readonly lits: readonly string[], readonly vars: readonly number[], readonly headers: readonly string[]) {
    this.lastValues = vars.map(() => undefined);
  }
}

const programs = new Map<string, LogProgram>();
function logProgram(format: string): LogProgram {
  let p = programs.get(format);
  if (!p) {
    const parts = compileLogFormat(format);
    const lits: string[] = [parts[0] as string];
    const vars: number[] = [];
    const headers: string[] = [];
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i] as string;
      const known = VARIABLES.get(name);
      const http = known === undefined && name.startsWith('http_');
      vars.push(known ?? (http ? V_HTTP : V_UNKNOWN));
      headers.push(http ? name.slice(5).replace(/_/g, '-').toLowerCase() : '');
      lits.push(parts[i + 1] as string);
    }
    p = new LogProgram(lits, vars, headers);
    programs.set(format, p);
  }
  return p;
}

/** The values an access log line is written from. */
class LogVars {
  constructor(
    readonly req: NginxRequest, readonly env: NginxEnv, readonly port: number, readonly host: string | undefined, readonly server: ServerBlock,
    readonly status: number, readonly body: number, readonly remote: string, readonly request: string,
    /** Header variables are known (not when the request line was unreadable). */
    readonly headers: boolean,
  ) {}

  value(v: number, headerName: string): string | undefined {
    const req = this.req;
    switch (v) {
      case V_REMOTE_ADDR: return this.remote;
      case V_REMOTE_PORT: return String(req.clientPort);
      case V_REMOTE_USER: return undefined;
      case V_TIME_LOCAL: return timeLocal(req.time, this.env.tzOffsetMinutes);
      case V_REQUEST: return this.request;
      case V_STATUS: return String(this.status);
      case V_BODY_BYTES_SENT: return String(this.body);
      case V_REQUEST_METHOD: return req.method;
      case V_REQUEST_URI: return req.path;
      case V_SERVER_PROTOCOL: return req.httpVersion;
      case V_PROXY_PROTOCOL_ADDR: return req.proxyProtocolAddr;
      case V_REALIP_REMOTE_ADDR: return req.clientAddr;
      case V_SERVER_PORT: return String(this.port);
      case V_HOST: return (this.host ?? '').replace(/:\d+$/, '') || this.server.names[0];
      case V_HTTP: return this.headers ? header(req, headerName) : undefined;
      default: return undefined;
    }
  }
}

/**
 * One log line. Joined rather than concatenated: the line is kept for the whole run, and a string
 * built with `+` would stay a rope of one node per piece.
 */
function expand(p: LogProgram, v: LogVars): string {
  const last = p.lastValues;
  let same = p.lastLine !== undefined;
  for (let i = 0; i < p.vars.length; i++) {
    const x = v.value(p.vars[i] as number, p.headers[i] as string);
    if (x !== last[i]) { last[i] = x; same = false; }
  }
  if (same) return p.lastLine as string;
  const parts: string[] = [p.lits[0] as string];
  for (let i = 0; i < last.length; i++) {
    const x = last[i];
    parts.push(x === undefined || x === '' ? '-' : escapeLogValue(x), p.lits[i + 1] as string);
  }
  const line = parts.join('');
  p.lastLine = line;
  return line;
}

function accessLines(model: NginxModel, settings: LocSettings, v: LogVars): string[] {
  const lines: string[] = [];
  if (settings.accessLog === 'off') return lines;
  for (const a of settings.accessLog) lines.push(expand(logProgram(model.logFormats.get(a.format) ?? ''), v));
  return lines;
}

/** One request; `opts.explain` false leaves `why` empty (nothing records it). */
export function handleRequest(model: NginxModel, req: NginxRequest, env: NginxEnv = officialImageEnv(), opts: { readonly explain?: boolean } = {}): NginxResponse {
  const ex = opts.explain !== false;
  const port = req.serverPort ?? 80;
  const host = header(req, 'host');
  const server = selectServer(model, port, req.serverAddr, host);
  const conn = req.connection ?? 1;
  const requestLine = `${req.method} ${req.path} ${req.httpVersion}`;
  if (!server) {
    return { bodyBytes: 0, contentLength: 0, accessLogLines: [], errorLogLines: [], remoteAddr: req.clientAddr, why: [`no server listens on port ${port}`] };
  }
  const listen = listenOn(server, port);
  const ppSent = req.proxyProtocolAddr !== undefined;
  if (listen?.proxyProtocol && !ppSent) {
    const lt = listenText(listen, port);
    const raw = `${requestLine}\r\n${req.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const line = errorLogLine({ time: req.time, tzOffsetMinutes: env.tzOffsetMinutes, level: 'error', pid: env.pid, conn, message: `broken header: "${raw}"`, ctx: { client: req.clientAddr, server: lt, action: 'reading PROXY protocol' } });
    return { bodyBytes: 0, contentLength: 0, accessLogLines: [], errorLogLines: levelOk(model, 'error') ? [line] : [], remoteAddr: req.clientAddr, server, why: [`${lt} expects a PROXY protocol header (listen ... proxy_protocol, line ${listen.directive.loc.line}); the connection is closed`] };
  }
  const ua = header(req, 'user-agent');
  if (!listen?.proxyProtocol && ppSent) {
    // nginx reads "PROXY TCP4 ..." as a request line and rejects it.
    const src = req.proxyProtocolAddr ?? '';
    const ppLine = `PROXY ${src.includes(':') ? 'TCP6' : 'TCP4'} ${src} ${req.proxyProtocolDstAddr ?? req.serverAddr ?? '0.0.0.0'} ${req.proxyProtocolPort ?? 0} ${req.proxyProtocolDstPort ?? port}`;
    const body = specialResponseSize(400, { version: env.version, serverTokens: server.settings.serverTokens }) ?? 0;
    const lines = accessLines(model, server.settings, new LogVars(req, env, port, host, server, 400, body, req.clientAddr, ppLine, false));
    const r: NginxResponse = { status: 400, bodyBytes: body, contentLength: body, settings: server.settings, accessLogLines: lines, errorLogLines: [], remoteAddr: req.clientAddr, server, why: [`a PROXY protocol header reached ${listenText(listen, port)}, which has no proxy_protocol: read as a bad request line`] };
    return lines[0] !== undefined ? { ...r, accessLogLine: lines[0] } : r;
  }
  const real = realClientAddr(server.settings.realIp, req.clientAddr, req.proxyProtocolAddr, req.headers);
  const q = req.path.indexOf('?');
  const uri = q < 0 ? req.path : req.path.slice(0, q);
  const o = ex || req.method !== 'GET' ? serveStatic(env, req, server, uri, ua, ex) : servedGet(env, req, server, uri, ua);
  const errorLogLines = errorLines(model, env, req, o.errors, conn, { client: real.addr, server: server.names[0] ?? '', request: requestLine, host });
  const lines = accessLines(model, o.settings, new LogVars(req, env, port, host, server, o.status, o.body, real.addr, requestLine, true));
  const r: { -readonly [K in keyof NginxResponse]: NginxResponse[K] } = {
    status: o.status, bodyBytes: o.body, contentLength: o.file !== undefined ? o.size : o.body, settings: o.settings,
    accessLogLines: lines, errorLogLines, remoteAddr: real.addr, server,
    why: ex ? [...(real.why ? [`client address ${real.addr} from ${real.why}`] : []), ...o.why] : NO_WHY,
  };
  if (o.location) r.location = o.location;
  if (o.file !== undefined) r.file = o.file;
  if (o.redirect !== undefined) r.redirect = absoluteRedirect(o.redirect, host, req.serverAddr, port);
  if (lines[0] !== undefined) r.accessLogLine = lines[0];
  return r;
}

/**
 * absolute_redirect (on by default): a Location starting with "/" gets the scheme, the host the
 * client asked for (its Host header without the port, else the address it connected to) and the
 * port it connected to unless that is 80 (port_in_redirect).
 */
function absoluteRedirect(target: string, host: string | undefined, serverAddr: string | undefined, port: number): string {
  if (!target.startsWith('/')) return target;
  const name = host !== undefined && host !== '' ? host.replace(/:\d+$/, '').toLowerCase() : serverAddr ?? '0.0.0.0';
  return `http://${name}${port === 80 ? '' : `:${port}`}${target}`;
}

/** The error log lines of a request, at or above error_log's level, with the request's context. */
function errorLines(model: NginxModel, env: NginxEnv, req: NginxRequest, errors: readonly LogError[], conn: number, c: { client: string; server: string; request: string; host: string | undefined }): string[] {
  const out: string[] = [];
  if (errors.length === 0) return out;
  const referrer = header(req, 'referer');
  const ctx: ErrorLogContext = {
    client: c.client, server: c.server, request: c.request,
    ...(c.host !== undefined ? { host: c.host } : {}),
    ...(referrer !== undefined ? { referrer } : {}),
  };
  for (const e of errors) if (levelOk(model, e.level)) out.push(errorLogLine({ time: req.time, tzOffsetMinutes: env.tzOffsetMinutes, level: e.level, pid: env.pid, conn, message: e.message, ctx }));
  return out;
}
