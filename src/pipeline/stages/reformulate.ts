import { join } from 'node:path';
import type { z } from 'zod';
import type { ReformulateStage } from '../../schema/experiment.ts';
import { InputError } from '../../io/errors.ts';
import { readItems } from '../../io/records.ts';
import { rotateItems } from '../../mcq/circular.ts';
import { mcqToOpen, openToMcq, type ReformulationResult } from '../../studies/reformulate.ts';
import { openToMcqLlm } from '../../studies/reformulate-llm.ts';
import type { Item } from '../../schema/index.ts';
import { resolveInput, type StageContext, type StageOutcome } from '../stage.ts';

/** The reformulation of a stage that calls no model (all but LLM distractors), or null: also what the dry run plans with. */
export function reformulateOffline(stage: z.infer<typeof ReformulateStage>, items: Map<string, Item>, seed: number): ReformulationResult | null {
  if (stage.to === 'open') return mcqToOpen(items.values());
  if (stage.to === 'mcq') return stage.distractors === 'llm' ? null : openToMcq(items.values(), { seed, options: stage.options, shortfall: stage.shortfall });
  const r = rotateItems(items.values());
  return { ...r, summary: { generated: r.items.length, skipped: r.skipped.length } };
}

/**
 * The other form of each item, linked by pair_id (`items.jsonl`, what later stages read as
 * `items: {stage: NAME}`): MCQ → open-ended, open-ended → MCQ (distractors from a pool or an LLM),
 * or the rotations of each MCQ for CircularEval. Skipped items are listed in the result.
 */
export async function runReformulateStage(stage: z.infer<typeof ReformulateStage>, ctx: StageContext, o: { cacheDir?: string | null } = {}): Promise<StageOutcome> {
  const file = resolveInput(ctx, stage.items, 'items');
  const items = await readItems(file);
  let res: ReformulationResult;
  let cost = 0;
  const offline = reformulateOffline(stage, items, ctx.seed);
  if (offline) res = offline;
  else {
    const r = await openToMcqLlm(items.values(), { endpoint: stage.endpoint!, seed: ctx.seed, options: stage.options, cacheDir: o.cacheDir !== undefined ? o.cacheDir : join(ctx.cacheDir, 'reformulate'), signal: ctx.signal });
    res = { ...r, summary: { ...r.summary, requests: r.spend.requests, cost_usd: r.spend.cost_usd } };
    cost = r.spend.cost_usd;
  }
  if (res.items.length === 0) throw new InputError(`no item could be reformulated to "${stage.to}" (${res.skipped.length} skipped)`, { file });
  const lines = [`### Reformulation to ${stage.to}`, '', `${res.items.length} item(s) written, ${res.skipped.length} skipped.`];
  for (const s of res.skipped.slice(0, 10)) lines.push(`- skipped ${s.id}: ${s.reason}`);
  return {
    result: { to: stage.to, ...res.summary, skipped_items: res.skipped },
    files: [{ suffix: 'items.jsonl', jsonl: res.items }],
    counts: { ok: res.items.length, ...(res.skipped.length ? { skipped: res.skipped.length } : {}) },
    cost_usd: cost,
    markdown: lines.join('\n'),
  };
}
