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
