import { describe, expect, it } from 'vitest';
import { gwetAC1, gwetAC2, type RatingMatrix } from '../../src/stats/index.ts';
import { expandDistribution, expandTable, expectClose, golden } from './agreement-golden.ts';

describe("Gwet's AC1 / AC2 against the numpy reference of Gwet's (2014) formulas", () => {
  for (const c of golden.gwet) {
    it(c.name, () => {
      const cats = c.categories ? { categories: c.categories } : {};
      expectClose(gwetAC1(c.matrix, cats), c.expected.none);
      for (const w of ['none', 'linear', 'quadratic'] as const) expectClose(gwetAC2(c.matrix, { ...cats, weights: w }), c.expected[w]);
    });
  }
});

const N = null;
describe('published values (irrCAC, Gwet 2014)', () => {
  it('gwet.ac1.raw(cac.raw4raters) = 0.77544 (4 raters, missing ratings, single-rated item)', () => {
    const m: RatingMatrix = [[1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
      [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, N, 3, N]];
    expectClose(gwetAC1(m), 0.77544, 5e-6);
  });
  it('gwet.ac1.table(cont3x3abstractors) = 0.8493305', () => {
    const { a, b } = expandTable([[13, 0, 0], [0, 20, 7], [0, 4, 56]]);
    expectClose(gwetAC1(a.map((x, i) => [x, b[i]!])), 0.8493305, 5e-8);
  });
  it('gwet.ac1.dist(distrib.6raters) = 0.4448007', () => {
    const dist = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
      [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
      [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]];
    expectClose(gwetAC1(expandDistribution(dist)), 0.4448007, 5e-8);
  });
});

describe('degenerate input and conventions', () => {
  it('one category and no declared scale: null; with a declared scale: 1 (Gwet)', () => {
    const m: RatingMatrix = [[2, 2], [2, 2, 2]];
    expect(gwetAC1(m)).toBeNull();
    expect(gwetAC1(m, { categories: [1, 2, 3] })).toBe(1);
  });
  it('no item with 2 ratings, one rater, all missing: null', () => {
    expect(gwetAC1([[1], [2]])).toBeNull();
    expect(gwetAC1([[1, null], [null, 2]])).toBeNull();
    expect(gwetAC1([[null, null]])).toBeNull();
    expect(gwetAC1([])).toBeNull();
  });
  it('a single-rated item changes π (Gwet) but not p_a', () => {
    const base: RatingMatrix = [[1, 1], [2, 2], [1, 2]];
    expect(gwetAC1([...base, [3, null]])).not.toBe(gwetAC1(base));
  });
  it('AC2 with identity weights is AC1; a value outside the declared scale throws', () => {
    const m: RatingMatrix = [[1, 2, 2], [3, 3, 3], [1, 1, null]];
    expect(gwetAC2(m, { weights: 'none' })).toBe(gwetAC1(m));
    expect(() => gwetAC1(m, { categories: [1, 2] })).toThrow(RangeError);
  });
});
