import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { readResponses } from '../../src/io/records.ts';
import { writeJsonlAtomic } from '../../src/io/atomic.ts';
import { scoreMcq } from '../../src/mcq/score.ts';
import { Item } from '../../src/schema/index.ts';
import { collectAnswers, estimateAnswers, mcqPrompt, openPrompt } from '../../src/studies/answer.ts';
import { promptText } from '../helpers/openai-server.ts';
import { useOpenAIServer } from '../helpers/use-openai-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'jk-answer-'));
// a 1×1 PNG
writeFileSync(join(dir, 'img1.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
const items = [
  Item.parse({ id: 'mcq-1', format: 'mcq', question: 'What is shown?', options: { A: 'Pneumonia', B: 'Pneumothorax', C: 'Effusion' }, answer: 'B', image: 'img1.png' }),
  Item.parse({ id: 'open-1', format: 'open', question: 'What is the diagnosis?', reference: 'Pneumothorax', image: 'img1.png' }),
  Item.parse({ id: 'mcq-2', format: 'mcq', question: 'Which organ?', options: { A: 'Liver', B: 'Spleen' }, answer: 'A' }),
];
const fast = { base_ms: 1, max_ms: 5, max_retry_after_ms: 50 };
const endpoint = (over: Record<string, unknown> = {}) => ({ base_url: server.url, model: 'cand-7b', max_retries: 0, timeout_ms: 2000, supports_images: true, ...over });

const server = useOpenAIServer();
beforeEach(() => {
  server.handler = (req) => {
    const text = promptText(req);
    return { kind: 'content', content: text.includes('Options:') ? (text.includes('Liver') ? 'A' : 'B') : 'Reasoning: a pleural line.\nAnswer: Pneumothorax', usage: { prompt_tokens: 100, completion_tokens: 10 } };
  };
});

describe('Med-CMR prompts', () => {
  it('MCQ: options as "A) text" lines and the letter range of the item; open: the Reasoning/Answer format', () => {
    expect(mcqPrompt(items[0]!)).toContain('Options:\nA) Pneumonia\nB) Pneumothorax\nC) Effusion\n\nAnswer only with the option letter (A–C).');
    expect(openPrompt(items[1]!)).toContain('Output format (Must follow strictly):\nReasoning: <visual and diagnostic reasoning process>\nAnswer: <final answer to the question>');
  });
});

describe('collectAnswers against the local OpenAI-compatible server', () => {
  it('asks every item once, sends images as data URLs, and writes responses the MCQ scorer reads', async () => {
    const res = await collectAnswers(items, { endpoint: endpoint({ price: { input_per_m: 1, output_per_m: 2 } }), imageRoot: dir, cacheDir: null, backoff: fast });
    expect(server.chatRequests()).toHaveLength(3);
    const first = server.chatRequests().find((r) => promptText(r).includes('What is shown?'))!;
    const parts = first.body.messages[0].content;
    expect(parts[0].type).toBe('image_url');
    expect(parts[0].image_url.url).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(first.body.response_format).toBeUndefined();
    const noImage = server.chatRequests().find((r) => promptText(r).includes('Which organ?'))!;
    expect(typeof noImage.body.messages[0].content).toBe('string');
    expect(res.counts).toEqual({ ok: 3 });
    expect(res.responses.map((r) => [r.item_id, r.model, r.output])).toEqual([
      ['mcq-1', 'cand-7b', 'B'],
      ['open-1', 'cand-7b', 'Reasoning: a pleural line.\nAnswer: Pneumothorax'],
      ['mcq-2', 'cand-7b', 'A'],
    ]);
    expect(res.spend.cost_usd).toBeCloseTo(3 * (100 * 1 + 10 * 2) / 1e6, 12);
    // the responses are what the rest of the pipeline reads
    const file = join(dir, 'responses.jsonl');
    await writeJsonlAtomic(file, res.responses);
    const back = await readResponses(file, new Map(items.map((i) => [i.id, i])));
    const records = scoreMcq(new Map(items.map((i) => [i.id, i])), back);
    expect(records.map((r) => r.correct)).toEqual([true, true]);
  });

  it('resumes from the cache: a second run makes no request and costs nothing', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'jk-answer-cache-'));
    const a = await collectAnswers(items, { endpoint: endpoint(), imageRoot: dir, cacheDir, backoff: fast });
    server.reset();
    expect((await estimateAnswers(items, { endpoint: endpoint(), imageRoot: dir, cacheDir })).calls).toBe(0);
    const b = await collectAnswers(items, { endpoint: endpoint(), imageRoot: dir, cacheDir, backoff: fast });
    expect(server.chatRequests()).toHaveLength(0);
    expect(b.responses).toEqual(a.responses);
    expect(b.records.every((r) => r.cached)).toBe(true);
    expect(b.spend.requests).toBe(0);
    // another model name or temperature is other work
    expect((await estimateAnswers(items, { endpoint: endpoint({ temperature: 0.7 }), imageRoot: dir, cacheDir })).calls).toBe(3);
  });

  it('API errors are listed, not written as answers, and retried on the next run; refusals are answers with their status', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'jk-answer-cache-'));
    const base = server.handler!;
    server.handler = (req) => {
      const t = promptText(req);
      if (t.includes('Which organ?')) return { kind: 'status', status: 500 };
      if (t.includes('What is the diagnosis?')) return { kind: 'refusal', text: 'I cannot help with that.' };
      return base(req);
    };
    const a = await collectAnswers(items, { endpoint: endpoint(), imageRoot: dir, cacheDir, backoff: fast });
    expect(a.counts).toEqual({ ok: 1, refusal: 1, api_error: 1 });
    expect(a.responses.map((r) => r.item_id)).toEqual(['mcq-1', 'open-1']);
    expect(a.responses[1]!.meta).toMatchObject({ status: 'refusal' });
    expect(a.records.find((r) => r.item_id === 'mcq-2')).toMatchObject({ status: 'api_error', output: null });
    server.reset();
    server.handler = base;
    const b = await collectAnswers(items, { endpoint: endpoint(), imageRoot: dir, cacheDir, backoff: fast });
    expect(server.chatRequests()).toHaveLength(1);
    expect(b.counts).toEqual({ ok: 2, refusal: 1 });
  });

  it('a missing image file makes the item invalid_input without a call; --no-images sends text only', async () => {
    const bad = [Item.parse({ id: 'mcq-x', format: 'mcq', question: 'Q?', options: { A: 'a', B: 'b' }, answer: 'A', image: 'nope.png' })];
    const r = await collectAnswers(bad, { endpoint: endpoint(), imageRoot: dir, cacheDir: null, backoff: fast });
    expect(r.records).toMatchObject([{ item_id: 'mcq-x', status: 'invalid_input', image_sent: false }]);
    expect(r.responses).toEqual([]);
    expect(server.chatRequests()).toHaveLength(0);
    const t = await collectAnswers(bad, { endpoint: endpoint({ supports_images: false }), imageRoot: dir, cacheDir: null, backoff: fast });
    expect(t.records[0]).toMatchObject({ status: 'ok', image_sent: false });
    expect(typeof server.chatRequests()[0]!.body.messages[0].content).toBe('string');
  });
});
