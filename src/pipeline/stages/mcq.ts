import type { McqStage } from '../../schema/experiment.ts';
import type { z } from 'zod';
import { InputError } from '../../io/errors.ts';
import { readItems } from '../../io/records.ts';
import { renderMcqMarkdown, scoreMcq, summariseMcq } from '../../mcq/index.ts';
import { join } from 'node:path';
import type { SummariseOptions } from '../../mcq/accuracy.ts';
import type { SecondReaderOptions } from '../../mcq/llm-extract.ts';
import { EXTRACTOR_COUNT_PREFIX } from '../failure-rate.ts';
import { readResponsesInput, resolveInput, type StageContext, type StageOutcome } from '../stage.ts';

/** MCQ scoring: extraction ledger (`mcq_records.jsonl`), accuracies with intervals, Markdown tables. */
export async function runMcqStage(
  stage: z.infer<typeof McqStage>,
  ctx: StageContext,
  o: { cacheDir?: string | null; test?: Pick<SecondReaderOptions, 'client' | 'env' | 'backoff'> } = {},
): Promise<StageOutcome> {
  const itemsFile = resolveInput(ctx, stage.items, 'items');
  const items = await readItems(itemsFile);
  if (![...items.values()].some((i) => i.format === 'mcq')) throw new InputError('no MCQ items in file', { file: itemsFile });
  const responses = await readResponsesInput(ctx, stage.responses, items);
  let records = scoreMcq(items, responses);
  if (records.length === 0) throw new InputError('no responses to MCQ items', Array.isArray(stage.responses) ? { field: 'responses' } : { file: resolveInput(ctx, stage.responses, 'responses') });
  const calls: Record<string, number> = {};
  let secondReader: SummariseOptions['second_reader'];
  let cost = 0;
  if (stage.extractor) {
    const { secondRead } = await import('../../mcq/llm-extract.ts'); // loaded on use: rules-only scoring needs no SDK
    const cacheDir = o.cacheDir !== undefined ? o.cacheDir : join(ctx.cacheDir, 'mcq-extract');
    const sr = await secondRead(records, items, { extractor: stage.extractor, cacheDir, signal: ctx.signal, ...o.test });
    records = sr.records;
    cost = sr.spend.cost_usd;
    secondReader = { model: sr.fingerprint.model, endpoint: sr.fingerprint.endpoint, prompt_version: sr.fingerprint.prompt, sent: sr.sent, statuses: sr.statuses, cached: sr.cached, requests: sr.spend.requests, tokens: sr.spend.tokens, cost_usd: sr.spend.cost_usd };
    // The calls' statuses, apart from the records': the failure-rate rule reads these (failure-rate.ts).
    for (const [k, v] of Object.entries(sr.statuses)) calls[`${EXTRACTOR_COUNT_PREFIX}${k}`] = v;
  }
  const result = summariseMcq(records, { seed: ctx.seed, resamples: ctx.resamples, ...(secondReader ? { second_reader: secondReader } : {}) });
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  Object.assign(counts, calls);
  return { result, files: [{ suffix: 'mcq_records.jsonl', jsonl: records }], counts, cost_usd: cost, markdown: renderMcqMarkdown(result) };
}
