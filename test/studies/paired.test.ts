import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConsistencyPairs, resolveRows, runConsistency } from '../../src/studies/consistency.ts';
import { comparePaired, comparePooled, compareModels, type PairedTest } from '../../src/studies/paired.ts';

const FIX = join(import.meta.dirname, '../fixtures/consistency');
const golden = JSON.parse(await readFile(join(FIX, 'golden.json'), 'utf8'));

/** Compares a PairedTest with the scipy/statsmodels values of make_golden.py. */
function expectPaired(got: PairedTest | null, want: Record<string, unknown>, label: string): void {
  expect(got, label).not.toBeNull();
  const g = got!;
  expect(g.n, `${label} n`).toBe(want.n);
  expect([g.tuned_better, g.base_better, g.ties], `${label} counts`).toEqual([want.tuned_better, want.base_better, want.ties]);
  expect(g.base_mean!, `${label} base_mean`).toBeCloseTo(want.base_mean as number, 10);
  expect(g.tuned_mean!, `${label} tuned_mean`).toBeCloseTo(want.tuned_mean as number, 10);
  expect(g.sign_test_p, `${label} sign_test_p`).toBeCloseTo(want.sign_test_p as number, 12);
  expect(g.wilcoxon_method, `${label} method`).toBe(want.wilcoxon_method);
  expect(g.wilcoxon_p, `${label} wilcoxon_p`).toBeCloseTo(want.wilcoxon_p as number, 12);
  expect(g.wilcoxon_statistic, `${label} statistic`).toBeCloseTo(want.wilcoxon_statistic as number, 12);
  if (want.effect_size_r === null) expect(g.effect_size_r).toBeNull();
  else expect(g.effect_size_r!, `${label} r`).toBeCloseTo(want.effect_size_r as number, 10);
  if (want.units) expect(g.units).toEqual(want.units);
}

describe('base versus fine-tuned, against scipy wilcoxon and statsmodels sign_test', () => {
  it('0/1 outcomes over items and over tasks (ties, zero differences, an excluded cell)', async () => {
    const rows = await readConsistencyPairs(join(FIX, 'pairs_binary.csv'));
    const { resolved } = resolveRows(rows);
    const c = compareModels(resolved, 'general-a', 'medical-a');
    const want = golden.binary.paired['general-a:medical-a'];
    expectPaired(c.mcq, want.mcq, 'mcq');
    expectPaired(c.open, want.open, 'open');
    expect(c.open_score).toBeNull();
    expectPaired(c.by_task!.mcq, want.by_task.mcq, 'mcq by task');
    expectPaired(c.by_task!.open, want.by_task.open, 'open by task');
    expect(c.by_dimension).toBeNull();
    // a pair with an empty MCQ cell for one model is left out of the MCQ comparison only
    expect(c.mcq.n).toBe(39);
    expect(c.open.n).toBe(38);
  });

  it('scores over items, tasks and rubric dimensions, and pooled over pairs × tasks', async () => {
    const rows = await readConsistencyPairs(join(FIX, 'pairs_scores.csv'), { threshold: 50 });
    const res = runConsistency(rows, { threshold: 50, paired: [['base-1', 'tuned-1'], ['base-2', 'tuned-2']] });
    for (const key of ['base-1:tuned-1', 'base-2:tuned-2']) {
      const c = res.paired![key]!;
      const want = golden.scores.paired[key];
      expectPaired(c.mcq, want.mcq, `${key} mcq`);
      expectPaired(c.open, want.open, `${key} open`);
      expectPaired(c.open_score, want.open_score, `${key} open_score`);
      expectPaired(c.by_task!.mcq, want.by_task.mcq, `${key} mcq by task`);
      expectPaired(c.by_task!.open, want.by_task.open, `${key} open by task`);
      expectPaired(c.by_task!.open_score, want.by_task.open_score, `${key} score by task`);
      expectPaired(c.by_dimension, want.by_dimension, `${key} by dimension`);
    }
    const p = res.paired_pooled!;
    expect(p.pairs).toEqual(['base-1:tuned-1', 'base-2:tuned-2']);
    expect(p.mcq.unit).toBe('pair×task');
    expectPaired(p.mcq, golden.scores.pooled.mcq, 'pooled mcq');
    expectPaired(p.open, golden.scores.pooled.open, 'pooled open');
    expectPaired(p.open_score, golden.scores.pooled.open_score, 'pooled score');
    expect(comparePooled(resolveRows(rows, 50).resolved, [['base-1', 'tuned-1']]).mcq.n).toBe(3);
  });

  it('defined results when nothing differs or nothing is paired', () => {
    const same = comparePaired([1, 0, 1], [1, 0, 1], 'item');
    expect(same).toMatchObject({ n: 3, ties: 3, sign_test_p: 1, wilcoxon_p: 1, effect_size_r: null, mean_difference: 0 });
    const none = comparePaired([], [], 'task', []);
    expect(none).toMatchObject({ n: 0, base_mean: null, tuned_mean: null, mean_difference: null, sign_test_p: 1, wilcoxon_p: 1 });
    expect(JSON.stringify([same, none])).not.toMatch(/NaN/);
    expect(() => comparePaired([1], [1, 2], 'item')).toThrow(RangeError);
  });
});
