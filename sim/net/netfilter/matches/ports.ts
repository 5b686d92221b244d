// Port and ICMP matches: `-m tcp` / `-m udp` (xt_tcpudp.c: ports, `--tcp-flags`), `-m multiport`
// (xt_multiport.c ports_match_v1) and `-m icmp` (ip_tables.c icmp_match). All of them fail on
// non-first fragments, as the kernel's do.

import type { IcmpMatch, MultiportMatch, TcpMatch, UdpMatch, InvRange } from '../rule-types.js';
import { inRange, NO_MATCH, result, type MatchCtx, type MatchResult } from './context.js';

function portOk(spec: InvRange | undefined, port: number): boolean {
  return spec === undefined || inRange(port, spec) !== spec.invert;
}

export function evalTcpUdp(m: TcpMatch | UdpMatch, ctx: MatchCtx): MatchResult {
  const p = ctx.env.packet;
  if (p.fragment) return NO_MATCH;
  if (!portOk(m.sport, p.sport ?? 0) || !portOk(m.dport, p.dport ?? 0)) return NO_MATCH;
  if (m.kind === 'tcp') {
    if (m.option) return { matched: false, unsupported: `-m tcp --tcp-option ${m.option.num}: TCP options are not modelled` };
    if (m.flags && (((p.tcpFlags ?? 0) & m.flags.mask) === m.flags.comp) === m.flags.invert) return NO_MATCH;
  }
  return result(true);
}

export function evalMultiport(m: MultiportMatch, ctx: MatchCtx): MatchResult {
  const p = ctx.env.packet;
  if (p.fragment) return NO_MATCH;
  const s = p.sport ?? 0;
  const d = p.dport ?? 0;
  const hit = m.ports.some((r) => (m.dir === 'sports' ? inRange(s, r) : m.dir === 'dports' ? inRange(d, r) : inRange(s, r) || inRange(d, r)));
  return result(hit !== m.invert);
}

export function evalIcmp(m: IcmpMatch, ctx: MatchCtx): MatchResult {
  const p = ctx.env.packet;
  if (p.fragment) return NO_MATCH;
  const type = p.icmpType ?? -1;
  const code = p.icmpCode ?? 0;
  const hit = m.type === 0xff || (type === m.type && code >= m.codeMin && code <= m.codeMax);
  return result(hit !== m.invert);
}
