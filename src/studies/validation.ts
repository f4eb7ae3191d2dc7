/**
 * The agreement and judge-validation study over any long-form label table (`item_id, rater,
 * value` plus `dimension`, `model`, `model_a`, `model_b`). A judge is one more rater.
 *
 * Units and clusters. A rated unit is one (item_id, model, model_a, model_b, dimension): the
 * thing one rating is about. Bootstrap intervals resample ITEMS (item_id) with replacement, so
 * every rater, model and dimension of an item moves together (`bootstrapItems`, seeded). All
 * statistics of a result are computed on the same resamples. `n_items` counts distinct item ids
 * and `n_units` rated units.
 *
 * Levels. `nominal` treats values as unordered categories (strings or numbers); `ordinal`,
 * `interval` and `ratio` need numeric values. What does not apply is `null`, and the reason is in
 * `not_applicable`:
 * - nominal: weighted κ (its weights need an order), Pearson/Spearman/Kendall and the ICC (they
 *   need numbers) are null; the judge is compared with the human majority, alignment for the
 *   alt-test is accuracy.
 * - ordinal/interval/ratio: everything applies; Fleiss' κ, Gwet's AC1 and unweighted κ treat each
 *   distinct value as a category; weighted κ uses the positions of the values on the scale of the
 *   whole table; the judge is compared with the human mean, the alt-test uses RMSE alignment.
 *
 * Failures. A value listed in `failureValues` (default: `garbage` and judgekit's failure statuses)
 * is a rating that failed, not a category: it is excluded from every statistic and counted per
 * rater in `failures`, so nothing is silently scored as a tie or as wrong.
 *
 * Degenerate input gives null, never NaN: a statistic that is undefined on the data (one
 * category, no variance, no pair) is null, and its interval is null when every resample is
 * undefined; resamples where it is undefined drop out of the interval.
 */
import { InputError } from '../io/errors.ts';
import { bootstrapItems, percentileInterval } from '../stats/bootstrap.ts';
import { classificationReport } from '../stats/classification.ts';
import { kendallTauB, pearson, spearman } from '../stats/correlation.ts';
import { fleissKappa } from '../stats/fleiss.ts';
import { gwetAC1 } from '../stats/gwet.ts';
import { icc } from '../stats/icc.ts';
import { cohenKappa, percentAgreement } from '../stats/kappa.ts';
import { krippendorffAlpha } from '../stats/krippendorff.ts';
import { codeCategories, type RatingMatrix } from '../stats/matrix.ts';
import type { Estimate, HumanLabel } from '../schema/index.ts';
import { altTest, type AltTestMetric, type AltTestResult } from './alt-test.ts';
import { nameMap } from '../io/name-map.ts';

export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio';

/** Rating values that mean "this rating failed" unless the caller says otherwise. */
export const DEFAULT_FAILURE_VALUES = ['garbage', 'parse_error', 'refusal', 'api_error', 'truncated', 'invalid_input', 'invalid_answer'];

export interface AgreementOptions {
  level: Level;
  /** The rater that is the judge under validation; every other selected rater is a human. */
  judge?: string;
  /** The alt-test's cost-benefit margin ε (default 0.2, the authors' value for expert annotators). */
  epsilon?: number;
  seed: number;
  /** Bootstrap resamples (0: no intervals). */
  resamples: number;
  /** Raters to keep, in this order (default: all, in order of first appearance). */
  raters?: string[];
  excludeRaters?: string[];
  failureValues?: string[];
  /** Alt-test minimums (the reference code's defaults: 2 humans per item, 30 items per human). */
  altTestMinHumansPerItem?: number;
  altTestMinItemsPerHuman?: number;
  /** Overrides the alt-test alignment (default: accuracy for nominal, rmse otherwise). */
  altTestMetric?: AltTestMetric;
}

export interface PairResult {
  a: string;
  b: string;
  n: number;
  percent_agreement: Estimate;
  cohen_kappa: Estimate;
  weighted_kappa_linear: Estimate | null;
  weighted_kappa_quadratic: Estimate | null;
  pearson: Estimate | null;
  spearman: Estimate | null;
  kendall_tau_b: Estimate | null;
}

/** Judge (or a human) against a reference: a human, or the consensus of humans. */
export interface ComparisonResult {
  n: number;
  /** Raw agreement (nominal: the same as accuracy against the reference). */
  percent_agreement: Estimate;
  /** Null against a numeric mean (κ needs values on the scale). */
  cohen_kappa: Estimate | null;
  accuracy: Estimate | null;
  macro_precision: Estimate | null;
  macro_recall: Estimate | null;
  macro_f1: Estimate | null;
  pearson: Estimate | null;
  spearman: Estimate | null;
  kendall_tau_b: Estimate | null;
  /** Mean absolute difference (numeric levels). */
  mae: Estimate | null;
}

export interface ConsensusResult extends ComparisonResult {
  /** `majority` (nominal: a strict majority of the humans who rated the unit) or `mean`. */
  consensus: 'majority' | 'mean';
  /** Units left out because the humans had no strict majority (nominal only). */
  no_majority: number;
  /** Units left out because fewer than 2 humans rated them (for a consensus of all humans). */
  too_few_humans: number;
  confusion?: { labels: (string | number)[]; matrix: number[][] };
}

export interface CeilingRow {
  human: string;
  /** This human against the consensus of the other humans. */
  human_vs_rest: ComparisonResult;
  /** The judge against the same consensus, on the same units. */
  judge_vs_rest: ComparisonResult;
  no_majority: number;
}

export interface JudgeValidation {
  judge: string;
  humans: string[];
  /** Units the judge rated successfully / units where its rating failed. */
  n_judged: number;
  judge_failures: number;
  vs_humans: ({ human: string } & ComparisonResult)[];
  vs_consensus: ConsensusResult;
  ceiling: {
    per_human: CeilingRow[];
    /** Mean over humans of human-vs-rest and of judge-vs-rest (the headline comparison). */
    mean_human_vs_rest: Record<string, Estimate | null>;
    mean_judge_vs_rest: Record<string, Estimate | null>;
    /** Mean over human pairs, and mean over humans of judge-vs-human. */
    mean_pairwise_human: Record<string, Estimate | null>;
    mean_pairwise_judge_human: Record<string, Estimate | null>;
  };
  alt_test: AltTestResult;
}

export interface SystemRanking {
  models: string[];
  /** The raters in order (the keys of `means` and `ranks`; JSON objects put numeric-looking keys first). */
  raters: string[];
  /** rater → model → mean rating over the rater's ratings of that model. */
  means: Record<string, Record<string, number>>;
  /** rater → model → rank (1 = highest mean; ties share the average rank). */
  ranks: Record<string, Record<string, number>>;
  krippendorff_alpha: { nominal: Estimate; ordinal: Estimate; interval: Estimate };
  /** The same without the judge (when a judge is named). */
  krippendorff_alpha_humans?: { nominal: Estimate; ordinal: Estimate; interval: Estimate };
}

export interface AgreementCore {
  level: Level;
  n_items: number;
  n_units: number;
  n_ratings: number;
  raters: string[];
  /** Nominal: the categories, in code order. Numeric: the distinct values (the scale). */
  categories: (string | number)[];
  failures: Record<string, number>;
  /** Fleiss' observed agreement P̄: the mean over units with ≥ 2 ratings of the share of agreeing rating pairs. */
  percent_agreement: Estimate;
  krippendorff_alpha: Estimate;
  fleiss_kappa: Estimate;
  gwet_ac1: Estimate;
  icc: { icc2_1: Estimate; icc3_1: Estimate; icc2_k: Estimate; icc3_k: Estimate } | null;
  pairs: PairResult[];
  judge_validation?: JudgeValidation | null;
  system_ranking?: SystemRanking | null;
  not_applicable: Record<string, string>;
  notes: string[];
}

export interface AgreementResult extends AgreementCore {
  bootstrap: { resamples: number; seed: number; level: number; unit: 'item' };
  dimensions?: Record<string, AgreementCore>;
}

// -------------------------------------------------------------------------------------------------
// the table

interface Unit {
  item: string;
  model: string | undefined;
  dimension: string | undefined;
}

interface Table {
  units: Unit[];
  raters: string[];
  /** values[r][u]: the numeric value (a category code for nominal), NaN where missing or failed. */
  values: Float64Array[];
  /** Unit indices of each item (the bootstrap clusters). */
  clusters: Int32Array[];
  categories: (string | number)[];
  /** The scale: every distinct value (codes for nominal), ascending. */
  scale: number[];
  failures: Record<string, number>;
  nRatings: number;
}

const unitKey = (l: HumanLabel): string => [l.item_id, l.model ?? '', l.model_a ?? '', l.model_b ?? '', l.dimension ?? ''].join('\u0000');

function buildTable(labels: HumanLabel[], raters: string[], level: Level, failureValues: Set<string>): Table {
  const unitIndex = new Map<string, number>();
  const units: Unit[] = [];
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const failures: Record<string, number> = Object.fromEntries(raters.map((r) => [r, 0]));
  const cells: { u: number; r: number; v: string | number }[] = [];
  for (const l of labels) {
    const r = raterIndex.get(l.rater);
    if (r === undefined) continue;
    const key = unitKey(l);
    let u = unitIndex.get(key);
    if (u === undefined) {
      u = units.length;
      unitIndex.set(key, u);
      const model = l.model ?? (l.model_a !== undefined || l.model_b !== undefined ? `${l.model_a ?? ''} vs ${l.model_b ?? ''}` : undefined);
      units.push({ item: l.item_id, model, dimension: l.dimension });
    }
    if (typeof l.value === 'string' && failureValues.has(l.value)) {
      failures[l.rater]! += 1;
      continue;
    }
    cells.push({ u, r, v: l.value });
  }
  const values = raters.map(() => new Float64Array(units.length).fill(NaN));
  let categories: (string | number)[];
  let scale: number[];
  if (level === 'nominal') {
    const coded = codeCategories(cells.map((c) => c.v));
    categories = coded.categories;
    cells.forEach((c, i) => (values[c.r]![c.u] = coded.codes[i]!));
    scale = categories.map((_, i) => i);
  } else {
    const distinct = new Set<number>();
    for (const c of cells) {
      const v = typeof c.v === 'number' ? c.v : Number.NaN;
      if (!Number.isFinite(v)) {
        throw new InputError(
          `the ${level} level needs numeric values, but rater "${raters[c.r]}" has "${String(c.v)}" on item "${units[c.u]!.item}" (use --level nominal, or list it as a failure value)`,
          { field: 'value' },
        );
      }
      if (level === 'ratio' && v < 0) throw new InputError(`the ratio level needs values ≥ 0, got ${v} on item "${units[c.u]!.item}"`, { field: 'value' });
      values[c.r]![c.u] = v;
      distinct.add(v);
    }
    scale = [...distinct].sort((x, y) => x - y);
    categories = scale;
  }
  // units nobody rated successfully still count as units (their failures are counted), but they carry no data
  const byItem = new Map<string, number[]>();
  units.forEach((u, i) => {
    const list = byItem.get(u.item) ?? [];
    list.push(i);
    byItem.set(u.item, list);
  });
  const clusters = [...byItem.values()].map((l) => Int32Array.from(l));
  return { units, raters, values, clusters, categories, scale, failures, nRatings: cells.length };
}

/** The unit indices of a resample of clusters. */
function expand(table: Table, clusterIdx: Uint32Array): Int32Array {
  let n = 0;
  for (let i = 0; i < clusterIdx.length; i++) n += table.clusters[clusterIdx[i]!]!.length;
  const out = new Int32Array(n);
  let w = 0;
  for (let i = 0; i < clusterIdx.length; i++) {
    const c = table.clusters[clusterIdx[i]!]!;
    out.set(c, w);
    w += c.length;
  }
  return out;
}

function gather(v: Float64Array, sel: Int32Array): Float64Array {
  const out = new Float64Array(sel.length);
  for (let i = 0; i < sel.length; i++) out[i] = v[sel[i]!]!;
  return out;
}

function matrixOf(table: Table, raters: number[], sel: Int32Array): RatingMatrix {
  const m: RatingMatrix = new Array(sel.length);
  for (let i = 0; i < sel.length; i++) {
    const row = new Array<number | null>(raters.length);
    for (let j = 0; j < raters.length; j++) {
      const v = table.values[raters[j]!]![sel[i]!]!;
      row[j] = Number.isNaN(v) ? null : v;
    }
    m[i] = row;
  }
  return m;
}

// -------------------------------------------------------------------------------------------------
// probes: every statistic is a function of the resampled units, computed on the same resamples

type Probe = (sel: Int32Array) => number | null;

class ProbeSet {
  constructor(readonly scale: number[]) {}
  private probes: Probe[] = [];
  private results: Estimate[] = [];
  add(p: Probe): number {
    this.probes.push(p);
    return this.probes.length - 1;
  }
  /** One bootstrap pass for all probes; the point estimate is the first call (all items). */
  run(table: Table, resamples: number, seed: number, level: number): void {
    const k = this.probes.length;
    const reps: Float64Array[] = this.probes.map(() => new Float64Array(resamples));
    const point = new Array<number | null>(k).fill(null);
    let call = -1;
    bootstrapItems(
      table.clusters.length,
      (idx) => {
        const sel = expand(table, idx);
        for (let p = 0; p < k; p++) {
          let v: number | null;
          try {
            v = this.probes[p]!(sel);
          } catch (err) {
            if (err instanceof RangeError) v = null; // a resample outside a statistic's domain
            else throw err;
          }
          if (call < 0) point[p] = v !== null && Number.isFinite(v) ? v : null;
          else reps[p]![call] = v === null ? NaN : v;
        }
        call++;
        return 0;
      },
      { resamples, seed, level },
    );
    this.results = point.map((value, p) => {
      if (value === null || resamples <= 0 || table.clusters.length === 0) return { value, ci_low: null, ci_high: null };
      return { value, ...percentileInterval(reps[p]!, level) };
    });
  }
  get(i: number): Estimate {
    return this.results[i]!;
  }
}

const mean = (xs: (number | null)[]): number | null => {
  const f = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return f.length ? f.reduce((s, x) => s + x, 0) / f.length : null;
};

/** Fleiss' P̄ over the units with ≥ 2 ratings. */
function observedAgreement(table: Table, raters: number[], sel: Int32Array): number | null {
  let sum = 0;
  let n = 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < sel.length; i++) {
    counts.clear();
    let m = 0;
    for (const r of raters) {
      const v = table.values[r]![sel[i]!]!;
      if (Number.isNaN(v)) continue;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      m++;
    }
    if (m < 2) continue;
    let agree = 0;
    for (const c of counts.values()) agree += c * (c - 1);
    sum += agree / (m * (m - 1));
    n++;
  }
  return n ? sum / n : null;
}

function complete(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!) || Number.isNaN(y[i]!)) continue;
    a.push(x[i]!);
    b.push(y[i]!);
  }
  return [Float64Array.from(a), Float64Array.from(b)];
}

function mae(x: Float64Array, y: Float64Array): number | null {
  const [a, b] = complete(x, y);
  if (a.length === 0) return null;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/**
 * The consensus of some humans on each unit: nominal, the strict majority (more than half of the
 * humans who rated the unit; NaN when there is none); numeric, the mean. NaN when fewer than
 * `minHumans` rated the unit. Returns the counts of units without a majority / with too few raters
 * among the units where `need` (if given) has a value.
 */
function consensus(
  table: Table,
  humans: number[],
  nominal: boolean,
  minHumans: number,
  need?: Float64Array,
): { values: Float64Array; noMajority: Uint8Array; tooFew: Uint8Array } {
  const n = table.units.length;
  const values = new Float64Array(n).fill(NaN);
  const noMajority = new Uint8Array(n);
  const tooFew = new Uint8Array(n);
  const counts = new Map<number, number>();
  for (let u = 0; u < n; u++) {
    if (need && Number.isNaN(need[u]!)) continue;
    counts.clear();
    let m = 0;
    let s = 0;
    for (const h of humans) {
      const v = table.values[h]![u]!;
      if (Number.isNaN(v)) continue;
      m++;
      s += v;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    if (m === 0) continue;
    if (m < minHumans) {
      tooFew[u] = 1;
      continue;
    }
    if (!nominal) {
      values[u] = s / m;
      continue;
    }
    let found = false;
    for (const [v, c] of counts) {
      if (2 * c > m) {
        values[u] = v;
        found = true;
      }
    }
    if (!found) noMajority[u] = 1;
  }
  return { values, noMajority, tooFew };
}

const countOf = (flags: Uint8Array): number => flags.reduce((s, f) => s + f, 0);

type StatKey =
  | 'percent_agreement'
  | 'cohen_kappa'
  | 'kappa_linear'
  | 'kappa_quadratic'
  | 'pearson'
  | 'spearman'
  | 'kendall_tau_b'
  | 'mae'
  | 'accuracy'
  | 'macro_precision'
  | 'macro_recall'
  | 'macro_f1';

const SYMMETRIC = new Set<StatKey>(['percent_agreement', 'cohen_kappa', 'kappa_linear', 'kappa_quadratic', 'pearson', 'spearman', 'kendall_tau_b', 'mae']);

/**
 * Two-vector statistics on a resample, memoised per resample: the same comparison appears in the
 * pairs, in the judge's comparisons and in the means of the ceiling, and is computed once.
 */
class PairStats {
  private ids = new Map<Float64Array, number>();
  private onScale = new Map<Float64Array, boolean>();
  private memo = new WeakMap<Int32Array, Map<string, unknown>>();
  constructor(private readonly scale: number[]) {}

  private id(v: Float64Array): number {
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(v, i);
    }
    return i;
  }

  private cached<T>(sel: Int32Array, key: string, f: () => T): T {
    let m = this.memo.get(sel);
    if (!m) {
      m = new Map();
      this.memo.set(sel, m);
    }
    if (m.has(key)) return m.get(key) as T;
    const v = f();
    m.set(key, v);
    return v;
  }

  /** The complete pairs (truth, pred) of a resample. */
  pairs(sel: Int32Array, pred: Float64Array, truth: Float64Array): [Float64Array, Float64Array] {
    return this.cached(sel, `p|${this.id(truth)}|${this.id(pred)}`, () => complete(gather(truth, sel), gather(pred, sel)));
  }

  private report(sel: Int32Array, pred: Float64Array, truth: Float64Array) {
    return this.cached(sel, `r|${this.id(truth)}|${this.id(pred)}`, () => {
      const [t, p] = this.pairs(sel, pred, truth);
      return t.length ? classificationReport(Array.from(t), Array.from(p), this.scale) : null;
    });
  }

  private isOnScale(v: Float64Array): boolean {
    let r = this.onScale.get(v);
    if (r === undefined) {
      r = isOnScale(v, this.scale);
      this.onScale.set(v, r);
    }
    return r;
  }

  get(key: StatKey, sel: Int32Array, pred: Float64Array, truth: Float64Array): number | null {
    let [x, y] = [this.id(truth), this.id(pred)];
    if (SYMMETRIC.has(key) && y < x) [x, y] = [y, x];
    return this.cached(sel, `${key}|${x}|${y}`, () => {
      const [t, p] = this.pairs(sel, pred, truth);
      switch (key) {
        case 'percent_agreement':
          return percentAgreement(t, p);
        case 'cohen_kappa':
        case 'kappa_linear':
        case 'kappa_quadratic':
          // κ against a numeric mean would need the mean on the scale: only between ratings
          if (!this.isOnScale(truth) || !this.isOnScale(pred)) return null;
          return cohenKappa(t, p, { categories: this.scale, weights: key === 'cohen_kappa' ? 'none' : key === 'kappa_linear' ? 'linear' : 'quadratic' });
        case 'pearson':
          return pearson(t, p);
        case 'spearman':
          return spearman(t, p);
        case 'kendall_tau_b':
          return kendallTauB(t, p);
        case 'mae':
          return mae(t, p);
        case 'accuracy':
        case 'macro_precision':
        case 'macro_recall':
        case 'macro_f1':
          return this.report(sel, pred, truth)?.[key] ?? null;
      }
    });
  }
}

/** Adds the probes of one comparison (pred against truth, both unit-aligned). */
function comparisonProbes(
  ps: ProbeSet,
  st: PairStats,
  nominal: boolean,
  pred: Float64Array,
  truth: Float64Array,
): () => ComparisonResult {
  const n = complete(truth, pred)[0].length;
  const add = (key: StatKey, when: boolean) => (when ? ps.add((sel) => st.get(key, sel, pred, truth)) : -1);
  const i = {
    pa: add('percent_agreement', true),
    k: add('cohen_kappa', nominal || isOnScale(truth, ps.scale)),
    acc: add('accuracy', nominal),
    p: add('macro_precision', nominal),
    r: add('macro_recall', nominal),
    f: add('macro_f1', nominal),
    pe: add('pearson', !nominal),
    sp: add('spearman', !nominal),
    kt: add('kendall_tau_b', !nominal),
    mae: add('mae', !nominal),
  };
  const g = (x: number): Estimate | null => (x < 0 ? null : ps.get(x));
  return () => ({
    n,
    percent_agreement: ps.get(i.pa),
    cohen_kappa: g(i.k),
    accuracy: g(i.acc),
    macro_precision: g(i.p),
    macro_recall: g(i.r),
    macro_f1: g(i.f),
    pearson: g(i.pe),
    spearman: g(i.sp),
    kendall_tau_b: g(i.kt),
    mae: g(i.mae),
  });
}

function isOnScale(v: Float64Array, scale: number[]): boolean {
  const s = new Set(scale);
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]!) && !s.has(v[i]!)) return false;
  return true;
}

/** Average ranks, 1 = the highest value (pandas `rank(ascending=False)`, ties averaged). */
export function rankDescending(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * System-level rankings as in Sottana et al. (2023): each rater's mean rating of each model over
 * the units, then the models ranked per rater (1 = best, ties averaged). The matrix has one row
 * per model and one column per rater, ready for Krippendorff's α. Models a rater never rated get
 * no rank (null). Direction does not matter for α: reversing every rater's ranks leaves it unchanged.
 */
export function systemRankMatrix(
  labels: HumanLabel[],
  raters: string[],
): { models: string[]; means: Record<string, Record<string, number>>; ranks: Record<string, Record<string, number>>; matrix: RatingMatrix } {
  const models: string[] = [];
  const sums = new Map<string, { s: number; n: number }>();
  for (const l of labels) {
    if (l.model === undefined || typeof l.value !== 'number' || !raters.includes(l.rater)) continue;
    if (!models.includes(l.model)) models.push(l.model);
    const k = `${l.rater}\u0000${l.model}`;
    const e = sums.get(k) ?? { s: 0, n: 0 };
    e.s += l.value;
    e.n++;
    sums.set(k, e);
  }
  const means: Record<string, Record<string, number>> = nameMap();
  const ranks: Record<string, Record<string, number>> = nameMap();
  const matrix: RatingMatrix = models.map(() => raters.map(() => null));
  raters.forEach((r, j) => {
    means[r] = {};
    ranks[r] = {};
    const rated = models.filter((m) => sums.has(`${r}\u0000${m}`));
    const ms = rated.map((m) => {
      const e = sums.get(`${r}\u0000${m}`)!;
      return e.s / e.n;
    });
    const rk = rankDescending(ms);
    rated.forEach((m, i) => {
      means[r]![m] = ms[i]!;
      ranks[r]![m] = rk[i]!;
      matrix[models.indexOf(m)]![j] = rk[i]!;
    });
  });
  return { models, means, ranks, matrix };
}

// -------------------------------------------------------------------------------------------------
// the study

const NA_NOMINAL = {
  weighted_kappa: 'weighted κ needs ordered values (level nominal)',
  correlations: 'Pearson, Spearman and Kendall need numeric values (level nominal)',
  icc: 'the ICC needs numeric values (level nominal)',
  mae: 'a mean difference needs numeric values (level nominal)',
  system_ranking: 'system rankings need numeric ratings to average (level nominal)',
};

function selectRaters(labels: HumanLabel[], opts: AgreementOptions): string[] {
  const seen: string[] = [];
  const set = new Set<string>();
  for (const l of labels) {
    if (!set.has(l.rater)) {
      set.add(l.rater);
      seen.push(l.rater);
    }
  }
  let raters = opts.raters ?? seen;
  for (const r of raters) if (!set.has(r)) throw new InputError(`rater "${r}" has no labels (raters: ${seen.join(', ')})`, { field: 'rater' });
  if (opts.excludeRaters) raters = raters.filter((r) => !opts.excludeRaters!.includes(r));
  if (opts.judge !== undefined && !raters.includes(opts.judge)) {
    throw new InputError(`judge "${opts.judge}" is not among the raters (${raters.join(', ')})`, { field: 'rater' });
  }
  return raters;
}

/**
 * Agreement among all selected raters, pairwise agreement, and (with `judge`) the validation of
 * the judge against the humans, overall and per dimension. See the module comment.
 */
export function runAgreement(labels: HumanLabel[], opts: AgreementOptions): AgreementResult {
  if (labels.length === 0) throw new InputError('no labels');
  const raters = selectRaters(labels, opts);
  const level = opts.level;
  const failureValues = new Set(opts.failureValues ?? DEFAULT_FAILURE_VALUES);
  const bootLevel = 0.95;
  const core = analyse(labels, raters, level, failureValues, opts, bootLevel);
  const result: AgreementResult = { ...core, bootstrap: { resamples: opts.resamples, seed: opts.seed, level: bootLevel, unit: 'item' } };
  const dims = [...new Set(labels.map((l) => l.dimension).filter((d): d is string => d !== undefined))];
  if (dims.length > 0) {
    result.notes.push(`pooled over ${dims.length} dimension(s): every (item, model, dimension) is one unit; see dimensions for each`);
    result.dimensions = {};
    for (const d of dims) {
      const sub = labels.filter((l) => l.dimension === d);
      const present = raters.filter((r) => sub.some((l) => l.rater === r));
      result.dimensions[d] = analyse(sub, present, level, failureValues, { ...opts, judge: opts.judge !== undefined && present.includes(opts.judge) ? opts.judge : undefined }, bootLevel);
      if (opts.judge !== undefined && !present.includes(opts.judge)) {
        result.dimensions[d]!.judge_validation = null;
        result.dimensions[d]!.notes.push(`the judge "${opts.judge}" has no labels in this dimension`);
      }
    }
    if (dims.length > 0 && labels.some((l) => l.dimension === undefined)) {
      result.notes.push('some labels have no dimension: they count in the pooled statistics only');
    }
  }
  return result;
}

function analyse(
  labels: HumanLabel[],
  raters: string[],
  level: Level,
  failureValues: Set<string>,
  opts: AgreementOptions,
  bootLevel: number,
): AgreementCore {
  const table = buildTable(labels, raters, level, failureValues);
  const nominal = level === 'nominal';
  const all = raters.map((_, i) => i);
  const ps = new ProbeSet(table.scale);
  const st = new PairStats(table.scale);
  const notApplicable: Record<string, string> = {};
  const notes: string[] = [];
  if (nominal) {
    notApplicable.weighted_kappa_linear = NA_NOMINAL.weighted_kappa;
    notApplicable.weighted_kappa_quadratic = NA_NOMINAL.weighted_kappa;
    notApplicable.pearson = NA_NOMINAL.correlations;
    notApplicable.spearman = NA_NOMINAL.correlations;
    notApplicable.kendall_tau_b = NA_NOMINAL.correlations;
    notApplicable.icc = NA_NOMINAL.icc;
    notApplicable.mae = NA_NOMINAL.mae;
  } else {
    notApplicable.accuracy = 'accuracy and precision/recall/F1 are for categorical labels (level is not nominal)';
    notApplicable.macro_f1 = notApplicable.accuracy;
  }
  const iPa = ps.add((sel) => observedAgreement(table, all, sel));
  const iAlpha = ps.add((sel) => krippendorffAlpha(matrixOf(table, all, sel), level));
  const iFleiss = ps.add((sel) => fleissKappa(matrixOf(table, all, sel)));
  const iGwet = ps.add((sel) => gwetAC1(matrixOf(table, all, sel), { categories: table.scale.length >= 2 ? table.scale : undefined }));
  let iccIdx: number[] | null = null;
  if (!nominal) {
    const cache = new WeakMap<Int32Array, ReturnType<typeof icc>>();
    const get = (sel: Int32Array) => {
      let r = cache.get(sel);
      if (!r) {
        r = icc(matrixOf(table, all, sel));
        cache.set(sel, r);
      }
      return r;
    };
    iccIdx = [ps.add((s) => get(s).icc2_1), ps.add((s) => get(s).icc3_1), ps.add((s) => get(s).icc2_k), ps.add((s) => get(s).icc3_k)];
  }

  // pairs
  const pairFns: (() => PairResult)[] = [];
  for (let a = 0; a < raters.length; a++) {
    for (let b = a + 1; b < raters.length; b++) {
      const va = table.values[a]!;
      const vb = table.values[b]!;
      const n = complete(va, vb)[0].length;
      const add = (key: StatKey, when: boolean) => (when ? ps.add((sel) => st.get(key, sel, vb, va)) : -1);
      const i = {
        pa: add('percent_agreement', true),
        k: add('cohen_kappa', true),
        kl: add('kappa_linear', !nominal),
        kq: add('kappa_quadratic', !nominal),
        pe: add('pearson', !nominal),
        sp: add('spearman', !nominal),
        kt: add('kendall_tau_b', !nominal),
      };
      const g = (x: number) => (x < 0 ? null : ps.get(x));
      pairFns.push(() => ({
        a: raters[a]!,
        b: raters[b]!,
        n,
        percent_agreement: ps.get(i.pa),
        cohen_kappa: ps.get(i.k),
        weighted_kappa_linear: g(i.kl),
        weighted_kappa_quadratic: g(i.kq),
        pearson: g(i.pe),
        spearman: g(i.sp),
        kendall_tau_b: g(i.kt),
      }));
    }
  }

  // judge validation
  let judgeFn: (() => JudgeValidation) | null = null;
  if (opts.judge !== undefined) {
    const j = raters.indexOf(opts.judge);
    const humans = all.filter((r) => r !== j);
    if (humans.length === 0) throw new InputError(`judge validation needs at least one human rater besides the judge "${opts.judge}"`);
    const jv = table.values[j]!;
    const vsHumans = humans.map((h) => ({ human: raters[h]!, f: comparisonProbes(ps, st, nominal, jv, table.values[h]!) }));
    const cons = consensus(table, humans, nominal, Math.min(2, humans.length), jv);
    const vsCons = comparisonProbes(ps, st, nominal, jv, cons.values);
    // each human's reference: the consensus of the other humans, on the units this human and the judge both rated
    const restCons = humans.map((h) => {
      const rest = humans.filter((x) => x !== h);
      const own = table.values[h]!;
      const both = new Float64Array(own.length);
      for (let u = 0; u < own.length; u++) both[u] = Number.isNaN(own[u]!) || Number.isNaN(jv[u]!) ? NaN : 0;
      return rest.length ? consensus(table, rest, nominal, 1, both) : null;
    });
    const restRefs = restCons.map((c) => (c ? c.values : new Float64Array(jv.length).fill(NaN)));
    const ceiling = humans.map((h, i) => ({
      human: raters[h]!,
      hv: comparisonProbes(ps, st, nominal, table.values[h]!, restRefs[i]!),
      jv: comparisonProbes(ps, st, nominal, jv, restRefs[i]!),
      noMajority: restCons[i] ? countOf(restCons[i]!.noMajority) : 0,
    }));
    const metricKeys: StatKey[] = nominal ? ['accuracy', 'cohen_kappa', 'macro_f1'] : ['pearson', 'spearman', 'kendall_tau_b', 'mae'];
    const pairKeys: StatKey[] = nominal ? ['percent_agreement', 'cohen_kappa'] : ['pearson', 'spearman', 'kendall_tau_b'];
    const meanOver = (pairs: [Float64Array, Float64Array][], key: StatKey) =>
      ps.add((sel) => mean(pairs.map(([pred, truth]) => st.get(key, sel, pred, truth))));
    const humanPairs: [Float64Array, Float64Array][] = [];
    for (let a = 0; a < humans.length; a++) for (let b = a + 1; b < humans.length; b++) humanPairs.push([table.values[humans[a]!]!, table.values[humans[b]!]!]);
    const idx = {
      hRest: Object.fromEntries(metricKeys.map((k) => [k, meanOver(humans.map((h, i) => [table.values[h]!, restRefs[i]!]), k)])),
      jRest: Object.fromEntries(metricKeys.map((k) => [k, meanOver(humans.map((_, i) => [jv, restRefs[i]!]), k)])),
      hPair: Object.fromEntries(pairKeys.map((k) => [k, humanPairs.length ? meanOver(humanPairs, k) : -1])),
      jPair: Object.fromEntries(pairKeys.map((k) => [k, meanOver(humans.map((h) => [jv, table.values[h]!]), k)])),
    };
    const est = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, i]) => [k, i < 0 ? null : ps.get(i)]));
    const metric: AltTestMetric = opts.altTestMetric ?? (nominal ? 'accuracy' : 'rmse');
    const alt = altTest(jv, humans.map((h) => ({ rater: raters[h]!, values: table.values[h]! })), {
      epsilon: opts.epsilon ?? 0.2,
      metric,
      minHumansPerItem: opts.altTestMinHumansPerItem,
      minItemsPerHuman: opts.altTestMinItemsPerHuman,
    });
    let nJudged = 0;
    for (let u = 0; u < jv.length; u++) if (!Number.isNaN(jv[u]!)) nJudged++;
    judgeFn = () => {
      const vc = vsCons();
      let confusion: ConsensusResult['confusion'];
      if (nominal) {
        const [t, p] = complete(cons.values, jv);
        if (t.length) {
          const rep = classificationReport(Array.from(t), Array.from(p), table.scale);
          confusion = { labels: table.categories, matrix: rep.confusion };
        }
      }
      return {
        judge: opts.judge!,
        humans: humans.map((h) => raters[h]!),
        n_judged: nJudged,
        judge_failures: table.failures[opts.judge!] ?? 0,
        vs_humans: vsHumans.map((v) => ({ human: v.human, ...v.f() })),
        vs_consensus: {
          consensus: nominal ? 'majority' : 'mean',
          ...vc,
          no_majority: countOf(cons.noMajority),
          too_few_humans: countOf(cons.tooFew),
          ...(confusion ? { confusion } : {}),
        },
        ceiling: {
          per_human: ceiling.map((c) => ({ human: c.human, human_vs_rest: c.hv(), judge_vs_rest: c.jv(), no_majority: c.noMajority })),
          mean_human_vs_rest: est(idx.hRest),
          mean_judge_vs_rest: est(idx.jRest),
          mean_pairwise_human: est(idx.hPair),
          mean_pairwise_judge_human: est(idx.jPair),
        },
        alt_test: alt,
      };
    };
    if (humans.length === 1) notes.push('one human only: the ceiling (human against the other humans) is undefined');
  }

  // system ranking (Sottana et al.): only with models and numeric ratings, within one dimension
  let rankFn: (() => SystemRanking | null) | null = null;
  const dims = new Set(table.units.map((u) => u.dimension));
  const models = [...new Set(table.units.map((u) => u.model).filter((m): m is string => m !== undefined))];
  if (models.length >= 2 && dims.size === 1 && !nominal) {
    const unitModel = Int32Array.from(table.units.map((u) => (u.model === undefined ? -1 : models.indexOf(u.model))));
    const rankMatrix = (sel: Int32Array, cols: number[]): RatingMatrix => {
      const m: RatingMatrix = models.map(() => cols.map(() => null));
      cols.forEach((r, j) => {
        const s = new Float64Array(models.length);
        const c = new Float64Array(models.length);
        for (let i = 0; i < sel.length; i++) {
          const mi = unitModel[sel[i]!]!;
          const v = table.values[r]![sel[i]!]!;
          if (mi < 0 || Number.isNaN(v)) continue;
          s[mi] += v;
          c[mi]++;
        }
        const rated = models.map((_, k) => k).filter((k) => c[k]! > 0);
        const rk = rankDescending(rated.map((k) => s[k]! / c[k]!));
        rated.forEach((k, i) => (m[k]![j] = rk[i]!));
      });
      return m;
    };
    const alphaProbes = (cols: number[]) => ({
      nominal: ps.add((sel) => krippendorffAlpha(rankMatrix(sel, cols), 'nominal')),
      ordinal: ps.add((sel) => krippendorffAlpha(rankMatrix(sel, cols), 'ordinal')),
      interval: ps.add((sel) => krippendorffAlpha(rankMatrix(sel, cols), 'interval')),
    });
    const withAll = alphaProbes(all);
    const j = opts.judge !== undefined ? raters.indexOf(opts.judge) : -1;
    const withHumans = j >= 0 && raters.length > 2 ? alphaProbes(all.filter((r) => r !== j)) : null;
    rankFn = () => {
      const sr = systemRankMatrix(labels.filter((l) => !(typeof l.value === 'string' && failureValues.has(l.value))), raters);
      const pick = (x: { nominal: number; ordinal: number; interval: number }) => ({ nominal: ps.get(x.nominal), ordinal: ps.get(x.ordinal), interval: ps.get(x.interval) });
      return {
        models: sr.models,
        raters,
        means: sr.means,
        ranks: sr.ranks,
        krippendorff_alpha: pick(withAll),
        ...(withHumans ? { krippendorff_alpha_humans: pick(withHumans) } : {}),
      };
    };
  } else if (nominal && models.length >= 2 && dims.size === 1) {
    notApplicable.system_ranking = NA_NOMINAL.system_ranking;
  }

  ps.run(table, opts.resamples, opts.seed, bootLevel);
  const g = (i: number) => ps.get(i);
  if (raters.length < 2) notes.push('fewer than 2 raters: agreement is undefined');
  const core: AgreementCore = {
    level,
    n_items: table.clusters.length,
    n_units: table.units.length,
    n_ratings: table.nRatings,
    raters,
    categories: table.categories,
    failures: table.failures,
    percent_agreement: g(iPa),
    krippendorff_alpha: g(iAlpha),
    fleiss_kappa: g(iFleiss),
    gwet_ac1: g(iGwet),
    icc: iccIdx ? { icc2_1: g(iccIdx[0]!), icc3_1: g(iccIdx[1]!), icc2_k: g(iccIdx[2]!), icc3_k: g(iccIdx[3]!) } : null,
    pairs: pairFns.map((f) => f()),
    not_applicable: notApplicable,
    notes,
  };
  if (judgeFn) core.judge_validation = judgeFn();
  if (rankFn) core.system_ranking = rankFn();
  return core;
}
