// The simulated clock: a queue of timed actions run in time order (FIFO among equal times), so
// link latency, TCP retransmission timers and application timeouts interleave as they would.

export interface Timer {
  cancelled: boolean;
  readonly at: number;
}

interface Item {
  readonly at: number;
  readonly order: number;
  readonly run: () => void;
  readonly timer: Timer;
}

export class Scheduler {
  private heap: Item[] = [];
  private order = 0;
  now = 0; // µs

  at(time: number, run: () => void): Timer {
    const timer: Timer = { cancelled: false, at: time };
    this.push({ at: Math.max(time, this.now), order: this.order++, run, timer });
    return timer;
  }

  after(delayUs: number, run: () => void): Timer {
    return this.at(this.now + delayUs, run);
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs until the queue is empty or the clock would pass `until`; returns the number of actions run. */
  run(until = Number.POSITIVE_INFINITY, maxSteps = 1_000_000): number {
    let steps = 0;
    while (this.heap.length > 0) {
      const top = this.heap[0] as Item;
      if (top.at > until) break;
      this.pop();
      if (top.timer.cancelled) continue;
      this.now = top.at;
      top.run();
      if (++steps > maxSteps) throw new Error(`scheduler: more than ${maxSteps} actions (a loop?)`);
    }
    if (until !== Number.POSITIVE_INFINITY && this.now < until) this.now = until;
    return steps;
  }

  private less(a: Item, b: Item): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private push(item: Item): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as Item, h[p] as Item)) break;
      [h[i], h[p]] = [h[p] as Item, h[i] as Item];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Item;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as Item, h[m] as Item)) m = l;
      if (r < h.length && this.less(h[r] as Item, h[m] as Item)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Item, h[i] as Item];
      i = m;
    }
  }
}
