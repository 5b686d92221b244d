// What every benchmark returns to bench/run.ts, and the median they report.

export interface BenchResult {
  name: string;
  median: number;
  unit: string;
  target?: number;
  extra?: Record<string, string | number>;
  /**
   * The samples the median was taken over. A benchmark that runs in several processes (its file
   * exports `processes`) has the samples of all of them pooled by bench/run.ts.
   */
  samples?: number[];
}

/** The median of the samples (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
