// The IPv4 path through one host, shaped like the netfilter packet-flow diagram:
//   received:  ip_rcv -> PREROUTING -> early demux -> input route (rp_filter, martians)
//              -> INPUT -> socket           | -> ip_forward -> FORWARD -> POSTROUTING -> neighbour
//   generated: output route -> OUTPUT -> reroute if mangle/nat changed it -> POSTROUTING -> neighbour
//              (a local destination loops back through `lo` and keeps its route)
// Kernel references: net/ipv4/ip_input.c, ip_forward.c, ip_output.c, route.c, icmp.c.

import { fibQuery } from '../routing/fib-lookup.js';
import { formatIPv4, isMulticast, type IPv4 } from '../../core/ip.js';
import type { Disposition, RouteInfo } from '../../trace/events.js';
import type { FibQuery, FibResult } from '../routing/api.js';
import type { RejectWith } from '../netfilter/api.js';
import { IPPROTO, TCP, ipv4Packet, NO_PAYLOAD, packetWith, tcpHeader, type Ipv4Packet } from '../packet.js';
import type { Host } from './host.js';
import { newSkb, scrubSkb, summarize, type Skb } from './skb.js';
import type { World } from './world.js';
import { HOOK_OK, hookIo, hooksRun, runHook, type HookOutcome } from './nf-hook.js';
import { neighOutput, vxlanRcv, ipipRcv } from './l2.js';
import { tcpRcv, tcpIcmpError } from './tcp.js';
import { isIcmpError } from '../conntrack/tuple.js';
import type { Sock } from '../sockets/socket.js';

export interface LocalOutOptions {
  readonly by: string;
  readonly why: string;
  readonly sk?: Sock | undefined;
  readonly mark?: number;
  readonly oif?: string;
  /** Keep this trace id (tunnel outer packets carry their inner packet's id). */
  readonly id?: number;
  /** Attach to an existing connection (REJECT's RST and ICMP errors). */
  readonly attach?: Pick<Skb, 'ct' | 'ctDir' | 'ctState'>;
}

function routeInfo(h: Host, decision: RouteInfo['decision'], r: FibResult, src?: IPv4): RouteInfo {
  if (!r.ok) {
    return { decision, rule: h.routing.describeRule(r), table: r.rule ? describeTable(h, r.rule.action) : '-', type: r.reason, result: r.reason === 'no-route' ? 'no-route' : r.reason, ...(r.rule?.loc ? { ruleLoc: r.rule.loc } : {}) };
  }
  const result: RouteInfo['result'] = r.type === 'local' ? 'local' : decision === 'input' ? 'forward' : 'output';
  return {
    decision,
    rule: h.routing.describeRule(r),
    ...(r.rule.loc ? { ruleLoc: r.rule.loc } : {}),
    table: h.routing.tableName(r.table),
    route: h.routing.describeRoute(r),
    ...(r.route.loc ? { routeLoc: r.route.loc } : {}),
    type: r.type,
    ...(r.nexthop ? { dev: r.nexthop.dev } : {}),
    ...(r.nexthop?.via !== undefined ? { gateway: formatIPv4(r.nexthop.via) } : {}),
    ...(src !== undefined ? { src: formatIPv4(src) } : {}),
    result,
  };
}

function describeTable(h: Host, a: { kind: string; table?: number }): string {
  return a.kind === 'lookup' && a.table !== undefined ? h.routing.tableName(a.table) : a.kind;
}

function end(w: World, h: Host, skb: Skb, disposition: Disposition, reason: string, extra: Partial<{ rule: import('../../trace/events.js').RuleInfo }> = {}): void {
  if (w.rec.enabled) w.emit({ kind: 'end', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), disposition, reason, ...(extra.rule ? { rule: extra.rule, loc: extra.rule.loc } : {}) });
}

function hookFailed(w: World, h: Host, skb: Skb, r: Extract<HookOutcome, { ok: false }>): void {
  end(w, h, skb, r.disposition, r.reason, r.rule ? { rule: r.rule } : {});
  if (r.reject) reject(w, h, skb, r.reject);
}

/** The answer a REJECT sends (ipt_REJECT: nf_send_unreach / nf_send_reset). */
function reject(w: World, h: Host, skb: Skb, how: RejectWith): void {
  if (how === 'tcp-reset') {
    if (skb.pkt.l4.kind === 'tcp') sendReset(w, h, skb, 'REJECT --reject-with tcp-reset');
    return;
  }
  const code: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
    'icmp-net-unreachable': 0, 'icmp-host-unreachable': 1, 'icmp-proto-unreachable': 2, 'icmp-port-unreachable': 3,
    'icmp-net-prohibited': 9, 'icmp-host-prohibited': 10, 'icmp-admin-prohibited': 13,
  };
  sendIcmpError(w, h, skb, 3, code[how]);
}

// ---------------------------------------------------------------- locally generated

/** ip_local_out. `o` is read before any hook runs, never after: a caller may pass a shared object. */
export function ipLocalOut(w: World, h: Host, pkt: Ipv4Packet, o: LocalOutOptions): void {
  const skb = newSkb(pkt, o.id ?? w.newPacketId(), o.mark ?? o.sk?.mark ?? 0, true);
  if (o.sk) skb.sk = o.sk;
  if (o.attach) { skb.ct = o.attach.ct; skb.ctDir = o.attach.ctDir; skb.ctState = o.attach.ctState; }
  const oif = o.oif ?? o.sk?.bindDev;
  let r = o.sk ? socketRoute(h, skb, oif, o.sk) : outputLookup(h, skb, oif);
  if (r.ok && skb.pkt.src === 0) {
    // An unbound sender (a tunnel without `local`): the route picks the source.
    const src = r.type === 'local' ? skb.pkt.dst : h.routing.sourceFor(skb.pkt.dst, r);
    if (src !== undefined) skb.pkt = packetWith(skb.pkt, src, skb.pkt.dst, skb.pkt.ttl, skb.pkt.l4);
  }
  if (w.rec.enabled) w.emit({ kind: 'emit', t: w.now, host: h.host, by: o.by, packet: summarize(skb.pkt, skb.id, skb.mark), why: o.why });
  if (w.rec.enabled) w.emit({ kind: 'route', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), route: routeInfo(h, 'output', r, skb.pkt.src) });
  if (!r.ok) { outputRouteFailed(w, h, skb, r); return; }
  if (skb.pkt.src === 0) { end(w, h, skb, 'NO_ROUTE', 'no source address for the output route'); return; }
  skb.route = r;
  let out = r.type === 'local' ? 'lo' : (r.nexthop?.dev ?? 'lo');
  const hk = hooksRun(h) ? runHook(w, h, 'OUTPUT', skb, hookIo(undefined, out)) : HOOK_OK;
  if (!hk.ok) { hookFailed(w, h, skb, hk); localError(w, h, skb, hk); return; }
  if (hk.reroute) {
    r = outputLookup(h, skb, oif);
    if (w.rec.enabled) w.emit({ kind: 'route', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), route: routeInfo(h, 'reroute', r, skb.pkt.src) });
    if (!r.ok) { outputRouteFailed(w, h, skb, r); return; }
    skb.route = r;
    out = r.type === 'local' ? 'lo' : (r.nexthop?.dev ?? 'lo');
  }
  postRouting(w, h, skb, out, r);
}

/** One query object for every route lookup of the walker (a lookup keeps nothing of its query). */
const Q = fibQuery({ dst: 0 as IPv4, src: 0 as IPv4, iif: '', mark: 0, tos: 0, proto: 0 }) as { -readonly [K in keyof FibQuery]-?: FibQuery[K] };

function flowQuery(p: Ipv4Packet, iif: string, oif: string | undefined, mark: number): FibQuery {
  const l = p.l4;
  Q.dst = p.dst;
  Q.src = p.src;
  Q.iif = iif;
  Q.oif = oif;
  Q.mark = mark;
  Q.tos = p.tos;
  Q.proto = p.proto;
  if (l.kind === 'tcp' || l.kind === 'udp') { Q.sport = l.sport; Q.dport = l.dport; } else { Q.sport = undefined; Q.dport = undefined; }
  return Q;
}

/** The output route lookup for a local packet (iif lo), with the socket's device binding and the packet's mark. */
function outputLookup(h: Host, skb: Skb, oif: string | undefined): FibResult {
  return h.routing.lookup(flowQuery(skb.pkt, 'lo', oif, skb.mark));
}

/**
 * The output route of a socket's packet: its cached route when still valid (__sk_dst_check),
 * else a lookup that a connected socket then keeps (sk_setup_caps / sk_dst_set). The answer is
 * the lookup's, only found without searching again.
 */
function socketRoute(h: Host, skb: Skb, oif: string | undefined, sk: Sock): FibResult {
  const p = skb.pkt;
  const gen = h.routing.generation();
  const c = sk.dstCache;
  if (c && c.generation === gen && c.src === p.src && c.dst === p.dst && c.mark === skb.mark && c.oif === oif) return c.route;
  const r = outputLookup(h, skb, oif);
  if (r.ok && sk.remote && p.src !== 0) sk.dstCache = { route: r, generation: gen, src: p.src, dst: p.dst, mark: skb.mark, oif };
  return r;
}

function outputRouteFailed(w: World, h: Host, skb: Skb, r: Extract<FibResult, { ok: false }>): void {
  const d: Disposition = r.reason === 'no-route' ? 'NO_ROUTE' : r.reason === 'blackhole' ? 'BLACKHOLE' : r.reason === 'unreachable' ? 'UNREACHABLE' : 'PROHIBIT';
  end(w, h, skb, d, `output route lookup failed: ${r.reason}`);
  if (skb.sk) {
    const err = r.reason === 'no-route' ? 'ENETUNREACH' : r.reason === 'unreachable' ? 'EHOSTUNREACH' : r.reason === 'prohibit' ? 'EACCES' : 'EINVAL';
    tcpIcmpError(w, h, skb.sk, err, `connect: ${err} (output route: ${r.reason})`);
  }
}

/** A local packet rejected in OUTPUT: the sender learns it synchronously. */
function localError(w: World, h: Host, skb: Skb, r: Extract<HookOutcome, { ok: false }>): void {
  if (!skb.sk || skb.sk.state !== 'SYN_SENT') return;
  if (r.disposition === 'REJECTED') tcpIcmpError(w, h, skb.sk, r.reject === 'tcp-reset' || r.reject === 'icmp-port-unreachable' ? 'ECONNREFUSED' : 'EHOSTUNREACH', r.reason);
  // DROP in OUTPUT: the kernel returns EPERM to the first send; the SYN timer still runs.
}

function postRouting(w: World, h: Host, skb: Skb, out: string, r: Extract<FibResult, { ok: true }>): void {
  const nexthop = r.type === 'local' ? skb.pkt.dst : r.gateway;
  const hk = hooksRun(h) ? runHook(w, h, 'POSTROUTING', skb, hookIo(undefined, out, nexthop)) : HOOK_OK;
  if (!hk.ok) { hookFailed(w, h, skb, hk); return; }
  if (r.type === 'local') {
    // Looped back: re-enters ip_rcv on lo with its route already attached.
    skb.loopback = true;
    loopBack(w, h, skb);
    return;
  }
  neighOutput(w, h, out, nexthop, skb);
}

/**
 * A packet through `lo`: it re-enters ip_rcv a microsecond later. The closure lives here so that
 * the hot callers capture nothing (a function with a closure allocates its context on every call).
 */
export function loopBack(w: World, h: Host, skb: Skb): void {
  w.sched.after(1, () => ipRcv(w, h, 'lo', skb.pkt, skb.id, skb));
}

// ---------------------------------------------------------------- received

export function ipRcv(w: World, h: Host, dev: string, pkt: Ipv4Packet, id: number, looped?: Skb, sent?: Skb): void {
  const skb = looped ?? (sent !== undefined && sent.id === id ? scrubSkb(sent, pkt) : newSkb(pkt, id, 0, false));
  skb.iif = dev;
  if (!looped) {
    // A packet entering a namespace carries nothing from the previous one (skb_scrub_packet).
    skb.mark = 0;
  }
  const hk = hooksRun(h) ? runHook(w, h, 'PREROUTING', skb, hookIo(dev, undefined)) : HOOK_OK;
  if (!hk.ok) { hookFailed(w, h, skb, hk); return; }
  // ip_rcv_finish: early demux attaches an established (or connecting) socket before routing.
  if (!skb.loopback && h.sysctl.tcp_early_demux && skb.pkt.l4.kind === 'tcp' && !skb.sk) {
    const l = skb.pkt.l4;
    const sk = h.sockets.lookupEstablished4('tcp', skb.pkt.src, l.sport, skb.pkt.dst, l.dport);
    if (sk) {
      skb.sk = sk;
      // A full socket (not a request or TIME_WAIT one) with a valid sk_rx_dst for this device
      // gives the packet its route: no input route lookup, no martian or rp_filter check.
      const rx = sk.rxDst;
      const cached = rx && sk.state !== 'SYN_RECV' && sk.state !== 'TIME_WAIT' && rx.iif === dev && rx.generation === h.routing.generation() ? rx.route : undefined;
      if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'early_demux', ok: true, detail: `tcp_v4_early_demux found ${sk.describe()} and attached it to the packet${cached ? `, with the socket's cached input route (sk_rx_dst, ${h.routing.describeRoute(cached)} from ${dev}): no route lookup or rp_filter check` : ''}` });
      if (cached) {
        skb.route = cached;
        deliverOrForward(w, h, skb, cached);
        return;
      }
    }
  }
  if (skb.loopback && skb.route) {
    deliverOrForward(w, h, skb, skb.route);
    return;
  }
  // ip_route_input_slow: martian sources and destinations.
  const p = skb.pkt;
  const martian = martianReason(h, p, dev);
  if (martian) {
    if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'martian', ok: false, detail: martian });
    end(w, h, skb, 'MARTIAN', martian);
    return;
  }
  const r = h.routing.lookup(flowQuery(p, dev, undefined, skb.mark));
  if (w.rec.enabled) w.emit({ kind: 'route', t: w.now, host: h.host, packet: summarize(p, skb.id, skb.mark), route: routeInfo(h, 'input', r) });
  if (!r.ok) {
    inputRouteFailed(w, h, skb, r);
    return;
  }
  if (r.type === 'unicast' && !(h.sysctl.ip_forward || h.ifaces.get(dev)?.sysctl.forwarding)) {
    if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'ip_forward', ok: false, detail: `forwarding is disabled on ${dev} (net.ipv4.ip_forward=0): dropped without ICMP` });
    end(w, h, skb, 'FORWARDING_DISABLED', 'not for this host and forwarding is off');
    return;
  }
  if (r.type === 'local' || r.type === 'unicast') {
    const v = h.routing.validateSource(p.src, p.dst, dev, r.type === 'unicast' && r.nexthop ? r.nexthop.dev : undefined, skb.mark, p.tos);
    if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'rp_filter', ok: v.ok, detail: v.reason });
    if (!v.ok) { end(w, h, skb, 'RP_FILTER', v.reason); return; }
  }
  skb.route = r;
  deliverOrForward(w, h, skb, r);
}

function martianReason(h: Host, p: Ipv4Packet, dev: string): string | undefined {
  if (isMulticast(p.src) || p.src === 0xffffffff) return `martian source ${formatIPv4(p.src)} (multicast/broadcast)`;
  if (p.src === 0 && !(p.dst === 0xffffffff)) return 'martian source 0.0.0.0';
  if (dev !== 'lo' && (p.src >>> 24 === 127 || p.dst >>> 24 === 127) && !routeLocalnet(h, dev)) return `martian ${p.src >>> 24 === 127 ? 'source' : 'destination'} on ${dev}: 127.0.0.0/8 outside lo (route_localnet=0)`;
  if (p.dst === 0) return 'martian destination 0.0.0.0';
  return undefined;
}

/** route_localnet on the receiving device (conf.all or the device's own). */
function routeLocalnet(h: Host, dev: string): boolean {
  const iface = h.ifaces.get(dev);
  return iface ? (h.sysctl.all.route_localnet | iface.sysctl.route_localnet) === 1 : false;
}

function inputRouteFailed(w: World, h: Host, skb: Skb, r: Extract<FibResult, { ok: false }>): void {
  switch (r.reason) {
    case 'blackhole':
      end(w, h, skb, 'BLACKHOLE', 'route type blackhole: silently discarded');
      return;
    case 'unreachable':
      end(w, h, skb, 'UNREACHABLE', 'route type unreachable: ICMP host unreachable');
      sendIcmpError(w, h, skb, 3, 1);
      return;
    case 'prohibit':
      end(w, h, skb, 'PROHIBIT', 'route type prohibit: ICMP communication administratively prohibited');
      sendIcmpError(w, h, skb, 3, 13);
      return;
    case 'no-route':
      end(w, h, skb, 'NO_ROUTE', 'no route to the destination: ICMP net unreachable');
      if (h.sysctl.ip_forward) sendIcmpError(w, h, skb, 3, 0);
      return;
  }
}

function deliverOrForward(w: World, h: Host, skb: Skb, r: Extract<FibResult, { ok: true }>): void {
  if (r.type === 'local' || r.type === 'broadcast') { localDeliver(w, h, skb); return; }
  forward(w, h, skb, r);
}

function forward(w: World, h: Host, skb: Skb, r: Extract<FibResult, { ok: true }>): void {
  // ip_forward(): a packet that carries a socket (attached by early demux) is dropped.
  if (skb.sk) {
    const why = `ip_forward drops a packet carrying a socket (skb->sk = ${skb.sk.describe()}, attached by early demux); net.ipv4.tcp_early_demux=${h.sysctl.tcp_early_demux}`;
    if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'socket_on_forward', ok: false, detail: why });
    end(w, h, skb, 'SOCKET_ON_FORWARD', why);
    return;
  }
  if (skb.pkt.ttl <= 1) {
    if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'ttl', ok: false, detail: 'TTL expired in transit' });
    end(w, h, skb, 'TTL_EXCEEDED', 'TTL expired in transit');
    sendIcmpError(w, h, skb, 11, 0);
    return;
  }
  if (++skb.hops > 64) { end(w, h, skb, 'LOOP', 'forwarded more than 64 times'); return; }
  skb.pkt = packetWith(skb.pkt, skb.pkt.src, skb.pkt.dst, skb.pkt.ttl - 1, skb.pkt.l4);
  const out = r.nexthop?.dev ?? 'lo';
  const hk = hooksRun(h) ? runHook(w, h, 'FORWARD', skb, hookIo(skb.iif ?? '', out)) : HOOK_OK;
  if (!hk.ok) { hookFailed(w, h, skb, hk); return; }
  const nh = r.gateway;
  const pk = hooksRun(h) ? runHook(w, h, 'POSTROUTING', skb, hookIo(skb.iif ?? '', out, nh)) : HOOK_OK;
  if (!pk.ok) { hookFailed(w, h, skb, pk); return; }
  neighOutput(w, h, out, nh, skb);
}

function localDeliver(w: World, h: Host, skb: Skb): void {
  const hk = hooksRun(h) ? runHook(w, h, 'INPUT', skb, hookIo(skb.iif ?? 'lo', undefined)) : HOOK_OK;
  if (!hk.ok) { hookFailed(w, h, skb, hk); return; }
  const p = skb.pkt;
  switch (p.l4.kind) {
    case 'tcp':
      tcpRcv(w, h, skb);
      return;
    case 'udp':
      udpRcv(w, h, skb);
      return;
    case 'icmp':
      icmpRcv(w, h, skb);
      return;
    case 'other':
      if (p.proto === IPPROTO.IPIP && ipipRcv(w, h, p, skb.id)) return;
      end(w, h, skb, 'NO_LISTENER', `no handler for IP protocol ${p.proto}`);
      sendIcmpError(w, h, skb, 3, 2);
      return;
  }
}

function udpRcv(w: World, h: Host, skb: Skb): void {
  const p = skb.pkt;
  if (p.l4.kind !== 'udp') return;
  if (p.payload.frame && vxlanRcv(w, h, p, skb.id)) return;
  const sk = skb.sk ?? h.sockets.lookup('udp', { ip: p.src, port: p.l4.sport }, { ip: p.dst, port: p.l4.dport }, skb.iif);
  if (sk) {
    if (w.rec.enabled) w.emit({ kind: 'deliver', t: w.now, host: h.host, packet: summarize(p, skb.id), socket: sk.describe(), app: sk.owner });
    sk.events.onData?.(sk, p.payload.text ?? '', p.payload.length);
    return;
  }
  end(w, h, skb, 'NO_LISTENER', `no UDP socket on port ${p.l4.dport}: ICMP port unreachable`);
  sendIcmpError(w, h, skb, 3, 3);
}

function icmpRcv(w: World, h: Host, skb: Skb): void {
  const p = skb.pkt;
  const l = p.l4;
  if (l.kind !== 'icmp') return;
  if (l.type === 8) {
    if (w.rec.enabled) w.emit({ kind: 'deliver', t: w.now, host: h.host, packet: summarize(p, skb.id), socket: 'kernel icmp echo' });
    const reply = ipv4Packet(p.dst, p.src, IPPROTO.ICMP, 64, h.ipId++, 0, { kind: 'icmp', type: 0, code: 0, ...(l.id !== undefined ? { id: l.id } : {}), ...(l.seq !== undefined ? { seq: l.seq } : {}) }, p.payload);
    ipLocalOut(w, h, reply, { by: 'kernel', why: 'echo reply' });
    return;
  }
  if (isIcmpError(p) && l.inner && l.inner.l4.kind === 'tcp') {
    const inner = l.inner;
    const il = inner.l4 as { sport: number; dport: number };
    const sk = h.sockets.lookupEstablished('tcp', { ip: inner.dst, port: il.dport }, { ip: inner.src, port: il.sport });
    if (w.rec.enabled) w.emit({ kind: 'deliver', t: w.now, host: h.host, packet: summarize(p, skb.id), socket: sk ? sk.describe() : 'no socket' });
    if (sk) {
      const err = l.type === 3 ? (l.code === 3 || l.code === 2 ? 'ECONNREFUSED' : l.code === 0 || l.code === 9 ? 'ENETUNREACH' : 'EHOSTUNREACH') : 'EHOSTUNREACH';
      tcpIcmpError(w, h, sk, err, `ICMP ${summarize(p, skb.id).icmp?.text ?? ''} from ${formatIPv4(p.src)}`);
    }
    return;
  }
  if (w.rec.enabled) w.emit({ kind: 'deliver', t: w.now, host: h.host, packet: summarize(p, skb.id), socket: 'kernel icmp' });
}

// ---------------------------------------------------------------- answers the kernel sends

/** icmp_send: never about an ICMP error, a broadcast, or a non-first fragment. */
export function sendIcmpError(w: World, h: Host, orig: Skb, type: number, code: number): void {
  const p = orig.pkt;
  if (isIcmpError(p) || isMulticast(p.dst) || p.dst === 0xffffffff) return;
  // Source: the original destination if it is ours, else what routing picks toward the sender.
  let src: IPv4 | undefined = h.routing.isLocal(p.dst) ? p.dst : undefined;
  if (src === undefined) {
    const r = h.routing.lookup(fibQuery({ dst: p.src, iif: 'lo', mark: 0 }));
    if (r.ok) src = h.routing.sourceFor(p.src, r);
  }
  if (src === undefined) return;
  const inner = ipv4Packet(p.src, p.dst, p.proto, p.ttl, p.id, p.tos, p.l4, NO_PAYLOAD);
  const icmp = ipv4Packet(src, p.src, IPPROTO.ICMP, 64, h.ipId++, 0xc0, { kind: 'icmp', type, code, inner }, NO_PAYLOAD);
  if (w.rec.enabled) w.emit({ kind: 'icmp-error', t: w.now, host: h.host, packet: summarize(icmp, 0), reason: `ICMP type ${type} code ${code} about packet #${orig.id}` });
  ipLocalOut(w, h, icmp, { by: 'kernel', why: `ICMP error about packet #${orig.id}` });
}

/** tcp_v4_send_reset / nf_send_reset: the RST a closed port or REJECT --reject-with tcp-reset sends. */
export function sendReset(w: World, h: Host, orig: Skb, why: string): void {
  const p = orig.pkt;
  const l = p.l4;
  if (l.kind !== 'tcp' || (l.flags & TCP.RST) !== 0) return;
  const hasAck = (l.flags & TCP.ACK) !== 0;
  const segLen = p.payload.length + ((l.flags & TCP.SYN) ? 1 : 0) + ((l.flags & TCP.FIN) ? 1 : 0);
  const rst = ipv4Packet(
    p.dst, p.src, IPPROTO.TCP, 64, h.ipId++, 0,
    tcpHeader(l.dport, l.sport, hasAck ? l.ack : 0, hasAck ? 0 : (l.seq + segLen) >>> 0, hasAck ? TCP.RST : TCP.RST | TCP.ACK, 0),
    NO_PAYLOAD,
  );
  const attach = orig.ct ? { ct: orig.ct, ctDir: orig.ctDir === 'ORIGINAL' ? ('REPLY' as const) : ('ORIGINAL' as const), ctState: 'ESTABLISHED' as const } : undefined;
  ipLocalOut(w, h, rst, { by: 'kernel', why, ...(attach ? { attach } : {}) });
}

export { end as endPacket };
