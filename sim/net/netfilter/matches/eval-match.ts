// Dispatch of one `-m` match to its module. The IPv4 header part of a rule (ip_tables.c
// ip_packet_match) is tested by the walk itself (run-table.ts headerMatches).

import { assertNever } from '../../../core/assert.js';
import type { MatchSpec } from '../rule-types.js';
import { MATCH, type MatchCtx, type MatchResult } from './context.js';
import { evalConntrack, evalState } from './conntrack.js';
import { evalAddrtype, evalIprange, evalLength, evalLimit, evalMark, evalPhysdev, evalRecent, evalTtl } from './misc.js';
import { evalIcmp, evalMultiport, evalTcpUdp } from './ports.js';
import { evalSocket, evalStatistic } from './socket-statistic.js';

export function evalMatch(m: MatchSpec, ctx: MatchCtx): MatchResult {
  const env = ctx.env;
  switch (m.kind) {
    case 'tcp':
    case 'udp':
      return evalTcpUdp(m, ctx);
    case 'multiport':
      return evalMultiport(m, ctx);
    case 'icmp':
      return evalIcmp(m, ctx);
    case 'comment':
      return MATCH;
    case 'mark':
    case 'connmark':
      return evalMark(m, env);
    case 'conntrack':
      return evalConntrack(m, env);
    case 'state':
      return evalState(m, env);
    case 'addrtype':
      return evalAddrtype(m, env);
    case 'statistic':
      return evalStatistic(m, ctx);
    case 'socket':
      return evalSocket(m, ctx);
    case 'physdev':
      return evalPhysdev(m, env);
    case 'iprange':
      return evalIprange(m, env);
    case 'length':
      return evalLength(m, env);
    case 'ttl':
      return evalTtl(m, env);
    case 'limit':
      return evalLimit(m);
    case 'recent':
      return evalRecent(m);
    case 'nfacct':
      return { matched: true, effect: `nfacct ${m.name}: counted` };
    case 'unknown':
      return { matched: false, unsupported: `-m ${m.module}: match module not modelled` };
    default:
      return assertNever(m, 'match');
  }
}
