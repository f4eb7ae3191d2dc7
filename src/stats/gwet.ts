/**
 * Gwet's AC1 (nominal) and AC2 (weighted) agreement coefficients for any number of raters with
 * missing ratings, by the formulas of Gwet (2014, Handbook of Inter-Rater Reliability, 4th ed.,
 * ch. 4), as implemented by his irrCAC `gwet.ac1.raw`:
 *
 *   r*_ik = Σ_l w_kl r_il
 *   p_a = mean over items with r_i ≥ 2 of Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))
 *   π_k = mean over items with r_i ≥ 1 of r_ik / r_i
 *   p_e = T_w / (q (q − 1)) · Σ_k π_k (1 − π_k),   T_w = Σ_kl w_kl
 *   AC = (p_a − p_e) / (1 − p_e)
 *
 * with q the number of categories. Unlike Fleiss' κ and Krippendorff's α, an item with a single
 * rating still counts in π_k (Gwet's definition). q is the number of distinct values rated, or the
 * length of `categories` when given: a category nobody used still changes p_e, so pass the full
 * scale when it is known.
 *
 * Null when no item has 2 ratings, when q < 2 (every rating in one single category and no wider
 * `categories` given: p_e is 0/0), or when p_e = 1. With `categories` of 2 or more and every rating
 * in one category, p_e = 0 and AC1 = p_a = 1 (Gwet's convention: perfect agreement). `null`,
 * `undefined` and `NaN` are missing; a value outside `categories` throws a RangeError.
 */
import { codeValues, itemCategoryCounts, packRatings, type RatingMatrix } from './matrix.ts';

export type GwetWeights = 'none' | 'linear' | 'quadratic';

export interface GwetOptions {
  /** The full category scale (numbers). Default: the distinct values rated. */
  categories?: number[];
}

/** Gwet's AC1 (unweighted). See the module comment. */
export function gwetAC1(m: RatingMatrix, opts: GwetOptions = {}): number | null {
  return gwetAC2(m, { weights: 'none', ...opts });
}

/**
 * Gwet's AC2 with agreement weights on the category VALUES (Gwet 2014; irrCAC `linear.weights`,
 * `quadratic.weights`): linear w_kl = 1 − |x_k − x_l| / (x_max − x_min), quadratic
 * w_kl = 1 − (x_k − x_l)² / (x_max − x_min)². `weights: 'none'` is AC1.
 */
export function gwetAC2(m: RatingMatrix, opts: GwetOptions & { weights: GwetWeights }): number | null {
  const packed = packRatings(m, 1);
  if (packed.kept === 0) return null;
  const { codes, levels } = codeValues(packed.values, opts.categories);
  const q = levels.length;
  if (q < 2) return null;
  const w = weightMatrix(levels, opts.weights);
  let tw = 0;
  for (let i = 0; i < q * q; i++) tw += w[i]!;
  const counts = itemCategoryCounts(packed, codes, q);
  const pi = new Float64Array(q);
  const star = new Float64Array(q);
  let pa = 0;
  let n2 = 0;
  for (let i = 0; i < packed.kept; i++) {
    const r = packed.start[i + 1]! - packed.start[i]!;
    const base = i * q;
    for (let k = 0; k < q; k++) pi[k] += counts[base + k]! / r;
    if (r < 2) continue;
    n2++;
    let agree = 0;
    if (opts.weights === 'none') {
      for (let k = 0; k < q; k++) {
        const x = counts[base + k]!;
        agree += x * (x - 1);
      }
    } else {
      star.fill(0);
      for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) star[k] += w[k * q + l]! * counts[base + l]!;
      for (let k = 0; k < q; k++) agree += counts[base + k]! * (star[k]! - 1);
    }
    pa += agree / (r * (r - 1));
  }
  if (n2 === 0) return null;
  pa /= n2;
  let spread = 0;
  for (let k = 0; k < q; k++) {
    const p = pi[k]! / packed.kept;
    spread += p * (1 - p);
  }
  const pe = (tw * spread) / (q * (q - 1));
  if (pe === 1) return null;
  return (pa - pe) / (1 - pe);
}

function weightMatrix(levels: Float64Array, weights: GwetWeights): Float64Array {
  const q = levels.length;
  const w = new Float64Array(q * q);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < q; k++) {
    lo = Math.min(lo, levels[k]!);
    hi = Math.max(hi, levels[k]!);
  }
  const span = hi - lo;
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) {
      const d = Math.abs(levels[k]! - levels[l]!) / span;
      w[k * q + l] = weights === 'none' ? (k === l ? 1 : 0) : weights === 'linear' ? 1 - d : 1 - d * d;
    }
  }
  return w;
}
