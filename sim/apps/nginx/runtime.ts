// nginx serving in a pod (or on a host) of the simulated world: listens where its server blocks
// say, reads a PROXY header first on `proxy_protocol` listens, answers each HTTP request with
// handleRequest (status, body size, access and error log lines in the official image's format)
// and keeps the connection open (keepalive_timeout 65s) until the client closes it.

import { ANY_IPV4, formatIPv4, parseIPv4 } from '../../core/ip.js';
import type { Host } from '../../net/stack/host.js';
import type { World } from '../../net/stack/world.js';
import { tcpClose, tcpListen, tcpSend } from '../../net/stack/tcp.js';
import { handleRequest, officialImageEnv, type NginxEnv } from './handle-request.js';
import type { NginxModel } from './model.js';
import { parseProxyV1 } from '../haproxy/proxy-protocol.js';
import { REASONS } from './responses.js';

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

/** Wall-clock time the simulation starts at, for log lines (ms since the epoch). */
export const SIM_EPOCH_MS = Date.UTC(2020, 9, 31, 5, 1, 20);

export function startNginx(w: World, h: Host, model: NginxModel, env: NginxEnv = officialImageEnv(), log: NginxLogEntry[] = []): NginxRuntime {
  const rt: NginxRuntime = { log };
  let connections = 0;
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
        onAccept: (_ls, c) => {
          const conn = ++connections;
          let buf = '';
          let proxy: { addr: string; port: number; dstAddr: string; dstPort: number } | undefined;
          let needProxy = l.proxyProtocol;
          c.events = {
            onData: (s, text) => {
              buf += text;
              if (needProxy) {
                const end = buf.indexOf('\r\n');
                if (end < 0) return;
                const p = parseProxyV1(buf.slice(0, end + 2));
                buf = buf.slice(end + 2);
                needProxy = false;
                if (p && typeof p === 'object') proxy = { addr: p.srcAddr, port: p.srcPort, dstAddr: p.dstAddr, dstPort: p.dstPort };
                else if (p !== 'unknown') {
                  // broken header: nginx closes the connection (logs a 400 with no request line)
                  const r = handleRequest(model, { clientAddr: formatIPv4(c.remote?.ip ?? ANY_IPV4), clientPort: c.remote?.port ?? 0, serverPort: l.port, method: '', path: '', httpVersion: '', headers: [], time: SIM_EPOCH_MS + w.now / 1000, connection: conn }, env);
                  for (const e of r.errorLogLines) logLine(w, h, rt, r.remoteAddr, undefined, e, true);
                  tcpClose(w, h, s);
                  return;
                }
              }
              const end = buf.indexOf('\r\n\r\n');
              if (end < 0) return;
              const head = buf.slice(0, end);
              buf = buf.slice(end + 4);
              const [requestLine = '', ...hdrLines] = head.split('\r\n');
              const [method = '', path = '', httpVersion = ''] = requestLine.split(' ');
              const headers = hdrLines.map((x) => { const i = x.indexOf(':'); return [x.slice(0, i), x.slice(i + 1).trim()] as const; });
              const r = handleRequest(model, {
                clientAddr: formatIPv4(c.remote?.ip ?? ANY_IPV4), clientPort: c.remote?.port ?? 0,
                serverAddr: formatIPv4(c.local.ip), serverPort: l.port,
                ...(proxy ? { proxyProtocolAddr: proxy.addr, proxyProtocolPort: proxy.port, proxyProtocolDstAddr: proxy.dstAddr, proxyProtocolDstPort: proxy.dstPort } : {}),
                method, path, httpVersion, headers, time: SIM_EPOCH_MS + w.now / 1000, connection: conn,
              }, env, { explain: w.rec.enabled });
              if (w.rec.enabled && r.why.length) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'nginx', action: 'request', message: `${method} ${path}: ${r.why.join('; ')}` });
              for (const e of r.errorLogLines) logLine(w, h, rt, r.remoteAddr, r.status, e, true);
              for (const a of r.accessLogLines) logLine(w, h, rt, r.remoteAddr, r.status, a, false);
              if (r.status === undefined) { tcpClose(w, h, s); return; }
              const reason = REASONS[r.status] ?? '';
              const resp = `HTTP/1.1 ${r.status} ${reason}\r\nServer: nginx/${env.version}\r\nContent-Type: text/html\r\nContent-Length: ${r.bodyBytes}\r\nConnection: keep-alive\r\n\r\n`;
              tcpSend(w, h, s, resp, resp.length + r.bodyBytes);
            },
            onPeerClosed: (s) => tcpClose(w, h, s),
          };
        },
      });
      if (typeof r === 'string') logLine(w, h, rt, '-', undefined, `[emerg] bind() to ${formatIPv4(ip)}:${l.port} failed (${r})`, true);
    }
  }
  return rt;
}

function logLine(w: World, h: Host, rt: NginxRuntime, remoteAddr: string, status: number | undefined, line: string, error: boolean): void {
  rt.log.push({ at: w.now, host: h.host, remoteAddr, ...(status !== undefined ? { status } : {}), line, error });
  if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'nginx', action: error ? 'error.log' : 'access.log', message: line });
}
