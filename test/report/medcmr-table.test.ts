/** The Med-CMR main table: rows models, MCQ accuracy and open-ended score overall and per task with intervals. */
import { describe, expect, it } from 'vitest';
import { mainTable, mainTableHtml } from '../../src/report/medcmr-table.ts';
import { meanEstimate, summariseJudgments } from '../../src/judges/summary.ts';
import type { Judgment } from '../../src/schema/records.ts';
import type { LoadedRubric } from '../../src/judges/rubric.ts';

const est = (value: number, lo: number, hi: number) => ({ value, ci_low: lo, ci_high: hi });

describe('Med-CMR main table', () => {
  const mcq = {
    models: {
      'base-7b': { n: 10, accuracy: 0.6, ci_low: 0.3, ci_high: 0.9, by_task: { LTG: { n: 4, accuracy: 0.5, ci_low: 0, ci_high: 1 }, SOD: { n: 6, accuracy: 2 / 3, ci_low: 1 / 3, ci_high: 1 } } },
      '<b>med</b>-7b': { n: 10, accuracy: 0.7, ci_low: 0.4, ci_high: 1, by_task: { SOD: { n: 6, accuracy: 0.5, ci_low: 1 / 6, ci_high: 5 / 6 } } },
    },
  };
  const judge = { models: { 'base-7b': { score: est(61.25, 55, 67.5), by_task: { ZZ: { n: 3, score: est(40, 20, 60) }, SOD: { n: 5, score: est(70, 60, 80) } } } } };

  it('puts MCQ accuracy in percent and the open score beside it, overall and per task, tasks in the paper order', () => {
    const t = mainTable(mcq, judge)!;
    expect(t.models).toEqual(['<b>med</b>-7b', 'base-7b']);
    expect(t.tasks).toEqual(['SOD', 'LTG', 'ZZ']); // Med-CMR order (SOD before LTG), others after
    expect(t.mcq['base-7b']!.all).toEqual({ value: 60, ci_low: 30, ci_high: 90, n: 10 });
    expect(t.mcq['base-7b']!.SOD!.value).toBeCloseTo(200 / 3, 12);
    expect(t.open['base-7b']!.SOD).toEqual({ ...est(70, 60, 80), n: 5 });
    expect(t.open['<b>med</b>-7b']).toBeUndefined();
  });

  it('renders every cell with its interval, a dash where there is none, and escapes names', () => {
    const html = mainTableHtml(mainTable(mcq, judge)!, { mcq: 'mcq', judge: 'judge' });
    expect(html).toContain('<th scope="row">&lt;b&gt;med&lt;/b&gt;-7b</th>');
    expect(html).toContain('<td>60.0 <span class="ci">[30.0, 90.0]</span></td>');
    expect(html).toContain('<td>61.3 <span class="ci">[55.0, 67.5]</span></td>');
    // the medical model has no LTG MCQ and no open score: dashes
    const medRow = html.split('\n').find((l) => l.includes('med&lt;/b&gt;'))!;
    expect(medRow.match(/<td>—<\/td>/g)!.length).toBe(2 + 4); // MCQ LTG and ZZ; open overall + 3 tasks
    expect(mainTable({ nothing: 1 }, { nor: 2 })).toBeNull();
  });

  it('the judge summary gives the open score per task: the mean of that task\'s ok scores, with its interval', () => {
    const j = (item: string, score: number | null, status = 'ok'): Judgment =>
      ({ item_id: item, model: 'm', status, scores: { a: 1 }, score, judge: {}, parse_method: null, repairs: 0, raw: null, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0, cached: true, ...(status === 'ok' ? {} : { error: 'x' }) }) as unknown as Judgment;
    const lr = { rubric: { criteria: [{ key: 'a' }], aggregation: { method: 'weighted_mean' } } } as unknown as LoadedRubric;
    const tasks: Record<string, string> = { q1: 'SOD', q2: 'SOD', q3: 'LTG', q4: 'LTG', q5: 'LTG' };
    const s = summariseJudgments([j('q1', 50), j('q2', 80), j('q3', 10), j('q4', 40), j('q5', null, 'parse_error')], lr, { seed: 1, resamples: 200, taskOf: (id) => tasks[id] });
    const bt = s.models.m!.by_task!;
    expect(Object.keys(bt)).toEqual(['LTG', 'SOD']);
    expect(bt.SOD).toEqual({ n: 2, score: meanEstimate([50, 80], 1, 200) });
    expect(bt.SOD!.score.value).toBe(65);
    expect(bt.LTG).toEqual({ n: 2, score: meanEstimate([10, 40], 1, 200) }); // the parse error is not scored
    expect(bt.LTG!.score.value).toBe(25);
  });
});
