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
 * status passes. Every expect rule must pass, in order.
 */
export function evaluateHttpCheck(c: CheckModel, response: { readonly status: number; readonly body?: string }): { readonly passed: boolean; readonly reason: string } {
  const expects = c.http?.expects ?? [];
  if (expects.length === 0) {
    const ok = response.status >= 200 && response.status < 400;
    return { passed: ok, reason: ok ? `HTTP status ${response.status} (2xx/3xx)` : `HTTP status ${response.status} is not 2xx/3xx` };
  }
  for (const e of expects) {
    let match: boolean;
    let what: string;
    switch (e.kind) {
      case 'status': match = e.codes.some(([lo, hi]) => response.status >= lo && response.status <= hi); what = `status ${e.codes.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`; break;
      case 'rstatus': match = safeRegex(e.pattern).test(String(response.status)); what = `rstatus ${e.pattern}`; break;
      case 'string': match = (response.body ?? '').includes(e.text); what = `string ${e.text}`; break;
      case 'rstring': match = safeRegex(e.pattern).test(response.body ?? ''); what = `rstring ${e.pattern}`; break;
    }
    if (match === e.negate) return { passed: false, reason: `expect ${e.negate ? '! ' : ''}${what} failed (status ${response.status})` };
  }
  return { passed: true, reason: `HTTP status ${response.status} matched` };
}

function safeRegex(p: string): RegExp {
  try { return new RegExp(p); } catch { return /$^/; }
}
