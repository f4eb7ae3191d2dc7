import { describe, expect, it } from 'vitest';
import type { Judgment, McqRecord, Preference } from '../../src/schema/index.ts';
import { Rating } from '../../src/schema/rating.ts';
import { judgmentRatings, OVERALL } from '../../src/ratings/judgments.ts';
import { labelRatings, ratingsToLabels } from '../../src/ratings/labels.ts';
import { mcqRatings } from '../../src/ratings/mcq.ts';
import { preferenceRatings } from '../../src/ratings/preferences.ts';
import { llmbarRatings, orderPairs } from '../../src/ratings/replay.ts';
import { bothOrders, quorumOf, reduceSamples, strictMajority } from '../../src/ratings/reduce.ts';
import { consensusColumn } from '../../src/ratings/consensus.ts';
import { bootstrapItems } from '../../src/stats/bootstrap.ts';
import { bootstrapVector, itemResamples } from '../../src/stats/resample.ts';

const fp = { kind: 'replay' as const, model: 'x', endpoint: 'replay:x', params: {}, parser_version: 'replay/1', hash: 'h' };
const base = { judge: fp, parse_method: 'replay', repairs: 0, raw: null, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0, cached: false };

describe('adapters: one rule for failures, the fingerprint kept', () => {
  const js: Judgment[] = [
    { ...base, item_id: 'a', model: 'm1', status: 'ok', scores: { rel: 4, flu: 5 }, score: 90, samples: [{ rel: 4, flu: 5 }, { rel: 3, flu: 5 }] },
    { ...base, item_id: 'b', model: 'm1', status: 'refusal', error: 'no' },
  ];
  it('judgments: a rating per criterion; a failed judgment fails every criterion, without a value', () => {
    const r = judgmentRatings(js, { rater: 'v1', dimensionPrefix: 's/' });
    expect(r.map((x) => [x.item_id, x.dimension, x.status, x.status === 'ok' ? x.value : null])).toEqual([
      ['a', 's/rel', 'ok', 4],
      ['a', 's/flu', 'ok', 5],
      ['b', 's/rel', 'refusal', null],
      ['b', 's/flu', 'refusal', null],
    ]);
    for (const x of r) {
      expect(x.fingerprint).toEqual(fp);
      expect(x.rater_type).toBe('judge');
      expect(Rating.parse(x)).toEqual(x);
    }
  });
  it('judgments: the total and the k samples on request', () => {
    const r = judgmentRatings(js, { overall: true, samples: true });
    expect(r.filter((x) => x.dimension === OVERALL).map((x) => x.status)).toEqual(['ok', 'refusal']);
    expect(r.filter((x) => x.sample !== undefined && x.dimension === 'rel').map((x) => (x.status === 'ok' ? x.value : null))).toEqual([4, 3]);
  });
  it('labels: a failure value is a failed rating that keeps what the file recorded; back to labels unchanged', () => {
    const labels = [
      { item_id: '1', rater: 'h', value: 2 },
      { item_id: '1', rater: 'gpt', value: 'garbage' },
      { item_id: '2', rater: 'gpt', value: 'refusal' },
    ];
    const r = labelRatings(labels, { judges: ['gpt'] });
    expect(r.map((x) => [x.rater_type, x.status])).toEqual([['human', 'ok'], ['judge', 'parse_error'], ['judge', 'refusal']]);
    expect(r[1]).toMatchObject({ recorded: 'garbage' });
    expect(ratingsToLabels(r)).toEqual(labels);
  });
  it('MCQ records: the answer key rates 1/0; an unreadable answer is its own status, never 0', () => {
    const rec = (status: McqRecord['status'], correct: boolean | null): McqRecord => ({ item_id: 'q', model: 'm', status, output: '', extracted: null, rule: 'x', answer: 'A', correct });
    const r = mcqRatings([rec('ok', true), rec('ok', false), rec('invalid_answer', null), rec('missing', null)]);
    expect(r.map((x) => [x.rater_type, x.status, x.status === 'ok' ? x.value : null])).toEqual([
      ['reference', 'ok', 1],
      ['reference', 'ok', 0],
      ['reference', 'invalid_answer', null],
      ['reference', 'missing', null],
    ]);
  });
  it('preferences: winner as value, both orders on request, failures by status', () => {
    const p: Preference[] = [
      { item_id: 'i', rater: 'j', model_a: 'x', model_b: 'y', status: 'ok', winner: 'A', orders: { ab: 'A', ba: 'tie' }, judge: fp },
      { item_id: 'k', rater: 'j', model_a: 'x', model_b: 'y', status: 'api_error', winner: null, error: 'HTTP 500' },
    ];
    const r = preferenceRatings(p, { orders: true });
    expect(r.map((x) => [x.item_id, x.order ?? '-', x.status, x.status === 'ok' ? x.value : null])).toEqual([
      ['i', '-', 'ok', 'A'],
      ['i', 'ab', 'ok', 'A'],
      ['i', 'ba', 'ok', 'tie'],
      ['k', '-', 'api_error', null],
    ]);
  });
  it('replayed LLMBar verdicts: gold as a reference, each order a judge rating with the setup fingerprint', () => {
    const set = { n: 2, gold: [1, 2] as (1 | 2)[], judges: { 'GPT-4/Vanilla': { swap_false: [1, null] as (1 | 2 | null)[], swap_true: [2, 2] as (1 | 2 | null)[] } } };
    const r = llmbarRatings(set, 'GPT-4/Vanilla', 's');
    expect(r.filter((x) => x.rater_type === 'judge').every((x) => x.fingerprint?.endpoint === 'replay:llmbar' && x.fingerprint.params.strategy === 'Vanilla')).toBe(true);
    expect(orderPairs(r)).toEqual([
      { item_id: 's#0', gold: 'A', ab: 'A', ba: 'B' },
      { item_id: 's#1', gold: 'B', ab: null, ba: 'B' },
    ]);
  });
});

describe('reducers', () => {
  it('strict majority: more than half of the named quorum', () => {
    const votes = new Map([['A', 2], ['B', 1]]);
    expect(strictMajority(votes, quorumOf('present', { present: 3, listed: 5 }))).toBe('A'); // 2 of 3 present
    expect(strictMajority(votes, quorumOf('listed', { present: 3, listed: 5 }))).toBeUndefined(); // 2 of 5 listed
    expect(strictMajority(new Map([['A', 1], ['B', 1]]), 2)).toBeUndefined();
  });
  it('k samples (numpy mean/median; majority ties to the lower score) and both orders', () => {
    expect(reduceSamples([4, 1, 3, 2], 'median')).toBe(2.5);
    expect(reduceSamples([3, 4, 4, 3, 2], 'majority')).toBe(3);
    expect(bothOrders('A', 'A', 'drop')).toEqual({ winner: 'A', status: 'ok' });
    expect(bothOrders('A', 'B', 'tie')).toEqual({ winner: 'tie', status: 'ok' });
    expect(bothOrders('A', 'B', 'drop')).toEqual({ winner: null, status: 'inconsistent_dropped' });
    expect(bothOrders(null, 'B', 'tie').status).toBe('failed');
  });
  it('consensus: strict majority of those present (nominal) or their mean, with too-few and no-majority flags', () => {
    const N = NaN;
    const cols = [Float64Array.from([1, 1, 2, N, 3]), Float64Array.from([1, 2, 2, N, N]), Float64Array.from([2, 3, N, N, N])];
    const nom = consensusColumn(cols, { nominal: true, minRaters: 2 });
    expect(Array.from(nom.values)).toEqual([1, N, 2, N, N]);
    expect(Array.from(nom.noMajority)).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(nom.tooFew)).toEqual([0, 0, 0, 0, 1]);
    const num = consensusColumn(cols, { nominal: false, minRaters: 1 });
    expect(Array.from(num.values)).toEqual([4 / 3, 2, 2, N, 3]);
  });
});

describe('the item bootstrap driver', () => {
  it('draws exactly the resamples of bootstrapItems, one vector of statistics per resample', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    const mean = (idx: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += x[idx[i]!]!;
      return s / idx.length;
    };
    const ref: number[] = [];
    bootstrapItems(x.length, (idx) => (ref.push(mean(idx)), 0), { resamples: 50, seed: 9 });
    const { point, replicates } = bootstrapVector(x.length, 2, (idx) => [mean(idx), -mean(idx)], { resamples: 50, seed: 9 });
    expect(point[0]).toBe(ref[0]);
    expect(Array.from(replicates[0]!)).toEqual(ref.slice(1));
    expect(Array.from(replicates[1]!)).toEqual(ref.slice(1).map((v) => -v));
    expect(itemResamples(x.length, 50, 9).map((idx) => mean(idx))).toEqual(ref.slice(1));
  });
});
