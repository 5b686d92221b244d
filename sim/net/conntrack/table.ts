// Per-namespace connection tracking (net/netfilter/nf_conntrack_core.c): lookup by tuple in both
// directions, unconfirmed entries that are inserted only when the packet survives to the confirm
// hook (POSTROUTING / INPUT at INT_MAX), NAT bindings stored in the entry and applied to every
// later packet in both directions, and a TCP state machine close enough to decide NEW, ESTABLISHED
// and INVALID as nf_conntrack_proto_tcp.c does for the packets a handshake, data and close produce.

import type { CtState, CtTuple, CtDirection } from '../netfilter/api.js';
import { IPPROTO, TCP, type Ipv4Packet } from '../packet.js';
import { invert, formatTuple, tupleOf } from './tuple.js';
import { TupleMap } from '../tuple-map.js';
import { LinkedList, type Linked } from '../linked-list.js';

export const TCP_CT_STATES = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE'] as const;
export type TcpCtState = (typeof TCP_CT_STATES)[number];

/** nf_conntrack_tcp_timeout_* defaults, seconds. */
const TCP_TIMEOUT: Readonly<Record<TcpCtState, number>> = {
  NONE: 120, SYN_SENT: 120, SYN_RECV: 60, ESTABLISHED: 432000, FIN_WAIT: 120, CLOSE_WAIT: 60, LAST_ACK: 30, TIME_WAIT: 120, CLOSE: 10,
};
/** TCP_TIMEOUT[s], as a switch (a keyed lookup over nine names on every packet is slow). */
function tcpTimeout(s: TcpCtState): number {
  switch (s) {
    case 'ESTABLISHED': return TCP_TIMEOUT.ESTABLISHED;
    case 'SYN_SENT': return TCP_TIMEOUT.SYN_SENT;
    case 'SYN_RECV': return TCP_TIMEOUT.SYN_RECV;
    case 'FIN_WAIT': return TCP_TIMEOUT.FIN_WAIT;
    case 'CLOSE_WAIT': return TCP_TIMEOUT.CLOSE_WAIT;
    case 'LAST_ACK': return TCP_TIMEOUT.LAST_ACK;
    case 'TIME_WAIT': return TCP_TIMEOUT.TIME_WAIT;
    case 'CLOSE': return TCP_TIMEOUT.CLOSE;
    case 'NONE': return TCP_TIMEOUT.NONE;
  }
}

const UDP_TIMEOUT = 30;
/** Table size at which expired entries are first swept. */
const SWEEP_MIN = 1024;
const UDP_STREAM_TIMEOUT = 120;
const ICMP_TIMEOUT = 30;

export interface CtEntry {
  readonly id: number;
  readonly orig: CtTuple;
  reply: CtTuple;
  confirmed: boolean;
  seenReply: boolean;
  assured: boolean;
  srcNat: boolean;
  dstNat: boolean;
  /** The nat table was consulted for the source / destination manip type (a null binding counts). */
  natInitSrc: boolean;
  natInitDst: boolean;
  mark: number;
  tcpState: TcpCtState;
  expiresAt: number; // µs
  /** MASQUERADE remembers the egress device. */
  masqIface?: string | undefined;
}

export interface CtLookup {
  readonly entry: CtEntry;
  readonly dir: CtDirection;
  readonly state: CtState;
  /** The packet belongs to a connection but conntrack judged it out of window / out of state. */
  readonly invalid: boolean;
  readonly isNew: boolean;
}

export interface CtHit {
  readonly entry: CtEntry;
  readonly dir: CtDirection;
}

/** Whether (proto, src, sport, dst, dport) is `t`. */
function isTuple(t: CtTuple, proto: number, src: number, sport: number, dst: number, dport: number): boolean {
  return t.src === src && t.dst === dst && t.sport === sport && t.dport === dport && t.proto === proto;
}

export class ConntrackTable {
  /** Both tuples of every confirmed entry lead to the entry; the direction is which one matched. */
  private byTuple = new TupleMap<Conn>();
  /**
   * The answer of find and findPacket: one object, refilled by every lookup (callers read it at
   * once), so a lookup allocates nothing and an entry keeps no answer objects alive.
   */
  private readonly hit: { entry: CtEntry; dir: CtDirection } = { entry: undefined as unknown as CtEntry, dir: 'ORIGINAL' };
  /** Confirmed entries in insertion order (an entry is in it exactly while `confirmed`). */
  private readonly confirmedList = new LinkedList<Conn>();
  private nextId = 1;
  private sweepAt = SWEEP_MIN;

  get size(): number {
    return this.confirmedList.size;
  }

  entries(): CtEntry[] {
    return [...this.confirmedList];
  }

  /** The entry with tuple `t` and the direction `t` has in it. The answer is valid until the next lookup. */
  find(t: CtTuple, now: number): CtHit | undefined {
    return this.lookup(t.proto, t.src, t.sport, t.dst, t.dport, now);
  }

  /** find() for a packet, without building its tuple (TCP, UDP and protocols without ports). */
  findPacket(p: Ipv4Packet, now: number): CtHit | undefined {
    const l = p.l4;
    if (l.kind === 'tcp' || l.kind === 'udp') return this.lookup(p.proto, p.src, l.sport, p.dst, l.dport, now);
    if (l.kind === 'other') return this.lookup(p.proto, p.src, 0, p.dst, 0, now);
    const t = tupleOf(p);
    return t ? this.find(t, now) : undefined;
  }

  private lookup(proto: number, src: number, sport: number, dst: number, dport: number, now: number): CtHit | undefined {
    const e = this.byTuple.get(proto, src, sport, dst, dport);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.remove(e);
      return undefined;
    }
    // A tuple that is its own reply was stored for the reply direction last: it reads as REPLY.
    const hit = this.hit;
    hit.entry = e;
    hit.dir = isTuple(e.orig, proto, src, sport, dst, dport) && !isTuple(e.reply, proto, src, sport, dst, dport) ? 'ORIGINAL' : 'REPLY';
    return hit;
  }

  /** The conntrack state of a packet of a known connection (classify's answer for a hit). */
  stateOf(hit: CtHit, p: Ipv4Packet): CtState {
    const { entry, dir } = hit;
    if (p.l4.kind === 'tcp' && !tcpTransitionValid(entry, dir, p.l4.flags)) return 'INVALID';
    if (dir === 'REPLY') return 'ESTABLISHED';
    return entry.seenReply ? 'ESTABLISHED' : 'NEW';
  }

  /** Is this tuple in use as some connection's reply tuple (nf_nat_used_tuple)? */
  replyTupleTaken(reply: CtTuple, now: number, except?: CtEntry): boolean {
    const hit = this.find(reply, now);
    return hit !== undefined && hit.entry !== except;
  }

  /**
   * nf_conntrack_in: finds the entry of a packet or makes an unconfirmed one. Returns undefined for
   * packets that cannot start a connection and match none (INVALID, e.g. a SYN-ACK with no SYN).
   */
  classify(p: Ipv4Packet, t: CtTuple, now: number): CtLookup | { readonly invalidNoEntry: true; readonly why: string } {
    const hit = this.find(t, now);
    if (hit) {
      const { entry, dir } = hit;
      const invalid = p.l4.kind === 'tcp' ? !tcpTransitionValid(entry, dir, p.l4.flags) : false;
      let state: CtState;
      if (dir === 'REPLY') state = 'ESTABLISHED';
      else state = entry.seenReply ? 'ESTABLISHED' : 'NEW';
      return { entry, dir, state: invalid ? 'INVALID' : state, invalid, isNew: false };
    }
    if (p.l4.kind === 'tcp') {
      const f = p.l4.flags;
      const syn = (f & TCP.SYN) !== 0;
      const ack = (f & TCP.ACK) !== 0;
      const rst = (f & TCP.RST) !== 0;
      const fin = (f & TCP.FIN) !== 0;
      // tcp_new(): only a SYN, or (nf_conntrack_tcp_loose=1) a bare ACK, may create an entry.
      if (rst) return { invalidNoEntry: true, why: 'RST for no tracked connection' };
      if (syn && ack) return { invalidNoEntry: true, why: 'SYN-ACK for no tracked connection' };
      if (fin) return { invalidNoEntry: true, why: 'FIN for no tracked connection' };
      if (!syn && !ack) return { invalidNoEntry: true, why: 'TCP packet without SYN or ACK' };
    }
    const entry = new Conn(this.nextId++, t, invert(t), now + 120e6);
    return { entry, dir: 'ORIGINAL', state: 'NEW', invalid: false, isNew: true };
  }

  /** __nf_conntrack_confirm: insert both tuples. A clash with an existing entry drops the packet. */
  confirm(entry: CtEntry, now: number): boolean {
    if (entry.confirmed) return true;
    if (this.find(entry.orig, now) || this.find(entry.reply, now)) return false;
    entry.confirmed = true;
    const o = entry.orig;
    const r = entry.reply;
    // Both tuples were just looked up and are free (a tuple equal to its own reply is set twice).
    this.byTuple.add(o.proto, o.src, o.sport, o.dst, o.dport, entry as Conn);
    this.byTuple.set(r.proto, r.src, r.sport, r.dst, r.dport, entry as Conn);
    this.confirmedList.push(entry as Conn);
    if (this.confirmedList.size >= this.sweepAt) this.sweep(now);
    return true;
  }

  /**
   * The garbage collector (nf_conntrack_core.c gc_worker): expired entries go even when no packet
   * looks them up again. Run whenever the table has doubled since the last sweep.
   */
  sweep(now: number): void {
    for (let e = this.confirmedList.first; e; ) {
      const next = e.next;
      if (e.expiresAt <= now) this.remove(e);
      e = next;
    }
    this.sweepAt = Math.max(SWEEP_MIN, this.confirmedList.size * 2);
  }

  remove(entry: CtEntry): void {
    const o = entry.orig;
    const r = entry.reply;
    this.byTuple.deleteIfValue(o.proto, o.src, o.sport, o.dst, o.dport, entry as Conn);
    this.byTuple.deleteIfValue(r.proto, r.src, r.sport, r.dst, r.dport, entry as Conn);
    if (entry.confirmed) this.confirmedList.remove(entry as Conn);
    entry.confirmed = false;
  }

  /** Updates state and timeout after a packet has been accepted (tcp_packet / udp_packet). */
  update(entry: CtEntry, dir: CtDirection, p: Ipv4Packet, now: number): void {
    if (dir === 'REPLY' && !entry.seenReply) entry.seenReply = true;
    if (p.proto === IPPROTO.TCP && p.l4.kind === 'tcp') {
      entry.tcpState = nextTcpState(entry.tcpState, dir, p.l4.flags);
      if (entry.tcpState === 'ESTABLISHED') entry.assured = true;
      entry.expiresAt = now + tcpTimeout(entry.tcpState) * 1e6;
    } else if (p.proto === IPPROTO.UDP) {
      if (entry.seenReply && dir === 'ORIGINAL') entry.assured = true;
      entry.expiresAt = now + (entry.seenReply ? UDP_STREAM_TIMEOUT : UDP_TIMEOUT) * 1e6;
    } else {
      entry.expiresAt = now + ICMP_TIMEOUT * 1e6;
    }
  }

  describe(entry: CtEntry): string {
    return `${formatTuple(entry.orig)} | reply ${formatTuple(entry.reply)}`;
  }

  clear(): void {
    this.byTuple.clear();
    for (const e of this.confirmedList) e.confirmed = false;
    this.confirmedList.clear();
  }
}

/** A conntrack entry: every field present from creation (one hidden class for the walker's reads). */
class Conn implements CtEntry, Linked<Conn> {
  confirmed = false;
  seenReply = false;
  assured = false;
  srcNat = false;
  dstNat = false;
  natInitSrc = false;
  natInitDst = false;
  mark = 0;
  tcpState: TcpCtState = 'NONE';
  masqIface: string | undefined = undefined;
  /** Neighbours in the table's list of confirmed entries. */
  prev: Conn | undefined = undefined;
  next: Conn | undefined = undefined;
  constructor(readonly id: number, readonly orig: CtTuple, public reply: CtTuple, public expiresAt: number) {}
}

function tcpTransitionValid(entry: CtEntry, dir: CtDirection, flags: number): boolean {
  const syn = (flags & TCP.SYN) !== 0;
  const ack = (flags & TCP.ACK) !== 0;
  // A SYN-ACK in the original direction, or a SYN-ACK when no SYN was sent, is out of state.
  if (syn && ack && dir === 'ORIGINAL') return false;
  if (syn && ack && entry.tcpState !== 'SYN_SENT' && entry.tcpState !== 'SYN_RECV') return entry.tcpState === 'ESTABLISHED';
  return true;
}

function nextTcpState(s: TcpCtState, dir: CtDirection, flags: number): TcpCtState {
  const syn = (flags & TCP.SYN) !== 0;
  const ack = (flags & TCP.ACK) !== 0;
  const fin = (flags & TCP.FIN) !== 0;
  const rst = (flags & TCP.RST) !== 0;
  if (rst) return 'CLOSE';
  if (syn && !ack) return s === 'NONE' || s === 'SYN_SENT' || s === 'CLOSE' || s === 'TIME_WAIT' ? 'SYN_SENT' : s;
  if (syn && ack) return dir === 'REPLY' && (s === 'SYN_SENT' || s === 'SYN_RECV') ? 'SYN_RECV' : s;
  if (fin) {
    if (s === 'ESTABLISHED') return 'FIN_WAIT';
    if (s === 'FIN_WAIT') return 'LAST_ACK';
    if (s === 'CLOSE_WAIT') return 'LAST_ACK';
    return s;
  }
  if (ack) {
    if (s === 'SYN_RECV' && dir === 'ORIGINAL') return 'ESTABLISHED';
    if (s === 'NONE') return 'ESTABLISHED'; // picked up mid-stream (nf_conntrack_tcp_loose)
    if (s === 'LAST_ACK') return 'TIME_WAIT';
    if (s === 'FIN_WAIT') return 'CLOSE_WAIT';
  }
  return s;
}
