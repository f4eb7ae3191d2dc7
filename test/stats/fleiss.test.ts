import { describe, expect, it } from 'vitest';
import { fleissKappa, type RatingMatrix } from '../../src/stats/index.ts';
import { expandDistribution, expectClose, golden } from './agreement-golden.ts';

describe("Fleiss' κ against statsmodels (complete data) and the numpy generalisation (missing data)", () => {
  for (const c of golden.fleiss) {
    it(`${c.name} (${c.reference})`, () => expectClose(fleissKappa(c.matrix), c.expected));
  }
});

describe('published values', () => {
  it('Fleiss (1971) / Wikipedia example: 10 subjects × 14 raters, κ = 0.210', () => {
    const dist = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]];
    expectClose(fleissKappa(expandDistribution(dist)), 0.21, 5e-4);
  });

  it('irrCAC fleiss.kappa.dist(distrib.6raters) = 0.4139265', () => {
    const dist = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
      [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
      [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]];
    expectClose(fleissKappa(expandDistribution(dist)), 0.4139265, 5e-8);
  });
});

describe('unequal numbers of ratings and degenerate input', () => {
  it('items with fewer than 2 ratings are dropped before anything is computed', () => {
    const base: RatingMatrix = [[1, 1, 2], [2, 2, null], [1, 2, 2], [3, 3, 3]];
    expect(fleissKappa([...base, [3, null, null], [null, null, null]])).toBe(fleissKappa(base));
  });
  it('one category: null (P_e = 1); one rater or all missing: null', () => {
    expect(fleissKappa([[1, 1], [1, 1, 1]])).toBeNull();
    expect(fleissKappa([[1], [2]])).toBeNull();
    expect(fleissKappa([[null, null]])).toBeNull();
    expect(fleissKappa([])).toBeNull();
  });
  it('perfect agreement on two or more categories is 1', () => {
    expect(fleissKappa([[1, 1, 1], [2, 2], [1, 1]])).toBe(1);
  });
});
