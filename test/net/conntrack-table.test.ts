// The conntrack table: lookup in both directions, unconfirmed entries invisible until confirm, a
// clash refused, and expired entries gone (on lookup, and by the sweep that runs as the table
// grows, as the kernel's gc_worker does for entries nobody looks up).
import { describe, expect, it } from 'vitest';
import { ConntrackTable } from '../../sim/net/conntrack/table.js';
import { IPPROTO, TCP, type Ipv4Packet } from '../../sim/net/packet.js';
import { tupleOf } from '../../sim/net/conntrack/tuple.js';
import { ipv4 } from '../../sim/core/ip.js';

function syn(src: string, sport: number, dst: string, dport: number): Ipv4Packet {
  return { version: 4, src: ipv4(src), dst: ipv4(dst), proto: IPPROTO.TCP, ttl: 64, id: 0, tos: 0, l4: { kind: 'tcp', sport, dport, seq: 1, ack: 0, flags: TCP.SYN, window: 64240 }, payload: { length: 0 } };
}

function open(t: ConntrackTable, p: Ipv4Packet, now: number): void {
  const tuple = tupleOf(p);
  if (!tuple) throw new Error('no tuple');
  const r = t.classify(p, tuple, now);
  if ('invalidNoEntry' in r) throw new Error(r.why);
  t.update(r.entry, r.dir, p, now);
  expect(t.confirm(r.entry, now)).toBe(true);
}

describe('conntrack table', () => {
  it('finds an entry from both directions once confirmed, and refuses a clashing one', () => {
    const t = new ConntrackTable();
    const p = syn('10.0.0.1', 40000, '10.0.0.2', 80);
    const tuple = tupleOf(p);
    if (!tuple) throw new Error('no tuple');
    const r = t.classify(p, tuple, 0);
    if ('invalidNoEntry' in r) throw new Error(r.why);
    expect(t.findPacket(p, 0)).toBeUndefined(); // unconfirmed: not in the table yet
    expect(t.confirm(r.entry, 0)).toBe(true);
    expect(t.findPacket(p, 0)?.dir).toBe('ORIGINAL');
    expect(t.find({ src: ipv4('10.0.0.2'), dst: ipv4('10.0.0.1'), proto: IPPROTO.TCP, sport: 80, dport: 40000 }, 0)?.dir).toBe('REPLY');
    const again = t.classify(p, tuple, 0);
    expect('isNew' in again && again.isNew).toBe(false);
    expect(t.size).toBe(1);
  });

  it('sweeps expired entries that no packet looks up, as the table grows', () => {
    const t = new ConntrackTable();
    // 600 connections at t=0 (SYN_SENT: 120 s), then 600 more three minutes later: the first
    // ones have expired and go in the sweep the growth triggers, without any lookup of them.
    for (let i = 0; i < 600; i++) open(t, syn('10.0.0.1', 10000 + i, '10.0.0.2', 80), 0);
    expect(t.size).toBe(600);
    const later = 180e6;
    for (let i = 0; i < 600; i++) open(t, syn('10.0.0.1', 20000 + i, '10.0.0.2', 80), later);
    expect(t.size).toBeLessThan(1024);
    expect(t.entries().every((e) => e.expiresAt > later || e.orig.sport >= 20000)).toBe(true);
    expect(t.entries().filter((e) => e.orig.sport >= 20000)).toHaveLength(600);
    // An expired entry is also gone when a packet looks it up.
    const t2 = new ConntrackTable();
    const p = syn('10.0.0.1', 1, '10.0.0.2', 80);
    open(t2, p, 0);
    expect(t2.findPacket(p, later)).toBeUndefined();
    expect(t2.size).toBe(0);
  });
});
