import { describe, expect, it } from 'vitest';
import { readLabels } from '../../src/io/records.ts';
import { readRows } from '../../src/io/rows.ts';
import { runAgreement } from '../../src/studies/validation.ts';
import type { HumanLabel } from '../../src/schema/index.ts';
import { join } from 'node:path';
import { dataset } from '../helpers/datasets.ts';

// Published numbers (`judgekit datasets list`), reproduced from the labels `datasets get pandalm --mirror ../shared/data` converts.
const DIR = await dataset('pandalm');
const FILE = join(DIR, 'labels.csv');
const PREFS = join(DIR, 'preferences.csv');
const HUMANS = ['annotator1', 'annotator2', 'annotator3'];

/** The upstream convention of compute_metrics.py: an unreadable GPT-3.5 verdict ("garbage") counts as a tie. */
const upstreamConvention = (labels: HumanLabel[]): HumanLabel[] => labels.map((l) => (l.value === 'garbage' ? { ...l, value: 0 } : l));

describe('PandaLM test set (datasets get pandalm)', async () => {
  const labels = await readLabels(FILE);

  it('has 999 items, 5 raters, and 25 garbage verdicts kept apart from ties', () => {
    expect(new Set(labels.map((l) => l.item_id)).size).toBe(999);
    expect([...new Set(labels.map((l) => l.rater))]).toEqual([...HUMANS, 'gpt-3.5-turbo', 'pandalm-7b']);
    expect(labels.filter((l) => l.value === 'garbage').map((l) => l.rater)).toEqual(new Array(25).fill('gpt-3.5-turbo'));
    expect(labels.filter((l) => l.rater === 'gpt-3.5-turbo' && l.value === 0)).toHaveLength(38);
  });

  it('inter-annotator Cohen κ 0.8520 / 0.8789 / 0.8617 and the majority distribution 105 / 422 / 472', () => {
    const r = runAgreement(labels, { level: 'nominal', raters: HUMANS, seed: 1, resamples: 0 });
    expect(r.pairs.map((p) => [p.a, p.b, Number(p.cohen_kappa.value!.toFixed(4))])).toEqual([
      ['annotator1', 'annotator2', 0.852],
      ['annotator1', 'annotator3', 0.8789],
      ['annotator2', 'annotator3', 0.8617],
    ]);
    const withJudge = runAgreement(upstreamConvention(labels), { level: 'nominal', raters: [...HUMANS, 'gpt-3.5-turbo'], judge: 'gpt-3.5-turbo', seed: 1, resamples: 0 });
    const confusion = withJudge.judge_validation!.vs_consensus.confusion!;
    expect(confusion.labels).toEqual([0, 1, 2]);
    expect(confusion.matrix.map((row) => row.reduce((s, x) => s + x, 0))).toEqual([105, 422, 472]);
    expect(withJudge.judge_validation!.vs_consensus.no_majority).toBe(0);
  });

  it('GPT-3.5 vs the human majority, upstream convention (garbage → tie): accuracy 0.7107, P 0.5879, R 0.5736, macro-F1 0.5755', () => {
    const r = runAgreement(upstreamConvention(labels), { level: 'nominal', raters: [...HUMANS, 'gpt-3.5-turbo'], judge: 'gpt-3.5-turbo', seed: 1, resamples: 0 });
    const c = r.judge_validation!.vs_consensus;
    expect(c.n).toBe(999);
    expect(c.accuracy!.value!).toBeCloseTo(0.7107, 4);
    expect(c.macro_precision!.value!).toBeCloseTo(0.5879, 4);
    expect(c.macro_recall!.value!).toBeCloseTo(0.5736, 4);
    expect(c.macro_f1!.value!).toBeCloseTo(0.5755, 4);
  });

  it('GPT-3.5, honest convention: the 25 failures are left out and counted, not scored as ties', () => {
    const r = runAgreement(labels, { level: 'nominal', raters: [...HUMANS, 'gpt-3.5-turbo'], judge: 'gpt-3.5-turbo', seed: 1, resamples: 0 });
    const jv = r.judge_validation!;
    expect(jv.judge_failures).toBe(25);
    expect(jv.n_judged).toBe(974);
    expect(jv.vs_consensus.n).toBe(974);
    // The upstream 710 hits (0.7107 × 999) = the honest hits + the garbage items whose human majority is a tie.
    const majority = new Map<string, number>();
    for (const id of new Set(labels.map((l) => l.item_id))) {
      const v = labels.filter((l) => l.item_id === id && HUMANS.includes(l.rater)).map((l) => l.value as number);
      majority.set(id, v.find((x) => v.filter((y) => y === x).length >= 2)!);
    }
    const garbageOnTies = labels.filter((l) => l.value === 'garbage' && majority.get(l.item_id) === 0).length;
    const honestHits = Math.round(jv.vs_consensus.accuracy!.value! * 974);
    expect(honestHits + garbageOnTies).toBe(710);
    expect(jv.vs_consensus.accuracy!.value!).toBeCloseTo(697 / 974, 12);
  });

  it('PandaLM-7B vs the human majority: accuracy 0.6677, P 0.5738, R 0.5750, macro-F1 0.5743', () => {
    const r = runAgreement(labels, { level: 'nominal', raters: [...HUMANS, 'pandalm-7b'], judge: 'pandalm-7b', seed: 1, resamples: 0 });
    const c = r.judge_validation!.vs_consensus;
    expect(c.n).toBe(999);
    expect(c.accuracy!.value!).toBeCloseTo(0.6677, 4);
    expect(c.macro_precision!.value!).toBeCloseTo(0.5738, 4);
    expect(c.macro_recall!.value!).toBeCloseTo(0.575, 4);
    expect(c.macro_f1!.value!).toBeCloseTo(0.5743, 4);
  });

  it('preferences.csv mirrors labels.csv in the win-ratio form', async () => {
    const byKey = new Map(labels.map((l) => [`${l.item_id}|${l.rater}`, l.value]));
    let n = 0;
    for await (const row of readRows(PREFS)) {
      const v = row.value as Record<string, string>;
      const label = byKey.get(`${v.item_id}|${v.rater}`);
      const expected = label === 'garbage' ? ['', 'parse_error'] : [{ 0: 'tie', 1: 'A', 2: 'B' }[label as 0 | 1 | 2], 'ok'];
      expect([v.winner, v.status]).toEqual(expected);
      expect(v.model_a).not.toBe(v.model_b);
      n++;
    }
    expect(n).toBe(labels.length);
  });
});
