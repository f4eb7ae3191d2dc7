import { join } from 'node:path';
import type { z } from 'zod';
import type { WinrateStage } from '../../schema/experiment.ts';
import { readPreferences } from '../../io/preferences.ts';
import { InputError } from '../../io/errors.ts';
import { writeJsonAtomic } from '../../io/atomic.ts';
import { addMajorityRater, runWinrate, type MajorityReport } from '../../studies/winrate.ts';
import { renderWinrateMarkdown } from '../../studies/winrate-report.ts';
import { resolveFrom } from '../config.ts';
import { outName, type StageContext, type StageOutcome } from '../stage.ts';

/** Win ratios, Bradley–Terry and (with `compare`) the human-versus-judge ranking comparison. */
export async function runWinrateStage(stage: z.infer<typeof WinrateStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.preferences);
  let prefs = await readPreferences(file);
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
  const out = majority ? { ...result, majority } : result;
  const json = outName(stage, 'json');
  await writeJsonAtomic(join(ctx.runDir, json), out);
  const counts: Record<string, number> = {};
  for (const p of prefs) counts[p.status] = (counts[p.status] ?? 0) + 1;
  const markdown = renderWinrateMarkdown(result, stage.title ?? 'Win ratios', majority ? { majority } : {});
  return { outputs: [json], counts, cost_usd: 0, markdown };
}
