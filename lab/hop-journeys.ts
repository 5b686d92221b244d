// One request's packets as journeys, on the kernel's side and the simulator's, in one vocabulary:
// a journey is one transmission of one packet, with every (host, interface, direction) it was seen
// at in order, the packet as it looked there (NAT rewrites it on the way), and how it ended.
// - Kernel: `tcpdump -i any` (LINUX_SLL2) in every host and pod namespace gives each packet's
//   interface index and direction; the same transmission is recognised across namespaces and NAT
//   by what NAT leaves alone (IP ID, TCP sequence and acknowledgement numbers, flags, payload
//   length), within 50 ms. A VXLAN datagram counts as the packet it carries (the observation on
//   the tunnel device itself is left out, as the simulator puts the inner packet on the wire of the
//   underlay device); `lo`, packets addressed to other hosts' MACs (PACKET_OTHERHOST: flooded by a
//   bridge), ARP and IPv6 are left out.
// - Simulator: the trace's `link` events (one out and one in observation each), `emit`, and the
//   packet's `deliver` or `end` event (where and by which rule it was dropped); its packet ids are
//   stable across forwarding and NAT, and a retransmission is a new id.
// Pure: no Node modules.
import type { PacketSummary, TraceEvent } from '../sim/index.js';
import { decodeLink, tcpFlagNames, type DecodedFrame, type Ipv4Layer, type PcapFile } from './pcap.js';

export type Direction = 'in' | 'out';
export type Side = 'kernel' | 'simulator';

export interface HopPacket {
  readonly src: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly sport?: number;
  readonly dport?: number;
  /** TCP flags as "SYN,ACK" (the trace's spelling). */
  readonly flags?: string;
  readonly payloadLength: number;
  readonly firstLine?: string;
  readonly icmp?: { readonly type: number; readonly code: number; readonly quoted?: { readonly src: string; readonly dst: string; readonly sport?: number; readonly dport?: number } };
}

export interface Hop {
  readonly host: string;
  readonly iface: string;
  readonly dir: Direction;
  /** µs; the same clock for every hop of a side. */
  readonly t: number;
  readonly packet: HopPacket;
  /** Carried inside VXLAN on this wire. */
  readonly vxlan?: boolean;
  /** Simulator: the route decisions and NAT the trace reports for the packet on this host before it left. */
  readonly notes?: readonly string[];
}

export interface RuleRef {
  readonly table: string;
  readonly chain: string;
  readonly index: number;
  readonly raw: string;
  readonly file: string;
  readonly line: number;
}

export type Fate =
  | { readonly kind: 'delivered'; readonly host: string; readonly socket: string; readonly app?: string; readonly notes?: readonly string[] }
  | { readonly kind: 'dropped'; readonly host: string; readonly disposition: string; readonly reason: string; readonly rule?: RuleRef; readonly notes?: readonly string[] }
  | { readonly kind: 'unseen' };

export interface Journey {
  readonly side: Side;
  /** µs of the first sighting (the emission, when the trace reports it). */
  readonly t: number;
  /** The host that sent it, when known (the first hop's host for an outgoing first hop). */
  readonly emitter?: string;
  /** The packet as it was sent (or first seen). */
  readonly first: HopPacket;
  readonly hops: readonly Hop[];
  readonly fate: Fate;
}

// ---------------------------------------------------------------- kernel side

export interface CapturedIface {
  readonly name: string;
  /** `ip -d link` kind: veth, vxlan, bridge, loopback, ... */
  readonly kind: string;
}

export interface KernelObservation extends Hop {
  /** Same for every sighting of one transmission (what NAT and forwarding leave alone). */
  readonly fingerprint: string;
}

function hopPacket(ip: Ipv4Layer): HopPacket | undefined {
  if (ip.tcp) {
    const t = ip.tcp;
    return { src: ip.src, dst: ip.dst, proto: 'tcp', sport: t.sport, dport: t.dport, flags: tcpFlagNames(t.flags), payloadLength: t.payloadLength, ...(t.firstLine !== undefined ? { firstLine: t.firstLine } : {}) };
  }
  if (ip.udp) return { src: ip.src, dst: ip.dst, proto: 'udp', sport: ip.udp.sport, dport: ip.udp.dport, payloadLength: Math.max(0, ip.udp.length - 8) };
  if (ip.icmp) {
    const q = ip.icmp.quoted;
    return { src: ip.src, dst: ip.dst, proto: 'icmp', payloadLength: 0, icmp: { type: ip.icmp.type, code: ip.icmp.code, ...(q ? { quoted: { src: q.src, dst: q.dst, ...(q.sport !== undefined ? { sport: q.sport, dport: q.dport } : {}) } } : {}) } };
  }
  return undefined;
}

function fingerprint(ip: Ipv4Layer): string {
  if (ip.tcp) return `tcp ${ip.id} ${ip.tcp.seq} ${ip.tcp.ack} ${ip.tcp.flags} ${ip.tcp.payloadLength}`;
  if (ip.udp) return `udp ${ip.id} ${ip.udp.length}`;
  if (ip.icmp) return `icmp ${ip.id} ${ip.icmp.type} ${ip.icmp.code}`;
  return `ip ${ip.id} ${ip.proto}`;
}

/** What one namespace's `any` capture saw, as observations; `ifaces` maps the namespace's interface indexes. */
export function kernelObservations(host: string, pcap: PcapFile, ifaces: ReadonlyMap<number, CapturedIface>): { observations: KernelObservation[]; skipped: Map<string, number> } {
  const observations: KernelObservation[] = [];
  const skipped = new Map<string, number>();
  const skip = (why: string): void => { skipped.set(why, (skipped.get(why) ?? 0) + 1); };
  for (const r of pcap.records) {
    const f: DecodedFrame = decodeLink(pcap.linkType, r.data);
    const pt = f.link.packetType;
    if (f.link.ifindex === undefined || pt === undefined) { skip('no interface or direction (not a LINUX_SLL2 capture)'); continue; }
    if (pt === 'otherhost') { skip('addressed to another host'); continue; }
    const iface = ifaces.get(f.link.ifindex);
    if (!iface) { skip(`interface index ${f.link.ifindex} unknown`); continue; }
    if (iface.kind === 'loopback' || iface.name === 'lo') { skip('lo'); continue; }
    if (iface.kind === 'vxlan') { skip('on a VXLAN device (seen on the underlay instead)'); continue; }
    let ip = f.ipv4;
    if (!ip) { skip(f.note ?? 'not IPv4'); continue; }
    const inner = ip.udp?.vxlan?.inner.ipv4;
    const vxlan = inner !== undefined;
    if (inner) ip = inner;
    const packet = hopPacket(ip);
    if (!packet) { skip(f.note ?? `IP protocol ${ip.proto}`); continue; }
    const t = Number(r.tsNs / 1000n) + Number(r.tsNs % 1000n) / 1000;
    observations.push({ host, iface: iface.name, dir: pt === 'outgoing' ? 'out' : 'in', t, packet, fingerprint: fingerprint(ip), ...(vxlan ? { vxlan } : {}) });
  }
  return { observations, skipped };
}

/** Sightings of one transmission grouped into a journey, in time order. */
export function kernelJourneys(observations: readonly KernelObservation[]): Journey[] {
  const byPrint = new Map<string, KernelObservation[]>();
  const sorted = [...observations].sort((a, b) => a.t - b.t || (a.dir === b.dir ? 0 : a.dir === 'out' ? -1 : 1));
  for (const o of sorted) {
    const l = byPrint.get(o.fingerprint);
    if (l) l.push(o); else byPrint.set(o.fingerprint, [o]);
  }
  const out: Journey[] = [];
  for (const list of byPrint.values()) {
    let cur: KernelObservation[] = [];
    const flush = (): void => {
      if (cur.length === 0) return;
      const f = cur[0] as KernelObservation;
      const hops: Hop[] = cur.map(({ fingerprint: _f, ...h }) => h);
      out.push({ side: 'kernel', t: f.t, ...(f.dir === 'out' ? { emitter: f.host } : {}), first: f.packet, hops, fate: { kind: 'unseen' } });
      cur = [];
    };
    for (const o of list) {
      const last = cur[cur.length - 1];
      // A retransmission can carry the same fingerprint (a SYN-ACK with IP ID 0): a gap or a
      // second sighting at the same place starts a new journey.
      if (last && (o.t - last.t > 50_000 || cur.some((h) => h.host === o.host && h.iface === o.iface && h.dir === o.dir))) flush();
      cur.push(o);
    }
    flush();
  }
  return out.sort((a, b) => a.t - b.t);
}

// ---------------------------------------------------------------- simulator side

/** The simulator's names for pods and their node-side veths differ from the lab's; both are matched by pod address. */
export interface PodName { readonly name: string; readonly ip: string; readonly node: string; readonly hostVeth: string }

export interface Renamer { host(h: string): string; iface(host: string, iface: string): string }

export function podRenamer(simPods: readonly PodName[], labPods: readonly PodName[]): Renamer {
  const hosts = new Map<string, string>();
  const veths = new Map<string, string>();
  for (const s of simPods) {
    const l = labPods.find((p) => p.ip === s.ip && p.node === s.node) ?? labPods.find((p) => p.ip === s.ip);
    if (!l) continue;
    hosts.set(s.name, l.name);
    veths.set(`${s.node}|${s.hostVeth}`, l.hostVeth);
  }
  return { host: (h) => hosts.get(h) ?? h, iface: (h, i) => veths.get(`${h}|${i}`) ?? i };
}

function fromSummary(p: PacketSummary): HopPacket | undefined {
  const q = p.inner && (p.proto === 'udp' || p.proto === 'ipip') ? p.inner : p;
  if (q.proto !== 'tcp' && q.proto !== 'udp' && q.proto !== 'icmp') return undefined;
  const ports = q.sport !== undefined && q.dport !== undefined ? { sport: q.sport, dport: q.dport } : {};
  if (q.proto === 'icmp') {
    const i = q.inner;
    return { src: q.src, dst: q.dst, proto: 'icmp', payloadLength: 0, ...(q.icmp ? { icmp: { type: q.icmp.type, code: q.icmp.code, ...(i ? { quoted: { src: i.src, dst: i.dst, ...(i.sport !== undefined && i.dport !== undefined ? { sport: i.sport, dport: i.dport } : {}) } } : {}) } } : {}) };
  }
  const header = q.proto === 'tcp' ? 40 : 28;
  return { src: q.src, dst: q.dst, proto: q.proto, ...ports, ...(q.flags !== undefined ? { flags: q.flags } : {}), payloadLength: Math.max(0, q.length - header), ...(q.payload !== undefined ? { firstLine: q.payload } : {}) };
}

const locText = (l: { readonly file: string; readonly line: number } | undefined): string => (l ? ` at ${l.file}:${l.line}` : '');

interface SimDraft { t: number; emitter?: string; first: HopPacket; hops: Hop[]; fate: Fate }

/** The trace's packets as journeys (hosts and pod veths renamed to the lab's names). */
export function simJourneys(events: readonly TraceEvent[], rename: Renamer = { host: (h) => h, iface: (_h, i) => i }): Journey[] {
  const byId = new Map<number, SimDraft>();
  const order: number[] = [];
  // Route decisions and NAT of a packet on the host it is at, until it leaves or ends there.
  const pending = new Map<number, { host: string; notes: string[] }>();
  const note = (id: number, host: string, text: string): void => {
    const p = pending.get(id);
    if (p && p.host === host) p.notes.push(text); else pending.set(id, { host, notes: [text] });
  };
  const take = (id: number, host: string): { notes?: string[] } => {
    const p = pending.get(id);
    pending.delete(id);
    return p && p.host === host ? { notes: p.notes } : {};
  };
  const draft = (id: number, t: number, p: HopPacket, emitter?: string): SimDraft => {
    let d = byId.get(id);
    if (!d) {
      d = { t, first: p, hops: [], fate: { kind: 'unseen' }, ...(emitter !== undefined ? { emitter } : {}) };
      byId.set(id, d);
      order.push(id);
    }
    return d;
  };
  for (const e of events) {
    switch (e.kind) {
      case 'emit': {
        const p = fromSummary(e.packet);
        if (p) draft(e.packet.id, e.t, p, rename.host(e.host));
        break;
      }
      case 'route':
        if (e.packet.proto !== 'arp') note(e.packet.id, e.host, `route ${e.route.decision}: ${e.route.result}${e.route.route ? ` via "${e.route.route}"` : ''} (rule "${e.route.rule}", table ${e.route.table})${locText(e.route.routeLoc ?? e.route.ruleLoc)}`);
        break;
      case 'nat':
        note(e.after.id, e.host, `${e.hook} ${e.nat}: ${e.before.src}:${e.before.sport ?? '-'} → ${e.before.dst}:${e.before.dport ?? '-'} becomes ${e.after.src}:${e.after.sport ?? '-'} → ${e.after.dst}:${e.after.dport ?? '-'}${e.rule ? ` (${e.rule.raw.trim()})` : ''}${locText(e.rule?.loc)}`);
        break;
      case 'link': {
        const p = fromSummary(e.packet);
        if (!p) break;
        const d = draft(e.packet.id, e.t, p, rename.host(e.from.host));
        const vx = e.encap === 'vxlan' ? { vxlan: true } : {};
        const fh = rename.host(e.from.host);
        const th = rename.host(e.to.host);
        d.hops.push({ host: fh, iface: rename.iface(e.from.host, e.from.iface), dir: 'out', t: e.t, packet: p, ...vx, ...take(e.packet.id, e.from.host) });
        d.hops.push({ host: th, iface: rename.iface(e.to.host, e.to.iface), dir: 'in', t: e.t + e.latencyUs, packet: p, ...vx });
        d.fate = { kind: 'unseen' };
        break;
      }
      case 'deliver': {
        const d = byId.get(e.packet.id);
        if (d) d.fate = { kind: 'delivered', host: rename.host(e.host), socket: e.socket, ...(e.app !== undefined ? { app: e.app } : {}), ...take(e.packet.id, e.host) };
        break;
      }
      case 'end': {
        const p = fromSummary(e.packet);
        if (!p) break;
        const d = draft(e.packet.id, e.t, p, rename.host(e.host));
        const r = e.rule;
        d.fate = { kind: 'dropped', host: rename.host(e.host), disposition: e.disposition, reason: e.reason, ...(r ? { rule: { table: r.table, chain: r.chain, index: r.index, raw: r.raw, file: r.loc.file, line: r.loc.line } } : {}), ...take(e.packet.id, e.host) };
        break;
      }
      default:
        break;
    }
  }
  return order.map((id) => {
    const d = byId.get(id) as SimDraft;
    return { side: 'simulator' as const, t: d.t, ...(d.emitter !== undefined ? { emitter: d.emitter } : {}), first: d.first, hops: d.hops, fate: d.fate };
  });
}
