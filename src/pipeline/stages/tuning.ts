import type { z } from 'zod';
import type { TuningStage } from '../../schema/experiment.ts';
import { JudgeStatus, type HumanLabel } from '../../schema/index.ts';
import { readLabels } from '../../io/records.ts';
import { InputError } from '../../io/errors.ts';
import { loadRubric } from '../../judges/rubric.ts';
import { judgmentsToLabels, runTuning } from '../../studies/tuning.ts';
import { renderTuningMarkdown } from '../../studies/tuning-report.ts';
import { resolveFrom } from '../config.ts';
import type { StageContext, StageOutcome } from '../stage.ts';
import { upstreamJudgments } from './upstream.ts';

/**
 * Rubric tuning: candidates are raters of the labels file or the judgments ledgers of earlier judge
 * stages of this run (`<runDir>/<stage>.judgments.jsonl`); the humans come from the labels file.
 */
export async function runTuningStage(stage: z.infer<typeof TuningStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.labels);
  const all = await readLabels(file, stage.columns);
  const present = new Set(all.map((l) => l.rater));
  for (const h of stage.humans) if (!present.has(h)) throw new InputError(`stage "${stage.name}": no rater "${h}" in the labels (raters: ${[...present].sort().join(', ')})`, { file });
  const humans = new Set(stage.humans);
  let labels: HumanLabel[] = all.filter((l) => humans.has(l.rater));
  const names: string[] = [];
  const extraFailures: Record<string, Record<string, number>> = {};
  const counts: Record<string, number> = {};
  for (const c of stage.candidates) {
    if (typeof c === 'string' || 'rater' in c) {
      const rater = typeof c === 'string' ? c : c.rater;
      const name = typeof c === 'string' ? c : c.name;
      if (!present.has(rater)) throw new InputError(`stage "${stage.name}": candidate "${name}": no rater "${rater}" in the labels`, { file });
      labels = labels.concat(all.filter((l) => l.rater === rater).map((l) => ({ ...l, rater: name })));
      names.push(name);
      continue;
    }
    const conv = judgmentsToLabels(await upstreamJudgments(ctx, stage.name, c.stage), { rater: c.name, ...(c.dimension_prefix !== undefined ? { dimensionPrefix: c.dimension_prefix } : {}) });
    labels = labels.concat(conv.labels);
    extraFailures[c.name] = conv.failures;
    names.push(c.name);
  }
  if (stage.dimensions) {
    const keep = new Set(stage.dimensions);
    const have = new Set(labels.map((l) => l.dimension));
    for (const d of stage.dimensions) if (!have.has(d)) throw new InputError(`stage "${stage.name}": no dimension "${d}" in the labels or judgments`, { file });
    labels = labels.filter((l) => l.dimension !== undefined && keep.has(l.dimension));
  }
  const result = runTuning(labels, {
    candidates: names,
    humans: stage.humans,
    level: stage.level,
    split: stage.split,
    seed: ctx.seed,
    resamples: ctx.resamples,
    correlationThreshold: stage.correlation_threshold,
    extraFailures,
    ...(stage.statistic ? { statistic: stage.statistic } : {}),
    ...(stage.failure_values ? { failureValues: stage.failure_values } : {}),
    ...(stage.rubric ? { rubric: (await loadRubric(resolveFrom(ctx.configDir, stage.rubric))).rubric } : {}),
  });
  // a failure value that is not a judge status (e.g. PandaLM's `garbage`) was an unparseable verdict
  for (const f of Object.values(result.failures)) for (const [k, v] of Object.entries(f)) {
    const status = JudgeStatus.options.includes(k as never) ? k : 'parse_error';
    counts[status] = (counts[status] ?? 0) + v;
  }
  counts.ok = result.evaluation.reduce((s, c) => s + c.n_units, 0);
  return { result, files: [], counts, cost_usd: 0, markdown: renderTuningMarkdown(result, stage.title ?? 'Rubric tuning') };
}
