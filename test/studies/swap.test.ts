import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { combineOrders, llmbarSwapRecords, llmbarSwapTable, swapConsistency, type LlmbarVerdicts, type SwapRecord } from '../../src/studies/swap.ts';
import { renderSwapMarkdown } from '../../src/studies/winrate-report.ts';
import { dataset } from '../helpers/datasets.ts';
import { join } from 'node:path';

describe('combineOrders', () => {
  it('gives the agreed verdict, a tie or a drop on disagreement, and a failure when an order failed', () => {
    expect(combineOrders('A', 'A', 'tie')).toEqual({ winner: 'A', status: 'ok' });
    expect(combineOrders('tie', 'tie', 'drop')).toEqual({ winner: 'tie', status: 'ok' });
    expect(combineOrders('A', 'B', 'tie')).toEqual({ winner: 'tie', status: 'ok' });
    expect(combineOrders('A', 'tie', 'drop')).toEqual({ winner: null, status: 'inconsistent_dropped' });
    expect(combineOrders(null, 'A', 'tie')).toEqual({ winner: null, status: 'failed' });
  });
});

describe('swapConsistency on a hand-counted example', () => {
  const recs: SwapRecord[] = [
    { item_id: '1', ab: 'A', ba: 'A', gold: 'A' }, // consistent, both right
    { item_id: '2', ab: 'A', ba: 'B', gold: 'B' }, // flip toward the first-shown answer
    { item_id: '3', ab: 'B', ba: 'A', gold: 'A' }, // flip toward the second-shown answer
    { item_id: '4', ab: 'tie', ba: 'B', gold: 'B' }, // flip involving a tie
    { item_id: '5', ab: null, ba: 'B', gold: 'B' }, // a failed order
  ];
  const s = swapConsistency(recs, { seed: 1, resamples: 0 });

  it('flip rate and positional agreement over the pairs with both orders ok', () => {
    expect([s.n_items, s.n_both_ok, s.n_failed]).toEqual([5, 4, 1]);
    expect(s.flip_rate.value).toBe(3 / 4);
    expect(s.positional_agreement.value).toBe(1 / 4);
    expect([s.flips, s.flips_to_first, s.flips_to_second]).toEqual([3, 1, 1]);
  });

  it('first-position rate over decisive ok verdicts', () => {
    // decisive verdicts: 1ab A(first) 1ba A(second) 2ab A(first) 2ba B(first) 3ab B(second) 3ba A(second) 4ba B(first) 5ba B(first)
    expect(s.n_decisive_verdicts).toBe(8);
    expect(s.first_position_rate.value).toBe(5 / 8);
  });

  it('accuracy per order over ok verdicts, and both orders correct', () => {
    expect(s.accuracy_ab!.value).toBe(1 / 4); // 1 of items 1-4
    expect(s.accuracy_ba!.value).toBe(1); // all five right
    expect(s.accuracy_mean!.value).toBe(6 / 9);
    expect(s.both_orders_correct!.value).toBe(1 / 4);
  });

  it('has no gold statistics without gold, and intervals with resamples', () => {
    const noGold = swapConsistency(recs.map(({ gold: _g, ...r }) => r), { seed: 1, resamples: 100 });
    expect(noGold.accuracy_mean).toBeNull();
    expect(noGold.flip_rate.ci_low!).toBeLessThanOrEqual(0.75);
    expect(noGold.flip_rate.ci_high!).toBeGreaterThanOrEqual(0.75);
  });
});

describe('swap consistency of the LLMBar verdicts (converted by datasets get)', async () => {
  const data = JSON.parse(readFileSync(join(await dataset('llmbar'), 'verdicts.json'), 'utf8')) as LlmbarVerdicts;

  it('MT-Bench GPT-4 Vanilla_NoRules: no failures, so flip rate = 1 − upstream Agr. (87.0%) and accuracy = Acc. (81.0%)', () => {
    const s = swapConsistency(llmbarSwapRecords(data.sets['Processed/MT-Bench']!, 'GPT-4/Vanilla_NoRules'), { seed: 1, resamples: 0 });
    expect(s.n_failed).toBe(0);
    expect(s.flip_rate.value).toBeCloseTo(26 / 200, 15);
    expect(s.accuracy_mean!.value).toBeCloseTo(0.81, 15);
    expect(s.both_orders_correct!.value).toBeCloseTo(149 / 200, 15);
  });

  it('tabulates every set × judge/strategy and renders it', () => {
    const rows = llmbarSwapTable(data, { seed: 1, resamples: 0 });
    expect(rows.length).toBe(49);
    const md = renderSwapMarkdown(rows, 'LLMBar swap consistency');
    expect(md.split('\n').filter((l) => l.startsWith('| Processed/MT-Bench | GPT-4 | Vanilla_NoRules | 200 | 0 | 0.130 |')).length).toBe(1);
  });
});
