// A minimal classic-pcap reader for the lab tests (Ethernet captures of one interface): IPv4/TCP
// addresses, ports, flags and payload length of each packet. The engine's own pcap decoder lives in sim/; this
// stays small so the kernel tests do not depend on it.
import { readFileSync } from 'node:fs';

export interface TcpPacket {
  readonly src: string; readonly sport: number; readonly dst: string; readonly dport: number;
  readonly syn: boolean; readonly ack: boolean; readonly rst: boolean; readonly fin: boolean; readonly psh: boolean;
  /** TCP payload bytes (from the IP total length, whatever the capture kept). */
  readonly len: number;
}

export function readTcpPackets(file: string): TcpPacket[] {
  const b = readFileSync(file);
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  if (u32(20) !== 1) throw new Error(`${file}: link type ${u32(20)}, expected Ethernet`);
  const out: TcpPacket[] = [];
  const ip = (o: number): string => [b[o], b[o + 1], b[o + 2], b[o + 3]].join('.');
  for (let o = 24; o + 16 <= b.length;) {
    const incl = u32(o + 8);
    const p = o + 16;
    o = p + incl;
    if (incl < 34 || b.readUInt16BE(p + 12) !== 0x0800) continue;
    const iph = p + 14;
    const ihl = ((b[iph] ?? 0) & 15) * 4;
    if (b[iph + 9] !== 6 || incl < 14 + ihl + 14) continue;
    const t = iph + ihl;
    const flags = b[t + 13] ?? 0;
    const len = b.readUInt16BE(iph + 2) - ihl - ((b[t + 12] ?? 0) >> 4) * 4;
    out.push({ src: ip(iph + 12), dst: ip(iph + 16), sport: b.readUInt16BE(t), dport: b.readUInt16BE(t + 2), syn: (flags & 2) !== 0, ack: (flags & 16) !== 0, rst: (flags & 4) !== 0, fin: (flags & 1) !== 0, psh: (flags & 8) !== 0, len });
  }
  return out;
}
