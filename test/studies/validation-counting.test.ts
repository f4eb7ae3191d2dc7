/**
 * The counting bootstrap of the agreement study (nominal level) against the generic path that
 * recomputes every statistic on every resample: the same result, number for number (to 1e-9).
 */
import { describe, expect, it } from 'vitest';
import type { HumanLabel } from '../../src/schema/index.ts';
import { runAgreement, type AgreementOptions } from '../../src/studies/validation.ts';
import { expectSame, labels } from '../helpers/counting.ts';

const both = (l: HumanLabel[], o: AgreementOptions) => {
  const fast = runAgreement(l, o);
  const generic = runAgreement(l, { ...o, bootstrapPath: 'generic' });
  return { fast, generic };
};

describe('agreement study, nominal: counting bootstrap = generic bootstrap', () => {
  it('judge + 3 humans, 3 categories, one unit per item, missing ratings and failures', () => {
    const l = labels(11, { items: 150, models: [''], dims: [''], humans: 3, cats: ['A', 'B', 'C'], missing: 0.1, failures: 0.03 });
    const { fast, generic } = both(l, { level: 'nominal', judge: 'judge', seed: 5, resamples: 100 });
    expect(fast.krippendorff_alpha.ci_low).not.toBeNull();
    expect(fast.judge_validation!.vs_consensus.macro_f1!.ci_high).not.toBeNull();
    expectSame(fast, generic);
  });

  it('several models and dimensions per item (clusters of many units), 5 categories, 2 humans', () => {
    const l = labels(12, { items: 60, models: ['m1', 'm2', 'm3'], dims: ['accuracy', 'clarity'], humans: 2, cats: ['1', '2', '3', '4', '5'], missing: 0.25, failures: 0.05 });
    const { fast, generic } = both(l, { level: 'nominal', judge: 'judge', seed: 9, resamples: 80 });
    expect(Object.keys(fast.dimensions!)).toEqual(['accuracy', 'clarity']);
    expectSame(fast, generic);
  });

  it('no judge, one human with the judge, two categories, no resamples', () => {
    const l = labels(13, { items: 80, models: [''], dims: [''], humans: 4, cats: ['yes', 'no'], missing: 0.4, failures: 0 });
    expectSame(...Object.values(both(l, { level: 'nominal', seed: 1, resamples: 100 })) as [unknown, unknown]);
    expectSame(...Object.values(both(l, { level: 'nominal', judge: 'judge', seed: 1, resamples: 0 })) as [unknown, unknown]);
    const one = l.filter((x) => x.rater === 'judge' || x.rater === 'h1');
    expectSame(...Object.values(both(one, { level: 'nominal', judge: 'judge', seed: 2, resamples: 80 })) as [unknown, unknown]);
  });

  it('degenerate: everyone gives the same category (null statistics and intervals alike)', () => {
    const l = labels(14, { items: 30, models: [''], dims: [''], humans: 2, cats: ['A'], missing: 0.1, failures: 0 });
    const { fast, generic } = both(l, { level: 'nominal', judge: 'judge', seed: 3, resamples: 50 });
    expect(fast.krippendorff_alpha.value).toBeNull();
    expectSame(fast, generic);
  });
});
