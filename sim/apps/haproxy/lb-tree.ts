// The ordering HAProxy's LB trees give (import/ebtree.h): entries sorted by an unsigned 32-bit key,
// duplicates walked "in the exact same order they were inserted", first() is the smallest key.
// A sorted array is enough for the handful of servers a backend has.

export class LbTree<T> {
  private readonly items: { key: number; value: T }[] = [];

  /** eb32_insert: after every entry whose key is lower or equal. */
  insert(key: number, value: T): void {
    const k = key >>> 0;
    let i = this.items.length;
    while (i > 0 && (this.items[i - 1] as { key: number }).key > k) i--;
    this.items.splice(i, 0, { key: k, value });
  }

  /** eb32_delete: no-op when the value is not in this tree. */
  delete(value: T): void {
    const i = this.indexOf(value);
    if (i >= 0) this.items.splice(i, 1);
  }

  has(value: T): boolean {
    return this.indexOf(value) >= 0;
  }

  private indexOf(value: T): number {
    const items = this.items;
    for (let k = 0; k < items.length; k++) if ((items[k] as { value: T }).value === value) return k;
    return -1;
  }

  first(): T | undefined {
    return this.items[0]?.value;
  }

  /** Entries in walk order (eb32_first, eb32_next, ...). */
  values(): readonly T[] {
    return this.items.map((e) => e.value);
  }

  get size(): number {
    return this.items.length;
  }
}
