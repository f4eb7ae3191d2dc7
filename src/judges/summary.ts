import { bootstrapItems } from '../stats/bootstrap.ts';
import type { Estimate } from '../schema/common.ts';
import type { Judgment } from '../schema/records.ts';
import type { LoadedRubric } from './rubric.ts';
import type { z } from 'zod';
import type * as R from '../schema/results/judge.ts';
import { nameMap } from '../io/name-map.ts';

export type ModelSummary = z.infer<typeof R.ModelSummary>;

/** The judge result contract (`judgekit judge --json`, the pipeline's judge stage). */
export type JudgeSummary = z.infer<typeof R.JudgeSummary>;

function count(by: Record<string, number>, k: string): void {
  by[k] = (by[k] ?? 0) + 1;
}

/** Mean with an item-bootstrap 95% percentile interval; all null when there are no values. */
export function meanEstimate(values: readonly number[], seed: number, resamples: number): Estimate {
  if (values.length === 0) return { value: null, ci_low: null, ci_high: null };
  const xs = Float64Array.from(values);
  return bootstrapItems(
    xs.length,
    (idx) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += xs[idx[i]!]!;
      return s / idx.length;
    },
    { seed, resamples, level: 0.95 },
  );
}

/**
 * Per model: counts by status, and the mean score and mean per-criterion raw scores over the
 * judgments with status ok, each with a seeded item-bootstrap 95% percentile interval
 * (`bootstrapItems`, resampling that model's ok items). Failures are counted, never scored: a
 * model with many refusals is reported with a small ok count, not a low score. With no ok
 * judgment, the estimates are null. `requests`, `tokens` and `cost_usd` add up the judgments that
 * were not served from the cache (runJudge replaces them with the exact spend of the run).
 */
export function summariseJudgments(judgments: readonly Judgment[], lr: LoadedRubric, opts: { seed: number; resamples: number; taskOf?: (itemId: string) => string | undefined }): JudgeSummary {
  const by_status: Record<string, number> = nameMap();
  const perModel = new Map<string, Judgment[]>();
  let requests = 0;
  const tokens = { input: 0, output: 0 };
  let cost = 0;
  for (const j of judgments) {
    count(by_status, j.status);
    let list = perModel.get(j.model);
    if (!list) perModel.set(j.model, (list = []));
    list.push(j);
    if (!j.cached) {
      requests += j.requests;
      tokens.input += j.tokens.input;
      tokens.output += j.tokens.output;
      cost += j.cost_usd;
    }
  }
  const models: Record<string, ModelSummary> = nameMap();
  for (const [model, list] of [...perModel].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const ms: Record<string, number> = nameMap();
    for (const j of list) count(ms, j.status);
    const ok = list.filter((j): j is Extract<Judgment, { status: 'ok' }> => j.status === 'ok');
    const scores = ok.map((j) => j.score).filter((s): s is number => s !== null);
    const criteria: Record<string, Estimate> = nameMap();
    for (const c of lr.rubric.criteria) {
      criteria[c.key] = meanEstimate(ok.map((j) => j.scores[c.key]).filter((v): v is number => v !== undefined), opts.seed, opts.resamples);
    }
    // The Med-CMR main table gives the open-ended score per task, each with its interval.
    const byTask = new Map<string, number[]>();
    if (opts.taskOf && lr.rubric.aggregation.method !== 'separate') {
      for (const j of ok) {
        const t = opts.taskOf(j.item_id);
        if (t === undefined || j.score === null) continue;
        let xs = byTask.get(t);
        if (!xs) byTask.set(t, (xs = []));
        xs.push(j.score);
      }
    }
    models[model] = {
      n: list.length,
      by_status: ms,
      score: lr.rubric.aggregation.method === 'separate' ? { value: null, ci_low: null, ci_high: null } : meanEstimate(scores, opts.seed, opts.resamples),
      criteria,
      ...(byTask.size ? { by_task: byTaskSummary(byTask, opts) } : {}),
    };
  }
  return { n: judgments.length, by_status, models, requests, tokens, cost_usd: cost };
}

/** The open-ended score per task, tasks in name order (a name map: a task may be called anything). */
function byTaskSummary(byTask: Map<string, number[]>, opts: { seed: number; resamples: number }): Record<string, { n: number; score: Estimate }> {
  const out: Record<string, { n: number; score: Estimate }> = nameMap();
  for (const [t, xs] of [...byTask].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[t] = { n: xs.length, score: meanEstimate(xs, opts.seed, opts.resamples) };
  return out;
}
