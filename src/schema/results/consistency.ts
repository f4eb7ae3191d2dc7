import { z } from 'zod';
import { Estimate } from './common.ts';

export const PairedTest = z.object({
  /** What one paired unit is: item, task, dimension, or pair×task / pair (pooled). */
  unit: z.string(),
  n: z.number().int(),
  base_mean: z.number().nullable(),
  tuned_mean: z.number().nullable(),
  /** tuned_mean − base_mean. */
  mean_difference: z.number().nullable(),
  tuned_better: z.number().int(),
  base_better: z.number().int(),
  ties: z.number().int(),
  /** Two-sided exact sign test (statsmodels sign_test); 1 when every pair is a tie. */
  sign_test_p: z.number(),
  /** Two-sided Wilcoxon signed-rank test of tuned − base, zeros dropped (scipy wilcoxon, zero_method 'wilcox'). */
  wilcoxon_p: z.number(),
  /** min(R+, R−) (scipy's two-sided statistic). */
  wilcoxon_statistic: z.number(),
  /** The normal-approximation z when that gives the p-value, else null (exact). */
  wilcoxon_z: z.number().nullable(),
  wilcoxon_method: z.enum(['exact', 'approx']),
  /** Rosenthal's r = Z/√n of the signed-rank test; null when undefined. */
  effect_size_r: z.number().nullable(),
  /** Matched-pairs rank-biserial correlation (R+ − R−)/(R+ + R−); null with no non-zero difference. */
  rank_biserial: z.number().nullable(),
  /** Unit labels, in the order of the vectors (items are not listed: they can be many). */
  units: z.array(z.string()).optional(),
});

export const ModelPairComparison = z.object({
  base: z.string(),
  tuned: z.string(),
  mcq: PairedTest,
  open: PairedTest,
  open_score: PairedTest.nullable(),
  by_task: z.object({ mcq: PairedTest, open: PairedTest, open_score: PairedTest.nullable() }).nullable(),
  by_dimension: PairedTest.nullable(),
});

export const PooledComparison = z.object({
  pairs: z.array(z.string()),
  mcq: PairedTest,
  open: PairedTest,
  open_score: PairedTest.nullable(),
});

export const ModelConsistency = z.object({
  model: z.string(),
  /** Pairs with both outcomes present. */
  n: z.number().int(),
  both: z.number().int(),
  mcq_only: z.number().int(),
  open_only: z.number().int(),
  neither: z.number().int(),
  /** (both + neither) / n; null when n = 0. */
  agreement: z.number().nullable(),
  /** φ of the 2 × 2 table; null when a row or column total is 0. */
  phi: z.number().nullable(),
  /** Cohen's κ of the two 0/1 outcomes; null when undefined. */
  kappa: z.number().nullable(),
  /** McNemar's exact test on (mcq_only, open_only); 1 when there is no discordant pair. */
  mcnemar_exact_p: z.number(),
  /** McNemar mid-p (Fagerland, Lydersen and Laake 2013). */
  mcnemar_midp: z.number(),
  /** Uncorrected McNemar χ² and its χ²(1) p-value. */
  mcnemar_chi2: z.number(),
  mcnemar_chi2_p: z.number(),
  mcq_accuracy: z.number().nullable(),
  open_accuracy: z.number().nullable(),
  /** mcq_accuracy − open_accuracy. */
  accuracy_gap: z.number().nullable(),
  /** Pairs of this model left out because a cell was empty. */
  excluded: z.number().int(),
  excluded_ids: z.array(z.string()),
  /** MCQ right, open-ended wrong (option leakage or a guess). */
  mcq_only_ids: z.array(z.string()),
  /** Open-ended right, MCQ wrong (a distractor or an extraction problem). */
  open_only_ids: z.array(z.string()),
  /** Item-level percentile bootstrap intervals, when resamples > 0. */
  intervals: z.object({ agreement: Estimate, kappa: Estimate, mcq_accuracy: Estimate, open_accuracy: Estimate, accuracy_gap: Estimate }).optional(),
});

/** The result of the MCQ ↔ open-ended consistency study (`judgekit consistency`, the `consistency` stage). */
export const ConsistencyResult = z.object({
  /** Whether `open_correct` held 0/1 outcomes or scores cut at the threshold. */
  open_form: z.enum(['binary', 'score']),
  /** The threshold applied (null for 0/1 outcomes). */
  threshold: z.number().nullable(),
  rows: z.number().int(),
  pairs: z.number().int(),
  models: z.record(z.string(), ModelConsistency),
  /** One entry per requested BASE:TUNED pair, keyed "base:tuned". */
  paired: z.record(z.string(), ModelPairComparison).optional(),
  /** All requested pairs pooled (only with two or more pairs). */
  paired_pooled: PooledComparison.optional(),
  bootstrap: z.object({ resamples: z.number().int(), seed: z.number().int(), level: z.number() }).optional(),
  warnings: z.array(z.string()),
});
