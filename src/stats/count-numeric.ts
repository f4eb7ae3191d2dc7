/**
 * The ordinal, interval and ratio statistics of the agreement study read from per-unit sums, for
 * the counting bootstrap (`ClusterSums`), beside the nominal ones of count-agreement.ts. Each
 * function registers the sums a statistic needs and returns readers of a totals vector; every
 * reader gives what the direct function gives on the same units, with the same nulls:
 *
 * - `alphaSums`: Krippendorff's α ordinal, interval or ratio (`krippendorffAlpha`) from the
 *   coincidences of each unit's pairable values over the scale;
 * - `pairTableSums`: two raters' statistics (`percentAgreement`, `cohenKappa` unweighted, linear
 *   and quadratic, `pearson`, `spearman`, `kendallTauB`, the mean absolute difference) from the
 *   contingency table of their complete pairs over (distinct value of one, distinct value of the
 *   other). The values need not lie on a scale (a consensus mean does not), only be few;
 * - `iccSums`: ICC(2,1), ICC(3,1), ICC(2,k), ICC(3,k) (`icc`) from the two-way ANOVA sums of the
 *   complete units.
 *
 * Tables are capped at `MAX_TABLE_CELLS`: a reader costs O(cells) per resample, and beyond a few
 * thousand cells (truly continuous ratings) recomputing from the labels is as cheap, so the
 * functions return null and the caller keeps the generic statistic.
 */
import type { ClusterSums } from './cluster-sums.ts';
import { contingencyBlock, type TotalsReader } from './count-agreement.ts';
import { iccOfMeanSquares } from './icc.ts';

/**
 * The largest table a reader works on: 4,096 cells is a 64 × 64 contingency table (any rating
 * scale against the mean of several raters on it), or the 91-value scale of ordinal and ratio α
 * (k(k−1)/2 coincidences). Per resample such a reader costs what the generic statistic costs on
 * about a thousand units, so below the cap counting wins from a thousand units on, and the rows of
 * the sums (one per distinct item) stay small.
 */
export const MAX_TABLE_CELLS = 4096;

// -------------------------------------------------------------------------------------------------
// Krippendorff's α at the ordinal, interval and ratio levels

/**
 * Krippendorff's α of the raters `codes` (`codes[r][u]`: position of rater r's value on `scale`,
 * −1 where missing) at `level`, or null when the scale is too long to count (see MAX_TABLE_CELLS).
 *
 * Only units with ≥ 2 ratings enter (their values are the pairable values). Each adds its values to
 * the margins n_c and:
 * - interval, ratio: its observed disagreement Σ_{i<j} 2 δ²(x_i, x_j) / (m − 1), which does not
 *   depend on the other units; the expected term is Σ_{c,d} n_c n_d δ²_cd from the margins;
 * - ordinal: its coincidences n_uc n_ud / (m − 1) for c < d, since δ² is the squared difference of
 *   mid-ranks r_c = N_{<c} + n_c / 2 that depend on the margins of the whole resample.
 */
export function alphaSums(sums: ClusterSums, codes: readonly Int32Array[], scale: readonly number[], level: 'ordinal' | 'interval' | 'ratio'): TotalsReader | null {
  const k = scale.length;
  const pairs = (k * (k - 1)) / 2;
  if ((level === 'interval' ? k : pairs) > MAX_TABLE_CELLS) return null;
  const x = new Float64Array(k);
  const present: number[] = [];
  const vals: number[] = [];
  const pairAt = (c: number, d: number) => c * k - (c * (c + 1)) / 2 + (d - c - 1); // c < d
  const ratioDelta = (a: number, b: number): number => {
    const s = a + b;
    if (s === 0) return 0;
    const r = (a - b) / s;
    return r * r;
  };
  const OBS = k; // interval, ratio: one observed sum after the margins; ordinal: the coincidences
  const o = sums.block(level === 'ordinal' ? k + pairs : k + 1, (u, row, off) => {
    present.length = 0;
    vals.length = 0;
    for (const c of codes) {
      const v = c[u]!;
      if (v < 0) continue;
      if (x[v]++ === 0) present.push(v);
      vals.push(scale[v]!);
    }
    const m = vals.length;
    if (m >= 2) {
      for (const c of present) row[off + c] += x[c]!;
      if (level === 'ordinal') {
        for (const c of present) for (const d of present) if (c < d) row[off + OBS + pairAt(c, d)] += (x[c]! * x[d]!) / (m - 1);
      } else if (level === 'interval') {
        // as krippendorff.ts sums it: 2·m·SS/(m − 1), SS about the unit's mean
        let obs: number;
        if (m === 2) obs = 2 * (vals[0]! - vals[1]!) ** 2;
        else {
          const shift = vals[0]!;
          let s = 0;
          for (const v of vals) s += v - shift;
          const mean = s / m;
          let ss = 0;
          for (const v of vals) ss += (v - shift - mean) ** 2;
          obs = (2 * m * ss) / (m - 1);
        }
        row[off + OBS] += obs;
      } else {
        let pairSum = 0;
        for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) pairSum += ratioDelta(vals[p]!, vals[q]!);
        row[off + OBS] += (2 * pairSum) / (m - 1);
      }
    }
    for (const c of present) x[c] = 0;
  });
  const margins = new Float64Array(k);
  const ratioTable = level === 'ratio' ? new Float64Array(pairs) : null;
  if (ratioTable) for (let c = 0; c < k; c++) for (let d = c + 1; d < k; d++) ratioTable[pairAt(c, d)] = ratioDelta(scale[c]!, scale[d]!);
  const mids = new Float64Array(k);
  return (t) => {
    let n = 0;
    let used = 0;
    for (let c = 0; c < k; c++) {
      const v = t[o + c]!;
      margins[c] = v;
      n += v;
      if (v !== 0) used++;
    }
    // no pairable value, or one single value (D_e = 0): undefined
    if (n === 0 || used < 2) return null;
    let observed = 0;
    let expected = 0;
    if (level === 'ratio') {
      for (let c = 0; c < k; c++) if (margins[c] !== 0 && scale[c]! < 0) throw new RangeError(`ratio-level α needs values ≥ 0, got ${scale[c]}`);
      observed = t[o + OBS]!;
      for (let c = 0; c < k; c++) {
        if (margins[c] === 0) continue;
        for (let d = c + 1; d < k; d++) expected += 2 * margins[c]! * margins[d]! * ratioTable![pairAt(c, d)]!;
      }
      return expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
    }
    // interval α on the values, ordinal α on their mid-ranks among the pairable values
    let values: ArrayLike<number> = scale;
    if (level === 'ordinal') {
      let below = 0;
      for (let c = 0; c < k; c++) {
        mids[c] = below + margins[c]! / 2;
        below += margins[c]!;
      }
      values = mids;
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += margins[c]! * values[c]!;
    const mean = s / n;
    let ss = 0;
    for (let c = 0; c < k; c++) if (margins[c] !== 0) ss += margins[c]! * (values[c]! - mean) ** 2;
    expected = 2 * n * ss;
    if (level === 'ordinal') {
      for (let c = 0; c < k; c++) {
        for (let d = c + 1; d < k; d++) {
          const w = t[o + OBS + pairAt(c, d)]!;
          if (w !== 0) observed += 2 * w * (mids[c]! - mids[d]!) ** 2;
        }
      }
    } else observed = t[o + OBS]!;
    return expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
  };
}

// -------------------------------------------------------------------------------------------------
// two raters: the contingency table of their complete pairs

export interface PairTableReaders {
  /** Complete pairs. */
  n: TotalsReader;
  percentAgreement: TotalsReader;
  /** Cohen's κ on the positions of `scale` (null throughout when a value of either side is off it). */
  cohenKappa: TotalsReader;
  kappaLinear: TotalsReader;
  kappaQuadratic: TotalsReader;
  pearson: TotalsReader;
  spearman: TotalsReader;
  kendallTauB: TotalsReader;
  /** Mean absolute difference. */
  mae: TotalsReader;
}

/** The distinct finite values of v ascending and each entry's index among them (−1: NaN); null if a value is infinite. */
function distinctCodes(v: Float64Array): { levels: number[]; code: Int32Array } | null {
  // one look-up per value, in order of appearance; then the codes renumbered in ascending order
  const seen = new Map<number, number>();
  const first: number[] = [];
  const code = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let a = v[i]!;
    if (a !== a) {
      code[i] = -1;
      continue;
    }
    if (a === 0) a = 0; // -0 is 0
    let c = seen.get(a);
    if (c === undefined) {
      if (!Number.isFinite(a)) return null;
      c = first.length;
      seen.set(a, c);
      first.push(a);
    }
    code[i] = c;
  }
  const order = first.map((_, i) => i).sort((p, q) => first[p]! - first[q]!);
  const rank = new Int32Array(first.length);
  order.forEach((p, r) => (rank[p] = r));
  for (let i = 0; i < code.length; i++) if (code[i]! >= 0) code[i] = rank[code[i]!]!;
  return { levels: order.map((p) => first[p]!), code };
}

/**
 * The statistics of (pred, truth) over their complete pairs, as the direct functions compute them
 * on (truth, pred): every one is a function of the table T[i][j] = pairs with truth = x_i and
 * pred = y_j. Null when the table would exceed `maxCells` (default MAX_TABLE_CELLS) or a value is
 * infinite. κ weighs by positions on `scale` (default: the distinct values of both vectors, fixed
 * over the resamples as in `cohenKappaBootstrap`).
 */
export function pairTableSums(
  sums: ClusterSums,
  pred: Float64Array,
  truth: Float64Array,
  opts: { scale?: readonly number[]; maxCells?: number } = {},
): PairTableReaders | null {
  if (pred.length !== truth.length) throw new RangeError(`paired ratings differ in length: ${pred.length} and ${truth.length}`);
  const X = distinctCodes(truth);
  const Y = distinctCodes(pred);
  if (!X || !Y) return null;
  const kx = X.levels.length;
  const ky = Y.levels.length;
  if (kx * ky > (opts.maxCells ?? MAX_TABLE_CELLS)) return null;
  const xv = X.levels;
  const yv = Y.levels;
  const xc = X.code;
  const yc = Y.code;
  const o = contingencyBlock(sums, xc, yc, kx, ky);

  // the margins of a totals vector, read once per totals (every reader below needs them)
  const rows = new Float64Array(kx);
  const cols = new Float64Array(ky);
  const margins = sums.memo((t) => {
    rows.fill(0);
    cols.fill(0);
    let n = 0;
    let usedX = 0;
    let usedY = 0;
    for (let i = 0; i < kx; i++) {
      for (let j = 0; j < ky; j++) {
        const c = t[o + i * ky + j]!;
        rows[i] += c;
        cols[j] += c;
      }
      n += rows[i]!;
      if (rows[i] !== 0) usedX++;
    }
    for (let j = 0; j < ky; j++) if (cols[j] !== 0) usedY++;
    return { n, constant: usedX < 2 || usedY < 2 };
  });

  // Pearson's r of the table's values (the values, or their mid-ranks), as correlation.ts computes
  // it: null with fewer than 2 pairs or a constant side; 2 pairs give the sign of their slope
  const pearsonOf = (t: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>): number | null => {
    const { n, constant } = margins(t);
    if (n < 2 || constant) return null;
    if (n === 2) {
      let first = -1;
      let second = -1;
      for (let i = 0; i < kx; i++) {
        for (let j = 0; j < ky; j++) {
          if (t[o + i * ky + j] === 0) continue;
          if (first < 0) first = j;
          else second = j;
        }
      }
      return Math.sign(b[second]! - b[first]!);
    }
    // centred on a value of the data first, as pearson() (correlation.ts) is: the lowest used one
    let ca = 0;
    let cb = 0;
    for (let i = 0; i < kx; i++) if (rows[i] !== 0) ((ca = a[i]!), (i = kx));
    for (let j = 0; j < ky; j++) if (cols[j] !== 0) ((cb = b[j]!), (j = ky));
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < kx; i++) sx += rows[i]! * (a[i]! - ca);
    for (let j = 0; j < ky; j++) sy += cols[j]! * (b[j]! - cb);
    const mx = sx / n;
    const my = sy / n;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < kx; i++) if (rows[i] !== 0) sxx += rows[i]! * (a[i]! - ca - mx) ** 2;
    for (let j = 0; j < ky; j++) if (cols[j] !== 0) syy += cols[j]! * (b[j]! - cb - my) ** 2;
    for (let i = 0; i < kx; i++) {
      const dx = a[i]! - ca - mx;
      for (let j = 0; j < ky; j++) {
        const c = t[o + i * ky + j]!;
        if (c !== 0) sxy += c * dx * (b[j]! - cb - my);
      }
    }
    const r = sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
    return Math.max(-1, Math.min(1, r));
  };

  // average ranks, 1-based (scipy's rankdata): a value's rank is the mean of the positions it holds
  const rx = new Float64Array(kx);
  const ry = new Float64Array(ky);
  const midRanks = (counts: Float64Array, out: Float64Array) => {
    let below = 0;
    for (let i = 0; i < counts.length; i++) {
      out[i] = below + (counts[i]! + 1) / 2;
      below += counts[i]!;
    }
  };

  // κ: positions on the scale (as cohenKappa's `categories`), weights by their distance
  const scale = opts.scale ?? [...new Set([...xv, ...yv])].sort((a, b) => a - b);
  const pos = new Map(scale.map((v, i) => [v === 0 ? 0 : v, i]));
  const px = xv.map((v) => pos.get(v));
  const py = yv.map((v) => pos.get(v));
  const onScale = px.every((p) => p !== undefined) && py.every((p) => p !== undefined);
  // the three weightings in one pass: 1, |d|, d² for d the distance of positions
  const kappas = sums.memo((t): [number | null, number | null, number | null] | null => {
    if (!onScale) return null;
    const { n } = margins(t);
    if (n === 0) return null;
    const observed = [0, 0, 0];
    const expected = [0, 0, 0];
    for (let i = 0; i < kx; i++) {
      for (let j = 0; j < ky; j++) {
        const d = px[i]! - py[j]!;
        if (d === 0) continue;
        const c = t[o + i * ky + j]!;
        const e = rows[i]! * cols[j]!;
        const a = Math.abs(d);
        observed[0] += c;
        expected[0] += e;
        observed[1] += a * c;
        expected[1] += a * e;
        observed[2] += d * d * c;
        expected[2] += d * d * e;
      }
    }
    const k = (w: number) => (expected[w] === 0 ? null : 1 - (observed[w]! * n) / expected[w]!);
    return [k(0), k(1), k(2)];
  });

  const acc = new Float64Array(ky);
  return {
    n: (t) => margins(t).n,
    percentAgreement: sums.memo((t) => {
      const { n } = margins(t);
      if (n === 0) return null;
      let same = 0;
      for (let i = 0; i < kx; i++) for (let j = 0; j < ky; j++) if (xv[i] === yv[j]) same += t[o + i * ky + j]!;
      return same / n;
    }),
    cohenKappa: (t) => kappas(t)?.[0] ?? null,
    kappaLinear: (t) => kappas(t)?.[1] ?? null,
    kappaQuadratic: (t) => kappas(t)?.[2] ?? null,
    pearson: sums.memo((t) => pearsonOf(t, xv, yv)),
    spearman: sums.memo((t) => {
      margins(t);
      midRanks(rows, rx);
      midRanks(cols, ry);
      return pearsonOf(t, rx, ry);
    }),
    // Kendall's τ-b from the pair counts of correlation.ts (all exact integers): discordant pairs
    // are cells (i, j), (i′, j′) with i < i′ and j > j′, counted row by row with prefix sums
    kendallTauB: sums.memo((t) => {
      const { n } = margins(t);
      if (n < 2) return null;
      const total = (n * (n - 1)) / 2;
      let tiesX = 0;
      let tiesY = 0;
      let tiesXY = 0;
      for (let i = 0; i < kx; i++) tiesX += (rows[i]! * (rows[i]! - 1)) / 2;
      for (let j = 0; j < ky; j++) tiesY += (cols[j]! * (cols[j]! - 1)) / 2;
      if (tiesX === total || tiesY === total) return null;
      acc.fill(0); // acc[j]: pairs in the rows below i with pred = y_j
      let discordant = 0;
      for (let i = kx - 1; i >= 0; i--) {
        let lower = 0; // Σ_{j′ < j} acc[j′]
        for (let j = 0; j < ky; j++) {
          const c = t[o + i * ky + j]!;
          if (c !== 0) {
            discordant += c * lower;
            tiesXY += (c * (c - 1)) / 2;
          }
          lower += acc[j]!;
        }
        for (let j = 0; j < ky; j++) acc[j] += t[o + i * ky + j]!;
      }
      const conMinusDis = total - tiesX - tiesY + tiesXY - 2 * discordant;
      const tau = conMinusDis / Math.sqrt(total - tiesX) / Math.sqrt(total - tiesY);
      return Math.min(1, Math.max(-1, tau));
    }),
    mae: sums.memo((t) => {
      const { n } = margins(t);
      if (n === 0) return null;
      let s = 0;
      for (let i = 0; i < kx; i++) {
        for (let j = 0; j < ky; j++) {
          const c = t[o + i * ky + j]!;
          if (c !== 0) s += c * Math.abs(xv[i]! - yv[j]!);
        }
      }
      return s / n;
    }),
  };
}

// -------------------------------------------------------------------------------------------------
// ICC

export interface IccReaders {
  icc2_1: TotalsReader;
  icc3_1: TotalsReader;
  icc2_k: TotalsReader;
  icc3_k: TotalsReader;
}

/**
 * The ICCs of `icc` on the items × raters table `values[r][u]` (NaN: missing): the two-way ANOVA
 * over the complete units (listwise deletion, as `icc`) needs only their number n, Σ R_u² (R_u a
 * unit's row sum), Σ x² and the column sums C_j: k·n·SS_rows = n Σ R² − G², k·n·SS_cols = k Σ C² −
 * G², and the residual is the rest of k·n·SS_total = k n Σ x² − G². The values are shifted by one
 * of them near the middle of their range, so that integer ratings (below 2⁵³ in these sums) give
 * exact integer sums; decimal ratings leave rounding in the differences, which icc()'s two-pass
 * sums do not, so the counted ICC agrees with it to rounding, not bit for bit. A resample with no
 * variance at all is recognised exactly (below), not from the rounded sums. Null when more than
 * MAX_TABLE_CELLS distinct values are constant units (the caller keeps the generic ICC).
 */
export function iccSums(sums: ClusterSums, values: readonly Float64Array[]): IccReaders | null {
  const k = values.length;
  // A resample whose complete units all hold one value has no variance at all (every ICC is
  // undefined, as icc() finds exactly by shifting by that value); the sums would leave rounding
  // noise when the value differs from the shift. Such a resample is recognised exactly: no
  // complete unit varies across raters, and the constant units count under one value only.
  const constantLevel = new Map<number, number>();
  for (let u = 0; values.length && u < values[0]!.length; u++) {
    const v = values[0]![u]!;
    if (v !== v) continue;
    let same = true;
    for (let j = 1; j < k && same; j++) same = values[j]![u] === v;
    if (same && !constantLevel.has(v === 0 ? 0 : v)) constantLevel.set(v === 0 ? 0 : v, constantLevel.size);
  }
  if (constantLevel.size > MAX_TABLE_CELLS) return null;
  const L = constantLevel.size;
  let lo = Infinity;
  let hi = -Infinity;
  for (const col of values) {
    for (let u = 0; u < col.length; u++) {
      if (col[u]! < lo) lo = col[u]!;
      if (col[u]! > hi) hi = col[u]!;
    }
  }
  let shift = 0;
  if (lo <= hi) {
    const mid = (lo + hi) / 2;
    let best = Infinity;
    for (const col of values) {
      for (let u = 0; u < col.length; u++) {
        const d = Math.abs(col[u]! - mid);
        if (d < best) {
          best = d;
          shift = col[u]!;
        }
      }
    }
  }
  // [n, Σ R², Σ x², C_1 … C_k, units that vary, constant units per value]
  const VARY = 3 + k;
  const o = sums.block(4 + k + L, (u, row, off) => {
    if (k < 2) return;
    let r = 0;
    let q = 0;
    for (const col of values) {
      const v = col[u]!;
      if (v !== v) return; // an incomplete unit drops out whole
      r += v - shift;
      q += (v - shift) * (v - shift);
    }
    row[off] += 1;
    row[off + 1] += r * r;
    row[off + 2] += q;
    for (let j = 0; j < k; j++) row[off + 3 + j] += values[j]![u]! - shift;
    const first = values[0]![u]!;
    const level = values.every((col) => col[u] === first) ? constantLevel.get(first === 0 ? 0 : first) : undefined;
    if (level === undefined) row[off + VARY] += 1;
    else row[off + VARY + 1 + level] += 1;
  });
  const constant = (t: Float64Array): boolean => {
    if (t[o + VARY] !== 0) return false;
    let levels = 0;
    for (let l = 0; l < L; l++) if (t[o + VARY + 1 + l] !== 0) levels++;
    return levels <= 1;
  };
  const anova = sums.memo((t) => {
    const n = t[o]!;
    if (n < 2 || k < 2) return null;
    let g = 0;
    let c2 = 0;
    for (let j = 0; j < k; j++) {
      const c = t[o + 3 + j]!;
      g += c;
      c2 += c * c;
    }
    const a = t[o + 1]!;
    const q = t[o + 2]!;
    const nk = n * k;
    if (constant(t)) return { n, msr: 0, msc: 0, mse: 0 };
    let ssr = (n * a - g * g) / nk;
    let ssc = (k * c2 - g * g) / nk;
    let sse = (nk * q - n * a - k * c2 + g * g) / nk;
    // icc.ts's guard: a sum of squares below 1e-12 of their total is 0
    const tiny = 1e-12 * (ssr + ssc + sse);
    if (ssr <= tiny) ssr = 0;
    if (ssc <= tiny) ssc = 0;
    if (sse <= tiny) sse = 0;
    return { n, msr: ssr / (n - 1), msc: ssc / (k - 1), mse: sse / ((n - 1) * (k - 1)) };
  });
  const read = (which: keyof IccReaders): TotalsReader => (t) => {
    const a = anova(t);
    return a ? iccOfMeanSquares(a, k)[which] : null;
  };
  return { icc2_1: read('icc2_1'), icc3_1: read('icc3_1'), icc2_k: read('icc2_k'), icc3_k: read('icc3_k') };
}
