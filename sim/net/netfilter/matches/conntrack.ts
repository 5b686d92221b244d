// `-m conntrack` and `-m state` (xt_conntrack.c conntrack_mt, which also serves `-m state` in
// current iptables). The state bit of a packet without a conntrack entry is UNTRACKED after
// NOTRACK/CT --notrack and INVALID otherwise; SNAT/DNAT are virtual states from the entry's
// IPS_SRC_NAT / IPS_DST_NAT status. Without an entry, only a `--ctstate` test can match.

import type { CtTuple, NfConntrack, NfEnv } from '../api.js';
import type { AddrMask, ConntrackMatch, CtStateName, CtStatusName, InvRange, MatchSpec, StateMatch } from '../rule-types.js';
import { inRange, NO_MATCH, result, type MatchResult } from './context.js';

/** The states a packet has for `--ctstate` (the real one plus SNAT/DNAT when the entry has them). */
export function packetStates(env: NfEnv): { states: CtStateName[]; ct: NfConntrack | undefined } {
  const ct = env.ct;
  if (!ct || ct.state === 'UNTRACKED' || ct.state === 'INVALID') {
    const s: CtStateName = ct?.state === 'UNTRACKED' || (!ct && env.notrack) ? 'UNTRACKED' : 'INVALID';
    return { states: [s], ct: undefined };
  }
  const states: CtStateName[] = [ct.state];
  if (ct.status.srcNat) states.push('SNAT');
  if (ct.status.dstNat) states.push('DNAT');
  return { states, ct };
}

const STATE_BIT: Readonly<Record<CtStateName, number>> = { INVALID: 1, NEW: 2, ESTABLISHED: 4, RELATED: 8, UNTRACKED: 16, SNAT: 32, DNAT: 64 };

/** The match's state list as a bit mask, computed once per list. */
const masks = new WeakMap<readonly CtStateName[], number>();
function maskOf(states: readonly CtStateName[]): number {
  let m = masks.get(states);
  if (m === undefined) {
    m = 0;
    for (const s of states) m |= STATE_BIT[s] ?? 0;
    masks.set(states, m);
  }
  return m;
}

/** STATE_BIT[s] for a real conntrack state, as a switch (a keyed load over the names is slow). */
function stateBit(s: NfConntrack['state']): number {
  switch (s) {
    case 'ESTABLISHED': return STATE_BIT.ESTABLISHED;
    case 'NEW': return STATE_BIT.NEW;
    case 'RELATED': return STATE_BIT.RELATED;
    case 'INVALID': return STATE_BIT.INVALID;
    case 'UNTRACKED': return STATE_BIT.UNTRACKED;
  }
}

/** packetStates as a bit mask (no arrays): the real state, plus SNAT/DNAT when `nat` and the entry has them. */
function packetStateMask(env: NfEnv, nat: boolean): number {
  const ct = env.ct;
  if (!ct || ct.state === 'UNTRACKED' || ct.state === 'INVALID') return ct?.state === 'UNTRACKED' || (!ct && env.notrack) ? STATE_BIT.UNTRACKED : STATE_BIT.INVALID;
  let m = stateBit(ct.state);
  if (nat && ct.status.srcNat) m |= STATE_BIT.SNAT;
  if (nat && ct.status.dstNat) m |= STATE_BIT.DNAT;
  return m;
}

function addrOk(spec: AddrMask | undefined, ip: number): boolean {
  if (!spec) return true;
  return ((((ip ^ spec.addr) & spec.mask) >>> 0) === 0) !== spec.invert;
}
function portOk(spec: InvRange | undefined, port: number): boolean {
  return !spec || inRange(port, spec) !== spec.invert;
}
function statusBits(ct: NfConntrack): CtStatusName[] {
  const out: CtStatusName[] = [];
  if (ct.status.expected) out.push('EXPECTED');
  if (ct.status.seenReply) out.push('SEEN_REPLY');
  if (ct.status.assured) out.push('ASSURED');
  if (ct.status.confirmed) out.push('CONFIRMED');
  return out;
}

/**
 * A match that tests the connection state and nothing else (`-m state --state`, or
 * `-m conntrack --ctstate` alone, as most rules are): the walk tests it directly, with the same
 * answer evalConntrack / evalState give and no effect text either way.
 */
export class StateTest {
  constructor(readonly mask: number, readonly invert: boolean, readonly nat: boolean) {}
  matches(env: NfEnv): boolean {
    return ((packetStateMask(env, this.nat) & this.mask) !== 0) !== this.invert;
  }
}

export function stateTestOf(m: MatchSpec): StateTest | undefined {
  if (m.kind === 'state') return new StateTest(maskOf(m.states), m.invert, false);
  if (m.kind !== 'conntrack' || !m.state) return undefined;
  const onlyState = m.proto === undefined && m.origsrc === undefined && m.origdst === undefined && m.replsrc === undefined && m.repldst === undefined
    && m.origsrcport === undefined && m.origdstport === undefined && m.replsrcport === undefined && m.repldstport === undefined
    && m.status === undefined && m.expire === undefined && m.dir === undefined;
  return onlyState ? new StateTest(maskOf(m.state.states), m.state.invert, true) : undefined;
}

export function evalConntrack(m: ConntrackMatch, env: NfEnv): MatchResult {
  if (m.state && ((packetStateMask(env, true) & maskOf(m.state.states)) !== 0) === m.state.invert) return NO_MATCH;
  const envCt = env.ct;
  const ct = !envCt || envCt.state === 'UNTRACKED' || envCt.state === 'INVALID' ? undefined : envCt;
  if (!ct) return result(m.state !== undefined);
  if (m.dir && (ct.direction === m.dir) === false) return NO_MATCH;
  const o: CtTuple = ct.orig;
  const r: CtTuple = ct.reply;
  if (!addrOk(m.origsrc, o.src) || !addrOk(m.origdst, o.dst) || !addrOk(m.replsrc, r.src) || !addrOk(m.repldst, r.dst)) return NO_MATCH;
  if (m.proto && (o.proto === m.proto.num) === m.proto.invert) return NO_MATCH;
  if (!portOk(m.origsrcport, o.sport) || !portOk(m.origdstport, o.dport) || !portOk(m.replsrcport, r.sport) || !portOk(m.repldstport, r.dport)) return NO_MATCH;
  if (m.status) {
    const bits = statusBits(ct);
    // `--ctstatus NONE` is an empty mask: `!!(mask & status)` is then always false.
    const any = m.status.statuses.some((s) => bits.includes(s));
    if (any === m.status.invert) return NO_MATCH;
  }
  if (m.expire && inRange(Math.max(0, Math.floor(ct.expiresIn)), m.expire) === m.expire.invert) return NO_MATCH;
  return result(true);
}

export function evalState(m: StateMatch, env: NfEnv): MatchResult {
  // `-m state` never sees the virtual SNAT/DNAT states (its parser does not accept them).
  return result(((packetStateMask(env, false) & maskOf(m.states)) !== 0) !== m.invert);
}
