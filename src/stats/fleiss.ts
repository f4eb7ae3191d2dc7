/**
 * Fleiss' κ for any number of raters per item (Fleiss 1971), generalised to unequal numbers of
 * ratings per item as in Gwet (2014, Handbook of Inter-Rater Reliability, 4th ed., §2.3 / ch. 5):
 *
 *   P_a = mean over items of Σ_c r_ic (r_ic − 1) / (r_i (r_i − 1))
 *   π_c = mean over items of r_ic / r_i,   P_e = Σ_c π_c²,   κ = (P_a − P_e) / (1 − P_e)
 *
 * where r_ic is the number of ratings of item i in category c and r_i its number of ratings. With
 * the same number of ratings on every item this is exactly Fleiss' κ (statsmodels `fleiss_kappa`).
 * Items with fewer than 2 ratings are dropped before anything is computed, from P_e too (Gwet's
 * irrCAC `fleiss.kappa.raw` keeps single-rated items in π_c; we drop them so that every item that
 * counts can show agreement, as in Krippendorff's α). Categories are the distinct values present.
 *
 * Null when no item has 2 ratings, or when P_e = 1: every rating is in one single category (the
 * "all raters agree on one category" case, κ = 0/0). `null`, `undefined` and `NaN` are missing.
 */
import { codeValues, itemCategoryCounts, packRatings, type RatingMatrix } from './matrix.ts';

export function fleissKappa(m: RatingMatrix): number | null {
  const packed = packRatings(m, 2);
  if (packed.kept === 0) return null;
  const { codes, levels } = codeValues(packed.values);
  const k = levels.length;
  const counts = itemCategoryCounts(packed, codes, k);
  const pi = new Float64Array(k);
  let pa = 0;
  for (let i = 0; i < packed.kept; i++) {
    const r = packed.start[i + 1]! - packed.start[i]!;
    let agree = 0;
    for (let c = 0; c < k; c++) {
      const x = counts[i * k + c]!;
      agree += x * (x - 1);
      pi[c] += x / r;
    }
    pa += agree / (r * (r - 1));
  }
  pa /= packed.kept;
  let pe = 0;
  for (let c = 0; c < k; c++) {
    const p = pi[c]! / packed.kept;
    pe += p * p;
  }
  if (pe >= 1) return null;
  return (pa - pe) / (1 - pe);
}
