/**
 * Krippendorff's α for any number of raters, with missing ratings, at the nominal, ordinal,
 * interval and ratio levels (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability";
 * Krippendorff 2004, Content Analysis, ch. 11).
 *
 * α = 1 − D_o / D_e = 1 − (n − 1) · Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, where o is the coincidence
 * matrix (each ordered pair of values within an item counts 1/(m_u − 1)), n_c its margins and n the
 * number of pairable values. Only pairable values enter: an item with fewer than 2 ratings drops
 * out entirely, its lone value counting neither in o nor in the margins.
 *
 * The coincidence matrix is never built as a k×k table where a closed form exists, so the cost is
 * linear in the ratings:
 * - nominal: Σ_{c≠k} n_uc n_uk = m_u² − Σ_c n_uc² per item, and n² − Σ_c n_c² overall;
 * - interval: Σ_{i,j} (x_i − x_j)² = 2 m Σ (x_i − x̄)², per item and overall;
 * - ordinal: δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² equals (r_k − r_c)² where r_g = N_{<g} + n_g/2 is
 *   the mid-rank of value g among the pairable values, so ordinal α is interval α on mid-ranks;
 * - ratio: δ²_ck = ((c − k)/(c + k))² has no such form; the expected term costs O(k²) in the number
 *   k of distinct pairable values (fine for rating scales, slow for 10⁵ distinct reals).
 *
 * Returns null when α is undefined: no pairable value (no item with 2 ratings), or no variation
 * among the pairable values (one single value: D_e = 0, so α = 0/0). This is the "all raters agree
 * on one single category" case. Ratio level requires values ≥ 0 and throws a RangeError otherwise.
 * `null`, `undefined` and `NaN` are missing ratings.
 */
import { codeValues, packRatings, type PackedRatings, type RatingMatrix } from './matrix.ts';

export type AlphaLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export function krippendorffAlpha(m: RatingMatrix, level: AlphaLevel): number | null {
  const packed = packRatings(m, 2);
  const n = packed.values.length;
  if (n === 0) return null;
  const { values } = packed;
  const first = values[0]!;
  let constant = true;
  for (let i = 1; i < n && constant; i++) if (values[i] !== first) constant = false;
  if (constant) return null;
  switch (level) {
    case 'nominal':
      return nominal(packed);
    case 'interval':
      return interval(packed, values);
    case 'ordinal':
      return interval(packed, midRanks(values));
    case 'ratio':
      return ratio(packed);
    default:
      throw new RangeError(`unknown level of measurement: ${String(level)}`);
  }
}

function nominal(packed: PackedRatings): number | null {
  const { values, start, kept } = packed;
  const n = values.length;
  const { codes, levels } = codeValues(values);
  const k = levels.length;
  const scratch = new Int32Array(k);
  const touched = new Int32Array(packed.nRaters);
  let observed = 0;
  for (let u = 0; u < kept; u++) {
    const s = start[u]!;
    const e = start[u + 1]!;
    const mu = e - s;
    // Two raters: the common case, no counting needed.
    if (mu === 2) {
      if (codes[s] !== codes[s + 1]) observed += 2;
      continue;
    }
    let t = 0;
    for (let p = s; p < e; p++) {
      const c = codes[p]!;
      if (scratch[c]++ === 0) touched[t++] = c;
    }
    let sq = 0;
    for (let q = 0; q < t; q++) {
      const c = touched[q]!;
      const cnt = scratch[c]!;
      sq += cnt * cnt;
      scratch[c] = 0;
    }
    observed += (mu * mu - sq) / (mu - 1);
  }
  const margins = new Float64Array(k);
  for (let i = 0; i < n; i++) margins[codes[i]!]++;
  let sq = 0;
  for (let c = 0; c < k; c++) sq += margins[c]! * margins[c]!;
  const expected = n * n - sq;
  return expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
}

/** Interval α on `x` (the packed values, or their mid-ranks for ordinal α). */
function interval(packed: PackedRatings, x: Float64Array): number | null {
  const { start, kept } = packed;
  const n = x.length;
  // Shifting by one value keeps constant data exactly constant and limits cancellation.
  const shift = x[0]!;
  let observed = 0;
  for (let u = 0; u < kept; u++) {
    const s = start[u]!;
    const e = start[u + 1]!;
    const mu = e - s;
    if (mu === 2) {
      const d = x[s]! - x[s + 1]!;
      observed += 2 * d * d; // 2·m·SS/(m−1) with m = 2, SS = d²/2
      continue;
    }
    let sum = 0;
    for (let p = s; p < e; p++) sum += x[p]! - shift;
    const mean = sum / mu;
    let ss = 0;
    for (let p = s; p < e; p++) {
      const d = x[p]! - shift - mean;
      ss += d * d;
    }
    observed += (2 * mu * ss) / (mu - 1);
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]! - shift;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - shift - mean;
    ss += d * d;
  }
  const expected = 2 * n * ss;
  return expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
}

/** Each value replaced by its mid-rank among all values: r_g = (count below g) + n_g / 2. */
function midRanks(values: Float64Array): Float64Array {
  const { codes, levels } = codeValues(values);
  const k = levels.length;
  const counts = new Float64Array(k);
  for (let i = 0; i < codes.length; i++) counts[codes[i]!]++;
  const rank = new Float64Array(k);
  let below = 0;
  for (let c = 0; c < k; c++) {
    rank[c] = below + counts[c]! / 2;
    below += counts[c]!;
  }
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = rank[codes[i]!]!;
  return out;
}

function ratio(packed: PackedRatings): number | null {
  const { values, start, kept } = packed;
  const n = values.length;
  for (let i = 0; i < n; i++) if (values[i]! < 0) throw new RangeError(`ratio-level α needs values ≥ 0, got ${values[i]}`);
  const delta = (a: number, b: number): number => {
    const s = a + b;
    if (s === 0) return 0;
    const r = (a - b) / s;
    return r * r;
  };
  let observed = 0;
  for (let u = 0; u < kept; u++) {
    const s = start[u]!;
    const e = start[u + 1]!;
    let pairSum = 0;
    for (let p = s; p < e; p++) for (let q = p + 1; q < e; q++) pairSum += delta(values[p]!, values[q]!);
    observed += (2 * pairSum) / (e - s - 1);
  }
  const { codes, levels } = codeValues(values);
  const k = levels.length;
  const margins = new Float64Array(k);
  for (let i = 0; i < n; i++) margins[codes[i]!]++;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    for (let d = c + 1; d < k; d++) expected += 2 * margins[c]! * margins[d]! * delta(levels[c]!, levels[d]!);
  }
  return expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
}
