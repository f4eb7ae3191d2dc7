import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXTRACTOR_VERSION, extractAnswer, prepareOptions } from '../../src/mcq/extract.ts';

interface Case {
  output: string;
  expected: string | null;
  status: 'ok' | 'invalid_answer';
  rule: string;
  note: string;
  options?: Record<string, string>;
  multi?: boolean;
}

const DEFAULT_OPTIONS = { A: 'Pneumonia', B: 'Pulmonary embolism', C: 'Pneumothorax', D: 'Pleural effusion', E: 'Atelectasis' };
const corpus: Case[] = readFileSync(new URL('../fixtures/mcq/extraction-corpus.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case);

describe('extractAnswer on the corpus of real-looking outputs', () => {
  it('has at least 60 cases covering every rule and failure', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    const rules = new Set(corpus.map((c) => c.rule.split('/').at(-1)));
    for (const r of ['bare', 'answer_line', 'boxed', 'json', 'answer_is', 'option_word', 'leading_letter', 'marked_letter', 'lone_letter', 'option_text', 'ambiguous', 'no_answer', 'empty', 'not_an_option', 'program', 'unfinished_thinking']) {
      expect(rules, r).toContain(r);
    }
  });

  it.each(corpus.map((c) => [c.note, c] as const))('%s', (_note, c) => {
    const got = extractAnswer(c.output, c.options ?? DEFAULT_OPTIONS, { multi: c.multi === true });
    expect({ extracted: got.extracted, status: got.status, rule: got.rule }).toEqual({ extracted: c.expected, status: c.status, rule: c.rule });
  });
});

describe('extractAnswer contract', () => {
  it('gives the same result for prepared and raw options', () => {
    const prep = prepareOptions(DEFAULT_OPTIONS);
    for (const c of corpus.filter((c) => !c.options && !c.multi)) expect(extractAnswer(c.output, prep)).toEqual(extractAnswer(c.output, DEFAULT_OPTIONS));
  });

  it('never reads a letter for an invalid answer except not_an_option, and always one for ok', () => {
    for (const c of corpus) {
      const got = extractAnswer(c.output, c.options ?? DEFAULT_OPTIONS, { multi: c.multi === true });
      if (got.status === 'ok') expect(got.extracted).toMatch(c.multi ? /^[A-E](,[A-E])*$/ : /^[A-E]$/);
      else if (got.rule === 'not_an_option') expect(got.extracted).not.toBeNull();
      else expect(got.extracted).toBeNull();
    }
  });

  it('is not swayed by CRLF line ends or surrounding whitespace', () => {
    expect(extractAnswer('Reasoning: pleural line.\r\nAnswer: C\r\n', DEFAULT_OPTIONS)).toEqual({ status: 'ok', extracted: 'C', rule: 'answer_line' });
  });

  it('has a version string', () => {
    expect(EXTRACTOR_VERSION).toMatch(/^mcq-extract\/\d+\.\d+\.\d+$/);
  });
});
