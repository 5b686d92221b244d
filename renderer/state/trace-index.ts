// One pass over a trace that every view reads from: which packet each event is about (rule, verdict
// and conntrack events name no packet; they belong to the packet last seen at that host), the
// packet's state after each event, the host it happens at, the connection it belongs to, and the
// categories the filters hide (ARP, health checks, handshake noise).

import type { PacketSummary, TraceEvent } from '../engine/sim-types.js';

export const CATEGORIES = ['arp', 'health', 'handshake'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface LinkSpan {
  readonly index: number; // event index
  readonly start: number; // µs
  readonly end: number;
}

export interface TraceIndex {
  readonly events: readonly TraceEvent[];
  readonly times: Float64Array;
  /** Packet id the event is about, or -1. */
  readonly packetOf: Int32Array;
  /** The packet as it is after the event (nat: after the rewrite). */
  readonly packetAfter: readonly (PacketSummary | undefined)[];
  /** Where the event happens; a link's `from` host. */
  readonly hostOf: readonly (string | undefined)[];
  /** Bit set of categories (1 << CATEGORIES.indexOf(c)). */
  readonly category: Uint8Array;
  /** Link events sorted by start time. */
  readonly links: readonly LinkSpan[];
  readonly maxLatency: number;
  /** First and last event index per packet id. */
  readonly packetSpan: ReadonlyMap<number, { readonly first: number; readonly last: number }>;
  readonly hosts: readonly string[];
  readonly duration: number;
}

export function eventPacket(e: TraceEvent): PacketSummary | undefined {
  switch (e.kind) {
    case 'emit':
    case 'hook':
    case 'route':
    case 'link':
    case 'deliver':
    case 'icmp-error':
    case 'end':
      return e.packet;
    case 'nat':
      return e.after;
    default:
      // rule and check events may carry the packet as the hook saw it (optional in the contract)
      return (e as { readonly packet?: PacketSummary }).packet;
  }
}

export function eventHost(e: TraceEvent): string | undefined {
  if (e.kind === 'link') return e.from.host;
  if (e.kind === 'branch') return undefined;
  return e.host;
}

/** The connection a packet belongs to, the same key in both directions (gopacket's symmetric flows). */
export function flowKey(p: PacketSummary): string {
  const a = `${p.src}:${p.sport ?? 0}`;
  const b = `${p.dst}:${p.dport ?? 0}`;
  return a < b ? `${p.proto}|${a}|${b}` : `${p.proto}|${b}|${a}`;
}

const bit = (c: Category): number => 1 << CATEGORIES.indexOf(c);

/** TCP segments that carry no data and open nothing: bare ACKs and teardown (FIN, RST after close). */
export function isHandshakeNoise(p: PacketSummary): boolean {
  if (p.proto !== 'tcp' || !p.flags) return false;
  const f = new Set(p.flags.split(',').map((x) => x.trim().toUpperCase()));
  if (f.has('SYN') || f.has('RST')) return false;
  if (p.payload !== undefined && p.payload !== '') return false;
  return f.has('ACK') || f.has('FIN');
}

const HEALTH_RE = /health/i;

export function buildTraceIndex(events: readonly TraceEvent[]): TraceIndex {
  const n = events.length;
  const times = new Float64Array(n);
  const packetOf = new Int32Array(n).fill(-1);
  const packetAfter: (PacketSummary | undefined)[] = new Array(n);
  const hostOf: (string | undefined)[] = new Array(n);
  const category = new Uint8Array(n);
  const links: LinkSpan[] = [];
  const lastAtHost = new Map<string, number>();
  const lastState = new Map<number, PacketSummary>();
  const packetSpan = new Map<number, { first: number; last: number }>();
  const healthFlows = new Set<string>();
  const healthPackets = new Set<number>();
  const hosts = new Set<string>();
  let maxLatency = 0;
  let lastPacket = -1;
  let duration = 0;

  for (let i = 0; i < n; i++) {
    const e = events[i] as TraceEvent;
    times[i] = e.t;
    if (e.t > duration) duration = e.t;
    const host = eventHost(e);
    hostOf[i] = host;
    if (host) hosts.add(host);
    if (e.kind === 'link') {
      hosts.add(e.to.host);
      links.push({ index: i, start: e.t, end: e.t + e.latencyUs });
      if (e.latencyUs > maxLatency) maxLatency = e.latencyUs;
      if (e.t + e.latencyUs > duration) duration = e.t + e.latencyUs;
    }
    const p = eventPacket(e);
    let id = p?.id ?? -1;
    if (id < 0) id = host !== undefined ? (lastAtHost.get(host) ?? -1) : e.kind === 'branch' ? lastPacket : -1;
    packetOf[i] = id;
    if (id >= 0) {
      if (host !== undefined) lastAtHost.set(host, id);
      if (e.kind === 'link') lastAtHost.set(e.to.host, id);
      lastPacket = id;
      const cur = p ?? lastState.get(id);
      if (p) lastState.set(id, p);
      packetAfter[i] = cur;
      const s = packetSpan.get(id);
      if (s) s.last = i;
      else packetSpan.set(id, { first: i, last: i });
    }
    if (e.kind === 'emit' && HEALTH_RE.test(`${e.by} ${e.why}`)) {
      healthPackets.add(e.packet.id);
      healthFlows.add(flowKey(e.packet));
    }
    if (e.kind === 'app' && HEALTH_RE.test(e.action) && e.flow) healthFlows.add(e.flow);
  }
  for (let i = 0; i < n; i++) {
    const p = packetAfter[i];
    let c = 0;
    if (p) {
      if (p.proto === 'arp') c |= bit('arp');
      if (healthPackets.has(p.id) || healthFlows.has(flowKey(p))) c |= bit('health');
      if (isHandshakeNoise(p)) c |= bit('handshake');
    }
    const e = events[i] as TraceEvent;
    if (e.kind === 'app' && HEALTH_RE.test(e.action)) c |= bit('health');
    category[i] = c;
  }
  links.sort((a, b) => a.start - b.start || a.index - b.index);
  return { events, times, packetOf, packetAfter, hostOf, category, links, maxLatency, packetSpan, hosts: [...hosts], duration };
}

/** Index of the last event with t <= time (-1 if none). Events are in time order. */
export function lastEventAtOrBefore(idx: TraceIndex, time: number): number {
  let lo = 0;
  let hi = idx.times.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((idx.times[mid] as number) <= time) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
