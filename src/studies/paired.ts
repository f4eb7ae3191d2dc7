/**
 * Paired model comparisons: a base model against its fine-tune on the same units (Med-CMR Fig. 4b:
 * medical fine-tunes lose to their bases on MCQ, sign/Wilcoxon p < 0.001, but not on open-ended
 * questions, p ≈ 0.45). Every comparison is a sign test and a Wilcoxon signed-rank test of
 * tuned − base over paired units, with the means and effect sizes; a unit is
 *
 * - an item (pair id): the 0/1 correctness in one form, or the open-ended score when the pairs
 *   file holds scores. For 0/1 outcomes the differences are −1, 0, +1: the sign test is then the
 *   exact McNemar test of the two models, and the Wilcoxon test (zeros dropped, all |d| tied) its
 *   normal approximation;
 * - a task (the optional `task` column): the model's mean over the task's items both models have;
 * - a rubric dimension (the optional `dim_<name>` columns): the model's mean dimension score over
 *   the items both models have;
 * - pooled: every requested base/tuned pair × task (or × nothing, when there is no task column),
 *   which is how a claim about "medical fine-tunes" in general is tested.
 *
 * Each form uses the items on which both models have a value in that form, so an item missing
 * its open-ended result still counts for the MCQ comparison.
 */
import { signTest, wilcoxonSignedRank } from '../stats/tests.ts';
import type { z } from 'zod';
import type * as R from '../schema/results/consistency.ts';

/** A pairs-file row after parsing and cutting at the threshold (see studies/consistency.ts). */
export interface ResolvedRow {
  pair_id: string;
  model: string;
  /** 1 right, 0 wrong, null missing. */
  mcq: number | null;
  /** Open-ended correctness after the threshold: 1, 0 or null (missing). */
  open: number | null;
  /** The open-ended score before the cut, when the file holds scores; else null. */
  open_score: number | null;
  task?: string;
  /** Per-rubric-dimension scores of the open-ended answer (`dim_<name>` columns); null = missing. */
  dimensions?: Record<string, number | null>;
}

export type PairedTest = z.infer<typeof R.PairedTest>;

function mean(xs: number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Sign test and Wilcoxon signed-rank test of tuned − base over paired units. `diffs`, when given,
 * are the unit differences to test (the means stay those of `base` and `tuned`): a unit mean's
 * difference is better taken as the mean of the item differences, which is exact for integer
 * scores, so that two units with the same summed difference tie exactly, as they do in
 * arithmetic (a difference of two rounded means may not).
 */
export function comparePaired(base: number[], tuned: number[], unit: string, labels?: string[], diffs?: number[]): PairedTest {
  if (base.length !== tuned.length) throw new RangeError(`comparePaired: ${base.length} base values and ${tuned.length} tuned values`);
  if (diffs && diffs.length !== base.length) throw new RangeError(`comparePaired: ${diffs.length} differences for ${base.length} units`);
  const x = diffs ?? tuned;
  const y = diffs ? new Array<number>(diffs.length).fill(0) : base;
  const s = signTest(x, y);
  const w = wilcoxonSignedRank(x, y, { zeroMethod: 'wilcox', method: 'auto' });
  const bm = mean(base);
  const tm = mean(tuned);
  const out: PairedTest = {
    unit,
    n: base.length,
    base_mean: bm,
    tuned_mean: tm,
    mean_difference: bm === null || tm === null ? null : tm - bm,
    tuned_better: s.positive,
    base_better: s.negative,
    ties: s.ties,
    sign_test_p: s.p_value,
    wilcoxon_p: w.p_value,
    wilcoxon_statistic: w.statistic,
    wilcoxon_z: w.z,
    wilcoxon_method: w.method,
    effect_size_r: w.effect_size_r,
    rank_biserial: w.rank_biserial,
  };
  if (labels) out.units = labels;
  return out;
}

type Pick = (r: ResolvedRow) => number | null;

const PICK_MCQ: Pick = (r) => r.mcq;
const PICK_OPEN: Pick = (r) => r.open;
const PICK_SCORE: Pick = (r) => r.open_score;

/** The (base, tuned) values of the pair ids both models have in one form, in pair order. */
function aligned(base: Map<string, ResolvedRow>, tuned: Map<string, ResolvedRow>, pick: Pick): { ids: string[]; b: number[]; t: number[]; rowsB: ResolvedRow[] } {
  const ids: string[] = [];
  const b: number[] = [];
  const t: number[] = [];
  const rowsB: ResolvedRow[] = [];
  for (const [id, rb] of base) {
    const rt = tuned.get(id);
    if (!rt) continue;
    const vb = pick(rb);
    const vt = pick(rt);
    if (vb === null || vt === null) continue;
    ids.push(id);
    b.push(vb);
    t.push(vt);
    rowsB.push(rb);
  }
  return { ids, b, t, rowsB };
}

/** Mean of the item differences t − b: exact for integer-valued scores (see comparePaired). */
function meanDiff(b: number[], t: number[]): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += t[i]! - b[i]!;
  return s / b.length;
}

/** Per-task means of both models over the items both have, in task order. */
function byTask(base: Map<string, ResolvedRow>, tuned: Map<string, ResolvedRow>, pick: Pick): { tasks: string[]; b: number[]; t: number[]; d: number[] } | null {
  const al = aligned(base, tuned, pick);
  const groups = new Map<string, { b: number[]; t: number[] }>();
  al.rowsB.forEach((r, i) => {
    if (r.task === undefined) return;
    const g = groups.get(r.task) ?? { b: [], t: [] };
    g.b.push(al.b[i]!);
    g.t.push(al.t[i]!);
    groups.set(r.task, g);
  });
  if (groups.size === 0) return null;
  const tasks = [...groups.keys()].sort();
  return {
    tasks,
    b: tasks.map((k) => mean(groups.get(k)!.b)!),
    t: tasks.map((k) => mean(groups.get(k)!.t)!),
    d: tasks.map((k) => meanDiff(groups.get(k)!.b, groups.get(k)!.t)),
  };
}

export type ModelPairComparison = z.infer<typeof R.ModelPairComparison>;

/** Index rows of one model by pair id. */
export function rowsOf(rows: ResolvedRow[], model: string): Map<string, ResolvedRow> {
  const m = new Map<string, ResolvedRow>();
  for (const r of rows) if (r.model === model) m.set(r.pair_id, r);
  return m;
}

/** Every paired comparison of one base model and its fine-tune. */
export function compareModels(rows: ResolvedRow[], base: string, tuned: string): ModelPairComparison {
  const B = rowsOf(rows, base);
  const T = rowsOf(rows, tuned);
  const item = (pick: Pick): PairedTest => {
    const a = aligned(B, T, pick);
    return comparePaired(a.b, a.t, 'item');
  };
  const hasScores = rows.some((r) => r.open_score !== null);
  const hasTasks = rows.some((r) => r.task !== undefined);
  const task = (pick: Pick): PairedTest => {
    const g = byTask(B, T, pick);
    return g ? comparePaired(g.b, g.t, 'task', g.tasks, g.d) : comparePaired([], [], 'task', []);
  };

  let byDimension: PairedTest | null = null;
  const dims = [...new Set(rows.flatMap((r) => Object.keys(r.dimensions ?? {})))].sort();
  if (dims.length > 0) {
    const b: number[] = [];
    const t: number[] = [];
    const diff: number[] = [];
    const used: string[] = [];
    for (const d of dims) {
      const pick: Pick = (r) => r.dimensions?.[d] ?? null;
      const a = aligned(B, T, pick);
      if (a.ids.length === 0) continue;
      used.push(d);
      b.push(mean(a.b)!);
      t.push(mean(a.t)!);
      diff.push(meanDiff(a.b, a.t));
    }
    byDimension = comparePaired(b, t, 'dimension', used, diff);
  }
  return {
    base,
    tuned,
    mcq: item(PICK_MCQ),
    open: item(PICK_OPEN),
    open_score: hasScores ? item(PICK_SCORE) : null,
    by_task: hasTasks ? { mcq: task(PICK_MCQ), open: task(PICK_OPEN), open_score: hasScores ? task(PICK_SCORE) : null } : null,
    by_dimension: byDimension,
  };
}

export type PooledComparison = z.infer<typeof R.PooledComparison>;

/**
 * Pools several base/fine-tune pairs: one unit per pair × task (each model's mean over the task's
 * items both have), or one per pair when there is no task column.
 */
export function comparePooled(rows: ResolvedRow[], pairs: [string, string][]): PooledComparison {
  const hasTasks = rows.some((r) => r.task !== undefined);
  const hasScores = rows.some((r) => r.open_score !== null);
  const pool = (pick: Pick): PairedTest => {
    const b: number[] = [];
    const t: number[] = [];
    const diff: number[] = [];
    const labels: string[] = [];
    for (const [base, tuned] of pairs) {
      const B = rowsOf(rows, base);
      const T = rowsOf(rows, tuned);
      if (hasTasks) {
        const g = byTask(B, T, pick);
        if (!g) continue;
        g.tasks.forEach((task, i) => {
          labels.push(`${base}:${tuned}/${task}`);
          b.push(g.b[i]!);
          t.push(g.t[i]!);
          diff.push(g.d[i]!);
        });
      } else {
        const a = aligned(B, T, pick);
        if (a.ids.length === 0) continue;
        labels.push(`${base}:${tuned}`);
        b.push(mean(a.b)!);
        t.push(mean(a.t)!);
        diff.push(meanDiff(a.b, a.t));
      }
    }
    return comparePaired(b, t, hasTasks ? 'pair×task' : 'pair', labels, diff);
  };
  return {
    pairs: pairs.map(([b, t]) => `${b}:${t}`),
    mcq: pool(PICK_MCQ),
    open: pool(PICK_OPEN),
    open_score: hasScores ? pool(PICK_SCORE) : null,
  };
}
