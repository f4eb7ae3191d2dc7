import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLabels } from '../../src/io/records.ts';
import { Rubric, type Estimate, type Judgment } from '../../src/schema/index.ts';
import { judgmentsToLabels, runTuning, splitItems, type StatSet, type TuningOptions, type TuningResult } from '../../src/studies/tuning.ts';
import { renderTuningMarkdown } from '../../src/studies/tuning-report.ts';
import { dataset } from '../helpers/datasets.ts';
import { join } from 'node:path';

const golden = JSON.parse(readFileSync(new URL('../fixtures/tuning/golden.json', import.meta.url), 'utf8'));
const close = (a: number | null | undefined, b: number | null | undefined, tol = 1e-9) => {
  if (b === null || b === undefined) expect(a ?? null).toBeNull();
  else {
    expect(a).not.toBeNull();
    expect(Math.abs(a! - b)).toBeLessThan(tol);
  }
};
const sameEst = (a: Estimate | null, b: { value: number | null; ci_low: number | null; ci_high: number | null }) => {
  close(a?.value, b.value);
  close(a?.ci_low, b.ci_low);
  close(a?.ci_high, b.ci_high);
};
const sameStats = (a: StatSet, b: Record<string, { value: number | null; ci_low: number | null; ci_high: number | null }>) => {
  for (const [k, v] of Object.entries(b)) sameEst(a[k as keyof StatSet], v);
};

const rubric = Rubric.parse({
  id: 'synthetic',
  version: '1',
  scale: { min: 1, max: 5 },
  criteria: ['accuracy', 'clarity', 'depth'].map((key) => ({
    key,
    name: key,
    description: key,
    weight: golden.weights[key],
    anchors: { 1: 'a', 2: 'b', 3: 'c', 4: 'd', 5: 'e' },
    inputs: ['answer'],
  })),
  aggregation: { method: 'weighted_mean' },
});

async function runCase(name: string, file: string, dimension?: string): Promise<{ r: TuningResult; g: any }> {
  const c = golden.cases[name];
  const labels = await readLabels(new URL(file, import.meta.url).pathname, dimension ? { dimension } : {});
  const o = c.options;
  const opts: TuningOptions = { ...o, ...(dimension ? { rubric } : {}) };
  return { r: runTuning(labels, opts), g: c.result };
}

function checkCommon(r: TuningResult, g: any) {
  expect(r.n_items).toBe(g.n_items);
  expect(r.n_units).toBe(g.n_units);
  expect(r.dimensions).toEqual(g.dimensions);
  expect(r.failures).toEqual(g.failures);
  expect(r.no_majority).toBe(g.no_majority);
  r.evaluation.forEach((e, i) => {
    const ge = g.evaluation[i];
    expect(e.candidate).toBe(ge.candidate);
    expect(e.n_units).toBe(ge.n_units);
    sameStats(e.stats, ge.stats);
    for (const d of Object.keys(ge.dimensions ?? {})) {
      expect(e.dimensions![d]!.n_units).toBe(ge.dimensions[d].n_units);
      sameStats(e.dimensions![d]!.stats, ge.dimensions[d].stats);
    }
  });
  expect(r.differences.length).toBe(g.differences.length);
  r.differences.forEach((d, i) => {
    expect([d.a, d.b]).toEqual([g.differences[i].a, g.differences[i].b]);
    sameStats(d.stats, g.differences[i].stats);
    for (const dim of Object.keys(g.differences[i].dimensions ?? {})) sameStats(d.dimensions![dim]!, g.differences[i].dimensions[dim]);
  });
}

function checkDiagnostics(r: TuningResult, g: any) {
  r.diagnostics.forEach((d, i) => {
    const gd = g.diagnostics[i];
    d.correlations!.matrix.forEach((row, a) => row.forEach((v, b) => close(v, gd.correlations[a][b])));
    expect(d.correlations!.flagged.map((f) => [f.a, f.b])).toEqual(gd.flagged);
    const w = d.weights!;
    for (const m of w.models) close(w.humans!.totals[m], gd.human_totals[m]);
    w.rankings.forEach((k, j) => {
      expect(k.name).toBe(gd.rankings[j].name);
      for (const m of w.models) close(k.totals[m], gd.rankings[j].totals[m]);
      close(k.kendall_tau_b_vs_rubric, gd.rankings[j].kendall_tau_b_vs_rubric);
      close(k.kendall_tau_b_vs_humans, gd.rankings[j].kendall_tau_b_vs_humans);
    });
  });
}

describe('rubric tuning against sklearn / scipy / numpy (same split, same resamples)', () => {
  it('hold-out on PandaLM (nominal, two recorded judges): κ, α, % agreement, Δ with paired intervals', async () => {
    const { r, g } = await runCase('pandalm_holdout', join(await dataset('pandalm'), 'labels.csv'));
    const assign = splitItems(g.n_items, { method: 'holdout', test_fraction: 0.3 }, 7);
    expect(Array.from(assign)).toEqual(g.assign);
    expect(r.split).toEqual({ method: 'holdout', test_fraction: 0.3, seed: 7, n_tune: g.n_tune, n_test: g.n_test });
    expect(r.winner).toBe(g.winner);
    close(r.winner_tune_value, g.winner_tune_value);
    checkCommon(r, g);
    expect(r.failures['gpt-3.5-turbo']).toEqual({ garbage: 25 });
  });

  it('hold-out on an ordinal table with dimensions: weighted κ, per-criterion values, criterion correlations and re-weighting', async () => {
    const { r, g } = await runCase('synthetic_holdout', '../fixtures/tuning/synthetic.csv', 'dimension');
    expect(r.winner).toBe(g.winner);
    close(r.winner_tune_value, g.winner_tune_value);
    checkCommon(r, g);
    checkDiagnostics(r, g);
  });

  it('k-fold on an interval table: fold winners, win counts and the pooled held-out agreement of the selection', async () => {
    const { r, g } = await runCase('synthetic_kfold', '../fixtures/tuning/synthetic.csv', 'dimension');
    expect(r.wins).toEqual(g.wins);
    r.folds!.forEach((f, i) => {
      expect(f.winner).toBe(g.folds[i].winner);
      r.candidates.forEach((c, j) => {
        close(f.tune[c], g.folds[i].tune[j]);
        close(f.test[c], g.folds[i].test[j]);
      });
    });
    expect(r.selected_pooled!.n_units).toBe(g.selected_pooled.n_units);
    sameStats(r.selected_pooled!.stats, g.selected_pooled.stats);
    checkCommon(r, g);
    checkDiagnostics(r, g);
    expect(r.split).toMatchObject({ method: 'kfold', folds: 4, seed: 5 });
  });

  it('says which split it did in the Markdown', async () => {
    const { r } = await runCase('synthetic_kfold', '../fixtures/tuning/synthetic.csv', 'dimension');
    const md = renderTuningMarkdown(r);
    expect(md).toContain('4-fold cross-validation (seed 5)');
    const h = await runCase('pandalm_holdout', join(await dataset('pandalm'), 'labels.csv'));
    expect(renderTuningMarkdown(h.r)).toMatch(/Held-out split \(seed 7\): 699 of 999 items .* 300 items \(test fraction 0\.3\) held out/);
  });
});

describe('judgmentsToLabels', () => {
  const fp = { kind: 'replay' as const, model: 'x', endpoint: 'replay:x', params: {}, parser_version: 'replay/1', hash: 'h' };
  const base = { judge: fp, parse_method: 'replay', repairs: 0, raw: null, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0, cached: false };
  const js: Judgment[] = [
    { ...base, item_id: 'a', model: 'm1', status: 'ok', scores: { rel: 4, flu: 5 }, score: 90 },
    { ...base, item_id: 'b', model: 'm1', status: 'parse_error', error: 'bad' },
    { ...base, item_id: 'c', model: 'm2', status: 'refusal', error: 'no' },
    { ...base, item_id: 'c', model: 'm1', status: 'ok', scores: { rel: 2, flu: 3 }, score: 40 },
  ];
  it('one row per criterion score of each ok judgment; failures counted by status, never scored', () => {
    const out = judgmentsToLabels(js, { rater: 'v1', dimensionPrefix: 'sum/' });
    expect(out.n_ok).toBe(2);
    expect(out.failures).toEqual({ parse_error: 1, refusal: 1 });
    expect(out.labels).toEqual([
      { item_id: 'a', rater: 'v1', value: 4, dimension: 'sum/rel', model: 'm1' },
      { item_id: 'a', rater: 'v1', value: 5, dimension: 'sum/flu', model: 'm1' },
      { item_id: 'c', rater: 'v1', value: 2, dimension: 'sum/rel', model: 'm1' },
      { item_id: 'c', rater: 'v1', value: 3, dimension: 'sum/flu', model: 'm1' },
    ]);
  });
});

describe('tuning input errors', () => {
  it('rejects an unknown rater and a statistic that does not apply', async () => {
    const labels = await readLabels(new URL('../fixtures/tuning/synthetic.csv', import.meta.url).pathname, { dimension: 'dimension' });
    const o = { humans: ['h1', 'h2'], level: 'ordinal' as const, split: { method: 'holdout' as const, test_fraction: 0.3 }, seed: 1, resamples: 0 };
    expect(() => runTuning(labels, { ...o, candidates: ['nobody'] })).toThrow(/no labels of rater "nobody"/);
    expect(() => runTuning(labels, { ...o, candidates: ['judge-v1'], statistic: 'agreement' })).toThrow(/does not apply/);
  });
});
