// A map keyed by a connection's (protocol, address, port, address, port), as the kernel's
// conntrack and socket hashes are: an open-addressing table (linear probing) over a typed array,
// so a lookup builds no key and allocates nothing. Each slot holds its key and its hash side by
// side (one cache line per probe; the hash is compared first, and is never 0, which marks an
// empty slot). Deletion shifts the following entries back (no tombstones), so the table never
// needs rebuilding for churn, only for growth.

/** The slot's hash never is 0: 0 marks an empty slot. */
function hash5(proto: number, a1: number, p1: number, a2: number, p2: number): number {
  let h = Math.imul(a1 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ a2, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((p1 << 16) | p2), 0x27d4eb2f);
  h ^= proto;
  h = Math.imul(h ^ (h >>> 15), 0x165667b1);
  return (h ^ (h >>> 16)) | 0 || 1;
}

const INITIAL = 16;
/** Int32 words per slot: hash, first address, second address, first port, second port, protocol. */
const W = 6;

export class TupleMap<V> {
  private cap = INITIAL;
  private slots = new Int32Array(INITIAL * W);
  private vals: (V | undefined)[] = new Array<V | undefined>(INITIAL).fill(undefined);
  private count = 0;

  get size(): number {
    return this.count;
  }

  private find(proto: number, a1: number, p1: number, a2: number, p2: number): number {
    const mask = this.cap - 1;
    const s = this.slots;
    a1 |= 0;
    a2 |= 0;
    const h = hash5(proto, a1, p1, a2, p2);
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const o = i * W;
      const t = s[o] as number;
      if (t === 0) return -1;
      if (t === h && s[o + 1] === a1 && s[o + 2] === a2 && s[o + 3] === p1 && s[o + 4] === p2 && s[o + 5] === proto) return i;
    }
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

  /** set() for a key the caller knows is absent (it has just looked): no second probe. */
  add(proto: number, a1: number, p1: number, a2: number, p2: number, v: V): void {
    if ((this.count + 1) * 2 > this.cap) this.grow();
    this.insert(hash5(proto, a1 | 0, p1, a2 | 0, p2), proto, a1 | 0, p1, a2 | 0, p2, v);
  }

  /** Deletes the key when it maps to `v`; one probe. */
  deleteIfValue(proto: number, a1: number, p1: number, a2: number, p2: number, v: V): boolean {
    const i = this.find(proto, a1, p1, a2, p2);
    if (i < 0 || this.vals[i] !== v) return false;
    this.removeAt(i);
    return true;
  }

  private insert(h: number, proto: number, a1: number, p1: number, a2: number, p2: number, v: V): void {
    const mask = this.cap - 1;
    const s = this.slots;
    let i = h & mask;
    while (s[i * W] !== 0) i = (i + 1) & mask;
    const o = i * W;
    s[o] = h;
    s[o + 1] = a1;
    s[o + 2] = a2;
    s[o + 3] = p1;
    s[o + 4] = p2;
    s[o + 5] = proto;
    this.vals[i] = v;
    this.count++;
  }

  /** Empty storage for `cap` slots. */
  private allocate(cap: number): void {
    this.cap = cap;
    this.slots = new Int32Array(cap * W);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const { slots, vals } = this;
    const old = this.cap;
    this.allocate(old * 2);
    for (let i = 0; i < old; i++) {
      const o = i * W;
      const h = slots[o] as number;
      if (h === 0) continue;
      this.insert(h, slots[o + 5] as number, slots[o + 1] as number, slots[o + 3] as number, slots[o + 2] as number, slots[o + 4] as number, vals[i] as V);
    }
  }

  delete(proto: number, a1: number, p1: number, a2: number, p2: number): boolean {
    const i = this.find(proto, a1, p1, a2, p2);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  private removeAt(at: number): void {
    let i = at;
    const mask = this.cap - 1;
    const s = this.slots;
    // Backward-shift: move later entries of the probe run into the hole when their home slot
    // allows it, so every remaining entry stays reachable from its home without tombstones.
    for (let j = (i + 1) & mask; s[j * W] !== 0; j = (j + 1) & mask) {
      const home = (s[j * W] as number) & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      s.copyWithin(i * W, j * W, j * W + W);
      this.vals[i] = this.vals[j];
      i = j;
    }
    s[i * W] = 0;
    this.vals[i] = undefined;
    this.count--;
  }

  *values(): IterableIterator<V> {
    for (let i = 0; i < this.cap; i++) if (this.slots[i * W] !== 0) yield this.vals[i] as V;
  }

  clear(): void {
    this.allocate(INITIAL);
  }
}
