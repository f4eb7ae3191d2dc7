/**
 * The counting bootstrap of the agreement study (nominal level) against the generic path that
 * recomputes every statistic on every resample: the same result, number for number (to 1e-9).
 */
import { describe, expect, it } from 'vitest';
import type { HumanLabel } from '../../src/schema/index.ts';
import { Rng } from '../../src/stats/random.ts';
import { runAgreement, type AgreementOptions } from '../../src/studies/validation.ts';

function labels(seed: number, opts: { items: number; models: string[]; dims: string[]; humans: number; cats: string[]; missing: number; failures: number }): HumanLabel[] {
  const rng = new Rng(seed);
  const out: HumanLabel[] = [];
  for (let i = 0; i < opts.items; i++) {
    for (const model of opts.models) {
      for (const dim of opts.dims) {
        const truth = rng.int(opts.cats.length);
        for (const rater of ['judge', ...Array.from({ length: opts.humans }, (_, h) => `h${h + 1}`)]) {
          if (rng.next() < opts.missing) continue;
          const base = { item_id: `q${i}`, rater, ...(model ? { model } : {}), ...(dim ? { dimension: dim } : {}) };
          if (rng.next() < opts.failures) out.push({ ...base, value: 'parse_error' });
          else out.push({ ...base, value: opts.cats[rng.next() < 0.65 ? truth : rng.int(opts.cats.length)]! });
        }
      }
    }
  }
  return out;
}

/** Every number of the two results within 1e-9, every other value equal. */
function expectSame(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9) throw new Error(`${path}: ${a} vs ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    expect(a, path).toEqual(b);
    return;
  }
  expect(Object.keys(a as object).sort(), path).toEqual(Object.keys(b as object).sort());
  for (const k of Object.keys(a as object)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
}

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
