// nginx serving in a pod (or on a host) of the simulated world: listens where its server blocks
// say, reads a PROXY header first on `proxy_protocol` listens, answers each HTTP request with
// handleRequest (status, body size, access and error log lines in the official image's format)
// and keeps the connection open (keepalive_timeout 65s) until the client closes it.

import { ANY_IPV4, formatIPv4, parseIPv4 } from '../../core/ip.js';
import type { Host } from '../../net/stack/host.js';
import type { World } from '../../net/stack/world.js';
import { tcpClose, tcpListen, tcpSend } from '../../net/stack/tcp.js';
import { handleRequest, officialImageEnv, type NginxEnv, type NginxRequest, type NginxResponse } from './handle-request.js';
import type { Listen, NginxModel } from './model.js';
import type { Sock, SocketEvents } from '../../net/sockets/socket.js';
import { parseProxyV1 } from '../haproxy/proxy-protocol.js';
import { keepAliveFor, responseHead } from './responses.js';
import { SIM_EPOCH_MS } from '../../core/clock.js';

export interface NginxLogEntry {
  readonly at: number;
  readonly host: string;
  readonly remoteAddr: string;
  readonly status?: number;
  readonly line: string;
  readonly error: boolean;
}

export interface NginxRuntime {
  readonly log: NginxLogEntry[];
}

export function startNginx(w: World, h: Host, model: NginxModel, env: NginxEnv = officialImageEnv(), log: NginxLogEntry[] = []): NginxRuntime {
  const rt: NginxRuntime = { log };
  const ngx = new Nginx(w, h, model, env, rt);
  const seen = new Set<string>();
  for (const srv of model.servers) {
    for (const l of srv.listens) {
      if (l.ipv6) continue; // the official image also listens on [::]:80; IPv6 is not simulated
      const ip = l.addr && l.addr !== '*' ? parseIPv4(l.addr) : ANY_IPV4;
      if (ip === undefined) continue;
      const key = `${ip}:${l.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const r = tcpListen(h, 'nginx', { ip, port: l.port }, {
        onAccept: (_ls: Sock, c: Sock) => { c.events = new Connection(ngx, l, c, ++ngx.connections); },
      });
      if (typeof r === 'string') logLine(w, h, rt, '-', undefined, `[emerg] bind() to ${formatIPv4(ip)}:${l.port} failed (${r})`, true);
    }
  }
  return rt;
}

/** One nginx process: what its connections share. */
class Nginx {
  /** Connections accepted so far (the "*N" of error lines). */
  connections = 0;
  /**
   * The last head written and what it was written from: requests for the same page within one
   * second (the Date header's resolution) get the same head.
   */
  private last: { readonly second: number; readonly r: NginxResponse; readonly keepAlive: boolean; readonly head: string } | undefined = undefined;
  constructor(readonly w: World, readonly h: Host, readonly model: NginxModel, readonly env: NginxEnv, readonly rt: NginxRuntime) {}

  responseHead(r: NginxResponse, status: number, keepAlive: boolean, timeMs: number): string {
    const second = Math.floor(timeMs / 1000);
    const l = this.last;
    if (l !== undefined && l.second === second && l.keepAlive === keepAlive && l.r.status === status && l.r.contentLength === r.contentLength
      && l.r.file === r.file && l.r.redirect === r.redirect && l.r.settings?.serverTokens === r.settings?.serverTokens) return l.head;
    const env = this.env;
    const head = responseHead({
      status, version: env.version, serverTokens: r.settings?.serverTokens ?? 'on', timeMs, contentLength: r.contentLength, keepAlive,
      ...(r.file !== undefined ? { file: { path: r.file, mtime: env.mtimes?.get(r.file) ?? SIM_EPOCH_MS / 1000 } } : {}),
      ...(r.redirect !== undefined ? { location: r.redirect } : {}),
    });
    this.last = { second, r, keepAlive, head };
    return head;
  }
}


/** PROXY protocol fields of a connection. */
interface ProxyFields { readonly addr: string; readonly port: number; readonly dstAddr: string; readonly dstPort: number }

/**
 * One accepted connection: its socket's events. A class rather than closures: every connection
 * has the same shape and nothing is allocated per callback.
 */
class Connection implements SocketEvents {
  buf = '';
  proxy: ProxyFields | undefined = undefined;
  needProxy: boolean;
  constructor(readonly ngx: Nginx, readonly listen: Listen, readonly c: Sock, readonly conn: number) {
    this.needProxy = listen.proxyProtocol;
  }

  onData(s: Sock, text: string): void {
    this.buf += text;
    if (this.needProxy && !this.readProxyHeader(s)) return;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.slice(0, end);
    this.buf = this.buf.slice(end + 4);
    this.request(s, head);
  }

  onPeerClosed(s: Sock): void {
    tcpClose(this.ngx.w, this.ngx.h, s);
  }

  /**
   * A listen with proxy_protocol reads the PROXY line first; false while it is incomplete or when
   * it is broken (nginx then logs an error and closes the connection).
   */
  private readProxyHeader(s: Sock): boolean {
    const { w, h, rt, model, env } = this.ngx;
    const c = this.c;
    const end = this.buf.indexOf('\r\n');
    if (end < 0) return false;
    const p = parseProxyV1(this.buf.slice(0, end + 2));
    this.buf = this.buf.slice(end + 2);
    this.needProxy = false;
    if (p && typeof p === 'object') this.proxy = { addr: p.srcAddr, port: p.srcPort, dstAddr: p.dstAddr, dstPort: p.dstPort };
    else if (p !== 'unknown') {
      // broken header: nginx closes the connection (logs a 400 with no request line)
      const r = handleRequest(model, { clientAddr: formatIPv4(c.remote?.ip ?? ANY_IPV4), clientPort: c.remote?.port ?? 0, serverPort: this.listen.port, method: '', path: '', httpVersion: '', headers: [], time: SIM_EPOCH_MS + w.now / 1000, connection: this.conn }, env);
      for (const e of r.errorLogLines) logLine(w, h, rt, r.remoteAddr, undefined, e, true);
      tcpClose(w, h, s);
      return false;
    }
    return true;
  }

  /** One request head (up to the blank line): answer it and log it. */
  private request(s: Sock, head: string): void {
    const { w, h, rt, model, env } = this.ngx;
    const c = this.c;
    const lineEnd = head.indexOf('\r\n');
    const requestLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
    // The request line's first three space-separated fields (as split(' ') gives them).
    const sp1 = requestLine.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    const sp3 = sp2 < 0 ? -1 : requestLine.indexOf(' ', sp2 + 1);
    const method = sp1 < 0 ? requestLine : requestLine.slice(0, sp1);
    const path = sp1 < 0 ? '' : sp2 < 0 ? requestLine.slice(sp1 + 1) : requestLine.slice(sp1 + 1, sp2);
    const httpVersion = sp2 < 0 ? '' : sp3 < 0 ? requestLine.slice(sp2 + 1) : requestLine.slice(sp2 + 1, sp3);
    const headers = lineEnd < 0 ? [] : headerFields(head, lineEnd + 2);
    const clientAddr = formatIPv4(c.remote?.ip ?? ANY_IPV4);
    const clientPort = c.remote?.port ?? 0;
    const serverAddr = formatIPv4(c.local.ip);
    const time = SIM_EPOCH_MS + w.now / 1000;
    const p = this.proxy;
    const req: NginxRequest = p
      ? { clientAddr, clientPort, serverAddr, serverPort: this.listen.port, proxyProtocolAddr: p.addr, proxyProtocolPort: p.port, proxyProtocolDstAddr: p.dstAddr, proxyProtocolDstPort: p.dstPort, method, path, httpVersion, headers, time, connection: this.conn }
      : { clientAddr, clientPort, serverAddr, serverPort: this.listen.port, method, path, httpVersion, headers, time, connection: this.conn };
    const r = handleRequest(model, req, env, w.rec.enabled ? EXPLAIN : QUIET);
    if (w.rec.enabled && r.why.length) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'nginx', action: 'request', message: `${method} ${path}: ${r.why.join('; ')}` });
    for (const e of r.errorLogLines) logLine(w, h, rt, r.remoteAddr, r.status, e, true);
    for (const a of r.accessLogLines) logLine(w, h, rt, r.remoteAddr, r.status, a, false);
    if (r.status === undefined) { tcpClose(w, h, s); return; }
    const keepAlive = keepAliveFor(httpVersion, headers, r.status);
    const resp = this.ngx.responseHead(r, r.status, keepAlive, time);
    const st = r.settings;
    if (r.file !== undefined && r.bodyBytes > 0 && st !== undefined && st.sendfile && !st.tcpNopush) {
      // The head is written, then the file goes by sendfile(2): two writes, and the second is a
      // small segment Nagle holds until the head is acknowledged. (nginx sets TCP_NODELAY, which
      // would push it, only when it finalizes the request for keep-alive; the captures show the
      // ACK is back before that.) tcp_nopush (TCP_CORK) or sendfile off make them one write.
      tcpSend(w, h, s, resp, resp.length);
      tcpSend(w, h, s, '', r.bodyBytes);
    } else {
      tcpSend(w, h, s, resp, resp.length + r.bodyBytes);
    }
    if (!keepAlive) tcpClose(w, h, s);
  }
}

const EXPLAIN = { explain: true } as const;
const QUIET = { explain: false } as const;

/** "Name: value" lines from `from` to the end of the head (value trimmed; a line without ':' loses its last character to the name, as before). */
function headerFields(head: string, from: number): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  for (let start = from; ;) {
    const e = head.indexOf('\r\n', start);
    const x = e < 0 ? head.slice(start) : head.slice(start, e);
    const i = x.indexOf(':');
    out.push([x.slice(0, i), x.slice(i + 1).trim()] as const);
    if (e < 0) return out;
    start = e + 2;
  }
}

function logLine(w: World, h: Host, rt: NginxRuntime, remoteAddr: string, status: number | undefined, line: string, error: boolean): void {
  rt.log.push(status !== undefined ? { at: w.now, host: h.host, remoteAddr, status, line, error } : { at: w.now, host: h.host, remoteAddr, line, error });
  if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'nginx', action: error ? 'error.log' : 'access.log', message: line });
}
