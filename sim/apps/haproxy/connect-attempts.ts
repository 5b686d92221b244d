// What HAProxy does after a failed connection attempt to a server (src/backend.c
// back_handle_st_con / back_handle_st_cer, include/haproxy/stream.h stream_choose_redispatch,
// src/stream.c default_srv_error, src/http_ana.c http_return_srv_error), as in 2.6.3 and later
// (the 2.6 branch carries commit bc6b23813 "Don't increment conn_retries counter too early";
// 2.6.0-2.6.2 made one attempt fewer).
//
// - The retry budget is checked before the counter is incremented: `retries N` gives N+1 attempts.
// - A connect timeout (no answer within `timeout connect`) is retried at once; an asynchronous
//   error (RST, ICMP unreachable) waits min(timeout connect, 1 s) before retrying, but only when the
//   retry stays on the same server (or the algorithm is not round-robin-like, or at most one active
//   server is usable) and the connection was not a reused one.
// - With `option redispatch [<interval>]` a retry goes back through load balancing, avoiding the
//   previous server, when: the server is no longer running; or the retry number is a multiple of a
//   positive interval; or, for a negative interval, of retries+1+interval (-1: the last retry); or
//   the backend has more than one usable active server and a round-robin-like algorithm
//   (roundrobin, static-rr) and the stream is not persistent - i.e. every retry, in practice.
// - When the budget is spent: HTTP answers 503, termination state `sC--` if the first failure was a
//   timeout, `SC--` if it was an error (conn_err_type keeps the first failure). TCP mode logs `sC`/`SC`
//   and closes the client connection with a FIN, without data (stconn.c sc_app_shutw_conn: a clean
//   CO_SHW_NORMAL shutdown unless SC_FL_NOLINGER, which this path does not set).

import type { BackendModel } from './model.js';

export type ConnectFailure = 'timeout' | 'error';

export interface AttemptState {
  /** Retries performed so far (s->conn_retries). */
  readonly retries: number;
  /** Server the next attempt goes to (undefined: load balancing must pick one). */
  readonly server?: string;
  /** Kind of the first failure (s->conn_err_type is only set once). */
  readonly firstFailure?: ConnectFailure;
  /** A redispatch happened (the log's retries field gets a leading '+'). */
  readonly redispatched: boolean;
}

export const INITIAL_ATTEMPT_STATE: AttemptState = { retries: 0, redispatched: false };

export interface FailureInput {
  readonly kind: ConnectFailure;
  /** Simulated time of the failure, in ms. */
  readonly at: number;
  /** The server that failed. */
  readonly server: string;
  /** The server is still in the running state (a down server forces a redispatch). */
  readonly serverRunning: boolean;
  /** Usable active servers of the backend right now (srv_act). */
  readonly activeServers: number;
  /** The failed attempt reused an idle connection (no turn-around delay then). */
  readonly reused?: boolean;
}

export type ClientOutcome =
  | { readonly mode: 'http'; readonly status: 503 }
  | { readonly mode: 'tcp'; readonly close: 'fin' };

export type AttemptDecision =
  | {
    readonly kind: 'retry';
    /** Same server, or a new load-balancing decision avoiding `avoid`. */
    readonly target: { readonly kind: 'same'; readonly server: string } | { readonly kind: 'redispatch'; readonly avoid: string };
    readonly delayMs: number;
    readonly at: number;
    readonly state: AttemptState;
    readonly why: string;
  }
  | {
    readonly kind: 'give-up';
    readonly at: number;
    readonly state: AttemptState;
    /** Termination state as the log shows it: 2 characters in TCP logs, 4 in HTTP logs. */
    readonly termination: string;
    readonly client: ClientOutcome;
    readonly why: string;
  };

/** Algorithms of kind BE_LB_KIND_RR (backend-t.h): roundrobin, static-rr (and random). */
function isRrKind(be: BackendModel): boolean {
  return be.balance === 'roundrobin' || be.balance === 'static-rr';
}

/** stream_choose_redispatch's condition, with conn_retries already incremented. */
export function shouldRedispatch(be: BackendModel, retriesDone: number, f: Pick<FailureInput, 'serverRunning' | 'activeServers'>): string | undefined {
  if (!be.redispatch.enabled) return undefined;
  if (!f.serverRunning) return 'the server is not running any more';
  const iv = be.redispatch.interval;
  if (iv > 0 && retriesDone % iv === 0) return `retry ${retriesDone} is a multiple of the redispatch interval ${iv}`;
  if (iv < 0) {
    const m = be.retries + 1 + iv;
    if (m !== 0 && retriesDone % m === 0) return iv === -1 ? 'this is the last retry' : `retry ${retriesDone} is a multiple of retries+1${iv} = ${m}`;
  }
  if (f.activeServers > 1 && isRrKind(be)) {
    return `non-persistent ${be.balance} backend with ${f.activeServers} usable active servers`;
  }
  return undefined;
}

export function nextAttempt(be: BackendModel, state: AttemptState, f: FailureInput): AttemptDecision {
  const firstFailure = state.firstFailure ?? f.kind;
  if (state.retries >= be.retries) {
    const t = firstFailure === 'timeout' ? 'sC' : 'SC';
    const final: AttemptState = { ...state, firstFailure };
    const client: ClientOutcome = be.mode === 'http' ? { mode: 'http', status: 503 } : { mode: 'tcp', close: 'fin' };
    return {
      kind: 'give-up', at: f.at, state: final,
      termination: be.mode === 'http' ? `${t}--` : t,
      client,
      why: `${be.retries + 1} connection attempts failed (retries ${be.retries}); first failure: ${firstFailure === 'timeout' ? 'timeout connect' : 'connection error'}`,
    };
  }
  const retries = state.retries + 1;
  const redisp = shouldRedispatch(be, retries, f);
  const next: AttemptState = { retries, firstFailure, redispatched: state.redispatched || redisp !== undefined };
  let delayMs = 0;
  let why: string;
  if (f.kind === 'error') {
    const sameServer = redisp === undefined || !isRrKind(be) || f.activeServers <= 1;
    if (sameServer && !f.reused) {
      delayMs = Math.min(be.timeouts.connect ?? 1000, 1000);
      why = `connection error: retry ${retries}/${be.retries} after a turn-around of min(timeout connect, 1s) = ${delayMs} ms`;
    } else {
      why = `connection error: retry ${retries}/${be.retries} at once`;
    }
  } else {
    why = `timeout connect: retry ${retries}/${be.retries} at once`;
  }
  if (redisp !== undefined) {
    return { kind: 'retry', target: { kind: 'redispatch', avoid: f.server }, delayMs, at: f.at + delayMs, state: next, why: `${why}, redispatched (${redisp})` };
  }
  return { kind: 'retry', target: { kind: 'same', server: f.server }, delayMs, at: f.at + delayMs, state: { ...next, server: f.server }, why: `${why}, same server` };
}
