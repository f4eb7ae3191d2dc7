import type { z } from 'zod';
import type { WinrateStage } from '../../schema/experiment.ts';
import { readPreferences, type PreferenceRow } from '../../io/preferences.ts';
import { readLabels } from '../../io/records.ts';
import { readJudgments } from '../../io/judgments.ts';
import { pairsFromLabels, pairsFromScores } from '../../studies/pairs-from-scores.ts';
import { InputError } from '../../io/errors.ts';
import { addMajorityRater, runWinrate, type MajorityReport } from '../../studies/winrate.ts';
import { renderWinrateMarkdown } from '../../studies/winrate-report.ts';
import type { Judgment } from '../../schema/index.ts';
import { resolveFrom } from '../config.ts';
import type { StageContext, StageOutcome } from '../stage.ts';
import { upstreamJudgments } from './upstream.ts';

type Stage = z.infer<typeof WinrateStage>;

/** Pairs from a judge's per-criterion scores (`scores` file or `judge_stage`): two models per item and criterion, a tie within `margin`. */
function pairsFromJudgments(stage: Stage, judgments: Judgment[], where: { file?: string }): { prefs: PreferenceRow[]; from_scores: Record<string, unknown> } {
  const name = stage.judge_stage?.name;
  let made;
  try {
    made = pairsFromScores(judgments, { margin: stage.margin, ...(name !== undefined ? { raterOf: () => name } : {}), ...(stage.baseline !== undefined ? { baseline: stage.baseline } : {}) });
  } catch (err) {
    throw new InputError(`stage "${stage.name}": ${(err as Error).message}`, where);
  }
  if (made.prefs.length === 0) throw new InputError(`stage "${stage.name}": no two models were judged on the same item`, where);
  return { prefs: made.prefs, from_scores: { margin: stage.margin, n_ok: made.n_ok, failures: made.failures } };
}

/** Win ratios, Bradley–Terry and (with `compare`) the human-versus-judge ranking comparison. */
export async function runWinrateStage(stage: Stage, ctx: StageContext): Promise<StageOutcome> {
  let file: string | undefined;
  let prefs: PreferenceRow[];
  let provenance: Record<string, unknown> = {};
  if (stage.ratings !== undefined) {
    file = resolveFrom(ctx.configDir, stage.ratings);
    const labels = keepDimensions(stage, await readLabels(file, stage.ratings_columns ?? {}), file);
    const raters = new Set(labels.map((l) => l.rater));
    for (const r of stage.mean_of?.raters ?? []) if (!raters.has(r)) throw new InputError(`stage "${stage.name}": mean_of: no rater "${r}" in the ratings`, { file });
    const bad = labels.find((l) => typeof l.value !== 'number' || l.model === undefined);
    if (bad) throw new InputError(`stage "${stage.name}": ratings must be numbers with a model column (item "${bad.item_id}", rater "${bad.rater}")`, { file });
    let made;
    try {
      made = pairsFromLabels(labels, { margin: stage.margin, ...(stage.mean_of ? { meanOf: stage.mean_of } : {}), ...(stage.baseline !== undefined ? { baseline: stage.baseline } : {}) });
    } catch (err) {
      throw new InputError(`stage "${stage.name}": ${(err as Error).message}`, { file });
    }
    prefs = made.prefs;
    provenance = { from_ratings: { margin: stage.margin, mean_of: stage.mean_of ?? null, missing_mean: made.missing_mean } };
    if (stage.judge_stage !== undefined) {
      // The judge's scores of the same answers as one more rater, compared per criterion as the humans are.
      const judged = pairsFromJudgments(stage, await upstreamJudgments(ctx, stage.name, stage.judge_stage.stage), {});
      prefs = [...prefs, ...keepDimensions(stage, judged.prefs.filter((p) => p.dimension !== 'overall' || labels.some((l) => l.dimension === 'overall')), undefined)];
      provenance = { ...provenance, from_scores: judged.from_scores };
    }
  } else if (stage.scores !== undefined || stage.judge_stage !== undefined) {
    if (stage.scores !== undefined) file = resolveFrom(ctx.configDir, stage.scores);
    const judgments = file !== undefined ? await readJudgments(file) : await upstreamJudgments(ctx, stage.name, stage.judge_stage!.stage);
    const made = pairsFromJudgments(stage, judgments, file !== undefined ? { file } : {});
    prefs = keepDimensions(stage, made.prefs, file);
    provenance = { from_scores: made.from_scores };
  } else {
    file = resolveFrom(ctx.configDir, stage.preferences!);
    prefs = await readPreferences(file);
  }
  const where = file !== undefined ? { file } : {};
  const source = file !== undefined ? (stage.ratings !== undefined && stage.judge_stage !== undefined ? `the file and stage "${stage.judge_stage.stage}"` : 'the file') : `stage "${stage.judge_stage!.stage}"`;
  const known = new Set(prefs.map((p) => p.rater));
  let majority: MajorityReport | undefined;
  if (stage.majority) {
    for (const r of stage.majority) if (!known.has(r)) throw new InputError(`stage "${stage.name}": majority: no rater "${r}" in ${source}`, where);
    if (known.has('majority')) throw new InputError(`stage "${stage.name}": majority: ${source} already has a rater named "majority"`, where);
    ({ rows: prefs, report: majority } = addMajorityRater(prefs, stage.majority));
    known.add('majority');
  }
  if (stage.raters) {
    for (const r of stage.raters) if (!known.has(r)) throw new InputError(`stage "${stage.name}": raters: no rater "${r}" in ${source}`, where);
    const keep = new Set(stage.raters);
    prefs = prefs.filter((p) => keep.has(p.rater));
  }
  for (const r of stage.compare ?? []) if (!known.has(r)) throw new InputError(`stage "${stage.name}": compare: no rater "${r}" in ${source} (raters: ${[...known].sort().join(', ')})`, where);
  if (stage.baseline !== undefined && !prefs.some((p) => p.model_a === stage.baseline || p.model_b === stage.baseline)) {
    throw new InputError(`stage "${stage.name}": baseline: no model "${stage.baseline}" in ${source}`, where);
  }
  const result = runWinrate(prefs, {
    ties: stage.ties,
    seed: ctx.seed,
    resamples: ctx.resamples,
    ...(stage.bt ? { bt: stage.bt } : {}),
    ...(stage.compare ? { compare: stage.compare } : {}),
    ...(stage.baseline !== undefined ? { baseline: stage.baseline } : {}),
  });
  const counts: Record<string, number> = {};
  for (const p of prefs) counts[p.status] = (counts[p.status] ?? 0) + 1;
  const markdown = renderWinrateMarkdown(result, stage.title ?? 'Win ratios', majority ? { majority } : {});
  return { result: { ...result, ...(majority ? { majority } : {}), ...provenance }, files: [], counts, cost_usd: 0, markdown };
}

function keepDimensions<T extends { dimension?: string | undefined }>(stage: Stage, rows: T[], file: string | undefined): T[] {
  if (!stage.dimensions) return rows;
  const keep = new Set(stage.dimensions);
  for (const d of keep) if (!rows.some((l) => l.dimension === d)) throw new InputError(`stage "${stage.name}": no dimension "${d}" in the ${stage.ratings !== undefined ? 'ratings' : 'judge\'s scores'}`, file !== undefined ? { file } : {});
  return rows.filter((l) => l.dimension !== undefined && keep.has(l.dimension));
}
