// Layer 2: Ethernet segments (a switch or a cable), veth pairs, ARP and the neighbour cache
// (proxy ARP as Calico's pod veths use it), and tunnel encapsulation (VXLAN over UDP/4789,
// IPIP as protocol 4). A tunnel's outer packet is locally generated on the sending host, so it
// goes through that host's OUTPUT and POSTROUTING hooks like any other local packet.

import { fibQuery } from '../routing/fib-lookup.js';
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import type { Iface } from '../../model/netns.js';
import { BROADCAST_MAC, IPPROTO, ZERO_MAC, ipv4Packet, payloadOf, udpHeader, type ArpPacket, type EthFrame, type Ipv4Packet, type Mac } from '../packet.js';
import type { PacketSummary } from '../../trace/events.js';
import type { DevState, Host } from './host.js';
import { summarize, type Skb } from './skb.js';
import type { Segment, SegmentMember, World } from './world.js';
import { ipRcv, ipLocalOut, loopBack, sendIcmpError } from './ip.js';
import type { Due, Timer } from '../../core/scheduler.js';
import { bridgeRcv, bridgeXmit } from './bridge.js';

const ARP_RETRIES = 3; // mcast_solicit
const ARP_RETRANS_US = 1_000_000; // retrans_time_ms

interface Pending {
  readonly skbs: Skb[];
  tries: number;
  timer?: Timer;
}
const pending = new WeakMap<Host, Map<string, Pending>>();

function arpSummary(a: ArpPacket, id: number): PacketSummary {
  return { id, src: a.senderMac, dst: a.op === 'request' ? BROADCAST_MAC : a.targetMac, proto: 'arp', arp: { op: a.op, senderIp: formatIPv4(a.senderIp), targetIp: formatIPv4(a.targetIp) }, length: 28 };
}

/** ip_finish_output2 -> neighbour output: resolve the next hop on `dev` and put the frame on the wire. */
export function neighOutput(w: World, h: Host, dev: string, nexthop: IPv4, skb: Skb): void {
  const d = devOf(h, dev);
  if (!d || !d.iface.up) {
    if (w.rec.enabled) w.emit({ kind: 'end', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id), disposition: 'NO_LINK', reason: `device ${dev} is missing or down` });
    return;
  }
  const iface = d.iface;
  switch (iface.kind) {
    case 'loopback':
      loopBack(w, h, skb);
      return;
    case 'vxlan':
      vxlanXmit(w, h, iface, nexthop, skb);
      return;
    case 'ipip':
      ipipXmit(w, h, iface, nexthop, skb);
      return;
    default:
      break;
  }
  const mac = neighOf(d, nexthop);
  if (mac) {
    if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'neighbour', ok: true, detail: `${formatIPv4(nexthop)} dev ${dev} lladdr ${mac} REACHABLE` });
    if (iface.kind === 'bridge') bridgeOut(w, h, iface, ipFrame(iface.mac, mac, skb), skb.id);
    else devXmit(w, h, d, ipFrame(iface.mac, mac, skb), skb.id);
    return;
  }
  resolve(w, h, iface, nexthop, skb);
}

/** The walker's state of device `name` of `h` (see DevState), made on first use. */
function devOf(h: Host, name: string): DevState | undefined {
  const d = h.devs.get(name);
  if (d !== undefined) return d;
  const iface = h.ifaces.get(name);
  if (!iface) return undefined;
  let neigh = h.neigh.get(name);
  if (!neigh) { neigh = new Map(); h.neigh.set(name, neigh); }
  const made: DevState = { iface, neigh, permanent: h.staticNeigh.get(name), peerHost: undefined, peerIface: undefined, segment: undefined };
  h.devs.set(name, made);
  return made;
}

/** The neighbour entry for `ip` on a device: a permanent (configured) one first, then a learnt one. */
function neighOf(d: DevState, ip: IPv4): Mac | undefined {
  const k = ip | 0;
  return (d.permanent !== undefined ? d.permanent.get(k) : undefined) ?? d.neigh.get(k);
}

/**
 * No neighbour entry: queue the packet and send ARP requests (INCOMPLETE), up to mcast_solicit.
 * Apart from neighOutput, whose every call would otherwise allocate the retry closure's context.
 */
function resolve(w: World, h: Host, iface: Iface, nexthop: IPv4, skb: Skb): void {
  const dev = iface.name;
  let byKey = pending.get(h);
  if (!byKey) { byKey = new Map(); pending.set(h, byKey); }
  const key = `${dev}|${nexthop}`;
  const p = byKey.get(key);
  if (p) { p.skbs.push(skb); return; }
  const entry: Pending = { skbs: [skb], tries: 0 };
  byKey.set(key, entry);
  if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'neighbour', ok: false, detail: `${formatIPv4(nexthop)} dev ${dev}: no neighbour entry, sending ARP request (INCOMPLETE)` });
  const solicit = (): void => {
    if (entry.tries >= ARP_RETRIES) {
      byKey.delete(key);
      for (const s of entry.skbs) {
        if (w.rec.enabled) w.emit({ kind: 'end', t: w.now, host: h.host, packet: summarize(s.pkt, s.id), disposition: 'NEIGH_FAILED', reason: `no ARP reply for ${formatIPv4(nexthop)} on ${dev} after ${ARP_RETRIES} requests` });
        if (!s.local) sendIcmpError(w, h, s, 3, 1);
      }
      return;
    }
    entry.tries++;
    const src = iface.addrs.find((a) => !a.secondary)?.addr ?? skb.pkt.src;
    const arp: ArpPacket = { op: 'request', senderMac: iface.mac, senderIp: src, targetMac: ZERO_MAC, targetIp: nexthop };
    frameXmit(w, h, iface, arpFrame(iface.mac, BROADCAST_MAC, arp), w.newPacketId());
    entry.timer = w.sched.after(ARP_RETRANS_US, solicit);
  };
  solicit();
}

/** The neighbour entry for `ip` on `dev` (neighOf by name). */
function neighLookup(h: Host, dev: string, ip: IPv4): Mac | undefined {
  const d = devOf(h, dev);
  return d ? neighOf(d, ip) : undefined;
}

/** Neighbour entry learnt: flush what waited for it. */
function neighLearn(w: World, h: Host, dev: string, ip: IPv4, mac: Mac): void {
  const d = devOf(h, dev);
  if (d) d.neigh.set(ip | 0, mac);
  const byKey = pending.get(h);
  const key = `${dev}|${ip}`;
  const p = byKey?.get(key);
  if (!p) return;
  byKey?.delete(key);
  if (p.timer) p.timer.cancelled = true;
  const iface = h.ifaces.get(dev);
  if (!iface) return;
  for (const s of p.skbs) frameXmit(w, h, iface, ipFrame(iface.mac, mac, s), s.id);
}

function encapOf(f: EthFrame): { encap?: 'vxlan' | 'ipip' } {
  const pl = f.ip?.payload;
  return pl?.frame ? { encap: 'vxlan' } : pl?.packet ? { encap: 'ipip' } : {};
}

function frameSummary(f: EthFrame, id: number): PacketSummary {
  if (f.arp) return arpSummary(f.arp, id);
  return summarize(f.ip as Ipv4Packet, id);
}

/** Puts a frame on a device's wire: the peer of a veth, or every other port of a segment. */
export function frameXmit(w: World, h: Host, iface: Iface, frame: EthFrame, id: number): void {
  if (iface.kind === 'bridge') {
    bridgeOut(w, h, iface, frame, id);
    return;
  }
  const d = devOf(h, iface.name);
  if (d) devXmit(w, h, d, frame, id);
}

/** frameXmit for a device other than a bridge, with its state at hand. */
function devXmit(w: World, h: Host, d: DevState, frame: EthFrame, id: number): void {
  const iface = d.iface;
  if (iface.kind === 'veth' && iface.peer) {
    let peerHost = d.peerHost;
    let peerIf = d.peerIface;
    if (peerHost === undefined || peerIf === undefined) {
      // The other end may not exist yet while a pod is being plumbed: resolved once it does.
      peerHost = w.hosts.get(iface.peer.ns);
      peerIf = peerHost?.ifaces.get(iface.peer.iface);
      if (!peerHost || !peerIf) return;
      d.peerHost = peerHost;
      d.peerIface = peerIf;
    }
    const lat = w.vethLatencyUs;
    if (w.rec.enabled) w.emit({ kind: 'link', t: w.now, from: { host: h.host, iface: iface.name }, to: { host: peerHost.host, iface: peerIf.name }, packet: frameSummary(frame, id), latencyUs: lat, ...encapOf(frame) });
    deliverLater(w, lat, peerHost, peerIf, frame, id);
    return;
  }
  if (!iface.segment) {
    if (w.rec.enabled) w.emit({ kind: 'end', t: w.now, host: h.host, packet: frameSummary(frame, id), disposition: 'NO_LINK', reason: `${iface.name} is not connected to anything` });
    return;
  }
  const seg = d.segment ?? (d.segment = w.segments.get(iface.segment));
  if (!seg) return;
  // A learning switch: it remembers the member each source MAC came from, sends a unicast frame
  // only there, and floods broadcasts and frames for MACs it has not seen.
  const ports = portsOf(w, seg);
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i] as Port;
    if (p.iface === iface) {
      if (seg.fdb.get(frame.src) !== p.member) seg.fdb.set(frame.src, p.member);
      break;
    }
  }
  const learnt = frame.dst === BROADCAST_MAC ? undefined : seg.fdb.get(frame.dst);
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i] as Port;
    if (p.iface === iface) continue;
    if (learnt !== undefined && learnt !== p.member) continue;
    const oh = p.host;
    const oi = p.iface;
    if (!oi.up) continue;
    // A NIC drops unicast frames for other MACs; a bridge port is promiscuous.
    if (learnt === undefined && frame.dst !== BROADCAST_MAC && frame.dst !== oi.mac && oi.master === undefined) continue;
    if (w.rec.enabled) w.emit({ kind: 'link', t: w.now, from: { host: h.host, iface: iface.name }, to: { host: oh.host, iface: oi.name }, packet: frameSummary(frame, id), latencyUs: seg.latencyUs, ...encapOf(frame) });
    deliverLater(w, seg.latencyUs, oh, oi, frame, id);
  }
}

/** A segment member with its namespace and device resolved. */
interface Port {
  readonly member: SegmentMember;
  readonly host: Host;
  readonly iface: Iface;
}

/** Members resolved once per segment (and again when a member is added). */
function portsOf(w: World, seg: Segment): readonly Port[] {
  const c = seg.resolved;
  if (c && c.n === seg.members.length) return c.ports as readonly Port[];
  const ports: Port[] = [];
  let complete = true;
  for (const m of seg.members) {
    const host = w.hosts.get(m.host);
    const iface = host?.ifaces.get(m.iface);
    if (host && iface) ports.push({ member: m, host, iface });
    else complete = false;
  }
  // A member whose device is still being created is resolved again next time.
  if (complete) seg.resolved = { n: seg.members.length, ports };
  return ports;
}

/**
 * A frame the host builds, which is also its own scheduler entry on the wire: the first device it
 * is delivered to queues the frame itself (it reaches `iface` of `h` when the link's latency has
 * passed); any further receiver (a flood, a bridge forwarding it) gets a copy.
 */
class Frame implements Due, EthFrame {
  at = 0;
  order = 0;
  cancelled = false;
  private w: World | undefined = undefined;
  private h: Host | undefined = undefined;
  private iface: Iface | undefined = undefined;
  private id = 0;
  private queued = false;
  /**
   * The sender's buffer of an IPv4 frame, for its first receiver to take over (the sender is done
   * with it once the frame is built).
   */
  private skb: Skb | undefined;
  constructor(readonly src: Mac, readonly dst: Mac, readonly ethertype: EthFrame['ethertype'], readonly ip: Ipv4Packet | undefined, readonly arp: ArpPacket | undefined, skb?: Skb) {
    this.skb = skb;
  }
  /** The sender's buffer, once. */
  static takeSkb(f: EthFrame): Skb | undefined {
    if (!(f instanceof Frame)) return undefined;
    const s = f.skb;
    f.skb = undefined;
    return s;
  }
  /** This frame, or a copy of it when it is already on its way to another device. */
  static toSend(f: EthFrame): Frame {
    return f instanceof Frame && !f.queued ? f : new Frame(f.src, f.dst, f.ethertype, f.ip, f.arp);
  }
  deliver(w: World, latencyUs: number, h: Host, iface: Iface, id: number): void {
    this.queued = true;
    this.w = w;
    this.h = h;
    this.iface = iface;
    this.id = id;
    w.sched.schedule(latencyUs, this);
  }
  run(): void {
    frameRcv(this.w as World, this.h as Host, this.iface as Iface, this, this.id);
  }
}

function ipFrame(src: Mac, dst: Mac, skb: Skb): Frame {
  return new Frame(src, dst, 0x0800, skb.pkt, undefined, skb);
}

function arpFrame(src: Mac, dst: Mac, arp: ArpPacket): Frame {
  return new Frame(src, dst, 0x0806, undefined, arp);
}

function deliverLater(w: World, latencyUs: number, h: Host, iface: Iface, frame: EthFrame, id: number): void {
  Frame.toSend(frame).deliver(w, latencyUs, h, iface, id);
}

// The bridge's callbacks live in their own functions: frameXmit and frameRcv capture nothing (a
// function with a closure allocates its context on every call, taken or not).
function bridgeOut(w: World, h: Host, br: Iface, frame: EthFrame, id: number): void {
  bridgeXmit(h, br, frame, (p, f) => frameXmit(w, h, p, f, id));
}

function bridgeIn(w: World, h: Host, port: Iface, frame: EthFrame, id: number): void {
  bridgeRcv(w, h, port, frame, id, (br, f) => frameRcv(w, h, br, f, id), (p, f) => frameXmit(w, h, p, f, id));
}

/** netif_receive_skb for one device: ARP, or IPv4 up to ip_rcv. */
export function frameRcv(w: World, h: Host, iface: Iface, frame: EthFrame, id: number): void {
  if (!iface.up) return;
  if (iface.master !== undefined) {
    // A bridge port: the bridge takes every frame (promiscuous), forwards it or hands it up.
    bridgeIn(w, h, iface, frame, id);
    return;
  }
  if (frame.dst !== BROADCAST_MAC && frame.dst !== iface.mac) return;
  if (frame.arp) { arpRcv(w, h, iface, frame.arp); return; }
  if (frame.ip) ipRcv(w, h, iface.name, frame.ip, id, undefined, Frame.takeSkb(frame));
}

/** arp_process: answer for any local address (arp_ignore=0) or, with proxy_arp, for a target routed out another device. */
function arpRcv(w: World, h: Host, iface: Iface, a: ArpPacket): void {
  if (a.op === 'reply') {
    neighLearn(w, h, iface.name, a.senderIp, a.senderMac);
    return;
  }
  let answer = false;
  let why = '';
  if (h.routing.isLocal(a.targetIp) && h.routing.addrType(a.targetIp) === 'LOCAL') {
    answer = true;
    why = 'target is a local address';
  } else {
    const eff = Math.max(h.sysctl.all.proxy_arp, iface.sysctl.proxy_arp);
    if (eff) {
      const r = h.routing.lookup(fibQuery({ dst: a.targetIp, src: a.senderIp, iif: iface.name, mark: 0 }));
      if (r.ok && r.type === 'unicast' && r.nexthop && r.nexthop.dev !== iface.name) {
        answer = true;
        why = `proxy_arp on ${iface.name}: ${formatIPv4(a.targetIp)} is routed via ${r.nexthop.dev}`;
      }
    }
  }
  if (!answer) return;
  neighLearn(w, h, iface.name, a.senderIp, a.senderMac);
  if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'kernel', action: 'arp-reply', message: `${formatIPv4(a.targetIp)} is-at ${iface.mac} (${why})` });
  const reply: ArpPacket = { op: 'reply', senderMac: iface.mac, senderIp: a.targetIp, targetMac: a.senderMac, targetIp: a.senderIp };
  frameXmit(w, h, iface, arpFrame(iface.mac, a.senderMac, reply), w.newPacketId());
}

function vxlanXmit(w: World, h: Host, iface: Iface, nexthop: IPv4, skb: Skb): void {
  const vx = iface.vxlan;
  const innerMac = neighLookup(h, iface.name, nexthop);
  const vtep = innerMac ? h.fdb.get(iface.name)?.get(innerMac) : undefined;
  if (!vx || !innerMac || vtep === undefined) {
    if (w.rec.enabled) w.emit({ kind: 'end', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id), disposition: 'NEIGH_FAILED', reason: `${iface.name}: no neighbour/FDB entry for ${formatIPv4(nexthop)}` });
    return;
  }
  const frame: EthFrame = { src: iface.mac, dst: innerMac, ethertype: 0x0800, ip: skb.pkt };
  // The UDP source port is a hash of the inner flow (vxlan_xmit_one -> udp_flow_src_port).
  const l = skb.pkt.l4;
  const flowHash = ((skb.pkt.src ^ skb.pkt.dst ^ (l.kind === 'tcp' || l.kind === 'udp' ? (l.sport << 16) ^ l.dport : 0)) >>> 0) % 16384;
  const outer = ipv4Packet(
    vx.local ?? (0 as IPv4), vtep, IPPROTO.UDP, 64, h.ipId++, 0,
    udpHeader(49152 + flowHash, vx.dstport),
    payloadOf(8 + 14 + (20 + (l.kind === 'tcp' ? 20 : 8) + skb.pkt.payload.length), undefined, frame),
  );
  ipLocalOut(w, h, outer, { by: `vxlan ${iface.name}`, why: `VXLAN encapsulation (vni ${vx.vni}) of packet #${skb.id} toward VTEP ${formatIPv4(vtep)}`, id: skb.id, ...(vx.dev !== undefined ? { oif: vx.dev } : {}) });
}

function ipipXmit(w: World, h: Host, iface: Iface, nexthop: IPv4, skb: Skb): void {
  const t = iface.ipip;
  const remote = t?.remote ?? nexthop;
  const outer = ipv4Packet(
    t?.local ?? (0 as IPv4), remote, IPPROTO.IPIP, 64, h.ipId++, 0,
    { kind: 'other', proto: IPPROTO.IPIP },
    payloadOf(20 + (skb.pkt.l4.kind === 'tcp' ? 20 : 8) + skb.pkt.payload.length, undefined, undefined, skb.pkt),
  );
  ipLocalOut(w, h, outer, { by: `ipip ${iface.name}`, why: `IPIP encapsulation of packet #${skb.id} toward ${formatIPv4(remote)}`, id: skb.id });
}

/** A VXLAN UDP datagram reached the host: decapsulate onto the vxlan device with that port. */
export function vxlanRcv(w: World, h: Host, outer: Ipv4Packet, id: number): boolean {
  const l = outer.l4;
  if (l.kind !== 'udp' || !outer.payload.frame) return false;
  for (const i of h.ifaces.values()) {
    if (i.kind !== 'vxlan' || !i.vxlan || i.vxlan.dstport !== l.dport || !i.up) continue;
    const frame = outer.payload.frame;
    if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'kernel', action: 'decap', message: `VXLAN vni ${i.vxlan.vni} from ${formatIPv4(outer.src)}: inner packet onto ${i.name}` });
    if (frame.ip) {
      // The inner frame is addressed to this device; learn the sender's MAC as the kernel's FDB would.
      w.sched.after(1, () => ipRcv(w, h, i.name, frame.ip as Ipv4Packet, id));
    }
    return true;
  }
  return false;
}

export function ipipRcv(w: World, h: Host, outer: Ipv4Packet, id: number): boolean {
  const inner = outer.payload.packet;
  if (!inner) return false;
  for (const i of h.ifaces.values()) {
    if (i.kind !== 'ipip' || !i.up) continue;
    w.sched.after(1, () => ipRcv(w, h, i.name, inner, id));
    return true;
  }
  return false;
}
