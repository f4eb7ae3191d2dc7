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
import { kappaFromConfusion } from './kappa.ts';

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

/** Two raters' k×k confusion matrix over the units both rated (row = truth, column = prediction). */
export function confusionSums(sums: ClusterSums, truth: Int32Array, pred: Int32Array, k: number): ConfusionReaders {
  const o = sums.block(k * k, (u, row, off) => {
    const t = truth[u]!;
    const p = pred[u]!;
    if (t >= 0 && p >= 0) row[off + t * k + p] += 1;
  });
  const total = (t: Float64Array): number => {
    let n = 0;
    for (let i = 0; i < k * k; i++) n += t[o + i]!;
    return n;
  };
  const diagonal = (t: Float64Array): number => {
    let d = 0;
    for (let c = 0; c < k; c++) d += t[o + c * k + c]!;
    return d;
  };
  // sklearn's per-class precision, recall and F1 (zero_division = 0), averaged over the k classes
  const macro = (which: 'precision' | 'recall' | 'f1'): TotalsReader => (t) => {
    if (total(t) === 0 || k === 0) return null;
    let s = 0;
    for (let c = 0; c < k; c++) {
      let support = 0;
      let predicted = 0;
      for (let j = 0; j < k; j++) {
        support += t[o + c * k + j]!;
        predicted += t[o + j * k + c]!;
      }
      const tp = t[o + c * k + c]!;
      const precision = predicted === 0 ? 0 : tp / predicted;
      const recall = support === 0 ? 0 : tp / support;
      s += which === 'precision' ? precision : which === 'recall' ? recall : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    }
    return s / k;
  };
  const agreement: TotalsReader = (t) => {
    const n = total(t);
    return n === 0 ? null : diagonal(t) / n;
  };
  const shared = sums.memo(agreement);
  return {
    percentAgreement: shared,
    cohenKappa: sums.memo((t) => kappaFromConfusion(t.subarray(o, o + k * k), k, 'none')),
    accuracy: shared,
    macroPrecision: sums.memo(macro('precision')),
    macroRecall: sums.memo(macro('recall')),
    macroF1: sums.memo(macro('f1')),
  };
}
