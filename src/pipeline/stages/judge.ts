import { dirname, join } from 'node:path';
import type { z } from 'zod';
import type { JudgeStage } from '../../schema/experiment.ts';
import { readItems, readResponses } from '../../io/records.ts';
import { writeJsonAtomic, writeJsonlAtomic } from '../../io/atomic.ts';
import { estimateJudge, loadRubric, renderJudgeEstimate, renderJudgeMarkdown, runJudge } from '../../judges/index.ts';
import { progressReporter } from '../../judges/progress.ts';
import { resolveFrom } from '../config.ts';
import { outName, type StageContext, type StageOutcome } from '../stage.ts';

/**
 * The rubric judge: live (any OpenAI-compatible endpoint, through the content-addressed cache, so
 * an interrupted run resumes without paying twice) or replaying recorded verdicts. Writes the
 * judgments ledger and the per-model summary.
 */
export async function runJudgeStage(stage: z.infer<typeof JudgeStage>, ctx: StageContext): Promise<StageOutcome> {
  const itemsPath = resolveFrom(ctx.configDir, stage.items);
  const items = await readItems(itemsPath);
  const all = await readResponses(resolveFrom(ctx.configDir, stage.responses), items);
  const responses = stage.limit !== undefined ? all.slice(0, stage.limit) : all;
  const rubric = await loadRubric(resolveFrom(ctx.configDir, stage.rubric));
  const judge = stage.judge.kind === 'replay' ? { ...stage.judge, verdicts: resolveFrom(ctx.configDir, stage.judge.verdicts) } : stage.judge;
  const base = {
    items,
    responses,
    rubric,
    judge,
    cacheDir: join(ctx.cacheDir, 'judge'),
    seed: ctx.seed,
    resamples: ctx.resamples,
    imageRoot: dirname(itemsPath),
  };
  if (ctx.dryRun) {
    const est = await estimateJudge(base);
    return { outputs: [], counts: {}, cost_usd: 0, markdown: `[${stage.name}] ${renderJudgeEstimate(est)}` };
  }
  const progress = progressReporter(stage.name);
  let result;
  try {
    result = await runJudge({ ...base, signal: ctx.signal, onProgress: (p) => progress.update(p) });
  } finally {
    progress.stop();
  }
  const ledger = outName(stage, 'judgments.jsonl');
  const json = outName(stage, 'json');
  await writeJsonlAtomic(join(ctx.runDir, ledger), result.judgments);
  // The judge card regresses scores on answer length: keep the lengths of the answers the judge read.
  const lengths = outName(stage, 'answer-lengths.jsonl');
  await writeJsonlAtomic(join(ctx.runDir, lengths), responses.map((r) => ({ item_id: r.item_id, model: r.model, chars: [...r.output].length })));
  await writeJsonAtomic(join(ctx.runDir, json), { ...result.summary, fingerprint: result.fingerprint, spend: result.spend });
  const counts: Record<string, number> = {};
  for (const j of result.judgments) counts[j.status] = (counts[j.status] ?? 0) + 1;
  return { outputs: [ledger, lengths, json], counts, cost_usd: result.spend.cost_usd, markdown: renderJudgeMarkdown(result.summary, rubric) };
}
