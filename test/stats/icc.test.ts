import { describe, expect, it } from 'vitest';
import { icc, type RatingMatrix } from '../../src/stats/index.ts';
import { expectClose, golden } from './agreement-golden.ts';

describe('ICC against the numpy two-way ANOVA reference', () => {
  for (const c of golden.icc) {
    it(c.name, () => {
      const r = icc(c.matrix);
      expect(r.n_items).toBe(c.expected.n_items);
      expect(r.n_raters).toBe(c.expected.n_raters);
      for (const key of ['icc2_1', 'icc3_1', 'icc2_k', 'icc3_k'] as const) expectClose(r[key], c.expected[key]);
    });
  }
});

describe('published values', () => {
  it('Shrout & Fleiss (1979) Table 2 data, Table 4 values: .29 .71 .62 .91', () => {
    const r = icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]);
    expectClose(r.icc2_1, 0.29, 5e-3);
    expectClose(r.icc3_1, 0.71, 5e-3);
    expectClose(r.icc2_k, 0.62, 5e-3);
    expectClose(r.icc3_k, 0.91, 5e-3);
    expect(r.n_items).toBe(6);
    expect(r.n_raters).toBe(4);
  });
});

describe('missing ratings and degenerate input', () => {
  it('drops items with any missing rating (listwise) and counts only complete ones', () => {
    const full: RatingMatrix = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6]];
    const r = icc([...full, [1, null, 3, 4], [2, 3, NaN, 1], [5, 5]]);
    expect(r).toEqual(icc(full));
    expect(r.n_items).toBe(4);
  });
  it('no variance at all: every ICC null', () => {
    const r = icc([[3, 3], [3, 3], [3, 3]]);
    expect([r.icc2_1, r.icc3_1, r.icc2_k, r.icc3_k]).toEqual([null, null, null, null]);
    const tenths = icc([[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]]);
    expect(tenths.icc3_1).toBeNull();
  });
  it('one rater, one item, empty: null with the counts', () => {
    expect(icc([[1], [2], [3]])).toEqual({ icc2_1: null, icc3_1: null, icc2_k: null, icc3_k: null, n_items: 3, n_raters: 1 });
    expect(icc([[1, 2]])).toEqual({ icc2_1: null, icc3_1: null, icc2_k: null, icc3_k: null, n_items: 1, n_raters: 2 });
    expect(icc([])).toEqual({ icc2_1: null, icc3_1: null, icc2_k: null, icc3_k: null, n_items: 0, n_raters: 0 });
  });
});
