import { describe, expect, it } from 'vitest';
import { kendallTauB, kendallTest, pearson, pearsonTest, rankAverage, spearman, spearmanTest } from '../../src/stats/correlation.ts';
import type { Alternative } from '../../src/stats/tests.ts';
import { expectClose, golden, nums } from './inference-golden.ts';

const ALTS: Alternative[] = ['two-sided', 'less', 'greater'];

describe('correlations against scipy 1.10 (pearsonr, spearmanr, kendalltau tau-b)', () => {
  for (const c of golden.correlation) {
    it(c.name, () => {
      const x = nums(c.x);
      const y = nums(c.y);
      const two = c['two-sided'];
      expectClose(pearson(x, y), two.pearson[0], 1e-12, 1e-14, 'pearson');
      expectClose(spearman(x, y), two.spearman[0], 1e-12, 1e-14, 'spearman');
      expectClose(kendallTauB(x, y), two.kendall[0], 1e-12, 1e-14, 'kendall');
      for (const alt of ALTS) {
        const g = c[alt];
        const p = pearsonTest(x, y, alt);
        const s = spearmanTest(x, y, alt);
        const k = kendallTest(x, y, alt);
        expect(p.n).toBe(c.n);
        expectClose(p.statistic, g.pearson[0], 1e-12, 1e-14, `pearson ${alt}`);
        expectClose(p.p_value, g.pearson[1], 1e-9, 1e-15, `pearson p ${alt}`);
        expectClose(s.statistic, g.spearman[0], 1e-12, 1e-14, `spearman ${alt}`);
        expectClose(s.p_value, g.spearman[1], 1e-9, 1e-15, `spearman p ${alt}`);
        expectClose(k.statistic, g.kendall[0], 1e-12, 1e-14, `kendall ${alt}`);
        expectClose(k.p_value, g.kendall[1], 1e-9, 1e-15, `kendall p ${alt}`);
      }
      // rank_x are scipy's rankdata of x over the complete pairs
      const keep = x.map((v, i) => !Number.isNaN(v) && !Number.isNaN(y[i]!));
      const ranks = rankAverage(x.filter((_, i) => keep[i]));
      expect(Array.from(ranks)).toEqual(c.rank_x);
    });
  }
});

describe('textbook values', () => {
  it("Anscombe's quartet, set I: r = 0.816", () => {
    const c = golden.correlation.find((d: { name: string }) => d.name === 'anscombe_I');
    expect(pearson(c.x, c.y)!).toBeCloseTo(0.81642, 5);
  });
  it('Spearman, IQ against hours of TV (Wikipedia worked example): rho = -29/165', () => {
    const c = golden.correlation.find((d: { name: string }) => d.name === 'wikipedia_iq_tv');
    expect(spearman(c.x, c.y)!).toBeCloseTo(-29 / 165, 14);
  });
  it('tau-b by hand with ties in x, y and both', () => {
    // x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0]. The 10 pairs (1-based):
    // concordant (1,5) (4,5); discordant (1,2) (1,3) (2,3) (2,4) (3,4) (3,5);
    // tied in both (1,4); tied in x only (2,5). So C - D = 2 - 6 = -4, ties in x n1 = 2, in y n2 = 1,
    // tau-b = -4 / sqrt((10 - 2)(10 - 1)) = -4 / sqrt(72) = -0.4714...
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])!).toBeCloseTo(-4 / Math.sqrt(72), 15);
  });
});

describe('degenerate input', () => {
  it('is null, never NaN', () => {
    for (const f of [pearson, spearman, kendallTauB]) {
      expect(f([], [])).toBeNull();
      expect(f([1], [2])).toBeNull();
      expect(f([1, 1, 1], [1, 2, 3])).toBeNull();
      expect(f([NaN, 1, 2], [3, NaN, 4])).toBeNull();
    }
    expect(spearmanTest([1, 2], [2, 1])).toEqual({ statistic: -1, p_value: null, n: 2 });
  });
  it('rejects inputs of different length', () => {
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
  });
  it('rankAverage gives NaN ranks to NaN and ranks the rest among themselves', () => {
    expect(Array.from(rankAverage([3, NaN, 1, 3]))).toEqual([2.5, NaN, 1, 2.5]);
  });
});

describe('large inputs take the radix-sort path', () => {
  it('agrees with an O(n^2) count on 3000 tied pairs, and with rank-based Pearson', () => {
    const n = 3000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < n; i++) {
      x[i] = Math.floor(rnd() * 7) - 3 + (rnd() < 0.5 ? -0 : 0);
      y[i] = rnd() < 0.3 ? x[i]! : rnd() * 5 - 2.5;
    }
    let con = 0, dis = 0, tx = 0, ty = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const a = Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
        if (x[i] === x[j]) tx++;
        if (y[i] === y[j]) ty++;
        if (a > 0) con++;
        else if (a < 0) dis++;
      }
    const total = (n * (n - 1)) / 2;
    expectClose(kendallTauB(x, y), (con - dis) / Math.sqrt((total - tx) * (total - ty)), 1e-12, 1e-14, 'tau-b');
    expectClose(spearman(x, y), pearson(rankAverage(x), rankAverage(y)), 1e-12, 1e-14, 'spearman');
  });
});

describe('radix ranking of keys that differ only in the low 32 bits', () => {
  it('matches a comparison sort', () => {
    // 1 + k 2^-52 for k < 2^32 share their high word: long runs ordered by the low-word radix pass.
    const n = 5000;
    const v = new Float64Array(n);
    let s = 99;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      v[i] = i % 7 === 0 ? v[Math.floor(i / 2)]! : 1 + (s % 3000) * 1048577 * 2 ** -52;
    }
    v[10] = 1;
    const expected = new Float64Array(n);
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && v[idx[j]!] === v[idx[i]!]) j++;
      for (let k = i; k < j; k++) expected[idx[k]!] = (i + j + 1) / 2;
      i = j;
    }
    expect(Array.from(rankAverage(v))).toEqual(Array.from(expected));
  });
});

describe('infinite values', () => {
  it('rank statistics order them; Pearson is undefined', () => {
    const x = [-Infinity, 1, 2, Infinity, 3];
    const y = [0, 1, 2, 4, 3];
    expect(spearman(x, y)).toBeCloseTo(1, 15);
    expect(kendallTauB(x, y)).toBeCloseTo(1, 15);
    expect(pearson(x, y)).toBeNull();
    expect(pearsonTest(x, y).p_value).toBeNull();
  });
});
