import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLabels } from '../../src/io/records.ts';
import { altTest } from '../../src/studies/alt-test.ts';
import { runAgreement } from '../../src/studies/validation.ts';

// Golden values: a port of nitaytech/AltTest's alt_test (scipy ttest_1samp + statsmodels fdr_by),
// test/fixtures/validation/make_golden.py.
const FIX = new URL('../fixtures/validation/', import.meta.url);
const golden = JSON.parse(readFileSync(new URL('golden.json', FIX), 'utf8'));

interface GoldenAlt {
  winning_rate: number;
  passed: boolean;
  advantage_probability: number;
  n_items: number;
  per_rater: { rater: string; n_items: number; t: number; p_value: number; adjusted_p_value: number; rejected: boolean; judge_advantage: number; human_advantage: number }[];
  skipped: { rater: string; n_items: number }[];
}

describe('alt-test against the reference implementation', () => {
  const cases: [string, 'nominal' | 'interval', string, number, number][] = [
    ['nominal', 'nominal', 'labels-nominal.csv', 0, 30],
    ['nominal', 'nominal', 'labels-nominal.csv', 0.1, 30],
    ['nominal', 'nominal', 'labels-nominal.csv', 0.2, 30],
    ['nominal', 'nominal', 'labels-nominal.csv', 0.15, 20],
    ['numeric', 'interval', 'labels-numeric.csv', 0, 30],
    ['numeric', 'interval', 'labels-numeric.csv', 0.1, 30],
    ['numeric', 'interval', 'labels-numeric.csv', 0.2, 30],
    ['numeric', 'interval', 'labels-numeric.csv', 0.15, 20],
  ];
  for (const [name, level, file, eps, minItems] of cases) {
    it(`${name}, ε = ${eps}, at least ${minItems} items per human`, async () => {
      const g: GoldenAlt = golden.alt_test[minItems === 20 ? `${name}_min20` : `${name}_eps${eps.toFixed(1)}`];
      const labels = await readLabels(new URL(file, FIX).pathname);
      const r = runAgreement(labels, { level, judge: 'judge', epsilon: eps, seed: 1, resamples: 0, altTestMinItemsPerHuman: minItems });
      const a = r.judge_validation!.alt_test;
      expect(a.metric).toBe(level === 'nominal' ? 'accuracy' : 'rmse');
      expect(a.epsilon).toBe(eps);
      expect(a.n_items).toBe(g.n_items);
      expect(a.winning_rate).toBeCloseTo(g.winning_rate, 12);
      expect(a.passed).toBe(g.passed);
      expect(a.advantage_probability).toBeCloseTo(g.advantage_probability, 12);
      expect(a.per_rater.map((p) => p.rater)).toEqual(g.per_rater.map((p) => p.rater));
      a.per_rater.forEach((p, i) => {
        const e = g.per_rater[i]!;
        expect(p.n_items).toBe(e.n_items);
        expect(p.t!).toBeCloseTo(e.t, 9);
        expect(p.p_value!).toBeCloseTo(e.p_value, 9);
        expect(p.adjusted_p_value!).toBeCloseTo(e.adjusted_p_value, 9);
        expect(p.rejected).toBe(e.rejected);
        expect(p.judge_advantage).toBeCloseTo(e.judge_advantage, 12);
        expect(p.human_advantage).toBeCloseTo(e.human_advantage, 12);
      });
      expect(a.skipped.map((s) => [s.rater, s.n_items])).toEqual(g.skipped.map((s) => [s.rater, s.n_items]));
    });
  }
});

describe('alt-test degenerate cases', () => {
  const n = 40;
  const seq = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

  it('a judge identical to the consensus has constant d = −1 < ε: p = 0, as scipy (t = −∞)', () => {
    // three humans always agree, except human c who is always off; the judge always agrees
    const humans = [
      { rater: 'a', values: seq(() => 1) },
      { rater: 'b', values: seq(() => 1) },
      { rater: 'c', values: seq(() => 2) },
    ];
    const r = altTest(seq(() => 1), humans, { epsilon: 0.2, metric: 'accuracy' });
    const c = r.per_rater.find((p) => p.rater === 'c')!;
    expect(c.p_value).toBe(0); // W_human = 0, W_judge = 1 on every item
    expect(c.t).toBeNull();
    expect(c.rejected).toBe(true);
    // for a and b, the judge ties with the human on every item: d = 0 < ε, constant → p = 0
    expect(r.per_rater.find((p) => p.rater === 'a')!.p_value).toBe(0);
    expect(r.winning_rate).toBe(1);
    expect(r.passed).toBe(true);
    expect(r.advantage_probability).toBe(1);
  });

  it('no human with enough items: nulls, not NaN, and a warning', () => {
    const humans = [
      { rater: 'a', values: seq(() => 1) },
      { rater: 'b', values: seq(() => 2) },
    ];
    const r = altTest(seq(() => 1), humans, { epsilon: 0.2, metric: 'rmse', minItemsPerHuman: 50 });
    expect(r.winning_rate).toBeNull();
    expect(r.passed).toBeNull();
    expect(r.advantage_probability).toBeNull();
    expect(r.skipped).toHaveLength(2);
    expect(r.warnings.join(' ')).toMatch(/at least 3/);
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
  });

  it('items with fewer than 2 humans or no judge label are dropped', () => {
    const humans = [
      { rater: 'a', values: seq((i) => (i < 35 ? 1 : NaN)) },
      { rater: 'b', values: seq(() => 1) },
    ];
    const judge = seq((i) => (i === 0 ? NaN : 1));
    const r = altTest(judge, humans, { epsilon: 0.2, metric: 'accuracy' });
    expect(r.n_items).toBe(34);
  });
});
