import type { z } from 'zod';
import type { ConsistencyPairsStage, Item } from '../../schema/index.ts';
import { InputError } from '../../io/errors.ts';
import { readItems } from '../../io/records.ts';
import { readJudgments } from '../../io/judgments.ts';
import { pairsFromRecords, pairsToCsv } from '../../studies/consistency-pairs.ts';
import type { ConsistencyRow } from '../../studies/consistency.ts';
import { resolveFrom } from '../config.ts';
import { resolveInput, type StageContext, type StageOutcome } from '../stage.ts';
import { readMcqRecords, upstreamJudgments, upstreamMcqRecords } from './upstream.ts';

type PairSources = Pick<z.infer<typeof ConsistencyPairsStage>, 'name' | 'items' | 'criterion' | 'mcq_stage' | 'judge_stage' | 'mcq_records' | 'judgments'>;

/** The item files that link the two forms: given, or those the mcq and judge stages read. */
function itemFiles(stage: PairSources, ctx: StageContext): string[] {
  if (stage.items) return stage.items.map((f) => resolveFrom(ctx.configDir, f));
  const files: string[] = [];
  for (const ref of [stage.mcq_stage, stage.judge_stage]) {
    const upstream = ref && ctx.stages?.get(ref.stage);
    if (!upstream || (upstream.kind !== 'mcq' && upstream.kind !== 'judge')) throw new InputError(`stage "${stage.name}": give items (the item files of both forms): "${ref?.stage}" is not an mcq or judge stage of this experiment`);
    files.push(resolveInput(ctx, upstream.items, 'items'));
  }
  return [...new Set(files)];
}

/**
 * The consistency study's pairs, one row per (pair id, model): the MCQ records and the judgments
 * of the open-ended form, joined on the items' pair_id (studies/consistency-pairs.ts).
 */
export async function consistencyRows(stage: PairSources, ctx: StageContext): Promise<{ rows: ConsistencyRow[]; counts: Record<string, number> }> {
  const items = new Map<string, Item>();
  for (const f of itemFiles(stage, ctx)) {
    for (const [id, it] of await readItems(f)) {
      if (items.has(id)) throw new InputError(`item "${id}" is in two item files`, { file: f, field: 'id' });
      items.set(id, it);
    }
  }
  const mcq = stage.mcq_stage ? await upstreamMcqRecords(ctx, stage.name, stage.mcq_stage.stage) : await readMcqRecords(resolveFrom(ctx.configDir, stage.mcq_records!));
  const judgments = stage.judge_stage ? await upstreamJudgments(ctx, stage.name, stage.judge_stage.stage) : await readJudgments(resolveFrom(ctx.configDir, stage.judgments!));
  return pairsFromRecords(items, mcq, judgments, stage.criterion !== undefined ? { criterion: stage.criterion } : {});
}

/** The pairs table as `<name>.pairs.csv` (what `judgekit consistency` reads), with its counts as the result. */
export async function runConsistencyPairsStage(stage: z.infer<typeof ConsistencyPairsStage>, ctx: StageContext): Promise<StageOutcome> {
  const { rows, counts } = await consistencyRows(stage, ctx);
  const markdown = `### MCQ ↔ open-ended pairs\n\n${rows.length} row(s); ${counts.mcq_not_ok} unreadable MCQ answer(s) and ${counts.judgment_not_ok} failed judgment(s) left empty (missing), never wrong.\n`;
  return { result: counts, files: [{ suffix: 'pairs.csv', text: pairsToCsv(rows) }], counts: { ok: rows.length }, cost_usd: 0, markdown };
}

