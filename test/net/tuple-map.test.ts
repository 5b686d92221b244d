// The conntrack/socket tuple table against a plain Map over many random inserts, overwrites and
// deletes (tombstones and resizes included).
import { describe, expect, it } from 'vitest';
import { TupleMap } from '../../sim/net/tuple-map.js';
import { seededRng } from '../../sim/index.js';

describe('TupleMap', () => {
  it('agrees with a Map over random operations', () => {
    const rng = seededRng(42);
    const t = new TupleMap<number>();
    const ref = new Map<string, number>();
    // A small key space so keys repeat: overwrites, deletes of present and absent keys.
    const addrs = [0, 1, 0x7f000001, 0xc0a8000a, 0xffffffff, 0xac100c0c, 0x80000000];
    const key = (): [number, number, number, number, number] => [
      [1, 6, 17, 4][rng.int(0, 3)] as number, addrs[rng.int(0, addrs.length - 1)] as number, rng.int(0, 5) * 10000, addrs[rng.int(0, addrs.length - 1)] as number, rng.int(0, 65535) % 7,
    ];
    for (let i = 0; i < 20000; i++) {
      const k = key();
      const s = k.join('|');
      const op = rng.int(0, 9);
      if (op < 5) { t.set(...k, i); ref.set(s, i); }
      else if (op < 8) expect(t.delete(...k)).toBe(ref.delete(s));
      else expect(t.get(...k)).toBe(ref.get(s));
      expect(t.size).toBe(ref.size);
    }
    for (const [s, v] of ref) {
      const k = s.split('|').map(Number) as [number, number, number, number, number];
      expect(t.get(...k)).toBe(v);
      expect(t.has(...k)).toBe(true);
    }
    expect([...t.values()].sort((a, b) => a - b)).toEqual([...ref.values()].sort((a, b) => a - b));
    t.clear();
    expect(t.size).toBe(0);
    expect(t.get(6, 1, 10000, 1, 0)).toBeUndefined();
  });

  it('tells apart tuples that differ in one field only', () => {
    const t = new TupleMap<string>();
    t.set(6, 0xc0a8000a, 40000, 0xac100c0c, 30080, 'a');
    t.set(17, 0xc0a8000a, 40000, 0xac100c0c, 30080, 'b');
    t.set(6, 0xac100c0c, 30080, 0xc0a8000a, 40000, 'c');
    t.set(6, 0xc0a8000a, 40001, 0xac100c0c, 30080, 'd');
    expect([t.get(6, 0xc0a8000a, 40000, 0xac100c0c, 30080), t.get(17, 0xc0a8000a, 40000, 0xac100c0c, 30080), t.get(6, 0xac100c0c, 30080, 0xc0a8000a, 40000), t.get(6, 0xc0a8000a, 40001, 0xac100c0c, 30080)]).toEqual(['a', 'b', 'c', 'd']);
    expect(t.get(6, 0xc0a8000a, 40000, 0xac100c0c, 30081)).toBeUndefined();
  });

  it('add() inserts a key known to be absent; deleteIfValue() deletes only the given value', () => {
    const t = new TupleMap<string>();
    for (let i = 0; i < 100; i++) t.add(6, 0xc0a80000 + i, 40000 + i, 0xac100c0c, 30080, `v${i}`);
    expect(t.size).toBe(100);
    expect(t.get(6, 0xc0a80000 + 42, 40042, 0xac100c0c, 30080)).toBe('v42');
    expect(t.deleteIfValue(6, 0xc0a80000 + 42, 40042, 0xac100c0c, 30080, 'other')).toBe(false);
    expect(t.get(6, 0xc0a80000 + 42, 40042, 0xac100c0c, 30080)).toBe('v42');
    expect(t.deleteIfValue(6, 0xc0a80000 + 42, 40042, 0xac100c0c, 30080, 'v42')).toBe(true);
    expect(t.get(6, 0xc0a80000 + 42, 40042, 0xac100c0c, 30080)).toBeUndefined();
    expect(t.size).toBe(99);
    for (let i = 0; i < 100; i++) if (i !== 42) expect(t.get(6, 0xc0a80000 + i, 40000 + i, 0xac100c0c, 30080)).toBe(`v${i}`);
  });
});
