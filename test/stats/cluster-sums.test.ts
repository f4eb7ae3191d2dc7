import { describe, expect, it } from 'vitest';
import { bootstrapItems } from '../../src/stats/bootstrap.ts';
import { ClusterSums } from '../../src/stats/cluster-sums.ts';
import { confusionSums, multiRaterSums, positionsOnScale } from '../../src/stats/count-agreement.ts';
import { fleissKappa } from '../../src/stats/fleiss.ts';
import { gwetAC1 } from '../../src/stats/gwet.ts';
import { cohenKappa, percentAgreement } from '../../src/stats/kappa.ts';
import { krippendorffAlpha } from '../../src/stats/krippendorff.ts';
import { classificationReport } from '../../src/stats/classification.ts';
import { Rng } from '../../src/stats/random.ts';
import type { RatingMatrix } from '../../src/stats/matrix.ts';

/** n units in clusters of 1–3 units, `raters` raters on k categories, some missing. */
function data(seed: number, n: number, raters: number, k: number, missing: number) {
  const rng = new Rng(seed);
  const codes = Array.from({ length: raters }, () => new Int32Array(n));
  for (let u = 0; u < n; u++) {
    const truth = rng.int(k);
    for (let r = 0; r < raters; r++) codes[r]![u] = rng.next() < missing ? -1 : rng.next() < 0.7 ? truth : rng.int(k);
  }
  const clusters: Int32Array[] = [];
  for (let u = 0; u < n; ) {
    const size = Math.min(n - u, 1 + rng.int(3));
    clusters.push(Int32Array.from({ length: size }, (_, i) => u + i));
    u += size;
  }
  return { codes, clusters };
}

const units = (clusters: Int32Array[], idx: ArrayLike<number>): number[] => Array.from(idx).flatMap((c) => Array.from(clusters[c]!));
const matrix = (codes: Int32Array[], us: number[]): RatingMatrix => us.map((u) => codes.map((c) => (c[u]! < 0 ? null : c[u]!)));
const column = (c: Int32Array, us: number[]) => Float64Array.from(us, (u) => (c[u]! < 0 ? NaN : c[u]!));
const close = (a: number | null, b: number | null) => {
  if (a === null || b === null) expect(a).toBe(b);
  else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12);
};

describe('ClusterSums', () => {
  it('the totals of a resample are the sums over its units, repeated clusters counted each time', () => {
    const { codes, clusters } = data(1, 200, 3, 4, 0.1);
    const sums = new ClusterSums(clusters);
    const o = sums.block(2, (u, row, off) => {
      row[off] += codes[0]![u]! + 1;
      row[off + 1] += 1;
    });
    const idx = [0, 0, 5, 7, 7, 7, clusters.length - 1];
    const t = sums.totals(idx);
    const us = units(clusters, idx);
    expect(t[o]).toBe(us.reduce((s, u) => s + codes[0]![u]! + 1, 0));
    expect(t[o + 1]).toBe(us.length);
    expect(sums.distinctRows).toBeLessThan(clusters.length);
  });

  it('stores unit rows once: many units per item (models × criteria) or one, the same totals as summing the units', () => {
    for (const perItem of [1, 12]) {
      const rng = new Rng(perItem);
      const n = 400 * perItem;
      const code = Int32Array.from({ length: n }, () => rng.int(3));
      const clusters = Array.from({ length: 400 }, (_, c) => Int32Array.from({ length: perItem }, (_, i) => c * perItem + i));
      const sums = new ClusterSums(clusters);
      const o = sums.block(3, (u, row, off) => void (row[off + code[u]!] += 1));
      expect(sums.distinctUnitRows).toBe(3);
      const idx = Array.from({ length: 400 }, () => rng.int(400));
      const t = sums.totals(idx);
      const us = units(clusters, idx);
      for (let c = 0; c < 3; c++) expect(t[o + c]).toBe(us.filter((u) => code[u] === c).length);
    }
  });

  it('an item without units adds nothing (and does not make the one-level table wrong)', () => {
    const sums = new ClusterSums([new Int32Array(0), Int32Array.from([0, 1])]);
    const o = sums.block(1, (u, row, off) => void (row[off] += u === 0 ? 10 : 1));
    expect(sums.totals([1])[o]).toBe(11);
    expect(sums.totals([0])[o]).toBe(0);
    expect(sums.totals([0, 1, 1])[o]).toBe(22);
  });

  it('draws the very resamples of bootstrapItems for the same seed', () => {
    const { codes, clusters } = data(2, 300, 2, 3, 0.2);
    const sums = new ClusterSums(clusters);
    const kappa = confusionSums(sums, codes[0]!, codes[1]!, 3).cohenKappa;
    const viaSums: number[] = [];
    sums.bootstrap(50, 99, (t, b) => {
      if (b >= 0) viaSums.push(kappa(t) ?? NaN);
    });
    const viaItems: number[] = [];
    bootstrapItems(clusters.length, (idx) => {
      const us = units(clusters, idx);
      const v = cohenKappa(column(codes[0]!, us), column(codes[1]!, us), { categories: [0, 1, 2] }) ?? NaN;
      viaItems.push(v);
      return v;
    }, { resamples: 50, seed: 99 });
    expect(viaSums).toEqual(viaItems.slice(1)); // the first call of bootstrapItems is the point estimate
  });
});

describe('agreement statistics read from counts equal the direct functions', () => {
  for (const [seed, raters, k, missing] of [[3, 4, 3, 0.1], [4, 5, 5, 0.3], [5, 2, 2, 0], [6, 3, 4, 0.6]] as const) {
    it(`${raters} raters, ${k} categories, ${missing * 100}% missing, on the sample and on resamples`, () => {
      const { codes, clusters } = data(seed, 400, raters, k, missing);
      const sums = new ClusterSums(clusters);
      const mr = multiRaterSums(sums, codes, k);
      const cf = confusionSums(sums, codes[0]!, codes[1]!, k);
      const scale = Array.from({ length: k }, (_, i) => i);
      const rng = new Rng(seed);
      const draws = [Uint32Array.from(clusters, (_, i) => i), ...Array.from({ length: 5 }, () => {
        const idx = new Uint32Array(clusters.length);
        rng.fillInt(idx, clusters.length);
        return idx;
      })];
      for (const idx of draws) {
        const t = sums.totals(idx);
        const us = units(clusters, idx);
        const m = matrix(codes, us);
        close(mr.alphaNominal(t), krippendorffAlpha(m, 'nominal'));
        close(mr.fleissKappa(t), fleissKappa(m));
        close(mr.gwetAC1(t), gwetAC1(m, { categories: scale }));
        const a = column(codes[0]!, us);
        const b = column(codes[1]!, us);
        close(cf.percentAgreement(t), percentAgreement(a, b));
        close(cf.cohenKappa(t), cohenKappa(a, b, { categories: scale }));
        const both = us.filter((u) => codes[0]![u]! >= 0 && codes[1]![u]! >= 0);
        const rep = classificationReport(both.map((u) => codes[0]![u]!), both.map((u) => codes[1]![u]!), scale);
        close(cf.accuracy(t), rep.accuracy);
        close(cf.macroPrecision(t), rep.macro_precision);
        close(cf.macroRecall(t), rep.macro_recall);
        close(cf.macroF1(t), rep.macro_f1);
      }
    });
  }

  it('undefined cases are null as in the direct functions: one category, no pair, nothing rated', () => {
    const one = [Int32Array.from([0, 0, 0, -1]), Int32Array.from([0, 0, -1, -1])];
    const clusters = [0, 1, 2, 3].map((u) => Int32Array.of(u));
    const sums = new ClusterSums(clusters);
    const mr = multiRaterSums(sums, one, 1);
    const cf = confusionSums(sums, one[0]!, one[1]!, 1);
    const t = sums.totals([0, 1, 2, 3]);
    const m = matrix(one, [0, 1, 2, 3]);
    expect(mr.alphaNominal(t)).toBe(krippendorffAlpha(m, 'nominal'));
    expect(mr.fleissKappa(t)).toBe(fleissKappa(m));
    expect(mr.gwetAC1(t)).toBe(gwetAC1(m));
    expect(cf.cohenKappa(t)).toBeNull();
    expect(cf.percentAgreement(t)).toBe(1);
    const none = sums.totals([3, 3]);
    for (const f of [mr.alphaNominal, mr.fleissKappa, mr.gwetAC1, mr.percentAgreement, cf.cohenKappa, cf.percentAgreement, cf.macroF1]) expect(f(none)).toBeNull();
  });

  it('positionsOnScale: missing is −1, a value off the scale gives null', () => {
    expect(Array.from(positionsOnScale(Float64Array.of(5, NaN, 1), [1, 3, 5])!)).toEqual([2, -1, 0]);
    expect(positionsOnScale(Float64Array.of(2), [1, 3])).toBeNull();
  });
});
