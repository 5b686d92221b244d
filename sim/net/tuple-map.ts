// A map keyed by a connection's (protocol, address, port, address, port), as the kernel's
// conntrack and socket hashes are: an open-addressing table over typed arrays, so a lookup builds
// no key and allocates nothing. Deleted slots are tombstones until the next resize.

const EMPTY = 0;
const USED = 1;
const DELETED = 2;

function hash5(proto: number, a1: number, p1: number, a2: number, p2: number): number {
  let h = Math.imul(a1 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ a2, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((p1 << 16) | p2), 0x27d4eb2f);
  h ^= proto;
  h = Math.imul(h ^ (h >>> 15), 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

export class TupleMap<V> {
  private cap = 16;
  private state = new Uint8Array(16);
  private keys = new Int32Array(16 * 5);
  private vals: (V | undefined)[] = new Array<V | undefined>(16).fill(undefined);
  private count = 0;
  private tombs = 0;

  get size(): number {
    return this.count;
  }

  private find(proto: number, a1: number, p1: number, a2: number, p2: number): number {
    const mask = this.cap - 1;
    const st = this.state;
    const k = this.keys;
    a1 |= 0;
    a2 |= 0;
    for (let i = hash5(proto, a1, p1, a2, p2) & mask; ; i = (i + 1) & mask) {
      const s = st[i];
      if (s === EMPTY) return -1;
      if (s === USED) {
        const o = i * 5;
        if (k[o] === a1 && k[o + 1] === a2 && k[o + 2] === p1 && k[o + 3] === p2 && k[o + 4] === proto) return i;
      }
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
    if ((this.count + this.tombs + 1) * 2 > this.cap) this.resize(this.count + 1 > this.cap / 4 ? this.cap * 2 : this.cap);
    this.insert(proto, a1 | 0, p1, a2 | 0, p2, v);
  }

  private insert(proto: number, a1: number, p1: number, a2: number, p2: number, v: V): void {
    const mask = this.cap - 1;
    let i = hash5(proto, a1, p1, a2, p2) & mask;
    while (this.state[i] === USED) i = (i + 1) & mask;
    if (this.state[i] === DELETED) this.tombs--;
    this.state[i] = USED;
    const o = i * 5;
    this.keys[o] = a1;
    this.keys[o + 1] = a2;
    this.keys[o + 2] = p1;
    this.keys[o + 3] = p2;
    this.keys[o + 4] = proto;
    this.vals[i] = v;
    this.count++;
  }

  private resize(cap: number): void {
    const { state, keys, vals } = this;
    const old = this.cap;
    this.cap = cap;
    this.state = new Uint8Array(cap);
    this.keys = new Int32Array(cap * 5);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.count = 0;
    this.tombs = 0;
    for (let i = 0; i < old; i++) {
      if (state[i] !== USED) continue;
      const o = i * 5;
      this.insert(keys[o + 4] as number, keys[o] as number, keys[o + 2] as number, keys[o + 1] as number, keys[o + 3] as number, vals[i] as V);
    }
  }

  delete(proto: number, a1: number, p1: number, a2: number, p2: number): boolean {
    const i = this.find(proto, a1, p1, a2, p2);
    if (i < 0) return false;
    this.state[i] = DELETED;
    this.vals[i] = undefined;
    this.count--;
    this.tombs++;
    return true;
  }

  *values(): IterableIterator<V> {
    for (let i = 0; i < this.cap; i++) if (this.state[i] === USED) yield this.vals[i] as V;
  }

  clear(): void {
    this.cap = 16;
    this.state = new Uint8Array(16);
    this.keys = new Int32Array(16 * 5);
    this.vals = new Array<V | undefined>(16).fill(undefined);
    this.count = 0;
    this.tombs = 0;
  }
}
