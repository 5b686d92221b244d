// Server selection for one backend (src/backend.c assign_server): dispatches to the algorithm of
// `balance`, keeps each server's status and connection count, and applies status changes the way
// the LB callbacks (set_server_status_up/down) do, in server order, before the next pick.
// Backup servers are used only when no active server is usable; without `option allbackups` only
// the first usable backup is used (backend.c recount_servers, `fbck`).

import { assertNever } from '../../core/assert.js';
import { parseIPv4 } from '../../core/ip.js';
import { isUsable, type LbServer, type LbState, type ServerStatus } from './lb-common.js';
import { LbTreeAlgo } from './lb-fwlc.js';
import { Fwrr } from './lb-fwrr.js';
import { LbMap } from './lb-map.js';
import type { BackendModel, ServerModel } from './model.js';

export interface PickContext {
  /** Client address (IPv4 dotted quad or IPv6 text); used by `balance source`. */
  readonly srcIp?: string;
  /** Name of the server to avoid (the previous one, on a redispatch). */
  readonly avoid?: string;
}

/** Server statuses by name; servers not listed keep their current status. */
export type ServerStates = ReadonlyMap<string, ServerStatus>;

export interface Balancer {
  readonly backend: BackendModel;
  /** Applies status changes, then picks a server and counts one connection on it. */
  pick(states?: ServerStates, ctx?: PickContext): ServerModel | undefined;
  /** The connection assigned to this server ended (needed by leastconn, first and maxconn). */
  release(serverName: string): void;
  setStatus(serverName: string, status: ServerStatus): void;
  status(serverName: string): ServerStatus | undefined;
  served(serverName: string): number;
  /** Servers the LB may currently choose from (active ones, or the backups in use). */
  usableServers(): readonly ServerModel[];
}

/** The 32-bit words get_server_sh XORs: the IPv4 address, or the four words of an IPv6 address. */
export function addressWords(ip: string): readonly number[] | undefined {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return [v4 >>> 0];
  if (!ip.includes(':')) return undefined;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').filter((x) => x !== '').flatMap((g) => {
    const q = parseIPv4(g);
    return q !== undefined ? [q >>> 16, q & 0xffff] : [parseInt(g, 16)];
  }) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (groups.length !== 8 || groups.some((g) => !Number.isFinite(g))) return undefined;
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push((((groups[i] as number) << 16) | (groups[i + 1] as number)) >>> 0);
  return words;
}

type Algo =
  | { readonly kind: 'fwrr'; readonly impl: Fwrr }
  | { readonly kind: 'map'; readonly impl: LbMap }
  | { readonly kind: 'tree'; readonly impl: LbTreeAlgo };

export function createBalancer(backend: BackendModel): Balancer {
  let algo: Algo;
  switch (backend.balance) {
    case 'roundrobin': algo = { kind: 'fwrr', impl: new Fwrr(backend) }; break;
    case 'static-rr': case 'source': algo = { kind: 'map', impl: new LbMap(backend) }; break;
    case 'leastconn': algo = { kind: 'tree', impl: new LbTreeAlgo(backend, 'leastconn') }; break;
    case 'first': algo = { kind: 'tree', impl: new LbTreeAlgo(backend, 'first') }; break;
    default: return assertNever(backend.balance, 'balance algorithm');
  }
  const state: LbState = algo.impl.p;
  const byName = (n: string): LbServer | undefined => {
    for (const s of state.servers) if (s.model.name === n) return s;
    return undefined;
  };

  const applyStatus = (s: LbServer, status: ServerStatus): void => {
    if (s.status === status) return;
    const was = s.usable;
    s.status = status;
    const now = isUsable(s);
    s.usable = now;
    if (was === now) return;
    if (algo.kind === 'map') { algo.impl.recalc(); return; }
    if (now) algo.impl.up(s); else algo.impl.down(s);
  };

  const take = (s: LbServer, delta: number): void => {
    const oldKey = algo.kind === 'tree' ? algo.impl.keyOf(s) : 0;
    s.served = Math.max(0, s.served + delta);
    if (algo.kind === 'tree') algo.impl.reposition(s, oldKey);
  };

  return {
    backend,
    pick(states, ctx = {}) {
      if (states) for (const s of state.servers) {
        const st = states.get(s.model.name);
        if (st !== undefined) applyStatus(s, st);
      }
      const avoid = ctx.avoid !== undefined ? byName(ctx.avoid) : undefined;
      let chosen: LbServer | undefined;
      if (algo.kind === 'fwrr') chosen = algo.impl.next(avoid);
      else if (algo.kind === 'tree') chosen = algo.impl.next(avoid);
      else if (backend.balance === 'static-rr') chosen = algo.impl.nextRr(avoid);
      else {
        const words = ctx.srcIp !== undefined ? addressWords(ctx.srcIp) : undefined;
        // assign_server falls back to round robin on the map when the hash gives nothing.
        chosen = (words ? algo.impl.bySource(words) : undefined) ?? algo.impl.nextRr(avoid);
      }
      if (chosen) take(chosen, 1);
      return chosen?.model;
    },
    release(name) {
      const s = byName(name);
      if (s && s.served > 0) take(s, -1);
    },
    setStatus(name, status) {
      const s = byName(name);
      if (s) applyStatus(s, status);
    },
    status: (name) => byName(name)?.status,
    served: (name) => byName(name)?.served ?? 0,
    usableServers() {
      if (state.srvAct) return state.servers.filter((s) => !s.backup && s.usable).map((s) => s.model);
      if (state.fbck) return [state.fbck.model];
      return state.servers.filter((s) => s.backup && s.usable).map((s) => s.model);
    },
  };
}
