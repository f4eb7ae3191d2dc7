import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/io/index.ts';
import { renderMcqMarkdown, scoreMcq, summariseMcq } from '../../src/mcq/index.ts';
import { Item, McqRecord, type Response } from '../../src/schema/index.ts';

const options = { A: 'Pneumonia', B: 'Pulmonary embolism', C: 'Pneumothorax', D: 'Pleural effusion', E: 'Atelectasis' };
const items = new Map<string, Item>(
  [
    Item.parse({ id: 'q1', format: 'mcq', question: 'What is shown?', options, answer: 'C', task: 'LTG', organ_system: 'Respiratory', modality: 'X-ray' }),
    Item.parse({ id: 'q2', format: 'mcq', question: 'What is shown?', options, answer: 'D', task: 'CR' }),
    Item.parse({ id: 'o1', format: 'open', question: 'Describe.', reference: 'A pneumothorax.' }),
  ].map((i) => [i.id, i]),
);

describe('scoreMcq', () => {
  it('makes one record per model and MCQ item, with missing records and item groups copied', () => {
    const responses: Response[] = [
      { item_id: 'q1', model: 'm1', output: 'Reasoning: pleural line.\nAnswer: C' },
      { item_id: 'q2', model: 'm1', output: 'A or D' },
      { item_id: 'o1', model: 'm1', output: 'A pneumothorax.' },
      { item_id: 'q2', model: 'm2', output: 'Pleural effusion' },
    ];
    const recs = scoreMcq(items, responses);
    for (const r of recs) McqRecord.parse(r);
    expect(recs.map((r) => [r.model, r.item_id, r.status, r.extracted, r.rule, r.correct])).toEqual([
      ['m1', 'q1', 'ok', 'C', 'answer_line', true],
      ['m1', 'q2', 'invalid_answer', null, 'ambiguous', null],
      ['m2', 'q1', 'missing', null, 'missing', null],
      ['m2', 'q2', 'ok', 'D', 'option_text', true],
    ]);
    expect(recs[0]).toMatchObject({ output: 'Reasoning: pleural line.\nAnswer: C', answer: 'C', task: 'LTG', organ_system: 'Respiratory', modality: 'X-ray' });
    expect(recs[1]!.organ_system).toBeUndefined();
    expect(recs[2]!.output).toBe('');
  });

  it('scores a wrong letter as incorrect, not invalid', () => {
    const [r] = scoreMcq(items, [{ item_id: 'q1', model: 'm', output: 'B' }]);
    expect(r).toMatchObject({ status: 'ok', extracted: 'B', correct: false });
  });

  it('rejects responses to unknown items and duplicate responses', () => {
    expect(() => scoreMcq(items, [{ item_id: 'nope', model: 'm', output: 'A' }])).toThrow(InputError);
    expect(() => scoreMcq(items, [{ item_id: 'q1', model: 'm', output: 'A' }, { item_id: 'q1', model: 'm', output: 'B' }])).toThrow(/duplicate/);
    // models interleaved: a model's responses are found wherever they stand, and so is its duplicate
    const mixed: Response[] = [
      { item_id: 'q1', model: 'm1', output: 'C' },
      { item_id: 'q1', model: 'm2', output: 'B' },
      { item_id: 'o1', model: 'm1', output: 'text' },
      { item_id: 'q2', model: 'm1', output: 'D' },
    ];
    expect(scoreMcq(items, mixed).map((r) => [r.model, r.item_id, r.extracted])).toEqual([
      ['m1', 'q1', 'C'],
      ['m1', 'q2', 'D'],
      ['m2', 'q1', 'B'],
      ['m2', 'q2', null],
    ]);
    expect(() => scoreMcq(items, [...mixed, { item_id: 'q1', model: 'm1', output: 'A' }])).toThrow(/duplicate response of model "m1" to item "q1"/);
  });
});

describe('renderMcqMarkdown', () => {
  it('renders the model table with intervals, the task table and the rule counts', () => {
    const recs = scoreMcq(items, [
      { item_id: 'q1', model: 'm|1', output: 'C' },
      { item_id: 'q2', model: 'm|1', output: '' },
      { item_id: 'q1', model: 'm2', output: 'Answer: C' },
      { item_id: 'q2', model: 'm2', output: 'Answer: D' },
    ]);
    const res = summariseMcq(recs, { seed: 1, resamples: 100 });
    const md = renderMcqMarkdown(res);
    expect(md).toContain('| Model | Accuracy % [95% CI] | Answered acc. % | Invalid % | Missing % | n |');
    expect(md).toMatch(/\| m\\\|1 \| 50\.00 \[\d+\.\d\d, \d+\.\d\d\] \| 100\.00 \| 50\.00 \| 0\.00 \| 2 \|/);
    expect(md).toContain('| Model | CR | LTG | All |');
    expect(md).toContain('| m2 | 100.00 | 100.00 | 100.00 |');
    expect(md).toContain('| (none) | 1 | 0.00 | 100.00 |');
    expect(md).toMatch(/\| empty \| 1 \| 0 \|/);
    expect(md).not.toMatch(/NaN|undefined/);
    expect(renderMcqMarkdown(summariseMcq(recs, { seed: 1, resamples: 0 }))).toContain('| m2 | 100.00 | 100.00 | 0.00 | 0.00 | 2 |');
  });
});

describe('multi-answer items', () => {
  const g = { A: 'f(x) is even', B: 'f(x) is increasing on (0, 1)', C: 'f(0) = 1', D: 'f has a maximum at x = 1' };
  const multi = new Map<string, Item>(
    [
      Item.parse({ id: 'm1', format: 'mcq', question: 'Which hold?', options: g, answers: ['B', 'D'] }),
      Item.parse({ id: 'm2', format: 'mcq', question: 'Which hold?', options: g, answers: ['D', 'B'], scoring: 'subset' }),
    ].map((i) => [i.id, i]),
  );
  const score = (output: string) =>
    scoreMcq(multi, [
      { item_id: 'm1', model: 'x', output },
      { item_id: 'm2', model: 'x', output },
    ]).map((r) => [r.status, r.extracted, r.answer, r.correct]);

  it('reads a set of letters and scores it exactly, or as a subset where the item says so', () => {
    expect(score('【答案】BD')).toEqual([
      ['ok', 'B,D', 'B,D', true],
      ['ok', 'B,D', 'B,D', true],
    ]);
    expect(score('答案：D')).toEqual([
      ['ok', 'D', 'B,D', false],
      ['ok', 'D', 'B,D', true],
    ]);
    expect(score('Answer: A, B and D')).toEqual([
      ['ok', 'A,B,D', 'B,D', false],
      ['ok', 'A,B,D', 'B,D', false],
    ]);
    expect(score('Answer: B or D')).toEqual([
      ['invalid_answer', null, 'B,D', null],
      ['invalid_answer', null, 'B,D', null],
    ]);
    for (const r of scoreMcq(multi, [{ item_id: 'm1', model: 'x', output: '答案：B、D' }])) McqRecord.parse(r);
  });

  it('rejects items that declare answers badly', () => {
    expect(Item.safeParse({ id: 'z', format: 'mcq', question: '?', options: g, answer: 'B', answers: ['B', 'D'] }).success).toBe(false);
    expect(Item.safeParse({ id: 'z', format: 'mcq', question: '?', options: g, answers: ['B', 'E'] }).success).toBe(false);
    expect(Item.safeParse({ id: 'z', format: 'mcq', question: '?', options: g, answers: ['B', 'B'] }).success).toBe(false);
    expect(Item.safeParse({ id: 'z', format: 'mcq', question: '?', options: g, answer: 'B', scoring: 'subset' }).success).toBe(false);
  });
});

describe('failure counts in the result and the report', () => {
  it('counts each failure kind per model and renders them', () => {
    const recs = scoreMcq(items, [
      { item_id: 'q1', model: 'm', output: 'The answer is (B) or (C).' },
      { item_id: 'q2', model: 'm', output: 'print(answer)' },
    ]);
    const result = summariseMcq(recs, { seed: 1, resamples: 0 });
    expect(result.models.m!.by_failure).toEqual({ ambiguous: 1, program: 1 });
    const md = renderMcqMarkdown(result);
    expect(md).toContain('### Answers not scored, by kind');
    expect(md).toContain('| ambiguous | 1 |');
    expect(md).toContain('| program | 1 |');
  });
});
