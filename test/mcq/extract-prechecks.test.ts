import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../src/mcq/extract.ts';

/**
 * The extractor looks for some patterns only where a cheap pre-check says a match can be: a
 * program only at line starts (`^` also after `\r`, U+2028), `X is correct` only where its words
 * are, the `Answer:` marker only at its words, `the answer is` in the lower-cased copy of ASCII
 * text. Each case below is one a careless pre-check would miss; every result was checked against
 * the extractor before the pre-checks (issue 17), which scanned the whole text for each pattern.
 */
const OPTIONS = { A: 'Pneumonia', B: 'Pulmonary embolism', C: 'Pneumothorax', D: 'Pleural effusion', E: 'Atelectasis' };

const CASES: [string, string | null, string][] = [
  ['x\u2028def f(x):\n  return 1', null, 'program'],
  ['x\rdef f(x):\n  return 1', null, 'program'],
  ['  \tprint(1)', null, 'program'],
  ['The code:\n  def f(x):\n    return 1', null, 'program'],
  ['defined lesion, print', null, 'no_answer'],
  ['C is most  likely correct', 'C', 'answer_is'],
  ['B is most\tlikely', 'B', 'answer_is'],
  ['Here B is most\nlikely', 'B', 'answer_is'],
  ['respuestanswer: C', null, 'no_answer'],
  ['la respuesta: B', 'B', 'answer_line'],
  ['ANSWER: c', 'C', 'answer_line'],
  ['THE ANSWER IS D', 'D', 'answer_is'],
  ['The Answer Is (E)', 'E', 'answer_is'],
  ['final answer = B', 'B', 'answer_line'],
  ["I'll go with D", 'D', 'answer_is'],
  ['I WOULD CHOOSE C', 'C', 'answer_is'],
  ['Option C is correct', 'C', 'answer_is'],
  ['Résumé. Answer: B', 'B', 'answer_line'],
  ['the correct one is B', 'B', 'answer_is'],
];

describe('extractAnswer pre-checks find what the full patterns find', () => {
  it.each(CASES)('%j', (output, letter, rule) => {
    expect(extractAnswer(output, OPTIONS)).toEqual({ status: letter ? 'ok' : 'invalid_answer', extracted: letter, rule });
  });
});
