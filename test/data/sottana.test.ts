import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readLabels } from '../../src/io/records.ts';
import { readItems, readResponses } from '../../src/io/records.ts';
import { readRows } from '../../src/io/rows.ts';
import { krippendorffAlpha } from '../../src/stats/krippendorff.ts';
import { Rubric } from '../../src/schema/index.ts';
import { runAgreement, systemRankMatrix } from '../../src/studies/validation.ts';
import { join } from 'node:path';
import { dataset } from '../helpers/datasets.ts';

// Sottana et al. 2023 (`judgekit datasets list`): Tables 2/6/7 reproduced from the labels `datasets get sottana --mirror ../shared/data` converts.
const ROOT = new URL('../../', import.meta.url);
const DIR = await dataset('sottana');
const HUMANS = ['57e2b', '5995e', '61102'];

describe('Sottana et al. 2023 (datasets get sottana)', async () => {
  const labels = await readLabels(join(DIR, 'labels.csv'));
  const dim = (d: string) => labels.filter((l) => l.dimension === d);

  it('has 100 items × 4 systems × 3 humans + GPT-4 per criterion, 10 criteria (4 + 3 + 3)', () => {
    const dims = [...new Set(labels.map((l) => l.dimension))];
    expect(dims).toHaveLength(10);
    for (const d of dims) expect(dim(d!)).toHaveLength(100 * 4 * 4);
    expect([...new Set(labels.map((l) => l.rater))]).toEqual([...HUMANS, 'gpt-4']);
  });

  it('Table 6 means (per annotator, per system)', () => {
    const m = (d: string, _model: string) => systemRankMatrix(dim(d), [...HUMANS, 'gpt-4']).means;
    const rel = m('summarization/relevance', 'x');
    expect([rel['57e2b']!.gold_reference, rel['5995e']!.gold_reference, rel['61102']!.gold_reference, rel['gpt-4']!.gold_reference]).toEqual([3.06, 3.57, 3.89, 4.46]);
    expect([rel['57e2b']!['gpt-3.5-turbo'], rel['5995e']!['gpt-3.5-turbo'], rel['61102']!['gpt-3.5-turbo'], rel['gpt-4']!['gpt-3.5-turbo']]).toEqual([4.91, 4.79, 4.59, 4.84]);
    const flu = m('summarization/fluency', 'x');
    expect([flu['57e2b']!.gold_reference, flu['5995e']!.gold_reference, flu['61102']!.gold_reference, flu['gpt-4']!.gold_reference]).toEqual([2.24, 3.4, 1.87, 4.98]);
    const coh = m('summarization/coherence', 'x');
    expect([coh['57e2b']!['bigscience/T0pp'], coh['5995e']!['bigscience/T0pp'], coh['61102']!['bigscience/T0pp'], coh['gpt-4']!['bigscience/T0pp']]).toEqual([3.9, 4.6, 4.2, 3.72]);
    const con = m('summarization/consistency', 'x');
    expect([con['57e2b']!['bigscience/T0pp'], con['5995e']!['bigscience/T0pp'], con['61102']!['bigscience/T0pp'], con['gpt-4']!['bigscience/T0pp']]).toEqual([4.9, 4.38, 4.83, 4.21]);
    expect([con['57e2b']!['gpt-3.5-turbo'], con['5995e']!['gpt-3.5-turbo'], con['61102']!['gpt-3.5-turbo'], con['gpt-4']!['gpt-3.5-turbo']]).toEqual([4.98, 4.76, 4.89, 4.88]);
  });

  it('Tables 2/7: summarisation relevance, α on system ranks: nominal 0.5926, ordinal = interval 0.8778; with GPT-4 0.375 and 0.8125', () => {
    const humans = systemRankMatrix(dim('summarization/relevance'), HUMANS);
    expect(humans.models).toEqual(['gold_reference', 'bigscience/T0pp', 'text-davinci-003', 'gpt-3.5-turbo']);
    // ranks [4,3,2,1], [4,3,2,1], [4,3,1,2] as in SOURCE.md
    expect(humans.matrix).toEqual([[4, 4, 4], [3, 3, 3], [2, 2, 1], [1, 1, 2]]);
    expect(krippendorffAlpha(humans.matrix, 'nominal')!).toBeCloseTo(0.5926, 4);
    expect(krippendorffAlpha(humans.matrix, 'ordinal')!).toBeCloseTo(0.8778, 4);
    expect(krippendorffAlpha(humans.matrix, 'interval')!).toBeCloseTo(0.8778, 4);
    const all = systemRankMatrix(dim('summarization/relevance'), [...HUMANS, 'gpt-4']);
    expect(all.matrix.map((r) => r[3])).toEqual([3, 4, 2, 1]);
    expect(krippendorffAlpha(all.matrix, 'nominal')!).toBeCloseTo(0.375, 4);
    expect(krippendorffAlpha(all.matrix, 'ordinal')!).toBeCloseTo(0.8125, 4);
    expect(krippendorffAlpha(all.matrix, 'interval')!).toBeCloseTo(0.8125, 4);
  });

  it('the study reports the same α on ranks, and other published cells (coherence 1.0; fluency, consistency; GEC semantics 0.8778 → 0.3438)', () => {
    const r = runAgreement(labels, { level: 'interval', judge: 'gpt-4', seed: 1, resamples: 0 });
    const sr = (d: string) => r.dimensions![d]!.system_ranking!;
    const rel = sr('summarization/relevance');
    expect(rel.krippendorff_alpha_humans!.nominal.value!).toBeCloseTo(0.5926, 4);
    expect(rel.krippendorff_alpha.interval.value!).toBeCloseTo(0.8125, 4);
    const coh = sr('summarization/coherence');
    for (const lv of ['nominal', 'ordinal', 'interval'] as const) expect(coh.krippendorff_alpha_humans![lv].value).toBeCloseTo(1, 10);
    expect(coh.krippendorff_alpha.nominal.value!).toBeCloseTo(0.6875, 4);
    expect(coh.krippendorff_alpha.ordinal.value!).toBeCloseTo(0.9062, 4);
    const flu = sr('summarization/fluency');
    expect(flu.krippendorff_alpha.nominal.value!).toBeCloseTo(0.2079, 4);
    expect(flu.krippendorff_alpha.ordinal.value!).toBeCloseTo(0.7758, 4);
    expect(flu.krippendorff_alpha.interval.value!).toBeCloseTo(0.8157, 4);
    const con = sr('summarization/consistency');
    expect(con.krippendorff_alpha_humans!.nominal.value!).toBeCloseTo(0.614, 3);
    expect(con.krippendorff_alpha_humans!.ordinal.value!).toBeCloseTo(0.9467, 4);
    expect(con.krippendorff_alpha_humans!.interval.value!).toBeCloseTo(0.9684, 4);
    const gec = sr('gec/semantics');
    expect(gec.krippendorff_alpha_humans!.ordinal.value!).toBeCloseTo(0.8778, 4);
    expect(gec.krippendorff_alpha.ordinal.value!).toBeCloseTo(0.3438, 4);
  });

  it('the replay data: 100 items, 400 responses, 400 GPT-4 verdicts equal to the converted GPT-4 labels', async () => {
    const items = await readItems(join(DIR, 'summarization/items.jsonl'));
    expect(items.size).toBe(100);
    const responses = await readResponses(join(DIR, 'summarization/responses.jsonl'), items);
    expect(responses).toHaveLength(400);
    for (const r of responses.filter((x) => x.model === 'gold_reference')) expect(r.output).toBe(items.get(r.item_id)!.reference);
    const gpt4 = new Map(labels.filter((l) => l.rater === 'gpt-4' && l.dimension!.startsWith('summarization/')).map((l) => [`${l.item_id}|${l.model}|${l.dimension!.split('/')[1]}`, l.value]));
    let n = 0;
    for await (const row of readRows(join(DIR, 'summarization/verdicts-gpt-4.jsonl'))) {
      const v = row.value as { item_id: string; model: string; status: string; scores: Record<string, number> };
      expect(v.status).toBe('ok');
      expect(Object.keys(v.scores)).toEqual(['relevance', 'fluency', 'coherence', 'consistency']);
      for (const [c, s] of Object.entries(v.scores)) expect(gpt4.get(`${v.item_id}|${v.model}|${c}`)).toBe(s);
      n++;
    }
    expect(n).toBe(400);
  });

  it('the rubric validates against the schema and names the four criteria with equal weights', () => {
    const rubric = Rubric.parse(parse(readFileSync(new URL('rubrics/sottana-summarization-v1.yaml', ROOT), 'utf8')));
    expect(rubric.criteria.map((c) => [c.key, c.weight])).toEqual([['relevance', 1], ['fluency', 1], ['coherence', 1], ['consistency', 1]]);
    expect(rubric.scale).toEqual({ min: 1, max: 5 });
  });
});
