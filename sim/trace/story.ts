// A trace told as a story: one line per packet that matters (handshakes, data, resets, errors;
// ARP and plain ACKs only when they die), with the hosts it crossed, every rewrite and policy or
// routing decision that changed its fate, and where and why it ended. `hoplab explain` prints it.

import type { PacketSummary, TraceEvent } from './events.js';
import { formatPacket } from './format.js';

interface PacketStory {
  readonly id: number;
  first: PacketSummary;
  origin: string;
  by: string;
  readonly steps: string[];
  /** Facts worth telling only when the packet dies (early demux attaching a socket). */
  readonly ifDies: string[];
  end?: string;
  delivered?: string;
}

function interesting(p: PacketSummary): boolean {
  if (p.proto === 'arp') return false;
  if (p.proto === 'tcp') return p.flags !== 'ACK' || (p.payload !== undefined && p.payload !== '');
  return true;
}

function short(p: PacketSummary): string {
  const f = p.proto === 'tcp' ? `[${p.flags}]` : p.proto === 'icmp' ? `icmp ${p.icmp?.text ?? ''}` : p.proto;
  const ports = p.sport !== undefined ? `${p.src}:${p.sport} > ${p.dst}:${p.dport}` : `${p.src} > ${p.dst}`;
  return `${f} ${ports}${p.payload ? ` "${p.payload}"` : ''}`;
}

export function tellStory(events: readonly TraceEvent[]): string[] {
  const stories = new Map<number, PacketStory>();
  const order: PacketStory[] = [];
  const get = (p: PacketSummary, host: string, by = 'kernel'): PacketStory => {
    let s = stories.get(p.id);
    if (!s) {
      s = { id: p.id, first: p, origin: host, by, steps: [], ifDies: [] };
      stories.set(p.id, s);
      order.push(s);
    }
    return s;
  };
  const apps: string[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'emit': {
        const s = get(e.packet, e.host, e.by);
        if (s.steps.length === 0) { s.by = e.by; s.origin = e.host; s.first = e.packet; }
        break;
      }
      case 'link':
        if (e.packet.proto !== 'arp') get(e.packet, e.from.host).steps.push(`${e.to.host}${e.encap ? ` (${e.encap})` : ''}`);
        break;
      case 'nat':
        get(e.before, e.host).steps.push(`${e.nat} at ${e.host} ${e.hook}: ${describeChange(e.before, e.after)}${e.rule ? ` (${e.rule.loc.file}:${e.rule.loc.line})` : ''}`);
        break;
      case 'route':
        if (e.route.table !== 'main' && e.route.table !== 'local') get(e.packet, e.host).steps.push(`${e.host} routes it by "${e.route.rule}" to table ${e.route.table}: ${e.route.result}`);
        break;
      case 'rule':
        if (e.effect && /NetworkPolicy|early demux|mark/.test(e.effect) && e.rule.table !== 'nat') {
          const pkt = e.packet ?? findPacket(events, e.seq, e.host);
          if (pkt) get(pkt, e.host).steps.push(`${e.host} ${e.rule.table} ${e.rule.chain}: ${e.rule.raw.trim()} [${e.effect}]`);
        }
        break;
      case 'check': {
        const pkt = e.packet ?? findPacket(events, e.seq, e.host);
        if (!pkt) break;
        if (!e.ok) get(pkt, e.host).steps.push(`${e.host}: ${e.check}: ${e.detail}`);
        else if (e.check === 'early_demux') get(pkt, e.host).ifDies.push(`${e.host}: ${e.detail}`);
        break;
      }
      case 'deliver':
        get(e.packet, e.host).delivered = `delivered to ${e.socket} on ${e.host}`;
        break;
      case 'end':
        get(e.packet, e.host).end = `${e.disposition} at ${e.host}: ${e.reason}${e.loc ? ` (${e.loc.file}:${e.loc.line})` : ''}`;
        break;
      case 'app':
        // The kernel's own notes are about packets (ARP, decapsulation), except a write Nagle holds.
        if (e.app !== 'kernel' || e.action === 'nagle') apps.push(`${(e.t / 1000).toFixed(1)} ms ${e.host} ${e.app}: ${e.message}`);
        break;
      default:
        break;
    }
  }
  const out: string[] = [];
  for (const s of order) {
    const dies = s.end !== undefined && !s.end.startsWith('DELIVERED');
    if (!interesting(s.first) && !dies) continue;
    out.push(`#${s.id} ${short(s.first)} — sent by ${s.by} on ${s.origin}`);
    const steps = dies ? [...s.steps, ...s.ifDies] : s.steps.filter((x) => !x.includes('neighbour'));
    if (steps.length) out.push(`    via ${steps.join(' -> ')}`);
    out.push(`    ${s.end ?? s.delivered ?? 'still in flight when the trace ended'}`);
  }
  if (apps.length) out.push('', 'what the programs did:', ...apps.map((a) => `  ${a}`));
  return out;
}

function describeChange(a: PacketSummary, b: PacketSummary): string {
  const parts: string[] = [];
  if (a.src !== b.src || a.sport !== b.sport) parts.push(`source ${a.src}:${a.sport} -> ${b.src}:${b.sport}`);
  if (a.dst !== b.dst || a.dport !== b.dport) parts.push(`destination ${a.dst}:${a.dport} -> ${b.dst}:${b.dport}`);
  return parts.join(', ') || formatPacket(b);
}

/** The packet an event without one is about: the nearest earlier event at the same host that names a packet. */
function findPacket(events: readonly TraceEvent[], seq: number, host: string): PacketSummary | undefined {
  for (let i = seq; i >= 0; i--) {
    const e = events[i];
    if (!e || !('host' in e) || e.host !== host) continue;
    if (e.kind === 'hook' || e.kind === 'route' || e.kind === 'emit' || e.kind === 'deliver') return e.packet;
    if (e.kind === 'nat') return e.after;
  }
  return undefined;
}

/**
 * The address each hop believes the client has: for the first SYN sent by `client` and by every
 * proxy that opened a connection for it, the source address the packet carries as it reaches each
 * host, with the rewrite that changed it.
 */
export function sourceLineage(events: readonly TraceEvent[], client: string): { host: string; src: string; why: string }[] {
  const out: { host: string; src: string; why: string }[] = [];
  const synIds = new Set<number>();
  for (const e of events) {
    if (e.kind === 'emit' && e.packet.flags === 'SYN' && (e.host === client || e.by === 'haproxy')) {
      if (e.host === client && synIds.size > 0) break; // a later request
      if (e.by === 'haproxy' && [...synIds].length > 1) continue; // retries: the first attempt tells the story
      synIds.add(e.packet.id);
      out.push({ host: e.host, src: e.packet.src, why: e.host === client ? 'the client itself' : `${e.by} opens its own connection${e.packet.src === out[0]?.src ? ' from the client address (usesrc)' : ' from its own address'}` });
    } else if (e.kind === 'nat' && synIds.has(e.before.id) && e.before.src !== e.after.src) {
      out.push({ host: e.host, src: e.after.src, why: `${e.nat} at ${e.host}${e.rule ? ` (${e.rule.raw.trim()})` : ''}` });
    } else if (e.kind === 'deliver' && synIds.has(e.packet.id)) {
      out.push({ host: e.host, src: e.packet.src, why: `seen by ${e.app ?? e.socket}` });
    }
  }
  return out;
}
