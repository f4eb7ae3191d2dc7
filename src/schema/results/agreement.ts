import { z } from 'zod';
import { JudgeFingerprint } from '../records.ts';
import { BootstrapInfo, Estimate, Level } from './common.ts';

export const AltTestMetric = z.enum(['accuracy', 'rmse']);

export const AltTestRater = z.object({
  rater: z.string(),
  n_items: z.number().int(),
  /** Mean of W_judge: the share of items where the judge is at least as aligned as this human. */
  judge_advantage: z.number(),
  /** Mean of W_human. */
  human_advantage: z.number(),
  t: z.number().nullable(),
  p_value: z.number().nullable(),
  /** BY-adjusted p-value (statsmodels `fdr_by`), null where p is null. */
  adjusted_p_value: z.number().nullable(),
  /** H0 rejected: the judge "wins" against this human. */
  rejected: z.boolean(),
});

export const AltTestResult = z.object({
  epsilon: z.number(),
  q: z.number(),
  metric: AltTestMetric,
  winning_rate: z.number().nullable(),
  passed: z.boolean().nullable(),
  advantage_probability: z.number().nullable(),
  n_items: z.number().int(),
  n_humans_tested: z.number().int(),
  min_humans_per_item: z.number().int(),
  min_items_per_human: z.number().int(),
  per_rater: z.array(AltTestRater),
  skipped: z.array(z.object({ rater: z.string(), n_items: z.number().int(), reason: z.string() })),
  warnings: z.array(z.string()),
});

const E = Estimate;
const En = Estimate.nullable();

export const PairResult = z.object({
  a: z.string(),
  b: z.string(),
  n: z.number().int(),
  percent_agreement: E,
  cohen_kappa: E,
  weighted_kappa_linear: En,
  weighted_kappa_quadratic: En,
  pearson: En,
  spearman: En,
  kendall_tau_b: En,
});

/** Judge (or a human) against a reference: a human, or the consensus of humans. */
export const ComparisonResult = z.object({
  n: z.number().int(),
  /** Raw agreement (nominal: the same as accuracy against the reference). */
  percent_agreement: E,
  /** Null against a numeric mean (κ needs values on the scale). */
  cohen_kappa: En,
  accuracy: En,
  macro_precision: En,
  macro_recall: En,
  macro_f1: En,
  pearson: En,
  spearman: En,
  kendall_tau_b: En,
  /** Mean absolute difference (numeric levels). */
  mae: En,
});

export const ConsensusResult = ComparisonResult.extend({
  /** `majority` (nominal: a strict majority of the humans who rated the unit) or `mean`. */
  consensus: z.enum(['majority', 'mean']),
  /** Units left out because the humans had no strict majority (nominal only). */
  no_majority: z.number().int(),
  /** Units left out because fewer than 2 humans rated them (for a consensus of all humans). */
  too_few_humans: z.number().int(),
  confusion: z.object({ labels: z.array(z.union([z.string(), z.number()])), matrix: z.array(z.array(z.number())) }).optional(),
});

export const CeilingRow = z.object({
  human: z.string(),
  /** This human against the consensus of the other humans. */
  human_vs_rest: ComparisonResult,
  /** The judge against the same consensus, on the same units. */
  judge_vs_rest: ComparisonResult,
  no_majority: z.number().int(),
});

const EstimateMap = z.record(z.string(), En);

export const JudgeValidation = z.object({
  judge: z.string(),
  /** The judge's fingerprint, when its ratings carried one (a judge stage of the run). */
  fingerprint: JudgeFingerprint.optional(),
  humans: z.array(z.string()),
  /** Units the judge rated successfully / units where its rating failed. */
  n_judged: z.number().int(),
  judge_failures: z.number().int(),
  vs_humans: z.array(ComparisonResult.extend({ human: z.string() })),
  vs_consensus: ConsensusResult,
  ceiling: z.object({
    per_human: z.array(CeilingRow),
    /** Mean over humans of human-vs-rest and of judge-vs-rest (the headline comparison). */
    mean_human_vs_rest: EstimateMap,
    mean_judge_vs_rest: EstimateMap,
    /** Mean over human pairs, and mean over humans of judge-vs-human. */
    mean_pairwise_human: EstimateMap,
    mean_pairwise_judge_human: EstimateMap,
  }),
  alt_test: AltTestResult,
});

const Alphas = z.object({ nominal: E, ordinal: E, interval: E });

export const SystemRanking = z.object({
  models: z.array(z.string()),
  /** The raters in order (the keys of `means` and `ranks`; JSON objects put numeric-looking keys first). */
  raters: z.array(z.string()),
  /** rater → model → mean rating over the rater's ratings of that model. */
  means: z.record(z.string(), z.record(z.string(), z.number())),
  /** rater → model → rank (1 = highest mean; ties share the average rank). */
  ranks: z.record(z.string(), z.record(z.string(), z.number())),
  krippendorff_alpha: Alphas,
  /** The same without the judge (when a judge is named). */
  krippendorff_alpha_humans: Alphas.optional(),
});

export const AgreementCore = z.object({
  level: Level,
  n_items: z.number().int(),
  n_units: z.number().int(),
  n_ratings: z.number().int(),
  raters: z.array(z.string()),
  /** Nominal: the categories, in code order. Numeric: the distinct values (the scale). */
  categories: z.array(z.union([z.string(), z.number()])),
  failures: z.record(z.string(), z.number().int()),
  /** Fleiss' observed agreement P̄: the mean over units with ≥ 2 ratings of the share of agreeing rating pairs. */
  percent_agreement: E,
  krippendorff_alpha: E,
  fleiss_kappa: E,
  gwet_ac1: E,
  icc: z.object({ icc2_1: E, icc3_1: E, icc2_k: E, icc3_k: E }).nullable(),
  pairs: z.array(PairResult),
  judge_validation: JudgeValidation.nullable().optional(),
  system_ranking: SystemRanking.nullable().optional(),
  not_applicable: z.record(z.string(), z.string()),
  notes: z.array(z.string()),
});

/** The result of the agreement / judge-validation study (`judgekit agree`, the `agreement` stage). */
export const AgreementResult = AgreementCore.extend({
  bootstrap: BootstrapInfo,
  dimensions: z.record(z.string(), AgreementCore).optional(),
});
