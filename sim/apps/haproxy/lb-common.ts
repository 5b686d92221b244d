// State shared by HAProxy's load-balancing algorithms (src/backend.c recount_servers,
// update_backend_weight; include/haproxy/backend.h srv_willbe_usable). A server is usable for LB
// when its effective weight is non-zero, it is not in maintenance or drain, and it is running.
// Without maxconn/minconn the dynamic maxconn is simply maxconn.

import type { LbTree } from './lb-tree.js';
import type { ServerModel } from './model.js';

/** Operational status of a server as the LB sees it. `drain` = weight 0 (no new LB traffic). */
export const SERVER_STATUSES = ['up', 'down', 'maint', 'drain'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** include/haproxy/backend-t.h, server-t.h */
export const BE_WEIGHT_SCALE = 16;
export const SRV_UWGHT_RANGE = 256;
export const SRV_EWGHT_MAX = SRV_UWGHT_RANGE * BE_WEIGHT_SCALE;

export interface LbServer {
  readonly model: ServerModel;
  readonly backup: boolean;
  /** Effective weight (cur_eweight = next_eweight: the engine has no runtime weight changes). */
  eweight: number;
  status: ServerStatus;
  usable: boolean;
  /** Connections currently assigned (srv->served). */
  served: number;
  // lb_fwrr.c positions
  npos: number;
  lpos: number;
  rweight: number;
  /** srv->lb_tree: the tree the server was last queued into (not cleared by a dequeue). */
  lbTree: LbTree<LbServer> | null;
  // lb_map.c
  wscore: number;
}

export interface LbState {
  readonly servers: LbServer[];
  readonly allbackups: boolean;
  srvAct: number;
  srvBck: number;
  totWact: number;
  totWbck: number;
  /** First usable backup server, used alone unless `option allbackups`. */
  fbck: LbServer | null;
  totWeight: number;
  totUsed: number;
}

export function isUsable(s: LbServer): boolean {
  return s.eweight > 0 && s.status === 'up';
}

export function initialStatus(m: ServerModel): ServerStatus {
  // server.c srv_parse_disabled: maintenance. A server with `check` starts running (health = rise).
  return m.disabled ? 'maint' : 'up';
}

export function newLbServer(m: ServerModel, eweight: number): LbServer {
  const s: LbServer = {
    model: m, backup: m.backup, eweight, status: initialStatus(m), usable: false, served: 0,
    npos: 0, lpos: 0, rweight: 0, lbTree: null, wscore: 0,
  };
  s.usable = isUsable(s);
  return s;
}

export function newLbState(servers: LbServer[], allbackups: boolean): LbState {
  return { servers, allbackups, srvAct: 0, srvBck: 0, totWact: 0, totWbck: 0, fbck: null, totWeight: 0, totUsed: 0 };
}

/** backend.c recount_servers */
export function recountServers(p: LbState): void {
  p.srvAct = p.srvBck = p.totWact = p.totWbck = 0;
  p.fbck = null;
  for (const s of p.servers) {
    if (!isUsable(s)) continue;
    if (s.backup) {
      if (p.srvBck === 0 && !p.allbackups) p.fbck = s;
      p.srvBck++;
      p.totWbck += s.eweight;
    } else {
      p.srvAct++;
      p.totWact += s.eweight;
    }
  }
}

/** backend.c update_backend_weight */
export function updateBackendWeight(p: LbState): void {
  if (p.srvAct) {
    p.totWeight = p.totWact;
    p.totUsed = p.srvAct;
  } else if (p.fbck) {
    p.totWeight = p.fbck.eweight;
    p.totUsed = 1;
  } else {
    p.totWeight = p.totWbck;
    p.totUsed = p.srvBck;
  }
}

/** True when the server can take one more connection (no maxconn, or below it). */
export function hasRoom(s: LbServer): boolean {
  return s.model.maxconn === 0 || s.served < s.model.maxconn;
}
