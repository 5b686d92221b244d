// What is visible at a playhead, computed from the trace index alone (no store, no DOM): the events a
// filter leaves, the packets in flight and where they are, the drops so far, the NAT rewrites to flash,
// the inspector's view of one packet at one event, and the config lines the trace has touched.

import { CATEGORIES, type Category, type TraceIndex } from './trace-index.js';
import type { ConntrackInfo, EventOf, PacketSummary, RouteInfo, RuleInfo, SourceLocation, TraceEvent } from '../engine/sim-types.js';
import { SUCCESS } from '../engine/sim-types.js';

export function hiddenMask(hidden: ReadonlySet<Category>): number {
  let m = 0;
  for (const c of hidden) m |= 1 << CATEGORIES.indexOf(c);
  return m;
}

export function isVisible(idx: TraceIndex, i: number, mask: number): boolean {
  return ((idx.category[i] as number) & mask) === 0;
}

/** Indices of the events a filter leaves, in order. */
export function visibleIndices(idx: TraceIndex, hidden: ReadonlySet<Category>): number[] {
  const mask = hiddenMask(hidden);
  const out: number[] = [];
  for (let i = 0; i < idx.events.length; i++) if (isVisible(idx, i, mask)) out.push(i);
  return out;
}

/** The next / previous visible event from a cursor (-1 = before the first event). */
export function stepIndex(visible: readonly number[], cursor: number, dir: 1 | -1): number {
  if (visible.length === 0) return cursor;
  if (dir === 1) {
    for (const i of visible) if (i > cursor) return i;
    return cursor;
  }
  for (let k = visible.length - 1; k >= 0; k--) if ((visible[k] as number) < cursor) return visible[k] as number;
  return -1;
}

export interface Token {
  readonly packetId: number;
  readonly packet: PacketSummary;
  /** On a link: from/to hosts and progress 0..1; at a host: `at`. */
  readonly from?: { readonly host: string; readonly iface: string };
  readonly to?: { readonly host: string; readonly iface: string };
  readonly at?: string;
  readonly progress: number;
  readonly encap?: 'vxlan' | 'ipip';
  readonly eventIndex: number;
}

/** Packets on the wire at `time` (a link whose transit covers it), plus the cursor's packet where it rests. */
export function tokensAt(idx: TraceIndex, time: number, cursor: number, hidden: ReadonlySet<Category> = new Set()): Token[] {
  const mask = hiddenMask(hidden);
  const out: Token[] = [];
  const links = idx.links;
  // links are sorted by start; binary search the last start <= time, walk back while a link could still be in transit.
  let lo = 0;
  let hi = links.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((links[mid] as { start: number }).start <= time) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const onWire = new Set<number>();
  for (let k = last; k >= 0; k--) {
    const l = links[k] as { index: number; start: number; end: number };
    if (l.start < time - idx.maxLatency) break;
    if (time >= l.end) continue;
    if (!isVisible(idx, l.index, mask)) continue;
    const e = idx.events[l.index] as EventOf<'link'>;
    onWire.add(e.packet.id);
    out.push({ packetId: e.packet.id, packet: e.packet, from: e.from, to: e.to, progress: (time - l.start) / (l.end - l.start), ...(e.encap ? { encap: e.encap } : {}), eventIndex: l.index });
  }
  if (cursor >= 0 && cursor < idx.events.length) {
    const id = idx.packetOf[cursor] as number;
    const p = idx.packetAfter[cursor];
    const e = idx.events[cursor] as TraceEvent;
    if (id >= 0 && p && !onWire.has(id) && e.kind !== 'link') {
      const at = idx.hostOf[cursor];
      if (at !== undefined) out.push({ packetId: id, packet: p, at, progress: 0, eventIndex: cursor });
    }
  }
  return out;
}

export interface Drop {
  readonly index: number;
  readonly host: string;
  readonly disposition: string;
  readonly reason: string;
  readonly rule?: RuleInfo;
  readonly loc?: SourceLocation;
  readonly packet: PacketSummary;
}

/** Packets that ended badly at or before the cursor, where they ended and which rule did it. */
export function dropsUpTo(idx: TraceIndex, cursor: number, hidden: ReadonlySet<Category> = new Set()): Drop[] {
  const mask = hiddenMask(hidden);
  const out: Drop[] = [];
  for (let i = 0; i <= cursor && i < idx.events.length; i++) {
    const e = idx.events[i] as TraceEvent;
    if (e.kind !== 'end' || SUCCESS.includes(e.disposition) || !isVisible(idx, i, mask)) continue;
    out.push({ index: i, host: e.host, disposition: e.disposition, reason: e.reason, ...(e.rule ? { rule: e.rule } : {}), ...(e.loc ? { loc: e.loc } : {}), packet: e.packet });
  }
  return out;
}

export interface FieldChange {
  readonly field: 'src' | 'dst' | 'sport' | 'dport' | 'mark';
  readonly from: string;
  readonly to: string;
}

export function changedFields(a: PacketSummary, b: PacketSummary): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of ['src', 'sport', 'dst', 'dport', 'mark'] as const) {
    const x = a[f];
    const y = b[f];
    if (x !== y) out.push({ field: f, from: x === undefined ? '' : String(x), to: y === undefined ? '' : String(y) });
  }
  return out;
}

export interface Flash {
  readonly index: number;
  readonly host: string;
  readonly nat: string;
  readonly changes: readonly FieldChange[];
  /** 0 when it just happened, 1 when it is about to fade. */
  readonly age: number;
}

/** NAT rewrites that happened within `windowUs` before `time` (and not after the cursor). */
export function natFlashes(idx: TraceIndex, time: number, cursor: number, windowUs: number): Flash[] {
  const out: Flash[] = [];
  for (let i = Math.min(cursor, idx.events.length - 1); i >= 0; i--) {
    const e = idx.events[i] as TraceEvent;
    if (e.t < time - windowUs) break;
    if (e.kind !== 'nat') continue;
    out.push({ index: i, host: e.host, nat: e.nat, changes: changedFields(e.before, e.after), age: windowUs === 0 ? 0 : Math.max(0, Math.min(1, (time - e.t) / windowUs)) });
  }
  return out;
}

export type PathStep =
  | { readonly index: number; readonly kind: 'hook'; readonly hook: string; readonly table: string }
  | { readonly index: number; readonly kind: 'rule'; readonly hook: string; readonly rule: RuleInfo; readonly target: string; readonly effect?: string }
  | { readonly index: number; readonly kind: 'verdict'; readonly hook: string; readonly table: string; readonly chain: string; readonly verdict: string; readonly policy: boolean; readonly rule?: RuleInfo }
  | { readonly index: number; readonly kind: 'nat'; readonly nat: string; readonly changes: readonly FieldChange[]; readonly rule?: RuleInfo; readonly why: string }
  | { readonly index: number; readonly kind: 'route'; readonly route: RouteInfo }
  | { readonly index: number; readonly kind: 'conntrack'; readonly action: string; readonly entry: ConntrackInfo }
  | { readonly index: number; readonly kind: 'other'; readonly event: TraceEvent };

export interface Inspection {
  readonly index: number;
  readonly event: TraceEvent;
  readonly packetId: number;
  readonly host?: string;
  readonly before?: PacketSummary;
  readonly after?: PacketSummary;
  /** This packet's events at this host in the visit that contains the event (arrival to departure). */
  readonly path: readonly PathStep[];
  readonly conntrack?: ConntrackInfo;
  readonly route?: RouteInfo;
}

function toStep(i: number, e: TraceEvent): PathStep {
  switch (e.kind) {
    case 'hook':
      return { index: i, kind: 'hook', hook: e.hook, table: e.table };
    case 'rule':
      return { index: i, kind: 'rule', hook: e.hook, rule: e.rule, target: e.target, ...(e.effect !== undefined ? { effect: e.effect } : {}) };
    case 'verdict':
      return { index: i, kind: 'verdict', hook: e.hook, table: e.table, chain: e.chain, verdict: e.verdict, policy: e.policy ?? false, ...(e.rule ? { rule: e.rule } : {}) };
    case 'nat':
      return { index: i, kind: 'nat', nat: e.nat, changes: changedFields(e.before, e.after), ...(e.rule ? { rule: e.rule } : {}), why: e.why };
    case 'route':
      return { index: i, kind: 'route', route: e.route };
    case 'conntrack':
      return { index: i, kind: 'conntrack', action: e.action, entry: e.entry };
    default:
      return { index: i, kind: 'other', event: e };
  }
}

/** The inspector's content for the event at `index` (and its packet). */
export function inspect(idx: TraceIndex, index: number): Inspection | undefined {
  const e = idx.events[index];
  if (!e) return undefined;
  const id = idx.packetOf[index] as number;
  const host = idx.hostOf[index];
  let before: PacketSummary | undefined;
  for (let i = index - 1; i >= 0 && id >= 0; i--) {
    if (idx.packetOf[i] === id && idx.packetAfter[i]) {
      before = idx.packetAfter[i];
      break;
    }
  }
  if (e.kind === 'nat') before = e.before;
  const after = idx.packetAfter[index];
  // The visit: this packet's events at this host, bounded by links (arrival and departure).
  let lo = index;
  let hi = index;
  if (id >= 0 && host !== undefined && e.kind !== 'link') {
    for (let i = index - 1; i >= 0; i--) {
      if (idx.packetOf[i] !== id) continue;
      const x = idx.events[i] as TraceEvent;
      if (x.kind === 'link' || idx.hostOf[i] !== host) break;
      lo = i;
    }
    for (let i = index + 1; i < idx.events.length; i++) {
      if (idx.packetOf[i] !== id) continue;
      const x = idx.events[i] as TraceEvent;
      if (x.kind === 'link' || idx.hostOf[i] !== host) break;
      hi = i;
    }
  }
  const path: PathStep[] = [];
  let conntrack: ConntrackInfo | undefined;
  let route: RouteInfo | undefined;
  for (let i = lo; i <= hi; i++) {
    if (idx.packetOf[i] !== id && i !== index) continue;
    const x = idx.events[i] as TraceEvent;
    path.push(toStep(i, x));
    // The latest entry and route at or before the event; failing that, the first after it.
    if (x.kind === 'conntrack' && (i <= index || !conntrack)) conntrack = x.entry;
    if (x.kind === 'route' && (i <= index || !route)) route = x.route;
  }
  return { index, event: e, packetId: id, ...(host !== undefined ? { host } : {}), ...(before ? { before } : {}), ...(after ? { after } : {}), path, ...(conntrack ? { conntrack } : {}), ...(route ? { route } : {}) };
}

export function locsOf(e: TraceEvent): SourceLocation[] {
  switch (e.kind) {
    case 'rule':
      return [e.rule.loc];
    case 'verdict':
    case 'nat':
      return e.rule ? [e.rule.loc] : [];
    case 'route':
      return [e.route.ruleLoc, e.route.routeLoc].filter((l): l is SourceLocation => l !== undefined);
    case 'app':
      return e.loc ? [e.loc] : [];
    case 'unsupported':
      return [e.loc];
    case 'end':
      return [...(e.rule ? [e.rule.loc] : []), ...(e.loc ? [e.loc] : [])];
    default:
      return [];
  }
}

/** file -> line -> 'current' (the cursor's event) or 'past' (touched earlier in the trace). */
export function touchedLines(idx: TraceIndex, cursor: number): Map<string, Map<number, 'past' | 'current'>> {
  const out = new Map<string, Map<number, 'past' | 'current'>>();
  for (let i = 0; i <= cursor && i < idx.events.length; i++) {
    for (const l of locsOf(idx.events[i] as TraceEvent)) {
      let m = out.get(l.file);
      if (!m) out.set(l.file, (m = new Map()));
      m.set(l.line, i === cursor ? 'current' : (m.get(l.line) === 'current' ? 'current' : 'past'));
    }
  }
  return out;
}

/** The nginx access log lines (app events of nginx writing its log) up to the cursor. */
export function accessLog(idx: TraceIndex, cursor = Number.MAX_SAFE_INTEGER): { index: number; host: string; line: string }[] {
  const out: { index: number; host: string; line: string }[] = [];
  for (let i = 0; i <= cursor && i < idx.events.length; i++) {
    const e = idx.events[i] as TraceEvent;
    if (e.kind === 'app' && /nginx/i.test(e.app) && /log/i.test(e.action)) out.push({ index: i, host: e.host, line: e.message });
  }
  return out;
}

/** Formats a packet's 5-tuple as the token label shows it. */
export function fiveTuple(p: PacketSummary): string {
  if (p.proto === 'arp' && p.arp) return `ARP ${p.arp.op} ${p.arp.targetIp}`;
  const s = p.sport !== undefined ? `${p.src}:${p.sport}` : p.src;
  const d = p.dport !== undefined ? `${p.dst}:${p.dport}` : p.dst;
  return `${p.proto.toUpperCase()}${p.flags ? ` ${p.flags}` : ''} ${s} → ${d}`;
}
