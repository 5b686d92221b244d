// curl -m <seconds> http://ip:port/path, as curl 7.88 (Debian 12) behaves: connect, send the
// request, read the response to its Content-Length, close; or give up at the total time limit.
// The messages are curl's own (lib/connect.c, lib/multi.c, lib/transfer.c), checked against the
// real binary: "(28) Connection timed out after 2001 milliseconds" while connecting,
// "(28) Operation timed out after 2001 milliseconds with 0 bytes received" after,
// "(7) Failed to connect to HOST port P after N ms: Couldn't connect to server" on refusal or an
// ICMP error, "(56) Recv failure: Connection reset by peer", "(52) Empty reply from server".

import { formatIPv4, type IPv4 } from '../../core/ip.js';
import type { Host } from '../../net/stack/host.js';
import type { World } from '../../net/stack/world.js';
import { tcpClose, tcpConnect, tcpSend } from '../../net/stack/tcp.js';
import type { Sock, SocketEvents } from '../../net/sockets/socket.js';
import type { Firable, Timer } from '../../core/scheduler.js';

const CURL_SOCKET = Object.freeze({ nodelay: true });

export const CURL_VERSION = '7.88.1';

export type CurlOutcome = 'ok' | 'timeout' | 'reset' | 'refused';

export interface CurlResult {
  readonly outcome: CurlOutcome;
  readonly exitCode: number;
  readonly httpStatus?: number;
  readonly bodyBytes?: number;
  readonly stderr: string;
  readonly elapsedMs: number;
  readonly localPort?: number;
}

export interface CurlRequest {
  readonly to: { readonly ip: IPv4; readonly port: number };
  readonly path?: string;
  readonly maxTimeS: number;
  /** Delay between the process start and connect(), µs (name resolution of a literal, socket setup). */
  readonly startupUs?: number;
}

export function curl(w: World, h: Host, req: CurlRequest, done: (r: CurlResult) => void): void {
  const t = new Transfer(w, h, req, done);
  // curl's total timer: -m seconds, checked on the next millisecond tick.
  t.deadline = w.sched.at(t.t0 + req.maxTimeS * 1_000_000 + 1000, () => t.timeout());
  w.sched.afterFire(req.startupUs ?? 300, t);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One curl run: the socket's events, and the start of the connect after the process start (fire).
 * A class rather than closures: one shape for every run, nothing allocated per callback.
 */
class Transfer implements SocketEvents, Firable {
  readonly t0: number;
  readonly path: string;
  readonly hostHeader: string;
  deadline: Timer | undefined = undefined;
  finished = false;
  sock: Sock | undefined = undefined;
  connected = false;
  buf = '';
  received = 0;
  status: number | undefined = undefined;
  expected: number | undefined = undefined;

  constructor(readonly w: World, readonly h: Host, readonly req: CurlRequest, readonly done: (r: CurlResult) => void) {
    this.t0 = w.now;
    this.path = req.path ?? '/';
    this.hostHeader = `${formatIPv4(req.to.ip)}${req.to.port === 80 ? '' : `:${req.to.port}`}`;
  }

  /** Milliseconds since the start, as curl reports them. */
  elapsed(): number {
    return Math.floor((this.w.now - this.t0) / 1000);
  }

  /** connect() after the start-up delay. */
  fire(): void {
    const { w, h, req } = this;
    if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'curl', action: 'connect', message: `curl -m ${req.maxTimeS} http://${this.hostHeader}${this.path}` });
    // curl sets TCP_NODELAY (the default of --tcp-nodelay since 7.50.2).
    const r = tcpConnect(w, h, 'curl', req.to, this, CURL_SOCKET);
    if (typeof r === 'string') {
      this.finish('refused', 7, `curl: (7) Failed to connect to ${formatIPv4(req.to.ip)} port ${req.to.port} after ${this.elapsed()} ms: Couldn't connect to server (${r})`);
      return;
    }
    this.sock = r;
  }

  onConnected(s: Sock): void {
    this.connected = true;
    const request = `GET ${this.path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nUser-Agent: curl/${CURL_VERSION}\r\nAccept: */*\r\n\r\n`;
    tcpSend(this.w, this.h, s, request, request.length);
  }

  onData(s: Sock, text: string, bytes: number): void {
    this.received += bytes;
    this.buf += text;
    const buf = this.buf;
    if (this.status === undefined) {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf);
      if (m) this.status = Number(m[1]);
    }
    if (this.expected === undefined) {
      const hdrEnd = buf.indexOf('\r\n\r\n');
      const cl = /\r\nContent-Length: (\d+)/i.exec(buf);
      if (hdrEnd >= 0 && cl) this.expected = hdrEnd + 4 + Number(cl[1]);
    }
    if (this.expected !== undefined && this.received >= this.expected) {
      tcpClose(this.w, this.h, s);
      this.finish('ok', 0, '', this.status, this.expected - (buf.indexOf('\r\n\r\n') + 4));
    }
  }

  onPeerClosed(s: Sock): void {
    tcpClose(this.w, this.h, s);
    if (this.received === 0) this.finish('reset', 52, 'curl: (52) Empty reply from server');
    else this.finish('ok', 0, '', this.status, this.received);
  }

  onError(): void {
    const req = this.req;
    if (!this.connected) this.finish('refused', 7, `curl: (7) Failed to connect to ${formatIPv4(req.to.ip)} port ${req.to.port} after ${this.elapsed()} ms: Couldn't connect to server`);
    else this.finish('reset', 56, `curl: (56) Recv failure: Connection reset by peer`);
  }

  /** The -m limit passed. */
  timeout(): void {
    const ms = this.elapsed();
    const msg = this.connected ? `curl: (28) Operation timed out after ${ms} milliseconds with ${this.received} bytes received` : `curl: (28) Connection timed out after ${ms} milliseconds`;
    if (this.sock) tcpClose(this.w, this.h, this.sock);
    this.finish('timeout', 28, msg, this.status);
  }

  finish(outcome: CurlOutcome, exitCode: number, stderr: string, httpStatus?: number, bodyBytes?: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.deadline) this.deadline.cancelled = true;
    const { w, h } = this;
    const res: Mutable<CurlResult> = { outcome, exitCode, stderr, elapsedMs: this.elapsed() };
    if (httpStatus !== undefined) res.httpStatus = httpStatus;
    if (bodyBytes !== undefined) res.bodyBytes = bodyBytes;
    if (this.sock) res.localPort = this.sock.local.port;
    if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'curl', action: res.outcome, message: res.stderr || `HTTP ${res.httpStatus ?? '?'}, ${res.bodyBytes ?? 0} bytes in ${res.elapsedMs} ms` });
    this.done(res);
  }
}
