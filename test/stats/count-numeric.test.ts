/**
 * The ordinal, interval and ratio statistics read from counts (stats/count-numeric.ts) against the
 * direct functions on the same units: the whole sample and bootstrap resamples of clusters.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSums } from '../../src/stats/cluster-sums.ts';
import { alphaSums, iccSums, MAX_TABLE_CELLS, pairTableSums } from '../../src/stats/count-numeric.ts';
import { positionsOnScale } from '../../src/stats/count-agreement.ts';
import { kendallTauB, pearson, spearman } from '../../src/stats/correlation.ts';
import { icc } from '../../src/stats/icc.ts';
import { cohenKappa, percentAgreement } from '../../src/stats/kappa.ts';
import { krippendorffAlpha } from '../../src/stats/krippendorff.ts';
import { Rng } from '../../src/stats/random.ts';
import type { RatingMatrix } from '../../src/stats/matrix.ts';

/** n units in clusters of 1–3 units, `raters` raters on `scale`, some missing (NaN). */
function data(seed: number, n: number, raters: number, scale: number[], missing: number, agree = 0.6) {
  const rng = new Rng(seed);
  const values = Array.from({ length: raters }, () => new Float64Array(n));
  for (let u = 0; u < n; u++) {
    const truth = rng.int(scale.length);
    for (let r = 0; r < raters; r++) {
      const near = Math.max(0, Math.min(scale.length - 1, truth + rng.int(3) - 1));
      values[r]![u] = rng.next() < missing ? NaN : scale[rng.next() < agree ? near : rng.int(scale.length)]!;
    }
  }
  const clusters: Int32Array[] = [];
  for (let u = 0; u < n; ) {
    const size = Math.min(n - u, 1 + rng.int(3));
    clusters.push(Int32Array.from({ length: size }, (_, i) => u + i));
    u += size;
  }
  return { values, clusters };
}

/** The mean of the raters present on each unit (NaN with fewer than `min`): values off the scale. */
function meanOf(cols: Float64Array[], min: number): Float64Array {
  const out = new Float64Array(cols[0]!.length).fill(NaN);
  for (let u = 0; u < out.length; u++) {
    let s = 0;
    let m = 0;
    for (const c of cols) if (!Number.isNaN(c[u]!)) (s += c[u]!), m++;
    if (m >= min) out[u] = s / m;
  }
  return out;
}

const units = (clusters: Int32Array[], idx: ArrayLike<number>): number[] => Array.from(idx).flatMap((c) => Array.from(clusters[c]!));
const matrix = (values: Float64Array[], us: number[]): RatingMatrix => us.map((u) => values.map((c) => (Number.isNaN(c[u]!) ? null : c[u]!)));
const column = (c: Float64Array, us: number[]) => Float64Array.from(us, (u) => c[u]!);
const close = (a: number | null, b: number | null, what: string) => {
  if (a === null || b === null) expect(a, what).toBe(b);
  else expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12);
};
/** The full sample, then `b` resamples of the clusters. */
function draws(seed: number, clusters: Int32Array[], b: number): Uint32Array[] {
  const rng = new Rng(seed);
  return [Uint32Array.from(clusters, (_, i) => i), ...Array.from({ length: b }, () => {
    const idx = new Uint32Array(clusters.length);
    rng.fillInt(idx, clusters.length);
    return idx;
  })];
}

describe('Krippendorff α, ICC and two-rater statistics read from counts equal the direct functions', () => {
  const cases = [
    { seed: 1, raters: 4, scale: [1, 2, 3, 4, 5], missing: 0.1 },
    { seed: 2, raters: 3, scale: [0, 0.5, 2, 7.25], missing: 0.3 },
    { seed: 3, raters: 2, scale: [0, 10], missing: 0 },
    { seed: 4, raters: 5, scale: Array.from({ length: 11 }, (_, i) => i / 10), missing: 0.5 },
  ];
  for (const { seed, raters, scale, missing } of cases) {
    it(`${raters} raters on ${scale.length} values, ${missing * 100}% missing: the sample and 6 resamples`, () => {
      const { values, clusters } = data(seed, 300, raters, scale, missing);
      const sums = new ClusterSums(clusters);
      const codes = values.map((v) => positionsOnScale(v, scale)!);
      const alpha = { ordinal: alphaSums(sums, codes, scale, 'ordinal')!, interval: alphaSums(sums, codes, scale, 'interval')!, ratio: alphaSums(sums, codes, scale, 'ratio')! };
      const ic = iccSums(sums, values)!;
      const cons = meanOf(values.slice(1), 1);
      const rating = pairTableSums(sums, values[0]!, values[1]!, { scale })!;
      const vsMean = pairTableSums(sums, values[0]!, cons, { scale })!;
      for (const idx of draws(seed, clusters, 6)) {
        const t = sums.totals(idx);
        const us = units(clusters, idx);
        const m = matrix(values, us);
        for (const level of ['ordinal', 'interval', 'ratio'] as const) close(alpha[level](t), krippendorffAlpha(m, level), `α ${level}`);
        const direct = icc(m);
        for (const key of ['icc2_1', 'icc3_1', 'icc2_k', 'icc3_k'] as const) close(ic[key](t), direct[key], key);
        for (const [name, readers, truth] of [['rating', rating, values[1]!], ['mean', vsMean, cons]] as const) {
          const x = column(truth, us);
          const y = column(values[0]!, us);
          close(readers.percentAgreement(t), percentAgreement(x, y), `${name} percent agreement`);
          close(readers.pearson(t), pearson(x, y), `${name} pearson`);
          close(readers.spearman(t), spearman(x, y), `${name} spearman`);
          close(readers.kendallTauB(t), kendallTauB(x, y), `${name} kendall`);
          let s = 0;
          let n = 0;
          for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) (s += Math.abs(x[i]! - y[i]!)), n++;
          close(readers.mae(t), n ? s / n : null, `${name} mae`);
          expect(readers.n(t)).toBe(n);
        }
        const x = column(values[1]!, us);
        const y = column(values[0]!, us);
        close(rating.cohenKappa(t), cohenKappa(x, y, { categories: scale }), 'κ');
        close(rating.kappaLinear(t), cohenKappa(x, y, { categories: scale, weights: 'linear' }), 'κ linear');
        close(rating.kappaQuadratic(t), cohenKappa(x, y, { categories: scale, weights: 'quadratic' }), 'κ quadratic');
        // a mean off the scale has no κ
        if (cons.some((v) => !Number.isNaN(v) && !scale.includes(v))) expect(vsMean.cohenKappa(t)).toBeNull();
        else close(vsMean.cohenKappa(t), cohenKappa(column(cons, us), y, { categories: scale }), 'κ of a mean on the scale');
      }
    });
  }

  it('undefined cases are null as in the direct functions: constant raters, one pair, two pairs, nothing', () => {
    const clusters = [0, 1, 2, 3, 4].map((u) => Int32Array.of(u));
    const sums = new ClusterSums(clusters);
    const scale = [1, 2, 3];
    const a = Float64Array.of(2, 2, 2, NaN, 2);
    const b = Float64Array.of(1, 3, 2, 3, NaN);
    const c = Float64Array.of(3, 1, NaN, NaN, 1);
    const codes = [a, b, c].map((v) => positionsOnScale(v, scale)!);
    const al = alphaSums(sums, codes, scale, 'ordinal')!;
    const ai = alphaSums(sums, codes, scale, 'interval')!;
    const ic = iccSums(sums, [a, b, c])!;
    const constant = pairTableSums(sums, a, b, { scale })!;
    const bc = pairTableSums(sums, b, c, { scale })!;
    for (const idx of [[0, 1, 2, 3, 4], [0, 0], [0, 1], [1, 0], [2, 3], [3, 3, 3], [4], [0, 1, 0, 1]]) {
      const t = sums.totals(idx);
      const m = matrix([a, b, c], idx);
      close(al(t), krippendorffAlpha(m, 'ordinal'), `α ordinal ${idx}`);
      close(ai(t), krippendorffAlpha(m, 'interval'), `α interval ${idx}`);
      const direct = icc(m);
      close(ic.icc2_1(t), direct.icc2_1, `icc ${idx}`);
      close(ic.icc3_k(t), direct.icc3_k, `icc ${idx}`);
      for (const [r, p, q] of [[constant, a, b], [bc, b, c]] as const) {
        const x = column(q, idx);
        const y = column(p, idx);
        close(r.pearson(t), pearson(x, y), `pearson ${idx}`);
        close(r.spearman(t), spearman(x, y), `spearman ${idx}`);
        close(r.kendallTauB(t), kendallTauB(x, y), `kendall ${idx}`);
        close(r.cohenKappa(t), cohenKappa(x, y, { categories: scale }), `κ ${idx}`);
        close(r.kappaQuadratic(t), cohenKappa(x, y, { categories: scale, weights: 'quadratic' }), `κ quadratic ${idx}`);
        close(r.percentAgreement(t), percentAgreement(x, y), `agreement ${idx}`);
      }
    }
  });

  it('ratio α with a negative value throws a RangeError, as krippendorffAlpha does', () => {
    const sums = new ClusterSums([Int32Array.of(0), Int32Array.of(1)]);
    const scale = [-1, 2];
    const v = [Float64Array.of(-1, 2), Float64Array.of(2, 2)];
    const reader = alphaSums(sums, v.map((x) => positionsOnScale(x, scale)!), scale, 'ratio')!;
    const t = sums.totals([0, 1]);
    expect(() => krippendorffAlpha(matrix(v, [0, 1]), 'ratio')).toThrow(RangeError);
    expect(() => reader(t)).toThrow(RangeError);
  });

  it('too large a table: null (the caller keeps the generic statistic)', () => {
    const n = 200;
    const rng = new Rng(7);
    const x = Float64Array.from({ length: n }, () => rng.next());
    const y = Float64Array.from({ length: n }, () => rng.next());
    const sums = new ClusterSums(Array.from({ length: n }, (_, u) => Int32Array.of(u)));
    expect(n * n).toBeGreaterThan(MAX_TABLE_CELLS);
    expect(pairTableSums(sums, x, y)).toBeNull();
    expect(pairTableSums(sums, x, y, { maxCells: n * n })).not.toBeNull();
    expect(pairTableSums(sums, x, Float64Array.of(...y.slice(1), Infinity))).toBeNull();
    const scale = [...new Set([...x, ...y])].sort((a, b) => a - b);
    const codes = [x, y].map((v) => positionsOnScale(v, scale)!);
    expect(alphaSums(sums, codes, scale, 'ordinal')).toBeNull();
    expect(alphaSums(sums, codes, scale, 'ratio')).toBeNull();
    expect(alphaSums(sums, codes, scale, 'interval')).not.toBeNull();
  });
});

describe('numerical edge cases found in review (counted and direct alike)', () => {
  it('a resample whose complete units all hold one decimal value: every ICC undefined, not rounding noise', () => {
    // 0.2 everywhere on the complete units, while the shift is chosen from the whole range (0.1–0.7)
    const v = [0.2, 0.2, 0.2, 0.1].map((x, u) => (u === 3 ? [0.1, 0.7, 0.3, NaN, NaN] : [x, x, x, x, x]));
    const values = Array.from({ length: 5 }, (_, r) => Float64Array.from(v, (row) => row[r]!));
    const sums = new ClusterSums([0, 1, 2, 3].map((u) => Int32Array.of(u)));
    const ic = iccSums(sums, values)!;
    const t = sums.totals([0, 1, 2, 3]);
    const direct = icc(v.map((row) => row.map((x) => (Number.isNaN(x) ? null : x))));
    for (const key of ['icc2_1', 'icc3_1', 'icc2_k', 'icc3_k'] as const) {
      expect(direct[key]).toBeNull();
      expect(ic[key](t)).toBeNull();
    }
  });

  it('an ICC whose denominator cancels to rounding noise is undefined (was ±1e16)', () => {
    // ICC(2,k) of [[2,4],[4,2],[2,2]]: msr = 2/3, msc = 0, mse = 2, so msr + (msc − mse)/n = 0 exactly
    const m = [[2, 4], [4, 2], [2, 2]];
    expect(icc(m).icc2_k).toBeNull();
    const values = [0, 1].map((r) => Float64Array.from(m, (row) => row[r]!));
    const sums = new ClusterSums([0, 1, 2].map((u) => Int32Array.of(u)));
    const ic = iccSums(sums, values)!;
    const t = sums.totals([0, 1, 2]);
    expect(ic.icc2_k(t)).toBeNull();
    // the other three are defined (ICC(3,1) = (msr − mse)/(msr + mse) = −1/2) and agree with the direct function
    expect(icc(m).icc3_1).toBeCloseTo(-0.5, 12);
    for (const key of ['icc2_1', 'icc3_1', 'icc3_k'] as const) expect(ic[key](t)).toBeCloseTo(icc(m)[key]!, 12);
  });

  it('Pearson against a mean one rounding step off its neighbours (0.2 vs 0.20000000000000004): r = −1 on both paths', () => {
    const cons = Float64Array.of(0.2, 0.2, 0.2, (0.1 + 0.2 + 0.3) / 3, 0.2);
    expect(cons[3]).not.toBe(0.2);
    const judge = Float64Array.of(0.3, 0.3, 0.3, 0.2, 0.3);
    expect(pearson(cons, judge)).toBeCloseTo(-1, 12);
    const sums = new ClusterSums([0, 1, 2, 3, 4].map((u) => Int32Array.of(u)));
    const r = pairTableSums(sums, judge, cons)!;
    expect(r.pearson(sums.totals([0, 1, 2, 3, 4]))).toBeCloseTo(-1, 12);
  });
});
