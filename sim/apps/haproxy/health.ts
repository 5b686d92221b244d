// Health-check state of one server (src/check.c check_notify_*, set_server_check_status;
// src/server.c srv_getinter, new_server/srv_settings_cpy; src/tcpcheck.c connect timeout), 2.6.
//
// - `health` runs from 0 to rise+fall-1; the server is UP while health >= rise.
// - A server with `check` starts UP with health = rise ("up, but will fall down at first failure",
//   server.c), so the first failed check takes it DOWN. A `disabled` server starts at 0 in maintenance.
// - A failed check decrements health; dropping below rise sets it to 0 (DOWN). A passed check
//   increments it; reaching rise sets it to rise+fall-1 (fully UP). So a fully UP server needs
//   `fall` consecutive failures to go DOWN and a DOWN one `rise` consecutive successes to come back.
// - Interval to the next check (srv_getinter): `inter` when fully UP; `downinter` (else inter) when
//   DOWN with health 0; `fastinter` (else inter) in the transitions.
// - Connect timeout of a check: `inter`, or min(inter, timeout connect) when `timeout check` is set;
//   after connecting, `timeout check` bounds the reading of the response.
// - Checks leave from the backend's or server's `source` address, never from the `usesrc` address:
//   a check has no client connection to take an address from (proto_tcp.c tcp_connect_server only
//   applies the transparent flags when conn->src is set).
// - First check: checks are spread at start-up, the one at position srvpos (0-based among all
//   nbcheck checks) starting after mininter * srvpos / nbcheck ms (check.c start_check_task).

import type { SourceSpec } from '../../parsers/haproxy-cfg/index.js';
import { utf8Length } from '../../core/utf8.js';
import type { CheckModel, ServerModel } from './model.js';

export interface HealthState {
  readonly health: number;
  readonly up: boolean;
}

export function initialHealth(check: CheckModel, server?: Pick<ServerModel, 'disabled'>): HealthState {
  if (server?.disabled) return { health: 0, up: false };
  return { health: check.rise, up: true };
}

export type HealthTransition = 'none' | 'went-down' | 'came-up';

export interface HealthStep {
  readonly state: HealthState;
  readonly transition: HealthTransition;
  /** "status: x/y UP|DOWN" as HAProxy reports it in check logs. */
  readonly status: string;
}

function statusText(c: CheckModel, h: number): string {
  const up = h >= c.rise;
  return `${up ? h - c.rise + 1 : h}/${up ? c.fall : c.rise} ${up ? 'UP' : 'DOWN'}`;
}

/** Applies one check result (check.c set_server_check_status, check_notify_failure/success). */
export function applyCheckResult(c: CheckModel, s: HealthState, passed: boolean): HealthStep {
  let h = s.health;
  if (passed) {
    if (h < c.rise + c.fall - 1) {
      h++;
      if (h >= c.rise) h = c.rise + c.fall - 1;
    }
  } else if (h > 0) {
    h--;
    if (h < c.rise) h = 0;
  }
  // check_notify_failure marks the server DOWN only at health 0; check_notify_success marks it UP
  // once health >= rise.
  const up = s.up ? h > 0 : h >= c.rise;
  const transition: HealthTransition = s.up && !up ? 'went-down' : !s.up && up ? 'came-up' : 'none';
  return { state: { health: h, up }, transition, status: statusText(c, h) };
}

/** server.c srv_getinter: delay before the next check, in ms. */
export function nextCheckDelay(c: CheckModel, s: HealthState): number {
  if (s.health === c.rise + c.fall - 1) return c.inter;
  if (!s.up && s.health === 0) return c.downinter ?? c.inter;
  return c.fastinter ?? c.inter;
}

/** Delay of the very first check of the check at position `srvpos` among `nbcheck` (ms). */
export function firstCheckDelay(srvpos: number, nbcheck: number, mininter: number): number {
  return nbcheck > 0 ? Math.floor((mininter * srvpos) / nbcheck) : 0;
}

/** tcpcheck.c: how long a check may wait for its TCP connection. */
export function checkConnectTimeout(c: CheckModel): number {
  if (c.timeoutCheck !== undefined && c.timeoutConnect !== undefined) return Math.min(c.inter, c.timeoutConnect);
  return c.inter;
}

/** Where a check connects from: the `source` address and port (0.0.0.0/unset = the kernel chooses). */
export function checkSource(server: Pick<ServerModel, 'source'>): { readonly addr?: string; readonly portLow?: number; readonly portHigh?: number; readonly source?: SourceSpec } {
  const src = server.source;
  if (!src) return {};
  const r: { addr?: string; portLow?: number; portHigh?: number; source?: SourceSpec } = { source: src };
  if (src.addr !== '0.0.0.0' && src.addr !== '::') r.addr = src.addr;
  if (src.portLow !== undefined) r.portLow = src.portLow;
  if (src.portHigh !== undefined) r.portHigh = src.portHigh;
  return r;
}

/** Where a check connects to: `addr`/`port` overrides, else the server's address and port. */
export function checkTarget(server: ServerModel): { readonly addr: string; readonly port?: number } {
  const c = server.check;
  const addr = c?.addr ?? server.addr;
  const port = c?.port ?? (server.port && !server.port.offset ? server.port.value : undefined);
  return port === undefined ? { addr } : { addr, port };
}

/**
 * Verdict of an HTTP check on a response (tcpcheck.c). Without `http-check expect`, any 2xx or 3xx
 * status passes. Every expect rule must pass, in order. `haproxy` is the reason HAProxy gives in
 * its "Health check for server ..." line: the check status's description (check.c
 * check_statuses: "Layer7 check passed", "Layer7 wrong status", "Layer7 invalid response") with
 * the code and, for a failure, what failed.
 */
export function evaluateHttpCheck(c: CheckModel, response: { readonly status: number; readonly reason?: string; readonly body?: string }): { readonly passed: boolean; readonly reason: string; readonly haproxy: string } {
  const expects = c.http?.expects ?? [];
  const st = response.status;
  const wrongStatus = `Layer7 wrong status, code: ${st}, info: "${response.reason ?? ''}"`;
  const passed = `Layer7 check passed, code: ${st}`;
  if (st === 0) return { passed: false, reason: 'no HTTP status line in the response', haproxy: 'Layer7 invalid response' };
  if (expects.length === 0) {
    const ok = st >= 200 && st < 400;
    return { passed: ok, reason: ok ? `HTTP status ${st} (2xx/3xx)` : `HTTP status ${st} is not 2xx/3xx`, haproxy: ok ? passed : wrongStatus };
  }
  for (const e of expects) {
    let match: boolean;
    let what: string;
    switch (e.kind) {
      case 'status': match = e.codes.some(([lo, hi]) => st >= lo && st <= hi); what = `status ${e.codes.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`; break;
      case 'rstatus': match = safeRegex(e.pattern).test(String(st)); what = `rstatus ${e.pattern}`; break;
      case 'string': match = (response.body ?? '').includes(e.text); what = `string ${e.text}`; break;
      case 'rstring': match = safeRegex(e.pattern).test(response.body ?? ''); what = `rstring ${e.pattern}`; break;
    }
    if (match === e.negate) {
      const onStatus = e.kind === 'status' || e.kind === 'rstatus';
      const haproxy = onStatus ? wrongStatus : `Layer7 invalid response, info: "${e.negate ? 'HTTP check matched unwanted content' : 'HTTP content check did not match'}"`;
      return { passed: false, reason: `expect ${e.negate ? '! ' : ''}${what} failed (status ${st})`, haproxy };
    }
  }
  return { passed: true, reason: `HTTP status ${st} matched`, haproxy: passed };
}

/** Whether the check's verdict needs the response body (a `string`/`rstring` expect), not only its status. */
export function checkNeedsBody(c: CheckModel): boolean {
  return (c.http?.expects ?? []).some((e) => e.kind === 'string' || e.kind === 'rstring');
}

/**
 * The bytes of an HTTP check's request, as HAProxy 2.6 puts them on the wire (tcpcheck.c builds
 * the request, the H1 multiplexer writes it): the request line; the `http-check send` headers in
 * order, names in lower case; `connection: close` from HTTP/1.1 on (HTTP/1.0 closes by default);
 * `content-length` only with a body. The lab's captures show "GET /healthz HTTP/1.0" followed by
 * an empty line, and for HTTP/1.1 "host: ...", "connection: close", nothing else.
 */
export function httpCheckRequest(send: { readonly method: string; readonly uri: string; readonly version: string; readonly headers: readonly { readonly name: string; readonly value: string }[]; readonly body?: string }): string {
  const v = /^HTTP\/(\d)(?:\.(\d))?$/i.exec(send.version);
  const from11 = v !== null && (Number(v[1]) > 1 || (Number(v[1]) === 1 && Number(v[2] ?? 0) >= 1));
  let s = `${send.method} ${send.uri} ${send.version}\r\n`;
  for (const hd of send.headers) s += `${hd.name.toLowerCase()}: ${hd.value}\r\n`;
  if (from11) s += 'connection: close\r\n';
  const body = send.body ?? '';
  if (body !== '') s += `content-length: ${utf8Length(body)}\r\n`;
  return `${s}\r\n${body}`;
}

/** What a check has read of the response so far. */
export interface CheckResponse {
  readonly status: number;
  readonly reason: string;
  readonly body: string;
  /** The whole body is in (its Content-Length, or the last chunk, or the end of the connection). */
  readonly complete: boolean;
}

/**
 * The response as far as it has arrived: undefined until its header block is complete (HAProxy's
 * HTTP expect rules wait for that), then the status, the reason phrase and the body so far
 * (Content-Length or chunked; without either the body ends with the connection, `ended`). A
 * header block that does not start with an HTTP status line has status 0.
 */
export function readCheckResponse(text: string, ended: boolean): CheckResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return ended ? { status: 0, reason: '', body: '', complete: true } : undefined;
  const head = text.slice(0, end).split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(head[0] ?? '');
  if (!m) return { status: 0, reason: '', body: '', complete: true };
  const fields = new Map<string, string>();
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const raw = text.slice(end + 4);
  const status = Number(m[1]);
  const reason = m[2] ?? '';
  const te = fields.get('transfer-encoding');
  if (te !== undefined && /(^|,)\s*chunked\s*$/i.test(te)) {
    let body = '';
    let at = 0;
    for (;;) {
      const eol = raw.indexOf('\r\n', at);
      if (eol < 0) return { status, reason, body, complete: ended };
      const size = parseInt(raw.slice(at, eol), 16);
      if (!Number.isFinite(size)) return { status, reason, body, complete: true };
      if (size === 0) return { status, reason, body, complete: true };
      const chunk = raw.slice(eol + 2, eol + 2 + size);
      body += chunk;
      if (chunk.length < size) return { status, reason, body, complete: ended };
      at = eol + 2 + size + 2;
    }
  }
  const cl = fields.get('content-length');
  if (cl !== undefined && /^\d+$/.test(cl)) {
    const n = Number(cl);
    return { status, reason, body: raw.slice(0, n), complete: ended || raw.length >= n };
  }
  return { status, reason, body: raw, complete: ended };
}

function safeRegex(p: string): RegExp {
  try { return new RegExp(p); } catch { return /$^/; }
}
