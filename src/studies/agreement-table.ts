/**
 * The rating table of the agreement study (studies/validation.ts) and its statistics on resamples.
 * A rated unit is one (item_id, model, model_a, model_b, dimension); each rater is a column of
 * values (category codes for nominal), NaN where missing or failed; items are the bootstrap
 * clusters. Every statistic is a probe (a function of the resampled units), all run on the same
 * resamples by the item bootstrap driver (stats/resample.ts); two-vector statistics are memoised
 * per resample (PairStats), and the human consensus comes from ratings/consensus.ts.
 */
import { ClusterSums } from '../stats/cluster-sums.ts';
import { confusionSums, positionsOnScale, type ConfusionReaders, type TotalsReader } from '../stats/count-agreement.ts';
import { pairTableSums, type PairTableReaders } from '../stats/count-numeric.ts';
import { InputError } from '../io/errors.ts';
import { bootstrapVector, clusterUnits, intervalOf } from '../stats/resample.ts';
import { classificationReport } from '../stats/classification.ts';
import { kendallTauB, pearson, spearman } from '../stats/correlation.ts';
import { cohenKappa, percentAgreement } from '../stats/kappa.ts';
import { codeCategories, type RatingMatrix } from '../stats/matrix.ts';
import type { Estimate, Rating } from '../schema/index.ts';
import { consensusColumn } from '../ratings/consensus.ts';
import type { ComparisonResult, Level } from './validation.ts';

export interface Unit {
  item: string;
  model: string | undefined;
  dimension: string | undefined;
}

export interface Table {
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

export const unitKey = (l: Rating): string => [l.item_id, l.model ?? '', l.model_a ?? '', l.model_b ?? '', l.dimension ?? ''].join('\u0000');

export function buildTable(labels: readonly Rating[], raters: string[], level: Level): Table {
  // a unit is found by its item alone when it has no model, pair or dimension (the common case),
  // else by the whole key: the two maps never share a unit (unitKey's other fields are all empty
  // exactly for the first map's labels), so this is one lookup of the whole key, made cheaper
  const plainUnit = new Map<string, number>();
  const keyedUnit = new Map<string, number>();
  const units: Unit[] = [];
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const failures: Record<string, number> = Object.fromEntries(raters.map((r) => [r, 0]));
  // the ok cells, as parallel columns (unit, rater, value)
  const cellUnit: number[] = [];
  const cellRater: number[] = [];
  const cellValue: (string | number)[] = [];
  // the items in order of first appearance (the bootstrap clusters) and their units
  const itemCluster = new Map<string, number>();
  const clusterUnitsList: number[][] = [];
  for (const l of labels) {
    const r = raterIndex.get(l.rater);
    if (r === undefined) continue;
    const plain = !l.model && !l.model_a && !l.model_b && !l.dimension;
    const map = plain ? plainUnit : keyedUnit;
    const key = plain ? l.item_id : unitKey(l);
    let u = map.get(key);
    if (u === undefined) {
      u = units.length;
      map.set(key, u);
      const model = l.model ?? (l.model_a !== undefined || l.model_b !== undefined ? `${l.model_a ?? ''} vs ${l.model_b ?? ''}` : undefined);
      units.push({ item: l.item_id, model, dimension: l.dimension });
      const c = itemCluster.get(l.item_id);
      if (c === undefined) {
        itemCluster.set(l.item_id, clusterUnitsList.length);
        clusterUnitsList.push([u]);
      } else clusterUnitsList[c]!.push(u);
    }
    if (l.status !== 'ok') {
      failures[l.rater]! += 1;
      continue;
    }
    cellUnit.push(u);
    cellRater.push(r);
    cellValue.push(l.value);
  }
  const values = raters.map(() => new Float64Array(units.length).fill(NaN));
  let categories: (string | number)[];
  let scale: number[];
  if (level === 'nominal') {
    const coded = codeCategories(cellValue);
    categories = coded.categories;
    for (let i = 0; i < cellUnit.length; i++) values[cellRater[i]!]![cellUnit[i]!] = coded.codes[i]!;
    scale = categories.map((_, i) => i);
  } else {
    const distinct = new Set<number>();
    for (let i = 0; i < cellUnit.length; i++) {
      const raw = cellValue[i]!;
      const v = typeof raw === 'number' ? raw : Number.NaN;
      if (!Number.isFinite(v)) {
        throw new InputError(
          `the ${level} level needs numeric values, but rater "${raters[cellRater[i]!]}" has "${String(raw)}" on item "${units[cellUnit[i]!]!.item}" (use --level nominal, or list it as a failure value)`,
          { field: 'value' },
        );
      }
      if (level === 'ratio' && v < 0) throw new InputError(`the ratio level needs values ≥ 0, got ${v} on item "${units[cellUnit[i]!]!.item}"`, { field: 'value' });
      values[cellRater[i]!]![cellUnit[i]!] = v;
      distinct.add(v);
    }
    scale = [...distinct].sort((x, y) => x - y);
    categories = scale;
  }
  // units nobody rated successfully still count as units (their failures are counted), but they carry no data
  const clusters = clusterUnitsList.map((l) => Int32Array.from(l));
  return { units, raters, values, clusters, categories, scale, failures, nRatings: cellUnit.length };
}

/** The unit indices of a resample of clusters (stats/resample.ts). */
export const expand = (table: Table, clusterIdx: Uint32Array): Int32Array => clusterUnits(table.clusters, clusterIdx);

export function gather(v: Float64Array, sel: Int32Array): Float64Array {
  const out = new Float64Array(sel.length);
  for (let i = 0; i < sel.length; i++) out[i] = v[sel[i]!]!;
  return out;
}

export function matrixOf(table: Table, raters: number[], sel: Int32Array): RatingMatrix {
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

export type Probe = (sel: Int32Array) => number | null;

export class ProbeSet {
  /** Sums over units that fast probes read (see ClusterSums): a resample costs a count, not a recomputation. */
  readonly sums: ClusterSums;
  constructor(
    readonly scale: number[],
    clusters: Int32Array[],
  ) {
    this.sums = new ClusterSums(clusters);
  }
  private probes: Probe[] = [];
  private fast: (TotalsReader | undefined)[] = [];
  private results: Estimate[] = [];
  /** A probe, and optionally the same statistic read from `sums` (it must agree with the probe). */
  add(p: Probe, fast?: TotalsReader): number {
    this.probes.push(p);
    this.fast.push(fast);
    return this.probes.length - 1;
  }
  /** One bootstrap pass for all probes; the point estimate is the first call (all items). */
  run(table: Table, resamples: number, seed: number, level: number): void {
    const k = this.probes.length;
    const out = new Float64Array(k);
    const allFast = k > 0 && this.fast.every((f) => f !== undefined);
    const anyFast = this.fast.some((f) => f !== undefined);
    const visit = (sel: Int32Array | null, totals: Float64Array | null): Float64Array => {
      for (let p = 0; p < k; p++) {
        let v: number | null;
        try {
          const f = this.fast[p];
          v = f ? f(totals!) : this.probes[p]!(sel!);
        } catch (err) {
          if (err instanceof RangeError) v = null; // a resample outside a statistic's domain
          else throw err;
        }
        out[p] = v === null ? NaN : v;
      }
      return out;
    };
    let pt: Float64Array;
    let reps: Float64Array[];
    if (allFast && table.clusters.length > 0) {
      // every statistic is one of counts: the same resamples (ClusterSums draws what bootstrapVector draws), no labels touched
      pt = new Float64Array(k);
      const B = resamples > 0 ? resamples : 0;
      reps = Array.from({ length: k }, () => new Float64Array(B));
      this.sums.bootstrap(B, seed, (totals, b) => {
        const v = visit(null, totals);
        if (b < 0) pt.set(v);
        else for (let j = 0; j < k; j++) reps[j]![b] = v[j]!;
      });
    } else {
      ({ point: pt, replicates: reps } = bootstrapVector(table.clusters.length, k, (idx) => visit(expand(table, idx), anyFast ? this.sums.totals(idx) : null), { resamples, seed }));
    }
    const point = Array.from(pt, (v) => (Number.isFinite(v) ? v : null));
    this.results = point.map((value, p) => intervalOf(value, reps[p]!, level));
  }
  get(i: number): Estimate {
    return this.results[i]!;
  }
}

export const mean = (xs: (number | null)[]): number | null => {
  const f = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return f.length ? f.reduce((s, x) => s + x, 0) / f.length : null;
};

/** Fleiss' P̄ over the units with ≥ 2 ratings. */
export function observedAgreement(table: Table, raters: number[], sel: Int32Array): number | null {
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

export function complete(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!) || Number.isNaN(y[i]!)) continue;
    a.push(x[i]!);
    b.push(y[i]!);
  }
  return [Float64Array.from(a), Float64Array.from(b)];
}

/** How many units both vectors rate (what `complete` keeps, without copying it). */
export function countComplete(x: Float64Array, y: Float64Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) n++;
  return n;
}

export function mae(x: Float64Array, y: Float64Array): number | null {
  const [a, b] = complete(x, y);
  if (a.length === 0) return null;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** The consensus of some humans on each unit (ratings/consensus.ts: strict majority of those present, or mean). */
export function consensus(table: Table, humans: number[], nominal: boolean, minHumans: number, need?: Float64Array) {
  return consensusColumn(humans.map((h) => table.values[h]!), { nominal, minRaters: minHumans, need });
}

export const countOf = (flags: Uint8Array): number => flags.reduce((s, f) => s + f, 0);

export type StatKey =
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

export const SYMMETRIC = new Set<StatKey>(['percent_agreement', 'cohen_kappa', 'kappa_linear', 'kappa_quadratic', 'pearson', 'spearman', 'kendall_tau_b', 'mae']);

/**
 * Two-vector statistics on a resample, memoised per resample: the same comparison appears in the
 * pairs, in the judge's comparisons and in the means of the ceiling, and is computed once.
 */
export class PairStats {
  private ids = new Map<Float64Array, number>();
  private onScale = new Map<Float64Array, boolean>();
  private memo = new WeakMap<Int32Array, Map<string, unknown>>();
  private confusions = new Map<string, ConfusionReaders | null>();
  private tables = new Map<string, PairTableReaders | null>();
  /**
   * With `sums`, the statistics are also read from counts: at the nominal level from confusion
   * matrices over the categories, otherwise from the contingency table of the two vectors' distinct
   * values (stats/count-numeric.ts; none when it is too large, e.g. continuous ratings).
   */
  constructor(
    private readonly scale: number[],
    private readonly sums: ClusterSums | null = null,
    private readonly nominal = true,
  ) {}

  /** The statistic `key` of (pred, truth) read from counts, where it is one. */
  fast(key: StatKey, pred: Float64Array, truth: Float64Array): TotalsReader | undefined {
    if (!this.sums) return undefined;
    if (!this.nominal) return this.fromTable(key, pred, truth);
    const id = `${this.id(truth)}|${this.id(pred)}`;
    // one count table per pair of vectors: the other orientation is its transpose, where
    // precision and recall swap and the rest is the same (the counts are integers: exactly)
    const flipped = !this.confusions.has(id) && this.confusions.has(`${this.id(pred)}|${this.id(truth)}`);
    let c = this.confusions.get(flipped ? `${this.id(pred)}|${this.id(truth)}` : id);
    if (c === undefined) {
      const t = positionsOnScale(truth, this.scale);
      const p = positionsOnScale(pred, this.scale);
      c = t && p ? confusionSums(this.sums, t, p, this.scale.length) : null;
      this.confusions.set(id, c);
    }
    const readers: Partial<Record<StatKey, TotalsReader>> = c
      ? { percent_agreement: c.percentAgreement, cohen_kappa: c.cohenKappa, accuracy: c.accuracy, macro_precision: flipped ? c.macroRecall : c.macroPrecision, macro_recall: flipped ? c.macroPrecision : c.macroRecall, macro_f1: c.macroF1 }
      : {};
    return readers[key];
  }

  /** One table per pair of vectors, whichever is the reference: every statistic read from it is symmetric. */
  private fromTable(key: StatKey, pred: Float64Array, truth: Float64Array): TotalsReader | undefined {
    const [a, b] = this.id(truth) < this.id(pred) ? [truth, pred] : [pred, truth];
    const id = `${this.id(a)}|${this.id(b)}`;
    let t = this.tables.get(id);
    if (t === undefined) {
      t = pairTableSums(this.sums!, b, a, { scale: this.scale });
      this.tables.set(id, t);
    }
    if (!t) return undefined;
    const readers: Partial<Record<StatKey, TotalsReader>> = {
      percent_agreement: t.percentAgreement,
      cohen_kappa: t.cohenKappa,
      kappa_linear: t.kappaLinear,
      kappa_quadratic: t.kappaQuadratic,
      pearson: t.pearson,
      spearman: t.spearman,
      kendall_tau_b: t.kendallTauB,
      mae: t.mae,
    };
    return readers[key];
  }

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
export function comparisonProbes(
  ps: ProbeSet,
  st: PairStats,
  nominal: boolean,
  pred: Float64Array,
  truth: Float64Array,
): () => ComparisonResult {
  const n = countComplete(truth, pred);
  const add = (key: StatKey, when: boolean) => (when ? ps.add((sel) => st.get(key, sel, pred, truth), st.fast(key, pred, truth)) : -1);
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

export function isOnScale(v: Float64Array, scale: number[]): boolean {
  const s = new Set(scale);
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]!) && !s.has(v[i]!)) return false;
  return true;
}

