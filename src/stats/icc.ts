/**
 * Intraclass correlations from the two-way ANOVA of an items × raters table (Shrout & Fleiss 1979;
 * McGraw & Wong 1996), with n items (targets) and k raters (judges):
 *
 *   ICC(2,1) = (MSR − MSE) / (MSR + (k−1) MSE + k (MSC − MSE) / n)   two-way random, absolute agreement, single rater
 *   ICC(3,1) = (MSR − MSE) / (MSR + (k−1) MSE)                       two-way mixed, consistency, single rater
 *   ICC(2,k) = (MSR − MSE) / (MSR + (MSC − MSE) / n)                  the same for the mean of k raters
 *   ICC(3,k) = (MSR − MSE) / MSR
 *
 * (McGraw & Wong's ICC(A,1), ICC(C,1), ICC(A,k), ICC(C,k); pingouin's ICC2, ICC3, ICC2k, ICC3k.)
 *
 * Rows with a missing rating: the two-way ANOVA needs a complete table, so an item with any missing
 * rating is dropped whole (listwise deletion); `n_items` counts the complete items used and
 * `n_raters` is the number of columns (the longest row; a shorter row counts as missing its last
 * ratings). Dropping is honest but can waste data: with many gaps, prefer Krippendorff's interval α.
 *
 * Null (each coefficient separately) when it is undefined: fewer than 2 complete items or fewer
 * than 2 raters (all four null), or a zero denominator, e.g. no variance at all. Sums of squares
 * below 1e-12 of the total are set to 0, so that a table that is constant along rows or columns
 * gives the exact answer (e.g. null or 1) rather than rounding noise.
 */
import type { RatingMatrix } from './matrix.ts';

export interface IccResult { icc2_1: number | null; icc3_1: number | null; icc2_k: number | null; icc3_k: number | null; n_items: number; n_raters: number }

export interface IccAnova {
  n: number;
  k: number;
  msr: number;
  msc: number;
  mse: number;
}

/** The mean squares of the two-way ANOVA (rows, columns, residual) on the complete rows; null if n < 2 or k < 2. */
export function iccAnova(m: RatingMatrix): IccAnova | null {
  let k = 0;
  for (const row of m) if (row.length > k) k = row.length;
  const rows: number[] = [];
  for (let i = 0; i < m.length; i++) {
    const row = m[i]!;
    if (row.length < k) continue;
    let complete = true;
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (typeof v !== 'number' || v !== v) {
        if (v === null || v === undefined || v !== v) {
          complete = false;
          break;
        }
        throw new TypeError(`rating matrix: item ${i}, rater ${j}: a rating must be a number or null, got ${typeof v}`);
      }
      if (!Number.isFinite(v)) throw new RangeError(`rating matrix: item ${i}, rater ${j}: rating is infinite`);
    }
    if (complete) rows.push(i);
  }
  const n = rows.length;
  if (n < 2 || k < 2) return null;
  const x = new Float64Array(n * k);
  const shift = m[rows[0]!]![0]!;
  for (let r = 0; r < n; r++) {
    const row = m[rows[r]!]!;
    for (let j = 0; j < k; j++) x[r * k + j] = (row[j] as number) - shift;
  }
  const rowMean = new Float64Array(n);
  const colMean = new Float64Array(k);
  let grand = 0;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < k; j++) {
      const v = x[r * k + j]!;
      rowMean[r] += v;
      colMean[j] += v;
      grand += v;
    }
  }
  for (let r = 0; r < n; r++) rowMean[r] /= k;
  for (let j = 0; j < k; j++) colMean[j] /= n;
  grand /= n * k;
  let ssr = 0;
  for (let r = 0; r < n; r++) ssr += (rowMean[r]! - grand) ** 2;
  ssr *= k;
  let ssc = 0;
  for (let j = 0; j < k; j++) ssc += (colMean[j]! - grand) ** 2;
  ssc *= n;
  // The residual is summed directly, not as total − rows − columns, to avoid cancellation.
  let sse = 0;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < k; j++) {
      const e = x[r * k + j]! - rowMean[r]! - colMean[j]! + grand;
      sse += e * e;
    }
  }
  const tiny = 1e-12 * (ssr + ssc + sse);
  if (ssr <= tiny) ssr = 0;
  if (ssc <= tiny) ssc = 0;
  if (sse <= tiny) sse = 0;
  return { n, k, msr: ssr / (n - 1), msc: ssc / (k - 1), mse: sse / ((n - 1) * (k - 1)) };
}

/** ICC(2,1), ICC(3,1), ICC(2,k), ICC(3,k); see the module comment for missing rows and nulls. */
export function icc(m: RatingMatrix): IccResult {
  const a = iccAnova(m);
  let k = 0;
  for (const row of m) if (row.length > k) k = row.length;
  if (a === null) {
    let complete = 0;
    for (const row of m) if (row.length === k && row.every((v) => typeof v === 'number' && v === v)) complete++;
    return { icc2_1: null, icc3_1: null, icc2_k: null, icc3_k: null, n_items: complete, n_raters: k };
  }
  return { ...iccOfMeanSquares(a, k), n_items: a.n, n_raters: k };
}

/**
 * The four ICCs of the two-way ANOVA mean squares (Shrout & Fleiss), shared by `icc` and the
 * counted ICC (count-numeric.ts). Null where the denominator is 0, or within 1e-12 of the mean
 * squares' size: a denominator that cancels to rounding noise (e.g. ICC(2,k) of [[2,4],[4,2],[2,2]],
 * exactly 0 in exact arithmetic) would otherwise publish ±1e16.
 */
export function iccOfMeanSquares(a: { n: number; msr: number; msc: number; mse: number }, k: number): { icc2_1: number | null; icc3_1: number | null; icc2_k: number | null; icc3_k: number | null } {
  const { n, msr, msc, mse } = a;
  const tiny = 1e-12 * (Math.abs(msr) + Math.abs(msc) + Math.abs(mse));
  const ratio = (num: number, den: number): number | null => (den === 0 || Math.abs(den) <= tiny ? null : num / den);
  return {
    icc2_1: ratio(msr - mse, msr + (k - 1) * mse + (k * (msc - mse)) / n),
    icc3_1: ratio(msr - mse, msr + (k - 1) * mse),
    icc2_k: ratio(msr - mse, msr + (msc - mse) / n),
    icc3_k: ratio(msr - mse, msr),
  };
}
