import type { z } from 'zod';
import type { AgreementStage } from '../../schema/experiment.ts';
import { readLabels } from '../../io/records.ts';
import { judgmentRatings } from '../../ratings/judgments.ts';
import { labelRatings, ratingsToLabels } from '../../ratings/labels.ts';
import type { HumanLabel, Rating } from '../../schema/index.ts';
import { InputError } from '../../io/errors.ts';
import { agreementStudy } from '../../studies/validation.ts';
import { renderAgreementMarkdown } from '../../studies/validation-report.ts';
import { resolveFrom } from '../config.ts';
import type { StageContext, StageOutcome } from '../stage.ts';
import { upstreamJudgments } from './upstream.ts';

/** Agreement among raters and, with `judge`, the judge-validation study (judge vs humans, ceiling, alt-test). */
export async function runAgreementStage(stage: z.infer<typeof AgreementStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.labels);
  let labels: Rating[] = labelRatings(await readLabels(file, stage.columns), stage.failure_values ? { failureValues: stage.failure_values } : {});
  let judge = stage.judge;
  if (stage.judge_stage) {
    const added = await judgeStageRatings(stage.judge_stage, ctx, stage.name);
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
  const result = agreementStudy(labels, {
    level: stage.level,
    seed: ctx.seed,
    resamples: ctx.resamples,
    excludeRaters: stage.exclude_raters,
    ...(judge ? { judge } : {}),
    ...(stage.epsilon !== undefined ? { epsilon: stage.epsilon } : {}),
    ...(stage.raters ? { raters: stage.raters } : {}),
  });
  // The study counts failed ratings per rater (left out of every statistic); the manifest sums them.
  const failed = Object.values(result.failures).reduce((a, b) => a + b, 0);
  const counts: Record<string, number> = { ok: result.n_ratings, ...(failed ? { parse_error: failed } : {}) };
  return { result, files: [], counts, cost_usd: 0, markdown: renderAgreementMarkdown(result, stage.title ?? 'Agreement') };
}

type JudgeStageRef = { stage: string; name?: string | undefined; dimension_prefix?: string | undefined };

/**
 * An earlier judge stage's judgments as ratings of one rater (ratings/judgments.ts): each criterion
 * a dimension, the fingerprint kept; a failed judgment gives one failed rating per criterion, which
 * the study counts apart. Ok ratings come first, then the failures, in ledger order.
 */
export async function judgeStageRatings(ref: JudgeStageRef, ctx: StageContext, reader: string): Promise<{ name: string; labels: Rating[] }> {
  const judgments = await upstreamJudgments(ctx, reader, ref.stage);
  const name = ref.name ?? judgments[0]?.judge.model ?? ref.stage;
  const ratings = judgmentRatings(judgments, { rater: name, dimensionPrefix: ref.dimension_prefix ?? '' });
  return { name, labels: [...ratings.filter((r) => r.status === 'ok'), ...ratings.filter((r) => r.status !== 'ok')] };
}

/** The same as label rows (a failed rating's value is its status), for studies that read label rows. */
export async function judgeStageLabels(ref: JudgeStageRef, ctx: StageContext, reader: string): Promise<{ name: string; labels: HumanLabel[] }> {
  const { name, labels } = await judgeStageRatings(ref, ctx, reader);
  return { name, labels: ratingsToLabels(labels) };
}
