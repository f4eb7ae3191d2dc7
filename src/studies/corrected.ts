/**
 * Judge-corrected model scores: each model's human-scale score estimated from a few human (gold)
 * labels and many judge ratings, with intervals that cover the human mean rather than the judge's.
 *
 * Units are (item, model) for single-answer ratings and (item, model_a, model_b) for pairwise
 * verdicts (then each model's win ratio is corrected: 1 for a win, ½ a tie, 0 a loss). A unit's
 * gold value is the mean of its human ratings (pairwise: the strict majority verdict). Units with a
 * gold value and a judge rating form the labelled set; units with a judge rating and no human
 * rating at all form the unlabelled set. Everything else is counted and left out, never scored.
 */
import { z } from 'zod';
import { InputError } from '../io/errors.ts';
import {
  binaryCounts,
  classicalMean,
  planLabels,
  ppiMean,
  roganGladen,
  roganGladenBootstrap,
  stratifiedPpiMean,
  type NormalEstimate,
} from '../stats/ppi.ts';
import { Rng } from '../stats/random.ts';
import { JudgeFailureStatus } from '../schema/records.ts';
import { DEFAULT_FAILURE_VALUES } from './validation.ts';

/** Values that record a failed rating: counted by kind, never scored. Any other word is an input error. */
const FAILURE_VALUES = new Set([...DEFAULT_FAILURE_VALUES, ...JudgeFailureStatus.options]);

/** One rating as the study reads it (long form), with the line it came from for error messages. */
export interface CorrectionRow {
  item_id: string;
  rater: string;
  value: string | number;
  model?: string | undefined;
  model_a?: string | undefined;
  model_b?: string | undefined;
  dimension?: string | undefined;
  stratum?: string | undefined;
  line?: number | undefined;
}

export interface CorrectedOptions {
  judge: string;
  /** The human raters whose mean (majority) is the gold value; default every rater but the judge. */
  humans?: string[] | undefined;
  dimension?: string | undefined;
  /** Name of the strata column (its values are on the rows as `stratum`). */
  strata?: string | undefined;
  /** Binary verdict for Rogan–Gladen: value ≥ threshold is positive (single-answer ratings only). */
  threshold?: number | undefined;
  alpha: number;
  seed: number;
  /** Bootstrap resamples for the Rogan–Gladen percentile alternative (0: none). */
  bootstrap: number;
  /** Target full interval width for the label planner. */
  planWidth?: number | undefined;
  /**
   * Keep the humans' ratings on this share of the items only (chosen with `seed`), as if only they
   * had been labelled; `human_all` then reports the humans' mean over every unit, for checking.
   */
  labelFraction?: number | undefined;
  /** The file the rows came from (error messages only). */
  file?: string | undefined;
}

const Interval = z.object({ value: z.number(), ci_low: z.number(), ci_high: z.number() });

export const CorrectedModel = z.object({
  n_labelled: z.number().int(),
  n_unlabelled: z.number().int(),
  human_only: Interval.nullable(),
  judge_naive: Interval.nullable(),
  ppi: Interval.nullable(),
  ppi_plus_plus: Interval.extend({ lambda: z.number() }).nullable(),
  stratified_ppi: Interval.extend({
    strata: z.record(
      z.string(),
      z.object({ weight: z.number(), n_labelled: z.number().int(), n_unlabelled: z.number().int(), value: z.number(), lambda: z.number() }),
    ),
  })
    .nullable()
    .optional(),
  rogan_gladen: Interval.extend({
    sensitivity: z.number(),
    specificity: z.number(),
    /** Judge's positive rate on the unlabelled units, and the calibration counts. */
    p: z.number(),
    m_positive: z.number().int(),
    m_negative: z.number().int(),
    bootstrap: z.object({ ci_low: z.number().nullable(), ci_high: z.number().nullable(), resamples: z.number().int(), undefined_resamples: z.number().int() }).optional(),
  })
    .nullable()
    .optional(),
  /** With a label fraction: the humans' mean over all units with a gold value and a judge rating (the withheld ones too). */
  human_all: Interval.nullable().optional(),
  /** The judge's bias on this model: mean(judge − gold) over the labelled units. */
  bias: Interval.nullable(),
  plan: z
    .object({ width: z.number(), human_only: z.number().int(), ppi_plus_plus: z.number().int(), pilot_n: z.number().int(), unlabelled_n: z.number().int() })
    .nullable()
    .optional(),
  notes: z.array(z.string()),
});
export type CorrectedModel = z.infer<typeof CorrectedModel>;

export const METHODS = ['judge_naive', 'human_only', 'ppi', 'ppi_plus_plus', 'stratified_ppi', 'rogan_gladen'] as const;
export type Method = (typeof METHODS)[number];

export const CorrectedResult = z.object({
  study: z.literal('corrected'),
  target: z.enum(['score', 'win_ratio']),
  judge: z.string(),
  humans: z.array(z.string()),
  dimension: z.string().nullable(),
  strata: z.string().nullable(),
  threshold: z.number().nullable(),
  alpha: z.number(),
  /** With a label fraction: the items whose human ratings were kept, of those that had some. */
  label_fraction: z.object({ fraction: z.number(), items_kept: z.number().int(), items_with_humans: z.number().int() }).nullable(),
  models: z.record(z.string(), CorrectedModel),
  /** Models from best to worst under each estimate (models without one are left out). */
  rankings: z.record(z.string(), z.array(z.string())),
  /** Units and ratings left out, by reason. */
  counts: z.record(z.string(), z.number().int()),
});
export type CorrectedResult = z.infer<typeof CorrectedResult>;

const WINNERS: Record<string, 'A' | 'B' | 'tie'> = { a: 'A', b: 'B', tie: 'tie', model_a: 'A', model_b: 'B' };

interface Unit {
  key: string;
  models: string[];
  stratum: string | undefined;
  judge: number | string | undefined;
  humans: (number | string)[];
  gold?: number | string;
  /** Human ratings withheld by the label fraction. */
  withheld: (number | string)[];
  withheldGold?: number | string;
}

const inc = (c: Record<string, number>, k: string, by = 1): void => {
  c[k] = (c[k] ?? 0) + by;
};

function interval(e: NormalEstimate): z.infer<typeof Interval> {
  return { value: e.value, ci_low: e.ci_low, ci_high: e.ci_high };
}

/** The model's score in a unit: its rating, or for a pairwise unit 1 / ½ / 0 for a win / tie / loss. */
function scoreFor(v: number | string, unit: Unit, model: string): number {
  if (typeof v === 'number') return v;
  if (v === 'tie') return 0.5;
  const winner = v === 'A' ? unit.models[0] : unit.models[1];
  return winner === model ? 1 : 0;
}

export function runCorrected(rows: readonly CorrectionRow[], opts: CorrectedOptions): CorrectedResult {
  const where = (r?: CorrectionRow): { file?: string; line?: number } => ({ ...(opts.file ? { file: opts.file } : {}), ...(r?.line !== undefined ? { line: r.line } : {}) });
  if (!(opts.alpha > 0 && opts.alpha < 1)) throw new InputError(`alpha must be in (0, 1), got ${opts.alpha}`);
  const raters = new Set(rows.map((r) => r.rater));
  if (!raters.has(opts.judge)) throw new InputError(`no rater "${opts.judge}" (the judge) in the ratings (raters: ${[...raters].sort().join(', ')})`, where());
  const humans = opts.humans ?? [...raters].filter((r) => r !== opts.judge).sort();
  if (!humans.length) throw new InputError('no human raters: name them with --humans or --gold', where());
  for (const h of humans) {
    if (h === opts.judge) throw new InputError(`rater "${h}" cannot be both the judge and a human`, where());
    if (!raters.has(h)) throw new InputError(`no rater "${h}" in the ratings (raters: ${[...raters].sort().join(', ')})`, where());
  }
  const humanSet = new Set(humans);

  let selected = rows;
  const dims = new Set(rows.map((r) => r.dimension).filter((d): d is string => d !== undefined));
  if (opts.dimension !== undefined) {
    if (!dims.has(opts.dimension)) throw new InputError(`no dimension "${opts.dimension}" in the ratings (dimensions: ${[...dims].sort().join(', ') || 'none'})`, where());
    selected = rows.filter((r) => r.dimension === opts.dimension);
  } else if (dims.size > 1) {
    throw new InputError(`the ratings have ${dims.size} dimensions (${[...dims].sort().join(', ')}); choose one with --dimension`, where());
  }

  // Withheld human ratings still give each unit a gold value for `human_all`, never for the estimates.
  let withheld = new Set<string>();
  let fraction: CorrectedResult['label_fraction'] = null;
  if (opts.labelFraction !== undefined) {
    if (!(opts.labelFraction > 0 && opts.labelFraction < 1)) throw new InputError(`label fraction must be in (0, 1), got ${opts.labelFraction}`, where());
    const items = [...new Set(selected.filter((r) => humanSet.has(r.rater)).map((r) => r.item_id))].sort();
    const keep = Math.max(1, Math.round(opts.labelFraction * items.length));
    const order = new Rng(opts.seed).shuffle(items);
    withheld = new Set(order.slice(keep));
    fraction = { fraction: opts.labelFraction, items_kept: keep, items_with_humans: items.length };
  }

  const pairwise = selected.some((r) => r.model_a !== undefined || r.model_b !== undefined);
  if (pairwise && opts.threshold !== undefined) throw new InputError('--threshold applies to single-answer ratings, not to pairwise verdicts', where());
  const counts: Record<string, number> = {};
  const units = new Map<string, Unit>();
  for (const r of selected) {
    if (r.rater !== opts.judge && !humanSet.has(r.rater)) {
      inc(counts, 'ratings_of_other_raters');
      continue;
    }
    let models: string[];
    if (pairwise) {
      if (r.model_a === undefined || r.model_b === undefined) throw new InputError('a pairwise verdict needs both model_a and model_b', { ...where(r), field: r.model_a === undefined ? 'model_a' : 'model_b' });
      if (r.model_a === r.model_b) throw new InputError(`model_a and model_b are both "${r.model_a}"`, { ...where(r), field: 'model_b' });
      models = r.model_a < r.model_b ? [r.model_a, r.model_b] : [r.model_b, r.model_a];
    } else {
      if (r.model === undefined) throw new InputError('a rating needs the rated model', { ...where(r), field: 'model' });
      models = [r.model];
    }
    const key = [r.item_id, ...models].join('\u0000');
    let u = units.get(key);
    if (!u) {
      u = { key, models, stratum: undefined, judge: undefined, humans: [], withheld: [] };
      units.set(key, u);
    }
    if (r.stratum !== undefined) {
      if (u.stratum !== undefined && u.stratum !== r.stratum) {
        throw new InputError(`item "${r.item_id}" is in stratum "${u.stratum}" on an earlier row and "${r.stratum}" here`, { ...where(r), field: opts.strata ?? 'strata' });
      }
      u.stratum = r.stratum;
    }
    // A failure status is counted by kind, never scored; any other value the study cannot read is an error.
    let v: number | string = r.value;
    if (typeof v === 'string' && FAILURE_VALUES.has(v.trim().toLowerCase())) {
      v = `failed:${v.trim().toLowerCase()}`;
    } else if (pairwise) {
      const w = typeof v === 'string' ? WINNERS[v.trim().toLowerCase()] : undefined;
      if (w === undefined) throw new InputError(`a pairwise verdict is A, B or tie (or a failure status), not "${String(v)}"`, { ...where(r), field: 'value' });
      // The same pair listed in the other order is the same unit, with A and B swapped.
      v = r.model_a! > r.model_b! && w !== 'tie' ? (w === 'A' ? 'B' : 'A') : w;
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`a rating is a number (a binary verdict as 0/1) or a failure status, not "${String(v)}"`, { ...where(r), field: 'value' });
    }
    const failed = typeof v === 'string' && v.startsWith('failed:');
    if (r.rater === opts.judge) {
      if (failed) inc(counts, `judge_${(v as string).slice(7)}`);
      u.judge = v;
    } else if (failed) {
      inc(counts, `human_${(v as string).slice(7)}`);
    } else if (withheld.has(r.item_id)) {
      u.withheld.push(v);
    } else {
      u.humans.push(v);
    }
  }

  // Gold values, and the labelled / unlabelled split.
  const labelled: Unit[] = [];
  const unlabelled: Unit[] = [];
  const goldOf = (hs: (number | string)[]): number | string | undefined => {
    if (!hs.length) return undefined;
    if (!pairwise) return (hs as number[]).reduce((a, b) => a + b, 0) / hs.length;
    const tally = new Map<string, number>();
    for (const h of hs) tally.set(h as string, (tally.get(h as string) ?? 0) + 1);
    for (const [w, c] of tally) if (c * 2 > hs.length) return w;
    return undefined;
  };
  const withheldUnits: Unit[] = [];
  for (const u of units.values()) {
    const judgeOk = u.judge !== undefined && !(typeof u.judge === 'string' && u.judge.startsWith('failed:'));
    u.gold = goldOf(u.humans);
    u.withheldGold = goldOf(u.withheld);
    if (judgeOk && u.withheldGold !== undefined) withheldUnits.push(u);
    if (!judgeOk) {
      if (u.judge === undefined) inc(counts, u.gold !== undefined ? 'labelled_units_without_judge' : 'units_without_judge');
      continue;
    }
    if (u.gold !== undefined) labelled.push(u);
    else if (u.humans.length) inc(counts, 'units_without_human_majority');
    else unlabelled.push(u);
  }
  if (!labelled.length) throw new InputError(`no unit has both a gold value (from ${humans.join(', ')}) and a rating by "${opts.judge}"`, where());

  const modelNames = [...new Set([...units.values()].flatMap((u) => u.models))].sort();
  const models: Record<string, CorrectedModel> = {};
  for (const m of modelNames) {
    const L = labelled.filter((u) => u.models.includes(m));
    const U = unlabelled.filter((u) => u.models.includes(m));
    const y = L.map((u) => scoreFor(u.gold!, u, m));
    const yhat = L.map((u) => scoreFor(u.judge!, u, m));
    const yhatU = U.map((u) => scoreFor(u.judge!, u, m));
    models[m] = estimateModel(y, yhat, yhatU, L, U, opts);
    if (fraction) {
      const all = [...y, ...withheldUnits.filter((u) => u.models.includes(m)).map((u) => scoreFor(u.withheldGold!, u, m))];
      models[m]!.human_all = all.length >= 2 ? interval(classicalMean(all, opts.alpha)) : null;
    }
  }

  const rankings: Record<string, string[]> = {};
  for (const method of METHODS) {
    const have = modelNames.filter((m) => {
      const e = models[m]![method];
      return e !== null && e !== undefined;
    });
    if (!have.length) continue;
    rankings[method] = [...have].sort((a, b) => models[b]![method]!.value - models[a]![method]!.value || a.localeCompare(b));
  }

  return {
    study: 'corrected',
    target: pairwise ? 'win_ratio' : 'score',
    judge: opts.judge,
    humans,
    dimension: opts.dimension ?? (dims.size === 1 ? [...dims][0]! : null),
    strata: opts.strata ?? null,
    threshold: opts.threshold ?? null,
    alpha: opts.alpha,
    label_fraction: fraction,
    models,
    rankings,
    counts,
  };
}

function estimateModel(y: number[], yhat: number[], yhatU: number[], L: Unit[], U: Unit[], opts: CorrectedOptions): CorrectedModel {
  const notes: string[] = [];
  const n = y.length;
  const N = yhatU.length;
  const enoughL = n >= 2;
  if (!enoughL) notes.push(`${n} labelled unit${n === 1 ? '' : 's'}: the human-only and corrected estimates need at least 2`);
  if (!N) notes.push('no unlabelled units: PPI needs judge ratings on units without a gold value');
  const both = enoughL && N > 0;
  const out: CorrectedModel = {
    n_labelled: n,
    n_unlabelled: N,
    human_only: enoughL ? interval(classicalMean(y, opts.alpha)) : null,
    judge_naive: n + N >= 2 ? interval(classicalMean([...yhat, ...yhatU], opts.alpha)) : null,
    ppi: both ? interval(ppiMean(y, yhat, yhatU, { alpha: opts.alpha, lambda: 1 })) : null,
    ppi_plus_plus: null,
    bias: enoughL ? interval(classicalMean(yhat.map((f, i) => f - y[i]!), opts.alpha)) : null,
    notes,
  };
  if (both) {
    const e = ppiMean(y, yhat, yhatU, { alpha: opts.alpha });
    out.ppi_plus_plus = { ...interval(e), lambda: e.lambda };
  }
  if (opts.strata !== undefined) out.stratified_ppi = stratified(y, yhat, yhatU, L, U, opts, notes);
  if (opts.threshold !== undefined) out.rogan_gladen = rogan(y, yhat, yhatU, opts, notes);
  if (opts.planWidth !== undefined) {
    if (enoughL) {
      const p = planLabels(y, yhat, N, { width: opts.planWidth, alpha: opts.alpha });
      out.plan = { width: p.width, human_only: p.human_only, ppi_plus_plus: p.ppi_plus_plus, pilot_n: n, unlabelled_n: N };
    } else out.plan = null;
  }
  return out;
}

function stratified(y: number[], yhat: number[], yhatU: number[], L: Unit[], U: Unit[], opts: CorrectedOptions, notes: string[]): CorrectedModel['stratified_ppi'] {
  const byStratum = new Map<string, { y: number[]; yhat: number[]; yhatU: number[] }>();
  const get = (s: string | undefined) => {
    const k = s ?? '';
    let g = byStratum.get(k);
    if (!g) byStratum.set(k, (g = { y: [], yhat: [], yhatU: [] }));
    return g;
  };
  L.forEach((u, i) => {
    const g = get(u.stratum);
    g.y.push(y[i]!);
    g.yhat.push(yhat[i]!);
  });
  U.forEach((u, i) => get(u.stratum).yhatU.push(yhatU[i]!));
  const names = [...byStratum.keys()].sort();
  if (names.includes('')) {
    notes.push(`stratified PPI: some units have no value in the strata column "${opts.strata}"`);
    return null;
  }
  const thin = names.filter((k) => byStratum.get(k)!.y.length < 2 || byStratum.get(k)!.yhatU.length < 1);
  if (thin.length) {
    notes.push(`stratified PPI: stratum ${thin.map((t) => `"${t}"`).join(', ')} needs at least 2 labelled and 1 unlabelled unit`);
    return null;
  }
  const e = stratifiedPpiMean(names.map((k) => byStratum.get(k)!), { alpha: opts.alpha });
  const strata: Record<string, { weight: number; n_labelled: number; n_unlabelled: number; value: number; lambda: number }> = {};
  names.forEach((k, i) => {
    const g = byStratum.get(k)!;
    const s = e.strata[i]!;
    strata[k] = { weight: s.weight, n_labelled: g.y.length, n_unlabelled: g.yhatU.length, value: s.value, lambda: s.lambda };
  });
  return { ...interval(e), strata };
}

function rogan(y: number[], yhat: number[], yhatU: number[], opts: CorrectedOptions, notes: string[]): CorrectedModel['rogan_gladen'] {
  const t = opts.threshold!;
  const gold = y.map((v) => v >= t);
  const jl = yhat.map((v) => v >= t);
  const ju = yhatU.map((v) => v >= t);
  const c = binaryCounts(gold, jl, ju);
  if (!c.n || !c.m0 || !c.m1) {
    notes.push(`Rogan–Gladen needs gold-positive and gold-negative labelled units and unlabelled units (have ${c.m1}, ${c.m0}, ${c.n})`);
    return null;
  }
  const e = roganGladen(c, opts.alpha);
  if (!e) {
    notes.push(`Rogan–Gladen: the judge is no better than chance at threshold ${t} (sensitivity ${c.q1.toFixed(3)} + specificity ${c.q0.toFixed(3)} ≤ 1)`);
    return null;
  }
  return {
    ...e,
    p: c.p,
    m_positive: c.m1,
    m_negative: c.m0,
    ...(opts.bootstrap > 0 ? { bootstrap: roganGladenBootstrap(gold, jl, ju, { alpha: opts.alpha, resamples: opts.bootstrap, seed: opts.seed }) } : {}),
  };
}
