/**
 * The counting bootstrap of the tuning study against the generic path that recomputes every
 * statistic of every candidate on every resample: the same result, number for number (to 1e-9),
 * hold-out and k-fold, with and without dimensions, at every level.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClusterSums } from '../../src/stats/cluster-sums.ts';
import type { HumanLabel } from '../../src/schema/index.ts';
import { runTuning, type TuningOptions } from '../../src/studies/tuning.ts';
import { expectSame, labels, syntheticLabels } from '../helpers/counting.ts';

const candidates = ['v1', 'v2', 'v3'];

afterEach(() => vi.restoreAllMocks());

/** Both paths; the counting one must really count (it draws through ClusterSums), the generic one must not. */
const both = (l: HumanLabel[], o: TuningOptions) => {
  const spy = vi.spyOn(ClusterSums.prototype, 'bootstrap');
  const fast = runTuning(l, o);
  expect(spy).toHaveBeenCalled();
  spy.mockClear();
  const generic = runTuning(l, { ...o, bootstrapPath: 'generic' });
  expect(spy).not.toHaveBeenCalled();
  return { fast, generic };
};

describe('tuning study, nominal: counting bootstrap = generic bootstrap', () => {
  it('hold-out, three candidates, three humans, missing ratings and failures', () => {
    const l = labels(21, { items: 160, models: [''], dims: [''], raters: candidates, humans: 3, cats: ['A', 'B', 'C'], missing: 0.1, failures: 0.03 });
    const { fast, generic } = both(l, { candidates, humans: ['h1', 'h2', 'h3'], level: 'nominal', split: { method: 'holdout', test_fraction: 0.5 }, seed: 4, resamples: 120 });
    expect(fast.evaluation[0]!.stats.kappa!.ci_low).not.toBeNull();
    expect(fast.differences[0]!.stats.alpha!.ci_high).not.toBeNull();
    expectSame(fast, generic);
  });

  it('k-fold with models and dimensions (each headline the mean over dimensions), two humans', () => {
    const l = labels(22, { items: 70, models: ['m1', 'm2'], dims: ['accuracy', 'clarity', 'depth'], raters: candidates, humans: 2, cats: ['1', '2', '3', '4'], missing: 0.2, failures: 0.05 });
    const { fast, generic } = both(l, { candidates, humans: ['h1', 'h2'], level: 'nominal', split: { method: 'kfold', folds: 4 }, seed: 8, resamples: 90 });
    expect(fast.selected_pooled!.dimensions!.depth!.stats.agreement!.ci_low).not.toBeNull();
    expectSame(fast, generic);
  });

  it('degenerate: one category everywhere (undefined κ and α alike), and no resamples', () => {
    const l = labels(23, { items: 40, models: [''], dims: [''], raters: candidates, humans: 2, cats: ['A'], missing: 0.1, failures: 0 });
    const o: TuningOptions = { candidates, humans: ['h1', 'h2'], level: 'nominal', split: { method: 'holdout', test_fraction: 0.5 }, seed: 2, resamples: 60 };
    const { fast, generic } = both(l, o);
    expect(fast.evaluation[0]!.stats.kappa!.value).toBeNull();
    expectSame(fast, generic);
    expectSame(...(Object.values(both(l, { ...o, resamples: 0 })) as [unknown, unknown]));
  });
});

describe('tuning study, ordinal, interval and ratio: counting bootstrap = generic bootstrap', () => {
  // 1–5 ratings near a truth: κ (mean over humans of the quadratic κ), α at the level, Spearman and Pearson against the humans' mean
  const near = (rng: { next(): number; int(n: number): number }, truth: number) => 1 + Math.min(4, Math.max(0, truth + (rng.next() < 0.6 ? 0 : rng.int(3) - 1)));
  for (const level of ['ordinal', 'interval', 'ratio'] as const) {
    it(`${level}: hold-out with dimensions and k-fold without, missing ratings and failures`, () => {
      const withDims = syntheticLabels(31, { items: 90, models: ['m1', 'm2'], dims: ['accuracy', 'clarity'], raters: candidates, humans: 3, classes: 5, missing: 0.1, failures: 0.03 }, near);
      const { fast, generic } = both(withDims, { candidates, humans: ['h1', 'h2', 'h3'], level, split: { method: 'holdout', test_fraction: 0.4 }, seed: 6, resamples: 80 });
      expect(fast.evaluation[1]!.stats.spearman!.ci_low).not.toBeNull();
      expect(fast.evaluation[1]!.dimensions!.clarity!.stats.kappa!.ci_high).not.toBeNull();
      expectSame(fast, generic);
      const plain = syntheticLabels(32, { items: 120, models: [''], dims: [''], raters: candidates, humans: 2, classes: 5, missing: 0.15, failures: 0.02 }, near);
      expectSame(...(Object.values(both(plain, { candidates, humans: ['h1', 'h2'], level, split: { method: 'kfold', folds: 3 }, seed: 3, resamples: 70 })) as [unknown, unknown]));
    });
  }

  it('one human, and a candidate constant on a dimension (undefined correlations alike)', () => {
    const l = syntheticLabels(33, { items: 60, models: [''], dims: ['a', 'b'], raters: candidates, humans: 1, classes: 5, missing: 0.05, failures: 0 }, near).map((x) =>
      x.rater === 'v2' && x.dimension === 'b' && x.value !== 'parse_error' ? { ...x, value: 3 } : x,
    );
    const { fast, generic } = both(l, { candidates, humans: ['h1'], level: 'ordinal', split: { method: 'holdout', test_fraction: 0.5 }, seed: 1, resamples: 60 });
    expect(fast.evaluation[1]!.dimensions!.b!.stats.spearman!.value).toBeNull();
    expectSame(fast, generic);
  });
});
