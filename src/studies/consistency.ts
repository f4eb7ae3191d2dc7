/**
 * MCQ ↔ open-ended consistency: for each model, the 2 × 2 table of "right in MCQ form" × "right in
 * open-ended form" over the question pairs it answered in both forms, with agreement, φ, Cohen's κ
 * and McNemar's exact and mid-p tests, and the discordant pairs listed by kind:
 *
 * - `mcq_only`: right as an MCQ, wrong open-ended: the options helped (option leakage, elimination)
 *   or the letter was a lucky guess;
 * - `open_only`: right open-ended, wrong as an MCQ: a distractor drew the model away, or the letter
 *   was misread (an extraction problem).
 *
 * Input: one row per (pair id, model): `pair_id, model, mcq_correct, open_correct`, optionally
 * `task` (a grouping, e.g. the Med-CMR dimension) and `dim_<name>` columns (per-rubric-dimension
 * scores of the open-ended answer). `mcq_correct` is 0/1/true/false. `open_correct` is 0/1/true/
 * false, or a score (e.g. the 0–100 ground-truth-correctness score of the Med-CMR judge) that is
 * cut at the threshold: right iff score ≥ T. There is deliberately no silent default for T: a file
 * with scores and no threshold is an error. For the Med-CMR 0–100 ground-truth-correctness score
 * the documented choice is T = 50 (`RECOMMENDED_THRESHOLD`, the middle of the scale: on a 0–4 raw
 * scale, 2 of 4 or better). An empty cell is missing: the pair is left out for that model and
 * counted in `excluded`, never scored as wrong.
 */
import { InputError } from '../io/errors.ts';
import { RECOMMENDED_THRESHOLD } from './defaults.ts';
import { readRows } from '../io/rows.ts';
import { bootstrapItems } from '../stats/bootstrap.ts';
import { cohenKappa, kappaFromConfusion } from '../stats/kappa.ts';
import { mcnemar } from '../stats/tests.ts';
import { compareModels, comparePooled, type ModelPairComparison, type PooledComparison, type ResolvedRow } from './paired.ts';
import type { z } from 'zod';
import type * as R from '../schema/results/consistency.ts';
import type { Estimate } from '../schema/common.ts';

export { RECOMMENDED_THRESHOLD };

/** One row of a pairs file as read (before the threshold). */
export interface ConsistencyRow {
  pair_id: string;
  model: string;
  mcq_correct: boolean | null;
  /** A boolean (true/false cells), a number (0/1 or a score), or null when the cell is empty. */
  open_correct: boolean | number | null;
  task?: string;
  dimensions?: Record<string, number | null>;
  /** Where the row came from, for error messages. */
  line?: number;
}

export interface ConsistencyColumns {
  pair_id?: string;
  model?: string;
  mcq?: string;
  open?: string;
  task?: string;
  /** Prefix of per-dimension open-ended score columns (default `dim_`). */
  dimension_prefix?: string;
}

export interface ReadPairsOptions {
  /** When given, checked here so that the error names the file and line of the first score. */
  threshold?: number;
  columns?: ConsistencyColumns;
}

const TRUE = new Set(['1', 'true']);
const FALSE = new Set(['0', 'false']);
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function cell(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const s = typeof v === 'string' ? v.trim() : String(v);
  return s === '' ? null : s;
}

function parseBool(v: unknown, file: string, line: number, field: string): boolean | null {
  if (typeof v === 'boolean') return v;
  const s = cell(v);
  if (s === null) return null;
  const l = s.toLowerCase();
  if (TRUE.has(l)) return true;
  if (FALSE.has(l)) return false;
  throw new InputError(`expected 0, 1, true or false (or an empty cell for missing), not "${s}"`, { file, line, field });
}

function parseOpen(v: unknown, file: string, line: number, field: string): boolean | number | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InputError(`expected a finite number, not ${v}`, { file, line, field });
    return v;
  }
  const s = cell(v);
  if (s === null) return null;
  const l = s.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  if (NUMERIC.test(s)) return Number(s);
  throw new InputError(`expected 0, 1, true, false or a numeric score (or an empty cell for missing), not "${s}"`, { file, line, field });
}

function parseScore(v: unknown, file: string, line: number, field: string): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const s = cell(v);
  if (s === null) return null;
  if (NUMERIC.test(s)) return Number(s);
  throw new InputError(`expected a numeric score (or an empty cell for missing), not "${s}"`, { file, line, field });
}

const isScore = (v: boolean | number | null): v is number => typeof v === 'number' && v !== 0 && v !== 1;

/**
 * Reads a pairs file (CSV, TSV, JSONL or JSON array), one row per (pair id, model). Errors name
 * the file, the line and the field: a missing column, an unreadable cell, the same pair and model
 * twice, booleans mixed with scores, or scores without a threshold (when `opts.threshold` is
 * checked here, i.e. always from the CLI).
 */
export async function readConsistencyPairs(file: string, opts: ReadPairsOptions & { requireThreshold?: boolean } = {}): Promise<ConsistencyRow[]> {
  const c = {
    pair_id: opts.columns?.pair_id ?? 'pair_id',
    model: opts.columns?.model ?? 'model',
    mcq: opts.columns?.mcq ?? 'mcq_correct',
    open: opts.columns?.open ?? 'open_correct',
    task: opts.columns?.task ?? 'task',
    prefix: opts.columns?.dimension_prefix ?? 'dim_',
  };
  const out: ConsistencyRow[] = [];
  const seen = new Map<string, number>();
  let first = true;
  let dimCols: string[] = [];
  let firstBool: number | null = null;
  let firstScore: { line: number; value: number } | null = null;
  for await (const row of readRows(file)) {
    const v = row.value;
    if (first) {
      for (const col of [c.pair_id, c.model, c.mcq, c.open]) {
        if (!(col in v)) throw new InputError(`missing column "${col}" (a pairs file needs ${c.pair_id}, ${c.model}, ${c.mcq}, ${c.open})`, { file, line: 1, field: col });
      }
      dimCols = Object.keys(v).filter((k) => k.startsWith(c.prefix) && k.length > c.prefix.length);
      first = false;
    }
    const pairId = cell(v[c.pair_id]);
    if (pairId === null) throw new InputError('empty pair id', { file, line: row.line, field: c.pair_id });
    const model = cell(v[c.model]);
    if (model === null) throw new InputError('empty model name', { file, line: row.line, field: c.model });
    const key = `${model}\u0000${pairId}`;
    const prev = seen.get(key);
    if (prev !== undefined) throw new InputError(`model "${model}" has pair "${pairId}" twice (first at line ${prev})`, { file, line: row.line, field: c.pair_id });
    seen.set(key, row.line);
    const open = parseOpen(v[c.open], file, row.line, c.open);
    if (typeof open === 'boolean' && firstBool === null) firstBool = row.line;
    if (isScore(open) && firstScore === null) firstScore = { line: row.line, value: open };
    if (firstBool !== null && firstScore !== null) {
      throw new InputError(
        `mixes true/false (line ${firstBool}) with scores (line ${firstScore.line}); use one form for the whole file`,
        { file, line: Math.max(firstBool, firstScore.line), field: c.open },
      );
    }
    const r: ConsistencyRow = { pair_id: pairId, model, mcq_correct: parseBool(v[c.mcq], file, row.line, c.mcq), open_correct: open, line: row.line };
    const task = cell(v[c.task]);
    if (task !== null) r.task = task;
    if (dimCols.length > 0) {
      r.dimensions = {};
      for (const d of dimCols) r.dimensions[d.slice(c.prefix.length)] = parseScore(v[d], file, row.line, d);
    }
    out.push(r);
  }
  if (out.length === 0) throw new InputError('no rows in pairs file', { file });
  if (firstScore !== null && opts.threshold === undefined && opts.requireThreshold !== false) {
    throw new InputError(
      `holds a score (${firstScore.value}), not 0/1, so a threshold is needed: give --threshold T (right iff score ≥ T; for the Med-CMR 0–100 ground-truth-correctness score the documented choice is ${RECOMMENDED_THRESHOLD})`,
      { file, line: firstScore.line, field: c.open },
    );
  }
  return out;
}

export interface ConsistencyOptions {
  /** Cut for open-ended scores: right iff score ≥ threshold. Required when the rows hold scores. */
  threshold?: number;
  /** Base/fine-tune model pairs to compare. */
  paired?: [string, string][];
  /** Bootstrap resamples for the intervals (0 or absent: none). */
  bootstrap?: number;
  seed?: number;
  level?: number;
}

/** The one interval type of every result (schema/common.ts `Estimate`). */
export type IntervalJson = Estimate;

export type ModelConsistency = z.infer<typeof R.ModelConsistency>;

export type ConsistencyResult = z.infer<typeof R.ConsistencyResult>;

/** φ from the 2 × 2 table [[a, b], [c, d]]; null when a margin is 0. */
export function phiFromTable(a: number, b: number, c: number, d: number): number | null {
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const c2 = b + d;
  if (r1 === 0 || r2 === 0 || c1 === 0 || c2 === 0) return null;
  return (a * d - b * c) / Math.sqrt(r1 * r2 * c1 * c2);
}

/** Resolves rows to 0/1 outcomes: decides binary vs score form and applies the threshold. */
export function resolveRows(rows: ConsistencyRow[], threshold?: number): { resolved: ResolvedRow[]; open_form: 'binary' | 'score'; threshold: number | null; warnings: string[] } {
  const warnings: string[] = [];
  const scoreRow = rows.find((r) => isScore(r.open_correct));
  const boolRow = rows.find((r) => typeof r.open_correct === 'boolean');
  if (scoreRow && boolRow) throw new InputError(`open_correct mixes true/false (pair "${boolRow.pair_id}") with scores (pair "${scoreRow.pair_id}")`, { field: 'open_correct' });
  const form: 'binary' | 'score' = scoreRow ? 'score' : 'binary';
  if (form === 'score' && threshold === undefined) {
    throw new InputError(
      `open_correct holds a score (${String(scoreRow!.open_correct)} for pair "${scoreRow!.pair_id}", model "${scoreRow!.model}"), so a threshold is needed (right iff score ≥ T; for the Med-CMR 0–100 score the documented choice is ${RECOMMENDED_THRESHOLD})`,
      { field: 'open_correct', line: scoreRow!.line },
    );
  }
  if (threshold !== undefined && !Number.isFinite(threshold)) throw new InputError(`threshold must be a finite number, not ${threshold}`);
  if (form === 'binary' && threshold !== undefined) {
    warnings.push(`open_correct holds only 0/1 outcomes; the threshold ${threshold} was not applied`);
  }
  const resolved = rows.map((r): ResolvedRow => {
    let open: number | null = null;
    let score: number | null = null;
    if (typeof r.open_correct === 'boolean') open = r.open_correct ? 1 : 0;
    else if (typeof r.open_correct === 'number') {
      if (form === 'score') {
        score = r.open_correct;
        open = r.open_correct >= threshold! ? 1 : 0;
      } else open = r.open_correct;
    }
    const out: ResolvedRow = { pair_id: r.pair_id, model: r.model, mcq: r.mcq_correct === null ? null : r.mcq_correct ? 1 : 0, open, open_score: score };
    if (r.task !== undefined) out.task = r.task;
    if (r.dimensions !== undefined) out.dimensions = r.dimensions;
    return out;
  });
  return { resolved, open_form: form, threshold: form === 'score' ? threshold! : null, warnings };
}

function modelConsistency(model: string, rows: ResolvedRow[], boot: { resamples: number; seed: number; level: number } | null): ModelConsistency {
  let both = 0;
  let mcqOnly = 0;
  let openOnly = 0;
  let neither = 0;
  const excludedIds: string[] = [];
  const mcqOnlyIds: string[] = [];
  const openOnlyIds: string[] = [];
  const m: number[] = [];
  const o: number[] = [];
  for (const r of rows) {
    if (r.mcq === null || r.open === null) {
      excludedIds.push(r.pair_id);
      continue;
    }
    m.push(r.mcq);
    o.push(r.open);
    if (r.mcq && r.open) both++;
    else if (r.mcq) (mcqOnly++, mcqOnlyIds.push(r.pair_id));
    else if (r.open) (openOnly++, openOnlyIds.push(r.pair_id));
    else neither++;
  }
  const n = m.length;
  const mc = mcnemar(mcqOnly, openOnly);
  const out: ModelConsistency = {
    model,
    n,
    both,
    mcq_only: mcqOnly,
    open_only: openOnly,
    neither,
    agreement: n > 0 ? (both + neither) / n : null,
    phi: phiFromTable(both, mcqOnly, openOnly, neither),
    kappa: n > 0 ? cohenKappa(m, o, { categories: [0, 1] }) : null,
    mcnemar_exact_p: mc.exact_p,
    mcnemar_midp: mc.midp,
    mcnemar_chi2: mc.chi2,
    mcnemar_chi2_p: mc.chi2_p,
    mcq_accuracy: n > 0 ? (both + mcqOnly) / n : null,
    open_accuracy: n > 0 ? (both + openOnly) / n : null,
    accuracy_gap: n > 0 ? (mcqOnly - openOnly) / n : null,
    excluded: excludedIds.length,
    excluded_ids: excludedIds,
    mcq_only_ids: mcqOnlyIds,
    open_only_ids: openOnlyIds,
  };
  if (boot && boot.resamples > 0) {
    // One table per resample, then every statistic from it: the same resamples for all five.
    const cell = new Int32Array(n);
    for (let i = 0; i < n; i++) cell[i] = m[i]! * 2 + o[i]!; // 3 both, 2 mcq only, 1 open only, 0 neither
    const counts = new Float64Array(4);
    const table = (idx: Uint32Array): Float64Array => {
      counts.fill(0);
      for (let i = 0; i < idx.length; i++) counts[cell[idx[i]!]!]++;
      return counts;
    };
    const opts = { resamples: boot.resamples, seed: boot.seed, level: boot.level };
    const est = (f: (t: Float64Array, n: number) => number): IntervalJson => bootstrapItems(n, (idx) => f(table(idx), idx.length), opts);
    out.intervals = {
      agreement: est((t, k) => (t[3]! + t[0]!) / k),
      // κ on the 2 × 2 with rows = MCQ (0, 1) and columns = open (0, 1): cells [neither, open_only, mcq_only, both]
      kappa: est((t) => kappaFromConfusion([t[0]!, t[1]!, t[2]!, t[3]!], 2) ?? NaN),
      mcq_accuracy: est((t, k) => (t[3]! + t[2]!) / k),
      open_accuracy: est((t, k) => (t[3]! + t[1]!) / k),
      accuracy_gap: est((t, k) => (t[2]! - t[1]!) / k),
    };
  }
  return out;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The consistency study: per-model 2 × 2 tables and tests, and the requested base/fine-tune
 * comparisons (studies/paired.ts). Model names in `paired` must occur in the rows.
 */
export function runConsistency(rows: ConsistencyRow[], opts: ConsistencyOptions = {}): ConsistencyResult {
  const { resolved, open_form, threshold, warnings } = resolveRows(rows, opts.threshold);
  const models = [...new Set(resolved.map((r) => r.model))].sort(byName);
  const boot = opts.bootstrap && opts.bootstrap > 0 ? { resamples: opts.bootstrap, seed: opts.seed ?? 20260101, level: opts.level ?? 0.95 } : null;
  const result: ConsistencyResult = {
    open_form,
    threshold,
    rows: rows.length,
    pairs: new Set(resolved.map((r) => r.pair_id)).size,
    models: {},
    warnings,
  };
  for (const model of models) {
    result.models[model] = modelConsistency(model, resolved.filter((r) => r.model === model), boot);
  }
  const pairs = opts.paired ?? [];
  if (pairs.length > 0) {
    result.paired = {};
    for (const [base, tuned] of pairs) {
      for (const m of [base, tuned]) {
        if (!models.includes(m)) throw new InputError(`--paired names model "${m}", which has no rows (models: ${models.join(', ')})`, { field: 'paired' });
      }
      if (base === tuned) throw new InputError(`--paired compares "${base}" with itself`, { field: 'paired' });
      result.paired[`${base}:${tuned}`] = compareModels(resolved, base, tuned);
    }
    if (pairs.length > 1) result.paired_pooled = comparePooled(resolved, pairs);
  }
  if (boot) result.bootstrap = boot;
  for (const model of models) {
    const mc = result.models[model]!;
    if (mc.excluded > 0) warnings.push(`${model}: ${mc.excluded} pair(s) left out for an empty cell`);
  }
  return result;
}

/**
 * Splits a BASE:TUNED specification. Model names may themselves hold colons (`qwen2.5vl:7b`), so
 * every split point is tried and the one whose two sides are known models wins.
 */
export function parsePairedSpec(spec: string, models: string[]): [string, string] {
  const known = new Set(models);
  const options: [string, string][] = [];
  for (let i = spec.indexOf(':'); i >= 0; i = spec.indexOf(':', i + 1)) {
    const a = spec.slice(0, i);
    const b = spec.slice(i + 1);
    if (known.has(a) && known.has(b)) options.push([a, b]);
  }
  if (options.length === 1) return options[0]!;
  if (options.length > 1) throw new InputError(`--paired "${spec}" is ambiguous: ${options.map(([a, b]) => `${a} vs ${b}`).join(' or ')}`, { field: 'paired' });
  if (!spec.includes(':')) throw new InputError(`--paired takes BASE:TUNED, not "${spec}"`, { field: 'paired' });
  throw new InputError(`--paired "${spec}" does not name two models of the file (models: ${models.join(', ')})`, { field: 'paired' });
}
