/**
 * Pairwise preferences from single-answer rubric scores, without new judge calls: for each item,
 * judge and pair of models, the two models' scores are compared per rubric dimension (each criterion
 * key of `scores`, plus `overall` for the aggregated `score` when it is not null). A difference of at
 * most `margin` (on the criterion's raw scale; `overall` on the normalised scale) is a tie.
 *
 * Failures are carried, not scored: when either judgment of a pair is not ok, every dimension of the
 * pair gets a row with that judgment's status (the first model's if both failed) and no winner; when
 * a criterion is missing from one side's scores, that dimension gets status `missing`. Pairs where a
 * model has no judgment at all on the item are not formed (there is nothing to count).
 */
import type { Judgment } from '../schema/index.ts';
import type { PreferenceRow } from '../io/preferences.ts';

export interface PairsFromScoresOptions {
  /** Tie margin: one number for every dimension, or per dimension (missing keys: 0). */
  margin?: number | Record<string, number>;
  /** Only pairs (baseline, other) instead of all pairs. */
  baseline?: string;
  /** The rater name of a judgment: the judge model by default. */
  raterOf?: (j: Judgment) => string;
  /** Include `overall` (the aggregated score); true by default. */
  overall?: boolean;
}

export interface PairsFromScores {
  prefs: PreferenceRow[];
  n_ok: number;
  failures: { total: number; by_status: Record<string, number> };
}

export const OVERALL = 'overall';

export function pairsFromScores(judgments: readonly Judgment[], opts: PairsFromScoresOptions = {}): PairsFromScores {
  const raterOf = opts.raterOf ?? ((j: Judgment) => j.judge.model);
  const marginOf = (dim: string): number => (typeof opts.margin === 'number' ? opts.margin : (opts.margin?.[dim] ?? 0));
  const withOverall = opts.overall ?? true;
  // item → rater → model → judgment
  const byItem = new Map<string, Map<string, Map<string, Judgment>>>();
  for (const j of judgments) {
    const rater = raterOf(j);
    let byRater = byItem.get(j.item_id);
    if (!byRater) byItem.set(j.item_id, (byRater = new Map()));
    let byModel = byRater.get(rater);
    if (!byModel) byRater.set(rater, (byModel = new Map()));
    if (byModel.has(j.model)) throw new RangeError(`two judgments of model "${j.model}" on item "${j.item_id}" by rater "${rater}"`);
    byModel.set(j.model, j);
  }
  // The dimensions are those any ok judgment has, so a failed pair is counted once per dimension.
  const dimSet = new Set<string>();
  for (const j of judgments) if (j.status === 'ok') for (const k of Object.keys(j.scores)) dimSet.add(k);
  const dims = [...dimSet].sort();
  if (withOverall) dims.push(OVERALL);

  const prefs: PreferenceRow[] = [];
  const failures = { total: 0, by_status: {} as Record<string, number> };
  let nOk = 0;
  const fail = (row: Omit<PreferenceRow, 'winner' | 'status'>, status: string): void => {
    prefs.push({ ...row, winner: null, status });
    failures.total++;
    failures.by_status[status] = (failures.by_status[status] ?? 0) + 1;
  };
  const valueOf = (j: Judgment & { status: 'ok' }, dim: string): number | undefined => (dim === OVERALL ? (j.score ?? undefined) : j.scores[dim]);

  for (const item of [...byItem.keys()].sort()) {
    for (const [rater, byModel] of [...byItem.get(item)!.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const models = [...byModel.keys()].sort();
      for (let x = 0; x < models.length; x++) {
        for (let y = x + 1; y < models.length; y++) {
          const [ma, mb] = [models[x]!, models[y]!];
          if (opts.baseline !== undefined && ma !== opts.baseline && mb !== opts.baseline) continue;
          const ja = byModel.get(ma)!;
          const jb = byModel.get(mb)!;
          for (const dim of dims) {
            const base = { item_id: item, rater, model_a: ma, model_b: mb, dimension: dim };
            if (ja.status !== 'ok' || jb.status !== 'ok') {
              fail(base, ja.status !== 'ok' ? ja.status : jb.status);
              continue;
            }
            const va = valueOf(ja, dim);
            const vb = valueOf(jb, dim);
            if (va === undefined || vb === undefined) {
              if (dim === OVERALL && ja.score === null && jb.score === null) continue; // `separate` aggregation: no overall score exists
              fail(base, 'missing');
              continue;
            }
            const d = va - vb;
            prefs.push({ ...base, winner: Math.abs(d) <= marginOf(dim) + 1e-12 ? 'tie' : d > 0 ? 'A' : 'B', status: 'ok' });
            nOk++;
          }
        }
      }
    }
  }
  return { prefs, n_ok: nOk, failures };
}

export interface PairsFromLabelsOptions {
  /** Tie margin on the labels' scale (default 0: only equal scores tie). */
  margin?: number;
  /** Only pairs (baseline, other). */
  baseline?: string;
  /**
   * Adds a rater `name` whose score of a (item, dimension, model) is the mean of the listed raters'
   * scores that exist there (at least `min` of them, default all listed; otherwise that model is
   * left out of that item's pairs and counted in `missing_mean`).
   */
  meanOf?: { name: string; raters: readonly string[]; min?: number };
}

/**
 * Pairwise preferences from numeric ratings in long form (`item_id, rater, value, model` and
 * optionally `dimension`), as pairsFromScores does for judgments: per item, rater and dimension,
 * every two rated models are compared; a difference of at most `margin` is a tie. This is how
 * human and LLM win ratios per dimension come from single-answer ratings (Med-CMR Figure 4d).
 */
export function pairsFromLabels(
  labels: readonly { item_id: string; rater: string; value: string | number; model?: string | undefined; dimension?: string | undefined }[],
  opts: PairsFromLabelsOptions = {},
): { prefs: PreferenceRow[]; missing_mean: number } {
  const margin = opts.margin ?? 0;
  // (item, dimension) → rater → model → value
  const groups = new Map<string, { item: string; dim: string | undefined; byRater: Map<string, Map<string, number>> }>();
  for (const l of labels) {
    if (l.model === undefined) throw new RangeError(`label of item "${l.item_id}" by "${l.rater}" names no model`);
    if (typeof l.value !== 'number' || !Number.isFinite(l.value)) throw new RangeError(`label of item "${l.item_id}" by "${l.rater}" is not a number: "${l.value}"`);
    const key = `${l.item_id}\u0000${l.dimension ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { item: l.item_id, dim: l.dimension, byRater: new Map() }));
    let byModel = g.byRater.get(l.rater);
    if (!byModel) g.byRater.set(l.rater, (byModel = new Map()));
    byModel.set(l.model, l.value);
  }
  let missingMean = 0;
  const prefs: PreferenceRow[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    if (opts.meanOf) {
      const { name, raters } = opts.meanOf;
      const need = opts.meanOf.min ?? raters.length;
      const models = new Set<string>();
      for (const r of raters) for (const m of g.byRater.get(r)?.keys() ?? []) models.add(m);
      const mean = new Map<string, number>();
      for (const m of models) {
        const vs = raters.map((r) => g.byRater.get(r)?.get(m)).filter((v): v is number => v !== undefined);
        if (vs.length >= need) mean.set(m, vs.reduce((a, b) => a + b, 0) / vs.length);
        else missingMean += 1;
      }
      g.byRater.set(name, mean);
    }
    for (const rater of [...g.byRater.keys()].sort()) {
      const byModel = g.byRater.get(rater)!;
      const models = [...byModel.keys()].sort();
      for (let x = 0; x < models.length; x++) {
        for (let y = x + 1; y < models.length; y++) {
          const [ma, mb] = [models[x]!, models[y]!];
          if (opts.baseline !== undefined && ma !== opts.baseline && mb !== opts.baseline) continue;
          const d = byModel.get(ma)! - byModel.get(mb)!;
          prefs.push({
            item_id: g.item,
            rater,
            model_a: ma,
            model_b: mb,
            winner: Math.abs(d) <= margin + 1e-12 ? 'tie' : d > 0 ? 'A' : 'B',
            status: 'ok',
            ...(g.dim !== undefined ? { dimension: g.dim } : {}),
          });
        }
      }
    }
  }
  return { prefs, missing_mean: missingMean };
}
