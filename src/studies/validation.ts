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
 * Failures. The study folds ratings (schema/rating.ts): a rating whose status is not `ok` failed
 * (from a label file, a value listed in `failureValues`, default `garbage` and judgekit's failure
 * statuses; from a judge stage, a failed judgment, one per criterion). It is excluded from every
 * statistic and counted per rater in `failures`, so nothing is silently scored as a tie or as wrong.
 * The judge's fingerprint, when its ratings carry one, is kept in `judge_validation.fingerprint`.
 *
 * Degenerate input gives null, never NaN: a statistic that is undefined on the data (one
 * category, no variance, no pair) is null, and its interval is null when every resample is
 * undefined; resamples where it is undefined drop out of the interval.
 */
import { InputError } from '../io/errors.ts';
import { classificationReport } from '../stats/classification.ts';
import { fleissKappa } from '../stats/fleiss.ts';
import { gwetAC1 } from '../stats/gwet.ts';
import { icc } from '../stats/icc.ts';
import { krippendorffAlpha } from '../stats/krippendorff.ts';
import type { RatingMatrix } from '../stats/matrix.ts';
import type { HumanLabel, Rating } from '../schema/index.ts';
import { DEFAULT_FAILURE_VALUES, labelRatings } from '../ratings/labels.ts';
import { altTest, type AltTestMetric } from './alt-test.ts';
import type { z } from 'zod';
import type * as R from '../schema/results/agreement.ts';
import { multiRaterSums, positionsOnScale } from '../stats/count-agreement.ts';
import { alphaSums, iccSums, MAX_TABLE_CELLS } from '../stats/count-numeric.ts';
import { buildTable, matrixOf, ProbeSet, mean, observedAgreement, complete, countComplete, consensus, countOf, PairStats, comparisonProbes, type StatKey } from './agreement-table.ts';
import { rankDescending, systemRankMatrix } from './system-ranking.ts';

export { rankDescending, systemRankMatrix };

export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export { DEFAULT_FAILURE_VALUES };

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
  /**
   * How resamples are computed: `counts` (default) reads the statistics from per-item sums
   * (ClusterSums: count tables at the nominal level; coincidences, contingency tables of two raters'
   * distinct values and ANOVA sums at the others), keeping the generic computation only for what
   * has no small table (continuous ratings, the system-ranking α); `generic` recomputes every
   * statistic on every resample, the reference the counting path is tested against. Both give the
   * same resamples and the same numbers up to floating-point rounding (the tests hold them to 1e-9
   * nominal, 1e-12 otherwise).
   */
  bootstrapPath?: 'counts' | 'generic';
}

export type PairResult = z.infer<typeof R.PairResult>;

/** Judge (or a human) against a reference: a human, or the consensus of humans. */
export type ComparisonResult = z.infer<typeof R.ComparisonResult>;

export type ConsensusResult = z.infer<typeof R.ConsensusResult>;

export type CeilingRow = z.infer<typeof R.CeilingRow>;

export type JudgeValidation = z.infer<typeof R.JudgeValidation>;

export type SystemRanking = z.infer<typeof R.SystemRanking>;

export type AgreementCore = z.infer<typeof R.AgreementCore>;

export type AgreementResult = z.infer<typeof R.AgreementResult>;

// -------------------------------------------------------------------------------------------------
// the study

const NA_NOMINAL = {
  weighted_kappa: 'weighted κ needs ordered values (level nominal)',
  correlations: 'Pearson, Spearman and Kendall need numeric values (level nominal)',
  icc: 'the ICC needs numeric values (level nominal)',
  mae: 'a mean difference needs numeric values (level nominal)',
  system_ranking: 'system rankings need numeric ratings to average (level nominal)',
};

function selectRaters(labels: readonly Rating[], opts: AgreementOptions): string[] {
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
export function runAgreement(labels: readonly HumanLabel[], opts: AgreementOptions): AgreementResult {
  return agreementStudy(labelRatings(labels, opts.failureValues ? { failureValues: opts.failureValues } : {}), opts);
}

/** The agreement study over ratings (a failed rating is left out of every statistic and counted per rater). */
export function agreementStudy(labels: readonly Rating[], opts: AgreementOptions): AgreementResult {
  if (labels.length === 0) throw new InputError('no labels');
  const raters = selectRaters(labels, opts);
  const level = opts.level;
  const bootLevel = 0.95;
  const core = analyse(labels, raters, level, opts, bootLevel);
  // the judge's fingerprint survives into the result, so the judge audit groups by it, not by name
  const fp = opts.judge !== undefined ? labels.find((l) => l.rater === opts.judge && l.fingerprint)?.fingerprint : undefined;
  if (fp && core.judge_validation) {
    const { judge, ...rest } = core.judge_validation;
    core.judge_validation = { judge, fingerprint: fp, ...rest };
  }
  const result: AgreementResult = { ...core, bootstrap: { resamples: opts.resamples, seed: opts.seed, level: bootLevel, unit: 'item' } };
  const dims = [...new Set(labels.map((l) => l.dimension).filter((d): d is string => d !== undefined))];
  if (dims.length > 0) {
    result.notes.push(`pooled over ${dims.length} dimension(s): every (item, model, dimension) is one unit; see dimensions for each`);
    result.dimensions = {};
    for (const d of dims) {
      const sub = labels.filter((l) => l.dimension === d);
      const present = raters.filter((r) => sub.some((l) => l.rater === r));
      result.dimensions[d] = analyse(sub, present, level, { ...opts, judge: opts.judge !== undefined && present.includes(opts.judge) ? opts.judge : undefined }, bootLevel);
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
  labels: readonly Rating[],
  raters: string[],
  level: Level,
  opts: AgreementOptions,
  bootLevel: number,
): AgreementCore {
  const table = buildTable(labels, raters, level);
  const nominal = level === 'nominal';
  const all = raters.map((_, i) => i);
  const ps = new ProbeSet(table.scale, table.clusters);
  const counting = opts.bootstrapPath !== 'generic';
  const st = new PairStats(table.scale, counting ? ps.sums : null, nominal);
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
  // every statistic below is one of per-unit sums: nominal codes are category positions, and at
  // the other levels every distinct value is one (on a scale short enough to count)
  const codes = counting && (nominal || table.scale.length <= MAX_TABLE_CELLS) ? all.map((r) => positionsOnScale(table.values[r]!, table.scale)!) : null;
  const mr = codes ? multiRaterSums(ps.sums, codes, table.scale.length) : null;
  const alphaFast = codes ? (level === 'nominal' ? mr!.alphaNominal : (alphaSums(ps.sums, codes, table.scale, level) ?? undefined)) : undefined;
  const iPa = ps.add((sel) => observedAgreement(table, all, sel), mr?.percentAgreement);
  const iAlpha = ps.add((sel) => krippendorffAlpha(matrixOf(table, all, sel), level), alphaFast);
  const iFleiss = ps.add((sel) => fleissKappa(matrixOf(table, all, sel)), mr?.fleissKappa);
  const iGwet = ps.add((sel) => gwetAC1(matrixOf(table, all, sel), { categories: table.scale.length >= 2 ? table.scale : undefined }), mr?.gwetAC1);
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
    const ic = counting ? iccSums(ps.sums, table.values) : null; // null: too many values to count (generic)
    iccIdx = [ps.add((s) => get(s).icc2_1, ic?.icc2_1), ps.add((s) => get(s).icc3_1, ic?.icc3_1), ps.add((s) => get(s).icc2_k, ic?.icc2_k), ps.add((s) => get(s).icc3_k, ic?.icc3_k)];
  }

  // pairs
  const pairFns: (() => PairResult)[] = [];
  for (let a = 0; a < raters.length; a++) {
    for (let b = a + 1; b < raters.length; b++) {
      const va = table.values[a]!;
      const vb = table.values[b]!;
      const n = countComplete(va, vb);
      const add = (key: StatKey, when: boolean) => (when ? ps.add((sel) => st.get(key, sel, vb, va), st.fast(key, vb, va)) : -1);
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
    const meanOver = (pairs: [Float64Array, Float64Array][], key: StatKey) => {
      const fast = pairs.map(([pred, truth]) => st.fast(key, pred, truth));
      const allFast = fast.every((f) => f !== undefined) ? (t: Float64Array) => mean(fast.map((f) => f!(t))) : undefined;
      return ps.add((sel) => mean(pairs.map(([pred, truth]) => st.get(key, sel, pred, truth))), allFast);
    };
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
      const sr = systemRankMatrix(labels, raters);
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
