import { z } from 'zod';
import { BootstrapInfo, Estimate, Level } from './common.ts';

export const TuningStatistic = z.enum(['kappa', 'alpha', 'spearman', 'pearson', 'agreement']);

export const StatSet = z.object({ kappa: Estimate.nullable(), alpha: Estimate.nullable(), spearman: Estimate.nullable(), pearson: Estimate.nullable(), agreement: Estimate.nullable() });

export const CandidateStats = z.object({
  candidate: z.string(),
  /** Units with a candidate rating and a human reference (majority or mean). */
  n_units: z.number().int(),
  stats: StatSet,
  dimensions: z.record(z.string(), z.object({ n_units: z.number().int(), stats: StatSet })).optional(),
});

export const Difference = z.object({
  a: z.string(),
  b: z.string(),
  /** b − a on the same items and resamples (paired bootstrap); null where either side is undefined. */
  stats: StatSet,
  dimensions: z.record(z.string(), StatSet).optional(),
});

const NumOrNull = z.record(z.string(), z.number().nullable());

export const FoldResult = z.object({
  fold: z.number().int(),
  n_tune: z.number().int(),
  n_test: z.number().int(),
  winner: z.string(),
  tune: NumOrNull,
  test: NumOrNull,
});

export const CriterionAgreement = z.object({ dimension: z.string(), n_units: z.number().int(), stats: StatSet });

export const CriterionCorrelations = z.object({
  dimensions: z.array(z.string()),
  /** Spearman ρ between the candidate's scores of two criteria over the (item, model) pairs rated on both. */
  matrix: z.array(z.array(z.number().nullable())),
  n: z.array(z.array(z.number().int())),
  threshold: z.number(),
  flagged: z.array(z.object({ a: z.string(), b: z.string(), rho: z.number(), n: z.number().int() })),
});

export const WeightingRanking = z.object({
  name: z.string(),
  weights: z.record(z.string(), z.number()),
  totals: NumOrNull,
  ranks: NumOrNull,
  /** Kendall τ-b between this ranking and the one under the rubric's weights. */
  kendall_tau_b_vs_rubric: z.number().nullable(),
  /** Kendall τ-b between this ranking and the humans' ranking under the rubric's weights. */
  kendall_tau_b_vs_humans: z.number().nullable(),
});

export const WeightsAnalysis = z.object({
  models: z.array(z.string()),
  criteria: z.array(z.string()),
  /** Units (item, model) with a score on every criterion: the only ones that have a total. */
  n_complete: z.record(z.string(), z.number().int()),
  rankings: z.array(WeightingRanking),
  humans: z.object({ totals: NumOrNull, ranks: NumOrNull, n_complete: z.record(z.string(), z.number().int()) }).nullable(),
});

export const CandidateDiagnostics = z.object({
  candidate: z.string(),
  /** Per-criterion agreement with humans on all items, lowest selection statistic first. */
  criteria: z.array(CriterionAgreement),
  correlations: CriterionCorrelations.nullable(),
  weights: WeightsAnalysis.nullable(),
  notes: z.array(z.string()),
});

/** The result of the rubric-tuning study (`judgekit tune`, the `tuning` stage). */
export const TuningResult = z.object({
  level: Level,
  statistic: TuningStatistic,
  candidates: z.array(z.string()),
  humans: z.array(z.string()),
  n_items: z.number().int(),
  n_units: z.number().int(),
  dimensions: z.array(z.string()),
  split: z.discriminatedUnion('method', [
    z.object({ method: z.literal('holdout'), test_fraction: z.number(), seed: z.number().int(), n_tune: z.number().int(), n_test: z.number().int() }),
    z.object({ method: z.literal('kfold'), folds: z.number().int(), seed: z.number().int(), n_tune: z.array(z.number().int()), n_test: z.array(z.number().int()) }),
  ]),
  /** Candidate failures (failed ratings in the labels plus failed judgments), per candidate and status. */
  failures: z.record(z.string(), z.record(z.string(), z.number().int())),
  /** Units left out of κ/agreement for want of a strict human majority (nominal), over all items. */
  no_majority: z.number().int(),
  winner: z.string(),
  /** Hold-out: the winner's selection statistic on the tuning part (in-sample) and on the test part. */
  winner_tune_value: z.number().nullable(),
  winner_test_value: z.number().nullable(),
  /** Every candidate on the evaluated items (hold-out: the test part; k-fold: all items, each held out once). */
  evaluation: z.array(CandidateStats),
  differences: z.array(Difference),
  folds: z.array(FoldResult).optional(),
  wins: z.record(z.string(), z.number().int()).optional(),
  /** K-fold: agreement of the ratings of each fold's winner on the items that fold held out, pooled. */
  selected_pooled: CandidateStats.optional(),
  diagnostics: z.array(CandidateDiagnostics),
  bootstrap: BootstrapInfo,
  notes: z.array(z.string()),
});
