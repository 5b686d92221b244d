import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidr, formatIPv4, inCidr, ipv4, parseCidr, parseIPv4, parseIPv6 } from '../../sim/core/ip.js';
import { exploreAll, randomChooser } from '../../sim/core/choice.js';
import { seededRng } from '../../sim/core/rng.js';
import { Scheduler } from '../../sim/core/scheduler.js';
import { utf8Bytes, utf8Length } from '../../sim/core/utf8.js';

describe('IPv4 addresses', () => {
  it('parses and formats dotted quads, refusing leading zeros and out-of-range octets', () => {
    expect(formatIPv4(ipv4('172.16.0.254'))).toBe('172.16.0.254');
    expect(parseIPv4('256.1.1.1')).toBeUndefined();
    expect(parseIPv4('01.2.3.4')).toBeUndefined();
    expect(parseIPv4('1.2.3')).toBeUndefined();
  });
  it('round-trips every address', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIPv4(formatIPv4(n)) === n));
  });
  it('parses CIDRs with prefix lengths and dotted masks, clearing host bits', () => {
    expect(parseCidr('172.16.0.5/24')).toEqual({ addr: ipv4('172.16.0.0'), prefix: 24 });
    expect(parseCidr('10.0.0.0/255.0.0.0')).toEqual({ addr: ipv4('10.0.0.0'), prefix: 8 });
    expect(parseCidr('10.0.0.0/255.0.255.0')).toBeUndefined();
    expect(parseCidr('172.16.0.5/24', { strict: true })).toBeUndefined();
    expect(inCidr(ipv4('172.20.5.9'), cidr('172.20.0.0/16'))).toBe(true);
    expect(inCidr(ipv4('172.21.0.1'), cidr('172.20.0.0/16'))).toBe(false);
    expect(inCidr(ipv4('8.8.8.8'), cidr('0.0.0.0/0'))).toBe(true);
  });
  it('keeps IPv6 text it can recognise', () => {
    expect(parseIPv6('ff06::c1')).toBe('ff06::c1');
    expect(parseIPv6('::1')).toBe('::1');
    expect(parseIPv6('1:2:3')).toBeUndefined();
    expect(parseIPv6('1::2::3')).toBeUndefined();
  });
});

describe('choices', () => {
  it('explore enumerates every branch with exact probabilities', () => {
    // Two kube-proxy-like statistic rules (1/3 then 1/2) pick among three endpoints.
    const run = (c: Parameters<Parameters<typeof exploreAll>[0]>[0]): string => {
      if (c.choose('p=1/3', [{ p: 1 / 3, value: true, label: 'match' }, { p: 2 / 3, value: false, label: 'no match' }])) return 'a';
      if (c.choose('p=1/2', [{ p: 0.5, value: true, label: 'match' }, { p: 0.5, value: false, label: 'no match' }])) return 'b';
      return 'c';
    };
    const paths = exploreAll(run);
    const by = new Map<string, number>();
    for (const p of paths) by.set(p.result, (by.get(p.result) ?? 0) + p.p);
    expect(paths).toHaveLength(3);
    for (const k of ['a', 'b', 'c']) expect(by.get(k)).toBeCloseTo(1 / 3, 12);
  });
  it('simulate draws reproducibly from the seed', () => {
    const draw = (seed: number) => {
      const c = randomChooser(seededRng(seed));
      return Array.from({ length: 20 }, () => c.choose('x', [{ p: 0.5, value: 0, label: 'a' }, { p: 0.5, value: 1, label: 'b' }]));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});

describe('scheduler', () => {
  it('runs actions in time order, FIFO among equal times, and honours cancellation', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.at(20, () => seen.push('b'));
    s.at(10, () => seen.push('a'));
    s.at(20, () => seen.push('c'));
    const t = s.at(15, () => seen.push('cancelled'));
    t.cancelled = true;
    s.at(5, () => s.after(100, () => seen.push('late')));
    s.run();
    expect(seen).toEqual(['a', 'b', 'c', 'late']);
    expect(s.now).toBe(105);
  });
  it('stops at a time limit and leaves later actions queued', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    for (const t of [1, 2, 3, 4]) s.at(t * 1000, () => seen.push(t));
    s.run(2500);
    expect(seen).toEqual([1, 2]);
    expect(s.pending).toBe(2);
    expect(s.now).toBe(2500);
    expect(s.nextAt()).toBe(3000);
  });
  it('nextAt: the earliest queued time in either queue, Infinity when nothing is queued', () => {
    const s = new Scheduler();
    expect(s.nextAt()).toBe(Number.POSITIVE_INFINITY);
    s.at(5_000_000, () => undefined); // far
    expect(s.nextAt()).toBe(5_000_000);
    s.at(50, () => undefined); // near
    expect(s.nextAt()).toBe(50);
    s.run(100);
    expect(s.nextAt()).toBe(5_000_000);
  });
  it('keeps time order and FIFO between near actions and far timers, whichever queue holds them', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    // Scheduled from time 0: a far timer (queued far) and, later, near actions for the same instant.
    s.at(1_000_000, () => seen.push('far-first'));
    s.at(999_990, () => {
      seen.push('near-before');
      s.after(10, () => seen.push('near-same-time'));
    });
    s.at(5_000_000, () => seen.push('farther'));
    const far = s.at(2_000_000, () => seen.push('cancelled'));
    far.cancelled = true;
    expect(far.cancelled).toBe(true);
    s.at(3, () => seen.push('first'));
    s.run();
    expect(seen).toEqual(['first', 'near-before', 'far-first', 'near-same-time', 'farther']);
    expect(s.pending).toBe(0);
    expect(s.now).toBe(5_000_000);
  });
});

describe('UTF-8', () => {
  it('utf8Length counts the bytes utf8Bytes makes, and what Node\'s encoder makes', () => {
    for (const s of ['', 'OK', 'é', '€', 'ナ', '😀', 'a😀b\u00e9', '\ud800']) {
      expect(utf8Length(s)).toBe(utf8Bytes(s).length);
      if (s !== '\ud800') expect(utf8Length(s)).toBe(Buffer.byteLength(s));
    }
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Length(s) === Buffer.byteLength(s)));
  });
});
