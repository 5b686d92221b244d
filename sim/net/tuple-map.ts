// A map keyed by a connection's (protocol, address, port, address, port), as the kernel's
// conntrack and socket hashes are: an open-addressing table (linear probing) over typed arrays,
// so a lookup builds no key and allocates nothing. Deletion shifts the following entries back
// (no tombstones), so the table never needs rebuilding for churn, only for growth.

function hash5(proto: number, a1: number, p1: number, a2: number, p2: number): number {
  let h = Math.imul(a1 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ a2, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((p1 << 16) | p2), 0x27d4eb2f);
  h ^= proto;
  h = Math.imul(h ^ (h >>> 15), 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

const INITIAL = 16;

export class TupleMap<V> {
  private cap = INITIAL;
  private used = new Uint8Array(INITIAL);
  private hashes = new Uint32Array(INITIAL);
  private keys = new Int32Array(INITIAL * 5);
  private vals: (V | undefined)[] = new Array<V | undefined>(INITIAL).fill(undefined);
  private count = 0;

  get size(): number {
    return this.count;
  }

  private find(proto: number, a1: number, p1: number, a2: number, p2: number): number {
    const mask = this.cap - 1;
    const used = this.used;
    const k = this.keys;
    a1 |= 0;
    a2 |= 0;
    for (let i = hash5(proto, a1, p1, a2, p2) & mask; used[i] === 1; i = (i + 1) & mask) {
      const o = i * 5;
      if (k[o] === a1 && k[o + 1] === a2 && k[o + 2] === p1 && k[o + 3] === p2 && k[o + 4] === proto) return i;
    }
    return -1;
  }

  get(proto: number, a1: number, p1: number, a2: number, p2: number): V | undefined {
    const i = this.find(proto, a1, p1, a2, p2);
    return i < 0 ? undefined : this.vals[i];
  }

  has(proto: number, a1: number, p1: number, a2: number, p2: number): boolean {
    return this.find(proto, a1, p1, a2, p2) >= 0;
  }

  set(proto: number, a1: number, p1: number, a2: number, p2: number, v: V): void {
    const existing = this.find(proto, a1, p1, a2, p2);
    if (existing >= 0) {
      this.vals[existing] = v;
      return;
    }
    if ((this.count + 1) * 2 > this.cap) this.grow();
    this.insert(hash5(proto, a1 | 0, p1, a2 | 0, p2), proto, a1 | 0, p1, a2 | 0, p2, v);
  }

  private insert(h: number, proto: number, a1: number, p1: number, a2: number, p2: number, v: V): void {
    const mask = this.cap - 1;
    let i = h & mask;
    while (this.used[i] === 1) i = (i + 1) & mask;
    this.used[i] = 1;
    this.hashes[i] = h;
    const o = i * 5;
    this.keys[o] = a1;
    this.keys[o + 1] = a2;
    this.keys[o + 2] = p1;
    this.keys[o + 3] = p2;
    this.keys[o + 4] = proto;
    this.vals[i] = v;
    this.count++;
  }

  /** Empty storage for `cap` slots. */
  private allocate(cap: number): void {
    this.cap = cap;
    this.used = new Uint8Array(cap);
    this.hashes = new Uint32Array(cap);
    this.keys = new Int32Array(cap * 5);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const { used, hashes, keys, vals } = this;
    const old = this.cap;
    this.allocate(old * 2);
    for (let i = 0; i < old; i++) {
      if (used[i] !== 1) continue;
      const o = i * 5;
      this.insert(hashes[i] as number, keys[o + 4] as number, keys[o] as number, keys[o + 2] as number, keys[o + 1] as number, keys[o + 3] as number, vals[i] as V);
    }
  }

  delete(proto: number, a1: number, p1: number, a2: number, p2: number): boolean {
    let i = this.find(proto, a1, p1, a2, p2);
    if (i < 0) return false;
    const mask = this.cap - 1;
    // Backward-shift: move later entries of the probe run into the hole when their home slot
    // allows it, so every remaining entry stays reachable from its home without tombstones.
    for (let j = (i + 1) & mask; this.used[j] === 1; j = (j + 1) & mask) {
      const home = (this.hashes[j] as number) & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      this.used[i] = 1;
      this.hashes[i] = this.hashes[j] as number;
      this.keys.copyWithin(i * 5, j * 5, j * 5 + 5);
      this.vals[i] = this.vals[j];
      i = j;
    }
    this.used[i] = 0;
    this.vals[i] = undefined;
    this.count--;
    return true;
  }

  *values(): IterableIterator<V> {
    for (let i = 0; i < this.cap; i++) if (this.used[i] === 1) yield this.vals[i] as V;
  }

  clear(): void {
    this.allocate(INITIAL);
  }
}
