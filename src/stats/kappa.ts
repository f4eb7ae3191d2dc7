/**
 * Two-rater agreement: percent agreement and Cohen's κ (unweighted, linear, quadratic), computed
 * from the K×K confusion matrix, plus a count-based item bootstrap of κ.
 *
 * Conventions shared by every function here:
 * - `a[i]` and `b[i]` are the two ratings of item i; a pair with NaN on either side is dropped
 *   (pairwise deletion), so NaN marks a missing rating. Arrays of different lengths, or an
 *   infinite rating, throw (programmer errors).
 * - "All raters agree on one single category": percent agreement is 1, κ is null (undefined: the
 *   chance agreement is 1, so κ is 0/0). κ is likewise null with no complete pair.
 */
import { percentileInterval, type BootstrapOptions, type Interval } from './bootstrap.ts';
import { codeValues } from './matrix.ts';
import { Rng } from './random.ts';

export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface KappaOptions {
  /**
   * Disagreement weights by distance between category POSITIONS in the ordered category list (as
   * sklearn's `cohen_kappa_score` does): linear |i−j|, quadratic (i−j)². With categories 1, 2, 5 the
   * distance from 1 to 5 is 2, not 4.
   */
  weights?: KappaWeights;
  /**
   * The ordered category list. Default: the distinct values of both raters, ascending. A category
   * nobody used changes weighted κ (it widens the scale) but not unweighted κ. A rating outside
   * the list throws a RangeError.
   */
  categories?: number[];
}

/** The complete pairs of two rating vectors (NaN on either side drops the pair). */
export function completePairs(a: ArrayLike<number>, b: ArrayLike<number>): { a: Float64Array; b: Float64Array } {
  if (a.length !== b.length) throw new RangeError(`paired ratings differ in length: ${a.length} and ${b.length}`);
  const n = a.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const u = a[i]!;
    const v = b[i]!;
    if (u !== u || v !== v) continue;
    if (!Number.isFinite(u) || !Number.isFinite(v)) throw new RangeError(`paired ratings: item ${i} has an infinite rating`);
    x[w] = u;
    y[w] = v;
    w++;
  }
  return { a: x.subarray(0, w), b: y.subarray(0, w) };
}

/**
 * Share of complete pairs on which the two raters give the same value (exact equality).
 * Null when there is no complete pair.
 */
export function percentAgreement(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) throw new RangeError(`paired ratings differ in length: ${a.length} and ${b.length}`);
  let n = 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    const u = a[i]!;
    const v = b[i]!;
    if (u !== u || v !== v) continue;
    if (u === Infinity || u === -Infinity || v === Infinity || v === -Infinity) throw new RangeError(`paired ratings: item ${i} has an infinite rating`);
    n++;
    if (u === v) same++;
  }
  return n === 0 ? null : same / n;
}

/** Pairs coded for counting: `pairCodes[i] = codeA * k + codeB` over the complete pairs. */
export interface CodedPairs {
  pairCodes: Int32Array;
  k: number;
  categories: Float64Array;
}

/** Codes the complete pairs of two raters on one shared category list (see KappaOptions.categories). */
export function codePairs(a: ArrayLike<number>, b: ArrayLike<number>, categories?: number[]): CodedPairs {
  const p = completePairs(a, b);
  const n = p.a.length;
  const both = new Float64Array(2 * n);
  both.set(p.a, 0);
  both.set(p.b, n);
  const { codes, levels } = codeValues(both, categories);
  const k = levels.length;
  const pairCodes = new Int32Array(n);
  for (let i = 0; i < n; i++) pairCodes[i] = codes[i]! * k + codes[n + i]!;
  return { pairCodes, k, categories: levels };
}

/**
 * Cohen's κ from a k×k confusion matrix (row = rater a, column = rater b, row-major), as
 * κ = 1 − Σ w·O / Σ w·E with E the product of the margins over N and w the disagreement weights.
 * Null when the matrix is empty or Σ w·E = 0 (both raters used one single, same category).
 */
export function kappaFromConfusion(counts: ArrayLike<number>, k: number, weights: KappaWeights = 'none'): number | null {
  if (counts.length !== k * k) throw new RangeError(`confusion matrix has ${counts.length} cells, expected ${k * k}`);
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = counts[i * k + j]!;
      rows[i] += c;
      cols[j] += c;
      total += c;
    }
  }
  if (total === 0) return null;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      const d = i - j;
      const w = weights === 'none' ? 1 : weights === 'linear' ? Math.abs(d) : d * d;
      observed += w * counts[i * k + j]!;
      expected += w * rows[i]! * cols[j]!;
    }
  }
  if (expected === 0) return null;
  return 1 - (observed * total) / expected;
}

/**
 * Cohen's κ between two raters (sklearn `cohen_kappa_score` semantics). See the module comment for
 * missing pairs and the one-category convention, and KappaOptions for weights and categories.
 * Null when there is no complete pair or the chance agreement is 1.
 */
export function cohenKappa(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { weights?: 'none' | 'linear' | 'quadratic'; categories?: number[] } = {},
): number | null {
  const { pairCodes, k } = codePairs(a, b, opts.categories);
  const counts = new Float64Array(k * k);
  for (let i = 0; i < pairCodes.length; i++) counts[pairCodes[i]!]++;
  return kappaFromConfusion(counts, k, opts.weights ?? 'none');
}

/**
 * Cohen's κ with an item-level percentile bootstrap interval. Items are the complete pairs. The
 * result is identical to `bootstrapItems(n, idx => κ of the resample, opts)` (same seed, same
 * resamples, same interval) with κ computed on the category list of the full sample (or
 * `opts.categories`), so that weighted κ keeps one scale across resamples. Resamples on which κ is
 * undefined drop out of the interval.
 *
 * Why not call `bootstrapItems` directly: at 2,000 × 20,000 draws, a method call on `Rng` per index
 * costs more than the counting itself. This path draws the very same stream (`Rng.countDraws`)
 * and counts each resample's confusion matrix straight from pre-coded pairs, without an index
 * array. The test suite checks it against `bootstrapItems`.
 */
export function cohenKappaBootstrap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: KappaOptions & BootstrapOptions,
): Interval {
  const { pairCodes, k } = codePairs(a, b, opts.categories);
  const weights = opts.weights ?? 'none';
  const n = pairCodes.length;
  const counts = new Float64Array(k * k);
  for (let i = 0; i < n; i++) counts[pairCodes[i]!]++;
  const value = n > 0 ? kappaFromConfusion(counts, k, weights) : null;
  if (opts.resamples <= 0 || n === 0) return { value, ci_low: null, ci_high: null };
  const rng = new Rng(opts.seed);
  const reps = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) {
    counts.fill(0);
    rng.countDraws(pairCodes, counts);
    reps[r] = kappaFromConfusion(counts, k, weights) ?? NaN;
  }
  return { value, ...percentileInterval(reps, opts.level ?? 0.95) };
}

