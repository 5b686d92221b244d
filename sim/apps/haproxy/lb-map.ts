// `balance static-rr` and `balance source` (hash-type map-based, the default): src/lb_map.c and
// src/backend.c get_server_sh, 2.6. Weights are divided by their greatest common divisor
// (wmult = gcd, wdiv = 1), and a map of tot_weight slots is filled so that each server appears
// in proportion to its weight, the first declared server winning ties (recalc_server_map).
// static-rr walks the map from rr_idx. source hashes the client address: for IPv4 the hash is the
// address itself as a host-order 32-bit number (IPv6: the XOR of its four 32-bit words), with no
// avalanche, and picks map[hash % tot_weight]; with a single usable server the hash is 0.

import { hasRoom, isUsable, newLbServer, newLbState, recountServers, updateBackendWeight, type LbServer, type LbState } from './lb-common.js';
import type { BackendModel } from './model.js';

function gcdOfWeights(be: BackendModel): number {
  const ws = be.servers.map((s) => s.weight);
  const start = ws.findIndex((w) => w !== 0);
  if (start < 0) return 1;
  let pgcd = ws[start] as number;
  for (let i = start + 1; i < ws.length && pgcd > 1; i++) {
    let w = ws[i] as number;
    while (w) { const t = pgcd % w; pgcd = w; w = t; }
  }
  return pgcd;
}

export class LbMap {
  readonly p: LbState;
  readonly wmult: number;
  map: (LbServer | null)[] = [];
  rrIdx = 0;

  constructor(be: BackendModel) {
    this.wmult = gcdOfWeights(be);
    const servers = be.servers.map((m) => newLbServer(m, Math.floor((m.weight + this.wmult - 1) / this.wmult)));
    this.p = newLbState(servers, be.allbackups);
    this.recalc();
  }

  /** recount_servers + update_backend_weight + recalc_server_map, as on every status change. */
  recalc(): void {
    const p = this.p;
    for (const s of p.servers) s.usable = isUsable(s);
    recountServers(p);
    updateBackendWeight(p);
    if (p.totUsed === 0) return;
    const tot = p.totWeight;
    const wantBackup = p.srvAct === 0;
    for (const s of p.servers) s.wscore = 0;
    const map: (LbServer | null)[] = [];
    for (let o = 0; o < tot; o++) {
      let max = 0;
      let best: LbServer | null = null;
      for (const cur of p.servers) {
        if (cur.backup !== wantBackup || !isUsable(cur)) continue;
        if (tot === 1) { best = cur; break; }
        cur.wscore += cur.eweight;
        const v = Math.trunc((cur.wscore + tot) / tot);
        if (best === null || v > max) { max = v; best = cur; }
      }
      map[o] = best;
      if (best) best.wscore -= tot;
    }
    this.map = map;
  }

  /** map_get_server_rr */
  nextRr(avoid: LbServer | undefined): LbServer | undefined {
    const tot = this.p.totWeight;
    if (tot === 0) return undefined;
    if (this.rrIdx < 0 || this.rrIdx >= tot) this.rrIdx = 0;
    let newidx = this.rrIdx;
    let avoided: LbServer | undefined;
    let avoididx = 0;
    do {
      const srv = this.map[newidx++];
      if (srv && hasRoom(srv)) {
        avoided = srv;
        avoididx = newidx;
        if (srv !== avoid) { this.rrIdx = newidx; return srv; }
      }
      if (newidx === tot) newidx = 0;
    } while (newidx !== this.rrIdx);
    if (avoided) this.rrIdx = avoididx;
    return avoided;
  }

  /** get_server_sh + map_get_server_hash */
  bySource(addrWords: readonly number[]): LbServer | undefined {
    const tot = this.p.totWeight;
    if (tot === 0) return undefined;
    let h = 0;
    if (this.p.totUsed !== 1) for (const w of addrWords) h = (h ^ w) >>> 0;
    return this.map[h % tot] ?? undefined;
  }
}
