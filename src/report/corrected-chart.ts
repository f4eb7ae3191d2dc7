/**
 * The corrected-score chart: per model, the judge's naive mean, the humans-only mean and the
 * corrected estimates side by side with their intervals, read from the typed result as written.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CorrectedResult } from '../schema/results/corrected.ts';
import type { ChartSpec, StageCharts } from './charts.ts';
import { nameAxis } from './fit-name.ts';

const METHODS = [
  ['judge_naive', 'judge (naive)', '#c0504d'],
  ['human_only', 'humans only', '#8a90a2'],
  ['ppi', 'PPI', '#9bb7ec'],
  ['ppi_plus_plus', 'PPI++', '#3b6fd8'],
  ['stratified_ppi', 'stratified PPI', '#2a9d8f'],
  ['human_all', 'humans, all units', '#1f2433'],
] as const;

export function correctedCharts(stage: string, result: CorrectedResult): StageCharts {
  const out: StageCharts = { charts: [], notes: [] };
  const models = Object.entries(result.models);
  const rows: { model: string; method: string; value: number; lo: number; hi: number }[] = [];
  for (const [model, m] of models) {
    for (const [key, label] of METHODS) {
      const e = m[key];
      if (e) rows.push({ model, method: label, value: e.value, lo: e.ci_low, hi: e.ci_high });
    }
  }
  if (!rows.length) {
    out.notes.push('Corrected scores chart left out: no estimates in the result.');
    return out;
  }
  const order = (result.rankings.ppi_plus_plus ?? []).concat(models.map(([m]) => m));
  const methods = METHODS.filter(([, l]) => rows.some((r) => r.method === l));
  const y = { field: 'model', type: 'nominal', sort: [...new Set(order)], title: null, axis: nameAxis(200) };
  const yOffset = { field: 'method', type: 'nominal', sort: methods.map(([, l]) => l) };
  const color = { field: 'method', type: 'nominal', title: null, scale: { domain: methods.map(([, l]) => l), range: methods.map(([, , c]) => c) } };
  const x = { field: 'value', type: 'quantitative', title: result.target === 'win_ratio' ? 'win ratio' : 'score on the humans\u2019 scale', scale: { zero: false } };
  const level = `${Math.round((1 - result.alpha) * 1000) / 10}%`;
  const chart: ChartSpec = {
    id: `${stage}-corrected`,
    title: 'Naive judge score, humans only and judge-corrected scores per model',
    caption: `Dots are estimates, whiskers ${level} normal intervals. A judge biased on a model shows as its naive dot away from the humans-only and corrected ones; models are ordered by the PPI++ estimate.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values: rows },
      width: 400,
      height: { step: 10 * methods.length + 8 },
      layer: [
        { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule', strokeWidth: 1.4 }, encoding: { y, yOffset, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' }, color } },
        { mark: { type: 'point', filled: true, size: 40 }, encoding: { y, yOffset, x, color } },
      ],
    } as unknown as TopLevelSpec,
  };
  out.charts.push(chart);
  return out;
}
