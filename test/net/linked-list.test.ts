// The insertion-ordered list through its items (sim/net/linked-list.ts).
import { describe, expect, it } from 'vitest';
import { LinkedList, type Linked } from '../../sim/net/linked-list.js';

class Item implements Linked<Item> {
  prev: Item | undefined = undefined;
  next: Item | undefined = undefined;
  constructor(readonly n: number) {}
}

describe('LinkedList', () => {
  it('keeps insertion order through removals from the front, the middle and the back', () => {
    const l = new LinkedList<Item>();
    const items = [0, 1, 2, 3, 4].map((n) => new Item(n));
    for (const x of items) l.push(x);
    l.remove(items[2] as Item);
    l.remove(items[0] as Item);
    l.remove(items[4] as Item);
    expect([...l].map((x) => x.n)).toEqual([1, 3]);
    expect(l.size).toBe(2);
    l.push(items[0] as Item);
    expect([...l].map((x) => x.n)).toEqual([1, 3, 0]);
    l.clear();
    expect([...l]).toEqual([]);
    expect(l.size).toBe(0);
    expect(items.every((x) => x.prev === undefined && x.next === undefined)).toBe(true);
  });
});
