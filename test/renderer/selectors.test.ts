// What is visible at a playhead: the trace index, warp, tokens in flight, drops, NAT flashes, the
// inspector's path, touched config lines and the source-IP lineage, on the step-3 fixture and on
// small hand-built traces.
import { describe, expect, it } from 'vitest';
import { buildTraceIndex, isHandshakeNoise, lastEventAtOrBefore, flowKey } from '../../renderer/state/trace-index.js';
import { buildWarp } from '../../renderer/state/warp.js';
import { changedFields, dropsUpTo, fiveTuple, inspect, natFlashes, stepIndex, tokensAt, touchedLines, visibleIndices, accessLog } from '../../renderer/state/selectors.js';
import { sourceLineage, tries } from '../../renderer/state/lineage.js';
import { fixtureTrace, pkt, seqd } from './helpers.js';

const idx = buildTraceIndex(fixtureTrace().events);
const find = (pred: (e: (typeof idx.events)[number], i: number) => boolean): number => idx.events.findIndex(pred);

describe('trace index', () => {
  it('attributes rule and verdict events to the packet last seen at their host', () => {
    const divert = find((e) => e.kind === 'rule' && e.rule.chain === 'PREROUTING' && e.target === 'DIVERT');
    expect(divert).toBeGreaterThan(0);
    expect(idx.packetOf[divert]).toBe(5); // the SYN-ACK
    expect(idx.hostOf[divert]).toBe('lb');
  });

  it('marks ARP and handshake noise, not SYN or SYN-ACK', () => {
    const arp = find((e) => e.kind === 'emit' && e.packet.proto === 'arp');
    expect(idx.category[arp]! & 1).toBe(1);
    expect(isHandshakeNoise(pkt(1, 'a', 'b', { flags: 'ACK' }))).toBe(true);
    expect(isHandshakeNoise(pkt(1, 'a', 'b', { flags: 'SYN,ACK' }))).toBe(false);
    expect(isHandshakeNoise(pkt(1, 'a', 'b', { flags: 'PSH,ACK', payload: 'GET /' }))).toBe(false);
    expect(isHandshakeNoise(pkt(1, 'a', 'b', { flags: 'FIN,ACK' }))).toBe(true);
  });

  it('puts health-check connections (by the emitter) and their replies in the health category', () => {
    const ev = seqd([
      { kind: 'emit', t: 0, host: 'lb', by: 'haproxy health check', packet: pkt(1, '10.0.0.1', '10.0.0.2', { sport: 5000 }), why: 'check' },
      { kind: 'emit', t: 5, host: 'w', by: 'kernel', packet: pkt(2, '10.0.0.2', '10.0.0.1', { sport: 80, dport: 5000, flags: 'SYN,ACK' }), why: 'reply' },
      { kind: 'emit', t: 6, host: 'c', by: 'curl', packet: pkt(3, '10.0.0.9', '10.0.0.1', { sport: 7000 }), why: 'connect' },
    ]);
    const i = buildTraceIndex(ev);
    expect(Array.from(i.category).map((c) => (c & 2) !== 0)).toEqual([true, true, false]);
    expect(visibleIndices(i, new Set(['health']))).toEqual([2]);
    const [e0, e1] = [ev[0], ev[1]];
    expect(e0?.kind === 'emit' && e1?.kind === 'emit' && flowKey(e0.packet) === flowKey(e1.packet)).toBe(true);
  });

  it('finds the last event at or before a time', () => {
    expect(lastEventAtOrBefore(idx, -1)).toBe(-1);
    const i = lastEventAtOrBefore(idx, 100);
    expect(idx.events[i]!.t).toBe(100);
    expect(idx.events[i + 1]!.t).toBeGreaterThan(100);
  });
});

describe('warp', () => {
  it('keeps short gaps, caps long ones, and inverts', () => {
    const w = buildWarp([0, 100, 2_000_000, 2_000_100], 400);
    expect(w.toDisplay(100)).toBe(100);
    expect(w.toDisplay(2_000_000)).toBe(500);
    expect(w.total).toBe(600);
    for (const t of [0, 50, 100, 1_000_000, 2_000_050]) expect(w.toTime(w.toDisplay(t))).toBeCloseTo(t, 6);
  });
});

describe('tokens at a playhead', () => {
  const link = find((e) => e.kind === 'link' && e.packet.id === 5 && e.to.host === 'lb');
  const e = idx.events[link]!;

  it('puts a packet on its link in proportion to simulated time', () => {
    const tk = tokensAt(idx, e.t + 50, link).find((t) => t.packetId === 5);
    expect(tk?.progress).toBeCloseTo(0.5);
    expect(tk?.from?.host).toBe('worker02');
    expect(tk?.to?.host).toBe('lb');
  });

  it('rests the cursor packet at its host when it is not on the wire', () => {
    const divert = find((x) => x.kind === 'rule' && x.target === 'DIVERT');
    const tks = tokensAt(idx, idx.events[divert]!.t, divert);
    expect(tks.find((t) => t.packetId === 5)?.at).toBe('lb');
  });

  it('shows nothing on the wire before the first link and all 500 when 500 overlap', () => {
    expect(tokensAt(idx, -1, -1)).toEqual([]);
    const ev = seqd(Array.from({ length: 500 }, (_, k) => ({ kind: 'link' as const, t: k, from: { host: 'a', iface: 'e' }, to: { host: 'b', iface: 'e' }, packet: pkt(k + 1, '1.1.1.1', '2.2.2.2'), latencyUs: 1000 })));
    const i = buildTraceIndex(ev);
    expect(tokensAt(i, 600, 499).length).toBe(500);
    expect(tokensAt(i, 1200, 499).length).toBe(299); // starts 201..499; the one that started at 200 has arrived
  });

  it('hides filtered packets', () => {
    const arpLink = find((x) => x.kind === 'link' && x.packet.proto === 'arp');
    const t = idx.events[arpLink]!.t + 10;
    expect(tokensAt(idx, t, arpLink).some((k) => k.packet.proto === 'arp')).toBe(true);
    expect(tokensAt(idx, t, arpLink, new Set(['arp'])).some((k) => k.packet.proto === 'arp')).toBe(false);
  });
});

describe('drops, flashes, steps', () => {
  const ev = seqd([
    { kind: 'emit', t: 0, host: 'a', by: 'curl', packet: pkt(1, '1.1.1.1', '2.2.2.2'), why: 'x' },
    { kind: 'nat', t: 10, host: 'a', hook: 'POSTROUTING', nat: 'MASQUERADE', before: pkt(1, '1.1.1.1', '2.2.2.2'), after: pkt(1, '9.9.9.9', '2.2.2.2', { sport: 3000 }), why: 'masq' },
    { kind: 'end', t: 20, host: 'b', packet: pkt(1, '9.9.9.9', '2.2.2.2'), disposition: 'DROPPED', reason: 'policy', rule: { table: 'filter', chain: 'FORWARD', index: 3, raw: '-A FORWARD -j DROP', loc: { file: 'b/rules.v4', line: 7 } } },
  ]);
  const i = buildTraceIndex(ev);

  it('lists drops up to the cursor with the rule', () => {
    expect(dropsUpTo(i, 1)).toEqual([]);
    const d = dropsUpTo(i, 2);
    expect(d).toHaveLength(1);
    expect(d[0]?.rule?.raw).toBe('-A FORWARD -j DROP');
    expect(d[0]?.host).toBe('b');
  });

  it('flashes the changed fields for a while after a NAT', () => {
    const f = natFlashes(i, 10, 1, 100);
    expect(f[0]?.changes.map((c) => c.field)).toEqual(['src', 'sport']);
    expect(natFlashes(i, 500, 2, 100)).toEqual([]);
    expect(changedFields(pkt(1, 'a', 'b'), pkt(1, 'a', 'b'))).toEqual([]);
  });

  it('steps over hidden events both ways and stops at the ends', () => {
    expect(stepIndex([0, 2, 5], -1, 1)).toBe(0);
    expect(stepIndex([0, 2, 5], 2, 1)).toBe(5);
    expect(stepIndex([0, 2, 5], 5, 1)).toBe(5);
    expect(stepIndex([0, 2, 5], 5, -1)).toBe(2);
    expect(stepIndex([0, 2, 5], 0, -1)).toBe(-1);
  });

  it('touched lines: current for the cursor, past before', () => {
    const t = touchedLines(i, 2);
    expect(t.get('b/rules.v4')?.get(7)).toBe('current');
    expect(touchedLines(i, 1).size).toBe(0);
  });
});

describe('inspector at the SYN-ACK arriving at lb (step 3)', () => {
  const arrive = find((e) => e.kind === 'hook' && e.host === 'lb' && e.packet.id === 5);
  const ins = inspect(idx, arrive)!;

  it('walks the DIVERT chain with raw lines and file:line', () => {
    const rules = ins.path.filter((s) => s.kind === 'rule');
    expect(rules.map((s) => (s.kind === 'rule' ? `${s.rule.chain}:${s.target}:${s.rule.loc.file}:${s.rule.loc.line}` : ''))).toEqual([
      'PREROUTING:DIVERT:steps/3-divert.sh:4', 'DIVERT:MARK:steps/3-divert.sh:5', 'DIVERT:ACCEPT:steps/3-divert.sh:6',
    ]);
  });

  it('shows the fwmark rule and the local route, and the conntrack entry', () => {
    expect(ins.route?.rule).toBe('32765: from all fwmark 0x1 lookup 100');
    expect(ins.route?.type).toBe('local');
    expect(ins.route?.result).toBe('local');
    expect(ins.conntrack?.direction).toBe('REPLY');
  });

  it('before/after at the route show the mark set', () => {
    const r = find((e) => e.kind === 'route' && e.host === 'lb' && e.packet.id === 5);
    const at = inspect(idx, r)!;
    expect(at.before?.mark).toBeUndefined();
    expect(at.after?.mark).toBe(1);
  });

  it('a NAT event shows before and after of the rewrite', () => {
    const n = find((e) => e.kind === 'nat' && e.nat === 'DNAT');
    const at = inspect(idx, n)!;
    expect(at.before?.dst).toBe('172.16.0.12');
    expect(at.after?.dst).toBe('172.20.6.3');
  });
});

describe('source-IP lineage', () => {
  it('step 3: the client address survives HAProxy (usesrc clientip) and reaches nginx', () => {
    const l = sourceLineage(idx, 0);
    expect(l[0]).toMatchObject({ host: 'host01', address: '192.168.0.10', why: 'origin' });
    expect(l.find((h) => h.host === 'lb' && h.why === 'preserved')?.detail).toMatch(/^haproxy: .*usesrc/);
    expect(l.at(-1)).toMatchObject({ why: 'logged', address: '192.168.0.10' });
  });

  it('step 0 shape: HAProxy replaces the source and kube-proxy masquerades it', () => {
    const ev = seqd([
      { kind: 'emit', t: 0, host: 'host01', by: 'curl', packet: pkt(1, '192.168.0.10', '192.168.0.1', { sport: 40000, dport: 30080 }), why: 'connect' },
      { kind: 'link', t: 0, from: { host: 'host01', iface: 'eth0' }, to: { host: 'lb', iface: 'eth0' }, packet: pkt(1, '192.168.0.10', '192.168.0.1', { sport: 40000, dport: 30080 }), latencyUs: 100 },
      { kind: 'deliver', t: 100, host: 'lb', packet: pkt(1, '192.168.0.10', '192.168.0.1'), socket: 'listen', app: 'haproxy' },
      { kind: 'emit', t: 110, host: 'lb', by: 'haproxy', packet: pkt(2, '172.16.0.254', '172.16.0.11', { sport: 41000, dport: 30080 }), why: 'connect to server k8s1' },
      { kind: 'link', t: 110, from: { host: 'lb', iface: 'eth1' }, to: { host: 'worker01', iface: 'eth0' }, packet: pkt(2, '172.16.0.254', '172.16.0.11', { sport: 41000, dport: 30080 }), latencyUs: 100 },
      { kind: 'nat', t: 210, host: 'worker01', hook: 'POSTROUTING', nat: 'MASQUERADE', before: pkt(2, '172.16.0.254', '172.20.6.3'), after: pkt(2, '172.20.5.0', '172.20.6.3'), rule: { table: 'nat', chain: 'KUBE-POSTROUTING', index: 3, raw: '-A KUBE-POSTROUTING -j MASQUERADE --random-fully', loc: { file: 'x', line: 1 } }, why: 'masq' },
      { kind: 'app', t: 400, host: 'nginx-pod', app: 'nginx', action: 'log', message: '172.20.5.0 - - "GET / HTTP/1.1" 200' },
    ]);
    const l = sourceLineage(buildTraceIndex(ev), 0);
    expect(l.map((h) => `${h.host}:${h.address}:${h.why}`)).toEqual([
      'host01:192.168.0.10:origin', 'lb:192.168.0.10:seen', 'lb:192.168.0.10:delivered', 'lb:172.16.0.254:replaced', 'worker01:172.16.0.254:seen', 'worker01:172.20.5.0:masqueraded', 'nginx-pod:172.20.5.0:logged',
    ]);
    expect(l.find((h) => h.why === 'masqueraded')?.kubeProxy).toBe(true);
  });

  it('splits tries at each new client connection, not at retransmissions', () => {
    const syn = (id: number, t: number, sport: number) => ({ kind: 'emit' as const, t, host: 'c', by: 'curl', packet: pkt(id, '1.1.1.1', '2.2.2.2', { sport }), why: 'connect' });
    const r = tries(buildTraceIndex(seqd([syn(1, 0, 1), syn(2, 1_000_000, 1), syn(3, 2_000_000, 2)])));
    expect(r?.starts).toEqual([0, 2]);
  });

  it('reads the nginx access log', () => {
    expect(accessLog(idx).map((l) => l.line)[0]).toMatch(/^192\.168\.0\.10 /);
    expect(fiveTuple(pkt(1, '1.1.1.1', '2.2.2.2', { sport: 5, dport: 6, flags: 'SYN' }))).toBe('TCP SYN 1.1.1.1:5 → 2.2.2.2:6');
  });
});
