/**
 * Agreement statistics from per-unit counts, for the counting bootstrap (`ClusterSums`): each
 * function here registers the sums a statistic needs and returns readers that compute the
 * statistic from a totals vector. Every reader gives what the direct function gives on the same
 * units (`fleissKappa`, `krippendorffAlpha` nominal, `gwetAC1`, `percentAgreement`, `cohenKappa`,
 * `classificationReport`), with the same conventions for undefined values (null); the tests check
 * one against the other.
 *
 * Ratings are category positions: `codes[r][u]` is rater r's category (0..k−1) on unit u, −1 where
 * missing.
 */
import type { ClusterSums } from './cluster-sums.ts';

export type TotalsReader = (totals: Float64Array) => number | null;

/** Category positions of values on a scale (NaN: −1); null when a value is not on the scale. */
export function positionsOnScale(values: ArrayLike<number>, scale: readonly number[]): Int32Array | null {
  const out = new Int32Array(values.length);
  if (scale.every((v, i) => v === i)) {
    // codes 0..k−1 (the nominal level): a value is its own position
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) out[i] = -1;
      else if (Number.isInteger(v) && v >= 0 && v < scale.length) out[i] = v;
      else return null;
    }
    return out;
  }
  const pos = new Map(scale.map((v, i) => [v, i]));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) {
      out[i] = -1;
      continue;
    }
    const p = pos.get(v);
    if (p === undefined) return null;
    out[i] = p;
  }
  return out;
}

export interface MultiRaterReaders {
  /** Fleiss' observed agreement P̄ over units with ≥ 2 ratings. */
  percentAgreement: TotalsReader;
  /** Krippendorff's α, nominal. */
  alphaNominal: TotalsReader;
  fleissKappa: TotalsReader;
  /** Gwet's AC1 on the k categories (as `gwetAC1(m, { categories })` with the k-point scale; null when k < 2). */
  gwetAC1: TotalsReader;
}

/** The multi-rater statistics of the raters `codes` (k categories). */
export function multiRaterSums(sums: ClusterSums, codes: readonly Int32Array[], k: number): MultiRaterReaders {
  // n1, n2: units with ≥ 1 / ≥ 2 ratings; agree: Σ Σ_c x_c(x_c − 1)/(m(m − 1)); an, ao: α's n and
  // observed disagreement; then α's margins, Fleiss' Σ x_c/m (m ≥ 2) and Gwet's Σ x_c/m (m ≥ 1).
  const x = new Float64Array(k);
  const MARGIN = 5;
  const FLEISS = 5 + k;
  const GWET = 5 + 2 * k;
  const o = sums.block(5 + 3 * k, (u, row, off) => {
    x.fill(0);
    let m = 0;
    for (const c of codes) {
      const v = c[u]!;
      if (v < 0) continue;
      x[v]++;
      m++;
    }
    if (m === 0) return;
    row[off] += 1;
    for (let c = 0; c < k; c++) if (x[c]) row[off + GWET + c] += x[c]! / m;
    if (m < 2) return;
    let agree = 0;
    let sq = 0;
    for (let c = 0; c < k; c++) {
      agree += x[c]! * (x[c]! - 1);
      sq += x[c]! * x[c]!;
      if (x[c]) {
        row[off + MARGIN + c] += x[c]!;
        row[off + FLEISS + c] += x[c]! / m;
      }
    }
    row[off + 1] += 1;
    row[off + 2] += agree / (m * (m - 1));
    row[off + 3] += m;
    row[off + 4] += (m * m - sq) / (m - 1);
  });
  return {
    percentAgreement: (t) => (t[o + 1]! > 0 ? t[o + 2]! / t[o + 1]! : null),
    alphaNominal: (t) => {
      const n = t[o + 3]!;
      if (n === 0) return null;
      let sq = 0;
      for (let c = 0; c < k; c++) sq += t[o + MARGIN + c]! * t[o + MARGIN + c]!;
      const expected = n * n - sq;
      return expected === 0 ? null : 1 - ((n - 1) * t[o + 4]!) / expected;
    },
    fleissKappa: (t) => {
      const kept = t[o + 1]!;
      if (kept === 0) return null;
      const pa = t[o + 2]! / kept;
      let pe = 0;
      for (let c = 0; c < k; c++) {
        const p = t[o + FLEISS + c]! / kept;
        pe += p * p;
      }
      return pe >= 1 ? null : (pa - pe) / (1 - pe);
    },
    gwetAC1: (t) => {
      const kept = t[o]!;
      const n2 = t[o + 1]!;
      if (kept === 0 || k < 2 || n2 === 0) return null;
      const pa = t[o + 2]! / n2;
      let spread = 0;
      for (let c = 0; c < k; c++) {
        const p = t[o + GWET + c]! / kept;
        spread += p * (1 - p);
      }
      const pe = (k * spread) / (k * (k - 1));
      return pe === 1 ? null : (pa - pe) / (1 - pe);
    },
  };
}

export interface ConfusionReaders {
  percentAgreement: TotalsReader;
  cohenKappa: TotalsReader;
  accuracy: TotalsReader;
  macroPrecision: TotalsReader;
  macroRecall: TotalsReader;
  macroF1: TotalsReader;
}

/**
 * Registers the kr × kc contingency table of two code vectors (−1: missing) over the units where
 * both are present: cell (i, j) at offset + i · kc + j counts the units with row code i and column
 * code j. Returns the offset.
 */
export function contingencyBlock(sums: ClusterSums, rowCode: Int32Array, colCode: Int32Array, kr: number, kc: number): number {
  return sums.block(kr * kc, (u, row, off) => {
    const a = rowCode[u]!;
    const b = colCode[u]!;
    if (a >= 0 && b >= 0) row[off + a * kc + b] += 1;
  });
}

/** Two raters' k×k confusion matrix over the units both rated (row = truth, column = prediction). */
export function confusionSums(sums: ClusterSums, truth: Int32Array, pred: Int32Array, k: number): ConfusionReaders {
  const o = contingencyBlock(sums, truth, pred, k, k);
  // every statistic of the table in one pass per totals: n, diagonal, margins, κ, and sklearn's
  // per-class precision, recall and F1 (zero_division = 0) averaged over the k classes
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  const out = { n: 0, agreement: null as number | null, kappa: null as number | null, precision: null as number | null, recall: null as number | null, f1: null as number | null };
  const all = sums.memo((t) => {
    rows.fill(0);
    cols.fill(0);
    let n = 0;
    let diag = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const c = t[o + i * k + j]!;
        rows[i] += c;
        cols[j] += c;
        n += c;
      }
      diag += t[o + i * k + i]!;
    }
    out.n = n;
    if (n === 0 || k === 0) {
      out.agreement = out.kappa = out.precision = out.recall = out.f1 = null;
      return out;
    }
    out.agreement = diag / n;
    // Cohen's κ as kappaFromConfusion computes it (unweighted: the off-diagonal cells)
    let observed = 0;
    let expected = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        observed += t[o + i * k + j]!;
        expected += rows[i]! * cols[j]!;
      }
    }
    out.kappa = expected === 0 ? null : 1 - (observed * n) / expected;
    let sp = 0;
    let sr = 0;
    let sf = 0;
    for (let c = 0; c < k; c++) {
      const tp = t[o + c * k + c]!;
      const precision = cols[c] === 0 ? 0 : tp / cols[c]!;
      const recall = rows[c] === 0 ? 0 : tp / rows[c]!;
      sp += precision;
      sr += recall;
      sf += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    }
    out.precision = sp / k;
    out.recall = sr / k;
    out.f1 = sf / k;
    return out;
  });
  const agreement: TotalsReader = (t) => all(t).agreement;
  return {
    percentAgreement: agreement,
    cohenKappa: (t) => all(t).kappa,
    accuracy: agreement,
    macroPrecision: (t) => all(t).precision,
    macroRecall: (t) => all(t).recall,
    macroF1: (t) => all(t).f1,
  };
}
