/**
 * The counting bootstrap of the agreement study at the ordinal, interval and ratio levels against
 * the generic path that recomputes every statistic on every resample: the same result, number for
 * number (to 1e-12), and the pure counting path taken wherever every statistic has a small table.
 */
import { describe, expect, it, vi } from 'vitest';
import type { HumanLabel } from '../../src/schema/index.ts';
import { expectSame as expectSameWithin, syntheticLabels, type LabelSpec } from '../helpers/counting.ts';
import { bootstrapVector } from '../../src/stats/resample.ts';
import { runAgreement, type AgreementOptions } from '../../src/studies/validation.ts';

// the generic driver, watched: the counting path never calls it
vi.mock('../../src/stats/resample.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/stats/resample.ts')>();
  return { ...m, bootstrapVector: vi.fn(m.bootstrapVector) };
});
const genericPasses = () => vi.mocked(bootstrapVector).mock.calls.length;

interface Spec extends Omit<LabelSpec, 'cats'> {
  /** The scale the raters use (a value is near the item's truth with probability 0.7). */
  scale: number[];
  /** Continuous ratings: truth + noise, rounded to 4 decimals (no small table). */
  continuous?: boolean;
}

function labels(seed: number, s: Spec): HumanLabel[] {
  return syntheticLabels(seed, { ...s, classes: s.scale.length }, (rng, truth) => {
    const near = Math.max(0, Math.min(s.scale.length - 1, truth + rng.int(3) - 1));
    return s.continuous ? Math.round((truth + 2 * rng.next()) * 1e4) / 1e4 : s.scale[rng.next() < 0.7 ? near : rng.int(s.scale.length)]!;
  });
}

const expectSame = (a: unknown, b: unknown) => expectSameWithin(a, b, '', 1e-12);

/** The counting result (and how many generic passes it needed), then the generic one. */
function both(l: HumanLabel[], o: AgreementOptions) {
  vi.mocked(bootstrapVector).mockClear();
  const fast = runAgreement(l, o);
  const passes = genericPasses();
  const generic = runAgreement(l, { ...o, bootstrapPath: 'generic' });
  expectSame(fast, generic);
  return { fast, generic, passes };
}

const LIKERT = [1, 2, 3, 4, 5];

describe('agreement study, ordinal/interval/ratio: counting bootstrap = generic bootstrap', () => {
  it('ordinal 1–5, judge + 3 humans, missing ratings and failures: pure counting, every statistic and interval', () => {
    const l = labels(21, { items: 150, models: [''], dims: [''], humans: 3, scale: LIKERT, missing: 0.1, failures: 0.03 });
    const { fast, passes } = both(l, { level: 'ordinal', judge: 'judge', seed: 5, resamples: 100 });
    expect(passes).toBe(0);
    expect(fast.krippendorff_alpha.ci_low).not.toBeNull();
    expect(fast.icc!.icc2_1!.ci_high).not.toBeNull();
    expect(fast.pairs[0]!.weighted_kappa_quadratic!.ci_low).not.toBeNull();
    const vc = fast.judge_validation!.vs_consensus;
    // the judge against the humans' mean (off the scale): correlations and MAE, no κ
    expect(vc.spearman!.ci_low).not.toBeNull();
    expect(vc.kendall_tau_b!.value).not.toBeNull();
    expect(vc.mae!.value).toBeGreaterThan(0);
    expect(vc.cohen_kappa).toBeNull();
    expect(fast.judge_validation!.ceiling.mean_human_vs_rest.spearman!.ci_low).not.toBeNull();
  });

  it('interval, several models and dimensions per item (clusters of many units), 2 humans; the system ranking stays generic', () => {
    const l = labels(22, { items: 50, models: ['m1', 'm2', 'm3'], dims: ['accuracy', 'clarity'], humans: 2, scale: [0, 2.5, 5, 7.5, 10], missing: 0.25, failures: 0.05 });
    const { fast, passes } = both(l, { level: 'interval', judge: 'judge', seed: 9, resamples: 80 });
    expect(Object.keys(fast.dimensions!)).toEqual(['accuracy', 'clarity']);
    expect(fast.dimensions!.accuracy!.system_ranking!.krippendorff_alpha.interval.value).not.toBeNull();
    // pooled: pure counting; each dimension: one pass mixing counts with the ranking's generic α
    expect(passes).toBe(2);
  });

  it('ratio with a half-point scale, no judge, 4 humans; and without resamples', () => {
    const l = labels(23, { items: 120, models: [''], dims: [''], humans: 4, scale: [0, 0.5, 1, 1.5, 2, 3], missing: 0.35, failures: 0 });
    expect(both(l, { level: 'ratio', seed: 1, resamples: 60 }).passes).toBe(0);
    expect(both(l, { level: 'ratio', judge: 'judge', seed: 1, resamples: 0 }).passes).toBe(0);
  });

  it('one human beside the judge (no ceiling), ordinal', () => {
    const l = labels(24, { items: 90, models: [''], dims: [''], humans: 1, scale: LIKERT, missing: 0.2, failures: 0.02 });
    const { fast, passes } = both(l, { level: 'ordinal', judge: 'judge', seed: 2, resamples: 80 });
    expect(passes).toBe(0);
    expect(fast.judge_validation!.vs_consensus.cohen_kappa!.value).not.toBeNull(); // the mean of one human is on the scale
  });

  it('degenerate: everyone gives the same value (undefined statistics and intervals are null alike)', () => {
    const l = labels(25, { items: 40, models: [''], dims: [''], humans: 2, scale: [3], missing: 0.1, failures: 0 });
    const { fast, passes } = both(l, { level: 'ordinal', judge: 'judge', seed: 3, resamples: 50 });
    expect(passes).toBe(0);
    expect(fast.krippendorff_alpha.value).toBeNull();
    expect(fast.pairs[0]!.spearman!.value).toBeNull();
    expect(fast.icc!.icc3_1!.value).toBeNull();
  });

  it('a constant human among varying raters: his correlations are null, the rest is counted', () => {
    const l = labels(26, { items: 80, models: [''], dims: [''], humans: 2, scale: LIKERT, missing: 0.1, failures: 0 }).map((x) => (x.rater === 'h2' ? { ...x, value: 4 } : x));
    const { fast, passes } = both(l, { level: 'interval', judge: 'judge', seed: 4, resamples: 60 });
    expect(passes).toBe(0);
    const withH2 = fast.pairs.find((p) => p.a === 'h2' || p.b === 'h2')!;
    expect(withH2.pearson!.value).toBeNull();
    expect(withH2.kendall_tau_b!.value).toBeNull();
    expect(fast.pairs.find((p) => p.a !== 'h2' && p.b !== 'h2')!.pearson!.value).not.toBeNull();
  });

  it('continuous ratings: the tables would be too large, the generic statistics run beside the counted ones', () => {
    const l = labels(27, { items: 120, models: [''], dims: [''], humans: 2, scale: LIKERT, missing: 0.1, failures: 0, continuous: true });
    const { fast, passes } = both(l, { level: 'interval', judge: 'judge', seed: 6, resamples: 40 });
    expect(passes).toBe(1);
    expect(fast.pairs[0]!.spearman!.ci_low).not.toBeNull();
  });
});
