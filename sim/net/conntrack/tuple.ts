// Connection tuples as nf_conntrack keys them: protocol, addresses, ports (ICMP echo: the id as
// "port"; errors are RELATED to the connection of the packet they quote).

import { formatIPv4 } from '../../core/ip.js';
import type { CtTuple } from '../netfilter/api.js';
import { IPPROTO, PROTO_NAMES, type Ipv4Packet } from '../packet.js';

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;

export function isIcmpError(p: Ipv4Packet): boolean {
  return p.l4.kind === 'icmp' && (p.l4.type === ICMP_DEST_UNREACH || p.l4.type === ICMP_TIME_EXCEEDED || p.l4.type === 4 || p.l4.type === 5 || p.l4.type === 12);
}

/** The tuple of a packet; undefined for packets conntrack does not track by ports (e.g. an ICMP error, which is matched through its quoted packet). */
export function tupleOf(p: Ipv4Packet): CtTuple | undefined {
  const l = p.l4;
  switch (l.kind) {
    case 'tcp':
    case 'udp':
      return { src: p.src, dst: p.dst, proto: p.proto, sport: l.sport, dport: l.dport };
    case 'icmp':
      if (l.type === ICMP_ECHO || l.type === ICMP_ECHO_REPLY) {
        // Echo request and reply share the id; the type is folded into the direction by invert().
        return { src: p.src, dst: p.dst, proto: IPPROTO.ICMP, sport: l.id ?? 0, dport: l.type === ICMP_ECHO ? 0 : 1 };
      }
      return undefined;
    case 'other':
      return { src: p.src, dst: p.dst, proto: p.proto, sport: 0, dport: 0 };
  }
}

export function invert(t: CtTuple): CtTuple {
  if (t.proto === IPPROTO.ICMP) return { src: t.dst, dst: t.src, proto: t.proto, sport: t.sport, dport: t.dport === 0 ? 1 : 0 };
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

export function tupleKey(t: CtTuple): string {
  return `${t.proto}|${t.src}|${t.sport}|${t.dst}|${t.dport}`;
}

export function tupleEq(a: CtTuple, b: CtTuple): boolean {
  return a.proto === b.proto && a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}

export function formatTuple(t: CtTuple): string {
  const name = PROTO_NAMES[t.proto] ?? String(t.proto);
  if (t.proto === IPPROTO.ICMP) return `icmp ${formatIPv4(t.src)} -> ${formatIPv4(t.dst)} id=${t.sport}`;
  if (t.proto === IPPROTO.TCP || t.proto === IPPROTO.UDP || t.proto === IPPROTO.SCTP) {
    return `${name} ${formatIPv4(t.src)}:${t.sport} -> ${formatIPv4(t.dst)}:${t.dport}`;
  }
  return `${name} ${formatIPv4(t.src)} -> ${formatIPv4(t.dst)}`;
}
