import { dirname, join } from 'node:path';
import type { z } from 'zod';
import type { JudgeStage } from '../../schema/experiment.ts';
import { readItems } from '../../io/records.ts';
import type { Item, Response } from '../../schema/index.ts';
import { loadRubric, renderJudgeMarkdown, runJudge, type LoadedRubric, type RunJudgeOptions } from '../../judges/index.ts';
import { progressReporter } from '../../judges/progress.ts';
import { resolveFrom } from '../config.ts';
import { imageCapBytes, readResponsesInput, resolveInput, type StageContext, type StageOutcome } from '../stage.ts';

/** What a judge stage judges, read from its files: shared by the stage and its dry-run estimate. */
export async function judgeStageInputs(
  stage: z.infer<typeof JudgeStage>,
  ctx: Pick<StageContext, 'configDir' | 'runDir' | 'seed' | 'resamples'>,
  cacheDir: string | null,
  /** Items and answers instead of the stage's inputs (the dry run's plan of stages not yet run). */
  assumed: { items?: Map<string, Item>; responses?: Response[] } = {},
): Promise<RunJudgeOptions & { rubric: LoadedRubric }> {
  const itemsPath = resolveInput(ctx, stage.items, 'items');
  const items = assumed.items ?? (await readItems(itemsPath));
  const all = assumed.responses ?? (await readResponsesInput(ctx, stage.responses, items));
  const responses = stage.limit !== undefined ? all.slice(0, stage.limit) : all;
  const rubric = await loadRubric(resolveFrom(ctx.configDir, stage.rubric));
  const judge = stage.judge.kind === 'replay' ? { ...stage.judge, verdicts: resolveFrom(ctx.configDir, stage.judge.verdicts) } : stage.judge;
  return {
    items,
    responses,
    rubric,
    judge,
    cacheDir,
    seed: ctx.seed,
    resamples: ctx.resamples,
    ...imageCapBytes(stage.max_image_mb),
    imageRoot: stage.image_root !== undefined ? resolveFrom(ctx.configDir, stage.image_root) : dirname(itemsPath),
  };
}

/**
 * The rubric judge: live (any OpenAI-compatible endpoint, through the content-addressed cache, so
 * an interrupted run resumes without paying twice) or replaying recorded verdicts. Leaves the
 * judgments ledger and the per-model summary.
 */
export async function runJudgeStage(stage: z.infer<typeof JudgeStage>, ctx: StageContext, opts: { cacheDir?: string | null } = {}): Promise<StageOutcome> {
  // A run keeps the judge's cache in <cache>/judge; `judgekit judge --cache-dir D` names it directly.
  const base = await judgeStageInputs(stage, ctx, opts.cacheDir !== undefined ? opts.cacheDir : join(ctx.cacheDir, 'judge'));
  const progress = progressReporter(stage.name);
  let result;
  try {
    result = await runJudge({ ...base, signal: ctx.signal, onProgress: (p) => progress.update(p) });
  } finally {
    progress.stop();
  }
  const counts: Record<string, number> = {};
  for (const j of result.judgments) counts[j.status] = (counts[j.status] ?? 0) + 1;
  return {
    result: { ...result.summary, fingerprint: result.fingerprint, spend: result.spend },
    files: [
      { suffix: 'judgments.jsonl', jsonl: result.judgments },
      // The judge card regresses scores on answer length: keep the lengths of the answers the judge read.
      { suffix: 'answer-lengths.jsonl', jsonl: base.responses.map((r) => ({ item_id: r.item_id, model: r.model, chars: [...r.output].length })) },
    ],
    counts,
    cost_usd: result.spend.cost_usd,
    markdown: renderJudgeMarkdown(result.summary, base.rubric),
  };
}
