/**
 * Builds the pairs table of the consistency study from what the pipeline writes: the MCQ records
 * of the MCQ form (`judgekit mcq`) and the judgments of the open-ended form (`judgekit judge`),
 * joined on the items' `pair_id` (an item without one is its own pair, which is how
 * `judgekit reformulate` links an MCQ `X` to its open form `X#open`).
 *
 * - `mcq_correct`: the record's `correct`; an unreadable or missing answer (status ≠ ok) is
 *   missing here, never wrong, so the pair is excluded for that model and counted.
 * - `open_correct`: the judgment's score on `criterion` (raw rubric scale; default the Med-CMR
 *   `ground_truth_correctness`, 1–5 in rubrics/medcmr-v1.yaml) or, with criterion `score`, the
 *   aggregated 0–100 score. A failed judgment is missing. The threshold is the study's to apply.
 * - `dim_<key>`: every raw criterion score of the judgment, for the comparison over dimensions.
 */
import { InputError } from '../io/errors.ts';
import type { Item, Judgment, McqRecord } from '../schema/index.ts';
import type { ConsistencyRow } from './consistency.ts';
import { pairIdOf } from './reformulate.ts';
import { toCsv } from '../io/csv.ts';
import { DEFAULT_OPEN_CRITERION } from './defaults.ts';

export { DEFAULT_OPEN_CRITERION };

export function pairsFromRecords(
  items: Map<string, Item>,
  mcq: McqRecord[],
  judgments: Judgment[],
  opts: { criterion?: string } = {},
): { rows: ConsistencyRow[]; counts: Record<string, number> } {
  const criterion = opts.criterion ?? DEFAULT_OPEN_CRITERION;
  const rows = new Map<string, ConsistencyRow>();
  const counts: Record<string, number> = { mcq_not_ok: 0, judgment_not_ok: 0 };
  const row = (model: string, pair: string, task: string | undefined): ConsistencyRow => {
    const key = `${model}\u0000${pair}`;
    let r = rows.get(key);
    if (!r) {
      r = { pair_id: pair, model, mcq_correct: null, open_correct: null };
      if (task !== undefined) r.task = task;
      rows.set(key, r);
    }
    if (r.task === undefined && task !== undefined) r.task = task;
    return r;
  };
  const itemOf = (id: string, what: string): Item => {
    const it = items.get(id);
    if (!it) throw new InputError(`${what} names item "${id}", which is in none of the item files`, { field: 'item_id' });
    return it;
  };
  const seen = new Set<string>();
  const once = (kind: string, model: string, id: string): void => {
    const k = `${kind}\u0000${model}\u0000${id}`;
    if (seen.has(k)) throw new InputError(`two ${kind}s of model "${model}" on item "${id}" (one judge and one run per file)`, { field: 'item_id' });
    seen.add(k);
  };
  for (const rec of mcq) {
    once('MCQ record', rec.model, rec.item_id);
    const it = itemOf(rec.item_id, 'an MCQ record');
    const r = row(rec.model, pairIdOf(it), it.task);
    if (rec.status === 'ok' && rec.correct !== null) r.mcq_correct = rec.correct;
    else counts.mcq_not_ok!++;
  }
  for (const j of judgments) {
    const it = itemOf(j.item_id, 'a judgment');
    if (it.format !== 'open') continue;
    once('judgment', j.model, j.item_id);
    const r = row(j.model, pairIdOf(it), it.task);
    if (j.status !== 'ok') {
      counts.judgment_not_ok!++;
      continue;
    }
    const v = criterion === 'score' ? j.score : j.scores[criterion];
    if (v === undefined || v === null) {
      throw new InputError(`judgment of model "${j.model}" on item "${j.item_id}" has no "${criterion}" score (criteria: ${Object.keys(j.scores).join(', ')}, or "score")`, { field: 'criterion' });
    }
    r.open_correct = v;
    r.dimensions = { ...j.scores };
  }
  // Every row carries the same dimension keys (missing = null), as a CSV would.
  const dims = [...new Set([...rows.values()].flatMap((r) => Object.keys(r.dimensions ?? {})))].sort();
  const out = [...rows.values()];
  if (dims.length > 0) for (const r of out) r.dimensions = Object.fromEntries(dims.map((d) => [d, r.dimensions?.[d] ?? null]));
  counts.rows = out.length;
  return { rows: out, counts };
}

/** The rows as a pairs CSV that `readConsistencyPairs` reads back. */
export function pairsToCsv(rows: ConsistencyRow[]): string {
  const dims = [...new Set(rows.flatMap((r) => Object.keys(r.dimensions ?? {})))].sort();
  const hasTask = rows.some((r) => r.task !== undefined);
  const header = ['pair_id', 'model', 'mcq_correct', 'open_correct', ...(hasTask ? ['task'] : []), ...dims.map((d) => `dim_${d}`)];
  return toCsv(header, rows.map((r) => [r.pair_id, r.model, r.mcq_correct, r.open_correct, ...(hasTask ? [r.task] : []), ...dims.map((d) => r.dimensions?.[d])]));
}
