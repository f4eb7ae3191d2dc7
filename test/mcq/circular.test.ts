import { describe, expect, it } from 'vitest';
import { Item, type Response } from '../../src/schema/index.ts';
import { parseRotatedId, renderCircularMarkdown, rotateItem, rotateItems, scoreCircular } from '../../src/mcq/circular.ts';

const item = (id: string, answer: string): Item =>
  Item.parse({ id, format: 'mcq', question: `Q ${id}?`, options: { A: 'alpha', B: 'beta', C: 'gamma', D: 'delta' }, answer });

describe('rotations', () => {
  it('k rotations move the option texts and the answer letter together', () => {
    const rots = rotateItem(item('q1', 'B'));
    expect(rots.map((r) => r.id)).toEqual(['q1#rot0', 'q1#rot1', 'q1#rot2', 'q1#rot3']);
    expect(rots[0]!.options).toEqual({ A: 'alpha', B: 'beta', C: 'gamma', D: 'delta' });
    expect(rots[1]!.options).toEqual({ A: 'beta', B: 'gamma', C: 'delta', D: 'alpha' });
    for (const r of rots) expect(r.options![r.answer!]).toBe('beta');
    // the correct text visits every letter once
    expect(rots.map((r) => r.answer).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(rots[2]!.meta).toMatchObject({ source_item_id: 'q1', rotation: 2, rotations: 4, method: 'circular_rotation' });
    expect(parseRotatedId('mcq-12#rot3')).toEqual({ source: 'mcq-12', rotation: 3 });
    expect(parseRotatedId('mcq-12')).toBeNull();
    const open = Item.parse({ id: 'o', format: 'open', question: 'q', reference: 'r' });
    expect(rotateItems([item('q1', 'A'), open]).skipped).toEqual([{ id: 'o', reason: 'not an MCQ item' }]);
  });
});

describe('CircularEval metrics', () => {
  const sources = [item('q1', 'A'), item('q2', 'C'), item('q3', 'D')];
  const rotated = new Map(rotateItems(sources).items.map((r) => [r.id, r]));
  const respond = (model: string, pick: (it: Item, r: number) => string | null): Response[] =>
    [...rotated.values()].flatMap((it) => {
      const out = pick(it, parseRotatedId(it.id)!.rotation);
      return out === null ? [] : [{ item_id: it.id, model, output: out }];
    });

  it('a model that always knows the answer: all accuracies 1, priors uniform', () => {
    const { result } = scoreCircular(rotated, respond('oracle', (it) => `Answer: ${it.answer}`));
    const m = result.models.oracle!;
    expect(m).toMatchObject({ items: 3, complete_items: 3, circular_accuracy: 1, vote_accuracy: 1, mean_accuracy: 1, valid_answers: 12 });
    expect(m.letter_prior).toEqual({ A: 0.25, B: 0.25, C: 0.25, D: 0.25 });
    expect(m.per_rotation.map((p) => p.accuracy)).toEqual([1, 1, 1, 1]);
  });

  it('a model that always says A: right once per item, never under all rotations; prior all on A', () => {
    const { result } = scoreCircular(rotated, respond('lazy', () => 'A'));
    const m = result.models.lazy!;
    expect(m.circular_accuracy).toBe(0);
    expect(m.mean_accuracy).toBe(0.25);
    expect(m.letter_prior).toEqual({ A: 1 });
    expect(m.answer_prior).toEqual({ A: 0.25, B: 0.25, C: 0.25, D: 0.25 });
    // the answer of q1 sits at A in rotation 0 only, q2's (C) in rotation 2, q3's (D) in rotation 3
    expect(m.per_rotation).toEqual([
      { rotation: 0, n: 3, correct: 1, accuracy: 1 / 3 },
      { rotation: 1, n: 3, correct: 0, accuracy: 0 },
      { rotation: 2, n: 3, correct: 1, accuracy: 1 / 3 },
      { rotation: 3, n: 3, correct: 1, accuracy: 1 / 3 },
    ]);
    // each original option gets one vote: a four-way tie, not broken at random
    expect(m.vote_accuracy).toBe(0);
    expect(m.vote_ties).toBe(3);
  });

  it('invalid and missing rotations are counted apart, never as a guess', () => {
    const responses = respond('flaky', (it, r) => {
      if (it.id === 'q1#rot1') return 'I cannot tell.'; // invalid_answer
      if (it.id === 'q2#rot3') return null; // missing
      return `The answer is ${it.answer}.`;
    });
    const { result, records } = scoreCircular(rotated, responses);
    const m = result.models.flaky!;
    expect(records.filter((r) => r.model === 'flaky')).toHaveLength(12);
    expect(m.invalid).toEqual({ invalid_answer: 1, missing: 1 });
    expect(m).toMatchObject({ items: 3, complete_items: 1, incomplete_items: 2, circular_correct: 1, circular_accuracy: 1, valid_answers: 10, mean_accuracy: 1, vote_accuracy: 1 });
    expect(m.per_rotation.find((p) => p.rotation === 1)).toEqual({ rotation: 1, n: 2, correct: 2, accuracy: 1 });
    const md = renderCircularMarkdown(result);
    expect(md).toContain('Letter priors');
    expect(md).toMatch(/\| flaky \| 3 \(1\) \| 1\.000 \|/);
    expect(md).toContain('invalid_answer 1, missing 1');
  });

  it('vote accuracy counts the correct option winning a majority over rotations', () => {
    // right under rotations 0-2, a distractor under rotation 3: all-rotations fails, the vote holds
    const { result } = scoreCircular(rotated, respond('mostly', (it, r) => (r === 3 ? (it.answer === 'A' ? 'B' : 'A') : it.answer!)));
    const m = result.models.mostly!;
    expect(m.circular_accuracy).toBe(0);
    expect(m.vote_accuracy).toBe(1);
    expect(m.mean_accuracy).toBe(0.75);
  });
});
