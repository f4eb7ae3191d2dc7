/**
 * Rubric tuning: two or more candidate judge configurations (rubric versions, judge models, prompt
 * templates) compared on the SAME human-labelled items by their agreement with the humans, without
 * reporting on the items the choice was made on.
 *
 * Candidates and humans are raters of one set of ratings (schema/rating.ts; a label file through
 * ratings/labels.ts, a judge's judgments ledger through ratings/judgments.ts), so any judge's output
 * is a candidate. A failed rating is left out and counted per candidate under the value its source
 * recorded (a label file's `garbage`) or its status (one failed rating per criterion of a failed
 * judgment). A rated unit is one (item_id, model, dimension), as in the judge-validation study.
 *
 * Statistics of a candidate against the humans (on a set of units):
 * - `kappa`: nominal, Cohen's κ against the strict human majority (units without one, or with fewer
 *   than 2 human ratings when there are ≥ 2 humans, are left out and counted); ordinal, interval and
 *   ratio, the mean over humans of the quadratic-weighted κ between the candidate and that human, on
 *   the scale of the whole table (a mean of humans is not on the scale, so κ against it is undefined).
 * - `alpha`: Krippendorff's α at the level over the humans plus the candidate.
 * - `spearman`, `pearson` (not nominal): against the mean of the humans (same minimum of humans).
 * - `agreement` (nominal): share of units where the candidate equals the human majority.
 * With a dimension column, each statistic is computed per dimension, and the headline value of a
 * candidate is the mean over dimensions of the per-dimension values (dimensions where it is undefined
 * are skipped): pooling a κ across criteria that measure different things would mix their scales.
 *
 * The split. Items (not units) are split, seeded (`Rng(seed)`, a Fisher–Yates shuffle of the item ids
 * in order of first appearance): `holdout` puts round(n · test_fraction) items (at least 1, at most
 * n − 1) in the test part; `kfold` assigns the shuffled item at position j to fold j mod K. The
 * winner is the candidate with the highest selection statistic on the tuning part (ties: the first
 * listed). Hold-out: every candidate and the differences are reported on the test part only, with the
 * winner's in-sample (tuning-part) value next to its held-out value. K-fold: each fold is held out
 * once; the result counts how often each candidate won, and the pooled held-out agreement is the
 * agreement of the ratings each item got from the winner of the fold that held it out (the honest
 * estimate of "tune, then use the winner"). A candidate's own ratings do not depend on the split, so
 * its pooled held-out agreement over all folds is its agreement on all items.
 *
 * Intervals: percentile bootstrap over the items of the evaluated part (`bootstrapItems`, seeded with
 * the same seed), every statistic and every candidate computed on the SAME resamples, so a difference
 * between two candidates is a paired bootstrap (b − a on each resample). Undefined statistics are
 * null, never NaN; resamples where one is undefined drop out of its interval.
 *
 * Diagnostics (all items; nothing is selected there): each candidate's per-criterion agreement
 * sorted from the lowest (the criteria it cannot verify), the Spearman correlation matrix between
 * its criterion scores over the rated (item, model) pairs (|ρ| ≥ threshold flagged: criteria that
 * say the same thing), and, with a rubric, each model's mean weighted total and rank under the
 * rubric's weights, equal weights and each leave-one-criterion-out weighting, with Kendall τ-b
 * between the rubric-weight ranking and each other ranking (and the humans' ranking under the
 * rubric's weights, from the mean human score of each unit).
 */
import { InputError } from '../io/errors.ts';
import type { Estimate, HumanLabel, Judgment, Rating, Rubric } from '../schema/index.ts';
import { clusterUnits, intervalOf, itemResamples } from '../stats/resample.ts';
import { ClusterSums } from '../stats/cluster-sums.ts';
import { confusionSums, multiRaterSums, positionsOnScale, type TotalsReader } from '../stats/count-agreement.ts';
import { alphaSums, pairTableSums } from '../stats/count-numeric.ts';
import { judgmentRatings } from '../ratings/judgments.ts';
import { labelRatings, ratingsToLabels } from '../ratings/labels.ts';
import { pearson, spearman } from '../stats/correlation.ts';
import { cohenKappa } from '../stats/kappa.ts';
import { krippendorffAlpha } from '../stats/krippendorff.ts';
import type { RatingMatrix } from '../stats/matrix.ts';
import { Rng } from '../stats/random.ts';
import type { Level } from './validation.ts';
import type { z } from 'zod';
import type * as R from '../schema/results/tuning.ts';
import { buildTable, gather, safe, type Table } from './tuning-table.ts';
import { diagnostics } from './tuning-diagnostics.ts';
import { TUNING_STATISTICS } from './defaults.ts';

export { itemResamples };
export { criterionOf } from './tuning-diagnostics.ts';

export type TuningStatistic = 'kappa' | 'alpha' | 'spearman' | 'pearson' | 'agreement';
export { TUNING_STATISTICS };

export type SplitSpec = { method: 'holdout'; test_fraction: number } | { method: 'kfold'; folds: number };

export interface TuningOptions {
  /** Candidate raters (each a judge configuration), in order; the first is the baseline of the differences. */
  candidates: string[];
  humans: string[];
  level: Level;
  split: SplitSpec;
  /** The statistic the winner is chosen by (default: kappa for nominal and ordinal, spearman otherwise). */
  statistic?: TuningStatistic;
  seed: number;
  resamples: number;
  failureValues?: string[];
  /** Enables the weights analysis. Dimensions map to criteria by their last `/`-separated part. */
  rubric?: Rubric;
  /** |ρ| at or above which two criteria are flagged as saying the same thing (default 0.8). */
  correlationThreshold?: number;
  /** Failures counted outside the labels (e.g. failed judgments of a ledger), per candidate and status. */
  extraFailures?: Record<string, Record<string, number>>;
  /**
   * How resamples are computed: `counts` (default) reads every statistic from per-item sums
   * (stats/cluster-sums.ts) when every candidate's tables are small enough to count (else the whole
   * evaluation is generic); `generic` recomputes each statistic on each resample, the reference the
   * counting path is tested against. Both give the same resamples and the same numbers up to
   * floating-point rounding (the tests hold them to 1e-9).
   */
  bootstrapPath?: 'counts' | 'generic';
}

export type StatSet = Record<TuningStatistic, Estimate | null>;

export type CandidateStats = z.infer<typeof R.CandidateStats>;

export type Difference = z.infer<typeof R.Difference>;

export type FoldResult = z.infer<typeof R.FoldResult>;

export type CriterionAgreement = z.infer<typeof R.CriterionAgreement>;

export type CriterionCorrelations = z.infer<typeof R.CriterionCorrelations>;

export type WeightingRanking = z.infer<typeof R.WeightingRanking>;

export type WeightsAnalysis = z.infer<typeof R.WeightsAnalysis>;

export type CandidateDiagnostics = z.infer<typeof R.CandidateDiagnostics>;

export type TuningResult = z.infer<typeof R.TuningResult>;

// -------------------------------------------------------------------------------------------------
// judgments as labels

/**
 * A judgments ledger as long-form label rows of its ok ratings (ratings/judgments.ts), with the
 * failed judgments counted by status. Kept for callers that write label files; the pipeline passes
 * the ratings themselves.
 */
export function judgmentsToLabels(
  judgments: readonly Judgment[],
  opts: { rater: string; dimensionPrefix?: string },
): { labels: HumanLabel[]; failures: Record<string, number>; n_ok: number } {
  const failures: Record<string, number> = {};
  for (const j of judgments) if (j.status !== 'ok') failures[j.status] = (failures[j.status] ?? 0) + 1;
  const ok = judgmentRatings(judgments, { rater: opts.rater, dimensionPrefix: opts.dimensionPrefix ?? '' }).filter((r) => r.status === 'ok');
  return { labels: ratingsToLabels(ok), failures, n_ok: judgments.length - Object.values(failures).reduce((a, b) => a + b, 0) };
}

/** The statistics that apply at a level. */
export function statisticsFor(level: Level): TuningStatistic[] {
  return level === 'nominal' ? ['kappa', 'alpha', 'agreement'] : ['kappa', 'alpha', 'spearman', 'pearson'];
}

function statsOn(t: Table, level: Level, pred: Float64Array, sel: ArrayLike<number>): Record<TuningStatistic, number | null> {
  const p = gather(pred, sel);
  const cons = gather(t.consensus, sel);
  const out: Record<TuningStatistic, number | null> = { kappa: null, alpha: null, spearman: null, pearson: null, agreement: null };
  if (level === 'nominal') {
    out.kappa = safe(() => cohenKappa(cons, p, { categories: t.scale }));
    out.agreement = safe(() => {
      let n = 0;
      let same = 0;
      for (let i = 0; i < p.length; i++) {
        if (Number.isNaN(p[i]!) || Number.isNaN(cons[i]!)) continue;
        n++;
        if (p[i] === cons[i]) same++;
      }
      return n ? same / n : null;
    });
  } else {
    out.kappa = safe(() => {
      let s = 0;
      let k = 0;
      for (const h of t.humans) {
        const v = cohenKappa(gather(h, sel), p, { weights: 'quadratic', categories: t.scale });
        if (v !== null) ((s += v), k++);
      }
      return k ? s / k : null;
    });
    out.spearman = safe(() => spearman(cons, p));
    out.pearson = safe(() => pearson(cons, p));
  }
  out.alpha = safe(() => {
    const m: RatingMatrix = new Array(sel.length);
    for (let i = 0; i < sel.length; i++) {
      const u = sel[i]!;
      const row: (number | null)[] = t.humans.map((h) => (Number.isNaN(h[u]!) ? null : h[u]!));
      row.push(Number.isNaN(pred[u]!) ? null : pred[u]!);
      m[i] = row;
    }
    return krippendorffAlpha(m, level);
  });
  return out;
}

function countUnits(t: Table, pred: Float64Array, sel: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < sel.length; i++) if (!Number.isNaN(pred[sel[i]!]!) && !Number.isNaN(t.consensus[sel[i]!]!)) n++;
  return n;
}

/** The statistics of one candidate on a set of units: per dimension and, with dimensions, their mean. */
interface Scored {
  overall: Record<TuningStatistic, number | null>;
  dims: Record<TuningStatistic, number | null>[];
}

function splitByDim(t: Table, sel: ArrayLike<number>): number[][] {
  const out: number[][] = t.dims.map(() => []);
  for (let i = 0; i < sel.length; i++) {
    const d = t.unitDim[sel[i]!]!;
    if (d >= 0) out[d]!.push(sel[i]!);
  }
  return out;
}

function score(t: Table, level: Level, pred: Float64Array, sel: ArrayLike<number>, byDim?: number[][]): Scored {
  if (t.dims.length === 0) return { overall: statsOn(t, level, pred, sel), dims: [] };
  const parts = byDim ?? splitByDim(t, sel);
  return overDims(parts.map((s) => statsOn(t, level, pred, s)));
}

/** Per-dimension values with their headline: each statistic's mean over the dimensions where it is defined. */
function overDims(dims: Record<TuningStatistic, number | null>[]): Scored {
  const overall = {} as Record<TuningStatistic, number | null>;
  for (const k of TUNING_STATISTICS) {
    const vals = dims.map((d) => d[k]).filter((v): v is number => v !== null);
    overall[k] = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  }
  return { overall, dims };
}

const unitsOf = (t: Table, itemIdx: ArrayLike<number>): Int32Array => clusterUnits(t.clusters, itemIdx);

/**
 * Every candidate's statistics as readers of per-item count tables over the evaluated items
 * (stats/cluster-sums.ts): a resample then costs a count of the items it drew, not a recomputation
 * from the ratings. Null where a statistic of the level has no counting form (the generic path).
 * `score(p, totals)` reads candidate p's statistics from a resample's totals, with the
 * conventions of `score` (undefined: null; the overall value the mean over dimensions).
 */
function countedScores(t: Table, level: Level, preds: Float64Array[], evalItems: number[], applies: TuningStatistic[]): { sums: ClusterSums; score: (p: number, totals: Float64Array) => Scored } | null {
  const k = t.scale.length;
  const sums = new ClusterSums(evalItems.map((i) => t.clusters[i]!));
  const nd = t.dims.length;
  // unit masks: each dimension's units, or all units
  const inSlot = (v: Float64Array, d: number): Float64Array => {
    if (d < 0) return v;
    const out = new Float64Array(v.length).fill(NaN);
    for (let u = 0; u < v.length; u++) if (t.unitDim[u] === d) out[u] = v[u]!;
    return out;
  };
  const onScale = (v: Float64Array): Int32Array => positionsOnScale(v, t.scale)!;
  const slots = nd ? t.dims.map((_, d) => d) : [-1];
  const readers = preds.map((pred) =>
    slots.map((d): Partial<Record<TuningStatistic, TotalsReader>> | null => {
      const p = inSlot(pred, d);
      const humans = t.humans.map((h) => inSlot(h, d));
      if (level === 'nominal') {
        const conf = confusionSums(sums, onScale(inSlot(t.consensus, d)), onScale(p), k);
        const multi = multiRaterSums(sums, [...humans.map(onScale), onScale(p)], k);
        return { kappa: conf.cohenKappa, agreement: conf.percentAgreement, alpha: multi.alphaNominal };
      }
      // the same statistics as statsOn: κ the mean over humans of the quadratic κ on the scale,
      // Spearman and Pearson against the humans' mean, α over the humans and the candidate
      const alpha = alphaSums(sums, [...humans.map(onScale), onScale(p)], t.scale, level);
      const vsCons = pairTableSums(sums, p, inSlot(t.consensus, d));
      const vsHumans = humans.map((h) => pairTableSums(sums, p, h, { scale: t.scale }));
      if (!alpha || !vsCons || vsHumans.some((x) => x === null)) return null;
      const kappas = vsHumans.map((x) => x!.kappaQuadratic);
      return {
        alpha,
        spearman: vsCons.spearman,
        pearson: vsCons.pearson,
        kappa: (tt) => {
          let sum = 0;
          let n = 0;
          for (const r of kappas) {
            const v = r(tt);
            if (v !== null) ((sum += v), n++);
          }
          return n ? sum / n : null;
        },
      };
    }),
  );
  if (readers.some((slotsOf) => slotsOf.some((r) => r === null || !applies.every((key) => r[key] !== undefined)))) return null;
  const read = (slot: Partial<Record<TuningStatistic, TotalsReader>>, totals: Float64Array): Record<TuningStatistic, number | null> => {
    const out: Record<TuningStatistic, number | null> = { kappa: null, alpha: null, spearman: null, pearson: null, agreement: null };
    for (const key of applies) out[key] = safe(() => slot[key]!(totals)); // as statsOn: RangeError or non-finite → null
    return out;
  };
  const score = (pi: number, totals: Float64Array): Scored => {
    const dims = readers[pi]!.map((slot) => read(slot!, totals));
    return nd ? overDims(dims) : { overall: dims[0]!, dims: [] };
  };
  return { sums, score };
}

interface Evaluated {
  stats: CandidateStats[];
  differences: Difference[];
}

/**
 * Every candidate (and the extra "selected" rating vector, when given) on the given items, with
 * intervals from the same item resamples, and the paired differences between candidates.
 */
function evaluate(t: Table, opts: TuningOptions, level: Level, evalItems: number[], extra?: { name: string; pred: Float64Array }): Evaluated {
  const preds = [...opts.candidates.map((c, i) => ({ name: c, pred: t.cand[i]! })), ...(extra ? [extra] : [])];
  const applies = statisticsFor(level);
  const allUnits = unitsOf(t, evalItems);
  const byDimAll = t.dims.length ? splitByDim(t, allUnits) : undefined;
  const points = preds.map((p) => score(t, level, p.pred, allUnits, byDimAll));
  const nd = t.dims.length;
  const B = evalItems.length > 0 && opts.resamples > 0 ? opts.resamples : 0;
  // replicates[p][dim+1][stat][b]: dim index 0 is the overall value
  const repl = preds.map(() => Array.from({ length: nd + 1 }, () => Object.fromEntries(applies.map((k) => [k, new Float64Array(B)])) as Record<TuningStatistic, Float64Array>));
  const record = (pi: number, s: Scored, b: number) => {
    for (const k of applies) {
      repl[pi]![0]![k]![b] = s.overall[k] ?? NaN;
      for (let d = 0; d < nd; d++) repl[pi]![d + 1]![k]![b] = s.dims[d]![k] ?? NaN;
    }
  };
  const counted = opts.bootstrapPath === 'generic' ? null : countedScores(t, level, preds.map((p) => p.pred), evalItems, applies);
  if (counted) {
    // the same resamples (ClusterSums draws what itemResamples draws), read from per-item counts
    counted.sums.bootstrap(B, opts.seed, (totals, b) => {
      if (b >= 0) preds.forEach((_, pi) => record(pi, counted.score(pi, totals), b));
    });
  } else {
    itemResamples(evalItems.length, opts.resamples, opts.seed).forEach((r, b) => {
      const items = new Int32Array(r.length);
      for (let i = 0; i < r.length; i++) items[i] = evalItems[r[i]!]!;
      const sel = unitsOf(t, items);
      const byDim = nd ? splitByDim(t, sel) : undefined;
      preds.forEach((p, pi) => record(pi, score(t, level, p.pred, sel, byDim), b));
    });
  }
  const estimate = (value: number | null, reps: Float64Array): Estimate => intervalOf(value, reps);
  const statSet = (get: (k: TuningStatistic) => Estimate): StatSet =>
    Object.fromEntries(TUNING_STATISTICS.map((k) => [k, applies.includes(k) ? get(k) : null])) as StatSet;
  const stats: CandidateStats[] = preds.map((p, pi) => {
    const cs: CandidateStats = {
      candidate: p.name,
      n_units: countUnits(t, p.pred, allUnits),
      stats: statSet((k) => estimate(points[pi]!.overall[k], repl[pi]![0]![k]!)),
    };
    if (nd) {
      cs.dimensions = Object.fromEntries(
        t.dims.map((d, di) => [d, { n_units: countUnits(t, p.pred, byDimAll![di]!), stats: statSet((k) => estimate(points[pi]!.dims[di]![k], repl[pi]![di + 1]![k]!)) }]),
      );
    }
    return cs;
  });
  const diff = (a: number, b: number, slot: number, k: TuningStatistic, pa: number | null, pb: number | null): Estimate => {
    if (pa === null || pb === null) return { value: null, ci_low: null, ci_high: null };
    const ra = repl[a]![slot]![k]!;
    const rb = repl[b]![slot]![k]!;
    const d = new Float64Array(ra.length);
    for (let i = 0; i < d.length; i++) d[i] = rb[i]! - ra[i]!;
    return estimate(pb - pa, d);
  };
  const differences: Difference[] = [];
  for (let a = 0; a < opts.candidates.length; a++) {
    for (let b = a + 1; b < opts.candidates.length; b++) {
      const df: Difference = {
        a: opts.candidates[a]!,
        b: opts.candidates[b]!,
        stats: statSet((k) => diff(a, b, 0, k, points[a]!.overall[k], points[b]!.overall[k])),
      };
      if (nd) df.dimensions = Object.fromEntries(t.dims.map((dn, di) => [dn, statSet((k) => diff(a, b, di + 1, k, points[a]!.dims[di]![k], points[b]!.dims[di]![k]))]));
      differences.push(df);
    }
  }
  return { stats, differences };
}

function pickWinner(t: Table, opts: TuningOptions, level: Level, statistic: TuningStatistic, items: number[]): { winner: number; values: (number | null)[] } {
  const sel = unitsOf(t, items);
  const byDim = t.dims.length ? splitByDim(t, sel) : undefined;
  const values = opts.candidates.map((_, i) => score(t, level, t.cand[i]!, sel, byDim).overall[statistic]);
  let winner = 0;
  values.forEach((v, i) => {
    const best = values[winner]!;
    if (v !== null && (best === null || v > best)) winner = i;
  });
  return { winner, values };
}

// -------------------------------------------------------------------------------------------------
// split

/** The seeded split of n items (in first-appearance order): the fold (k-fold) or 1 = test / 0 = tune (hold-out) of each. */
export function splitItems(n: number, split: SplitSpec, seed: number): Int32Array {
  const perm = Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(perm);
  const out = new Int32Array(n);
  if (split.method === 'holdout') {
    const nTest = Math.min(n - 1, Math.max(1, Math.round(n * split.test_fraction)));
    for (let j = 0; j < nTest; j++) out[perm[j]!] = 1;
  } else {
    perm.forEach((item, j) => (out[item] = j % split.folds));
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// the study

/** The tuning study: see the module comment. */
export function runTuning(labels: readonly HumanLabel[], opts: TuningOptions): TuningResult {
  return tuningStudy(labelRatings(labels, opts.failureValues ? { failureValues: opts.failureValues } : {}), opts);
}

/** The tuning study over ratings: a failed rating of a candidate is counted under its recorded value or status. */
export function tuningStudy(labels: readonly Rating[], opts: TuningOptions): TuningResult {
  const level = opts.level;
  if (opts.candidates.length === 0) throw new InputError('tuning needs at least one candidate');
  if (opts.humans.length === 0) throw new InputError('tuning needs at least one human rater');
  const dup = opts.candidates.find((c, i) => opts.candidates.indexOf(c) !== i || opts.humans.includes(c));
  if (dup) throw new InputError(`"${dup}" is listed twice among the candidates and humans`);
  const present = new Set(labels.map((l) => l.rater));
  for (const r of [...opts.candidates, ...opts.humans]) {
    if (!present.has(r)) throw new InputError(`no labels of rater "${r}" (raters: ${[...present].sort().join(', ')})`, { field: 'rater' });
  }
  const statistic = opts.statistic ?? (level === 'nominal' || level === 'ordinal' ? 'kappa' : 'spearman');
  if (!statisticsFor(level).includes(statistic)) throw new InputError(`the statistic "${statistic}" does not apply at the ${level} level (use ${statisticsFor(level).join(', ')})`);
  if (opts.split.method === 'holdout' && !(opts.split.test_fraction > 0 && opts.split.test_fraction < 1)) throw new InputError('the test fraction must be strictly between 0 and 1');
  const t = buildTable(labels, opts);
  const n = t.items.length;
  if (opts.split.method === 'kfold' && (opts.split.folds < 2 || opts.split.folds > n)) throw new InputError(`k-fold needs 2 ≤ folds ≤ the number of items (${n})`);
  if (n < 2) throw new InputError('tuning needs at least 2 labelled items to split');
  const assign = splitItems(n, opts.split, opts.seed);
  const notes: string[] = [];
  if (opts.candidates.length === 1) notes.push('one candidate: nothing to choose between; the split and the differences are reported for form only');
  if (t.dims.length) notes.push(`the headline value of a statistic is its mean over the ${t.dims.length} dimensions (each dimension's value is in dimensions)`);
  const idx = (pred: (i: number) => boolean) => Array.from({ length: n }, (_, i) => i).filter(pred);
  const base = {
    level,
    statistic,
    candidates: opts.candidates,
    humans: opts.humans,
    n_items: n,
    n_units: t.unitDim.length,
    dimensions: t.dims,
    failures: t.failures,
    no_majority: t.noMajority.reduce((s, x) => s + x, 0),
    bootstrap: { resamples: opts.resamples, seed: opts.seed, level: 0.95, unit: 'item' as const },
  };
  if (opts.split.method === 'holdout') {
    const tune = idx((i) => assign[i] === 0);
    const test = idx((i) => assign[i] === 1);
    const pick = pickWinner(t, opts, level, statistic, tune);
    const ev = evaluate(t, opts, level, test);
    const winner = opts.candidates[pick.winner]!;
    return {
      ...base,
      split: { method: 'holdout', test_fraction: opts.split.test_fraction, seed: opts.seed, n_tune: tune.length, n_test: test.length },
      winner,
      winner_tune_value: pick.values[pick.winner] ?? null,
      winner_test_value: ev.stats[pick.winner]!.stats[statistic]?.value ?? null,
      evaluation: ev.stats,
      differences: ev.differences,
      diagnostics: diagnostics(t, opts, level, statistic, evaluate(t, opts, level, idx(() => true)).stats),
      notes,
    };
  }
  const K = opts.split.folds;
  const folds: FoldResult[] = [];
  const wins: Record<string, number> = Object.fromEntries(opts.candidates.map((c) => [c, 0]));
  const selected = new Float64Array(t.unitDim.length).fill(NaN);
  for (let f = 0; f < K; f++) {
    const tune = idx((i) => assign[i] !== f);
    const test = idx((i) => assign[i] === f);
    const pick = pickWinner(t, opts, level, statistic, tune);
    const testVals = pickWinner(t, opts, level, statistic, test).values;
    const w = opts.candidates[pick.winner]!;
    wins[w]! += 1;
    for (const u of unitsOf(t, test)) selected[u] = t.cand[pick.winner]![u]!;
    folds.push({
      fold: f,
      n_tune: tune.length,
      n_test: test.length,
      winner: w,
      tune: Object.fromEntries(opts.candidates.map((c, i) => [c, pick.values[i] ?? null])),
      test: Object.fromEntries(opts.candidates.map((c, i) => [c, testVals[i] ?? null])),
    });
  }
  const all = idx(() => true);
  const ev = evaluate(t, opts, level, all, { name: 'selected', pred: selected });
  const evaluation = ev.stats.slice(0, opts.candidates.length);
  // the overall winner: the candidate that won most folds (ties: the first listed)
  let best = 0;
  opts.candidates.forEach((c, i) => {
    if (wins[c]! > wins[opts.candidates[best]!]!) best = i;
  });
  notes.push('k-fold: every item is held out once; a candidate\'s pooled held-out agreement is its agreement on all items, and "selected" is the agreement of each fold\'s winner on the items that fold held out');
  return {
    ...base,
    split: { method: 'kfold', folds: K, seed: opts.seed, n_tune: folds.map((f) => f.n_tune), n_test: folds.map((f) => f.n_test) },
    winner: opts.candidates[best]!,
    winner_tune_value: null,
    winner_test_value: ev.stats[opts.candidates.length]!.stats[statistic]?.value ?? null,
    evaluation,
    differences: ev.differences,
    folds,
    wins,
    selected_pooled: ev.stats[opts.candidates.length]!,
    diagnostics: diagnostics(t, opts, level, statistic, evaluation),
    notes,
  };
}
