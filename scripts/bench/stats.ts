/**
 * Summaries of repeated measurements. Percentiles interpolate linearly between the two nearest ranks
 * (numpy's default, "type 7"): with few runs (5 throughput runs) a nearest-rank percentile would just
 * repeat one run, and with many (2000 latencies) the two definitions agree to within one sample.
 */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p25: number;
  readonly p75: number;
  readonly p95: number;
}

/** The p-th percentile (0..100) of values already sorted ascending. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
}

export function percentile(values: readonly number[], p: number): number {
  return percentileSorted([...values].sort((a, b) => a - b), p);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('cannot summarize no measurements');
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new RangeError(`measurement ${bad} is not a finite number`);
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: percentileSorted(sorted, 50),
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    p25: percentileSorted(sorted, 25),
    p75: percentileSorted(sorted, 75),
    p95: percentileSorted(sorted, 95),
  };
}

/**
 * Median of a[i] / b[i] over runs measured side by side (run i of each in the same round): each pair
 * saw much the same machine load, so this ratio holds up better on a busy machine than a ratio of medians.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) if (b[i] > 0) ratios.push(a[i] / b[i]);
  return ratios.length === 0 ? null : percentile(ratios, 50);
}
