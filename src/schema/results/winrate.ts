import { z } from 'zod';
import { JudgeFingerprint } from '../records.ts';
import { Bounds, Estimate } from './common.ts';

export const TiesPolicy = z.enum(['half', 'drop']);
export const BtModel = z.enum(['half', 'davidson', 'decisive_only']);

export const ModelWinrate = z.object({
  wins: z.number(),
  losses: z.number(),
  ties: z.number(),
  n: z.number(),
  win_ratio: Estimate,
  bt_score: Estimate,
  rank: z.number(),
  rank_ci: Bounds,
});

export const MatrixCell = z.object({ wins: z.number(), losses: z.number(), ties: z.number(), n: z.number(), win_ratio: z.number().nullable() });

export const RaterWinrate = z.object({
  n_items: z.number().int(),
  n_comparisons: z.number().int(),
  failures: z.number().int(),
  models: z.record(z.string(), ModelWinrate),
  /** matrix[row][column]: the row model's record against the column model. */
  matrix: z.record(z.string(), z.record(z.string(), MatrixCell)),
  /** Models from strongest to weakest by bt_score. */
  ranking: z.array(z.string()),
  bt: z.object({
    model: BtModel,
    tie_parameter: z.number().nullable(),
    ridge: z.number(),
    regularized: z.boolean(),
    components: z.number().int(),
    converged: z.boolean(),
  }),
});

export const CompareBlock = z.object({
  rater_a: z.string(),
  rater_b: z.string(),
  models: z.array(z.string()),
  spearman: Estimate,
  kendall_tau_b: Estimate,
  max_abs_win_ratio_diff: Estimate,
  /** The model with the largest |difference| in the point estimate. */
  max_abs_win_ratio_diff_model: z.string().nullable(),
  /** rater_a's minus rater_b's win ratio, per model. */
  win_ratio_diff: z.record(z.string(), Estimate),
  pair_agreement_with_ties: Estimate,
  pair_agreement_without_ties: Estimate,
  n_pairs_with_ties: z.number().int(),
  n_pairs_without_ties: z.number().int(),
});

export const ScopeResult = z.object({
  raters: z.record(z.string(), RaterWinrate),
  compare: CompareBlock.optional(),
});

export const FailureCounts = z.object({
  total: z.number().int(),
  by_status: z.record(z.string(), z.number().int()),
  by_rater: z.record(z.string(), z.number().int()),
});

/** The result of the win-ratio study (`judgekit winrate`). */
export const WinrateResult = ScopeResult.extend({
  ties: TiesPolicy,
  bt_model: BtModel,
  baseline: z.string().nullable(),
  seed: z.number().int(),
  resamples: z.number().int(),
  level: z.number(),
  n_rows: z.number().int(),
  n_ok: z.number().int(),
  n_items: z.number().int(),
  failures: FailureCounts,
  dimensions: z.record(z.string(), ScopeResult).optional(),
});

export const MajorityReport = z.object({
  rater: z.string(),
  from: z.array(z.string()),
  /** (item, pair, dimension) groups with at least one vote by the listed raters. */
  n_groups: z.number().int(),
  n_majority: z.number().int(),
  /** Groups where no verdict has a strict majority of the listed raters; excluded. */
  without_majority: z.array(z.object({ item_id: z.string(), model_a: z.string(), model_b: z.string(), dimension: z.string().optional() })),
});

/** `<stage>.json` of a `winrate` stage: the study result, the majority rater's report, and how pairs were made from ratings. */
export const WinrateStageResult = WinrateResult.extend({
  majority: MajorityReport.optional(),
  /** Pairs made from single-answer ratings (a label file): the tie margin, the mean rater, units left out of it. */
  from_ratings: z.object({ margin: z.number(), mean_of: z.object({ name: z.string(), raters: z.array(z.string()), min: z.number().int().optional() }).nullable(), missing_mean: z.number().int() }).optional(),
  /** Pairs made from a judge's per-criterion scores (`scores` or `judge_stage`): the tie margin, ok judgments, failures. */
  from_scores: z.object({ margin: z.number(), n_ok: z.number().int(), failures: z.object({ total: z.number().int(), by_status: z.record(z.string(), z.number().int()) }) }).optional(),
});

/** Swap consistency of a pairwise judge seen in both orders. */
export const SwapConsistency = z.object({
  n_items: z.number().int(),
  n_both_ok: z.number().int(),
  /** Items with at least one failed order. */
  n_failed: z.number().int(),
  flip_rate: Estimate,
  positional_agreement: Estimate,
  first_position_rate: Estimate,
  n_decisive_verdicts: z.number().int(),
  flips: z.number().int(),
  flips_to_first: z.number().int(),
  flips_to_second: z.number().int(),
  /** Null where no record has gold. */
  accuracy_ab: Estimate.nullable(),
  accuracy_ba: Estimate.nullable(),
  accuracy_mean: Estimate.nullable(),
  both_orders_correct: Estimate.nullable(),
  n_gold: z.number().int(),
});

export const SwapRow = z.object({
  set: z.string(),
  judge: z.string(),
  strategy: z.string(),
  /** The judge setup's fingerprint: the judge audit groups rows by it, not by name. */
  fingerprint: JudgeFingerprint.optional(),
  stats: SwapConsistency,
});

/** `<stage>.json` of a `swap` stage. */
export const SwapResult = z.object({ rows: z.array(SwapRow) });
