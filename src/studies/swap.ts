/**
 * Swap (position) consistency of a pairwise judge that saw each pair in both orders, as data.
 *
 * Conventions. `ab` is the verdict when the answers were shown in the record's order (A first), `ba`
 * the verdict when they were shown swapped (B first), already mapped back to the record's A/B.
 * `null` is a failed verdict (unparseable output, refusal, API error): never a tie, never wrong.
 *
 * - flip rate: share of items, among those with both orders ok, whose two verdicts differ;
 *   positional agreement = 1 − flip rate.
 * - first-position rate: among the decisive (non-tie) ok verdicts of both orders, the share that
 *   chose the answer shown first (A in `ab`, B in `ba`); 0.5 is no position preference. Flips are
 *   also split by direction: `flips_to_first` (each order chose its first-shown answer),
 *   `flips_to_second` (each chose its second-shown one), the rest involve a tie.
 * - with gold: accuracy of each order and their mean over ok verdicts, and both-orders-correct over
 *   items with both orders ok.
 * `upstreamSwapStatistics` instead reproduces LLMBar's statistics.json conventions, where a failed
 * verdict counts as wrong and two failures count as agreeing.
 */
import type { Estimate, Winner } from '../schema/index.ts';
import { bootstrapItems } from '../stats/bootstrap.ts';

export type OrderVerdict = Winner | null;

export interface SwapRecord {
  item_id: string;
  ab: OrderVerdict;
  ba: OrderVerdict;
  gold?: Winner | null | undefined;
}

export type InconsistencyPolicy = 'tie' | 'drop';

/**
 * Combines the two order verdicts of one pair: agreeing orders give the verdict; disagreeing orders
 * give a tie (`'tie'`, FastChat's rule) or no verdict (`'drop'`, status `inconsistent_dropped`). A
 * failed order makes the combination `failed` (the caller records the order's own failure status).
 */
export function combineOrders(ab: OrderVerdict, ba: OrderVerdict, policy: InconsistencyPolicy): { winner: Winner | null; status: 'ok' | 'inconsistent_dropped' | 'failed' } {
  if (ab === null || ba === null) return { winner: null, status: 'failed' };
  if (ab === ba) return { winner: ab, status: 'ok' };
  return policy === 'tie' ? { winner: 'tie', status: 'ok' } : { winner: null, status: 'inconsistent_dropped' };
}

export interface SwapConsistency {
  n_items: number;
  n_both_ok: number;
  /** Items with at least one failed order. */
  n_failed: number;
  flip_rate: Estimate;
  positional_agreement: Estimate;
  first_position_rate: Estimate;
  n_decisive_verdicts: number;
  flips: number;
  flips_to_first: number;
  flips_to_second: number;
  /** Null where no record has gold. */
  accuracy_ab: Estimate | null;
  accuracy_ba: Estimate | null;
  accuracy_mean: Estimate | null;
  both_orders_correct: Estimate | null;
  n_gold: number;
}

const firstShown = (order: 'ab' | 'ba', v: OrderVerdict): boolean => (order === 'ab' ? v === 'A' : v === 'B');

/** Swap-consistency statistics with seeded item-level bootstrap intervals (see the module comment). */
export function swapConsistency(records: readonly SwapRecord[], opts: { seed: number; resamples: number; level?: number }): SwapConsistency {
  const n = records.length;
  const bopts = { seed: opts.seed, resamples: opts.resamples, level: opts.level ?? 0.95 };
  const ratio = (idx: Uint32Array, num: (r: SwapRecord) => number, den: (r: SwapRecord) => number): number => {
    let a = 0;
    let b = 0;
    for (const i of idx) {
      const r = records[i]!;
      a += num(r);
      b += den(r);
    }
    return b > 0 ? a / b : NaN;
  };
  const bothOk = (r: SwapRecord): number => (r.ab !== null && r.ba !== null ? 1 : 0);
  const flipped = (r: SwapRecord): number => (bothOk(r) && r.ab !== r.ba ? 1 : 0);
  const decisive = (r: SwapRecord): number => (r.ab !== null && r.ab !== 'tie' ? 1 : 0) + (r.ba !== null && r.ba !== 'tie' ? 1 : 0);
  const first = (r: SwapRecord): number => (firstShown('ab', r.ab) ? 1 : 0) + (firstShown('ba', r.ba) ? 1 : 0);
  const hasGold = (r: SwapRecord): boolean => r.gold !== undefined && r.gold !== null;
  const flip = bootstrapItems(n, (idx) => ratio(idx, flipped, bothOk), bopts);
  const agree = bootstrapItems(n, (idx) => ratio(idx, (r) => bothOk(r) - flipped(r), bothOk), bopts);
  const firstRate = bootstrapItems(n, (idx) => ratio(idx, first, decisive), bopts);
  let flips = 0;
  let toFirst = 0;
  let toSecond = 0;
  let nDecisive = 0;
  for (const r of records) {
    nDecisive += decisive(r);
    if (!flipped(r)) continue;
    flips++;
    if (r.ab === 'A' && r.ba === 'B') toFirst++;
    else if (r.ab === 'B' && r.ba === 'A') toSecond++;
  }
  const nGold = records.filter(hasGold).length;
  const gold = nGold > 0;
  const okAb = (r: SwapRecord): number => (hasGold(r) && r.ab !== null ? 1 : 0);
  const okBa = (r: SwapRecord): number => (hasGold(r) && r.ba !== null ? 1 : 0);
  const rightAb = (r: SwapRecord): number => (okAb(r) && r.ab === r.gold ? 1 : 0);
  const rightBa = (r: SwapRecord): number => (okBa(r) && r.ba === r.gold ? 1 : 0);
  return {
    n_items: n,
    n_both_ok: records.reduce((s, r) => s + bothOk(r), 0),
    n_failed: records.reduce((s, r) => s + (bothOk(r) ? 0 : 1), 0),
    flip_rate: flip,
    positional_agreement: agree,
    first_position_rate: firstRate,
    n_decisive_verdicts: nDecisive,
    flips,
    flips_to_first: toFirst,
    flips_to_second: toSecond,
    accuracy_ab: gold ? bootstrapItems(n, (idx) => ratio(idx, rightAb, okAb), bopts) : null,
    accuracy_ba: gold ? bootstrapItems(n, (idx) => ratio(idx, rightBa, okBa), bopts) : null,
    accuracy_mean: gold ? bootstrapItems(n, (idx) => ratio(idx, (r) => rightAb(r) + rightBa(r), (r) => okAb(r) + okBa(r)), bopts) : null,
    both_orders_correct: gold
      ? bootstrapItems(n, (idx) => ratio(idx, (r) => (rightAb(r) && rightBa(r) ? 1 : 0), (r) => (hasGold(r) && bothOk(r) ? 1 : 0)), bopts)
      : null,
    n_gold: nGold,
  };
}

export interface UpstreamSwapStatistics {
  n: number;
  correct_false: number;
  correct_true: number;
  /** (correct_false + correct_true) / (2n): the LLMBar paper's Acc. */
  correct_average: number;
  correct_both: number;
  /** Items whose two verdicts are equal, failure == failure included: the paper's Agr. */
  equal: number;
}

/**
 * LLMBar's statistics.json (Zeng et al. 2024) from gold labels and the two per-order winners, with
 * upstream's conventions: a failed verdict is wrong, and two failed verdicts are "equal". Counts,
 * not rates, so that the reproduction can be checked exactly.
 */
export function upstreamSwapStatistics(records: readonly SwapRecord[]): UpstreamSwapStatistics {
  let cf = 0;
  let ct = 0;
  let both = 0;
  let equal = 0;
  for (const r of records) {
    const a = r.ab !== null && r.ab === r.gold;
    const b = r.ba !== null && r.ba === r.gold;
    if (a) cf++;
    if (b) ct++;
    if (a && b) both++;
    if (r.ab === r.ba) equal++;
  }
  const n = records.length;
  return { n, correct_false: cf, correct_true: ct, correct_average: n ? (cf + ct) / (2 * n) : NaN, correct_both: both, equal };
}

// ---------------------------------------------------------------------------------------------
// The LLMBar verdicts as `judgekit datasets get llmbar` converts them (datasets/llmbar/verdicts.json)

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

const asWinner = (v: 1 | 2 | null): OrderVerdict => (v === 1 ? 'A' : v === 2 ? 'B' : null);

/** Swap records of one judge/strategy on one LLMBar set (output_1 = A; "swap = False" = the ab order). */
export function llmbarSwapRecords(set: LlmbarSet, judge: string, setName = 'llmbar'): SwapRecord[] {
  const j = set.judges[judge];
  if (!j) throw new RangeError(`no judge "${judge}" in this LLMBar set`);
  return set.gold.map((g, i) => ({ item_id: `${setName}#${i}`, ab: asWinner(j.swap_false[i]!), ba: asWinner(j.swap_true[i]!), gold: g === 1 ? 'A' : 'B' }));
}

export interface SwapRow {
  set: string;
  judge: string;
  strategy: string;
  stats: SwapConsistency;
}

/** Swap consistency for every set and judge/strategy of the LLMBar copy, in a stable order. */
export function llmbarSwapTable(data: LlmbarVerdicts, opts: { seed: number; resamples: number }): SwapRow[] {
  const rows: SwapRow[] = [];
  for (const set of Object.keys(data.sets).sort()) {
    for (const key of Object.keys(data.sets[set]!.judges).sort()) {
      const [judge, strategy] = key.split('/') as [string, string];
      rows.push({ set, judge, strategy, stats: swapConsistency(llmbarSwapRecords(data.sets[set]!, key, set), opts) });
    }
  }
  return rows;
}
