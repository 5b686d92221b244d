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
import type { Sock } from '../../net/sockets/socket.js';

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
  const t0 = w.now;
  const path = req.path ?? '/';
  const hostHeader = `${formatIPv4(req.to.ip)}${req.to.port === 80 ? '' : `:${req.to.port}`}`;
  let finished = false;
  let sock: Sock | undefined;
  let connected = false;
  let buf = '';
  let received = 0;
  let status: number | undefined;
  let expected: number | undefined;
  const elapsed = (): number => Math.floor((w.now - t0) / 1000);
  const finish = (r: Omit<CurlResult, 'elapsedMs'>): void => {
    if (finished) return;
    finished = true;
    deadline.cancelled = true;
    const res: { -readonly [K in keyof CurlResult]: CurlResult[K] } = { outcome: r.outcome, exitCode: r.exitCode, stderr: r.stderr, elapsedMs: elapsed() };
    if (r.httpStatus !== undefined) res.httpStatus = r.httpStatus;
    if (r.bodyBytes !== undefined) res.bodyBytes = r.bodyBytes;
    if (sock) res.localPort = sock.local.port;
    if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'curl', action: res.outcome, message: res.stderr || `HTTP ${res.httpStatus ?? '?'}, ${res.bodyBytes ?? 0} bytes in ${res.elapsedMs} ms` });
    done(res);
  };
  // curl's total timer: -m seconds, checked on the next millisecond tick.
  const deadline = w.sched.at(t0 + req.maxTimeS * 1_000_000 + 1000, () => {
    const ms = elapsed();
    const msg = connected ? `curl: (28) Operation timed out after ${ms} milliseconds with ${received} bytes received` : `curl: (28) Connection timed out after ${ms} milliseconds`;
    if (sock) tcpClose(w, h, sock);
    finish({ outcome: 'timeout', exitCode: 28, stderr: msg, ...(status !== undefined ? { httpStatus: status } : {}) });
  });
  w.sched.after(req.startupUs ?? 300, () => {
    if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'curl', action: 'connect', message: `curl -m ${req.maxTimeS} http://${hostHeader}${path}` });
    const r = tcpConnect(w, h, 'curl', req.to, {
      onConnected: (s) => {
        connected = true;
        const request = `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: curl/${CURL_VERSION}\r\nAccept: */*\r\n\r\n`;
        tcpSend(w, h, s, request, request.length);
      },
      onData: (s, text, bytes) => {
        received += bytes;
        buf += text;
        if (status === undefined) {
          const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf);
          if (m) status = Number(m[1]);
        }
        if (expected === undefined) {
          const hdrEnd = buf.indexOf('\r\n\r\n');
          const cl = /\r\nContent-Length: (\d+)/i.exec(buf);
          if (hdrEnd >= 0 && cl) expected = hdrEnd + 4 + Number(cl[1]);
        }
        if (expected !== undefined && received >= expected) {
          tcpClose(w, h, s);
          finish({ outcome: 'ok', exitCode: 0, stderr: '', ...(status !== undefined ? { httpStatus: status } : {}), bodyBytes: (expected ?? received) - (buf.indexOf('\r\n\r\n') + 4) });
        }
      },
      onPeerClosed: (s) => {
        tcpClose(w, h, s);
        if (received === 0) finish({ outcome: 'reset', exitCode: 52, stderr: 'curl: (52) Empty reply from server' });
        else finish({ outcome: 'ok', exitCode: 0, stderr: '', ...(status !== undefined ? { httpStatus: status } : {}), bodyBytes: received });
      },
      onError: () => {
        if (!connected) {
          finish({ outcome: 'refused', exitCode: 7, stderr: `curl: (7) Failed to connect to ${formatIPv4(req.to.ip)} port ${req.to.port} after ${elapsed()} ms: Couldn't connect to server` });
        } else {
          finish({ outcome: 'reset', exitCode: 56, stderr: `curl: (56) Recv failure: Connection reset by peer` });
        }
      },
    });
    if (typeof r === 'string') {
      finish({ outcome: 'refused', exitCode: 7, stderr: `curl: (7) Failed to connect to ${formatIPv4(req.to.ip)} port ${req.to.port} after ${elapsed()} ms: Couldn't connect to server (${r})` });
      return;
    }
    sock = r;
  });
}
