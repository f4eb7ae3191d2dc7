import type { Stage } from '../../schema/index.ts';
import type { StageContext, StageOutcome } from '../stage.ts';
import { runAgreementStage } from './agreement.ts';
import { runAnswerStage } from './answer.ts';
import { runConsistencyStage } from './consistency.ts';
import { runConsistencyPairsStage } from './consistency-pairs.ts';
import { runCorrectedStage } from './corrected.ts';
import { runJudgeStage } from './judge.ts';
import { runMcqStage } from './mcq.ts';
import { runPairwiseStage } from './pairwise.ts';
import { runReformulateStage } from './reformulate.ts';
import { runSwapStage } from './swap.ts';
import { runTuningStage } from './tuning.ts';
import { runWinrateStage } from './winrate.ts';

/** Dispatches a stage to its runner; every stage kind of the schema is handled here. */
export async function runStage(stage: Stage, ctx: StageContext): Promise<StageOutcome> {
  switch (stage.kind) {
    case 'answer':
      return runAnswerStage(stage, ctx);
    case 'reformulate':
      return runReformulateStage(stage, ctx);
    case 'mcq':
      return runMcqStage(stage, ctx);
    case 'winrate':
      return runWinrateStage(stage, ctx);
    case 'swap':
      return runSwapStage(stage, ctx);
    case 'agreement':
      return runAgreementStage(stage, ctx);
    case 'consistency':
      return runConsistencyStage(stage, ctx);
    case 'consistency-pairs':
      return runConsistencyPairsStage(stage, ctx);
    case 'judge':
      return runJudgeStage(stage, ctx);
    case 'pairwise':
      return runPairwiseStage(stage, ctx);
    case 'tuning':
      return runTuningStage(stage, ctx);
    case 'corrected':
      return runCorrectedStage(stage, ctx);
    default: {
      const never: never = stage;
      throw new Error(`unknown stage kind ${(never as Stage).kind}`);
    }
  }
}
