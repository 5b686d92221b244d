// `balance roundrobin`: HAProxy's fast weighted round robin (src/lb_fwrr.c, 2.6). Each group
// (active, backup) has three trees: "curr" ordered by next position, "init" and "next" ordered by
// weight (heaviest first, config order among equals). Effective weight = user weight x 16
// (BE_WEIGHT_SCALE). Initial position: every usable server starts in the "init" tree and
// curr_pos = curr_weight = next_weight = total active weight, so the first pick takes the heaviest
// server declared first; equal weights therefore start with the first server of the backend.
// The sequence this yields is the one lb_fwrr.c yields, step by step, including the requeue of
// saturated (maxconn) or avoided servers.

import { LbTree } from './lb-tree.js';
import {
  BE_WEIGHT_SCALE, SRV_EWGHT_MAX, SRV_UWGHT_RANGE, hasRoom, isUsable, newLbServer, newLbState, recountServers,
  updateBackendWeight, type LbServer, type LbState,
} from './lb-common.js';
import type { BackendModel } from './model.js';

interface FwrrGroup {
  readonly t0: LbTree<LbServer>;
  readonly t1: LbTree<LbServer>;
  readonly curr: LbTree<LbServer>;
  init: LbTree<LbServer>;
  next: LbTree<LbServer>;
  currPos: number;
  currWeight: number;
  nextWeight: number;
}

function newGroup(total: number): FwrrGroup {
  const t0 = new LbTree<LbServer>();
  const t1 = new LbTree<LbServer>();
  return { t0, t1, curr: new LbTree<LbServer>(), init: t0, next: t1, currPos: total, currWeight: total, nextWeight: total };
}

export class Fwrr {
  readonly p: LbState;
  private readonly act: FwrrGroup;
  private readonly bck: FwrrGroup;

  constructor(be: BackendModel) {
    const servers = be.servers.map((m) => newLbServer(m, m.weight * BE_WEIGHT_SCALE));
    this.p = newLbState(servers, be.allbackups);
    recountServers(this.p);
    updateBackendWeight(this.p);
    this.act = newGroup(this.p.totWact);
    this.bck = newGroup(this.p.totWbck);
    for (const s of servers) {
      s.usable = isUsable(s);
      if (s.usable) this.queueByWeight(this.grp(s).init, s);
    }
  }

  private grp(s: LbServer): FwrrGroup {
    return s.backup ? this.bck : this.act;
  }

  /** fwrr_queue_by_weight: heavier servers first. */
  private queueByWeight(root: LbTree<LbServer>, s: LbServer): void {
    root.insert(SRV_EWGHT_MAX - s.eweight, s);
    s.lbTree = root;
  }

  /** eb32_delete: leaves whichever tree holds the node; lb_tree is left as it was. */
  private dequeue(s: LbServer): void {
    const g = this.grp(s);
    g.t0.delete(s); g.t1.delete(s); g.curr.delete(s);
  }

  /** fwrr_queue_srv */
  private queueSrv(s: LbServer): void {
    const g = this.grp(s);
    if (!isUsable(s)) { s.lbTree = null; return; }
    if (s.eweight <= 0 || s.npos >= 2 * g.currWeight || s.npos >= g.currWeight + g.nextWeight) {
      s.npos -= g.currWeight;
      this.queueByWeight(g.next, s);
      return;
    }
    const key = (SRV_UWGHT_RANGE * s.npos + Math.floor((SRV_EWGHT_MAX + s.rweight - s.eweight) / BE_WEIGHT_SCALE)) >>> 0;
    g.curr.insert(key, s);
    s.lbTree = g.curr;
  }

  /** fwrr_get_srv: prepares a server taken out of its tree. */
  private getSrv(s: LbServer): void {
    const g = this.grp(s);
    if (s.lbTree === g.init) { s.npos = 0; s.rweight = 0; }
    else if (s.lbTree === g.next) s.npos += g.currWeight;
    else if (s.lbTree === null) s.npos = g.currPos;
  }

  private switchTrees(g: FwrrGroup): void {
    const swap = g.init;
    g.init = g.next;
    g.next = swap;
    g.currWeight = g.nextWeight;
    g.currPos = g.currWeight;
  }

  /** fwrr_get_server_from_group */
  private fromGroup(g: FwrrGroup): LbServer | undefined {
    const s1 = g.curr.first();
    if (s1 && s1.eweight && s1.npos <= g.currPos) return s1;
    const s2 = g.init.first();
    if (s2 && s2.eweight) { s2.npos = 0; s2.rweight = 0; return s2; }
    return s1;
  }

  /** fwrr_update_position */
  private updatePosition(g: FwrrGroup, s: LbServer): void {
    const w = s.eweight;
    if (!w) return;
    if (!s.npos) s.npos = g.currPos;
    s.lpos = s.npos;
    s.npos += Math.floor(g.nextWeight / w);
    s.rweight += g.nextWeight % w;
    if (s.rweight >= w) { s.rweight -= w; s.npos++; }
  }

  /** fwrr_get_next_server */
  next(avoid: LbServer | undefined): LbServer | undefined {
    const p = this.p;
    let g: FwrrGroup;
    if (p.srvAct) g = this.act;
    else if (p.fbck) return p.fbck;
    else if (p.srvBck) g = this.bck;
    else return undefined;

    let switched = false;
    let avoided: LbServer | undefined;
    const full: LbServer[] = [];
    let srv: LbServer | undefined;
    let take = true;
    outer: for (;;) {
      if (!g.currWeight) g.currPos = g.currWeight = g.nextWeight;
      for (;;) {
        srv = this.fromGroup(g);
        if (srv) break;
        if (switched) {
          if (avoided) { srv = avoided; break outer; }
          take = false;
          break outer;
        }
        switched = true;
        this.switchTrees(g);
      }
      this.updatePosition(g, srv);
      this.dequeue(srv);
      g.currPos++;
      if (hasRoom(srv)) {
        if (srv !== avoid || avoided) break;
        avoided = srv;
      }
      full.push(srv);
    }
    if (take && srv) this.queueSrv(srv);
    else srv = undefined;
    // Requeue extracted servers, most recently extracted first (the next_full chain).
    for (let i = full.length - 1; i >= 0; i--) {
      const f = full[i] as LbServer;
      if (f === srv) continue;
      if (switched) this.queueByWeight(g.init, f);
      else this.queueSrv(f);
    }
    return srv;
  }

  /** fwrr_set_server_status_down, for a server that was usable. */
  down(s: LbServer): void {
    const g = this.grp(s);
    g.nextWeight -= s.eweight;
    if (s.backup) {
      this.p.totWbck = this.bck.nextWeight;
      this.p.srvBck--;
      if (s === this.p.fbck) {
        const i = this.p.servers.indexOf(s);
        this.p.fbck = this.p.servers.slice(i + 1).find((x) => x.backup && isUsable(x)) ?? null;
      }
    } else {
      this.p.totWact = this.act.nextWeight;
      this.p.srvAct--;
    }
    this.dequeue(s);
    s.lbTree = null;
    updateBackendWeight(this.p);
  }

  /** fwrr_set_server_status_up, for a server that was not usable. */
  up(s: LbServer): void {
    const g = this.grp(s);
    g.nextWeight += s.eweight;
    if (s.backup) {
      this.p.totWbck = this.bck.nextWeight;
      this.p.srvBck++;
      if (!this.p.allbackups) {
        const fb = this.p.fbck;
        if (!fb) this.p.fbck = s;
        else if (this.p.servers.indexOf(s) < this.p.servers.indexOf(fb)) this.p.fbck = s;
      }
    } else {
      this.p.totWact = this.act.nextWeight;
      this.p.srvAct++;
    }
    this.getSrv(s);
    s.npos = g.currPos + Math.floor((g.nextWeight + g.currWeight - g.currPos) / s.eweight);
    this.queueSrv(s);
    updateBackendWeight(this.p);
  }
}
