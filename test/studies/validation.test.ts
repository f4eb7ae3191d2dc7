import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/io/errors.ts';
import { readLabels } from '../../src/io/records.ts';
import type { HumanLabel } from '../../src/schema/index.ts';
import { rankDescending, runAgreement } from '../../src/studies/validation.ts';
import { renderAgreementMarkdown } from '../../src/studies/validation-report.ts';

// Golden values by sklearn/scipy: test/fixtures/validation/make_golden.py.
const FIX = new URL('../fixtures/validation/', import.meta.url);
const golden = JSON.parse(readFileSync(new URL('golden.json', FIX), 'utf8'));
const load = (f: string) => readLabels(new URL(f, FIX).pathname);
const L = (item_id: string, rater: string, value: string | number, extra: Partial<HumanLabel> = {}): HumanLabel => ({ item_id, rater, value, ...extra });

describe('judge against the human consensus (sklearn/scipy golden)', () => {
  it('nominal: strict majority, items without one counted and left out', async () => {
    const r = runAgreement(await load('labels-nominal.csv'), { level: 'nominal', judge: 'judge', seed: 1, resamples: 0 });
    const c = r.judge_validation!.vs_consensus;
    const g = golden.consensus.nominal;
    expect(c.consensus).toBe('majority');
    expect(c.n).toBe(g.n);
    expect(c.no_majority).toBe(g.no_majority);
    for (const k of ['accuracy', 'cohen_kappa', 'macro_precision', 'macro_recall', 'macro_f1'] as const) expect(c[k]!.value!).toBeCloseTo(g[k], 12);
  });

  it('nominal ceiling: each human and the judge against the majority of the other humans', async () => {
    const r = runAgreement(await load('labels-nominal.csv'), { level: 'nominal', judge: 'judge', seed: 1, resamples: 0 });
    const ceil = r.judge_validation!.ceiling;
    for (const row of ceil.per_human) {
      const g = golden.consensus.nominal_ceiling[row.human];
      expect(row.human_vs_rest.n).toBe(g.n);
      expect(row.judge_vs_rest.n).toBe(g.n);
      expect(row.human_vs_rest.accuracy!.value!).toBeCloseTo(g.human_accuracy, 12);
      expect(row.judge_vs_rest.accuracy!.value!).toBeCloseTo(g.judge_accuracy, 12);
      expect(row.human_vs_rest.cohen_kappa!.value!).toBeCloseTo(g.human_kappa, 12);
      expect(row.judge_vs_rest.cohen_kappa!.value!).toBeCloseTo(g.judge_kappa, 12);
    }
    const hs = Object.values(golden.consensus.nominal_ceiling) as { human_accuracy: number; judge_accuracy: number }[];
    expect(ceil.mean_human_vs_rest.accuracy!.value!).toBeCloseTo(hs.reduce((s, h) => s + h.human_accuracy, 0) / hs.length, 12);
    expect(ceil.mean_judge_vs_rest.accuracy!.value!).toBeCloseTo(hs.reduce((s, h) => s + h.judge_accuracy, 0) / hs.length, 12);
    // the mean pairwise human agreement is the mean of the human pairs
    const pairs = r.pairs.filter((p) => p.a !== 'judge' && p.b !== 'judge');
    expect(ceil.mean_pairwise_human.cohen_kappa!.value!).toBeCloseTo(pairs.reduce((s, p) => s + p.cohen_kappa.value!, 0) / pairs.length, 12);
  });

  it('numeric: the judge against the human mean (Pearson, Spearman, Kendall τ-b, MAE)', async () => {
    const r = runAgreement(await load('labels-numeric.csv'), { level: 'interval', judge: 'judge', seed: 1, resamples: 0 });
    const c = r.judge_validation!.vs_consensus;
    const g = golden.consensus.numeric;
    expect(c.consensus).toBe('mean');
    expect(c.n).toBe(g.n);
    for (const k of ['pearson', 'spearman', 'kendall_tau_b', 'mae'] as const) expect(c[k]!.value!).toBeCloseTo(g[k], 10);
    expect(c.cohen_kappa).toBeNull(); // a mean is not on the rating scale
    expect(c.accuracy).toBeNull();
  });
});

describe('runAgreement', () => {
  it('is deterministic for a seed, and the interval brackets the estimate', async () => {
    const labels = await load('labels-numeric.csv');
    const a = runAgreement(labels, { level: 'ordinal', seed: 7, resamples: 200 });
    const b = runAgreement(labels, { level: 'ordinal', seed: 7, resamples: 200 });
    const c = runAgreement(labels, { level: 'ordinal', seed: 8, resamples: 200 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.krippendorff_alpha.ci_low).not.toBe(c.krippendorff_alpha.ci_low);
    for (const e of [a.krippendorff_alpha, a.fleiss_kappa, a.gwet_ac1, a.icc!.icc2_1, a.pairs[0]!.kendall_tau_b!]) {
      expect(e.ci_low!).toBeLessThanOrEqual(e.value!);
      expect(e.ci_high!).toBeGreaterThanOrEqual(e.value!);
    }
    expect(a.bootstrap).toEqual({ resamples: 200, seed: 7, level: 0.95, unit: 'item' });
  });

  it('nominal: correlations, weighted κ and the ICC are null, with the reason', async () => {
    const r = runAgreement(await load('labels-nominal.csv'), { level: 'nominal', seed: 1, resamples: 0 });
    expect(r.icc).toBeNull();
    expect(r.pairs[0]!.pearson).toBeNull();
    expect(r.pairs[0]!.weighted_kappa_quadratic).toBeNull();
    expect(r.not_applicable.pearson).toMatch(/numeric/);
    expect(r.not_applicable.weighted_kappa_linear).toMatch(/order/);
    expect(r.pairs[0]!.percent_agreement.value).not.toBeNull();
  });

  it('numeric levels need numbers; an unknown judge or rater is a user error', () => {
    const labels = [L('1', 'a', 'x'), L('1', 'b', 2)];
    expect(() => runAgreement(labels, { level: 'ordinal', seed: 1, resamples: 0 })).toThrow(InputError);
    expect(() => runAgreement([L('1', 'a', 1), L('1', 'b', 2)], { level: 'ordinal', judge: 'c', seed: 1, resamples: 0 })).toThrow(/judge "c"/);
    expect(() => runAgreement([L('1', 'a', 1)], { level: 'nominal', raters: ['z'], seed: 1, resamples: 0 })).toThrow(/rater "z"/);
    expect(() => runAgreement([L('1', 'a', 1), L('1', 'b', 2)], { level: 'nominal', judge: 'a', raters: ['a'], seed: 1, resamples: 0 })).toThrow(/human/);
  });

  it('degenerate input: one category, one rater, no pairs: null, never NaN, in JSON and Markdown', () => {
    const oneCat = [L('1', 'a', 3), L('1', 'b', 3), L('2', 'a', 3), L('2', 'b', 3)];
    const r = runAgreement(oneCat, { level: 'interval', judge: 'b', seed: 1, resamples: 50 });
    expect(r.percent_agreement.value).toBe(1);
    expect(r.krippendorff_alpha.value).toBeNull();
    expect(r.pairs[0]!.cohen_kappa.value).toBeNull();
    expect(r.pairs[0]!.pearson!.value).toBeNull();
    const one = runAgreement([L('1', 'a', 1), L('2', 'a', 2)], { level: 'nominal', seed: 1, resamples: 50 });
    expect(one.pairs).toEqual([]);
    expect(one.fleiss_kappa.value).toBeNull();
    expect(one.notes.join(' ')).toMatch(/fewer than 2 raters/);
    for (const x of [r, one]) {
      const json = JSON.stringify(x);
      expect(json).not.toMatch(/NaN|Infinity/);
      expect(renderAgreementMarkdown(x, 't')).not.toMatch(/NaN|Infinity|\| undefined|undefined \|/);
    }
  });

  it('failure values are left out and counted per rater; --failure-values "" makes them categories', () => {
    const labels = [L('1', 'a', 1), L('1', 'j', 'garbage'), L('2', 'a', 2), L('2', 'j', 2), L('3', 'a', 1), L('3', 'j', 1)];
    const r = runAgreement(labels, { level: 'nominal', seed: 1, resamples: 0 });
    expect(r.failures).toEqual({ a: 0, j: 1 });
    expect(r.categories).toEqual([1, 2]);
    expect(r.pairs[0]!.n).toBe(2);
    const raw = runAgreement(labels, { level: 'nominal', seed: 1, resamples: 0, failureValues: [] });
    expect(raw.categories).toEqual([1, 2, 'garbage']);
    expect(raw.pairs[0]!.n).toBe(3);
  });

  it('units are (item, model, dimension); per-dimension results; the bootstrap moves whole items', () => {
    const labels: HumanLabel[] = [];
    for (let i = 0; i < 6; i++) {
      for (const model of ['m1', 'm2']) {
        for (const dimension of ['d1', 'd2']) {
          labels.push(L(`i${i}`, 'a', (i + (model === 'm1' ? 0 : 1)) % 3, { model, dimension }));
          labels.push(L(`i${i}`, 'b', (i + (dimension === 'd1' ? 0 : 1)) % 3, { model, dimension }));
        }
      }
    }
    const r = runAgreement(labels, { level: 'interval', seed: 1, resamples: 20 });
    expect(r.n_items).toBe(6);
    expect(r.n_units).toBe(24);
    expect(Object.keys(r.dimensions!)).toEqual(['d1', 'd2']);
    expect(r.dimensions!.d1!.n_units).toBe(12);
    expect(r.dimensions!.d1!.system_ranking!.models).toEqual(['m1', 'm2']);
    expect(r.system_ranking).toBeUndefined(); // ranks are per dimension only
    const md = renderAgreementMarkdown(r, 'x');
    expect(md).toMatch(/### By dimension/);
    expect(md).toMatch(/### Dimension d2/);
  });

  it('rankDescending gives average ranks with 1 = highest (pandas rank(ascending=False))', () => {
    expect(rankDescending([3.9, 4.6, 4.6, 4.2])).toEqual([4, 1.5, 1.5, 3]);
  });
});

describe('renderAgreementMarkdown', () => {
  it('prints raw agreement beside κ and α, the judge blocks and the alt-test', async () => {
    const r = runAgreement(await load('labels-nominal.csv'), { level: 'nominal', judge: 'judge', seed: 1, resamples: 20 });
    const md = renderAgreementMarkdown(r, 'Fixture');
    expect(md).toMatch(/^## Fixture/);
    expect(md).toMatch(/Observed agreement/);
    expect(md).toMatch(/\| % agreement \| Cohen's κ \|/);
    expect(md).toMatch(/judge vs human majority/);
    expect(md).toMatch(/Human ceiling/);
    expect(md).toMatch(/Alternative annotator test.*ε = 0.2/);
    expect(md).toMatch(/h4 not tested: fewer than 30 items/);
    expect(md).not.toMatch(/NaN|undefined/);
  });
});
