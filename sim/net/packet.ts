// Packets as the engine sees them: Ethernet, ARP, IPv4, TCP, UDP, ICMP, with tunnel encapsulation
// (VXLAN carries an Ethernet frame in UDP/4789, IPIP an IPv4 packet in protocol 4). Packets are
// values: a rewrite makes a new object, so the trace can keep before and after.
//
// The engine makes packets and TCP/UDP headers only with the constructors below (ipv4Packet,
// packetWith, tcpHeader, udpHeader, withPorts): every packet then has one hidden class, and the
// walker's reads of a packet's fields stay monomorphic. Object literals and spreads would give
// each creation site its own shape.

import type { IPv4 } from '../core/ip.js';

export const IPPROTO = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, SCTP: 132 } as const;
export const PROTO_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 4: 'ipip', 6: 'tcp', 17: 'udp', 132: 'sctp' };

/** TCP flag bits as on the wire (RFC 793 / 3168 order). */
export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export interface TcpHeader {
  readonly kind: 'tcp';
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
}
export interface UdpHeader {
  readonly kind: 'udp';
  readonly sport: number;
  readonly dport: number;
}
export interface IcmpHeader {
  readonly kind: 'icmp';
  readonly type: number;
  readonly code: number;
  readonly id?: number; // echo
  readonly seq?: number; // echo
  /** For errors: the offending packet's IP header and first 8 bytes of its L4 header. */
  readonly inner?: Ipv4Packet;
}
export type L4Header = TcpHeader | UdpHeader | IcmpHeader | { readonly kind: 'other'; readonly proto: number };

/** Application bytes carried by a packet. Text when it is text (HTTP, PROXY v1). */
export interface Payload {
  readonly length: number;
  readonly text?: string | undefined;
  /** A tunnelled frame or packet (VXLAN: Ethernet frame; IPIP: IPv4 packet). */
  readonly frame?: EthFrame | undefined;
  readonly packet?: Ipv4Packet | undefined;
}

/** A payload with every field present (one shape for every packet's payload: see payloadOf). */
class Data implements Payload {
  constructor(readonly length: number, readonly text: string | undefined, readonly frame: EthFrame | undefined, readonly packet: Ipv4Packet | undefined) {}
}

/**
 * A packet's payload. Made only here, so that every payload has one shape and the walker's reads
 * of it (its length on every hook) stay monomorphic.
 */
export function payloadOf(length: number, text?: string, frame?: EthFrame, packet?: Ipv4Packet): Payload {
  return new Data(length, text, frame, packet);
}

/** The payload of a segment or datagram without data (not frozen: a frozen object would be a second shape). */
export const NO_PAYLOAD: Payload = payloadOf(0);

export interface Ipv4Packet {
  readonly version: 4;
  readonly src: IPv4;
  readonly dst: IPv4;
  readonly proto: number;
  readonly ttl: number;
  readonly id: number;
  readonly tos: number;
  readonly l4: L4Header;
  readonly payload: Payload;
}

export type Mac = string & { readonly __mac: 'mac' };

export interface ArpPacket {
  readonly op: 'request' | 'reply';
  readonly senderMac: Mac;
  readonly senderIp: IPv4;
  readonly targetMac: Mac;
  readonly targetIp: IPv4;
}

export interface EthFrame {
  readonly src: Mac;
  readonly dst: Mac;
  readonly ethertype: 0x0800 | 0x0806 | 0x86dd;
  readonly ip?: Ipv4Packet | undefined;
  readonly arp?: ArpPacket | undefined;
}

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff' as Mac;
export const ZERO_MAC = '00:00:00:00:00:00' as Mac;

export function tcpFlagsText(flags: number): string {
  const names: [number, string][] = [[TCP.SYN, 'SYN'], [TCP.FIN, 'FIN'], [TCP.RST, 'RST'], [TCP.PSH, 'PSH'], [TCP.ACK, 'ACK'], [TCP.URG, 'URG'], [TCP.ECE, 'ECE'], [TCP.CWR, 'CWR']];
  const out = names.filter(([b]) => (flags & b) !== 0).map(([, n]) => n);
  return out.length ? out.join(',') : 'none';
}

export function ports(p: Ipv4Packet): { sport: number; dport: number } | undefined {
  const l = p.l4;
  return l.kind === 'tcp' || l.kind === 'udp' ? { sport: l.sport, dport: l.dport } : undefined;
}

/** IPv4 header (20) + L4 header + payload. */
export function ipLength(p: Ipv4Packet): number {
  const l4 = p.l4.kind === 'tcp' ? 20 : p.l4.kind === 'udp' ? 8 : p.l4.kind === 'icmp' ? 8 + (p.l4.inner ? 28 : 0) : 0;
  return 20 + l4 + p.payload.length;
}

class Ipv4 implements Ipv4Packet {
  readonly version = 4 as const;
  constructor(
    readonly src: IPv4,
    readonly dst: IPv4,
    readonly proto: number,
    readonly ttl: number,
    readonly id: number,
    readonly tos: number,
    readonly l4: L4Header,
    readonly payload: Payload,
  ) {}
}

/** An IPv4 packet (see the note at the top of this file). */
export function ipv4Packet(src: IPv4, dst: IPv4, proto: number, ttl: number, id: number, tos: number, l4: L4Header, payload: Payload): Ipv4Packet {
  return new Ipv4(src, dst, proto, ttl, id, tos, l4, payload);
}

/** A copy of `p` with new addresses, TTL and L4 header (NAT, forwarding, an unbound sender's source). */
export function packetWith(p: Ipv4Packet, src: IPv4, dst: IPv4, ttl: number, l4: L4Header): Ipv4Packet {
  return new Ipv4(src, dst, p.proto, ttl, p.id, p.tos, l4, p.payload);
}

class Tcp implements TcpHeader {
  readonly kind = 'tcp' as const;
  constructor(readonly sport: number, readonly dport: number, readonly seq: number, readonly ack: number, readonly flags: number, readonly window: number) {}
}

class Udp implements UdpHeader {
  readonly kind = 'udp' as const;
  constructor(readonly sport: number, readonly dport: number) {}
}

export function tcpHeader(sport: number, dport: number, seq: number, ack: number, flags: number, window: number): TcpHeader {
  return new Tcp(sport, dport, seq, ack, flags, window);
}

export function udpHeader(sport: number, dport: number): UdpHeader {
  return new Udp(sport, dport);
}

/** A TCP or UDP header with other ports (NAT). */
export function withPorts<T extends TcpHeader | UdpHeader>(l: T, sport: number, dport: number): T {
  return (l.kind === 'tcp' ? new Tcp(sport, dport, l.seq, l.ack, l.flags, l.window) : new Udp(sport, dport)) as T;
}
