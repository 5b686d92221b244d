// Trace events as lines a person reads: one per event, with the host, the hook or stage, and the
// rule or route behind it with its file:line.

import { assertNever } from '../core/assert.js';
import type { PacketSummary, TraceEvent } from './events.js';

export function formatPacket(p: PacketSummary): string {
  if (p.proto === 'arp' && p.arp) return p.arp.op === 'request' ? `ARP who-has ${p.arp.targetIp} tell ${p.arp.senderIp}` : `ARP ${p.arp.senderIp} is-at ${p.src}`;
  const ports = p.sport !== undefined ? `${p.src}:${p.sport} > ${p.dst}:${p.dport}` : `${p.src} > ${p.dst}`;
  const what = p.proto === 'tcp' ? `tcp [${p.flags ?? ''}]` : p.proto === 'icmp' ? `icmp ${p.icmp?.text ?? ''}` : p.proto;
  const data = p.payload ? ` "${p.payload}"` : '';
  const inner = p.inner ? ` carrying {${formatPacket(p.inner)}}` : '';
  const mark = p.mark ? ` mark 0x${p.mark.toString(16)}` : '';
  return `#${p.id} ${what} ${ports}${data}${mark}${inner}`;
}

function loc(l: { file: string; line: number } | undefined): string {
  return l ? ` (${l.file}:${l.line})` : '';
}

export function formatEvent(e: TraceEvent): string {
  const t = `${(e.t / 1000).toFixed(3).padStart(9)}ms`;
  switch (e.kind) {
    case 'emit':
      return `${t} ${e.host}: ${e.by} sends ${formatPacket(e.packet)} — ${e.why}`;
    case 'hook':
      return `${t} ${e.host}: ${e.hook} ${e.table}`;
    case 'rule':
      return `${t} ${e.host}:   ${e.rule.table} ${e.rule.chain} #${e.rule.index} matched: ${e.rule.raw.trim()}${e.effect ? ` [${e.effect}]` : ''}${loc(e.rule.loc)}`;
    case 'verdict':
      return `${t} ${e.host}:   ${e.table} ${e.hook}: ${e.verdict}${e.policy ? ' (chain policy)' : ''}`;
    case 'nat':
      return `${t} ${e.host}: ${e.hook} ${e.nat}: ${formatPacket(e.before)} => ${formatPacket(e.after)} — ${e.why}${loc(e.rule?.loc)}`;
    case 'conntrack':
      return `${t} ${e.host}: conntrack ${e.action} ${e.entry.state} ${e.entry.direction}: ${e.entry.orig}${e.entry.reply !== '-' ? ` | reply ${e.entry.reply}` : ''}${e.entry.status.length ? ` [${e.entry.status.join(',')}]` : ''}`;
    case 'route':
      return `${t} ${e.host}: route ${e.route.decision}: ${e.route.result}${e.route.route ? ` via "${e.route.route}"` : ''} (rule "${e.route.rule}", table ${e.route.table})${e.route.src ? ` src ${e.route.src}` : ''}${loc(e.route.routeLoc ?? e.route.ruleLoc)}`;
    case 'check':
      return `${t} ${e.host}: ${e.check}: ${e.ok ? 'ok' : 'FAILED'} — ${e.detail}`;
    case 'link':
      return `${t} ${e.from.host}/${e.from.iface} -> ${e.to.host}/${e.to.iface}: ${formatPacket(e.packet)}`;
    case 'deliver':
      return `${t} ${e.host}: delivered to ${e.socket}`;
    case 'branch':
      return `${t} choice: ${e.label} -> ${e.options[e.chosen]} (p=${e.p.toFixed(4)})`;
    case 'app':
      return `${t} ${e.host}: ${e.app} ${e.action}: ${e.message}${loc(e.loc)}`;
    case 'unsupported':
      return `${t} ${e.host ?? ''}: UNSUPPORTED ${e.message}${loc(e.loc)}`;
    case 'icmp-error':
      return `${t} ${e.host}: ${e.reason}`;
    case 'end':
      return `${t} ${e.host}: ${e.disposition}: ${formatPacket(e.packet)} — ${e.reason}${loc(e.loc)}`;
    default:
      return assertNever(e, 'trace event');
  }
}
