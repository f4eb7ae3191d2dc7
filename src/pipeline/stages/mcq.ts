import { join } from 'node:path';
import type { McqStage } from '../../schema/experiment.ts';
import type { z } from 'zod';
import { readItems, readResponses } from '../../io/records.ts';
import { writeJsonAtomic, writeJsonlAtomic } from '../../io/atomic.ts';
import { renderMcqMarkdown, scoreMcq, summariseMcq } from '../../mcq/index.ts';
import { resolveFrom } from '../config.ts';
import { outName, type StageContext, type StageOutcome } from '../stage.ts';

/** MCQ scoring: extraction ledger, accuracies with intervals, Markdown tables. */
export async function runMcqStage(stage: z.infer<typeof McqStage>, ctx: StageContext): Promise<StageOutcome> {
  const items = await readItems(resolveFrom(ctx.configDir, stage.items));
  const responses = await readResponses(resolveFrom(ctx.configDir, stage.responses), items);
  const records = scoreMcq(items, responses);
  const result = summariseMcq(records, { seed: ctx.seed, resamples: ctx.resamples });
  const ledger = outName(stage, 'mcq_records.jsonl');
  const json = outName(stage, 'json');
  await writeJsonlAtomic(join(ctx.runDir, ledger), records);
  await writeJsonAtomic(join(ctx.runDir, json), result);
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return { outputs: [ledger, json], counts, cost_usd: 0, markdown: renderMcqMarkdown(result) };
}
