import { describe, expect, it } from 'vitest';
import {
  bootstrapItems,
  codeCategories,
  cohenKappa,
  cohenKappaBootstrap,
  kappaFromConfusion,
  percentAgreement,
  Rng,
} from '../../src/stats/index.ts';
import { expandTable, expectClose, golden, nanVec } from './agreement-golden.ts';

describe('Cohen κ and percent agreement against sklearn / statsmodels golden values', () => {
  for (const c of golden.kappa) {
    it(c.name, () => {
      const a = nanVec(c.a);
      const b = nanVec(c.b);
      const opts = c.categories ? { categories: c.categories } : {};
      expectClose(percentAgreement(a, b), c.percent_agreement);
      for (const w of ['none', 'linear', 'quadratic'] as const) {
        const k = cohenKappa(a, b, { ...opts, weights: w });
        expectClose(k, c.expected[w]);
        if (c.statsmodels[w] !== undefined) expectClose(k, c.statsmodels[w]!);
      }
    });
  }
});

describe('published values', () => {
  // Gwet (2014) / irrCAC cont3x3abstractors: κ 0.7964094, percent agreement 0.89.
  it('reproduces irrCAC kappa2.table on cont3x3abstractors', () => {
    const { a, b } = expandTable([[13, 0, 0], [0, 20, 7], [0, 4, 56]]);
    expectClose(cohenKappa(a, b), 0.7964094, 5e-8);
    expectClose(percentAgreement(a, b), 0.89, 1e-12);
  });
});

describe('degenerate input', () => {
  it('both raters on one single category: agreement 1, κ null (chance agreement is 1)', () => {
    const a = [3, 3, 3, 3];
    expect(percentAgreement(a, a)).toBe(1);
    for (const weights of ['none', 'linear', 'quadratic'] as const) expect(cohenKappa(a, a, { weights })).toBeNull();
    // A declared wider scale does not help: the margins still put all mass on one category.
    expect(cohenKappa(a, a, { categories: [1, 2, 3, 4] })).toBeNull();
  });

  it('no complete pair: null for both', () => {
    expect(percentAgreement([], [])).toBeNull();
    expect(cohenKappa([], [])).toBeNull();
    expect(percentAgreement([1, NaN], [NaN, 2])).toBeNull();
    expect(cohenKappa([1, NaN], [NaN, 2])).toBeNull();
  });

  it('drops pairs with NaN on either side', () => {
    const a = [1, 2, NaN, 3, 1, 2];
    const b = [1, 2, 3, NaN, 2, 2];
    expect(percentAgreement(a, b)).toBe(percentAgreement([1, 2, 1, 2], [1, 2, 2, 2]));
    expect(cohenKappa(a, b)).toBe(cohenKappa([1, 2, 1, 2], [1, 2, 2, 2]));
  });

  it('one constant rater gives κ = 0, not NaN', () => {
    expect(cohenKappa([1, 1, 1, 1], [1, 2, 1, 2])).toBe(0);
  });

  it('throws on unequal lengths, infinite ratings and values outside the declared categories', () => {
    expect(() => cohenKappa([1, 2], [1])).toThrow(RangeError);
    expect(() => percentAgreement([1, 2], [1])).toThrow(RangeError);
    expect(() => cohenKappa([1, Infinity], [1, 2])).toThrow(RangeError);
    expect(() => cohenKappa([1, 7], [1, 2], { categories: [1, 2, 3] })).toThrow(/not among the given categories/);
  });

  it('kappaFromConfusion: empty table is null', () => {
    expect(kappaFromConfusion([0, 0, 0, 0], 2)).toBeNull();
    expect(() => kappaFromConfusion([1, 2, 3], 2)).toThrow(RangeError);
  });
});

describe('bootstrap', () => {
  const { a, b } = expandTable([[13, 0, 0], [0, 20, 7], [0, 4, 56]]);
  it('count-based bootstrap equals bootstrapItems over cohenKappa with the categories fixed', () => {
    for (const weights of ['none', 'quadratic'] as const) {
      const fast = cohenKappaBootstrap(a, b, { weights, resamples: 200, seed: 7 });
      const slow = bootstrapItems(
        a.length,
        (idx) => cohenKappa(Array.from(idx, (i) => a[i]!), Array.from(idx, (i) => b[i]!), { weights, categories: [0, 1, 2] }) ?? NaN,
        { resamples: 200, seed: 7 },
      );
      expect(fast).toEqual(slow);
      expectClose(fast.value, cohenKappa(a, b, { weights }));
      expect(fast.ci_low!).toBeLessThan(fast.value!);
      expect(fast.ci_high!).toBeGreaterThan(fast.value!);
    }
  });

  it('is deterministic for a seed and null where κ is undefined', () => {
    expect(cohenKappaBootstrap(a, b, { resamples: 50, seed: 3 })).toEqual(cohenKappaBootstrap(a, b, { resamples: 50, seed: 3 }));
    expect(cohenKappaBootstrap([2, 2, 2], [2, 2, 2], { resamples: 20, seed: 1 })).toEqual({ value: null, ci_low: null, ci_high: null });
  });
});

describe('codeCategories', () => {
  it('codes labels in a stable order independent of appearance', () => {
    const r = codeCategories(['b', null, 'a', 'b', 'c']);
    expect(r.categories).toEqual(['a', 'b', 'c']);
    expect(r.codes).toEqual([1, null, 0, 1, 2]);
    expect(codeCategories(['c', 'b', 'a']).categories).toEqual(codeCategories(['a', 'c', 'b']).categories);
  });

  it('orders numeric strings numerically, numbers before strings, NaN as missing', () => {
    expect(codeCategories(['10', '2', '1']).categories).toEqual(['1', '2', '10']);
    const r = codeCategories([3, 'x', 1, NaN, 'a']);
    expect(r.categories).toEqual([1, 3, 'a', 'x']);
    expect(r.codes).toEqual([1, 3, 0, null, 2]);
  });
});
