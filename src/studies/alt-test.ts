/**
 * The alternative annotator test (alt-test) of Calderon, Reichart and Dror, "The Alternative
 * Annotator Test for LLM-as-a-Judge: How to Statistically Justify Replacing Human Annotators with
 * LLMs", ACL 2025 (arXiv 2501.10970). It follows the authors' reference function `alt_test` in
 * `alt_test_example.ipynb` of github.com/nitaytech/AltTest exactly:
 *
 * 1. Keep the items rated by the judge and by at least `min_humans_per_item` humans (2 in their
 *    code: the left-out human plus at least one other to compare with).
 * 2. For each human j with at least `min_items_per_human` kept items (30 in their code, for the
 *    t-test's normality; others are skipped and listed), on each of j's items: the alignment of
 *    the judge and of j with the remaining humans' labels, S(x, rest), where
 *      accuracy: S = mean over the rest of [x == label]          (categorical labels)
 *      rmse:     S = −sqrt(mean over the rest of (x − label)²)   (numeric labels; "neg_rmse")
 *    W_judge = [S(judge) ≥ S(j)], W_human = [S(j) ≥ S(judge)], d = W_human − W_judge.
 * 3. H0: mean(d) ≥ ε, i.e. the judge's advantage rate is at most the human's minus ε; one-sided
 *    t-test of d against ε (scipy `ttest_1samp(d, ε, alternative='less')`, which is the paired
 *    t-test of W_human against W_judge + ε).
 * 4. Benjamini–Yekutieli over the tested humans at q (0.05); the winning rate is the share of
 *    humans whose H0 is rejected, and the judge passes when the winning rate is ≥ 0.5.
 * 5. The advantage probability ρ is the mean over tested humans of mean(W_judge): how often the
 *    judge is at least as aligned with the others as the left-out human is.
 *
 * ε is the cost-benefit margin; the authors suggest 0.2 for expert annotators, 0.15 for skilled
 * ones and 0.1 for crowd workers (and a smaller ε when inter-annotator agreement is low). They
 * recommend at least 3 humans (with 2, each is only compared with the other): `warnings` says so.
 *
 * Degenerate cases (defined here; scipy gives ±inf or NaN): a human with constant d has t = ∓∞,
 * p = 0 when mean(d) < ε and p = 1 when mean(d) > ε (as scipy), and p = null (never rejected)
 * when mean(d) = ε exactly or fewer than 2 items. A null p counts in the number of hypotheses of
 * the BY correction but is never rejected, as NaN is in the reference code. With no human
 * tested, the winning rate, ρ and `passed` are null.
 */
import { benjaminiYekutieli, pairedTTest } from '../stats/tests.ts';
import type { z } from 'zod';
import type * as R from '../schema/results/agreement.ts';

export type AltTestMetric = 'accuracy' | 'rmse';

export interface AltTestOptions {
  epsilon: number;
  metric: AltTestMetric;
  /** False discovery rate of the BY correction. */
  q?: number;
  minHumansPerItem?: number;
  minItemsPerHuman?: number;
}

export type AltTestRater = z.infer<typeof R.AltTestRater>;

export type AltTestResult = z.infer<typeof R.AltTestResult>;

/**
 * Runs the alt-test on unit-aligned labels: `judge[u]` and `humans[h].values[u]` are the labels
 * of unit u, NaN where missing. Categorical labels are compared by equality (pass codes).
 */
export function altTest(
  judge: ArrayLike<number>,
  humans: { rater: string; values: ArrayLike<number> }[],
  opts: AltTestOptions,
): AltTestResult {
  const q = opts.q ?? 0.05;
  const minHumans = opts.minHumansPerItem ?? 2;
  const minItems = opts.minItemsPerHuman ?? 30;
  const nUnits = judge.length;
  const kept: number[] = [];
  for (let u = 0; u < nUnits; u++) {
    if (Number.isNaN(judge[u]!)) continue;
    let c = 0;
    for (const h of humans) if (!Number.isNaN(h.values[u]!)) c++;
    if (c >= minHumans) kept.push(u);
  }
  const score = opts.metric === 'accuracy' ? accuracyScore : negRmseScore;
  const perRater: Omit<AltTestRater, 'adjusted_p_value' | 'rejected'>[] = [];
  const skipped: AltTestResult['skipped'] = [];
  const rest: number[] = [];
  for (let j = 0; j < humans.length; j++) {
    const own = humans[j]!.values;
    const units = kept.filter((u) => !Number.isNaN(own[u]!));
    if (units.length < minItems) {
      skipped.push({ rater: humans[j]!.rater, n_items: units.length, reason: `fewer than ${minItems} items` });
      continue;
    }
    const d = new Float64Array(units.length);
    let wJudge = 0;
    let wHuman = 0;
    units.forEach((u, i) => {
      rest.length = 0;
      for (let h = 0; h < humans.length; h++) {
        if (h === j) continue;
        const v = humans[h]!.values[u]!;
        if (!Number.isNaN(v)) rest.push(v);
      }
      const sHuman = score(own[u]!, rest);
      const sJudge = score(judge[u]!, rest);
      const a = sJudge >= sHuman ? 1 : 0;
      const b = sHuman >= sJudge ? 1 : 0;
      wJudge += a;
      wHuman += b;
      d[i] = b - a;
    });
    const { t, p } = oneSidedLess(d, opts.epsilon);
    perRater.push({
      rater: humans[j]!.rater,
      n_items: units.length,
      judge_advantage: wJudge / units.length,
      human_advantage: wHuman / units.length,
      t,
      p_value: p,
    });
  }
  const warnings: string[] = [];
  if (humans.length < 3) warnings.push(`only ${humans.length} human rater(s): the authors recommend at least 3`);
  if (perRater.length === 0) {
    return {
      epsilon: opts.epsilon, q, metric: opts.metric, winning_rate: null, passed: null, advantage_probability: null,
      n_items: kept.length, n_humans_tested: 0, min_humans_per_item: minHumans, min_items_per_human: minItems,
      per_rater: [], skipped, warnings: [...warnings, 'no human had enough items to be tested'],
    };
  }
  // A null p stands in as 1: it counts in m and is never rejected (NaN in the reference code).
  const by = benjaminiYekutieli(perRater.map((r) => r.p_value ?? 1), q);
  const rows: AltTestRater[] = perRater.map((r, i) => ({
    ...r,
    adjusted_p_value: r.p_value === null ? null : Math.min(1, by.adjusted[i]!),
    rejected: r.p_value !== null && Boolean(by.rejected[i]),
  }));
  const winning = rows.filter((r) => r.rejected).length / rows.length;
  const rho = rows.reduce((s, r) => s + r.judge_advantage, 0) / rows.length;
  return {
    epsilon: opts.epsilon,
    q,
    metric: opts.metric,
    winning_rate: winning,
    passed: winning >= 0.5,
    advantage_probability: rho,
    n_items: kept.length,
    n_humans_tested: rows.length,
    min_humans_per_item: minHumans,
    min_items_per_human: minItems,
    per_rater: rows,
    skipped,
    warnings,
  };
}

function accuracyScore(x: number, rest: number[]): number {
  let s = 0;
  for (const v of rest) if (v === x) s++;
  return s / rest.length;
}

function negRmseScore(x: number, rest: number[]): number {
  let s = 0;
  for (const v of rest) s += (x - v) * (x - v);
  return -Math.sqrt(s / rest.length);
}

/** One-sided t-test of mean(d) < ε, with the zero-variance cases scipy reports as t = ±∞. */
function oneSidedLess(d: Float64Array, epsilon: number): { t: number | null; p: number | null } {
  const n = d.length;
  if (n < 2) return { t: null, p: null };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += d[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (d[i]! - mean) * (d[i]! - mean);
  if (ss === 0) {
    if (mean < epsilon) return { t: null, p: 0 };
    if (mean > epsilon) return { t: null, p: 1 };
    return { t: null, p: null };
  }
  const r = pairedTTest(Array.from(d), new Array<number>(n).fill(epsilon), 'less');
  return { t: r.t !== null && Number.isFinite(r.t) ? r.t : null, p: r.p_value !== null && Number.isFinite(r.p_value) ? r.p_value : null };
}
