// NAT bindings (net/netfilter/nf_nat_core.c): the first packet of a connection picks a binding
// (nf_nat_setup_info) that is stored in the conntrack entry as a rewritten reply tuple; every
// later packet is rewritten from it (nf_nat_packet), in both directions. The hook decides the
// manipulation type: PREROUTING and OUTPUT change destinations, POSTROUTING and INPUT sources;
// for reply packets the roles swap (un-SNAT happens in PREROUTING, un-DNAT in POSTROUTING).

import type { IPv4 } from '../../core/ip.js';
import type { CtTuple, Hook, NatRange } from '../netfilter/api.js';
import type { CtEntry } from '../conntrack/table.js';
import { invert } from '../conntrack/tuple.js';
import { IPPROTO, packetWith, withPorts, type Ipv4Packet } from '../packet.js';
import type { Host } from './host.js';
import type { World } from './world.js';

export type Manip = 'src' | 'dst';

export function manipOf(hook: Hook): Manip {
  return hook === 'PREROUTING' || hook === 'OUTPUT' ? 'dst' : 'src';
}

/** The L4 port range a source port is remapped within when it clashes (nf_nat_l4proto_unique_tuple). */
function defaultPortRange(port: number): [number, number] {
  if (port < 512) return [1, 511];
  if (port < 1024) return [600, 1023];
  return [1024, 65535];
}

/**
 * nf_nat_setup_info: pick a tuple for `manip` inside `range` that no other connection uses as its
 * reply tuple, keeping the original port when possible (unless random-fully), and record it.
 * Returns false when no tuple is free (the packet is dropped).
 */
export function setupNat(w: World, h: Host, ct: CtEntry, manip: Manip, range: NatRange, opts: { random?: boolean; randomFully?: boolean } = {}): boolean {
  // The tuple we are changing: the current original tuple after any manip already done (dst first, then src).
  const cur: CtTuple = invert(ct.reply);
  const ip: IPv4 | undefined = range.minIp;
  const origPort = manip === 'src' ? cur.sport : cur.dport;
  const portsMatter = cur.proto === 6 || cur.proto === 17 || cur.proto === 132;
  const [lo, hi] = range.minPort !== undefined ? [range.minPort, range.maxPort ?? range.minPort] : defaultPortRange(origPort);

  const make = (port: number): CtTuple => {
    if (manip === 'src') return { ...cur, src: ip ?? cur.src, sport: portsMatter ? port : cur.sport };
    return { ...cur, dst: ip ?? cur.dst, dport: portsMatter ? port : cur.dport };
  };
  const free = (t: CtTuple): boolean => !h.conntrack.replyTupleTaken(invert(t), w.now, ct);

  let chosen: CtTuple | undefined;
  const keepOk = origPort >= lo && origPort <= hi;
  if (!opts.randomFully && (range.minPort === undefined || keepOk)) {
    const t = make(origPort);
    if (free(t)) chosen = t;
  }
  if (!chosen && portsMatter) {
    const span = hi - lo + 1;
    // random / random-fully draw the starting offset; otherwise the kernel starts from a hash of the
    // tuple, which we also take from the run's rng so a run is reproducible from its seed.
    const start = w.rng.int(0, span - 1);
    for (let i = 0; i < span && i < 65536; i++) {
      const t = make(lo + ((start + i) % span));
      if (free(t)) { chosen = t; break; }
    }
  }
  if (!chosen && !portsMatter) {
    const t = make(origPort);
    if (free(t)) chosen = t;
  }
  if (!chosen) return false;
  ct.reply = invert(chosen);
  if (manip === 'src') ct.srcNat = true;
  else ct.dstNat = true;
  return true;
}

/** nf_nat_packet: rewrite a packet from its connection's binding at a hook. */
export function applyNat(p: Ipv4Packet, ct: CtEntry, dir: 'ORIGINAL' | 'REPLY', hook: Hook): Ipv4Packet {
  const m = manipOf(hook);
  if (dir === 'ORIGINAL') {
    // What the original-direction packet must look like after NAT: the inverted reply tuple
    // (for ICMP echo the id stays in sport; invert() only flips the type in dport).
    const r = ct.reply;
    const icmp = r.proto === IPPROTO.ICMP;
    if (m === 'dst' && ct.dstNat) return rewrite(p, 'dst', r.src, icmp ? (r.dport === 0 ? 1 : 0) : r.sport);
    if (m === 'src' && ct.srcNat) return rewrite(p, 'src', r.dst, icmp ? r.sport : r.dport);
    return p;
  }
  // Reply direction: restore what the original sender expects.
  if (m === 'dst' && ct.srcNat) return rewrite(p, 'dst', ct.orig.src, ct.orig.sport);
  if (m === 'src' && ct.dstNat) return rewrite(p, 'src', ct.orig.dst, ct.orig.dport);
  return p;
}

function rewrite(p: Ipv4Packet, which: 'src' | 'dst', ip: IPv4, port: number): Ipv4Packet {
  const l = p.l4;
  let l4 = l;
  if (l.kind === 'tcp' || l.kind === 'udp') l4 = which === 'src' ? withPorts(l, port, l.dport) : withPorts(l, l.sport, port);
  // ICMP errors: only the outer header is rewritten here; the quoted packet keeps its addresses
  // (nf_nat_icmp_reply_translation is not modelled; the trace shows the outer rewrite).
  else if (l.kind === 'icmp' && (l.type === 0 || l.type === 8) && l.id !== undefined) {
    l4 = which === 'src' ? { ...l, id: port } : l;
  }
  return which === 'src' ? packetWith(p, ip, p.dst, p.ttl, l4) : packetWith(p, p.src, ip, p.ttl, l4);
}

export function packetChanged(a: Ipv4Packet, b: Ipv4Packet): boolean {
  if (a.src !== b.src || a.dst !== b.dst) return true;
  const x = a.l4;
  const y = b.l4;
  if ((x.kind === 'tcp' || x.kind === 'udp') && (y.kind === 'tcp' || y.kind === 'udp')) return x.sport !== y.sport || x.dport !== y.dport;
  return false;
}
