// Drives ./connect-attempts.ts with a balancer and a per-attempt outcome to produce the timeline of
// one client connection through a backend: which server each attempt went to, when it started and
// ended, and what the client finally gets. The packet engine does the same with real packets; this
// is the pure version used for tests, explanations and what-if tables.

import type { Balancer, ServerStates } from './balancer.js';
import { INITIAL_ATTEMPT_STATE, nextAttempt, type AttemptState, type ClientOutcome } from './connect-attempts.js';
import type { BackendModel, ServerModel } from './model.js';

/** How one connection attempt ends. `afterMs` is how long it takes (a timeout lasts `timeout connect`). */
export interface AttemptOutcome {
  readonly kind: 'connected' | 'timeout' | 'error';
  readonly afterMs?: number;
}

export interface TimelineEntry {
  readonly attempt: number;
  readonly server: string;
  readonly start: number;
  readonly end: number;
  readonly result: 'connected' | 'timeout' | 'error';
  readonly next?: string;
}

export type TimelineResult =
  | { readonly kind: 'connected'; readonly server: string; readonly at: number; readonly redispatched: boolean; readonly retries: number }
  | { readonly kind: 'failed'; readonly at: number; readonly termination: string; readonly client: ClientOutcome; readonly retries: number; readonly noServer?: boolean };

/**
 * Without `timeout connect`, HAProxy waits for the kernel to give up on the SYN, which is an error
 * (ETIMEDOUT) rather than a timeout; 127 s is Linux's default with tcp_syn_retries=6 (1+2+...+64 s).
 */
export const KERNEL_SYN_GIVE_UP_MS = 127_000;

export function simulateConnection(
  be: BackendModel,
  balancer: Balancer,
  opts: {
    readonly start: number;
    readonly srcIp?: string;
    readonly states?: ServerStates;
    readonly outcome: (server: ServerModel, attempt: number, at: number) => AttemptOutcome;
  },
): { readonly attempts: readonly TimelineEntry[]; readonly result: TimelineResult } {
  const attempts: TimelineEntry[] = [];
  const ctx = opts.srcIp !== undefined ? { srcIp: opts.srcIp } : {};
  let server = balancer.pick(opts.states, ctx);
  let t = opts.start;
  let state: AttemptState = INITIAL_ATTEMPT_STATE;
  const noServer = (at: number): { attempts: TimelineEntry[]; result: TimelineResult } => ({
    attempts,
    result: {
      kind: 'failed', at, retries: state.retries, noServer: true,
      // srv_redispatch_connect: SRV_STATUS_NOSRV sets STRM_ET_CONN_ERR unless an earlier failure set it.
      termination: `${state.firstFailure === 'timeout' ? 'sC' : 'SC'}${be.mode === 'http' ? '--' : ''}`,
      client: be.mode === 'http' ? { mode: 'http', status: 503 } : { mode: 'tcp', close: 'fin' },
    },
  });
  if (!server) return noServer(t);
  for (let n = 1; ; n++) {
    const o = opts.outcome(server, n, t);
    let kind = o.kind;
    let dur: number;
    if (kind === 'timeout') {
      if (be.timeouts.connect !== undefined) dur = be.timeouts.connect;
      else { kind = 'error'; dur = o.afterMs ?? KERNEL_SYN_GIVE_UP_MS; }
    } else dur = o.afterMs ?? 0;
    const end = t + dur;
    if (kind === 'connected') {
      attempts.push({ attempt: n, server: server.name, start: t, end, result: 'connected' });
      return { attempts, result: { kind: 'connected', server: server.name, at: end, redispatched: state.redispatched, retries: state.retries } };
    }
    const usable = balancer.usableServers();
    const d = nextAttempt(be, state, {
      kind, at: end, server: server.name,
      serverRunning: balancer.status(server.name) === 'up',
      activeServers: usable.filter((s) => !s.backup).length,
    });
    attempts.push({ attempt: n, server: server.name, start: t, end, result: kind, next: d.why });
    state = d.state;
    if (d.kind === 'give-up') {
      balancer.release(server.name);
      return { attempts, result: { kind: 'failed', at: d.at, termination: d.termination, client: d.client, retries: state.retries } };
    }
    t = d.at;
    if (d.target.kind === 'redispatch') {
      balancer.release(server.name);
      const next = balancer.pick(opts.states, { ...ctx, avoid: d.target.avoid });
      if (!next) return noServer(t);
      server = next;
    }
  }
}
