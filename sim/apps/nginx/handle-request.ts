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

import type { LocationModel, LocSettings, NginxLevel, NginxModel, ServerBlock } from './model.js';
import { NGINX_LEVELS } from './model.js';
import { selectLocation, selectServer } from './location.js';
import { realClientAddr } from './realip.js';
import { errorLogLine, expandLogFormat, timeLocal, type ErrorLogContext } from './log.js';
import { utf8Bytes } from '../../core/utf8.js';
import { indexHtmlSize, specialResponseSize, x50HtmlSize } from './responses.js';

export interface NginxEnv {
  readonly version: string;
  /** Files and their sizes, by absolute path. Directories are inferred from file paths. */
  readonly files: ReadonlyMap<string, number>;
  /** Extra directories that exist without files. */
  readonly dirs?: ReadonlySet<string>;
  readonly prefix: string;
  readonly tzOffsetMinutes: number;
  /** Worker pid printed in error lines as "pid#tid". */
  readonly pid: number;
}

/** The official image: /usr/share/nginx/html with index.html and 50x.html of that version, UTC. */
export function officialImageEnv(version = '1.19.3'): NginxEnv {
  return {
    version,
    files: new Map([
      ['/usr/share/nginx/html/index.html', indexHtmlSize(version)],
      ['/usr/share/nginx/html/50x.html', x50HtmlSize(version)],
    ]),
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
  readonly bodyBytes: number;
  readonly accessLogLine?: string;
  readonly accessLogLines: readonly string[];
  readonly errorLogLines: readonly string[];
  /** $remote_addr after realip. */
  readonly remoteAddr: string;
  readonly server?: ServerBlock;
  readonly location?: LocationModel;
  readonly why: readonly string[];
}

function header(req: NginxRequest, name: string): string | undefined {
  const n = name.toLowerCase();
  return req.headers.find(([k]) => k.toLowerCase() === n)?.[1];
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

interface Outcome { status: number; body: number; errors: { level: NginxLevel; message: string }[]; why: readonly string[] }

const NO_WHY: readonly string[] = Object.freeze([]);

function serveStatic(env: NginxEnv, req: NginxRequest, s: ServerBlock, uri: string, ua: string | undefined, ex: boolean, depth = 0): Outcome & { location?: LocationModel; settings: LocSettings } {
  const loc = selectLocation(s, uri);
  const st = loc?.settings ?? s.settings;
  const special = (code: number): number => specialResponseSize(code, ua === undefined ? { version: env.version, serverTokens: st.serverTokens } : { version: env.version, serverTokens: st.serverTokens, userAgent: ua }) ?? 0;
  const done = (o: Outcome): Outcome & { location?: LocationModel; settings: LocSettings } =>
    loc ? { status: o.status, body: o.body, errors: o.errors, why: o.why, location: loc, settings: st } : { status: o.status, body: o.body, errors: o.errors, why: o.why, settings: st };
  const why: readonly string[] = ex ? [loc ? `location ${loc.modifier ? `${loc.modifier} ` : ''}${loc.pattern} (line ${loc.directive.loc.line})` : 'no location matched'] : NO_WHY;
  const ret = s.ret ?? loc?.ret;
  if (ret) {
    const body = ret.text !== undefined && !(ret.code >= 301 && ret.code <= 308) ? utf8Bytes(ret.text).length : special(ret.code);
    return done({ status: ret.code, body, errors: [], why: ex ? [...why, `return ${ret.code}`] : NO_WHY });
  }
  const root = rootPath(env, st.root);
  if (uri.endsWith('/')) {
    if (!['GET', 'HEAD', 'POST'].includes(req.method)) return done({ status: 405, body: special(405), errors: [], why: ex ? [...why, `${req.method} is not allowed on static content`] : NO_WHY });
    for (const name of st.index) {
      const full = `${root}${uri}${name}`;
      if (env.files.has(full)) {
        if (depth > 5) break;
        const r = serveStatic(env, req, s, `${uri}${name}`, ua, ex, depth + 1);
        return { ...r, why: ex ? [...why, `index ${name}: internal redirect to ${uri}${name}`, ...r.why] : NO_WHY };
      }
      if (!isDir(env, `${root}${uri}`)) {
        const errors = st.logNotFound ? [{ level: 'error' as const, message: `"${full}" is not found (2: No such file or directory)` }] : [];
        return done({ status: 404, body: special(404), errors, why: ex ? [...why, `directory ${root}${uri} does not exist`] : NO_WHY });
      }
    }
    return done({ status: 403, body: special(403), errors: [{ level: 'error', message: `directory index of "${root}${uri}" is forbidden` }], why: ex ? [...why, 'no index file in the directory'] : NO_WHY });
  }
  if (!['GET', 'HEAD', 'POST'].includes(req.method)) return done({ status: 405, body: special(405), errors: [], why: ex ? [...why, `${req.method} is not allowed on static content`] : NO_WHY });
  const path = `${root}${uri}`;
  const size = env.files.get(path);
  if (size === undefined) {
    if (isDir(env, path)) return done({ status: 301, body: special(301), errors: [], why: ex ? [...why, `${path} is a directory: redirect to ${uri}/`] : NO_WHY });
    const errors = st.logNotFound ? [{ level: 'error' as const, message: `open() "${path}" failed (2: No such file or directory)` }] : [];
    return done({ status: 404, body: special(404), errors, why: ex ? [...why, `${path} does not exist`] : NO_WHY });
  }
  if (req.method === 'POST') return done({ status: 405, body: special(405), errors: [], why: ex ? [...why, 'POST to a static file'] : NO_WHY });
  return done({ status: 200, body: req.method === 'HEAD' ? 0 : size, errors: [], why: ex ? [...why, `served ${path} (${size} bytes)`] : NO_WHY });
}

/** One request; `opts.explain` false leaves `why` empty (nothing records it). */
export function handleRequest(model: NginxModel, req: NginxRequest, env: NginxEnv = officialImageEnv(), opts: { readonly explain?: boolean } = {}): NginxResponse {
  const ex = opts.explain !== false;
  const port = req.serverPort ?? 80;
  const host = header(req, 'host');
  const server = selectServer(model, port, req.serverAddr, host);
  const conn = req.connection ?? 1;
  const errLevelOk = (lv: NginxLevel): boolean => NGINX_LEVELS.indexOf(lv) >= NGINX_LEVELS.indexOf(model.errorLogLevel);
  const requestLine = `${req.method} ${req.path} ${req.httpVersion}`;
  if (!server) {
    return { bodyBytes: 0, accessLogLines: [], errorLogLines: [], remoteAddr: req.clientAddr, why: [`no server listens on port ${port}`] };
  }
  const listen = server.listens.find((l) => l.port === port) ?? server.listens[0];
  const listenText = `${listen?.addr ?? (listen?.ipv6 ? '[::]' : '0.0.0.0')}:${port}`;
  const ppSent = req.proxyProtocolAddr !== undefined;
  if (listen?.proxyProtocol && !ppSent) {
    const raw = `${requestLine}\r\n${req.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const line = errorLogLine({ time: req.time, tzOffsetMinutes: env.tzOffsetMinutes, level: 'error', pid: env.pid, conn, message: `broken header: "${raw}"`, ctx: { client: req.clientAddr, server: listenText, action: 'reading PROXY protocol' } });
    return { bodyBytes: 0, accessLogLines: [], errorLogLines: errLevelOk('error') ? [line] : [], remoteAddr: req.clientAddr, server, why: [`${listenText} expects a PROXY protocol header (listen ... proxy_protocol, line ${listen.directive.loc.line}); the connection is closed`] };
  }
  const ua = header(req, 'user-agent');
  const vars = (o: { status: number; body: number; remote: string; request: string; headers: boolean }) => (name: string): string | undefined => {
    switch (name) {
      case 'remote_addr': return o.remote;
      case 'remote_port': return String(req.clientPort);
      case 'remote_user': return undefined;
      case 'time_local': return timeLocal(req.time, env.tzOffsetMinutes);
      case 'request': return o.request;
      case 'status': return String(o.status);
      case 'body_bytes_sent': return String(o.body);
      case 'request_method': return req.method;
      case 'request_uri': return req.path;
      case 'server_protocol': return req.httpVersion;
      case 'proxy_protocol_addr': return req.proxyProtocolAddr;
      case 'realip_remote_addr': return req.clientAddr;
      case 'server_port': return String(port);
      case 'host': return (host ?? '').replace(/:\d+$/, '') || server.names[0];
      default:
        if (name.startsWith('http_') && o.headers) return header(req, name.slice(5).replace(/_/g, '-'));
        return undefined;
    }
  };
  const accessLines = (settings: LocSettings, o: Parameters<typeof vars>[0]): string[] => {
    if (settings.accessLog === 'off') return [];
    return settings.accessLog.map((a) => expandLogFormat(model.logFormats.get(a.format) ?? '', vars(o)));
  };
  if (!listen?.proxyProtocol && ppSent) {
    // nginx reads "PROXY TCP4 ..." as a request line and rejects it.
    const src = req.proxyProtocolAddr ?? '';
    const ppLine = `PROXY ${src.includes(':') ? 'TCP6' : 'TCP4'} ${src} ${req.proxyProtocolDstAddr ?? req.serverAddr ?? '0.0.0.0'} ${req.proxyProtocolPort ?? 0} ${req.proxyProtocolDstPort ?? port}`;
    const body = specialResponseSize(400, { version: env.version, serverTokens: server.settings.serverTokens }) ?? 0;
    const lines = accessLines(server.settings, { status: 400, body, remote: req.clientAddr, request: ppLine, headers: false });
    const r: NginxResponse = { status: 400, bodyBytes: body, accessLogLines: lines, errorLogLines: [], remoteAddr: req.clientAddr, server, why: [`a PROXY protocol header reached ${listenText}, which has no proxy_protocol: read as a bad request line`] };
    return lines[0] !== undefined ? { ...r, accessLogLine: lines[0] } : r;
  }
  const real = realClientAddr(server.settings.realIp, req.clientAddr, req.proxyProtocolAddr, req.headers);
  const uri = req.path.split('?')[0] ?? '/';
  const o = serveStatic(env, req, server, uri, ua, ex);
  const ctx: ErrorLogContext = {
    client: real.addr, server: server.names[0] ?? '', request: requestLine,
    ...(host !== undefined ? { host } : {}),
    ...(header(req, 'referer') !== undefined ? { referrer: header(req, 'referer') as string } : {}),
  };
  const errorLogLines = o.errors.filter((e) => errLevelOk(e.level)).map((e) => errorLogLine({ time: req.time, tzOffsetMinutes: env.tzOffsetMinutes, level: e.level, pid: env.pid, conn, message: e.message, ctx }));
  const lines = accessLines(o.settings, { status: o.status, body: o.body, remote: real.addr, request: requestLine, headers: true });
  const r: { -readonly [K in keyof NginxResponse]: NginxResponse[K] } = {
    status: o.status, bodyBytes: o.body, accessLogLines: lines, errorLogLines, remoteAddr: real.addr, server,
    why: ex ? [...(real.why ? [`client address ${real.addr} from ${real.why}`] : []), ...o.why] : NO_WHY,
  };
  if (o.location) r.location = o.location;
  if (lines[0] !== undefined) r.accessLogLine = lines[0];
  return r;
}
