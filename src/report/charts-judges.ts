/**
 * Charts of the two judge-comparison results that had none: a `pairwise` stage (the judge's swap
 * consistency per dimension; its win ratios are drawn like a win-rate stage's) and a `tuning` stage
 * (each candidate's agreement with the humans on the held-out items, overall and per criterion).
 * Both read the typed result (schema/results/), validated before they are called.
 */
import type { z } from 'zod';
import type { PairwiseStageResult } from '../schema/results/judge.ts';
import type { TuningResult } from '../schema/results/tuning.ts';
import { barsWithCi, est, fmt, forest, forestCaption, heatmap, type CiRow, type ForestRow, type HeatCell } from './chart-blocks.ts';
import type { ChartSpec } from './charts.ts';

/** Swap consistency of a pairwise judge, per dimension: flip rate and first-position share with their intervals. */
export function pairwiseSwapCharts(stage: string, result: z.infer<typeof PairwiseStageResult>): { charts: ChartSpec[]; notes: string[] } {
  const rows: ForestRow[] = [];
  const dims = Object.keys(result.swap);
  for (const d of dims) {
    const s = result.swap[d]!;
    for (const [key, stat] of [['flip_rate', 'flip rate'], ['first_position_rate', 'first-position share']] as const) {
      const e = est(s[key]);
      if (e) rows.push({ scope: 'swap', stat, label: d, group: 'judge', value: e.value, lo: e.lo, hi: e.hi, text: fmt(e.value, 'pct') });
    }
  }
  if (!rows.length) return { charts: [], notes: ['Swap consistency left out: no dimension has both answer orders judged.'] };
  return {
    charts: [
      {
        id: `${stage}-swap`,
        title: `Answer order: how often ${result.fingerprint.model}'s verdict flips when the answers swap places`,
        caption: forestCaption('Flip rate: share of pairs, among those with both orders judged, whose two verdicts differ. First-position share: of the decisive verdicts, the share for the answer shown first (0.5 = no preference).'),
        spec: forest(rows, { statOrder: ['flip rate', 'first-position share'], labelOrder: dims, domain: [0, 1] }),
      },
    ],
    notes: [],
  };
}

/** Tuning: each candidate's selection statistic on the evaluated items, and per criterion. */
export function tuningCharts(stage: string, result: z.infer<typeof TuningResult>): { charts: ChartSpec[]; notes: string[] } {
  const charts: ChartSpec[] = [];
  const notes: string[] = [];
  const stat = result.statistic;
  const evaluated = [...result.evaluation, ...(result.selected_pooled ? [result.selected_pooled] : [])];
  const bars: CiRow[] = [];
  for (const c of evaluated) {
    const e = est(c.stats[stat]);
    if (e) bars.push({ label: c.candidate === result.winner ? `${c.candidate} (winner)` : c.candidate, value: e.value, lo: e.lo, hi: e.hi, text: fmt(e.value) });
  }
  const part = result.split.method === 'holdout' ? `the ${result.split.n_test} held-out items` : `all ${result.n_items} items, each held out once (${result.split.folds}-fold)`;
  if (bars.length) {
    charts.push({
      id: `${stage}-candidates`,
      title: `Candidates' ${stat} against the humans, on ${part}`,
      caption: `The statistic the winner was chosen by (${stat}), measured where it was not chosen; whiskers are 95% bootstrap intervals over items.${result.selected_pooled ? ' "selected" is each fold\'s winner on the items that fold held out.' : ''}`,
      spec: barsWithCi(bars, { xTitle: stat, format: '.2f' }),
    });
  } else notes.push(`Candidates' ${stat} left out: it is undefined for every candidate.`);
  const cells: HeatCell[] = [];
  for (const c of result.evaluation) {
    for (const d of result.dimensions) {
      const e = est(c.dimensions?.[d]?.stats[stat]);
      if (e) cells.push({ x: d, y: c.candidate, value: e.value, text: fmt(e.value) });
    }
  }
  if (cells.length) {
    charts.push({
      id: `${stage}-criteria`,
      title: `${stat} per criterion and candidate`,
      caption: `Agreement with the humans on each criterion (${part}); a low cell is a criterion that candidate cannot verify.`,
      spec: heatmap(cells, { xOrder: result.dimensions, yOrder: result.evaluation.map((c) => c.candidate), colorTitle: stat, format: '.2f', xTitle: null }),
    });
  } else if (result.dimensions.length === 0) notes.push('Per-criterion chart left out: the labels have no dimension column.');
  return { charts, notes };
}
