// Reading the lab's captures: classic pcap files (pcap-savefile(5): both byte orders, microsecond
// and nanosecond timestamps) with link types Ethernet (1), Linux cooked v1 (LINUX_SLL, 113) and
// v2 (LINUX_SLL2, 276, what `tcpdump -i any -y LINUX_SLL2` writes: the interface index and the
// packet type of each packet; https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html).
// Decoded: IPv4, TCP, UDP (with VXLAN on UDP 4789 and its inner Ethernet frame), ICMP (with the
// header it quotes). Layers are dispatched through tables keyed by link type, ethertype, IP
// protocol and UDP port. A truncated or undecodable packet is data, not an exception: decoding stops
// at the layer it could not read and says so in `note`. Pure: bytes in, records out.
// pcapng (what tcpdump writes only when asked) is refused with a clear error.

export const LINKTYPE = { ETHERNET: 1, LINUX_SLL: 113, LINUX_SLL2: 276 } as const;
export const ETHERTYPE = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, IPV6: 0x86dd } as const;
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17 } as const;
export const VXLAN_PORT = 4789;

/** Linux packet types (PACKET_HOST ... PACKET_OUTGOING, linux/if_packet.h) as the cooked headers carry them. */
export const PACKET_TYPES = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'] as const;
export type PacketType = (typeof PACKET_TYPES)[number];

export interface PcapRecord {
  /** Capture time in nanoseconds since the epoch. */
  readonly tsNs: bigint;
  readonly capturedLength: number;
  readonly originalLength: number;
  readonly data: Uint8Array;
}

export interface PcapFile {
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanoseconds: boolean;
  readonly littleEndian: boolean;
  readonly records: readonly PcapRecord[];
  /** Set when the file ends inside a record (a capture stopped mid-write). */
  readonly truncatedTail?: string;
}

export class PcapFormatError extends Error {}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;

export function readPcap(bytes: Uint8Array, name = 'capture'): PcapFile {
  if (bytes.length < 24) throw new PcapFormatError(`${name}: ${bytes.length} bytes, too short for a pcap file header (24 bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const be = dv.getUint32(0, false);
  const le = dv.getUint32(0, true);
  if (be === PCAPNG_SHB) throw new PcapFormatError(`${name}: this is pcapng; the lab reads classic pcap (tcpdump -w writes it)`);
  const littleEndian = le === MAGIC_US || le === MAGIC_NS;
  const magic = littleEndian ? le : be;
  if (magic !== MAGIC_US && magic !== MAGIC_NS) throw new PcapFormatError(`${name}: magic 0x${be.toString(16).padStart(8, '0')} is not a pcap file's (a1b2c3d4 or a1b23c4d, either byte order)`);
  const nanoseconds = magic === MAGIC_NS;
  const u32 = (o: number): number => dv.getUint32(o, littleEndian);
  const snaplen = u32(16);
  const linkType = u32(20) & 0x0fffffff; // the upper bits carry FCS information
  const records: PcapRecord[] = [];
  let truncatedTail: string | undefined;
  let o = 24;
  while (o < bytes.length) {
    if (o + 16 > bytes.length) { truncatedTail = `record header at byte ${o} cut short`; break; }
    const sec = u32(o);
    const frac = u32(o + 4);
    const incl = u32(o + 8);
    const orig = u32(o + 12);
    if (o + 16 + incl > bytes.length) { truncatedTail = `record at byte ${o} claims ${incl} bytes, ${bytes.length - o - 16} left`; break; }
    const tsNs = BigInt(sec) * 1_000_000_000n + BigInt(nanoseconds ? frac : frac * 1000);
    records.push({ tsNs, capturedLength: incl, originalLength: orig, data: bytes.subarray(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return { linkType, snaplen, nanoseconds, littleEndian, records, ...(truncatedTail !== undefined ? { truncatedTail } : {}) };
}

// ---------------------------------------------------------------- decoded layers

export interface LinkInfo {
  readonly type: 'ethernet' | 'sll' | 'sll2';
  readonly ethertype: number;
  /** Cooked captures: the interface index in the captured namespace (v2 only) and the packet type. */
  readonly ifindex?: number;
  readonly packetType?: PacketType | number;
  readonly srcMac?: string;
  readonly dstMac?: string;
}

export interface TcpLayer {
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  /** The flag bits, FIN = 0x01 ... CWR = 0x80. */
  readonly flags: number;
  readonly payloadLength: number;
  /** The payload's first line when it is printable text, e.g. "GET / HTTP/1.1". */
  readonly firstLine?: string;
}

export interface UdpLayer {
  readonly sport: number;
  readonly dport: number;
  readonly length: number;
  readonly vxlan?: { readonly vni: number; readonly inner: DecodedFrame };
}

export interface IcmpLayer {
  readonly type: number;
  readonly code: number;
  /** The header an ICMP error quotes. */
  readonly quoted?: { readonly src: string; readonly dst: string; readonly proto: number; readonly sport?: number; readonly dport?: number };
}

export interface Ipv4Layer {
  readonly src: string;
  readonly dst: string;
  readonly id: number;
  readonly ttl: number;
  readonly proto: number;
  readonly totalLength: number;
  /** A fragment other than the first: no transport header here. */
  readonly laterFragment: boolean;
  readonly tcp?: TcpLayer;
  readonly udp?: UdpLayer;
  readonly icmp?: IcmpLayer;
}

export interface DecodedFrame {
  readonly link: LinkInfo;
  readonly ipv4?: Ipv4Layer;
  /** What stopped the decoding, when something did ("truncated TCP header", "ethertype ARP", ...). */
  readonly note?: string;
}

type Cursor = { readonly b: Uint8Array; readonly dv: DataView; readonly end: number };

function cursor(b: Uint8Array): Cursor {
  return { b, dv: new DataView(b.buffer, b.byteOffset, b.byteLength), end: b.length };
}

const mac = (b: Uint8Array, o: number): string => Array.from(b.subarray(o, o + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

function firstTextLine(b: Uint8Array): string | undefined {
  const n = Math.min(b.length, 200);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c === 13 || c === 10) break;
    if (c < 32 || c > 126) return undefined;
    s += String.fromCharCode(c);
  }
  return s === '' ? undefined : s;
}

type L3 = (c: Cursor, o: number) => { ipv4?: Ipv4Layer; note?: string };
type L4 = (c: Cursor, o: number, end: number) => { tcp?: TcpLayer; udp?: UdpLayer; icmp?: IcmpLayer; note?: string };
type UdpApp = (c: Cursor, o: number, end: number) => { vxlan?: UdpLayer['vxlan']; note?: string };

const decodeTcp: L4 = (c, o, end) => {
  if (o + 20 > end) return { note: 'truncated TCP header' };
  const off = ((c.b[o + 12] as number) >> 4) * 4;
  if (off < 20 || o + off > end) return { note: 'truncated TCP options' };
  const payload = c.b.subarray(o + off, end);
  const firstLine = firstTextLine(payload);
  return { tcp: { sport: c.dv.getUint16(o), dport: c.dv.getUint16(o + 2), seq: c.dv.getUint32(o + 4), ack: c.dv.getUint32(o + 8), flags: c.b[o + 13] as number, payloadLength: end - o - off, ...(firstLine !== undefined ? { firstLine } : {}) } };
};

const decodeVxlan: UdpApp = (c, o, end) => {
  if (o + 8 > end) return { note: 'truncated VXLAN header' };
  if (((c.b[o] as number) & 0x08) === 0) return { note: 'VXLAN header without a VNI (I flag clear)' };
  const vni = ((c.b[o + 4] as number) << 16) | ((c.b[o + 5] as number) << 8) | (c.b[o + 6] as number);
  return { vxlan: { vni, inner: decodeLink(LINKTYPE.ETHERNET, c.b.subarray(o + 8, end)) } };
};

const UDP_PORTS: Readonly<Record<number, UdpApp>> = { [VXLAN_PORT]: decodeVxlan };

const decodeUdp: L4 = (c, o, end) => {
  if (o + 8 > end) return { note: 'truncated UDP header' };
  const sport = c.dv.getUint16(o);
  const dport = c.dv.getUint16(o + 2);
  const length = c.dv.getUint16(o + 4);
  const app = UDP_PORTS[dport]?.(c, o + 8, Math.min(end, o + length));
  return { udp: { sport, dport, length, ...(app?.vxlan ? { vxlan: app.vxlan } : {}) }, ...(app?.note !== undefined ? { note: app.note } : {}) };
};

const decodeIcmp: L4 = (c, o, end) => {
  if (o + 8 > end) return { note: 'truncated ICMP header' };
  const type = c.b[o] as number;
  const code = c.b[o + 1] as number;
  // Errors (destination unreachable, redirect, time exceeded, parameter problem) quote the header.
  const q = o + 8;
  if ((type === 3 || type === 5 || type === 11 || type === 12) && q + 20 <= end) {
    const ihl = ((c.b[q] as number) & 15) * 4;
    const proto = c.b[q + 9] as number;
    const ports = (proto === IPPROTO.TCP || proto === IPPROTO.UDP) && q + ihl + 4 <= end ? { sport: c.dv.getUint16(q + ihl), dport: c.dv.getUint16(q + ihl + 2) } : {};
    return { icmp: { type, code, quoted: { src: ip4(c.b, q + 12), dst: ip4(c.b, q + 16), proto, ...ports } } };
  }
  return { icmp: { type, code } };
};

const IP_PROTOCOLS: Readonly<Record<number, L4>> = { [IPPROTO.TCP]: decodeTcp, [IPPROTO.UDP]: decodeUdp, [IPPROTO.ICMP]: decodeIcmp };

const decodeIpv4: L3 = (c, o) => {
  if (o + 20 > c.end) return { note: 'truncated IPv4 header' };
  const vihl = c.b[o] as number;
  if (vihl >> 4 !== 4) return { note: `IP version ${vihl >> 4} in an IPv4 frame` };
  const ihl = (vihl & 15) * 4;
  if (ihl < 20 || o + ihl > c.end) return { note: 'truncated IPv4 options' };
  const totalLength = c.dv.getUint16(o + 2);
  const frag = c.dv.getUint16(o + 6);
  const proto = c.b[o + 9] as number;
  const base: Ipv4Layer = { src: ip4(c.b, o + 12), dst: ip4(c.b, o + 16), id: c.dv.getUint16(o + 4), ttl: c.b[o + 8] as number, proto, totalLength, laterFragment: (frag & 0x1fff) !== 0 };
  if (base.laterFragment) return { ipv4: base, note: 'IPv4 fragment' };
  // The packet ends at its total length (an Ethernet frame may be padded), or where the capture did.
  const end = Math.min(c.end, o + Math.max(totalLength, ihl));
  const l4 = IP_PROTOCOLS[proto];
  if (!l4) return { ipv4: base, note: `IP protocol ${proto}` };
  const r = l4(c, o + ihl, end);
  const truncated = o + totalLength > c.end && r.note === undefined && !r.tcp ? 'payload cut by the snap length' : undefined;
  return { ipv4: { ...base, ...(r.tcp ? { tcp: r.tcp } : {}), ...(r.udp ? { udp: r.udp } : {}), ...(r.icmp ? { icmp: r.icmp } : {}) }, ...(r.note !== undefined ? { note: r.note } : truncated !== undefined ? { note: truncated } : {}) };
};

const ETHERTYPE_NAMES: Readonly<Record<number, string>> = { [ETHERTYPE.ARP]: 'ARP', [ETHERTYPE.IPV6]: 'IPv6' };
const ETHERTYPES: Readonly<Record<number, L3>> = { [ETHERTYPE.IPV4]: decodeIpv4 };

function network(c: Cursor, o: number, link: LinkInfo): DecodedFrame {
  const l3 = ETHERTYPES[link.ethertype];
  if (!l3) return { link, note: `ethertype ${ETHERTYPE_NAMES[link.ethertype] ?? `0x${link.ethertype.toString(16).padStart(4, '0')}`}` };
  const r = l3(c, o);
  return { link, ...(r.ipv4 ? { ipv4: r.ipv4 } : {}), ...(r.note !== undefined ? { note: r.note } : {}) };
}

type LinkDecoder = (c: Cursor) => DecodedFrame;

const packetType = (n: number): PacketType | number => PACKET_TYPES[n] ?? n;

const LINK_TYPES: Readonly<Record<number, LinkDecoder>> = {
  [LINKTYPE.ETHERNET]: (c) => {
    if (c.end < 14) return { link: { type: 'ethernet', ethertype: 0 }, note: 'truncated Ethernet header' };
    let o = 12;
    let ethertype = c.dv.getUint16(o);
    // 802.1Q tags: skip to the encapsulated ethertype.
    while (ethertype === ETHERTYPE.VLAN && o + 6 <= c.end) { o += 4; ethertype = c.dv.getUint16(o); }
    return network(c, o + 2, { type: 'ethernet', ethertype, dstMac: mac(c.b, 0), srcMac: mac(c.b, 6) });
  },
  [LINKTYPE.LINUX_SLL]: (c) => {
    // packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2)
    if (c.end < 16) return { link: { type: 'sll', ethertype: 0 }, note: 'truncated Linux cooked header' };
    const alen = c.dv.getUint16(4);
    return network(c, 16, { type: 'sll', ethertype: c.dv.getUint16(14), packetType: packetType(c.dv.getUint16(0)), ...(alen === 6 ? { srcMac: mac(c.b, 6) } : {}) });
  },
  [LINKTYPE.LINUX_SLL2]: (c) => {
    // protocol (2), reserved (2), interface index (4), ARPHRD type (2), packet type (1), address length (1), address (8)
    if (c.end < 20) return { link: { type: 'sll2', ethertype: 0 }, note: 'truncated Linux cooked v2 header' };
    const alen = c.b[11] as number;
    return network(c, 20, { type: 'sll2', ethertype: c.dv.getUint16(0), ifindex: c.dv.getUint32(4), packetType: packetType(c.b[10] as number), ...(alen === 6 ? { srcMac: mac(c.b, 12) } : {}) });
  },
};

/** Decodes one record's bytes for the file's link type. */
export function decodeLink(linkType: number, data: Uint8Array): DecodedFrame {
  const d = LINK_TYPES[linkType];
  if (!d) return { link: { type: 'ethernet', ethertype: 0 }, note: `link type ${linkType} is not decoded (Ethernet, LINUX_SLL and LINUX_SLL2 are)` };
  return d(cursor(data));
}

/** TCP flags as tcpdump and the trace spell them: "SYN", "SYN,ACK", "PSH,ACK", "FIN,ACK", "RST". */
export function tcpFlagNames(flags: number): string {
  const names: [number, string][] = [[0x02, 'SYN'], [0x01, 'FIN'], [0x04, 'RST'], [0x08, 'PSH'], [0x10, 'ACK'], [0x20, 'URG'], [0x40, 'ECE'], [0x80, 'CWR']];
  return names.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n).join(',');
}
