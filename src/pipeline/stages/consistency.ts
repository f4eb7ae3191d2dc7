import type { z } from 'zod';
import type { ConsistencyStage } from '../../schema/experiment.ts';
import { parsePairedSpec, readConsistencyPairs, runConsistency } from '../../studies/consistency.ts';
import { renderConsistencyMarkdown } from '../../studies/consistency-report.ts';
import { resolveFrom } from '../config.ts';
import type { StageContext, StageOutcome } from '../stage.ts';
import { consistencyRows } from './consistency-pairs.ts';

/**
 * MCQ ↔ open-ended consistency per model, and base-versus-tuned paired tests: from a pairs file,
 * or from the run's own mcq and judge stages (`mcq_stage`, `judge_stage`).
 */
export async function runConsistencyStage(stage: z.infer<typeof ConsistencyStage>, ctx: StageContext): Promise<StageOutcome> {
  const threshold = stage.threshold !== undefined ? { threshold: stage.threshold } : {};
  const rows = stage.pairs !== undefined ? await readConsistencyPairs(resolveFrom(ctx.configDir, stage.pairs), threshold) : (await consistencyRows(stage, ctx)).rows;
  const models = [...new Set(rows.map((r) => r.model))];
  const result = runConsistency(rows, {
    ...threshold,
    paired: stage.paired.map((p) => (typeof p === 'string' ? parsePairedSpec(p, models) : p)),
    bootstrap: ctx.resamples,
    seed: ctx.seed,
  });
  const counts: Record<string, number> = {};
  for (const m of Object.values(result.models)) {
    counts.ok = (counts.ok ?? 0) + m.n;
    if (m.excluded) counts.missing = (counts.missing ?? 0) + m.excluded;
  }
  return { result, files: [], counts, cost_usd: 0, markdown: renderConsistencyMarkdown(result, stage.title ?? 'MCQ ↔ open-ended consistency') };
}
