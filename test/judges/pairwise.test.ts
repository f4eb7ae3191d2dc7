import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePairwiseVerdict, runPairwiseJudge } from '../../src/judges/pairwise.ts';
import type { Item } from '../../src/schema/item.ts';
import type { Response } from '../../src/schema/response.ts';
import { runWinrate } from '../../src/studies/winrate.ts';
import { type RecordedRequest } from '../helpers/openai-server.ts';
import { useOpenAIServer } from '../helpers/use-openai-server.ts';

const server = useOpenAIServer();

const items: Item[] = [1, 2, 3].map((i) => ({ id: `q${i}`, format: 'open', question: `Question ${i}?`, reference: `Reference ${i}` }) as Item);
const responses: Response[] = items.flatMap((it) => [
  { item_id: it.id, model: 'good', output: `GOOD answer to ${it.id}` },
  { item_id: it.id, model: 'bad', output: `weak answer to ${it.id}` },
  { item_id: it.id, model: 'mid', output: `MID answer to ${it.id}` },
]) as Response[];

const prompt = (r: RecordedRequest): string => r.body.messages.map((m: { content: string }) => m.content).join('\n');
const answers = (r: RecordedRequest): [string, string] => {
  const t = prompt(r);
  return [t.split('<answer_1>\n')[1]!.split('\n')[0]!, t.split('<answer_2>\n')[1]!.split('\n')[0]!];
};
const quality = (s: string): number => (s.startsWith('GOOD') ? 2 : s.startsWith('MID') ? 1 : 0);
/** A content-driven judge: prefers the better answer whatever its position. */
const fairJudge = (r: RecordedRequest) => {
  const [a1, a2] = answers(r);
  const q1 = quality(a1);
  const q2 = quality(a2);
  return { kind: 'content' as const, content: JSON.stringify({ rationale: 'by content', overall: q1 > q2 ? '1' : q2 > q1 ? '2' : 'tie' }) };
};
const endpoint = () => ({ base_url: server.url, model: 'judge-test', output_mode: 'json_mode', max_retries: 1, timeout_ms: 2000 });
const fast = { base_ms: 1, max_ms: 2, max_retry_after_ms: 10 };

describe('runPairwiseJudge against the local OpenAI-compatible server', () => {
  it('judges every pair in both orders, maps the swapped verdict back, and combines agreeing orders', async () => {
    server.handler = fairJudge;
    const r = await runPairwiseJudge({ items, responses, endpoint: endpoint(), cacheDir: null, backoff: fast, resamples: 0 });
    expect(server.chatRequests().length).toBe(3 * 3 * 2);
    expect(r.preferences.length).toBe(9);
    for (const p of r.preferences) {
      expect(p.status).toBe('ok');
      expect(p.orders!.ab).toBe(p.orders!.ba);
      const better = quality(responses.find((x) => x.model === p.model_a)!.output) > quality(responses.find((x) => x.model === p.model_b)!.output) ? 'A' : 'B';
      expect(p.winner).toBe(better);
    }
    expect(r.swap.overall!.flip_rate.value).toBe(0);
    expect(r.swap.overall!.first_position_rate.value).toBe(0.5);
    const w = runWinrate(r.preferences, { ties: 'half', seed: 1, resamples: 0 });
    expect(w.raters['judge-test']!.ranking).toEqual(['good', 'mid', 'bad']);
  });

  it('a judge that always picks the first answer flips on every pair: tie under FastChat\'s policy, dropped under "drop"', async () => {
    server.handler = () => ({ kind: 'content', content: '{"rationale": "first", "overall": "1"}' });
    const tie = await runPairwiseJudge({ items, responses, endpoint: endpoint(), cacheDir: null, backoff: fast, resamples: 0, policy: 'tie' });
    expect(tie.preferences.every((p) => p.status === 'ok' && p.winner === 'tie' && p.orders!.ab === 'A' && p.orders!.ba === 'B')).toBe(true);
    expect(tie.swap.overall!.flip_rate.value).toBe(1);
    expect(tie.swap.overall!.first_position_rate.value).toBe(1);
    expect(tie.swap.overall!.flips_to_first).toBe(9);
    const drop = await runPairwiseJudge({ items, responses, endpoint: endpoint(), cacheDir: null, backoff: fast, resamples: 0, policy: 'drop' });
    expect(drop.preferences.every((p) => p.status === 'inconsistent_dropped' && p.winner === null)).toBe(true);
    expect(runWinrate(drop.preferences, { ties: 'half', seed: 1, resamples: 0 }).failures.by_status).toEqual({ inconsistent_dropped: 9 });
  });

  it('records failures with their own status, per dimension, never as ties', async () => {
    server.handler = (req) => {
      const [a1] = answers(req);
      if (a1.includes('q1')) return { kind: 'status', status: 400, body: { error: { message: 'bad request' } } };
      if (a1.includes('q2')) return { kind: 'content', content: 'I am sorry, I cannot compare these.' };
      return { kind: 'content', content: '{"rationale": "x", "accuracy": "2", "clarity": "tie"}' };
    };
    const dims = [
      { key: 'accuracy', description: 'Correct against the reference.' },
      { key: 'clarity', description: 'Clear.' },
    ];
    const r = await runPairwiseJudge({ items, responses, endpoint: endpoint(), dimensions: dims, cacheDir: null, backoff: fast, resamples: 0, max_repairs: 0 });
    const byItem = (id: string) => r.preferences.filter((p) => p.item_id === id);
    expect(byItem('q1').every((p) => p.status === 'api_error' && p.winner === null && p.error)).toBe(true);
    expect(byItem('q2').every((p) => p.status === 'refusal' && p.winner === null)).toBe(true);
    const q3 = byItem('q3');
    expect(q3.length).toBe(6);
    // "2" in both orders means a different answer each time: the orders disagree on accuracy.
    expect(q3.filter((p) => p.dimension === 'accuracy').every((p) => p.orders!.ab === 'B' && p.orders!.ba === 'A' && p.winner === 'tie')).toBe(true);
    expect(q3.filter((p) => p.dimension === 'clarity').every((p) => p.winner === 'tie' && p.orders!.ab === 'tie')).toBe(true);
    const w = runWinrate(r.preferences, { ties: 'half', seed: 1, resamples: 0 });
    expect(w.failures.by_status).toEqual({ api_error: 6, refusal: 6 });
  });

  it('caches both orders: a second run makes no request and returns the same records', async () => {
    server.handler = fairJudge;
    const dir = mkdtempSync(join(tmpdir(), 'judgekit-pairwise-'));
    const first = await runPairwiseJudge({ items, responses, endpoint: endpoint(), cacheDir: dir, backoff: fast, resamples: 0, baseline: 'mid' });
    expect(first.preferences.length).toBe(6);
    expect(first.preferences.every((p) => p.model_a === 'mid')).toBe(true);
    const n = server.chatRequests().length;
    expect(n).toBe(12);
    const again = await runPairwiseJudge({ items, responses, endpoint: endpoint(), cacheDir: dir, backoff: fast, resamples: 0, baseline: 'mid' });
    expect(server.chatRequests().length).toBe(n);
    expect(again.preferences.map((p) => [p.item_id, p.model_b, p.winner])).toEqual(first.preferences.map((p) => [p.item_id, p.model_b, p.winner]));
    expect(again.preferences.every((p) => p.cached)).toBe(true);
    expect(again.spend.requests).toBe(0);
  });
});

describe('parsePairwiseVerdict', () => {
  const dims = [{ key: 'overall', description: '' }];
  it('reads JSON, fenced JSON and "key: value" lines, and rejects anything else', () => {
    expect(parsePairwiseVerdict('{"rationale":"r","overall":"2"}', dims)).toEqual({ ok: true, value: { answers: { overall: '2' } }, method: 'json' });
    expect(parsePairwiseVerdict('```json\n{"overall": "Tie"}\n```', dims)).toMatchObject({ ok: true, value: { answers: { overall: 'tie' } } });
    expect(parsePairwiseVerdict('Answer 1 is more accurate.\noverall: 1', dims)).toMatchObject({ ok: true, value: { answers: { overall: '1' } }, method: 'tagged' });
    expect(parsePairwiseVerdict('{"overall": "3"}', dims)).toMatchObject({ ok: false });
    expect(parsePairwiseVerdict('both are fine', dims)).toMatchObject({ ok: false });
  });
});
