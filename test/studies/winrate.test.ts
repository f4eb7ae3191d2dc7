import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPreferences } from '../../src/io/preferences.ts';
import { addMajorityRater, runWinrate } from '../../src/studies/winrate.ts';
import { renderWinrateMarkdown } from '../../src/studies/winrate-report.ts';
import { dataset } from '../helpers/datasets.ts';
import { join } from 'node:path';

interface GoldenRater {
  failures: number;
  models: Record<string, { wins: number; losses: number; ties: number; win_ratio_half: number; win_ratio_drop: number }>;
  matrix_half: Record<string, Record<string, number>>;
  bt_half: number[];
  bt_davidson: { log_strength: number[]; tie_parameter: number };
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/winrate/golden.json', import.meta.url), 'utf8')).pandalm as {
  models: string[];
  raters: Record<string, GoldenRater>;
  compare: Record<string, { spearman: number; kendall_tau_b: number; max_abs_win_ratio_diff: number; pair_agreement_with_ties: number; n_with_ties: number; pair_agreement_without_ties: number; n_without_ties: number }>;
};

const file = join(await dataset('pandalm'), 'preferences.csv');
const prefs = await readPreferences(file);
const { rows, report } = addMajorityRater(prefs, ['annotator1', 'annotator2', 'annotator3']);

describe('PandaLM test set: five models under the human majority, GPT-3.5 and PandaLM-7B (reference: make_golden.py on the original files)', () => {
  it('derives the 2-of-3 majority for every item (PandaLM README: no item lacks one)', () => {
    expect(report.n_groups).toBe(999);
    expect(report.n_majority).toBe(999);
    expect(report.without_majority).toEqual([]);
  });

  const half = runWinrate(rows, { ties: 'half', seed: 7, resamples: 200, compare: ['majority', 'gpt-3.5-turbo'] });
  const drop = runWinrate(rows, { ties: 'drop', seed: 7, resamples: 0 });
  const dav = runWinrate(rows, { ties: 'half', seed: 7, resamples: 0, bt: 'davidson' });

  for (const rater of ['majority', 'gpt-3.5-turbo', 'pandalm-7b']) {
    it(`${rater}: wins, losses, ties, win ratios (half and drop), matrix, failures`, () => {
      const g = golden.raters[rater]!;
      const r = half.raters[rater]!;
      expect(Object.keys(r.models).sort()).toEqual(golden.models);
      for (const m of golden.models) {
        const gm = g.models[m]!;
        const ours = r.models[m]!;
        expect([ours.wins, ours.losses, ours.ties, ours.n]).toEqual([gm.wins, gm.losses, gm.ties, gm.wins + gm.losses + gm.ties]);
        expect(ours.win_ratio.value!).toBeCloseTo(gm.win_ratio_half, 12);
        expect(drop.raters[rater]!.models[m]!.win_ratio.value!).toBeCloseTo(gm.win_ratio_drop, 12);
        for (const o of golden.models) if (o !== m) expect(r.matrix[m]![o]!.win_ratio!).toBeCloseTo(g.matrix_half[m]![o]!, 12);
      }
      expect(r.failures).toBe(g.failures);
    });

    it(`${rater}: Bradley–Terry scores (half-wins and Davidson) match scipy to 1e-6`, () => {
      const g = golden.raters[rater]!;
      golden.models.forEach((m, i) => {
        expect(half.raters[rater]!.models[m]!.bt_score.value!).toBeCloseTo(g.bt_half[i]!, 6);
        expect(dav.raters[rater]!.models[m]!.bt_score.value!).toBeCloseTo(g.bt_davidson.log_strength[i]!, 6);
      });
      expect(dav.raters[rater]!.bt.tie_parameter!).toBeCloseTo(g.bt_davidson.tie_parameter, 6);
    });
  }

  it('counts the 25 unparseable GPT-3.5 verdicts as failures, not ties', () => {
    expect(half.failures).toEqual({ total: 25, by_status: { parse_error: 25 }, by_rater: { 'gpt-3.5-turbo': 25 } });
    expect(half.raters['gpt-3.5-turbo']!.n_comparisons).toBe(974);
  });

  it('compare block (majority vs GPT-3.5): Spearman, Kendall τ-b, max |Δ|, pair agreement match scipy/pandas', () => {
    const g = golden.compare['majority|gpt-3.5-turbo']!;
    const c = half.compare!;
    expect(c.spearman.value!).toBeCloseTo(g.spearman, 12);
    expect(c.kendall_tau_b.value!).toBeCloseTo(g.kendall_tau_b, 12);
    expect(c.max_abs_win_ratio_diff.value!).toBeCloseTo(g.max_abs_win_ratio_diff, 12);
    expect(c.pair_agreement_with_ties.value!).toBeCloseTo(g.pair_agreement_with_ties, 12);
    expect(c.pair_agreement_without_ties.value!).toBeCloseTo(g.pair_agreement_without_ties, 12);
    expect([c.n_pairs_with_ties, c.n_pairs_without_ties]).toEqual([g.n_with_ties, g.n_without_ties]);
    for (const e of [c.spearman, c.kendall_tau_b, c.max_abs_win_ratio_diff, c.pair_agreement_with_ties]) {
      expect(e.ci_low!).toBeLessThanOrEqual(e.value! + 1e-12);
      expect(e.ci_high!).toBeGreaterThanOrEqual(e.value! - 1e-12);
    }
  });

  it('compare block (majority vs PandaLM-7B)', () => {
    const g = golden.compare['majority|pandalm-7b']!;
    const c = runWinrate(rows, { ties: 'half', seed: 1, resamples: 0, compare: ['majority', 'pandalm-7b'] }).compare!;
    expect(c.spearman.value!).toBeCloseTo(g.spearman, 12);
    expect(c.max_abs_win_ratio_diff.value!).toBeCloseTo(g.max_abs_win_ratio_diff, 12);
    expect(c.pair_agreement_with_ties.value!).toBeCloseTo(g.pair_agreement_with_ties, 12);
    expect(c.pair_agreement_without_ties.value!).toBeCloseTo(g.pair_agreement_without_ties, 12);
  });

  it('is deterministic for a seed, and intervals bracket the point estimates', () => {
    const again = runWinrate(rows, { ties: 'half', seed: 7, resamples: 200, compare: ['majority', 'gpt-3.5-turbo'] });
    expect(again).toEqual(half);
    const other = runWinrate(rows, { ties: 'half', seed: 8, resamples: 200, compare: ['majority', 'gpt-3.5-turbo'] });
    expect(other.raters.majority!.models['llama-7b']!.win_ratio.ci_low).not.toBe(half.raters.majority!.models['llama-7b']!.win_ratio.ci_low);
    for (const m of Object.values(half.raters.majority!.models)) {
      expect(m.win_ratio.ci_low!).toBeLessThan(m.win_ratio.value!);
      expect(m.win_ratio.ci_high!).toBeGreaterThan(m.win_ratio.value!);
      expect(m.bt_score.ci_low!).toBeLessThan(m.bt_score.value!);
    }
    expect(half.raters.majority!.ranking[0]).toBe('llama-7b');
    expect(half.raters.majority!.ranking.at(-1)).toBe('cerebras-gpt-6.7B');
  });

  it('renders a Markdown section with the comparison and every rater', () => {
    const md = renderWinrateMarkdown(half, 'PandaLM', { majority: report });
    expect(md).toContain('## PandaLM');
    expect(md).toContain('`majority` versus `gpt-3.5-turbo`');
    expect(md).toContain('| overall | 5 | 0.900 [');
    expect(md).toContain('25 parse_error');
    expect(md).toContain('### Rater `pandalm-7b`');
  });
});
