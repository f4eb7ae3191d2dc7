/**
 * The counting bootstrap of the tuning study against the generic path that recomputes every
 * statistic of every candidate on every resample: the same result, number for number (to 1e-9),
 * hold-out and k-fold, with and without dimensions.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClusterSums } from '../../src/stats/cluster-sums.ts';
import type { HumanLabel } from '../../src/schema/index.ts';
import { runTuning, type TuningOptions } from '../../src/studies/tuning.ts';
import { expectSame, labels } from '../helpers/counting.ts';

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
