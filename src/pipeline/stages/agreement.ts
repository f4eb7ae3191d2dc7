import type { z } from 'zod';
import type { AgreementStage } from '../../schema/experiment.ts';
import { readLabels } from '../../io/records.ts';
import { judgmentsToLabels } from '../../studies/tuning.ts';
import type { HumanLabel } from '../../schema/index.ts';
import { InputError } from '../../io/errors.ts';
import { runAgreement } from '../../studies/validation.ts';
import { renderAgreementMarkdown } from '../../studies/validation-report.ts';
import { resolveFrom } from '../config.ts';
import type { StageContext, StageOutcome } from '../stage.ts';
import { upstreamJudgments } from './upstream.ts';

/** Agreement among raters and, with `judge`, the judge-validation study (judge vs humans, ceiling, alt-test). */
export async function runAgreementStage(stage: z.infer<typeof AgreementStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.labels);
  let labels = await readLabels(file, stage.columns);
  let judge = stage.judge;
  if (stage.judge_stage) {
    const added = await judgeStageLabels(stage.judge_stage, ctx, stage.name);
    if (labels.some((l) => l.rater === added.name)) throw new InputError(`stage "${stage.name}": the labels already have a rater "${added.name}"; name the judge with judge_stage.name`, { file });
    labels = [...labels, ...added.labels];
    judge ??= added.name;
  }
  const raters = new Set(labels.map((l) => l.rater));
  const named: [string, string][] = [...(judge ? [['judge', judge] as [string, string]] : []), ...(stage.raters ?? []).map((r): [string, string] => ['rater', r]), ...stage.exclude_raters.map((r): [string, string] => ['excluded rater', r])];
  for (const [role, r] of named) {
    if (!raters.has(r)) throw new InputError(`stage "${stage.name}": ${role} "${r}" is not a rater of the labels (raters: ${[...raters].sort().join(', ')})`, { file });
  }
  if (stage.dimensions) {
    const have = new Set(labels.map((l) => l.dimension));
    for (const d of stage.dimensions) if (!have.has(d)) throw new InputError(`stage "${stage.name}": no dimension "${d}" in the labels`, { file });
    const keep = new Set(stage.dimensions);
    labels = labels.filter((l) => l.dimension !== undefined && keep.has(l.dimension));
  }
  const result = runAgreement(labels, {
    level: stage.level,
    seed: ctx.seed,
    resamples: ctx.resamples,
    excludeRaters: stage.exclude_raters,
    ...(judge ? { judge } : {}),
    ...(stage.epsilon !== undefined ? { epsilon: stage.epsilon } : {}),
    ...(stage.raters ? { raters: stage.raters } : {}),
    ...(stage.failure_values ? { failureValues: stage.failure_values } : {}),
  });
  // The study counts failed ratings per rater (left out of every statistic); the manifest sums them.
  const failed = Object.values(result.failures).reduce((a, b) => a + b, 0);
  const counts: Record<string, number> = { ok: result.n_ratings, ...(failed ? { parse_error: failed } : {}) };
  return { result, files: [], counts, cost_usd: 0, markdown: renderAgreementMarkdown(result, stage.title ?? 'Agreement') };
}

/**
 * An earlier judge stage's judgments as labels of one rater: each criterion a dimension; a failed
 * judgment gives one failed rating (its status) per criterion, which the study counts apart.
 */
export async function judgeStageLabels(ref: { stage: string; name?: string | undefined; dimension_prefix?: string | undefined }, ctx: StageContext, reader: string): Promise<{ name: string; labels: HumanLabel[] }> {
  const judgments = await upstreamJudgments(ctx, reader, ref.stage);
  const name = ref.name ?? judgments[0]?.judge.model ?? ref.stage;
  const prefix = ref.dimension_prefix ?? '';
  const { labels } = judgmentsToLabels(judgments, { rater: name, dimensionPrefix: prefix });
  const keys = [...new Set(judgments.flatMap((j) => (j.status === 'ok' ? Object.keys(j.scores) : [])))];
  for (const j of judgments) {
    if (j.status === 'ok') continue;
    for (const k of keys) labels.push({ item_id: j.item_id, rater: name, value: j.status, dimension: prefix + k, model: j.model });
  }
  return { name, labels };
}
