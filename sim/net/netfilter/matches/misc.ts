// The remaining matches, each as its kernel module decides: mark / connmark (xt_mark.c,
// xt_connmark.c: `(mark & mask) == value`), addrtype (xt_addrtype.c, route type of the address,
// optionally on the in/out device only), iprange, length (IP total length), ttl, physdev
// (xt_physdev.c, with its "not bridged" rule: only inverted options match), limit (assumed under
// its rate, and said so), recent (not modelled), nfacct (only counts), comment (always matches).

import type { NfEnv } from '../api.js';
import type { AddrtypeMatch, IprangeMatch, LengthMatch, MarkMatch, PhysdevMatch, TtlMatch, LimitMatch, RecentMatch } from '../rule-types.js';
import { hex, ifaceMatches, NO_MATCH, result, type MatchResult } from './context.js';

export function evalMark(m: MarkMatch, env: NfEnv): MatchResult {
  if (m.kind === 'connmark') {
    if (!env.ct || env.ct.state === 'UNTRACKED' || env.ct.state === 'INVALID') return NO_MATCH;
    return result((((env.ct.mark & m.mask) >>> 0) === m.value) !== m.invert);
  }
  return result((((env.mark & m.mask) >>> 0) === m.value) !== m.invert);
}

export function evalAddrtype(m: AddrtypeMatch, env: NfEnv): MatchResult {
  const dev = m.limitIfaceIn ? env.inIface : m.limitIfaceOut ? env.outIface : undefined;
  if (m.src) {
    const t = env.addrType(env.packet.src, dev);
    if (m.src.types.includes(t) === m.src.invert) return NO_MATCH;
  }
  if (m.dst) {
    const t = env.addrType(env.packet.dst, dev);
    if (m.dst.types.includes(t) === m.dst.invert) return NO_MATCH;
  }
  return result(true);
}

export function evalIprange(m: IprangeMatch, env: NfEnv): MatchResult {
  const within = (ip: number, r: { min: number; max: number }): boolean => ip >>> 0 >= r.min >>> 0 && ip >>> 0 <= r.max >>> 0;
  if (m.src && within(env.packet.src, m.src) === m.src.invert) return NO_MATCH;
  if (m.dst && within(env.packet.dst, m.dst) === m.dst.invert) return NO_MATCH;
  return result(true);
}

export function evalLength(m: LengthMatch, env: NfEnv): MatchResult {
  const l = env.packet.length;
  return result((l >= m.min && l <= m.max) !== m.invert);
}

export function evalTtl(m: TtlMatch, env: NfEnv): MatchResult {
  const t = env.packet.ttl;
  switch (m.op) {
    case 'eq': return result(t === m.value);
    case 'ne': return result(t !== m.value);
    case 'lt': return result(t < m.value);
    case 'gt': return result(t > m.value);
  }
}

export function evalPhysdev(m: PhysdevMatch, env: NfEnv): MatchResult {
  const physIn = env.physIn;
  const physOut = env.physOut;
  if (physIn === undefined && physOut === undefined && !env.bridged) {
    // No bridge information: match only if every option used is inverted.
    const opts = [m.isBridged, m.isIn, m.isOut, m.physdevIn, m.physdevOut];
    return result(opts.every((o) => o === undefined || o.invert));
  }
  // "bridged" means the packet leaves through a bridge port (BRNF_BRIDGED / a physical out device).
  const bridged = env.bridged ?? physOut !== undefined;
  if (m.isBridged && bridged === m.isBridged.invert) return NO_MATCH;
  if (m.isIn && (physIn !== undefined) === m.isIn.invert) return NO_MATCH;
  if (m.isOut && (physOut !== undefined) === m.isOut.invert) return NO_MATCH;
  if (m.physdevIn && ifaceMatches(m.physdevIn.name, physIn ?? '') === m.physdevIn.invert) return NO_MATCH;
  if (m.physdevOut && ifaceMatches(m.physdevOut.name, physOut ?? '') === m.physdevOut.invert) return NO_MATCH;
  return result(true);
}

/** XT_LIMIT_SCALE periods as print_rate renders them. */
export function formatLimitRate(avg: number): string {
  const rates: [string, number][] = [['day', 10000 * 86400], ['hour', 10000 * 3600], ['min', 10000 * 60], ['sec', 10000]];
  if (avg === 0) return 'inf';
  let i = 1;
  for (; i < rates.length; i++) {
    const mult = (rates[i] as [string, number])[1];
    if (avg > mult || Math.floor(mult / avg) < mult % avg) break;
  }
  const [name, mult] = rates[i - 1] as [string, number];
  return `${Math.floor(mult / avg)}/${name}`;
}

export function evalLimit(m: LimitMatch): MatchResult {
  return { matched: true, effect: `limit ${formatLimitRate(m.avg)} burst ${m.burst}: assumed under the limit (rates are not modelled)` };
}

export function evalRecent(m: RecentMatch): MatchResult {
  return { matched: false, unsupported: `-m recent --${m.action} --name ${m.name}: recent lists are not modelled` };
}

export function markChange(before: number, after: number): string {
  return `mark ${hex(before)} -> ${hex(after)}`;
}
