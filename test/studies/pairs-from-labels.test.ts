import { describe, expect, it } from 'vitest';
import { pairsFromLabels, pairsFromScores } from '../../src/studies/pairs-from-scores.ts';
import { readLabels, readItems, readResponses } from '../../src/io/index.ts';
import { loadRubric, runJudge } from '../../src/judges/index.ts';
import { runWinrate } from '../../src/studies/winrate.ts';
import { dataset } from '../helpers/datasets.ts';

const root = new URL('../../', import.meta.url).pathname;
const sottana = await dataset('sottana');

describe('pairsFromLabels', () => {
  it('compares every two models per item, rater and dimension, with a tie margin and a mean rater (worked by hand)', () => {
    const L = (item: string, rater: string, model: string, value: number, dimension = 'd') => ({ item_id: item, rater, model, value, dimension });
    const labels = [
      L('i1', 'h1', 'x', 4), L('i1', 'h1', 'y', 3), L('i1', 'h1', 'z', 4),
      L('i1', 'h2', 'x', 2), L('i1', 'h2', 'y', 3), L('i1', 'h2', 'z', 5),
    ];
    const { prefs, missing_mean } = pairsFromLabels(labels, { meanOf: { name: 'mean', raters: ['h1', 'h2'] } });
    expect(missing_mean).toBe(0);
    const w = (rater: string, a: string, b: string) => prefs.find((p) => p.rater === rater && p.model_a === a && p.model_b === b)!.winner;
    // h1: x 4, y 3, z 4 → x>y, x=z, y<z
    expect([w('h1', 'x', 'y'), w('h1', 'x', 'z'), w('h1', 'y', 'z')]).toEqual(['A', 'tie', 'B']);
    // mean: x 3, y 3, z 4.5 → x=y, x<z, y<z
    expect([w('mean', 'x', 'y'), w('mean', 'x', 'z'), w('mean', 'y', 'z')]).toEqual(['tie', 'B', 'B']);
    // margin 1: h2 x 2 vs y 3 is a tie, y 3 vs z 5 is not
    const m = pairsFromLabels(labels, { margin: 1 }).prefs;
    expect(m.find((p) => p.rater === 'h2' && p.model_a === 'x' && p.model_b === 'y')!.winner).toBe('tie');
    expect(m.find((p) => p.rater === 'h2' && p.model_a === 'y' && p.model_b === 'z')!.winner).toBe('B');
    // a model rated by only one of the mean's raters is left out of the mean and counted
    const partial = pairsFromLabels([...labels, L('i1', 'h1', 'w', 1)], { meanOf: { name: 'mean', raters: ['h1', 'h2'] } });
    expect(partial.missing_mean).toBe(1);
    expect(partial.prefs.some((p) => p.rater === 'mean' && (p.model_a === 'w' || p.model_b === 'w'))).toBe(false);
  });

  it('gives the same pairs from the Sottana GPT-4 ratings as pairsFromScores gives from the replay judge of the same verdicts', async () => {
    const dims = ['relevance', 'fluency', 'coherence', 'consistency'];
    const labels = (await readLabels(`${sottana}/labels.csv`)).filter((l) => l.rater === 'gpt-4' && dims.some((d) => l.dimension === `summarization/${d}`));
    const fromLabels = pairsFromLabels(labels).prefs.map((p) => ({ ...p, dimension: p.dimension!.replace('summarization/', '') }));

    const dir = `${sottana}/summarization/`;
    const items = await readItems(`${dir}items.jsonl`);
    const responses = await readResponses(`${dir}responses.jsonl`, items);
    const rubric = await loadRubric(`${root}rubrics/sottana-summarization-v1.yaml`);
    const { judgments } = await runJudge({ items, responses, rubric, judge: { kind: 'replay', name: 'gpt-4', verdicts: `${dir}verdicts-gpt-4.jsonl` }, resamples: 0 });
    const fromScores = pairsFromScores(judgments, { overall: false, raterOf: () => 'gpt-4' }).prefs;

    // item ids differ in form between the two shipped files (label ids are the upstream id's first 12 hex digits)
    const key = (p: { item_id: string; model_a: string; model_b: string; dimension?: string | undefined }) => `${p.item_id.slice(0, 12)}|${p.model_a}|${p.model_b}|${p.dimension}`;
    const a = new Map(fromLabels.map((p) => [key(p), p.winner]));
    const b = new Map(fromScores.map((p) => [key(p), p.winner]));
    expect(a.size).toBe(100 * 6 * 4);
    expect(b.size).toBe(a.size);
    for (const [k, v] of a) expect(b.get(k)).toBe(v);
    // and so the same win ratios
    const wa = runWinrate(fromLabels, { ties: 'half', seed: 1, resamples: 0 });
    const wb = runWinrate(fromScores, { ties: 'half', seed: 1, resamples: 0 });
    for (const m of Object.keys(wa.raters['gpt-4']!.models)) {
      expect(wa.raters['gpt-4']!.models[m]!.win_ratio.value).toBeCloseTo(wb.raters['gpt-4']!.models[m]!.win_ratio.value!, 12);
    }
  });
});
