import { dirname, join } from 'node:path';
import type { z } from 'zod';
import type { AnswerStage } from '../../schema/experiment.ts';
import { readItems } from '../../io/records.ts';
import { collectAnswers, type AnswerOptions } from '../../studies/answer.ts';
import { progressReporter } from '../../judges/progress.ts';
import type { Item } from '../../schema/index.ts';
import { resolveFrom } from '../config.ts';
import { imageCapBytes, resolveInput, type StageContext, type StageOutcome } from '../stage.ts';

/** The items a stage asks and how: shared by the stage and its dry-run estimate. */
export async function answerStageInputs(stage: z.infer<typeof AnswerStage>, ctx: Pick<StageContext, 'configDir' | 'runDir'>, cacheDir: string | null, assumedItems?: Map<string, Item>): Promise<{ items: Item[]; opts: AnswerOptions }> {
  const file = resolveInput(ctx, stage.items, 'items');
  const items = [...(assumedItems ?? (await readItems(file))).values()].filter((it) => stage.only === undefined || it.format === stage.only);
  const imageRoot = stage.image_root !== undefined ? resolveFrom(ctx.configDir, stage.image_root) : dirname(file);
  return { items, opts: { endpoint: stage.endpoint, imageRoot, cacheDir, ...imageCapBytes(stage.max_image_mb), ...(stage.model_name !== undefined ? { name: stage.model_name } : {}), ...(stage.meta !== undefined ? { meta: stage.meta } : {}) } };
}

/**
 * Answer collection: a candidate model asked every item with the Med-CMR prompts. Leaves
 * `responses.jsonl` (what mcq and judge stages read, as `responses: {stage: NAME}`) and the call
 * ledger; failed calls are in the ledger, never written as answers.
 */
export async function runAnswerStage(stage: z.infer<typeof AnswerStage>, ctx: StageContext, o: { cacheDir?: string | null } = {}): Promise<StageOutcome> {
  const { items, opts } = await answerStageInputs(stage, ctx, o.cacheDir !== undefined ? o.cacheDir : join(ctx.cacheDir, 'answer'));
  const progress = progressReporter(stage.name);
  const res = await collectAnswers(items, { ...opts, signal: ctx.signal, onProgress: (p) => progress.update(p) }).finally(() => progress.stop());
  const markdown = [
    `### Answers of ${res.fingerprint.model as string}`,
    '',
    `${res.responses.length} response(s); ${Object.entries(res.counts).map(([k, v]) => `${k}=${v}`).join(' ')}; ${res.spend.requests} request(s), $${res.spend.cost_usd.toFixed(4)}.`,
  ].join('\n');
  return {
    result: { responses: res.responses.length, counts: res.counts, spend: res.spend, fingerprint: res.fingerprint },
    files: [
      { suffix: 'responses.jsonl', jsonl: res.responses },
      { suffix: 'ledger.jsonl', jsonl: res.records },
    ],
    counts: res.counts,
    cost_usd: res.spend.cost_usd,
    markdown,
  };
}
