import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractAnswer, prepareOptions, type Extraction } from '../../src/mcq/extract.ts';

/**
 * The extractor against 416 real replies of real models (MMLU-Pro, MathVista, ScienceQA, LLaVA),
 * read in place from the shared data folder, and our own hand labels of them
 * (test/fixtures/mcq-real/hand-labels.jsonl: index, id, our letter or failure, our reason; no reply
 * text). Every reply must read as labelled, and every reply where our label differs from the
 * source's own parser is its own named test carrying the reason.
 */

interface Reply {
  id: string;
  family: string;
  question_options: Record<string, string> | null;
  raw: string;
  expected: { letter: string | null; how: string };
}
interface HandLabel {
  index: number;
  id: string;
  family: string;
  status: 'ok' | 'invalid_answer';
  failure: string | null;
  letter: string | null;
  kind: string;
  letters_assumed?: string;
  reason: string;
}

/** ../shared from the main checkout or from a worktree under /work/wt (JUDGEKIT_SHARED overrides). */
function sharedData(): string | null {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const candidates = [process.env.JUDGEKIT_SHARED, join(root, '../shared'), join(root, '../../shared')].filter((p): p is string => !!p);
  for (const c of candidates) if (existsSync(join(c, 'data/mcq-outputs/outputs.jsonl'))) return join(c, 'data/mcq-outputs/outputs.jsonl');
  return null;
}

const file = sharedData();
const labels: HandLabel[] = readFileSync(new URL('../fixtures/mcq-real/hand-labels.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as HandLabel);
const replies: Reply[] = file
  ? readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Reply)
  : [];

/** ScienceQA and LLaVA files carry no options: letters only, A–E (ScienceQA's most), unless the label says otherwise. */
function read(l: HandLabel): Extraction {
  const r = replies[l.index]!;
  const opts = r.question_options ?? Object.fromEntries((l.letters_assumed ?? 'ABCDE').split('').map((c) => [c, '']));
  return extractAnswer(r.raw, prepareOptions(opts));
}

/** Failure kinds where our reader names a different (still invalid) kind than the hand label, with why. */
const KIND_DIFFERS: Record<number, { rule: string; why: string }> = {
  338: {
    rule: 'ambiguous',
    why: "the reply labels the question's parts '(A)', '(B)', '(C)' and is cut off; a reader cannot tell such labels from listed options, so it reads a list (ambiguous) where a person sees no answer — both invalid",
  },
};

const have = file !== null && replies.length === labels.length;
if (!have) console.warn(`extract-real: ../shared/data/mcq-outputs/outputs.jsonl not found (looked from ${process.cwd()}); real-reply tests skipped`);

describe.skipIf(!have)('extractAnswer on 416 real replies, against our hand labels', () => {
  it('labels every reply of the shared file, in order, each with a reason', () => {
    expect(labels.map((l) => l.index)).toEqual(replies.map((_, i) => i));
    labels.forEach((l, i) => {
      expect(l.id).toBe(replies[i]!.id);
      expect(l.family).toBe(replies[i]!.family);
      expect(l.reason.length).toBeGreaterThan(8);
      expect(l.status === 'ok' ? /^[A-Z]$/.test(l.letter ?? '') : l.failure !== null).toBe(true);
    });
  });

  it('reads every reply as we read it by hand (letter and status; failure kind except where pinned)', () => {
    const off: string[] = [];
    for (const l of labels) {
      const x = read(l);
      const kindOk = l.status === 'ok' || x.rule === l.failure || KIND_DIFFERS[l.index]?.rule === x.rule;
      if (x.status !== l.status || x.extracted !== l.letter || !kindOk) off.push(`${l.index} ${l.id}: hand ${l.letter ?? l.failure}, read ${x.extracted ?? x.rule} (${x.rule})`);
    }
    expect(off).toEqual([]);
  });

  it.each(Object.entries(KIND_DIFFERS))('pinned failure-kind difference at %s', (index, d) => {
    const l = labels[Number(index)]!;
    expect(read(l)).toEqual({ status: 'invalid_answer', extracted: null, rule: d.rule });
    expect(l.failure).not.toBe(d.rule);
    expect(d.why.length).toBeGreaterThan(20);
  });

  it('gives the figures of src/mcq/README.md: no wrong letter, no plain answer refused, per source', () => {
    type Fig = Record<'n' | 'plain' | 'agree' | 'wrong' | 'refused' | 'src_read' | 'src_agree' | 'src_other_letter' | 'src_letter_no_answer' | 'src_refused_plain', number>;
    const fig: Record<string, Fig> = {};
    for (const l of labels) {
      const x = read(l);
      const src = replies[l.index]!.expected.letter;
      const ours = l.status === 'ok' ? l.letter : null;
      for (const key of [l.family, 'all']) {
        const f = (fig[key] ??= { n: 0, plain: 0, agree: 0, wrong: 0, refused: 0, src_read: 0, src_agree: 0, src_other_letter: 0, src_letter_no_answer: 0, src_refused_plain: 0 });
        f.n++;
        if (ours !== null) f.plain++;
        if (x.status === l.status && x.extracted === l.letter) f.agree++;
        if (x.status === 'ok' && x.extracted !== ours) f.wrong++;
        if (ours !== null && x.status !== 'ok') f.refused++;
        if (src !== null) f.src_read++;
        if (src !== null && src === ours) f.src_agree++;
        if (src !== null && ours !== null && src !== ours) f.src_other_letter++;
        if (src !== null && ours === null) f.src_letter_no_answer++;
        if (src === null && ours !== null) f.src_refused_plain++;
      }
    }
    const row = (n: number, plain: number, srcRead: number, srcAgree: number, other: number, noAnswer: number, refusedPlain: number): Fig => ({
      n,
      plain,
      agree: n,
      wrong: 0,
      refused: 0,
      src_read: srcRead,
      src_agree: srcAgree,
      src_other_letter: other,
      src_letter_no_answer: noAnswer,
      src_refused_plain: refusedPlain,
    });
    expect(fig).toEqual({
      mathvista: row(167, 75, 108, 61, 7, 40, 7),
      mmlu_pro: row(173, 127, 115, 107, 1, 7, 19),
      scienceqa_gpt3: row(40, 28, 22, 22, 0, 0, 6),
      llava_sqa: row(36, 32, 31, 31, 0, 0, 1),
      all: row(416, 262, 276, 221, 8, 47, 33),
    });
  });
});

const disagreements = have
  ? labels.filter((l) => {
      const src = replies[l.index]!.expected.letter;
      return src !== (l.status === 'ok' ? l.letter : null);
    })
  : [];

describe.skipIf(!have)("every disagreement with the source's own parser, pinned to its reason", () => {
  it('has 88 of them', () => {
    expect(disagreements.length).toBe(88);
  });

  it.each(disagreements.map((l) => [`${l.index} ${l.id} source ${replies[l.index]!.expected.letter ?? 'none'} → ours ${l.letter ?? l.failure}: ${l.reason}`, l] as const))(
    '%s',
    (_name, l) => {
      const x = read(l);
      expect({ status: x.status, extracted: x.extracted }).toEqual({ status: l.status, extracted: l.letter });
    },
  );
});
