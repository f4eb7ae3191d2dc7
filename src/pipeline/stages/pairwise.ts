import { join } from 'node:path';
import type { z } from 'zod';
import type { PairwiseStage } from '../../schema/experiment.ts';
import { readItems, readResponses } from '../../io/records.ts';
import { preferencesToCsv, readPreferences, type PreferenceRow } from '../../io/preferences.ts';
import { InputError } from '../../io/errors.ts';
import { loadPairwiseTemplate, runPairwiseJudge } from '../../judges/pairwise.ts';
import { progressReporter } from '../../judges/progress.ts';
import { addMajorityRater, runWinrate, type MajorityReport } from '../../studies/winrate.ts';
import { renderSwapMarkdown, renderWinrateMarkdown } from '../../studies/winrate-report.ts';
import { resolveFrom } from '../config.ts';
import { type StageContext, type StageOutcome } from '../stage.ts';

/**
 * The pairwise LLM judge in both answer orders, then win ratios from its combined verdicts; with
 * human preferences on the same pairs, the human-versus-LLM win-ratio study in the same stage.
 */
export async function runPairwiseStage(stage: z.infer<typeof PairwiseStage>, ctx: StageContext): Promise<StageOutcome> {
  const items = await readItems(resolveFrom(ctx.configDir, stage.items));
  const responses = await readResponses(resolveFrom(ctx.configDir, stage.responses), items);
  const template = stage.template !== undefined ? await loadPairwiseTemplate(/^[a-z-]+$/.test(stage.template) ? stage.template : resolveFrom(ctx.configDir, stage.template)) : undefined;
  const progress = progressReporter(stage.name);
  let judged;
  try {
    judged = await runPairwiseJudge({
      items,
      responses,
      endpoint: stage.endpoint,
      policy: stage.policy,
      max_repairs: stage.max_repairs,
      cacheDir: join(ctx.cacheDir, 'pairwise'),
      seed: ctx.seed,
      resamples: ctx.resamples,
      signal: ctx.signal,
      onProgress: (p) => progress.update(p),
      ...(stage.dimensions ? { dimensions: stage.dimensions } : {}),
      ...(stage.baseline !== undefined ? { baseline: stage.baseline } : {}),
      ...(stage.rater !== undefined ? { rater: stage.rater } : {}),
      ...(template ? { template } : {}),
      ...(stage.limit !== undefined ? { limit: stage.limit } : {}),
    });
  } finally {
    progress.stop();
  }
  const judgeRows: PreferenceRow[] = judged.preferences.map((p) => ({
    item_id: p.item_id,
    rater: p.rater,
    model_a: p.model_a,
    model_b: p.model_b,
    winner: p.winner,
    status: p.status,
    ...(p.dimension !== undefined ? { dimension: p.dimension } : {}),
  }));
  const judgeName = judgeRows[0]?.rater ?? stage.rater ?? stage.endpoint.model;

  let rows = judgeRows;
  let majority: MajorityReport | undefined;
  let compare: [string, string] | undefined;
  if (stage.human_preferences) {
    const file = resolveFrom(ctx.configDir, stage.human_preferences);
    let human = await readPreferences(file);
    if (stage.majority_of) ({ rows: human, report: majority } = addMajorityRater(human, stage.majority_of));
    const humanRater = stage.human_rater ?? (stage.majority_of ? 'majority' : undefined);
    if (!humanRater) throw new InputError(`stage "${stage.name}": human_preferences needs human_rater or majority_of`, { file });
    if (!human.some((h) => h.rater === humanRater)) throw new InputError(`stage "${stage.name}": no rater "${humanRater}" in the human preferences`, { file });
    rows = [...judgeRows, ...human.filter((h) => h.rater === humanRater)];
    compare = [humanRater, judgeName];
  }
  const result = runWinrate(rows, { ties: stage.ties, seed: ctx.seed, resamples: ctx.resamples, ...(compare ? { compare } : {}), ...(stage.baseline !== undefined ? { baseline: stage.baseline } : {}) });

  const counts: Record<string, number> = {};
  for (const p of judged.preferences) counts[p.status] = (counts[p.status] ?? 0) + 1;
  const swapRows = Object.entries(judged.swap).map(([dimension, stats]) => ({ set: dimension, judge: judgeName, strategy: 'both orders', stats }));
  const markdown = [renderSwapMarkdown(swapRows, 'Answer-order consistency (sets are dimensions)', '##'), renderWinrateMarkdown(result, 'Win ratios', majority ? { majority } : {})].join('\n\n');
  return {
    result: { ...result, swap: judged.swap, fingerprint: judged.fingerprint, spend: judged.spend, ...(majority ? { majority } : {}) },
    files: [
      { suffix: 'preferences.jsonl', jsonl: judged.preferences },
      { suffix: 'preferences.csv', text: preferencesToCsv(judgeRows) },
    ],
    counts,
    cost_usd: judged.spend.cost_usd,
    markdown,
  };
}
