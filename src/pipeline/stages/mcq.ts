import type { McqStage } from '../../schema/experiment.ts';
import type { z } from 'zod';
import { InputError } from '../../io/errors.ts';
import { readItems, readResponses } from '../../io/records.ts';
import { renderMcqMarkdown, scoreMcq, summariseMcq } from '../../mcq/index.ts';
import { resolveInput, type StageContext, type StageOutcome } from '../stage.ts';

/** MCQ scoring: extraction ledger (`mcq_records.jsonl`), accuracies with intervals, Markdown tables. */
export async function runMcqStage(stage: z.infer<typeof McqStage>, ctx: StageContext): Promise<StageOutcome> {
  const itemsFile = resolveInput(ctx, stage.items, 'items');
  const responsesFile = resolveInput(ctx, stage.responses, 'responses');
  const items = await readItems(itemsFile);
  if (![...items.values()].some((i) => i.format === 'mcq')) throw new InputError('no MCQ items in file', { file: itemsFile });
  const responses = await readResponses(responsesFile, items);
  const records = scoreMcq(items, responses);
  if (records.length === 0) throw new InputError('no responses to MCQ items', { file: responsesFile });
  const result = summariseMcq(records, { seed: ctx.seed, resamples: ctx.resamples });
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return { result, files: [{ suffix: 'mcq_records.jsonl', jsonl: records }], counts, cost_usd: 0, markdown: renderMcqMarkdown(result) };
}
