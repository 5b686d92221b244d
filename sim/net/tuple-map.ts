// A map keyed by a connection's (protocol, address, port, address, port) without building a key
// string per lookup: one level per protocol (an array slot), then the first endpoint and the
// second as exact numbers (address * 65536 + port, below 2^48).

export class TupleMap<V> {
  private readonly byProto: (Map<number, Map<number, V>> | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(proto: number, a1: number, p1: number, a2: number, p2: number): V | undefined {
    return this.byProto[proto]?.get((a1 >>> 0) * 65536 + p1)?.get((a2 >>> 0) * 65536 + p2);
  }

  has(proto: number, a1: number, p1: number, a2: number, p2: number): boolean {
    return this.get(proto, a1, p1, a2, p2) !== undefined;
  }

  set(proto: number, a1: number, p1: number, a2: number, p2: number, v: V): void {
    let m = this.byProto[proto];
    if (!m) { m = new Map(); this.byProto[proto] = m; }
    const k1 = (a1 >>> 0) * 65536 + p1;
    let inner = m.get(k1);
    if (!inner) { inner = new Map(); m.set(k1, inner); }
    const k2 = (a2 >>> 0) * 65536 + p2;
    if (!inner.has(k2)) this.count++;
    inner.set(k2, v);
  }

  delete(proto: number, a1: number, p1: number, a2: number, p2: number): boolean {
    const m = this.byProto[proto];
    const k1 = (a1 >>> 0) * 65536 + p1;
    const inner = m?.get(k1);
    if (!m || !inner || !inner.delete((a2 >>> 0) * 65536 + p2)) return false;
    if (inner.size === 0) m.delete(k1);
    this.count--;
    return true;
  }

  *values(): IterableIterator<V> {
    for (const m of this.byProto) {
      if (!m) continue;
      for (const inner of m.values()) yield* inner.values();
    }
  }

  clear(): void {
    this.byProto.length = 0;
    this.count = 0;
  }
}
