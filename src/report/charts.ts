/**
 * Chart specs (Vega-Lite) per stage kind, built from a stage's JSON result exactly as the stage
 * wrote it: nothing is re-estimated here. The only number derived at render time is Pearson's r
 * of model size against score (Med-CMR Figure 3), which needs sizes that no stage result holds.
 *
 * chartsForStage parses the result once with its kind's schema (schema/results/); a result that does
 * not match gives a note naming the stage and the first issue, and no chart. Every builder takes the
 * typed result; an optional block that is absent or empty gives no chart and a note saying which
 * chart was left out and why, never a thrown error or an empty chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { z } from 'zod';
import { pearson } from '../stats/correlation.ts';
import { Status } from '../schema/status.ts';
import { McqResult } from '../schema/mcq.ts';
import { AgreementResult, ConsistencyResult, CorrectedResult, Estimate, JudgeStageResult, PairwiseStageResult, SwapResult, TuningResult, WinrateStageResult, type AgreementCore, type ScopeResult, type WinrateResult } from '../schema/results/index.ts';
import { pairwiseSwapCharts, tuningCharts } from './charts-judges.ts';
import { est, TASK_ORDER, orderGroups, W, rowHeight, INK, MUTED, ACCENT, PAIR_COLORS, top, fmt, barsWithCi, heatmap, LOW_N, forest, forestCaption, type Spec, type Est, type HeatCell, type ForestRow } from './chart-blocks.ts';
export { est, fmt, type Est } from './chart-blocks.ts';
import { CircularChartInput, circularCharts } from './charts-circular.ts';
import { correctedCharts } from './corrected-chart.ts';
import { parseResult } from './parse-result.ts';
import { nameMap } from '../io/name-map.ts';
import { nameAxis } from './fit-name.ts';

/** One chart of the report: a Vega-Lite spec plus the words around it. */
export interface ChartSpec {
  /** Unique within the page (`<stage>-<chart>`). */
  id: string;
  title: string;
  /** How to read it (what the whiskers are, what was left out). */
  caption: string;
  spec: TopLevelSpec;
}

export interface StageCharts {
  charts: ChartSpec[];
  /** Charts that were left out, each with its reason. */
  notes: string[];
}

/** What a builder may know besides the stage result. */
export interface ChartContext {
  /** Model → size in billions of parameters (from responses' `meta.size`), when known. */
  sizes?: Map<string, number> | null;
  /** Why sizes are unknown (shown when the size chart is left out). */
  sizesNote?: string;
}

// ---------------------------------------------------------------------------------------------
// Model size against score (Med-CMR Figure 3)

/** Pearson's r of log10(size) against score over the models that have both; null below 3 models. */
export function sizeCorrelation(points: { size: number; score: number }[]): number | null {
  if (points.length < 3) return null;
  return pearson(points.map((p) => Math.log10(p.size)), points.map((p) => p.score));
}

/**
 * Size against score, one panel per dimension, with Pearson's r of log10(size) against the score
 * in each panel's title and a least-squares line on the log axis.
 */
export function sizeChart(
  id: string,
  what: string,
  scores: { dim: string; model: string; score: number }[],
  dims: string[],
  ctx: ChartContext,
  yFormat: string,
): { chart: ChartSpec | null; note: string | null; r: Record<string, number | null> } {
  const sizes = ctx.sizes;
  const r: Record<string, number | null> = nameMap();
  if (!sizes || sizes.size === 0) return { chart: null, note: `Model size against ${what} (Med-CMR Figure 3) left out: ${ctx.sizesNote ?? 'no response carries meta.size'}.`, r };
  const rows: Spec[] = [];
  const panels: string[] = [];
  for (const dim of dims) {
    const pts = scores.filter((s) => s.dim === dim && sizes.has(s.model)).map((s) => ({ ...s, size: sizes.get(s.model)! }));
    const rv = sizeCorrelation(pts);
    r[dim] = rv;
    if (pts.length < 3) continue;
    const panel = `${dim} · r = ${rv === null ? '–' : rv.toFixed(2)}`;
    panels.push(panel);
    // No fit line through constant data: a line through equal scores (or equal sizes) says nothing.
    const fit = new Set(pts.map((p) => p.score)).size > 1 && new Set(pts.map((p) => p.size)).size > 1;
    for (const p of pts) rows.push({ panel, model: p.model, size: p.size, score: p.score, fit });
  }
  if (panels.length === 0) return { chart: null, note: `Model size against ${what} left out: fewer than 3 models with a known size.`, r };
  const x = { field: 'size', type: 'quantitative', title: 'size (B parameters, log)', scale: { type: 'log', nice: false } };
  const y = { field: 'score', type: 'quantitative', title: null, axis: { format: yFormat, tickCount: 4 }, scale: { zero: false } };
  const spec = top(
    {
      facet: { field: 'panel', type: 'nominal', sort: panels, title: null },
      columns: panels.length <= 4 ? panels.length : panels.length <= 6 ? 3 : 4,
      spacing: 16,
      spec: {
        width: 170,
        height: 140,
        layer: [
          { transform: [{ filter: 'datum.fit' }, { regression: 'score', on: 'size', method: 'log' }], mark: { type: 'line', color: '#c9485b', strokeWidth: 1.5, strokeDash: [4, 3] }, encoding: { x, y } },
          { mark: { type: 'point', filled: true, size: 40, color: ACCENT, opacity: 0.9 }, encoding: { x, y, tooltip: [{ field: 'model' }, { field: 'size' }, { field: 'score' }] } },
          // every point named (Med-CMR Figure 3 names its models)
          { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, fontSize: 9, color: '#3c4257' }, encoding: { x, y, text: { field: 'model', type: 'nominal' } } },
        ],
      },
      // Each panel keeps its own y range (dimensions differ in level) and its own x axis (wrapped rows).
      resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    },
    rows,
  );
  return {
    chart: {
      id,
      title: `Model size against ${what}`,
      caption: `One point per model, named; y is the ${what}. r is Pearson's correlation of log10(size) with the ${what} over the models of known size (as in Med-CMR Figure 3); the dashed line is the least-squares fit on the log axis (left out in a panel whose scores or sizes are all equal).`,
      spec,
    },
    note: null,
    r,
  };
}

// ---------------------------------------------------------------------------------------------
// MCQ (issue 2): models.<m>.{accuracy, ci_low, ci_high, by_task, by_organ_system, by_modality}

function mcqCharts(stage: string, result: z.infer<typeof McqResult>, ctx: ChartContext): StageCharts {
  const out: StageCharts = { charts: [], notes: [] };
  const models = Object.entries(result.models);
  if (models.length === 0) {
    out.notes.push('No model in the MCQ result: no MCQ charts.');
    return out;
  }
  const overall = models
    .map(([m, r]) => ({ m, acc: r.accuracy, lo: r.ci_low, hi: r.ci_high, n: r.n }))
    .sort((a, b) => b.acc - a.acc || (a.m < b.m ? -1 : 1));
  const modelOrder = overall.map((r) => r.m);
  if (overall.length > 0) {
    out.charts.push({
      id: `${stage}-accuracy`,
      title: 'MCQ accuracy per model',
      caption: 'Micro-averaged accuracy over items (invalid and missing answers count as wrong, as in Med-CMR); whiskers are 95% bootstrap intervals over items.',
      spec: barsWithCi(
        overall.map((r) => ({ label: r.m, value: r.acc, lo: r.lo, hi: r.hi, text: fmt(r.acc, 'pct') })),
        { xTitle: 'accuracy', format: '.0%', domain: [0, 1] },
      ),
    });
  }
  const families = [
    ['by_task', 'task', 'MCQ accuracy per task (the main table as a figure)'],
    ['by_organ_system', 'organ system', 'MCQ accuracy per organ system'],
    ['by_modality', 'modality', 'MCQ accuracy per modality'],
  ] as const;
  const sizeScores: { dim: string; model: string; score: number }[] = overall.map((r) => ({ dim: 'All', model: r.m, score: r.acc }));
  for (const [key, label, title] of families) {
    const cells: HeatCell[] = [];
    const groups = new Set<string>();
    for (const [m, r] of models) {
      for (const [g, s] of Object.entries(r[key])) {
        const acc = s.accuracy;
        groups.add(g);
        cells.push({ x: g, y: m, value: acc, text: (acc * 100).toFixed(1), n: s.n });
        if (key === 'by_task') sizeScores.push({ dim: g, model: m, score: acc });
      }
    }
    if (groups.size < 2) {
      if (key === 'by_task') out.notes.push(`MCQ accuracy per ${label} left out: ${groups.size === 0 ? 'no' : 'only one'} ${label} in the result.`);
      continue;
    }
    const xOrder = orderGroups(groups, key === 'by_task' ? TASK_ORDER : []);
    if (key === 'by_task') {
      // "All" first, as the paper's table puts the overall score before the dimensions.
      for (const r of overall) cells.push({ x: 'All', y: r.m, value: r.acc, text: (r.acc * 100).toFixed(1), n: r.n });
      xOrder.unshift('All');
    }
    out.charts.push({
      id: `${stage}-${key.replace('by_', '')}`,
      title,
      caption: `Accuracy (%) per model and ${label}${key === 'by_task' ? '; "All" is the micro average over every item' : ''}, with the number of items under each value; a faded cell marked "(few)" rests on fewer than ${LOW_N} items. Models are ordered by overall accuracy.`,
      spec: heatmap(cells, { xOrder, yOrder: modelOrder.length ? modelOrder : [...new Set(cells.map((c) => c.y))], colorTitle: 'accuracy', format: '.0%', domain: [0, 1] }),
    });
  }
  const dims = ['All', ...orderGroups(sizeScores.filter((s) => s.dim !== 'All').map((s) => s.dim))];
  const size = sizeChart(`${stage}-size`, 'MCQ accuracy', sizeScores, dims, ctx, '.0%');
  if (size.chart) out.charts.push(size.chart);
  else if (size.note) out.notes.push(size.note);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Judge (issue 3): {n, by_status, models.<m>.{score, criteria.<c>, by_status}}

// the one status vocabulary, in its order (schema/status.ts)
const STATUS_ORDER: string[] = [...Status.options];
const STATUS_COLORS = ['#2a9d8f', '#e07b39', '#c9485b', '#8e6bbf', '#b8962e', '#7a8699', '#5b8c5a', '#a0522d', '#4b6584'];

function judgeCharts(stage: string, result: z.infer<typeof JudgeStageResult>, ctx: ChartContext): StageCharts {
  const out: StageCharts = { charts: [], notes: [] };
  const models = Object.entries(result.models);
  if (models.length === 0) {
    out.notes.push('No model in the judge result: no judge charts.');
    return out;
  }
  const scores = models
    .map(([m, r]) => ({ m, e: est(r.score) }))
    .filter((r): r is { m: string; e: Est } => r.e !== null)
    .sort((a, b) => b.e.value - a.e.value || (a.m < b.m ? -1 : 1));
  const modelOrder = scores.length ? scores.map((s) => s.m) : models.map(([m]) => m);
  if (scores.length > 0) {
    out.charts.push({
      id: `${stage}-score`,
      title: 'Rubric score per model',
      caption: 'Mean aggregated rubric score over the judgments with status ok; whiskers are 95% bootstrap intervals over items. Failed judgments are counted apart (below), never scored.',
      spec: barsWithCi(scores.map((s) => ({ label: s.m, value: s.e.value, lo: s.e.lo, hi: s.e.hi, text: fmt(s.e.value) })), { xTitle: 'rubric score', format: '~f' }),
    });
  } else out.notes.push('Rubric score per model left out: no model has an aggregated score (e.g. `separate` aggregation).');

  const crit: Spec[] = [];
  const critNames = new Set<string>();
  const sizeScores: { dim: string; model: string; score: number }[] = scores.map((s) => ({ dim: 'score', model: s.m, score: s.e.value }));
  for (const [m, r] of models) {
    for (const [c, v] of Object.entries(r.criteria)) {
      const e = est(v);
      if (!e) continue;
      critNames.add(c);
      crit.push({ criterion: c, label: m, value: e.value, lo: e.lo, hi: e.hi });
      sizeScores.push({ dim: c, model: m, score: e.value });
    }
  }
  if (critNames.size > 0) {
    const critOrder = [...critNames];
    const y = { field: 'label', type: 'nominal', sort: modelOrder, title: null, axis: nameAxis(220) };
    const x = { field: 'value', type: 'quantitative', title: null, scale: { zero: false, nice: true }, axis: { tickCount: 4 } };
    out.charts.push({
      id: `${stage}-criteria`,
      title: 'Score per criterion',
      caption: 'Mean raw score per rubric criterion (on the rubric\'s own scale) with 95% bootstrap intervals; one panel per criterion.',
      spec: top(
        {
          facet: { column: { field: 'criterion', type: 'nominal', sort: critOrder, title: null, header: { labelFontSize: 12 } } },
          spacing: { column: 14 },
          spec: {
            width: Math.max(120, Math.floor((W + 80) / critOrder.length) - 16),
            height: Math.max(24, 24 * modelOrder.length),
            layer: [
              { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule', color: ACCENT, strokeWidth: 1.8 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
              { mark: { type: 'point', filled: true, size: 52, color: ACCENT, opacity: 1 }, encoding: { y, x } },
            ],
          },
        },
        crit,
      ),
    });
  } else out.notes.push('Score per criterion left out: no `criteria` estimates in the result.');

  const status: Spec[] = [];
  const seen = new Set<string>();
  for (const [m, r] of models) {
    for (const [s, c] of Object.entries(r.by_status)) {
      if (c === 0) continue;
      seen.add(s);
      status.push({ label: m, status: s, count: c });
    }
  }
  if (status.length > 0) {
    const domain = [...STATUS_ORDER.filter((s) => seen.has(s)), ...[...seen].filter((s) => !STATUS_ORDER.includes(s)).sort()];
    const range = domain.map((s) => STATUS_COLORS[STATUS_ORDER.indexOf(s)] ?? '#7a8699');
    out.charts.push({
      id: `${stage}-status`,
      title: 'Judgments by status',
      caption: 'Every judgment per model by status: parse errors, refusals, API errors and truncations are counted here and left out of the scores.',
      spec: top(
        {
          width: W,
          height: rowHeight(modelOrder.length),
          mark: { type: 'bar', height: { band: 0.68 } },
          encoding: {
            y: { field: 'label', type: 'nominal', sort: modelOrder, title: null },
            x: { field: 'count', type: 'quantitative', stack: 'zero', title: 'judgments' },
            color: { field: 'status', type: 'nominal', title: 'status', scale: { domain, range } },
            order: { field: 'rank', type: 'quantitative' },
          },
        },
        status.map((s) => ({ ...s, rank: domain.indexOf(s.status as string) })),
      ),
    });
  }
  const size = sizeChart(`${stage}-size`, 'rubric score', sizeScores, ['score', ...critNames], ctx, '~f');
  if (size.chart) out.charts.push(size.chart);
  else if (size.note) out.notes.push(size.note);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Agreement (issue 4): {krippendorff_alpha, fleiss_kappa, gwet_ac1, icc, percent_agreement, pairs[], judge_validation?, dimensions?}

type Agreement = z.infer<typeof AgreementCore>;
const AGREEMENT_STATS: [(s: Agreement) => Estimate | undefined, string][] = [
  [(s) => s.krippendorff_alpha, 'Krippendorff α'],
  [(s) => s.fleiss_kappa, 'Fleiss κ'],
  [(s) => s.gwet_ac1, 'Gwet AC1'],
  [(s) => s.icc?.icc2_1, 'ICC(2,1)'],
  [(s) => s.percent_agreement, 'Raw agreement'],
];

/** A comparison with a reference: a ComparisonResult, or a mean over humans (an estimate per statistic). */
type Comparison = Partial<Record<'cohen_kappa' | 'percent_agreement' | 'spearman' | 'accuracy', Estimate | null>>;

function agreementCharts(stage: string, result: z.infer<typeof AgreementResult>): StageCharts {
  const out: StageCharts = { charts: [], notes: [] };
  const scopes: [string, Agreement][] = [['overall', result], ...Object.entries(result.dimensions ?? {})];
  const rows: ForestRow[] = [];
  for (const [scope, s] of scopes) {
    for (const [get, stat] of AGREEMENT_STATS) {
      const e = est(get(s));
      if (e) rows.push({ scope, stat, label: scope, group: 'all raters', value: e.value, lo: e.lo, hi: e.hi, text: fmt(e.value) });
    }
  }
  const stats = AGREEMENT_STATS.map(([, s]) => s).filter((s) => rows.some((r) => r.stat === s));
  if (rows.length > 0) {
    out.charts.push({
      id: `${stage}-agreement`,
      title: scopes.length > 1 ? 'Agreement among all raters, per dimension' : 'Agreement among all raters',
      caption: forestCaption('Raw agreement (observed share of agreeing pairs) sits beside the chance-corrected statistics.'),
      spec: forest(rows, { statOrder: stats, labelOrder: scopes.map(([s]) => s) }),
    });
  } else out.notes.push('Agreement statistics left out: no α, κ or AC1 estimates in the result.');

  // Pairwise Cohen's κ between raters (overall), as a matrix.
  const cells: HeatCell[] = [];
  const raters = new Set<string>();
  for (const { a, b, cohen_kappa } of result.pairs) {
    const k = est(cohen_kappa);
    if (!a || !b || !k) continue;
    raters.add(a).add(b);
    cells.push({ x: b, y: a, value: k.value, text: fmt(k.value) }, { x: a, y: b, value: k.value, text: fmt(k.value) });
  }
  if (raters.size >= 3) {
    const order = result.raters.filter((r) => raters.has(r));
    out.charts.push({
      id: `${stage}-pairs`,
      title: "Cohen's κ between each pair of raters",
      caption: 'Unweighted Cohen κ of every rater pair over the items both rated (the table below gives intervals and the weighted forms).',
      spec: heatmap(cells, { xOrder: order, yOrder: order, colorTitle: 'Cohen κ', format: '.1f', domain: [Math.min(0, ...cells.map((c) => c.value)), 1] }),
    });
  }

  // Judge validation: judge vs each human, vs the consensus, and the human ceiling.
  const jv: ForestRow[] = [];
  const labels: string[] = [];
  const addLabel = (l: string): void => {
    if (!labels.includes(l)) labels.push(l);
  };
  const cand = [
    ['cohen_kappa', 'Cohen κ'],
    ['percent_agreement', 'Raw agreement'],
    ['spearman', 'Spearman ρ'],
  ] as const;
  const confusion: Spec[] = [];
  const confScopes: string[] = [];
  const confLabels: string[] = [];
  const jvScopes: string[] = [];
  for (const [scope, s] of scopes) {
    const v = s.judge_validation;
    if (!v) continue;
    jvScopes.push(scope);
    const judge = v.judge;
    const push = (label: string, group: string, c: Comparison): void => {
      for (const [key, stat] of cand) {
        // Against a categorical reference raw agreement is accuracy; the ceiling means carry only the latter.
        const e = est(c[key]) ?? (key === 'percent_agreement' ? est(c.accuracy) : null);
        if (!e) continue;
        addLabel(label);
        jv.push({ scope, stat, label, group, value: e.value, lo: e.lo, hi: e.hi, text: fmt(e.value) });
      }
    };
    for (const h of v.vs_humans) push(`${judge} vs ${h.human}`, 'judge', h);
    const cons = v.vs_consensus;
    push(`${judge} vs human ${cons.consensus === 'mean' ? 'mean' : 'majority'}`, 'judge', cons);
    push('human vs rest (mean)', 'human ceiling', v.ceiling.mean_human_vs_rest);
    push(`${judge} vs rest (mean)`, 'judge', v.ceiling.mean_judge_vs_rest);
    const cl = cons.confusion?.labels.map(String);
    for (const l of cl ?? []) if (!confLabels.includes(l)) confLabels.push(l);
    const cm = cons.confusion?.matrix;
    if (cl && cm && cm.length === cl.length) {
      let any = false;
      cm.forEach((row, i) => {
        const total = row.reduce((a, c) => a + c, 0);
        row.forEach((n, j) => {
          if (j >= cl.length) return;
          any = true;
          confusion.push({ scope, truth: cl[i]!, pred: cl[j]!, count: n, share: total > 0 ? n / total : 0 });
        });
      });
      if (any) confScopes.push(scope);
    }
  }
  if (jv.length > 0) {
    let statOrder: string[] = cand.map(([, s]) => s).filter((s) => jv.some((r) => r.stat === s));
    // A judge-vs-humans panel is read against the humans' own agreement: a statistic the ceiling
    // lacks (κ and raw agreement at numeric levels) gets no panel rather than a panel without it.
    const hasCeiling = jv.some((r) => r.group === 'human ceiling');
    if (hasCeiling) {
      const without = statOrder.filter((st) => !jv.some((r) => r.stat === st && r.group === 'human ceiling'));
      if (without.length) out.notes.push(`Judge against humans: no panel for ${without.join(' and ')}, whose human ceiling the result does not hold (the table below gives the judge's values).`);
      statOrder = statOrder.filter((st) => !without.includes(st));
    }
    const kept = jv.filter((r) => statOrder.includes(r.stat));
    const groups = ['judge', 'human ceiling'].filter((g) => kept.some((r) => r.group === g));
    out.charts.push({
      id: `${stage}-judge-validation`,
      title: hasCeiling ? 'Judge against humans, beside the human ceiling' : 'Judge against humans (the result holds no human ceiling)',
      caption: forestCaption('Orange rows are the ceiling: each human against the consensus of the other humans; the judge against the same consensus is the row below it.'),
      spec: forest(kept, { statOrder, labelOrder: labels, scopeOrder: jvScopes, groups, colorTitle: 'compared' }),
    });
  } else out.notes.push('Judge validation left out: no `judge_validation` block (the stage names no judge rater).');

  if (confusion.length > 0) {
    // The axes show the labels the result holds (names when the data has names); bare codes are said to be codes, not given invented names.
    const codesOnly = confLabels.every((l) => /^-?\d+(\.\d+)?$/.test(l));
    out.charts.push({
      id: `${stage}-confusion`,
      title: confScopes.length > 1 ? 'Confusion matrices: judge against the human majority, per dimension' : 'Confusion matrix: judge against the human majority',
      caption: `Rows are the human majority label, columns the judge's label; cells give counts, colour the share of the row (the judge's recall of each human label).${codesOnly ? ' The labels are numeric codes as the data gives them: the result names no meaning for them, so none is shown.' : ''}`,
      spec: top(
        {
          facet: { field: 'scope', type: 'nominal', sort: confScopes, title: null, header: { labelFontSize: 12 } },
          columns: Math.min(3, confScopes.length),
          spacing: 18,
          spec: {
            width: { step: 46 },
            height: { step: 34 },
            encoding: {
              x: { field: 'pred', type: 'nominal', sort: confLabels, title: 'judge', axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false } },
              y: { field: 'truth', type: 'nominal', sort: confLabels, title: 'human majority', axis: { domain: false, ticks: false } },
            },
            layer: [
              { mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2, cornerRadius: 3 }, encoding: { color: { field: 'share', type: 'quantitative', title: 'share of row', scale: { scheme: 'blues', domain: [0, 1] }, legend: { format: '.0%', gradientLength: 140 } } } },
              { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'count', type: 'quantitative', format: ',d' }, color: { condition: { test: 'datum.share > 0.55', value: '#ffffff' }, value: INK } } },
            ],
          },
          resolve: { scale: { x: 'independent', y: 'independent' } },
        },
        confusion,
      ),
    });
  } else if (jv.length > 0) out.notes.push('Confusion matrix left out: the judge validation holds no confusion matrix (numeric levels have none).');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Win ratios (issue 5): raters.<r>.models.<m>.{win_ratio, bt_score}, dimensions.<d>.…, compare.{…}

type Scope = z.infer<typeof ScopeResult>;

function winrateCharts(stage: string, result: z.infer<typeof WinrateResult>): StageCharts {
  const out: StageCharts = { charts: [], notes: [] };
  const dims = Object.entries(result.dimensions ?? {});
  const scopes: [string, Scope][] = dims.length > 0 ? dims : [['overall', result]];
  const compare = result.compare ?? dims.map(([, d]) => d.compare).find((c) => c !== undefined) ?? null;
  const raterA = compare?.rater_a ?? null;
  const raterB = compare?.rater_b ?? null;

  // Model order: by the first rater's overall win ratio.
  const overallRaters = Object.entries(result.raters);
  if (overallRaters.length === 0 && dims.length === 0) {
    out.notes.push('No rater in the win-ratio result: no win-ratio charts.');
    return out;
  }
  const first = overallRaters.find(([r]) => r === raterA) ?? overallRaters[0];
  const modelOrder = Object.entries(first?.[1].models ?? {})
    .map(([m, v]) => ({ m, w: est(v.win_ratio)?.value ?? -1 }))
    .sort((a, b) => b.w - a.w || (a.m < b.m ? -1 : 1))
    .map((x) => x.m);

  const bars: Spec[] = [];
  const panels: string[] = [];
  const raterOrder: string[] = [];
  const scatter: Spec[] = [];
  for (const [scope, s] of scopes) {
    const rho = est(s.compare?.spearman);
    const panel = raterA && rho ? `${scope} · ρ = ${rho.value.toFixed(2)}` : scope;
    let any = false;
    const byModel = new Map<string, Record<string, Est>>();
    for (const [rater, r] of Object.entries(s.raters)) {
      if (raterA && raterB && rater !== raterA && rater !== raterB) continue;
      for (const [m, v] of Object.entries(r.models)) {
        const e = est(v.win_ratio);
        if (!e) continue;
        any = true;
        if (!raterOrder.includes(rater)) raterOrder.push(rater);
        if (!modelOrder.includes(m)) modelOrder.push(m);
        bars.push({ panel, rater, label: m, value: e.value, lo: e.lo, hi: e.hi });
        const rec = byModel.get(m) ?? {};
        rec[rater] = e;
        byModel.set(m, rec);
      }
    }
    if (any) panels.push(panel);
    if (raterA && raterB) {
      for (const [m, rec] of byModel) {
        const a = rec[raterA];
        const b = rec[raterB];
        if (a && b) scatter.push({ scope, panel, model: m, a: a.value, a_lo: a.lo, a_hi: a.hi, b: b.value, b_lo: b.lo, b_hi: b.hi });
      }
    }
  }
  if (raterA && raterB) raterOrder.sort((x, y) => (x === raterA ? -1 : y === raterA ? 1 : x === raterB ? -1 : 1));
  if (bars.length > 0) {
    const colour = { field: 'rater', type: 'nominal', title: 'rater', scale: { domain: raterOrder, range: raterOrder.length <= 2 ? PAIR_COLORS : undefined } };
    const y = { field: 'label', type: 'nominal', sort: modelOrder, title: null, axis: nameAxis(200) };
    const x = { field: 'value', type: 'quantitative', title: 'win ratio', scale: { domain: [0, 1], nice: false }, axis: { format: '.1f', tickCount: 5 } };
    const yOffset = { field: 'rater', type: 'nominal', sort: raterOrder };
    out.charts.push({
      id: `${stage}-winratio`,
      title: raterA && raterB ? `Win ratio per model: ${raterA} against ${raterB}${dims.length ? ', per dimension' : ''}` : `Win ratio per model${dims.length ? ', per dimension' : ''}`,
      caption: `Bars are win ratios (ties as the study counts them), whiskers 95% bootstrap intervals over items.${raterA ? ' ρ is the Spearman correlation between the two raters\' model rankings (as in Med-CMR Figure 4d).' : ''}`,
      spec: top(
        {
          facet: { field: 'panel', type: 'nominal', sort: panels, title: null, header: { labelFontSize: 12 } },
          columns: panels.length >= 4 ? 2 : panels.length,
          spacing: { column: 24, row: 18 },
          spec: {
            width: panels.length > 1 ? 250 : W - 120,
            height: { step: raterOrder.length > 2 ? 10 * raterOrder.length + 6 : 28 },
            layer: [
              { mark: { type: 'bar', height: { band: 0.9 }, cornerRadiusEnd: 2, opacity: 0.85 }, encoding: { y, yOffset, x, color: colour } },
              { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule', color: INK, strokeWidth: 1.1 }, encoding: { y, yOffset, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
            ],
          },
        },
        bars,
      ),
    });
  } else out.notes.push('Win ratio per model left out: no win ratios in the result.');

  if (scatter.length > 0) {
    const scopesWith = [...new Set(scatter.map((s) => s.scope as string))];
    const ax = { field: 'a', type: 'quantitative', title: `win ratio under ${raterA}`, scale: { domain: [0, 1], nice: false }, axis: { format: '.1f' } };
    const ay = { field: 'b', type: 'quantitative', title: `win ratio under ${raterB}`, scale: { domain: [0, 1], nice: false }, axis: { format: '.1f' } };
    const scaleOf = (a: { type: string; scale: unknown }): { type: string; scale: unknown } => ({ type: a.type, scale: a.scale });
    out.charts.push({
      id: `${stage}-winratio-scatter`,
      title: `${raterA} against ${raterB}: win ratios on the y = x line${scopesWith.length > 1 ? ', per dimension' : ''}`,
      caption: 'One named point per model in each panel (a dimension; ρ is the Spearman correlation of the two raters\' model rankings in it, as in Med-CMR Figure 4d); whiskers are the 95% intervals under each rater. Points on the dashed diagonal mean both raters give the model the same win ratio.',
      spec: top(
        {
          facet: { field: 'panel', type: 'nominal', sort: [...new Set(scatter.map((r) => r.panel as string))], title: null, header: { labelFontSize: 12 } },
          columns: scopesWith.length >= 4 ? 2 : scopesWith.length,
          spacing: { column: 28, row: 18 },
          spec: {
            width: scopesWith.length > 1 ? 230 : 340,
            height: scopesWith.length > 1 ? 230 : 340,
            layer: [
              { mark: { type: 'rule', color: '#b9bfcc', strokeDash: [4, 4] }, encoding: { x: { datum: 0, ...scaleOf(ax) }, y: { datum: 0, ...scaleOf(ay) }, x2: { datum: 1 }, y2: { datum: 1 } } },
              { transform: [{ filter: 'isValid(datum.a_lo) && isValid(datum.a_hi)' }], mark: { type: 'rule', opacity: 0.5, color: ACCENT }, encoding: { y: ay, x: { field: 'a_lo', type: 'quantitative' }, x2: { field: 'a_hi' } } },
              { transform: [{ filter: 'isValid(datum.b_lo) && isValid(datum.b_hi)' }], mark: { type: 'rule', opacity: 0.5, color: ACCENT }, encoding: { x: ax, y: { field: 'b_lo', type: 'quantitative' }, y2: { field: 'b_hi' } } },
              { mark: { type: 'point', filled: true, size: 50, opacity: 1, color: ACCENT }, encoding: { x: ax, y: ay, tooltip: [{ field: 'model' }, { field: 'a', format: '.3f' }, { field: 'b', format: '.3f' }] } },
              { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, fontSize: 9, color: '#3c4257' }, encoding: { x: ax, y: ay, text: { field: 'model', type: 'nominal' } } },
            ],
          },
        },
        scatter,
      ),
    });
  }

  // The comparison statistics per dimension, as a forest.
  const cmpStats = [
    ['spearman', 'Spearman ρ'],
    ['kendall_tau_b', 'Kendall τ-b'],
    ['max_abs_win_ratio_diff', 'max |Δ win ratio|'],
    ['pair_agreement_with_ties', 'pair agreement (ties)'],
    ['pair_agreement_without_ties', 'pair agreement (no ties)'],
  ] as const;
  const cmpScopes: [string, Scope][] = [['overall', result], ...dims];
  const frows: ForestRow[] = [];
  for (const [scope, s] of cmpScopes) {
    const c = s.compare;
    if (!c) continue;
    for (const [key, stat] of cmpStats) {
      const e = est(c[key]);
      if (e) frows.push({ scope, stat, label: scope, group: 'compare', value: e.value, lo: e.lo, hi: e.hi, text: fmt(e.value) });
    }
  }
  if (frows.length > 0) {
    const labelOrder = cmpScopes.map(([s]) => s).filter((s) => frows.some((r) => r.label === s));
    out.charts.push({
      id: `${stage}-compare`,
      title: `How far ${raterB ?? 'the judge'} agrees with ${raterA ?? 'the humans'}`,
      caption: forestCaption('Rank correlations of the two raters\' model rankings, the largest win-ratio gap, and the share of pairs where both gave the same verdict.'),
      spec: forest(frows, { statOrder: cmpStats.map(([, s]) => s).filter((s) => frows.some((r) => r.stat === s)), labelOrder, domain: [Math.min(0, ...frows.map((r) => Math.floor((r.lo ?? r.value) * 10) / 10)), 1] }),
    });
  } else out.notes.push('Human-versus-judge comparison left out: no `compare` block (the stage compares no two raters).');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Consistency (issue 6): models.<m>.{n, both, mcq_only, open_only, neither, kappa, mcnemar_midp}, paired, circular

function consistencyCharts(stage: string, result: z.infer<typeof ConsistencyResult>): StageCharts {
  const out: StageCharts = { charts: [], notes: [] };
  const models = Object.entries(result.models);
  if (models.length > 0) {
    const rows: Spec[] = [];
    const panels: string[] = [];
    for (const [name, m] of models) {
      const n = m.n;
      const panel = `${name} · κ ${fmt(m.kappa)} · mid-p ${fmt(m.mcnemar_midp, 'p')}`;
      panels.push(panel);
      const cell = (mcq: string, open: string, key: 'both' | 'mcq_only' | 'open_only' | 'neither'): void => {
        const c = m[key];
        rows.push({ panel, mcq, open, count: c, share: n > 0 ? c / n : 0 });
      };
      cell('MCQ right', 'open right', 'both');
      cell('MCQ right', 'open wrong', 'mcq_only');
      cell('MCQ wrong', 'open right', 'open_only');
      cell('MCQ wrong', 'open wrong', 'neither');
    }
    out.charts.push({
      id: `${stage}-tables`,
      title: 'MCQ against open-ended: the 2 × 2 table per model',
      caption: 'Counts of question pairs by MCQ and open-ended outcome; colour is the share of the model\'s pairs. Off-diagonal cells are the discordant pairs McNemar\'s test compares (mid-p in the panel title).',
      spec: top(
        {
          facet: { field: 'panel', type: 'nominal', sort: panels, title: null, header: { labelFontSize: 11.5 } },
          columns: Math.min(2, panels.length),
          spacing: { column: 40, row: 18 },
          spec: {
            width: { step: 70 },
            height: { step: 36 },
            encoding: {
              x: { field: 'open', type: 'nominal', sort: ['open right', 'open wrong'], title: null, axis: { orient: 'bottom', labelAngle: 0, domain: false, ticks: false } },
              y: { field: 'mcq', type: 'nominal', sort: ['MCQ right', 'MCQ wrong'], title: null, axis: { domain: false, ticks: false } },
            },
            layer: [
              { mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2, cornerRadius: 3 }, encoding: { color: { field: 'share', type: 'quantitative', title: 'share of pairs', scale: { scheme: 'teals', domain: [0, 1] }, legend: { format: '.0%', gradientLength: 140 } } } },
              { mark: { type: 'text', fontSize: 11.5, fontWeight: 600 }, encoding: { text: { field: 'count', type: 'quantitative', format: ',d' }, color: { condition: { test: 'datum.share > 0.5', value: '#ffffff' }, value: INK } } },
            ],
          },
        },
        rows,
      ),
    });
  } else out.notes.push('Consistency tables left out: no model in the result.');

  // Base against fine-tune (Med-CMR Figure 4b): the two means per form, joined, with the sign-test p.
  const dumb: Spec[] = [];
  const order: string[] = [];
  for (const p of Object.values(result.paired ?? {})) {
    const { base, tuned } = p;
    for (const [form, label] of [['mcq', 'MCQ'], ['open', 'open']] as const) {
      const t = p[form];
      const b = t.base_mean;
      const u = t.tuned_mean;
      if (b === null || u === null) continue;
      const row = `${label}: ${base} → ${tuned}`;
      order.push(row);
      const pText = `sign p ${fmt(t.sign_test_p, 'p')} · Wilcoxon p ${fmt(t.wilcoxon_p, 'p')}`;
      dumb.push({ row, who: 'base', value: b, lo: Math.min(b, u), hi: Math.max(b, u), p: pText, end: Math.max(b, u) }, { row, who: 'fine-tune', value: u, lo: Math.min(b, u), hi: Math.max(b, u), p: pText, end: Math.max(b, u) });
    }
  }
  if (dumb.length > 0) {
    const y = { field: 'row', type: 'nominal', sort: order, title: null, axis: nameAxis(420) };
    out.charts.push({
      id: `${stage}-paired`,
      title: 'Base model against its medical fine-tune',
      caption: 'Share of items answered right by the base model and by its fine-tune, per form (as in Med-CMR Figure 4b), with the paired sign-test and Wilcoxon p-values.',
      spec: top(
        {
          width: 360,
          height: Math.max(60, 34 * order.length),
          layer: [
            { transform: [{ filter: "datum.who === 'base'" }], mark: { type: 'rule', color: '#b9bfcc', strokeWidth: 3 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
            { mark: { type: 'point', filled: true, size: 90, opacity: 1 }, encoding: { y, x: { field: 'value', type: 'quantitative', title: 'share right', scale: { domain: [0, 1], nice: false }, axis: { format: '.0%' } }, color: { field: 'who', type: 'nominal', title: null, scale: { domain: ['base', 'fine-tune'], range: PAIR_COLORS } } } },
            { transform: [{ filter: "datum.who === 'base'" }], mark: { type: 'text', align: 'left', dx: 10, fontSize: 10, color: MUTED }, encoding: { y, x: { field: 'end', type: 'quantitative' }, text: { field: 'p' } } },
          ],
        },
        dumb,
      ),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Swap consistency (pairwise judges in both orders): rows[].{set, judge, strategy, stats.{accuracy_mean, positional_agreement}}

function swapCharts(stage: string, result: z.infer<typeof SwapResult>): StageCharts {
  const out: StageCharts = { charts: [], notes: [] };
  const measures = [
    ['accuracy_mean', 'Judge accuracy against gold, mean of both answer orders', 'accuracy'],
    ['positional_agreement', 'Positional agreement: the same verdict in both answer orders', 'agreement'],
  ] as const;
  for (const [key, title, legend] of measures) {
    const cells: HeatCell[] = [];
    const ys: string[] = [];
    const xs: string[] = [];
    for (const r of result.rows) {
      const e = est(r.stats[key]);
      if (!e) continue;
      const y = [r.judge, r.strategy].join(' · ');
      if (!ys.includes(y)) ys.push(y);
      if (!xs.includes(r.set)) xs.push(r.set);
      cells.push({ x: r.set, y, value: e.value, text: (e.value * 100).toFixed(1) });
    }
    if (cells.length === 0) continue;
    out.charts.push({
      id: `${stage}-${key.replace(/_/g, '-')}`,
      title,
      caption: `${legend === 'accuracy' ? 'Share of pairs judged right (%), averaged over the two presentation orders' : 'Share of pairs (%) where swapping the answers did not change the verdict'}, per judge configuration and data set; the tables below give the 95% intervals.`,
      spec: heatmap(cells, { xOrder: xs, yOrder: ys, colorTitle: legend, format: '.0%', domain: [0, 1], xTitle: null }),
    });
  }
  if (out.charts.length === 0) out.notes.push('Swap consistency left out: no `rows` with statistics in the result.');
  return out;
}

// ---------------------------------------------------------------------------------------------

function schemaNote(stage: string, kind: string, err: z.ZodError): StageCharts {
  const i = err.issues[0];
  return { charts: [], notes: [`Charts of stage "${stage}" left out: its result does not match the ${kind} result schema (${i ? `${i.path.map(String).join('.') || 'result'}: ${i.message}` : 'invalid'}).`] };
}

/** A builder over a kind's typed result, and the schema that result is parsed with. */
interface Drawer<S extends z.ZodType> {
  schema: S;
  draw(stage: string, result: z.infer<S>, ctx: ChartContext): StageCharts;
}
const drawer = <S extends z.ZodType>(schema: S, draw: Drawer<S>['draw']): Drawer<S> => ({ schema, draw });

const DRAWERS: Record<string, Drawer<z.ZodType>> = {
  mcq: drawer(McqResult, mcqCharts),
  judge: drawer(JudgeStageResult, judgeCharts),
  agreement: drawer(AgreementResult, (stage, r) => agreementCharts(stage, r)),
  winrate: drawer(WinrateStageResult, (stage, r) => winrateCharts(stage, r)),
  consistency: drawer(ConsistencyResult, (stage, r) => consistencyCharts(stage, r)),
  swap: drawer(SwapResult, (stage, r) => swapCharts(stage, r)),
  // the judge's win ratios are drawn as a win-rate stage's; its swap consistency has its own chart
  pairwise: drawer(PairwiseStageResult, (stage, r) => {
    const wr = winrateCharts(stage, r);
    const sw = pairwiseSwapCharts(stage, r);
    return { charts: [...wr.charts, ...sw.charts], notes: [...wr.notes, ...sw.notes] };
  }),
  tuning: drawer(TuningResult, (stage, r) => tuningCharts(stage, r)),
  corrected: drawer(CorrectedResult, (stage, r) => correctedCharts(stage, r)),
  circular: drawer(CircularChartInput, (stage, r) => {
    const notes: string[] = [];
    return { charts: circularCharts(stage, r, notes), notes };
  }),
};

/**
 * The charts of one stage, from its JSON result: parsed once with its kind's schema, then drawn
 * from the typed result. Unknown kinds, results that are not JSON objects and results that do not
 * match their schema give no chart and a note. A builder that throws is caught and reported as a
 * note, so one odd result cannot take the page down.
 */
export function chartsForStage(kind: string, stage: string, result: unknown, ctx: ChartContext = {}): StageCharts {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return { charts: [], notes: [`No JSON result for stage "${stage}": no charts.`] };
  const d = Object.hasOwn(DRAWERS, kind) ? DRAWERS[kind] : undefined;
  if (!d) return { charts: [], notes: [`No charts for stage kind "${kind}".`] };
  const parsed = parseResult(d.schema, result);
  if (!parsed.success) return schemaNote(stage, kind, parsed.error);
  try {
    return d.draw(stage, parsed.data, ctx);
  } catch (err) {
    return { charts: [], notes: [`Charts of stage "${stage}" left out: drawing them failed (${(err as Error).message}).`] };
  }
}
