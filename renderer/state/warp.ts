// Playback time: the scrubber and the play loop move along a "display" axis in which idle gaps of
// simulated time (a 1 s SYN retransmission timer, curl's -m 2) are shortened to GAP_CAP µs, while
// everything that moves (a 100 µs link) keeps its real proportion. Piecewise linear, monotonic.

export const GAP_CAP_US = 400;

export interface Warp {
  readonly total: number; // display length
  toDisplay(t: number): number;
  toTime(d: number): number;
}

/** `marks` are the simulated times where something happens (event times, link arrivals), any order. */
export function buildWarp(marks: ArrayLike<number>, cap = GAP_CAP_US): Warp {
  const ts = Array.from(marks).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const uniq: number[] = [];
  for (const t of ts) if (uniq.length === 0 || t !== uniq[uniq.length - 1]) uniq.push(t);
  if (uniq.length === 0) uniq.push(0);
  const disp: number[] = [0];
  for (let i = 1; i < uniq.length; i++) disp.push((disp[i - 1] as number) + Math.min((uniq[i] as number) - (uniq[i - 1] as number), cap));
  const first = uniq[0] as number;
  const last = uniq[uniq.length - 1] as number;
  const total = disp[disp.length - 1] as number;
  const search = (arr: readonly number[], x: number): number => {
    let lo = 0;
    let hi = arr.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((arr[mid] as number) <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    total,
    toDisplay(t) {
      if (t <= first) return 0;
      if (t >= last) return total;
      const i = search(uniq, t);
      const t0 = uniq[i] as number;
      const t1 = uniq[i + 1] as number;
      const d0 = disp[i] as number;
      const d1 = disp[i + 1] as number;
      return d0 + ((t - t0) / (t1 - t0)) * (d1 - d0);
    },
    toTime(d) {
      if (d <= 0) return first;
      if (d >= total) return last;
      const i = search(disp, d);
      const t0 = uniq[i] as number;
      const t1 = uniq[i + 1] as number;
      const d0 = disp[i] as number;
      const d1 = disp[i + 1] as number;
      return d1 === d0 ? t0 : t0 + ((d - d0) / (d1 - d0)) * (t1 - t0);
    },
  };
}
