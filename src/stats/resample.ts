import { percentileInterval, type BootstrapOptions, type Interval } from './bootstrap.ts';
import { Rng } from './random.ts';

/**
 * The item-cluster bootstrap driver, written once. `statistics` maps the indices of a sample of the
 * n items (drawn with replacement; the first call is all items in order) to a vector of k values;
 * every statistic sees the SAME resamples, so differences between them are paired. The draws are
 * exactly those of `bootstrapItems` for the same seed. Returns the point vector and, per statistic,
 * its replicate column (NaN where undefined on a resample). No resamples when n = 0 or resamples ≤ 0.
 */
export function bootstrapVector(
  n: number,
  k: number,
  statistics: (indices: Uint32Array, resample: number) => ArrayLike<number>,
  opts: { resamples: number; seed: number },
): { point: Float64Array; replicates: Float64Array[] } {
  const idx = new Uint32Array(n);
  return drive(n, k, opts, statistics, () => {
    for (let i = 0; i < n; i++) idx[i] = i;
    return idx;
  }, (rng) => {
    rng.fillInt(idx, n);
    return idx;
  });
}

/** The one loop both drivers share: the point value on the full sample, then B resamples drawn by `draw`. */
function drive<S>(
  n: number,
  k: number,
  opts: { resamples: number; seed: number },
  statistics: (sample: S, resample: number) => ArrayLike<number>,
  full: () => S,
  draw: (rng: Rng) => S,
): { point: Float64Array; replicates: Float64Array[] } {
  const point = new Float64Array(k).fill(NaN);
  const B = n > 0 && opts.resamples > 0 ? opts.resamples : 0;
  const replicates = Array.from({ length: k }, () => new Float64Array(B));
  if (n === 0) return { point, replicates };
  point.set(statistics(full(), -1));
  if (B === 0) return { point, replicates };
  const rng = new Rng(opts.seed);
  for (let b = 0; b < B; b++) {
    const v = statistics(draw(rng), b);
    for (let j = 0; j < k; j++) replicates[j]![b] = v[j]!;
  }
  return { point, replicates };
}

/**
 * `bootstrapVector` for statistics that depend on a resample only through how often it drew each
 * item (weighted sums): `statistics` gets those counts (all ones for the point value, then one
 * vector per resample, reused between calls) instead of the drawn indices. The draws are exactly
 * those of `bootstrapVector` and `bootstrapItems` for the same seed (`Rng.countDraws`), without
 * writing the indices down first.
 */
export function bootstrapCounts(
  n: number,
  k: number,
  statistics: (counts: Float64Array, resample: number) => ArrayLike<number>,
  opts: { resamples: number; seed: number },
): { point: Float64Array; replicates: Float64Array[] } {
  const counts = new Float64Array(n);
  const identity = new Uint32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  return drive(n, k, opts, statistics, () => counts.fill(1), (rng) => {
    counts.fill(0);
    rng.countDraws(identity, counts);
    return counts;
  });
}

/** The units of a sample of clusters (items), in sample order: each drawn cluster contributes all its units. */
export function clusterUnits(clusters: readonly Int32Array[], sample: ArrayLike<number>): Int32Array {
  let n = 0;
  for (let i = 0; i < sample.length; i++) n += clusters[sample[i]!]!.length;
  const out = new Int32Array(n);
  let w = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = clusters[sample[i]!]!;
    out.set(c, w);
    w += c.length;
  }
  return out;
}

/** The resamples of n items as `bootstrapVector` draws them (without the full sample). */
export function itemResamples(n: number, resamples: number, seed: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  bootstrapVector(n, 0, (idx, b) => (b >= 0 && out.push(Uint32Array.from(idx)), []), { resamples, seed });
  return out;
}

/** A point value with the percentile interval of its replicates: the one interval type of every result. */
export function intervalOf(value: number | null, replicates: ArrayLike<number> | null, level = 0.95): Interval {
  if (value === null || !Number.isFinite(value)) return { value: null, ci_low: null, ci_high: null };
  if (!replicates || replicates.length === 0) return { value, ci_low: null, ci_high: null };
  return { value, ...percentileInterval(replicates, level) };
}

export type { BootstrapOptions, Interval };
