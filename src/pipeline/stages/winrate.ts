import { join } from 'node:path';
import type { z } from 'zod';
import type { WinrateStage } from '../../schema/experiment.ts';
import { readPreferences, type PreferenceRow } from '../../io/preferences.ts';
import { readLabels } from '../../io/records.ts';
import { pairsFromLabels } from '../../studies/pairs-from-scores.ts';
import { InputError } from '../../io/errors.ts';
import { writeJsonAtomic } from '../../io/atomic.ts';
import { addMajorityRater, runWinrate, type MajorityReport } from '../../studies/winrate.ts';
import { renderWinrateMarkdown } from '../../studies/winrate-report.ts';
import { resolveFrom } from '../config.ts';
import { outName, type StageContext, type StageOutcome } from '../stage.ts';

/** Win ratios, Bradley–Terry and (with `compare`) the human-versus-judge ranking comparison. */
export async function runWinrateStage(stage: z.infer<typeof WinrateStage>, ctx: StageContext): Promise<StageOutcome> {
  let file: string;
  let prefs: PreferenceRow[];
  let fromRatings: { missing_mean: number } | undefined;
  if (stage.ratings !== undefined) {
    file = resolveFrom(ctx.configDir, stage.ratings);
    let labels = await readLabels(file, stage.ratings_columns ?? {});
    if (stage.dimensions) {
      const keep = new Set(stage.dimensions);
      for (const d of keep) if (!labels.some((l) => l.dimension === d)) throw new InputError(`stage "${stage.name}": no dimension "${d}" in the ratings`, { file });
      labels = labels.filter((l) => l.dimension !== undefined && keep.has(l.dimension));
    }
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
    fromRatings = { missing_mean: made.missing_mean };
  } else {
    file = resolveFrom(ctx.configDir, stage.preferences!);
    prefs = await readPreferences(file);
  }
  const known = new Set(prefs.map((p) => p.rater));
  let majority: MajorityReport | undefined;
  if (stage.majority) {
    for (const r of stage.majority) if (!known.has(r)) throw new InputError(`stage "${stage.name}": majority: no rater "${r}" in the file`, { file });
    ({ rows: prefs, report: majority } = addMajorityRater(prefs, stage.majority));
    known.add('majority');
  }
  if (stage.raters) {
    for (const r of stage.raters) if (!known.has(r)) throw new InputError(`stage "${stage.name}": raters: no rater "${r}" in the file`, { file });
    const keep = new Set(stage.raters);
    prefs = prefs.filter((p) => keep.has(p.rater));
  }
  for (const r of stage.compare ?? []) if (!known.has(r)) throw new InputError(`stage "${stage.name}": compare: no rater "${r}" in the file`, { file });
  const result = runWinrate(prefs, {
    ties: stage.ties,
    seed: ctx.seed,
    resamples: ctx.resamples,
    ...(stage.bt ? { bt: stage.bt } : {}),
    ...(stage.compare ? { compare: stage.compare } : {}),
    ...(stage.baseline !== undefined ? { baseline: stage.baseline } : {}),
  });
  const out = { ...result, ...(majority ? { majority } : {}), ...(fromRatings ? { from_ratings: { margin: stage.margin, mean_of: stage.mean_of ?? null, ...fromRatings } } : {}) };
  const json = outName(stage, 'json');
  await writeJsonAtomic(join(ctx.runDir, json), out);
  const counts: Record<string, number> = {};
  for (const p of prefs) counts[p.status] = (counts[p.status] ?? 0) + 1;
  const markdown = renderWinrateMarkdown(result, stage.title ?? 'Win ratios', majority ? { majority } : {});
  return { outputs: [json], counts, cost_usd: 0, markdown };
}
