/**
 * The win-ratio study: per rater (a human, a majority of humans, an LLM judge), each model's wins,
 * losses, ties and win ratio, the model-by-model matrix, Bradley–Terry strengths and the ranking,
 * overall and per dimension; and, for two raters (typically humans vs an LLM judge), how far their
 * rankings and verdicts agree. Every interval is a seeded percentile bootstrap resampled by item:
 * an item's comparisons (all pairs, all raters, all dimensions) move together, and all statistics are
 * computed on the same resamples.
 *
 * Definitions (documented in the README, `judgekit winrate`):
 * - One comparison = one ok verdict of one rater on one (item, model pair[, dimension]). Rows whose
 *   status is not ok, or whose winner is null, are failures: counted per status and rater, never ties.
 * - `n` = wins + losses + ties. Win ratio with `ties: 'half'` = (wins + ties/2) / n; with
 *   `ties: 'drop'` = wins / (wins + losses) (null when there are none).
 * - Without a baseline a model's counts pool its comparisons with every opponent; with `baseline`,
 *   every other model's counts are its comparisons with the baseline only, and the baseline's own
 *   entry pools its comparisons with all of them.
 * - Overall (top-level `raters`) pools every dimension: each (item, pair, dimension) verdict counts once.
 * - Bradley–Terry (stats/bradley-terry): `bt: 'half'` (ties as half-wins), `'davidson'`, or by
 *   default `'half'` with `ties: 'half'` and decisive outcomes only with `ties: 'drop'`. `bt_score` is
 *   the log-strength with Σ = 0 over the rater's models. The ranking orders models by bt_score; its
 *   interval is the percentile interval of each model's rank (1 = best, ties averaged) over resamples.
 * - Compare: over the models both raters judged, Spearman ρ and Kendall τ-b between the two raters'
 *   win ratios, the largest |difference| of win ratio, and pair-level agreement (MT-Bench style, with
 *   and without ties) over the (item, pair, dimension) both raters judged ok, orientation aligned.
 * A statistic undefined on a resample (e.g. a correlation when one side is constant) is dropped from
 * that interval; an undefined point value is null.
 */
import type { Estimate } from '../schema/index.ts';
import { percentileInterval } from '../stats/bootstrap.ts';
import { bootstrapCounts, intervalOf } from '../stats/resample.ts';
import { ranksDescending } from '../stats/rank.ts';
import { bradleyTerry, type PairCounts } from '../stats/bradley-terry.ts';
import { kendallTauB, spearman } from '../stats/correlation.ts';
import type { PreferenceRow } from '../io/preferences.ts';
import type { z } from 'zod';
import type * as R from '../schema/results/winrate.ts';
import { nameMap } from '../io/name-map.ts';

export type TiesPolicy = 'half' | 'drop';
export type BtPolicy = 'half' | 'davidson';

export interface WinrateOptions {
  ties: TiesPolicy;
  compare?: [string, string] | undefined;
  seed: number;
  resamples: number;
  baseline?: string | undefined;
  bt?: BtPolicy | undefined;
  /** Interval coverage, 0.95 by default. */
  level?: number | undefined;
}

export type ModelWinrate = z.infer<typeof R.ModelWinrate>;

export type MatrixCell = z.infer<typeof R.MatrixCell>;

export type RaterWinrate = z.infer<typeof R.RaterWinrate>;

export type CompareBlock = z.infer<typeof R.CompareBlock>;

export type ScopeResult = z.infer<typeof R.ScopeResult>;

export type FailureCounts = z.infer<typeof R.FailureCounts>;

export type WinrateResult = z.infer<typeof R.WinrateResult>;

// ---------------------------------------------------------------------------------------------

type Counts = Float64Array; // [M*M*3]: (a, b, outcome) for a < b

const OUTCOME: Record<'A' | 'B' | 'tie', 0 | 1 | 2> = { A: 0, B: 1, tie: 2 };

/** Sorted unique strings. */
const uniq = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

const estimate = (value: number | null, reps: Float64Array | null, level: number): Estimate => intervalOf(value, reps, level);


/**
 * Runs the study. `prefs` may contain any number of raters, dimensions and failures; see the module
 * comment for every definition. Throws RangeError for options that name raters or a baseline that
 * the data do not have (the CLI checks these first and reports them as input errors).
 */
export function runWinrate(prefs: readonly PreferenceRow[], opts: WinrateOptions): WinrateResult {
  const level = opts.level ?? 0.95;
  // One pass over the rows; the verdicts are then kept as typed arrays (cells of one count
  // table), never as per-row objects: at arena scale (millions of verdicts) copies of the rows
  // would cost gigabytes, and a resample only needs each item's weight. Names get indices in
  // order of first appearance here and their sorted positions below.
  const failed: PreferenceRow[] = [];
  const failures: FailureCounts = { total: 0, by_status: nameMap(), by_rater: nameMap() };
  const raterFirst = new Map<string, number>();
  const modelFirst = new Map<string, number>();
  const dimFirst = new Map<string, number>();
  const itemFirst = new Map<string, number>();
  const idOf = (names: Map<string, number>, name: string): number => {
    let k = names.get(name);
    if (k === undefined) names.set(name, (k = names.size));
    return k;
  };
  const L = prefs.length;
  const vItem = new Int32Array(L);
  const vRater = new Int32Array(L);
  const vA = new Int32Array(L);
  const vB = new Int32Array(L);
  const vOutcome = new Uint8Array(L);
  const vDim = new Int32Array(L);
  let nOk = 0;
  // Rows usually come grouped by item and rater: the last name seen saves a lookup.
  let lastItem: string | null = null;
  let lastItemId = -1;
  let lastRater: string | null = null;
  let lastRaterId = -1;
  for (const p of prefs) {
    const r = p.rater === lastRater ? lastRaterId : (lastRaterId = idOf(raterFirst, (lastRater = p.rater)));
    const a = idOf(modelFirst, p.model_a);
    const b = idOf(modelFirst, p.model_b);
    const d = p.dimension !== undefined ? idOf(dimFirst, p.dimension) : -1;
    if (p.status === 'ok' && p.winner !== null) {
      vItem[nOk] = p.item_id === lastItem ? lastItemId : (lastItemId = idOf(itemFirst, (lastItem = p.item_id)));
      vRater[nOk] = r;
      vA[nOk] = a;
      vB[nOk] = b;
      vOutcome[nOk] = OUTCOME[p.winner];
      vDim[nOk] = d;
      nOk++;
      continue;
    }
    failed.push(p);
    const st = p.status === 'ok' ? 'missing' : p.status;
    failures.by_status[st] = (failures.by_status[st] ?? 0) + 1;
    failures.by_rater[p.rater] = (failures.by_rater[p.rater] ?? 0) + 1;
  }
  failures.total = failed.length;

  /** Sorted names, and each first-appearance index's position among them. */
  const sortedOf = (names: Map<string, number>): [string[], Int32Array] => {
    const sorted = uniq(names.keys());
    const pos = new Int32Array(sorted.length);
    sorted.forEach((name, k) => (pos[names.get(name)!] = k));
    return [sorted, pos];
  };
  const [raters, raterPos] = sortedOf(raterFirst);
  const [models, modelPos] = sortedOf(modelFirst);
  const [dims, dimPos] = sortedOf(dimFirst);
  const [items, itemPos] = sortedOf(itemFirst);
  if (opts.compare) for (const r of opts.compare) if (!raters.includes(r)) throw new RangeError(`no rater "${r}" in the preferences (raters: ${raters.join(', ')})`);
  if (opts.baseline !== undefined && !models.includes(opts.baseline)) throw new RangeError(`no model "${opts.baseline}" in the preferences`);

  const M = models.length;
  const R = raters.length;
  const S = 1 + dims.length;
  const N = items.length;
  const modelIx = new Map(models.map((m, i) => [m, i]));
  const raterIx = new Map(raters.map((r, i) => [r, i]));
  // Count table layout: block (scope s, rater r) of M*M*3 cells (a, b, outcome) for a < b, where
  // scope 0 = overall and d + 1 = dimension d; outcome seen from a: 0 a wins, 1 b wins, 2 tie.
  const MM3 = M * M * 3;
  const blockOf = (s: number, r: number): number => (s * R + r) * MM3;
  // Verdicts grouped by item (counting sort): verdict v of item i sits in itemStart[i]..itemStart[i+1]−1,
  // with its overall cell and its dimension cell (−1 without a dimension).
  const itemStart = new Int32Array(N + 1);
  for (let v = 0; v < nOk; v++) itemStart[(vItem[v] = itemPos[vItem[v]!]!) + 1]!++;
  for (let i = 0; i < N; i++) itemStart[i + 1]! += itemStart[i]!;
  const cellAll = new Int32Array(nOk);
  const cellDim = new Int32Array(nOk);
  {
    const fill = itemStart.slice(0, N);
    for (let v = 0; v < nOk; v++) {
      let a = modelPos[vA[v]!]!;
      let b = modelPos[vB[v]!]!;
      let outcome = vOutcome[v]!;
      if (a > b) {
        [a, b] = [b, a];
        if (outcome !== 2) outcome = outcome === 0 ? 1 : 0;
      }
      const r = raterPos[vRater[v]!]!;
      const within = (a * M + b) * 3 + outcome;
      const at = fill[vItem[v]!]!++;
      cellAll[at] = blockOf(0, r) + within;
      cellDim[at] = vDim[v]! >= 0 ? blockOf(dimPos[vDim[v]!]! + 1, r) + within : -1;
    }
  }
  // Comparisons and distinct items per (scope, rater) block.
  const nComp = new Float64Array(S * R);
  const nItemsOf = new Float64Array(S * R);
  {
    const lastItem = new Int32Array(S * R).fill(-1);
    const tally = (block: number, i: number): void => {
      nComp[block]!++;
      if (lastItem[block] !== i) {
        lastItem[block] = i;
        nItemsOf[block]!++;
      }
    };
    for (let i = 0; i < N; i++)
      for (let v = itemStart[i]!; v < itemStart[i + 1]!; v++) {
        tally(Math.floor(cellAll[v]! / MM3), i);
        if (cellDim[v]! >= 0) tally(Math.floor(cellDim[v]! / MM3), i);
      }
  }

  const btPolicy: 'half' | 'davidson' | 'decisive_only' = opts.bt ?? (opts.ties === 'half' ? 'half' : 'decisive_only');
  const baseIx = opts.baseline !== undefined ? modelIx.get(opts.baseline)! : -1;
  const cmp = opts.compare ? ([raterIx.get(opts.compare[0])!, raterIx.get(opts.compare[1])!] as const) : null;

  /** The count table weighted by item multiplicities, as one view per (scope, rater). */
  const countsOf = (mult: ArrayLike<number>, table: Float64Array): Counts[][] => {
    table.fill(0);
    for (let i = 0; i < N; i++) {
      const w = mult[i]!;
      if (w === 0) continue;
      const end = itemStart[i + 1]!;
      if (S === 1) for (let v = itemStart[i]!; v < end; v++) table[cellAll[v]!]! += w;
      else
        for (let v = itemStart[i]!; v < end; v++) {
          table[cellAll[v]!]! += w;
          const d = cellDim[v]!;
          if (d >= 0) table[d]! += w;
        }
    }
    return Array.from({ length: S }, (_, s) => Array.from({ length: R }, (_, r) => table.subarray(blockOf(s, r), blockOf(s, r) + MM3)));
  };

  /** Wins, losses, ties of model m (against the baseline if set, else everyone). */
  const record = (cnt: Counts, m: number): [number, number, number] => {
    let w = 0;
    let l = 0;
    let t = 0;
    for (let o = 0; o < M; o++) {
      if (o === m || (baseIx >= 0 && m !== baseIx && o !== baseIx)) continue;
      const [a, b] = m < o ? [m, o] : [o, m];
      const base = (a * M + b) * 3;
      const wa = cnt[base]!;
      const wb = cnt[base + 1]!;
      t += cnt[base + 2]!;
      if (m === a) {
        w += wa;
        l += wb;
      } else {
        w += wb;
        l += wa;
      }
    }
    return [w, l, t];
  };
  const ratio = (w: number, l: number, t: number): number => (opts.ties === 'half' ? (w + l + t > 0 ? (w + t / 2) / (w + l + t) : NaN) : w + l > 0 ? w / (w + l) : NaN);

  const fitBt = (cnt: Counts, present: number[]) => {
    const pairs: PairCounts[] = [];
    for (let x = 0; x < present.length; x++) {
      for (let y = x + 1; y < present.length; y++) {
        const base = (present[x]! * M + present[y]!) * 3;
        const t = btPolicy === 'decisive_only' ? 0 : cnt[base + 2]!;
        if (cnt[base]! + cnt[base + 1]! + t > 0) pairs.push({ i: x, j: y, wins_i: cnt[base]!, wins_j: cnt[base + 1]!, ties: t });
      }
    }
    return bradleyTerry(present.length, pairs, { ties: btPolicy === 'davidson' ? 'davidson' : 'half' });
  };

  /** Models with at least one comparison in (scope, rater). */
  const presentModels = (cnt: Counts): number[] => {
    const seen = new Uint8Array(M);
    for (let a = 0; a < M; a++)
      for (let b = a + 1; b < M; b++) {
        const base = (a * M + b) * 3;
        if (cnt[base]! + cnt[base + 1]! + cnt[base + 2]! > 0) seen[a] = seen[b] = 1;
      }
    return [...seen.keys()].filter((m) => seen[m] === 1);
  };

  // The models reported per (scope, rater) are those of the full data.
  const allOnes = new Float64Array(N).fill(1);
  const pointCounts = countsOf(allOnes, new Float64Array(S * R * MM3));
  const table = new Float64Array(S * R * MM3);
  const reported: number[][][] = pointCounts.map((byRater) => byRater.map((cnt) => presentModels(cnt)));

  /** Every bootstrapped statistic of one resample, in a fixed layout. */
  interface Layout {
    wr: number[][][]; // [scope][rater][k] slot of win ratio of reported model k
    bt: number[][][];
    rank: number[][][];
    cmp: { rho: number; tau: number; maxd: number; diff: number[]; agreeAll: number; agreeNoTie: number; models: number[] }[];
  }
  let nSlots = 0;
  const slot = (): number => nSlots++;
  const cmpModels: number[][] = [];
  const layout: Layout = {
    wr: reported.map((byRater) => byRater.map((ms) => ms.map(slot))),
    bt: reported.map((byRater) => byRater.map((ms) => ms.map(slot))),
    rank: reported.map((byRater) => byRater.map((ms) => ms.map(slot))),
    cmp: [],
  };
  if (cmp) {
    for (let s = 0; s < S; s++) {
      const ma = reported[s]![cmp[0]]!;
      const mb = new Set(reported[s]![cmp[1]]!);
      const common = ma.filter((m) => mb.has(m));
      cmpModels.push(common);
      layout.cmp.push({ rho: slot(), tau: slot(), maxd: slot(), diff: common.map(slot), agreeAll: slot(), agreeNoTie: slot(), models: common });
    }
  }

  // Matched verdicts of the two compared raters (same item, pair and dimension), orientation
  // aligned: item, dimension scope (0 without one), whether they agree, whether neither is a tie.
  const mItem: number[] = [];
  const mDimScope: number[] = [];
  const mSame: number[] = [];
  const mNoTie: number[] = [];
  if (cmp) {
    // Key of a verdict within its item: pair cell (a, b) and dimension scope.
    const keyOf = (v: number): number => Math.floor((cellAll[v]! % MM3) / 3) * S + (cellDim[v]! >= 0 ? Math.floor(cellDim[v]! / MM3 / R) : 0);
    const raterOf = (v: number): number => Math.floor(cellAll[v]! / MM3);
    for (let i = 0; i < N; i++) {
      const byKey = new Map<number, number>();
      for (let v = itemStart[i]!; v < itemStart[i + 1]!; v++) if (raterOf(v) === cmp[0]) byKey.set(keyOf(v), cellAll[v]! % 3);
      for (let v = itemStart[i]!; v < itemStart[i + 1]!; v++) {
        if (raterOf(v) !== cmp[1]) continue;
        const oa = byKey.get(keyOf(v));
        if (oa === undefined) continue;
        const ob = cellAll[v]! % 3;
        mItem.push(i);
        mDimScope.push(cellDim[v]! >= 0 ? Math.floor(cellDim[v]! / MM3 / R) : 0);
        mSame.push(oa === ob ? 1 : 0);
        mNoTie.push(oa !== 2 && ob !== 2 ? 1 : 0);
      }
    }
  }
  /**
   * MT-Bench pair agreement per scope under item multiplicities: the counts `mtBenchAgreement`
   * would make of the resample's vote lists (each matched pair repeated as often as its item).
   */
  const agreementOf = (mult: ArrayLike<number>) => {
    const n = new Float64Array(S);
    const agree = new Float64Array(S);
    const nNoTie = new Float64Array(S);
    const agreeNoTie = new Float64Array(S);
    for (let k = 0; k < mItem.length; k++) {
      const w = mult[mItem[k]!]!;
      if (w === 0) continue;
      const d = mDimScope[k]!;
      for (const s of d > 0 ? [0, d] : [0]) {
        n[s]! += w;
        agree[s]! += w * mSame[k]!;
        nNoTie[s]! += w * mNoTie[k]!;
        agreeNoTie[s]! += w * mSame[k]! * mNoTie[k]!;
      }
    }
    return Array.from({ length: S }, (_, s) => ({
      with_ties: n[s] === 0 ? null : agree[s]! / n[s]!,
      without_ties: nNoTie[s] === 0 ? null : agreeNoTie[s]! / nNoTie[s]!,
      n_with_ties: n[s]!,
      n_without_ties: nNoTie[s]!,
    }));
  };

  const compute = (mult: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(nSlots).fill(NaN);
    const counts = countsOf(mult, table);
    const agreement = cmp ? agreementOf(mult) : [];
    const wrCache: number[][][] = [];
    for (let s = 0; s < S; s++) {
      wrCache.push([]);
      for (let r = 0; r < R; r++) {
        const cnt = counts[s]![r]!;
        const ms = reported[s]![r]!;
        const wr = ms.map((m) => ratio(...record(cnt, m)));
        wrCache[s]!.push(wr);
        ms.forEach((_, k) => (out[layout.wr[s]![r]![k]!] = wr[k]!));
        if (ms.length === 0) continue;
        const present = presentModels(cnt).filter((m) => ms.includes(m));
        const fit = present.length > 0 ? fitBt(cnt, present) : null;
        const bt = ms.map((m) => {
          const k = present.indexOf(m);
          return fit && k >= 0 ? fit.log_strength[k]! : NaN;
        });
        const rk = ranksDescending(bt);
        ms.forEach((_, k) => {
          out[layout.bt[s]![r]![k]!] = bt[k]!;
          out[layout.rank[s]![r]![k]!] = rk[k]!;
        });
      }
      if (cmp) {
        const L = layout.cmp[s]!;
        const ia = reported[s]![cmp[0]]!;
        const ib = reported[s]![cmp[1]]!;
        const xa = L.models.map((m) => wrCache[s]![cmp[0]]![ia.indexOf(m)]!);
        const xb = L.models.map((m) => wrCache[s]![cmp[1]]![ib.indexOf(m)]!);
        out[L.rho] = spearman(xa, xb) ?? NaN;
        out[L.tau] = kendallTauB(xa, xb) ?? NaN;
        let maxd = NaN;
        L.models.forEach((_, k) => {
          const d = xa[k]! - xb[k]!;
          out[L.diff[k]!] = d;
          if (Number.isFinite(d) && !(Math.abs(d) <= maxd)) maxd = Math.abs(d);
        });
        out[L.maxd] = maxd;
        const ag = agreement[s]!;
        out[L.agreeAll] = ag.with_ties ?? NaN;
        out[L.agreeNoTie] = ag.without_ties ?? NaN;
      }
    }
    return out;
  };

  // One pass of resamples (stats/resample.ts): every statistic sees the same resampled items.
  const point = compute(allOnes);
  const { replicates } = bootstrapCounts(N, point.length, (mult, b) => (b < 0 ? point : compute(mult)), {
    resamples: opts.resamples,
    seed: opts.seed,
  });
  const column = (k: number): Float64Array | null => (replicates[k]!.length ? replicates[k]! : null);
  const est = (k: number): Estimate => estimate(Number.isFinite(point[k]!) ? point[k]! : null, column(k), level);

  const scopeResult = (s: number): ScopeResult => {
    const out: ScopeResult = { raters: {} };
    for (let r = 0; r < R; r++) {
      const ms = reported[s]![r]!;
      const cnt = pointCounts[s]![r]!;
      const scopeFailures = failed.filter((f) => f.rater === raters[r] && (s === 0 || f.dimension === dims[s - 1])).length;
      if (ms.length === 0 && scopeFailures === 0) continue;
      const fit = ms.length > 0 ? fitBt(cnt, ms) : null;
      const modelsOut: Record<string, ModelWinrate> = nameMap();
      const btPoint = ms.map((_, k) => point[layout.bt[s]![r]![k]!]!);
      const order = ms.map((_, k) => k).sort((x, y) => btPoint[y]! - btPoint[x]! || models[ms[x]!]!.localeCompare(models[ms[y]!]!));
      ms.forEach((m, k) => {
        const [w, l, t] = record(cnt, m);
        const rankCol = column(layout.rank[s]![r]![k]!);
        modelsOut[models[m]!] = {
          wins: w,
          losses: l,
          ties: t,
          n: w + l + t,
          win_ratio: est(layout.wr[s]![r]![k]!),
          bt_score: est(layout.bt[s]![r]![k]!),
          rank: point[layout.rank[s]![r]![k]!]!,
          rank_ci: rankCol ? percentileInterval(rankCol, level) : { ci_low: null, ci_high: null },
        };
      });
      const matrix: Record<string, Record<string, MatrixCell>> = nameMap();
      for (const m of ms) {
        const row: Record<string, MatrixCell> = nameMap();
        for (const o of ms) {
          if (o === m) continue;
          const [a, b] = m < o ? [m, o] : [o, m];
          const base = (a * M + b) * 3;
          const [w, l] = m === a ? [cnt[base]!, cnt[base + 1]!] : [cnt[base + 1]!, cnt[base]!];
          const t = cnt[base + 2]!;
          const wr = ratio(w, l, t);
          row[models[o]!] = { wins: w, losses: l, ties: t, n: w + l + t, win_ratio: Number.isFinite(wr) ? wr : null };
        }
        matrix[models[m]!] = row;
      }
      out.raters[raters[r]!] = {
        n_items: nItemsOf[s * R + r]!,
        n_comparisons: nComp[s * R + r]!,
        failures: scopeFailures,
        models: modelsOut,
        matrix,
        ranking: order.map((k) => models[ms[k]!]!),
        bt: {
          model: btPolicy,
          tie_parameter: fit?.tie_parameter ?? null,
          ridge: fit?.ridge ?? 0,
          regularized: fit?.regularized ?? false,
          components: fit?.components ?? 0,
          converged: fit?.converged ?? true,
        },
      };
    }
    if (cmp) {
      const L = layout.cmp[s]!;
      let maxModel: string | null = null;
      let best = -1;
      const diff: Record<string, Estimate> = nameMap();
      L.models.forEach((m, k) => {
        const d = point[L.diff[k]!]!;
        diff[models[m]!] = est(L.diff[k]!);
        if (Number.isFinite(d) && Math.abs(d) > best) {
          best = Math.abs(d);
          maxModel = models[m]!;
        }
      });
      const ag = pointAgreement[s]!;
      out.compare = {
        rater_a: raters[cmp[0]]!,
        rater_b: raters[cmp[1]]!,
        models: L.models.map((m) => models[m]!),
        spearman: est(L.rho),
        kendall_tau_b: est(L.tau),
        max_abs_win_ratio_diff: est(L.maxd),
        max_abs_win_ratio_diff_model: maxModel,
        win_ratio_diff: diff,
        pair_agreement_with_ties: est(L.agreeAll),
        pair_agreement_without_ties: est(L.agreeNoTie),
        n_pairs_with_ties: ag.n_with_ties,
        n_pairs_without_ties: ag.n_without_ties,
      };
    }
    return out;
  };

  const pointAgreement = agreementOf(allOnes);
  const overall = scopeResult(0);
  const result: WinrateResult = {
    ties: opts.ties,
    bt_model: btPolicy,
    baseline: opts.baseline ?? null,
    seed: opts.seed,
    resamples: opts.resamples,
    level,
    n_rows: prefs.length,
    n_ok: nOk,
    n_items: N,
    failures,
    ...overall,
  };
  if (dims.length) {
    result.dimensions = {};
    dims.forEach((d, k) => (result.dimensions![d] = scopeResult(k + 1)));
  }
  return result;
}

// The majority rater is a derived rater, built by the one majority rule (ratings/majority.ts).
export { addMajorityRater, type MajorityReport } from '../ratings/majority.ts';
