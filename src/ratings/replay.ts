import { hashValue } from '../io/hash.ts';
import type { JudgeFingerprint, Rating, Winner } from '../schema/index.ts';
import { failedRating } from './failures.ts';
import type { OrderVerdict } from './reduce.ts';

/** One set of the shipped LLMBar copy (data/llmbar/verdicts.json, written by scripts/import-llmbar.ts). */
export interface LlmbarSet {
  n: number;
  /** 1 = output_1 better, 2 = output_2 better. */
  gold: (1 | 2)[];
  /** "<LLM>/<strategy>" → per-order winners (1, 2 or null = unparseable), aligned with gold. */
  judges: Record<string, { swap_false: (1 | 2 | null)[]; swap_true: (1 | 2 | null)[] }>;
}
export interface LlmbarVerdicts {
  sets: Record<string, LlmbarSet>;
}

/** The gold rater of replayed pairwise sets. */
export const GOLD = 'gold';

const asWinner = (v: 1 | 2 | null): OrderVerdict => (v === 1 ? 'A' : v === 2 ? 'B' : null);

/**
 * The fingerprint of a replayed LLMBar judge setup ("<LLM>/<strategy>"): the model is the LLM as
 * LLMBar names it, the endpoint says it is LLMBar's recording, and the strategy (the prompt setup)
 * is a parameter. So the LLMBar "GPT-4" setups share a source and a model, and no other GPT-4.
 */
export function llmbarFingerprint(judgeKey: string): JudgeFingerprint {
  const [model, strategy] = judgeKey.split('/') as [string, string];
  const body = { kind: 'replay' as const, model, endpoint: 'replay:llmbar', params: { strategy }, output_mode: 'replay', parser_version: 'llmbar/1' };
  return { ...body, hash: hashValue(body) };
}

/**
 * Replayed pairwise verdicts in both orders (an LLMBar set) → Rating[]: per item, the gold answer
 * (a reference rating) and the judge's verdict under each presentation order (`order: ab` =
 * "swap = False", output_1 = A shown first; `ba` mapped back to the record's A/B). An unparseable
 * verdict is a failed rating (`parse_error`), never a tie.
 */
export function llmbarRatings(set: LlmbarSet, judgeKey: string, setName = 'llmbar'): Rating[] {
  const j = set.judges[judgeKey];
  if (!j) throw new RangeError(`no judge "${judgeKey}" in this LLMBar set`);
  const fingerprint = llmbarFingerprint(judgeKey);
  const out: Rating[] = [];
  set.gold.forEach((g, i) => {
    const item_id = `${setName}#${i}`;
    out.push({ rater: GOLD, rater_type: 'reference', item_id, status: 'ok', value: g === 1 ? 'A' : 'B' });
    for (const [order, list] of [['ab', j.swap_false], ['ba', j.swap_true]] as const) {
      const base = { rater: judgeKey, rater_type: 'judge' as const, item_id, order, fingerprint };
      const w = asWinner(list[i]!);
      out.push(w === null ? failedRating(base, 'parse_error') : { ...base, status: 'ok', value: w });
    }
  });
  return out;
}

/** Both-order ratings → one record per item: the verdict of each order (null = failed) and the gold answer. */
export function orderPairs(ratings: readonly Rating[]): { item_id: string; ab: OrderVerdict; ba: OrderVerdict; gold?: Winner | null }[] {
  const byItem = new Map<string, { item_id: string; ab: OrderVerdict; ba: OrderVerdict; gold?: Winner | null }>();
  for (const r of ratings) {
    let e = byItem.get(r.item_id);
    if (!e) byItem.set(r.item_id, (e = { item_id: r.item_id, ab: null, ba: null }));
    const v = r.status === 'ok' ? (r.value as Winner) : null;
    if (r.rater_type === 'reference') e.gold = v;
    else if (r.order) e[r.order] = v;
  }
  return [...byItem.values()];
}
