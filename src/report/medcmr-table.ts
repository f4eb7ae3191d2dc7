/**
 * The Med-CMR main table: one row per model; MCQ accuracy overall and per task, and the open-ended
 * score (0–100, the rubric judge's aggregate) overall and per task, each with its 95% interval, read
 * from an `mcq` stage's result and a `judge` stage's result (checked against the parts of their
 * schemas it reads; anything else is not a main table).
 */
import { z } from 'zod';
import { escapeHtml } from './html.ts';
import { nameMap } from '../io/name-map.ts';
import { parseResult } from './parse-result.ts';

const Interval = z.object({ value: z.number().nullable(), ci_low: z.number().nullable(), ci_high: z.number().nullable() });
const McqCell = z.object({ n: z.number(), accuracy: z.number().nullable(), ci_low: z.number().nullable(), ci_high: z.number().nullable() });
export const McqForTable = z.object({ models: z.record(z.string(), McqCell.extend({ by_task: z.record(z.string(), McqCell).default({}) })) });
export const JudgeForTable = z.object({
  models: z.record(z.string(), z.object({ score: Interval, by_task: z.record(z.string(), z.object({ n: z.number(), score: Interval })).optional() })),
});

/** The seven Med-CMR task dimensions in the paper's order; other tasks follow, sorted. */
const TASK_ORDER = ['SOD', 'FDD', 'SU', 'TP', 'CR', 'LTG', 'MSI'];

export interface MainTable {
  models: string[];
  tasks: string[];
  /** Per model: MCQ accuracy (%) and open score, overall (`all`) and per task; null where there is none. */
  mcq: Record<string, Record<string, z.infer<typeof Interval> & { n: number }>>;
  open: Record<string, Record<string, z.infer<typeof Interval> & { n: number }>>;
}

export function mainTable(mcqResult: unknown, judgeResult: unknown): MainTable | null {
  const m = parseResult(McqForTable, mcqResult);
  const j = parseResult(JudgeForTable, judgeResult);
  if (!m.success && !j.success) return null;
  const mcq: MainTable['mcq'] = nameMap();
  const open: MainTable['open'] = nameMap();
  const tasks = new Set<string>();
  const pct = (x: number | null): number | null => (x === null ? null : x * 100);
  if (m.success) {
    for (const [model, r] of Object.entries(m.data.models)) {
      mcq[model] = nameMap();
      mcq[model]!.all = { value: pct(r.accuracy), ci_low: pct(r.ci_low), ci_high: pct(r.ci_high), n: r.n };
      for (const [t, c] of Object.entries(r.by_task)) {
        tasks.add(t);
        mcq[model]![t] = { value: pct(c.accuracy), ci_low: pct(c.ci_low), ci_high: pct(c.ci_high), n: c.n };
      }
    }
  }
  if (j.success) {
    for (const [model, r] of Object.entries(j.data.models)) {
      open[model] = nameMap();
      open[model]!.all = { ...r.score, n: NaN };
      for (const [t, c] of Object.entries(r.by_task ?? {})) {
        tasks.add(t);
        open[model]![t] = { ...c.score, n: c.n };
      }
    }
  }
  const order = (t: string): number => (TASK_ORDER.includes(t) ? TASK_ORDER.indexOf(t) : TASK_ORDER.length);
  return {
    models: [...new Set([...Object.keys(mcq), ...Object.keys(open)])].sort(),
    tasks: [...tasks].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0)),
    mcq,
    open,
  };
}

const fmt = (x: number | null): string => (x === null ? '—' : x.toFixed(1));
const cell = (e: { value: number | null; ci_low: number | null; ci_high: number | null } | undefined): string =>
  !e || e.value === null ? '—' : `${fmt(e.value)} <span class="ci">[${fmt(e.ci_low)}, ${fmt(e.ci_high)}]</span>`;

/** The table as HTML (every text escaped). */
export function mainTableHtml(t: MainTable, source: { mcq?: string; judge?: string }): string {
  const head1 = `<tr><th rowspan="2">model</th><th colspan="${t.tasks.length + 1}">MCQ accuracy (%)${source.mcq ? ` · stage <code>${escapeHtml(source.mcq)}</code>` : ''}</th><th colspan="${t.tasks.length + 1}">open-ended score (0–100)${source.judge ? ` · stage <code>${escapeHtml(source.judge)}</code>` : ''}</th></tr>`;
  const sub = ['overall', ...t.tasks].map((x) => `<th>${escapeHtml(x)}</th>`).join('');
  const rows = t.models
    .map((m) => `<tr><th scope="row">${escapeHtml(m)}</th>${['all', ...t.tasks].map((k) => `<td>${cell(t.mcq[m]?.[k])}</td>`).join('')}${['all', ...t.tasks].map((k) => `<td>${cell(t.open[m]?.[k])}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="table-wrap"><table class="main-table"><thead>${head1}<tr>${sub}${sub}</tr></thead><tbody>
${rows}
</tbody></table></div>`;
}
