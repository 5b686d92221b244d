// The per-packet kernel state that travels with a packet through one host (struct sk_buff's
// fields that change outcomes): the mark, the input device, the conntrack entry and its
// direction, a socket attached by early demux, TPROXY or the sender, and the route.

import type { Ipv4Packet } from '../packet.js';
import type { CtEntry } from '../conntrack/table.js';
import type { CtDirection, CtState } from '../netfilter/api.js';
import type { Sock } from '../sockets/socket.js';
import type { FibResult } from '../routing/api.js';
import { formatIPv4 } from '../../core/ip.js';
import type { PacketSummary } from '../../trace/events.js';
import { tcpFlagsText } from '../packet.js';

export interface Skb {
  pkt: Ipv4Packet;
  readonly id: number; // trace packet id
  mark: number;
  iif?: string | undefined;
  oif?: string | undefined;
  ct?: CtEntry | undefined;
  ctDir?: CtDirection | undefined;
  ctState?: CtState | undefined;
  notrack: boolean;
  sk?: Sock | undefined;
  route?: Extract<FibResult, { ok: true }> | undefined;
  /** Set when the packet was generated on this host (ip_local_out). */
  local: boolean;
  /** Looped back through `lo`: keeps its route (no second lookup). */
  loopback: boolean;
  /** Hop counter guarding against forwarding loops between namespaces. */
  hops: number;
}

/** An Skb with every field present from the start, so all of them share one shape. */
export function newSkb(pkt: Ipv4Packet, id: number, mark: number, local: boolean, iif?: string): Skb {
  return new SkBuff(pkt, id, mark, local, iif);
}

/**
 * The buffer of a packet that crossed a link, taken over by the receiving namespace with nothing
 * of the sender's state (skb_scrub_packet), as a veth hands its sk_buff to the peer.
 */
export function scrubSkb(skb: Skb, pkt: Ipv4Packet): Skb {
  skb.pkt = pkt;
  skb.mark = 0;
  skb.iif = undefined;
  skb.oif = undefined;
  skb.ct = undefined;
  skb.ctDir = undefined;
  skb.ctState = undefined;
  skb.notrack = false;
  skb.sk = undefined;
  skb.route = undefined;
  skb.local = false;
  skb.loopback = false;
  skb.hops = 0;
  return skb;
}

class SkBuff implements Skb {
  iif: string | undefined;
  oif: string | undefined = undefined;
  ct: CtEntry | undefined = undefined;
  ctDir: CtDirection | undefined = undefined;
  ctState: CtState | undefined = undefined;
  notrack = false;
  sk: Sock | undefined = undefined;
  route: Extract<FibResult, { ok: true }> | undefined = undefined;
  loopback = false;
  hops = 0;
  constructor(public pkt: Ipv4Packet, readonly id: number, public mark: number, public local: boolean, iif: string | undefined) {
    this.iif = iif;
  }
}

const ICMP_TEXT: Readonly<Record<string, string>> = {
  '0/0': 'echo reply', '8/0': 'echo request', '11/0': 'time exceeded in transit',
  '3/0': 'net unreachable', '3/1': 'host unreachable', '3/2': 'protocol unreachable', '3/3': 'port unreachable',
  '3/4': 'fragmentation needed', '3/9': 'net prohibited', '3/10': 'host prohibited', '3/13': 'administratively prohibited',
};

export function summarize(p: Ipv4Packet, id: number, mark?: number): PacketSummary {
  const l = p.l4;
  const base = { id, src: formatIPv4(p.src), dst: formatIPv4(p.dst), length: 20 + (l.kind === 'tcp' ? 20 : 8) + p.payload.length };
  const extra: Record<string, unknown> = {};
  if (mark) extra['mark'] = mark;
  if (p.payload.text) extra['payload'] = p.payload.text.split('\r\n')[0];
  if (p.payload.frame?.ip) extra['inner'] = summarize(p.payload.frame.ip, id);
  if (p.payload.packet) extra['inner'] = summarize(p.payload.packet, id);
  switch (l.kind) {
    case 'tcp':
      return { ...base, proto: 'tcp', sport: l.sport, dport: l.dport, flags: tcpFlagsText(l.flags), seq: l.seq, ack: l.ack, ...extra } as PacketSummary;
    case 'udp':
      return { ...base, proto: 'udp', sport: l.sport, dport: l.dport, ...extra } as PacketSummary;
    case 'icmp': {
      const text = ICMP_TEXT[`${l.type}/${l.code}`] ?? `type ${l.type} code ${l.code}`;
      if (l.inner) extra['inner'] = summarize(l.inner, id);
      return { ...base, proto: 'icmp', icmp: { type: l.type, code: l.code, text }, ...extra } as PacketSummary;
    }
    case 'other':
      return { ...base, proto: p.proto === 4 ? 'ipip' : 'other', ...extra } as PacketSummary;
  }
}
