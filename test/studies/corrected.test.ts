// The corrected-score study (units, gold values, labelled/unlabelled split, every estimate) against
// the NumPy port in test/fixtures/ppi/make_golden.py, on real human-vs-GPT-4 ratings and on
// simulations; and its refusals: failures counted, bad input named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCorrectionRows, type CorrectionColumns } from '../../src/pipeline/stages/corrected.ts';

import { CorrectedResult, runCorrected, type CorrectedOptions, type CorrectionRow } from '../../src/studies/corrected.ts';
import { renderCorrectedMarkdown } from '../../src/studies/corrected-report.ts';
import { InputError } from '../../src/io/errors.ts';
import { dataset } from '../helpers/datasets.ts';
import { sottanaRelevance } from '../fixtures/ppi/sottana.ts';

/** The study on a ratings file, as the stage runs it. */
async function correctFile(file: string, cols: CorrectionColumns, opts: Omit<CorrectedOptions, 'file'>): Promise<CorrectedResult> {
  return runCorrected(await readCorrectionRows(file, cols), { ...opts, file });
}

const fx = (f: string) => new URL(`../fixtures/ppi/${f}`, import.meta.url).pathname;
const golden = JSON.parse(readFileSync(fx('golden.json'), 'utf8'));
const sottanaFile = await sottanaRelevance(golden.sottana.kept_items);

/** Every number of `expected` equals the same path in `actual` to 1e-9 (relative above 1). */
function matchNumbers(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  } else if (expected === null) {
    expect(actual ?? null, path).toBeNull();
  } else if (typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) matchNumbers((actual as Record<string, unknown>)?.[k], v, `${path}.${k}`);
  } else {
    expect(actual, path).toBe(expected);
  }
}

describe('corrected scores on real ratings (Sottana et al. 2023: GPT-4 vs three humans, relevance)', () => {
  it('matches the reference to 1e-9: human-only, naive, PPI, PPI++ (λ), Rogan–Gladen (+ bootstrap), bias and plan', async () => {
    const g = golden.sottana;
    const r = await correctFile(sottanaFile, {}, { judge: 'gpt-4', alpha: g.alpha, threshold: g.threshold, bootstrap: g.bootstrap, seed: g.seed, planWidth: g.width });
    expect(() => CorrectedResult.parse(r)).not.toThrow();
    expect(Object.keys(r.models).sort()).toEqual(Object.keys(g.models).sort());
    matchNumbers(r.models, g.models);
    expect(r.humans).toEqual(['57e2b', '5995e', '61102']);
    expect(r.dimension).toBe('summarization/relevance');
    // the judge is generous on the reference summaries: its naive ranking puts them above T0pp, the humans do not
    expect(r.models.gold_reference!.bias!.ci_low).toBeGreaterThan(0.5);
    const pos = (k: string) => r.rankings[k]!.indexOf('gold_reference') - r.rankings[k]!.indexOf('bigscience/T0pp');
    expect(pos('judge_naive')).toBeLessThan(0);
    expect(pos('human_only')).toBeGreaterThan(0);
    expect(pos('ppi_plus_plus')).toBeGreaterThan(0);
  });

  it('matches at alpha = 0.1 and with the gold taken as the humans listed', async () => {
    const r = await correctFile(sottanaFile, {}, { judge: 'gpt-4', humans: ['57e2b', '5995e', '61102'], alpha: 0.1, bootstrap: 0, seed: 1 });
    matchNumbers(r.models, golden.sottana_alpha10.models);
    expect(r.models['gpt-3.5-turbo']!.rogan_gladen).toBeUndefined();
    expect(r.models['gpt-3.5-turbo']!.stratified_ppi).toBeUndefined();
  });
});

describe('a label fraction: fewer human labels on the same data, checked against all of them', () => {
  it('keeps the humans on a seeded share of the items, and human_all is the humans-only mean on every unit', async () => {
    const file = join(await dataset('sottana'), 'labels.csv');
    const opts = { judge: 'gpt-4', dimension: 'summarization/fluency', alpha: 0.05, bootstrap: 0, seed: 3 };
    const full = await correctFile(file, {}, opts);
    const part = await correctFile(file, {}, { ...opts, labelFraction: 0.3 });
    expect(part.label_fraction).toEqual({ fraction: 0.3, items_kept: 30, items_with_humans: 100 });
    for (const [m, r] of Object.entries(part.models)) {
      expect(r.n_labelled).toBe(30);
      expect(r.n_unlabelled).toBe(70);
      matchNumbers(r.human_all, full.models[m]!.human_only);
      expect(full.models[m]!.ppi).toBeNull(); // every unit labelled: nothing to predict
    }
    // GPT-4 rates the reference summaries' fluency near 5; the humans 2.5: the corrected score follows the humans
    const g = part.models.gold_reference!;
    expect(g.judge_naive!.value).toBeGreaterThan(4.9);
    expect(g.ppi_plus_plus!.ci_low).toBeLessThanOrEqual(full.models.gold_reference!.human_only!.value);
    expect(g.ppi_plus_plus!.ci_high).toBeGreaterThanOrEqual(full.models.gold_reference!.human_only!.value);
    const other = await correctFile(file, {}, { ...opts, labelFraction: 0.3, seed: 4 });
    expect(other.models.gold_reference!.human_only!.value).not.toBe(g.human_only!.value);
  });
});

describe('corrected scores on simulations', () => {
  it('matches the reference with strata, threshold and planner; failures are counted, not scored', async () => {
    const g = golden.sim_scores;
    const r = await correctFile(fx('sim-scores.csv'), { strata: 'task' }, { judge: 'judge', strata: 'task', alpha: 0.05, threshold: g.threshold, bootstrap: 0, seed: 1, planWidth: g.width });
    matchNumbers(r.models, g.models);
    expect(r.counts).toEqual({ human_refusal: 1, judge_parse_error: 1, judge_api_error: 1 });
    expect(r.models['m-fair']!.n_labelled).toBe(47); // its api_error unit is left out
    expect(r.models['m-low']!.n_unlabelled).toBe(191); // its parse_error unit is left out
    expect(Object.keys(r.models['m-gen']!.stratified_ppi!.strata)).toEqual(['diagnosis', 'imaging', 'treatment']);
  });

  it('a judge biased for one model gives the wrong naive ranking and the true corrected one', async () => {
    const r = await correctFile(fx('sim-scores.csv'), {}, { judge: 'judge', alpha: 0.05, bootstrap: 0, seed: 1 });
    // truth (make_golden.py): m-fair 66 > m-gen 60 > m-low 50; the judge adds 8 to m-gen
    expect(r.rankings.judge_naive).toEqual(['m-gen', 'm-fair', 'm-low']);
    expect(r.rankings.ppi_plus_plus).toEqual(['m-fair', 'm-gen', 'm-low']);
    expect(r.rankings.ppi).toEqual(['m-fair', 'm-gen', 'm-low']);
    expect(r.models['m-gen']!.bias!.ci_low).toBeGreaterThan(5);
  });

  it('corrects win ratios from pairwise verdicts (gold = human majority) to the reference', async () => {
    const r = await correctFile(fx('sim-pairs.csv'), {}, { judge: 'judge', alpha: 0.05, bootstrap: 0, seed: 1 });
    expect(r.target).toBe('win_ratio');
    matchNumbers(r.models, golden.sim_pairs.models);
    expect(r.rankings.judge_naive![0]).toBe('m-gen');
    expect(r.rankings.ppi_plus_plus![0]).toBe('m-fair');
  });

  it('renders the side-by-side table, the interval chart and the rankings', async () => {
    const r = await correctFile(fx('sim-scores.csv'), { strata: 'task' }, { judge: 'judge', strata: 'task', alpha: 0.05, threshold: 62, bootstrap: 0, seed: 1, planWidth: 4 });
    const md = renderCorrectedMarkdown(r, 'T');
    expect(md).toContain('| m-gen | 48 | 192 |');
    expect(md).toContain(`λ=${r.models['m-gen']!.ppi_plus_plus!.lambda.toFixed(2)}`);
    expect(md).toContain('- PPI++: m-fair > m-gen > m-low');
    expect(md).toMatch(/m-gen {2}PPI\+\+ +├─*●─*┤/);
    expect(md).toContain('judge parse error 1');
  });
});

describe('corrected scores: bad input', () => {
  const rows: CorrectionRow[] = [
    { item_id: 'a', rater: 'j', value: 3, model: 'x', line: 2 },
    { item_id: 'a', rater: 'h', value: 4, model: 'x', line: 3 },
    { item_id: 'b', rater: 'j', value: 2, model: 'x', line: 4 },
  ];
  const base = { alpha: 0.05, seed: 1, bootstrap: 0, file: 'r.csv' };
  it('names the missing judge, human and dimension', () => {
    expect(() => runCorrected(rows, { ...base, judge: 'k' })).toThrow(/r.csv: no rater "k" \(the judge\)/);
    expect(() => runCorrected(rows, { ...base, judge: 'j', humans: ['g'] })).toThrow(/no rater "g"/);
    expect(() => runCorrected(rows, { ...base, judge: 'j', dimension: 'd' })).toThrow(/no dimension "d"/);
    expect(() => runCorrected(rows, { ...base, judge: 'j', threshold: 1, humans: ['h'] })).not.toThrow();
  });
  it('refuses a rating without a model, and conflicting strata, at their line', () => {
    expect(() => runCorrected([...rows, { item_id: 'c', rater: 'h', value: 1, line: 9 }], { ...base, judge: 'j' })).toThrow(/r.csv:9: field "model"/);
    const strat = rows.map((r, i) => ({ ...r, stratum: i === 1 ? 's2' : 's1' }));
    expect(() => runCorrected(strat, { ...base, judge: 'j', strata: 'task' })).toThrow(InputError);
  });
  it('counts failure statuses; any other word is an error at its line', () => {
    const r = runCorrected([...rows, { item_id: 'b', rater: 'h', value: 'garbage', model: 'x', line: 5 }], { ...base, judge: 'j' });
    expect(r.counts).toEqual({ human_garbage: 1 });
    expect(() => runCorrected([...rows, { item_id: 'c', rater: 'h', value: 'correct', model: 'x', line: 7 }], { ...base, judge: 'j' })).toThrow(/r.csv:7: field "value": a rating is a number/);
    const pair = [{ item_id: 'a', rater: 'j', value: 'left', model_a: 'x', model_b: 'y', line: 3 }];
    expect(() => runCorrected(pair, { ...base, judge: 'j', humans: ['j2'] })).toThrow(/no rater "j2"/);
    expect(() => runCorrected([...pair, { item_id: 'a', rater: 'h', value: 'A', model_a: 'x', model_b: 'y', line: 4 }], { ...base, judge: 'j' })).toThrow(/r.csv:3: field "value": a pairwise verdict is A, B or tie/);
  });
  it('a pair listed in the other order is the same unit, its verdict turned round', () => {
    const pr = (item: string, rater: string, a: string, b: string, value: string) => ({ item_id: item, rater, model_a: a, model_b: b, value });
    const r = runCorrected(
      [pr('1', 'j', 'x', 'y', 'A'), pr('1', 'h', 'y', 'x', 'B'), pr('2', 'j', 'x', 'y', 'B'), pr('2', 'h', 'y', 'x', 'A'), pr('3', 'j', 'y', 'x', 'tie')],
      { ...base, judge: 'j' },
    );
    expect(r.models.x).toMatchObject({ n_labelled: 2, n_unlabelled: 1 });
    expect(r.models.x!.bias!.value).toBe(0); // the judge agrees with the human on both labelled pairs
    expect(r.models.x!.judge_naive!.value).toBe(0.5); // win, loss, tie
  });
  it('reports too few labelled units as null with a note, never a number', () => {
    const r = runCorrected(rows, { ...base, judge: 'j' });
    expect(r.models.x!.human_only).toBeNull();
    expect(r.models.x!.ppi_plus_plus).toBeNull();
    expect(r.models.x!.notes[0]).toMatch(/1 labelled unit/);
  });
  it('the reader names a missing column and a duplicate rating', async () => {
    await expect(readCorrectionRows(fx('sim-scores.csv'), { strata: 'organ' })).rejects.toThrow(/sim-scores.csv:1: field "organ": missing column/);
  });
});

describe('corrected scores in the HTML report', () => {
  it('charts every estimate per model with its interval, and the spec renders', async () => {
    const { chartsForStage, renderSvg } = await import('../../src/report/index.ts');
    const r = await correctFile(fx('sim-scores.csv'), { strata: 'task' }, { judge: 'judge', strata: 'task', alpha: 0.05, bootstrap: 0, seed: 1 });
    const { charts } = chartsForStage('corrected', 'c', JSON.parse(JSON.stringify(r)));
    expect(charts).toHaveLength(1);
    const data = (charts[0]!.spec as any).data.values as any[];
    expect(data).toHaveLength(3 * 5); // naive, humans only, PPI, PPI++, stratified PPI per model
    const gen = data.find((d) => d.model === 'm-gen' && d.method === 'PPI++');
    expect(gen).toMatchObject({ value: r.models['m-gen']!.ppi_plus_plus!.value, lo: r.models['m-gen']!.ppi_plus_plus!.ci_low });
    const svg = await renderSvg(charts[0]!.spec);
    expect(svg).toContain('<svg');
    expect(svg).toContain('m-gen');
  });
});
