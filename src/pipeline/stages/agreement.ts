import { join } from 'node:path';
import type { z } from 'zod';
import type { AgreementStage } from '../../schema/experiment.ts';
import { readLabels } from '../../io/records.ts';
import { readJudgments } from '../../io/judgments.ts';
import { judgmentRatings } from '../../ratings/judgments.ts';
import { labelRatings } from '../../ratings/labels.ts';
import type { Rating } from '../../schema/index.ts';
import { InputError } from '../../io/errors.ts';
import { writeJsonAtomic } from '../../io/atomic.ts';
import { agreementStudy } from '../../studies/validation.ts';
import { renderAgreementMarkdown } from '../../studies/validation-report.ts';
import { resolveFrom } from '../config.ts';
import { outName, type StageContext, type StageOutcome } from '../stage.ts';

/** Agreement among raters and, with `judge`, the judge-validation study (judge vs humans, ceiling, alt-test). */
export async function runAgreementStage(stage: z.infer<typeof AgreementStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.labels);
  let labels: Rating[] = labelRatings(await readLabels(file, stage.columns), stage.failure_values ? { failureValues: stage.failure_values } : {});
  let judge = stage.judge;
  if (stage.judge_stage) {
    const added = await judgeStageRatings(stage.judge_stage, ctx.runDir);
    if (labels.some((l) => l.rater === added.name)) throw new InputError(`stage "${stage.name}": the labels already have a rater "${added.name}"; name the judge with judge_stage.name`, { file });
    labels = [...labels, ...added.labels];
    judge ??= added.name;
  }
  const raters = new Set(labels.map((l) => l.rater));
  for (const r of [...(judge ? [judge] : []), ...(stage.raters ?? []), ...stage.exclude_raters]) {
    if (!raters.has(r)) throw new InputError(`stage "${stage.name}": no rater "${r}" in the labels (raters: ${[...raters].sort().join(', ')})`, { file });
  }
  if (stage.dimensions) {
    const have = new Set(labels.map((l) => l.dimension));
    for (const d of stage.dimensions) if (!have.has(d)) throw new InputError(`stage "${stage.name}": no dimension "${d}" in the labels`, { file });
    const keep = new Set(stage.dimensions);
    labels = labels.filter((l) => l.dimension !== undefined && keep.has(l.dimension));
  }
  const result = agreementStudy(labels, {
    level: stage.level,
    seed: ctx.seed,
    resamples: ctx.resamples,
    excludeRaters: stage.exclude_raters,
    ...(judge ? { judge } : {}),
    ...(stage.epsilon !== undefined ? { epsilon: stage.epsilon } : {}),
    ...(stage.raters ? { raters: stage.raters } : {}),
  });
  const json = outName(stage, 'json');
  await writeJsonAtomic(join(ctx.runDir, json), result);
  // The study counts failed ratings per rater (left out of every statistic); the manifest sums them.
  const failed = Object.values(result.failures).reduce((a, b) => a + b, 0);
  const counts: Record<string, number> = { ok: result.n_ratings, ...(failed ? { parse_error: failed } : {}) };
  return { outputs: [json], counts, cost_usd: 0, markdown: renderAgreementMarkdown(result, stage.title ?? 'Agreement') };
}

/** An earlier judge stage's judgments as ratings of one rater (ratings/judgments.ts: each criterion a dimension, one failed rating per criterion of a failed judgment). */
async function judgeStageRatings(ref: { stage: string; name?: string | undefined; dimension_prefix?: string | undefined }, runDir: string): Promise<{ name: string; labels: Rating[] }> {
  const judgments = await readJudgments(join(runDir, `${ref.stage}.judgments.jsonl`));
  const name = ref.name ?? judgments[0]?.judge.model ?? ref.stage;
  return { name, labels: judgmentRatings(judgments, { rater: name, dimensionPrefix: ref.dimension_prefix ?? '' }) };
}
