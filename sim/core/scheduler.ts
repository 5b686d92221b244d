// The simulated clock: a queue of timed actions run in time order (FIFO among equal times), so
// link latency, TCP retransmission timers and application timeouts interleave as they would.

export interface Timer {
  cancelled: boolean;
  readonly at: number;
}

/**
 * A queued action; it is also the Timer its scheduler hands out. Cancelling lets go of the
 * action at once (a cancelled timer may stay queued until its time, but keeps nothing alive).
 */
class Item implements Timer {
  private action: (() => void) | Firable | undefined;
  constructor(public at: number, public order: number, run: (() => void) | Firable) {
    this.action = run;
  }
  get cancelled(): boolean {
    return this.action === undefined;
  }
  set cancelled(v: boolean) {
    if (v) this.action = undefined;
  }
  run(): void {
    const a = this.action;
    if (typeof a === 'function') a();
    else a?.fire();
  }
}

/** An action as an object (its state in its fields): scheduling one allocates no closure. */
export interface Firable {
  fire(): void;
}

/**
 * An action that is its own queue entry (a frame in flight): scheduling it allocates nothing
 * more. The scheduler sets `at` and `order` when it queues it; it is queued at most once at a
 * time (it may queue itself again when it runs).
 */
export interface Due extends Timer {
  at: number;
  order: number;
  cancelled: boolean;
  run(): void;
}

type Entry = Item | Due;

/** Actions due further than this from now wait in a second queue (TIME_WAIT, keepalive, retransmission timers). */
const FAR_US = 100_000;

export class Scheduler {
  // Two binary heaps: frames in flight and other near actions, and far timers. Most pushes and
  // pops touch only the small near heap; the next action is the earlier of the two tops.
  private readonly near = new Heap();
  private readonly far = new Heap();
  private order = 0;
  now = 0; // µs

  at(time: number, run: () => void): Timer {
    const item = new Item(Math.max(time, this.now), this.order++, run);
    this.push(item);
    return item;
  }

  after(delayUs: number, run: () => void): Timer {
    return this.at(this.now + delayUs, run);
  }

  /** `after` for an action object. */
  afterFire(delayUs: number, f: Firable): Timer {
    const item = new Item(Math.max(this.now + delayUs, this.now), this.order++, f);
    this.push(item);
    return item;
  }

  /** Queues `d` to run `delayUs` from now. */
  schedule(delayUs: number, d: Due): void {
    d.at = this.now + Math.max(0, delayUs);
    d.order = this.order++;
    this.push(d);
  }

  get pending(): number {
    return this.near.n + this.far.n;
  }

  /** The time of the earliest queued action (a cancelled one included), Infinity when none is queued. */
  nextAt(): number {
    return Math.min(this.near.topAt(), this.far.topAt());
  }

  /** Runs until the queue is empty or the clock would pass `until`; returns the number of actions run. */
  run(until = Number.POSITIVE_INFINITY, maxSteps = 1_000_000): number {
    let steps = 0;
    const near = this.near;
    const far = this.far;
    for (;;) {
      const nt = near.topAt();
      const ft = far.topAt();
      // The earlier of the two tops; at the same time, the one queued first.
      const fromNear = nt < ft || (nt === ft && near.n > 0 && near.topOrder() < far.topOrder());
      const heap = fromNear ? near : far;
      const top = heap.top();
      if (top === undefined || (fromNear ? nt : ft) > until) break;
      heap.pop();
      if (top.cancelled) continue;
      this.now = top.at;
      top.run();
      if (++steps > maxSteps) throw new Error(`scheduler: more than ${maxSteps} actions (a loop?)`);
    }
    if (until !== Number.POSITIVE_INFINITY && this.now < until) this.now = until;
    return steps;
  }

  private push(item: Entry): void {
    (item.at - this.now > FAR_US ? this.far : this.near).push(item);
  }
}

/**
 * A binary heap with its own count: its arrays never shrink, so a queue that empties and fills
 * again (as the frames of each request do) does not reallocate its storage every time. The keys
 * (time, then queueing order) sit in typed arrays beside the entries, so comparing two entries
 * reads two numbers, whatever kind of entry they are.
 */
class Heap {
  private readonly items: (Entry | undefined)[] = [];
  private at = new Float64Array(64);
  private order = new Float64Array(64);
  n = 0;

  top(): Entry | undefined {
    return this.n > 0 ? this.items[0] : undefined;
  }

  /** The time of the top entry (Infinity when empty). */
  topAt(): number {
    return this.n > 0 ? (this.at[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** The queueing order of the top entry (meaningful only when not empty). */
  topOrder(): number {
    return this.order[0] as number;
  }

  push(item: Entry): void {
    const h = this.items;
    let i = this.n++;
    if (i === this.at.length) this.grow();
    if (i === h.length) h.push(item);
    const at = this.at;
    const order = this.order;
    const t = item.at;
    const o = item.order;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = at[p] as number;
      if (t > pt || (t === pt && o > (order[p] as number))) break;
      h[i] = h[p];
      at[i] = pt;
      order[i] = order[p] as number;
      i = p;
    }
    h[i] = item;
    at[i] = t;
    order[i] = o;
  }

  pop(): void {
    const h = this.items;
    const at = this.at;
    const order = this.order;
    const n = --this.n;
    const last = h[n] as Entry;
    const lt = at[n] as number;
    const lo = order[n] as number;
    h[n] = undefined;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      let mt = at[l] as number;
      let mo = order[l] as number;
      if (r < n) {
        const rt = at[r] as number;
        const ro = order[r] as number;
        if (rt < mt || (rt === mt && ro < mo)) { m = r; mt = rt; mo = ro; }
      }
      if (mt > lt || (mt === lt && mo > lo)) break;
      h[i] = h[m];
      at[i] = mt;
      order[i] = mo;
      i = m;
    }
    h[i] = last;
    at[i] = lt;
    order[i] = lo;
  }

  private grow(): void {
    const at = new Float64Array(this.at.length * 2);
    at.set(this.at);
    this.at = at;
    const order = new Float64Array(this.order.length * 2);
    order.set(this.order);
    this.order = order;
  }
}
