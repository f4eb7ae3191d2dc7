import { z } from 'zod';
import { Tokens } from '../common.ts';
import { JudgeFingerprint } from '../records.ts';
import { Counts, Estimate } from './common.ts';
import { CorrectedModel } from './corrected.ts';

/** A section of a judge's audit: measured, or why not ("not measured in this run: …"). */
const section = <T extends z.ZodType>(item: T) =>
  z.object({
    measured: z.boolean(),
    /** Why it is not measured, or what the reader must know about it. */
    note: z.string().nullable(),
    items: z.array(item),
  });

export const CardConfiguration = z.object({
  stage: z.string(),
  kind: z.string(),
  fingerprint: JudgeFingerprint.nullable(),
  replay: z.boolean(),
  note: z.string(),
});

const EstimateMap = z.record(z.string(), Estimate.nullable());

export const AgreementEntry = z.object({
  stage: z.string(),
  title: z.string(),
  level: z.string(),
  humans: z.array(z.string()),
  n_judged: z.number().int(),
  judge_failures: z.number().int(),
  consensus: z.string(),
  /** The judge against the human majority (nominal) or mean, as the stage reported it. */
  vs_consensus: EstimateMap,
  /** Mean over humans of human-vs-rest, and of judge-vs-rest on the same units (the ceiling). */
  human_ceiling: EstimateMap,
  judge_vs_rest: EstimateMap,
  dimensions: z.record(z.string(), z.object({ vs_consensus: EstimateMap, human_ceiling: EstimateMap, judge_vs_rest: EstimateMap })),
});

export const AltTestEntry = z.object({
  stage: z.string(),
  dimension: z.string().nullable(),
  epsilon: z.number(),
  metric: z.string(),
  winning_rate: z.number().nullable(),
  passed: z.boolean(),
  advantage_probability: z.number().nullable(),
  n_items: z.number().int(),
  n_humans_tested: z.number().int(),
});

export const OrderEntry = z.object({
  stage: z.string(),
  source: z.enum(['swap', 'pairwise', 'preferences']),
  set: z.string(),
  strategy: z.string().nullable(),
  n_items: z.number().int(),
  /** Share of decisive verdicts for the answer shown first (0.5 = no preference). */
  first_position_rate: Estimate.nullable(),
  flip_rate: Estimate.nullable(),
  /** Preferences only: the same share among the listed human raters' verdicts on the same file. */
  human_first_position_rate: Estimate.nullable().optional(),
  humans: z.array(z.string()).optional(),
  note: z.string().optional(),
});

export const LengthEntry = z.object({
  stage: z.string(),
  n: z.number().int(),
  mean_chars: z.number(),
  /** OLS slope of the total score per 100 characters of answer, with its 95% t interval. */
  slope_per_100_chars: Estimate,
  intercept: z.number(),
  r2: z.number(),
  p_value: z.number(),
  score_scale: z.string(),
});

export const SelfPreferenceEntry = z.object({
  stage: z.string(),
  kind: z.enum(['scores', 'win_ratio']),
  same_family: z.array(z.string()),
  other: z.array(z.string()),
  /** scores: mean total of same-family and other candidates, and their difference (item bootstrap). */
  same_mean: z.number().nullable().optional(),
  other_mean: z.number().nullable().optional(),
  difference: Estimate.optional(),
  /** win_ratio: per same-family model, the judge's and the reference rater's win ratio. */
  win_ratios: z.array(z.object({ model: z.string(), judge: Estimate.nullable(), reference: Estimate.nullable(), reference_rater: z.string() })).optional(),
});

/** From corrected stages: the judge's mean minus the humans' on the labelled units of each model. */
export const ScoreBiasEntry = z.object({
  stage: z.string(),
  model: z.string(),
  n_labelled: z.number().int(),
  /** As the corrected stage reported them (schema/results/corrected.ts). */
  bias: CorrectedModel.shape.bias.nullable(),
  naive: CorrectedModel.shape.judge_naive.nullable(),
  corrected: CorrectedModel.shape.ppi_plus_plus.nullable(),
});

export const FailureEntry = z.object({
  stage: z.string(),
  kind: z.string(),
  n: z.number().int().nullable(),
  by_status: Counts,
  /** Share of failures (every status but ok) among n. */
  failure_rate: z.number().nullable(),
});

export const StabilityEntry = z.object({
  stage: z.string(),
  samples: z.number().int(),
  n_judgments: z.number().int(),
  /** Krippendorff's α (interval) with the samples as raters, per criterion. */
  alpha: z.record(z.string(), z.number().nullable()),
  mean_spread: z.record(z.string(), z.number()),
});

export const CostEntry = z.object({
  stage: z.string(),
  judgments: z.number().int(),
  requests: z.number().int(),
  tokens: Tokens,
  cost_usd: z.number(),
  cost_per_1000: z.number().nullable(),
});

export const TuningEntry = z.object({ stage: z.string(), statistic: z.string(), split: z.string(), value: Estimate.nullable(), winner: z.string() });

/**
 * The audit of one judge (its card): one judge is one fingerprint identity (kind, endpoint, model);
 * a rater known only by name (a label file's column) is its own judge.
 */
export const JudgeAudit = z.object({
  judge: z.string(),
  /** What groups this judge's evidence: `fingerprint:<kind>|<endpoint>|<model>` or `name:<rater>`. */
  key: z.string(),
  family: z.string().nullable(),
  run_id: z.string(),
  run_finished_at: z.string().nullable(),
  configurations: z.array(CardConfiguration),
  notes: z.array(z.string()),
  agreement: section(AgreementEntry),
  alt_test: section(AltTestEntry),
  bias: z.object({
    answer_order: section(OrderEntry),
    length: section(LengthEntry),
    self_preference: section(SelfPreferenceEntry),
    per_model: section(ScoreBiasEntry),
  }),
  failures: section(FailureEntry),
  stability: section(StabilityEntry),
  cost: section(CostEntry),
  tuning: section(TuningEntry),
});

/** `audit.json` of a run: every judge found in it, audited over its ratings grouped by fingerprint. */
export const AuditResult = z.object({
  run_id: z.string(),
  judges: z.array(JudgeAudit),
});
