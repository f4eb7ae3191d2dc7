import { z } from 'zod';
import { Tokens } from '../common.ts';
import { JudgeFingerprint } from '../records.ts';
import { Counts, Estimate } from './common.ts';
import { MajorityReport, SwapConsistency, WinrateResult } from './winrate.ts';

export const Spend = z.object({ requests: z.number().int().nonnegative(), tokens: Tokens, cost_usd: z.number().nonnegative() });

export const ModelSummary = z.object({
  /** Judgments of this model (every status). */
  n: z.number().int(),
  by_status: Counts,
  /** Mean aggregated score over the model's ok judgments (null for `separate` aggregation or no ok judgment). */
  score: Estimate,
  /** Mean raw score per criterion over the ok judgments. */
  criteria: z.record(z.string(), Estimate),
  /** Per task of the judged items (when they have one): ok judgments and the mean aggregated score (the Med-CMR main table). */
  by_task: z.record(z.string(), z.object({ n: z.number().int(), score: Estimate })).optional(),
});

/** The judge result contract (`judgekit judge --json`, the pipeline's judge stage). */
export const JudgeSummary = z.object({
  n: z.number().int(),
  by_status: Counts,
  models: z.record(z.string(), ModelSummary),
  requests: z.number().int(),
  tokens: Tokens,
  cost_usd: z.number(),
});

/** `<stage>.json` of a `judge` stage: the summary, the judge's fingerprint and what was spent. */
export const JudgeStageResult = JudgeSummary.extend({ fingerprint: JudgeFingerprint, spend: Spend });

/** `<stage>.json` of a `pairwise` stage: win ratios of the judge's verdicts, swap consistency per dimension, fingerprint, spend. */
export const PairwiseStageResult = WinrateResult.extend({
  swap: z.record(z.string(), SwapConsistency),
  fingerprint: JudgeFingerprint,
  spend: Spend,
  majority: MajorityReport.optional(),
});

/** `<stage>.json` of an `answer` stage: how many answers, by status, what was spent, and the answering model's fingerprint. */
export const AnswerStageResult = z.object({
  responses: z.number().int(),
  counts: Counts,
  spend: Spend,
  fingerprint: z.record(z.string(), z.unknown()),
});

/** `<stage>.json` of a `reformulate` stage: the target form, what was generated and skipped (with reasons), and its summary counts. */
export const ReformulateStageResult = z
  .object({
    to: z.enum(['open', 'mcq', 'circular']),
    skipped_items: z.array(z.object({ id: z.string(), reason: z.string() })),
  })
  .catchall(z.number());

/** `<stage>.json` of a `consistency-pairs` stage: the counts of the pairs table it wrote. */
export const ConsistencyPairsStageResult = Counts;
