// The source-IP lineage of one try: at each hop, the address that hop believes the client has, and
// why it changed (MASQUERADE/SNAT by a rule, replaced by a proxy opening its own connection, kept by
// a transparent proxy). Follows the packets that open a connection (a TCP SYN, the first packet of a
// UDP/ICMP flow) from the client to the application, across proxies.

import { flowKey, type TraceIndex } from './trace-index.js';
import type { PacketSummary, TraceEvent } from '../engine/sim-types.js';

export const LINEAGE_WHY = ['origin', 'seen', 'masqueraded', 'snat', 'replaced', 'preserved', 'delivered', 'logged'] as const;
export type LineageWhy = (typeof LINEAGE_WHY)[number];

export interface LineageHop {
  readonly index: number;
  readonly host: string;
  readonly address: string;
  readonly why: LineageWhy;
  /** What did it: the rule's chain and raw line, the proxy's name and reason, the socket. */
  readonly detail: string;
  /** The rule or proxy belongs to kube-proxy (a KUBE-* chain). */
  readonly kubeProxy?: boolean;
}

function opensFlow(p: PacketSummary): boolean {
  if (p.proto === 'tcp') {
    const f = (p.flags ?? '').toUpperCase().split(',').map((s) => s.trim());
    return f.includes('SYN') && !f.includes('ACK');
  }
  return p.proto === 'udp' || (p.proto === 'icmp' && p.icmp?.type === 8);
}

/** The tries of a run: index ranges starting at each new connection the client opens. */
export function tries(idx: TraceIndex): { client: string; starts: number[] } | undefined {
  let client: string | undefined;
  const starts: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < idx.events.length; i++) {
    const e = idx.events[i] as TraceEvent;
    if (e.kind !== 'emit' || !opensFlow(e.packet)) continue;
    client ??= e.host;
    if (e.host !== client) continue;
    const k = flowKey(e.packet);
    if (seen.has(k)) continue; // a retransmission
    seen.add(k);
    starts.push(i);
  }
  return client === undefined ? undefined : { client, starts };
}

const IP_RE = /\b(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\b/;

export function sourceLineage(idx: TraceIndex, cursor: number): LineageHop[] {
  const t = tries(idx);
  if (!t || t.starts.length === 0) return [];
  let k = 0;
  for (let j = 0; j < t.starts.length; j++) if ((t.starts[j] as number) <= cursor) k = j;
  const lo = t.starts[k] as number;
  const hi = k + 1 < t.starts.length ? (t.starts[k + 1] as number) : idx.events.length;
  const opening = new Set<number>();
  const lastSeenAt = new Map<string, string>();
  const out: LineageHop[] = [];
  const seenHops = new Set<string>();
  // What an application last said at a host (HAProxy's "connecting to ... from ... (usesrc ...)").
  const lastApp = new Map<string, string>();
  const push = (h: LineageHop): void => {
    const prev = out[out.length - 1];
    if (prev && prev.host === h.host && prev.address === h.address && (h.why === 'seen' || prev.why === h.why)) return;
    // A retransmission or a proxy's retry tells nothing new.
    const key = `${h.host}|${h.address}|${h.why}`;
    if (seenHops.has(key)) return;
    seenHops.add(key);
    out.push(h);
  };
  for (let i = lo; i < hi; i++) {
    const e = idx.events[i] as TraceEvent;
    switch (e.kind) {
      case 'emit': {
        if (!opensFlow(e.packet)) break;
        if (opening.size > 0 && opening.has(e.packet.id)) break;
        if (opening.size === 0) {
          opening.add(e.packet.id);
          lastSeenAt.set(e.host, e.packet.src);
          push({ index: i, host: e.host, address: e.packet.src, why: 'origin', detail: e.by });
          break;
        }
        // A host that received the client's connection opens its own: a proxy.
        const seen = lastSeenAt.get(e.host);
        if (seen === undefined) break;
        opening.add(e.packet.id);
        const said = lastApp.get(e.host);
        push({ index: i, host: e.host, address: e.packet.src, why: seen === e.packet.src ? 'preserved' : 'replaced', detail: said !== undefined && said.startsWith(`${e.by}:`) ? said : `${e.by}: ${e.why}` });
        break;
      }
      case 'link':
        if (!opening.has(e.packet.id)) break;
        lastSeenAt.set(e.to.host, e.packet.src);
        push({ index: i, host: e.to.host, address: e.packet.src, why: 'seen', detail: e.to.iface });
        break;
      case 'nat': {
        if (!opening.has(e.after.id) || e.before.src === e.after.src) break;
        lastSeenAt.set(e.host, e.after.src);
        const chain = e.rule?.chain ?? '';
        push({ index: i, host: e.host, address: e.after.src, why: e.nat === 'MASQUERADE' ? 'masqueraded' : 'snat', detail: e.rule ? `${e.rule.table}/${chain}: ${e.rule.raw}` : e.why, ...(chain.startsWith('KUBE-') ? { kubeProxy: true } : {}) });
        break;
      }
      case 'deliver':
        if (!opening.has(e.packet.id)) break;
        push({ index: i, host: e.host, address: e.packet.src, why: 'delivered', detail: e.app ? `${e.app} (${e.socket})` : e.socket });
        break;
      case 'app': {
        lastApp.set(e.host, `${e.app}: ${e.message}`);
        if (!/nginx/i.test(e.app) || !/log/i.test(e.action)) break;
        const m = IP_RE.exec(e.message);
        if (m) push({ index: i, host: e.host, address: m[1] as string, why: 'logged', detail: e.message });
        break;
      }
      default:
        break;
    }
  }
  return out;
}
