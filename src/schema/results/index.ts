import type { z } from 'zod';
import { McqResult } from '../mcq.ts';
import { AgreementResult } from './agreement.ts';
import { AuditResult } from './audit.ts';
import { ConsistencyResult } from './consistency.ts';
import { AnswerStageResult, ConsistencyPairsStageResult, JudgeStageResult, PairwiseStageResult, ReformulateStageResult } from './judge.ts';
import { CorrectedResult } from './corrected.ts';
import { TuningResult } from './tuning.ts';
import { SwapResult, WinrateStageResult } from './winrate.ts';

export * from './common.ts';
export * from './agreement.ts';
export * from './audit.ts';
export * from './consistency.ts';
export * from './corrected.ts';
export * from './judge.ts';
export * from './tuning.ts';
export * from './winrate.ts';
export { McqResult };

/**
 * The schema of every result judgekit writes, by kind: `<stage>.json` of a stage of that kind
 * (`audit` is the run's `audit.json`). Exported as `schema/results/<kind>.schema.json`.
 */
export const RESULT_SCHEMAS = {
  mcq: McqResult,
  judge: JudgeStageResult,
  pairwise: PairwiseStageResult,
  agreement: AgreementResult,
  winrate: WinrateStageResult,
  swap: SwapResult,
  consistency: ConsistencyResult,
  tuning: TuningResult,
  corrected: CorrectedResult,
  answer: AnswerStageResult,
  reformulate: ReformulateStageResult,
  'consistency-pairs': ConsistencyPairsStageResult,
  audit: AuditResult,
} as const satisfies Record<string, z.ZodType>;

export type ResultKind = keyof typeof RESULT_SCHEMAS;
