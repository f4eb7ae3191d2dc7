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
import { bootstrapVector, intervalOf } from '../stats/resample.ts';
import { ranksDescending } from '../stats/rank.ts';
import { bradleyTerry, type PairCounts } from '../stats/bradley-terry.ts';
import { mtBenchAgreement, type PairwiseVote } from '../stats/classification.ts';
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

interface Comparison {
  scopes: number[]; // 0 = overall, d + 1 = dimension d
  rater: number;
  /** Model indices with a < b, and the outcome seen from a: 0 a wins, 1 b wins, 2 tie. */
  a: number;
  b: number;
  outcome: 0 | 1 | 2;
  key: string; // item, pair and dimension, for pair-level agreement
}

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
  const ok = prefs.filter((p) => p.status === 'ok' && p.winner !== null);
  const failed = prefs.filter((p) => !(p.status === 'ok' && p.winner !== null));
  const failures: FailureCounts = { total: failed.length, by_status: nameMap(), by_rater: nameMap() };
  for (const f of failed) {
    const s = f.status === 'ok' ? 'missing' : f.status;
    failures.by_status[s] = (failures.by_status[s] ?? 0) + 1;
    failures.by_rater[f.rater] = (failures.by_rater[f.rater] ?? 0) + 1;
  }

  const raters = uniq(prefs.map((p) => p.rater));
  const models = uniq(prefs.flatMap((p) => [p.model_a, p.model_b]));
  const dims = uniq(prefs.flatMap((p) => (p.dimension !== undefined ? [p.dimension] : [])));
  const items = uniq(ok.map((p) => p.item_id));
  if (opts.compare) for (const r of opts.compare) if (!raters.includes(r)) throw new RangeError(`no rater "${r}" in the preferences (raters: ${raters.join(', ')})`);
  if (opts.baseline !== undefined && !models.includes(opts.baseline)) throw new RangeError(`no model "${opts.baseline}" in the preferences`);

  const M = models.length;
  const R = raters.length;
  const S = 1 + dims.length;
  const modelIx = new Map(models.map((m, i) => [m, i]));
  const raterIx = new Map(raters.map((r, i) => [r, i]));
  const itemIx = new Map(items.map((it, i) => [it, i]));
  const dimIx = new Map(dims.map((d, i) => [d, i]));
  const perItem: Comparison[][] = items.map(() => []);
  for (const p of ok) {
    let a = modelIx.get(p.model_a)!;
    let b = modelIx.get(p.model_b)!;
    let outcome = OUTCOME[p.winner!];
    if (a > b) {
      [a, b] = [b, a];
      if (outcome !== 2) outcome = outcome === 0 ? 1 : 0;
    }
    const scopes = [0];
    if (p.dimension !== undefined) scopes.push(dimIx.get(p.dimension)! + 1);
    perItem[itemIx.get(p.item_id)!]!.push({
      scopes,
      rater: raterIx.get(p.rater)!,
      a,
      b,
      outcome,
      key: `${p.item_id}\u0000${a}\u0000${b}\u0000${p.dimension ?? ''}`,
    });
  }

  const btPolicy: 'half' | 'davidson' | 'decisive_only' = opts.bt ?? (opts.ties === 'half' ? 'half' : 'decisive_only');
  const baseIx = opts.baseline !== undefined ? modelIx.get(opts.baseline)! : -1;
  const cmp = opts.compare ? ([raterIx.get(opts.compare[0])!, raterIx.get(opts.compare[1])!] as const) : null;

  const countsOf = (mult: ArrayLike<number>): Counts[][] => {
    const counts: Counts[][] = Array.from({ length: S }, () => Array.from({ length: R }, () => new Float64Array(M * M * 3)));
    for (let i = 0; i < perItem.length; i++) {
      const w = mult[i]!;
      if (w === 0) continue;
      for (const c of perItem[i]!) for (const s of c.scopes) counts[s]![c.rater]![(c.a * M + c.b) * 3 + c.outcome]! += w;
    }
    return counts;
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
  const allOnes = new Float64Array(items.length).fill(1);
  const pointCounts = countsOf(allOnes);
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

  // Matched verdict pairs of the two compared raters, per item, per scope: votes oriented a<b.
  const matched: { scope: number[]; va: PairwiseVote; vb: PairwiseVote }[][] = items.map(() => []);
  if (cmp) {
    const votes: PairwiseVote[] = ['A', 'B', 'tie'];
    for (let i = 0; i < perItem.length; i++) {
      const byKey = new Map<string, Comparison>();
      for (const c of perItem[i]!) if (c.rater === cmp[0]) byKey.set(c.key, c);
      for (const c of perItem[i]!) {
        if (c.rater !== cmp[1]) continue;
        const other = byKey.get(c.key);
        if (other) matched[i]!.push({ scope: c.scopes, va: votes[other.outcome]!, vb: votes[c.outcome]! });
      }
    }
  }

  const compute = (mult: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(nSlots).fill(NaN);
    const counts = countsOf(mult);
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
        const va: PairwiseVote[] = [];
        const vb: PairwiseVote[] = [];
        for (let i = 0; i < matched.length; i++) {
          const w = mult[i]!;
          for (let k = 0; k < w; k++)
            for (const m of matched[i]!) {
              if (!m.scope.includes(s)) continue;
              va.push(m.va);
              vb.push(m.vb);
            }
        }
        const ag = mtBenchAgreement(va, vb);
        out[L.agreeAll] = ag.with_ties ?? NaN;
        out[L.agreeNoTie] = ag.without_ties ?? NaN;
      }
    }
    return out;
  };

  // One pass of resamples (stats/resample.ts): every statistic sees the same resampled items.
  const point = compute(allOnes);
  const mult = new Float64Array(items.length);
  const { replicates } = bootstrapVector(
    items.length,
    point.length,
    (idx, b) => {
      if (b < 0) return point;
      mult.fill(0);
      for (const i of idx) mult[i]! += 1;
      return compute(mult);
    },
    { resamples: opts.resamples, seed: opts.seed },
  );
  const column = (k: number): Float64Array | null => (replicates[k]!.length ? replicates[k]! : null);
  const est = (k: number): Estimate => estimate(Number.isFinite(point[k]!) ? point[k]! : null, column(k), level);

  const scopeResult = (s: number): ScopeResult => {
    const out: ScopeResult = { raters: {} };
    for (let r = 0; r < R; r++) {
      const ms = reported[s]![r]!;
      const cnt = pointCounts[s]![r]!;
      const scopeItems = new Set<number>();
      let nComp = 0;
      for (let i = 0; i < perItem.length; i++)
        for (const c of perItem[i]!)
          if (c.rater === r && c.scopes.includes(s)) {
            scopeItems.add(i);
            nComp++;
          }
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
        n_items: scopeItems.size,
        n_comparisons: nComp,
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
      const va: PairwiseVote[] = [];
      const vb: PairwiseVote[] = [];
      for (const list of matched) for (const m of list) if (m.scope.includes(s)) (va.push(m.va), vb.push(m.vb));
      const ag = mtBenchAgreement(va, vb);
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

  const overall = scopeResult(0);
  const result: WinrateResult = {
    ties: opts.ties,
    bt_model: btPolicy,
    baseline: opts.baseline ?? null,
    seed: opts.seed,
    resamples: opts.resamples,
    level,
    n_rows: prefs.length,
    n_ok: ok.length,
    n_items: items.length,
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
