import { join } from 'node:path';
import type { z } from 'zod';
import type { ConsistencyStage } from '../../schema/experiment.ts';
import { writeJsonAtomic } from '../../io/atomic.ts';
import { readConsistencyPairs, runConsistency } from '../../studies/consistency.ts';
import { renderConsistencyMarkdown } from '../../studies/consistency-report.ts';
import { resolveFrom } from '../config.ts';
import { outName, type StageContext, type StageOutcome } from '../stage.ts';

/** MCQ ↔ open-ended consistency per model, and base-versus-tuned paired tests. */
export async function runConsistencyStage(stage: z.infer<typeof ConsistencyStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.pairs);
  const rows = await readConsistencyPairs(file, stage.threshold !== undefined ? { threshold: stage.threshold } : {});
  const result = runConsistency(rows, {
    ...(stage.threshold !== undefined ? { threshold: stage.threshold } : {}),
    paired: stage.paired,
    bootstrap: ctx.resamples,
    seed: ctx.seed,
  });
  const json = outName(stage, 'json');
  await writeJsonAtomic(join(ctx.runDir, json), result);
  const counts: Record<string, number> = {};
  for (const m of Object.values(result.models)) {
    counts.ok = (counts.ok ?? 0) + m.n;
    if (m.excluded) counts.missing = (counts.missing ?? 0) + m.excluded;
  }
  return { outputs: [json], counts, cost_usd: 0, markdown: renderConsistencyMarkdown(result, stage.title ?? 'MCQ ↔ open-ended consistency') };
}
