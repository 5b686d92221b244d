// The match modules the parser knows, by `-m` name, and the real modules it parses only as words.

import type { MatchSpec } from '../../net/netfilter/rule-types.js';
import type { ExtDef } from './module-def.js';
import { icmpDef, multiportDef, tcpDef, udpDef } from './matches-ports.js';
import { addrtypeDef, connmarkMatchDef, conntrackDef, markMatchDef, stateDef } from './matches-state.js';
import { commentDef, iprangeDef, lengthDef, limitDef, nfacctDef, physdevDef, recentDef, socketDef, statisticDef, ttlDef } from './matches-misc.js';

export const MATCH_DEFS: Readonly<Record<string, ExtDef<MatchSpec>>> = {
  tcp: tcpDef, udp: udpDef, icmp: icmpDef, multiport: multiportDef, comment: commentDef, mark: markMatchDef, connmark: connmarkMatchDef,
  conntrack: conntrackDef, state: stateDef, addrtype: addrtypeDef, statistic: statisticDef, socket: socketDef, physdev: physdevDef,
  iprange: iprangeDef, length: lengthDef, ttl: ttlDef, limit: limitDef, recent: recentDef, nfacct: nfacctDef,
};

/** Protocol numbers whose `-p` loads a match implicitly when one of its options is used (iptables load_proto). */
export const PROTO_MATCH: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 1: 'icmp' };
