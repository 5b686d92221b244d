// `balance leastconn` (src/lb_fwlc.c, 2.6) and `balance first` (src/lb_fas.c). leastconn keeps
// usable servers in a tree keyed by (inflight + 1) * SRV_EWGHT_MAX / eweight (0 when idle), and
// re-inserts a server whenever its key changes, so among equal loads the server whose load changed
// least recently comes first; the initial order is the configuration order. first keys servers by
// their id (position), so the lowest-id server with room is always chosen.

import { LbTree } from './lb-tree.js';
import {
  BE_WEIGHT_SCALE, SRV_EWGHT_MAX, hasRoom, isUsable, newLbServer, newLbState, recountServers, updateBackendWeight,
  type LbServer, type LbState,
} from './lb-common.js';
import type { BackendModel } from './model.js';

export class LbTreeAlgo {
  readonly p: LbState;
  private readonly act = new LbTree<LbServer>();
  private readonly bck = new LbTree<LbServer>();

  constructor(be: BackendModel, readonly kind: 'leastconn' | 'first') {
    const servers = be.servers.map((m) => newLbServer(m, m.weight * BE_WEIGHT_SCALE));
    this.p = newLbState(servers, be.allbackups);
    recountServers(this.p);
    updateBackendWeight(this.p);
    for (const s of servers) {
      s.usable = isUsable(s);
      if (s.usable) this.queue(s);
    }
  }

  private tree(s: LbServer): LbTree<LbServer> {
    return s.backup ? this.bck : this.act;
  }

  private key(s: LbServer): number {
    if (this.kind === 'first') return s.model.id;
    return s.served ? Math.floor(((s.served + 1) * SRV_EWGHT_MAX) / (s.eweight || 1)) : 0;
  }

  private queue(s: LbServer): void {
    this.tree(s).insert(this.key(s), s);
    s.lbTree = this.tree(s);
  }

  /** fwlc_srv_reposition / fas_srv_reposition after served changed. */
  reposition(s: LbServer, oldKey: number): void {
    if (!s.usable || !this.tree(s).has(s)) return;
    if (this.key(s) === oldKey) return;
    this.tree(s).delete(s);
    this.queue(s);
  }

  keyOf(s: LbServer): number {
    return this.key(s);
  }

  /** fwlc_get_next_server / fas_get_next_server */
  next(avoid: LbServer | undefined): LbServer | undefined {
    const p = this.p;
    let t: LbTree<LbServer>;
    if (p.srvAct) t = this.act;
    else if (p.fbck) return p.fbck;
    else if (p.srvBck) t = this.bck;
    else return undefined;
    let avoided: LbServer | undefined;
    for (const s of t.values()) {
      if (!hasRoom(s)) continue;
      if (s !== avoid) return s;
      avoided = s;
    }
    return avoided;
  }

  down(s: LbServer): void {
    this.tree(s).delete(s);
    s.lbTree = null;
    recountServers(this.p);
    updateBackendWeight(this.p);
  }

  up(s: LbServer): void {
    this.queue(s);
    recountServers(this.p);
    updateBackendWeight(this.p);
  }
}
