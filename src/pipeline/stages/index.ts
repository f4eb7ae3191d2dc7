import type { Stage } from '../../schema/index.ts';
import type { StageContext, StageOutcome } from '../stage.ts';
import { runMcqStage } from './mcq.ts';

/** Dispatches a stage to its runner; every stage kind of the schema is handled here. */
export async function runStage(stage: Stage, ctx: StageContext): Promise<StageOutcome> {
  switch (stage.kind) {
    case 'mcq':
      return runMcqStage(stage, ctx);
    case 'judge':
    case 'agreement':
    case 'winrate':
    case 'consistency':
      throw new Error(`stage kind "${stage.kind}" is not wired into the pipeline yet`);
    default: {
      const never: never = stage;
      throw new Error(`unknown stage kind ${(never as Stage).kind}`);
    }
  }
}
