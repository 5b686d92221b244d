// The generator of the lab's synthetic test captures: classic pcap files (either byte order,
// microsecond or nanosecond time stamps) of Ethernet or Linux cooked v2 frames carrying IPv4 with
// TCP, UDP, VXLAN and ICMP, built byte by byte from their header layouts (RFC 791, 793, 768, 7348,
// 792; https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html). Tests decode what it writes.

const be16 = (n: number): number[] => [(n >> 8) & 255, n & 255];
const be32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const ipBytes = (ip: string): number[] => ip.split('.').map(Number);
const macBytes = (m: string): number[] => m.split(':').map((x) => parseInt(x, 16));

export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export function tcp(o: { sport: number; dport: number; seq?: number; ack?: number; flags: number; options?: number[] }, payload: Uint8Array | string = new Uint8Array()): number[] {
  const opts = o.options ?? [];
  const pad = (4 - (opts.length % 4)) % 4;
  const hl = 20 + opts.length + pad;
  const data = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : [...payload];
  return [...be16(o.sport), ...be16(o.dport), ...be32(o.seq ?? 0), ...be32(o.ack ?? 0), (hl / 4) << 4, o.flags, ...be16(64240), 0, 0, 0, 0, ...opts, ...Array<number>(pad).fill(0), ...data];
}

export function udp(sport: number, dport: number, payload: number[]): number[] {
  return [...be16(sport), ...be16(dport), ...be16(8 + payload.length), 0, 0, ...payload];
}

export function icmp(type: number, code: number, rest: number[] = []): number[] {
  return [type, code, 0, 0, 0, 0, 0, 0, ...rest];
}

export function ipv4(o: { src: string; dst: string; proto: number; id?: number; ttl?: number; fragmentOffset?: number }, l4: number[]): number[] {
  return [0x45, 0, ...be16(20 + l4.length), ...be16(o.id ?? 0), ...be16(0x4000 | (o.fragmentOffset ?? 0)), o.ttl ?? 64, o.proto, 0, 0, ...ipBytes(o.src), ...ipBytes(o.dst), ...l4];
}

export function ethernet(dst: string, src: string, ethertype: number, payload: number[], vlan?: number): number[] {
  const tag = vlan === undefined ? [] : [0x81, 0x00, ...be16(vlan)];
  return [...macBytes(dst), ...macBytes(src), ...tag, ...be16(ethertype), ...payload];
}

export function vxlan(vni: number, innerFrame: number[]): number[] {
  return [0x08, 0, 0, 0, (vni >> 16) & 255, (vni >> 8) & 255, vni & 255, 0, ...innerFrame];
}

export const PACKET_TYPE = { host: 0, broadcast: 1, multicast: 2, otherhost: 3, outgoing: 4 } as const;

/** Linux cooked v2: protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length 6, address. */
export function sll2(ethertype: number, ifindex: number, packetType: number, payload: number[], mac = '02:00:00:00:00:01'): number[] {
  return [...be16(ethertype), 0, 0, ...be32(ifindex), ...be16(1), packetType, 6, ...macBytes(mac), 0, 0, ...payload];
}

export function arp(senderIp: string, targetIp: string): number[] {
  return [0, 1, 8, 0, 6, 4, 0, 1, ...macBytes('02:00:00:00:00:01'), ...ipBytes(senderIp), 0, 0, 0, 0, 0, 0, ...ipBytes(targetIp)];
}

export interface GenRecord { readonly tsNs: bigint; readonly data: number[]; readonly originalLength?: number }

export function pcapFile(records: readonly GenRecord[], o: { linkType: number; littleEndian: boolean; nanoseconds: boolean; snaplen?: number }): Uint8Array {
  const chunks: number[] = [];
  const u32 = (n: number): number[] => (o.littleEndian ? [...be32(n)].reverse() : be32(n));
  const u16 = (n: number): number[] => (o.littleEndian ? [...be16(n)].reverse() : be16(n));
  chunks.push(...u32(o.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4), ...u16(2), ...u16(4), ...u32(0), ...u32(0), ...u32(o.snaplen ?? 262144), ...u32(o.linkType));
  for (const r of records) {
    const sec = Number(r.tsNs / 1_000_000_000n);
    const ns = Number(r.tsNs % 1_000_000_000n);
    chunks.push(...u32(sec), ...u32(o.nanoseconds ? ns : Math.floor(ns / 1000)), ...u32(r.data.length), ...u32(r.originalLength ?? r.data.length), ...r.data);
  }
  return Uint8Array.from(chunks);
}
