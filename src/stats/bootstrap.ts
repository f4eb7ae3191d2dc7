import { Rng } from './random.ts';

/** A point estimate with a percentile bootstrap interval; null where it is undefined. */
export interface Interval {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

export interface BootstrapOptions {
  /** Number of resamples (0 gives no interval). */
  resamples: number;
  seed: number;
  /** Coverage of the interval, 0.95 by default. */
  level?: number;
}

/**
 * The q-quantile of sorted values by linear interpolation between order statistics (numpy's
 * default, "linear", method 7 of Hyndman and Fan).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Percentile interval of a set of bootstrap replicates; non-finite replicates are ignored. */
export function percentileInterval(replicates: ArrayLike<number>, level = 0.95): { ci_low: number | null; ci_high: number | null } {
  const finite = new Float64Array(replicates.length);
  let m = 0;
  for (let i = 0; i < replicates.length; i++) {
    const x = replicates[i]!;
    if (Number.isFinite(x)) finite[m++] = x;
  }
  if (m === 0) return { ci_low: null, ci_high: null };
  const sorted = finite.subarray(0, m).sort();
  const a = (1 - level) / 2;
  return { ci_low: quantileSorted(sorted, a), ci_high: quantileSorted(sorted, 1 - a) };
}

/**
 * Item-level (cluster) bootstrap: `statistic` receives the indices of a resample of the n items,
 * drawn with replacement, so everything attached to an item (all its raters, all its models)
 * moves together. Deterministic for a seed. Resamples on which the statistic is undefined (NaN)
 * are dropped from the interval; if all are, the interval is null.
 */
export function bootstrapItems(
  n: number,
  statistic: (indices: Uint32Array) => number,
  opts: BootstrapOptions,
): Interval {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const point = n > 0 ? statistic(all) : NaN;
  const value = Number.isFinite(point) ? point : null;
  if (opts.resamples <= 0 || n === 0) return { value, ci_low: null, ci_high: null };
  const rng = new Rng(opts.seed);
  const idx = new Uint32Array(n);
  const reps = new Float64Array(opts.resamples);
  for (let b = 0; b < opts.resamples; b++) {
    rng.fillInt(idx, n);
    reps[b] = statistic(idx);
  }
  return { value, ...percentileInterval(reps, opts.level ?? 0.95) };
}
