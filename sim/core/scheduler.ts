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

  /** Runs until the queue is empty or the clock would pass `until`; returns the number of actions run. */
  run(until = Number.POSITIVE_INFINITY, maxSteps = 1_000_000): number {
    let steps = 0;
    for (;;) {
      const n = this.near.top();
      const f = this.far.top();
      const top = n === undefined ? f : f === undefined || less(n, f) ? n : f;
      if (top === undefined || top.at > until) break;
      (top === n ? this.near : this.far).pop();
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
 * A binary heap with its own count: its array never shrinks, so a queue that empties and fills
 * again (as the frames of each request do) does not reallocate its storage every time.
 */
class Heap {
  private readonly items: (Entry | undefined)[] = [];
  n = 0;

  top(): Entry | undefined {
    return this.n > 0 ? this.items[0] : undefined;
  }

  push(item: Entry): void {
    const h = this.items;
    let i = this.n++;
    if (i === h.length) h.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Entry;
      if (!less(item, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
  }

  pop(): void {
    const h = this.items;
    const n = --this.n;
    const last = h[n] as Entry;
    h[n] = undefined;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      if (r < n && less(h[r] as Entry, h[l] as Entry)) m = r;
      if (!less(h[m] as Entry, last)) break;
      h[i] = h[m] as Entry;
      i = m;
    }
    h[i] = last;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
