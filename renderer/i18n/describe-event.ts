// One line per trace event for the event list, in the UI language; the hook/app column apart.

import type { T } from './index.js';
import type { TraceEvent } from '../engine/sim-types.js';
import { changedFields, fiveTuple } from '../state/selectors.js';

export function eventWhere(e: TraceEvent): string {
  switch (e.kind) {
    case 'hook':
    case 'rule':
    case 'verdict':
    case 'nat':
      return e.hook;
    case 'app':
      return e.app;
    case 'deliver':
      return e.app ?? 'socket';
    case 'emit':
      return e.by;
    case 'link':
      return e.encap ?? 'link';
    default:
      return e.kind;
  }
}

export function describeEvent(e: TraceEvent, t: T): string {
  switch (e.kind) {
    case 'emit':
      return t('ev.emit', { by: e.by, packet: fiveTuple(e.packet) });
    case 'hook':
      return t('ev.hook', { table: e.table, hook: e.hook });
    case 'rule':
      return `${t('ev.rule', { chain: e.rule.chain, index: e.rule.index, target: e.target })}${e.effect ? ` (${e.effect})` : ''}`;
    case 'verdict':
      return t(e.policy ? 'ev.verdictPolicy' : 'ev.verdict', { table: e.table, chain: e.chain, verdict: e.verdict });
    case 'nat':
      return t('ev.nat', { nat: e.nat, changes: changedFields(e.before, e.after).map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ') || '—' });
    case 'conntrack':
      return t('ev.conntrack', { action: e.action, state: e.entry.state, orig: e.entry.orig });
    case 'route':
      return `${t('ev.route', { result: e.route.result, table: e.route.table })}${e.route.route ? `: ${e.route.route}` : ''}`;
    case 'check':
      return `${e.ok ? '✓' : '✗'} ${t('ev.check', { check: e.check, detail: e.detail })}`;
    case 'link':
      return `${t(e.encap ? 'ev.linkEncap' : 'ev.link', { from: `${e.from.host}/${e.from.iface}`, to: `${e.to.host}/${e.to.iface}`, encap: e.encap ?? '' })} ${fiveTuple(e.packet)}`;
    case 'deliver':
      return t('ev.deliver', { socket: e.socket });
    case 'branch':
      return t('ev.branch', { label: e.label, option: e.options[e.chosen] ?? String(e.chosen), p: Number(e.p.toFixed(4)) });
    case 'app':
      return t('ev.app', { app: e.app, action: e.action, message: e.message });
    case 'unsupported':
      return t('ev.unsupported', { message: `${e.message} (${e.loc.file}:${e.loc.line})` });
    case 'icmp-error':
      return t('ev.icmpError', { reason: e.reason });
    case 'end':
      return t('ev.end', { disposition: e.disposition, reason: e.reason });
  }
}
