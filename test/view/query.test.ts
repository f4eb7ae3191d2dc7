/**
 * The viewer's queries over a run folder whose every value is a known function of (item, model):
 * filters, drill-down, the judge–human disagreements and the comparison of two runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, disagreements, drill, facets, loadRunIndex, queryRows, type RunIndex } from '../../src/view/index.ts';
import { humanScore, judgeScore, writeRunFolder } from '../helpers/run-folder.ts';

let run: RunIndex;
let shifted: RunIndex;
beforeAll(async () => {
  run = await loadRunIndex(writeRunFolder(mkdtempSync(join(tmpdir(), 'jk-view-')), { items: 10 }));
  shifted = await loadRunIndex(writeRunFolder(mkdtempSync(join(tmpdir(), 'jk-view-')), { items: 10, shift: { model: 'model-a', criterion: 'accuracy', by: 1 }, runId: 'shifted' }));
});

describe('judgekit view: queries', () => {
  it('reads every ledger line and every human label, each once', () => {
    // 10 items × 2 models: 20 judgments, 20 MCQ records, 10 × 2 × 2 labels.
    expect(run.rows.length).toBe(80);
    expect(run.notes).toEqual([]);
    const f = facets(run);
    expect(f.source).toEqual([['judgment', 20], ['label', 40], ['mcq', 20]]);
    expect(f.rater!.map(([r]) => r)).toEqual(['human1', 'human2', 'judge:judge']) // MCQ records have no rater;
  });

  it('filters by stage, model, item, task, status and criterion and pages', () => {
    expect(queryRows(run, { source: 'judgment', model: 'model-a' }, 0, 50).total).toBe(10);
    expect(queryRows(run, { criterion: 'accuracy' }, 0, 50).total).toBe(20);
    expect(queryRows(run, { criterion: 'med/accuracy', rater: 'human2' }, 0, 50).total).toBe(20);
    // LTG: items 0, 3, 6, 9, each with 2 judgments, 2 MCQ records and 4 labels.
    expect(queryRows(run, { task: 'LTG' }, 0, 50).total).toBe(32);
    expect(queryRows(run, { stage: 'agree' }, 0, 50).total).toBe(40);
    expect(queryRows(run, { item: 'q1' }, 0, 50).total).toBe(8);
    expect(queryRows(run, { status: 'parse_error' }, 0, 50).total).toBe(0);
    const page = queryRows(run, { stage: 'mcq' }, 15, 10);
    expect(page.total).toBe(20);
    expect(page.rows.map((r) => r.item_id)).toEqual(['q7', 'q8', 'q8', 'q9', 'q9']) // rows 15–19: q7's second model, then q8 and q9;
  });

  it('drills down to the item, the answer, what the judge saw and the humans beside it', () => {
    const j = queryRows(run, { source: 'judgment', item: 'q0', model: 'model-a' }, 0, 1).rows[0]!;
    const d = drill(run, j.id)!;
    expect(d.item).toMatchObject({ question: 'What is seen <b>here</b> in case 0?', reference: 'Reference answer 0', task: 'LTG', image: true });
    expect(d.candidate).toBe('Answer of model-a to q0 <script>alert(1)</script>');
    expect(Object.fromEntries(d.judge)).toMatchObject({ raw: `{"accuracy": ${judgeScore(0, 0, 'accuracy')}}`, rationale: 'Because of q0', parse_method: 'json_mode' });
    const calls = d.judge.find(([k]) => k === 'calls')![1] as Array<{ messages: unknown; rule: string }>;
    expect(calls.map((c) => [c.messages, c.rule])).toEqual([[[{ role: 'system', content: 'You are a judge.' }, { role: 'user', content: 'Judge q0' }], 'json_object']]);
    const humans = d.beside.filter((b) => b.source === 'label').map((b) => [b.rater, b.values['med/accuracy']]);
    expect(humans).toEqual([['human1', humanScore(0, 0, 0)], ['human2', humanScore(0, 0, 1)]]);
  });

  it('ranks the planted judge–human disagreement first', () => {
    const d = disagreements(run);
    expect(d.units).toBe(20); // 10 labelled items × 2 models, accuracy only
    const top = d.top[0]!;
    expect(top).toMatchObject({ item_id: 'q2', model: 'model-a', dimension: 'accuracy', judge: 'judge:judge', judge_value: judgeScore(2, 0, 'accuracy') });
    // |judge − human mean| over the range the accuracy scores take (1 to 5).
    expect(top.disagreement).toBeCloseTo(Math.abs(judgeScore(2, 0, 'accuracy') - 5) / 4, 12);
    expect(d.top[1]!.disagreement).toBeCloseTo(0.5 / 4, 12);
  });

  it('shows what changed between two runs, per model and criterion', () => {
    const c = compareRuns(run, shifted);
    expect(c.same_experiment).toBe(true);
    const moved = c.changes.filter((x) => x.delta !== 0);
    // accuracy +1 on the raw scale, and the aggregate by 80/4 = 20 points (accuracy weighs 80 of 100).
    expect(moved.map((x) => [x.stage, x.model, x.criterion, x.delta])).toEqual([
      ['judge', 'model-a', 'score', 20],
      ['judge', 'model-a', 'accuracy', 1],
    ]);
    const mean = [...Array(10).keys()].reduce((a, i) => a + judgeScore(i, 0, 'accuracy'), 0) / 10;
    expect(moved[1]).toMatchObject({ a: mean, b: mean + 1, n_a: 10, n_b: 10 });
    expect(c.changes.find((x) => x.criterion === 'accuracy' && x.stage === 'mcq' && x.model === 'model-b')).toMatchObject({ a: 0.5, b: 0.5, delta: 0 });
  });
});
