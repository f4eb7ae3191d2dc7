import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SwapStage } from '../../schema/experiment.ts';
import { InputError, zodToInputError } from '../../io/errors.ts';
import { llmbarSwapTable } from '../../studies/swap.ts';
import { renderSwapMarkdown } from '../../studies/winrate-report.ts';
import { resolveFrom } from '../config.ts';
import { type StageContext, type StageOutcome } from '../stage.ts';

const Verdict = z.union([z.literal(1), z.literal(2), z.null()]);
const VerdictsFile = z.object({
  sets: z.record(
    z.string(),
    z
      .object({
        n: z.number().int().nonnegative(),
        gold: z.array(z.union([z.literal(1), z.literal(2)])),
        judges: z.record(z.string().regex(/^[^/]+\/[^/]+$/, 'judge keys are "<LLM>/<strategy>"'), z.object({ swap_false: z.array(Verdict), swap_true: z.array(Verdict) })),
      })
      .superRefine((set, ctx) => {
        if (set.gold.length !== set.n) ctx.addIssue({ code: 'custom', path: ['gold'], message: `has ${set.gold.length} labels, n is ${set.n}` });
        for (const [k, j] of Object.entries(set.judges)) {
          if (j.swap_false.length !== set.n || j.swap_true.length !== set.n) ctx.addIssue({ code: 'custom', path: ['judges', k], message: `verdict lists must have n = ${set.n} entries` });
        }
      }),
  ),
});

/** Swap consistency (flip rate, first-position preference, accuracy of both orders) of pairwise judges against gold. */
export async function runSwapStage(stage: z.infer<typeof SwapStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.verdicts);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError(`malformed JSON (${(err as Error).message})`, { file });
  }
  const parsed = VerdictsFile.safeParse(raw);
  if (!parsed.success) throw zodToInputError(parsed.error, file, undefined);
  const rows = llmbarSwapTable(parsed.data, { seed: ctx.seed, resamples: ctx.resamples });
  const counts: Record<string, number> = {};
  for (const r of rows) {
    counts.ok = (counts.ok ?? 0) + (r.stats.n_items - r.stats.n_failed);
    counts.parse_error = (counts.parse_error ?? 0) + r.stats.n_failed;
  }
  return { result: { rows }, files: [], counts, cost_usd: 0, markdown: renderSwapMarkdown(rows, stage.title ?? 'Swap consistency', '##') };
}
