import type { Estimate } from '../schema/common.ts';
import type { JudgeSummary } from './summary.ts';
import { criterionScale, type LoadedRubric } from './rubric.ts';
import type { JudgeEstimate } from './rubric-judge.ts';
import { mdText } from '../report/escape-md.ts';

function est(e: Estimate, digits: number): string {
  if (e.value === null) return '–';
  const ci = e.ci_low !== null && e.ci_high !== null ? ` [${e.ci_low.toFixed(digits)}, ${e.ci_high.toFixed(digits)}]` : '';
  return `${e.value.toFixed(digits)}${ci}`;
}

/** Names (models, rubric titles) are data: written as inert Markdown text. */
const esc = mdText;

/**
 * The judge section of a report: one row per model with its aggregated score and per-criterion
 * means (95% item-bootstrap intervals), the counts by status, and what the run spent.
 */
export function renderJudgeMarkdown(summary: JudgeSummary, lr: LoadedRubric): string {
  const r = lr.rubric;
  const lines: string[] = [];
  lines.push(`## Rubric judge: ${esc(r.title ?? r.id)} (${r.id} v${r.version})`, '');
  const agg = r.aggregation;
  if (agg.method === 'weighted_mean') {
    const w = r.criteria.map((c) => `${c.key} ${c.weight}`).join(', ');
    lines.push(`Score: weighted mean of the criteria (weights ${w}), each mapped from its raw scale to [0, 1], normalised to ${agg.normalise.min}–${agg.normalise.max}; mean over the items judged ok, with 95% item-bootstrap intervals.`, '');
  } else {
    lines.push(`Criteria are reported apart (no total), as raw means with 95% item-bootstrap intervals.${r.gates.length ? ` Gates: ${r.gates.map((g) => `${g.target} capped by ${g.by}`).join('; ')}.` : ''}`, '');
  }
  const crit = r.criteria.map((c) => {
    const s = criterionScale(r, c);
    return `${c.key} (${s.min}–${s.max})`;
  });
  const statuses = Object.keys(summary.by_status).sort();
  const head = ['Model', 'n', ...(agg.method === 'weighted_mean' ? ['Score'] : []), ...crit, ...statuses];
  lines.push(`| ${head.map(esc).join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const [model, m] of Object.entries(summary.models)) {
    const row = [
      esc(model),
      String(m.n),
      ...(agg.method === 'weighted_mean' ? [est(m.score, 1)] : []),
      ...r.criteria.map((c) => est(m.criteria[c.key] ?? { value: null, ci_low: null, ci_high: null }, 2)),
      ...statuses.map((s) => String(m.by_status[s] ?? 0)),
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push('');
  const failed = summary.n - (summary.by_status.ok ?? 0);
  lines.push(
    `${summary.n} judgments: ${statuses.map((s) => `${summary.by_status[s]} ${s}`).join(', ')}.${failed ? ' Judgments that are not ok are counted here and left out of every score.' : ''}`,
  );
  lines.push(`Judge spend: ${summary.requests} requests, ${summary.tokens.input} input and ${summary.tokens.output} output tokens, $${summary.cost_usd.toFixed(4)}.`, '');
  return lines.join('\n');
}

/** The dry-run estimate as a few lines for people (nothing has been sent when this is shown). */
export function renderJudgeEstimate(est: JudgeEstimate): string {
  return [
    `dry run (nothing sent): ${est.judgments} judgments, ${est.calls} calls${est.cached ? ` (${est.cached} more already cached)` : ''}${est.invalid_input ? `, ${est.invalid_input} without the inputs they need` : ''}${est.batch ? ', through the Batch API' : ''}`,
    `estimated tokens: ${est.tokens.input} input, ${est.tokens.output} output (input ≈ characters / 4; output = expected output tokens, else max tokens, per call)`,
    `estimated cost: $${est.cost_usd.toFixed(4)}`,
  ].join('\n');
}
