import { beforeEach, describe, expect, it } from 'vitest';
import { ChatClient, JudgeEngine, resolveEndpoint, type EngineUnit, type ParseResult } from '../../src/llm/index.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';

import { useOpenAIServer } from '../helpers/use-openai-server.ts';

// The engine knows nothing about rubrics: a unit is messages plus a parser. This one reads {"n": int}.
function parseN(text: string): ParseResult<number> {
  try {
    const v = JSON.parse(text.trim()) as { n?: unknown };
    if (typeof v.n !== 'number') return { ok: false, error: '"n" must be a number' };
    return { ok: true, value: v.n, method: 'json' };
  } catch (e) {
    return { ok: false, error: `malformed JSON (${(e as Error).message})` };
  }
}

function unit(key: string): EngineUnit<number> {
  return { key, messages: [{ role: 'user', content: `Give a JSON object with n for ${key}` }], parse: parseN };
}

const fastBackoff = { base_ms: 5, max_ms: 20, max_retry_after_ms: 2000 };

const server = useOpenAIServer();
beforeEach(() => {
  server.handler = () => ({ kind: 'content', content: '{"n": 7}' });
});

function engine(over: Partial<Record<string, unknown>> = {}, env: NodeJS.ProcessEnv = {}): JudgeEngine<number> {
  const cfg = EndpointConfig.parse({ base_url: server.url, model: 'test-model', output_mode: 'json_mode', max_retries: 3, timeout_ms: 2000, ...over });
  return new JudgeEngine<number>({ endpoint: resolveEndpoint(cfg), env, backoff: fastBackoff, max_repairs: 2, seed: 1 });
}

describe('JudgeEngine statuses against the test server', () => {
  it('reads a verdict, sends JSON mode, and counts usage', async () => {
    const [o] = await engine({ price: { input_per_m: 1, output_per_m: 2 } }).run([unit('a')]);
    expect(o).toMatchObject({ status: 'ok', value: 7, method: 'json', requests: 1, repairs: 0, cached: false });
    const body = server.chatRequests()[0]!.body;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.model).toBe('test-model');
    expect(o!.cost_usd).toBeCloseTo((o!.tokens.input * 1 + o!.tokens.output * 2) / 1e6, 12);
  });

  it('repairs a malformed answer with a follow-up that quotes the error', async () => {
    server.enqueue({ kind: 'content', content: '{"n": 7' });
    const [o] = await engine().run([unit('a')]);
    expect(o).toMatchObject({ status: 'ok', value: 7, repairs: 1, requests: 2 });
    const follow = server.chatRequests()[1]!.body.messages;
    // Only the validation error is quoted back, not the judge's reply (test/security/reply-size.test.ts).
    expect(follow).toHaveLength(2);
    expect(follow[1].role).toBe('user');
    expect(follow[1].content).toContain('malformed JSON');
  });

  it('gives up after max_repairs: parse_error, never a value', async () => {
    server.handler = () => ({ kind: 'content', content: 'not json at all' });
    const [o] = await engine().run([unit('a')]);
    expect(o).toMatchObject({ status: 'parse_error', repairs: 2, requests: 3 });
    expect(o!.value).toBeUndefined();
    expect(o!.error).toContain('after 2 repair attempts');
  });

  it('maps message.refusal and refusal-shaped text to refusal', async () => {
    server.enqueue({ kind: 'refusal', text: 'I cannot assist.' }, { kind: 'content', content: "I'm sorry, but I can't evaluate this answer." });
    const out = await engine({ concurrency: 1 }).run([unit('a'), unit('b')]);
    expect(out.map((o) => o.status)).toEqual(['refusal', 'refusal']);
    expect(out[1]!.requests).toBe(1); // a refusal is not "repaired"
  });

  it('maps finish_reason length to truncated (even when the text would parse)', async () => {
    server.enqueue({ kind: 'content', content: '{"n": 7}', finish_reason: 'length' });
    const [o] = await engine().run([unit('a')]);
    expect(o).toMatchObject({ status: 'truncated', requests: 1 });
  });

  it('retries 429 after the retry-after-ms the server asks for, then succeeds', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after-ms': '300' } });
    const t0 = performance.now();
    const [o] = await engine().run([unit('a')]);
    const dt = performance.now() - t0;
    expect(o).toMatchObject({ status: 'ok', requests: 2 });
    expect(dt).toBeGreaterThanOrEqual(290);
    const ts = server.chatRequests().map((r) => r.at);
    expect(ts[1]! - ts[0]!).toBeGreaterThanOrEqual(290);
  });

  it('honours retry-after in seconds', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const [o] = await engine().run([unit('a')]);
    expect(o!.status).toBe('ok');
    const ts = server.chatRequests().map((r) => r.at);
    expect(ts[1]! - ts[0]!).toBeGreaterThanOrEqual(990);
  });

  it('retries 500, 503, a dropped connection and a timeout', async () => {
    server.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'drop' }, { kind: 'hang' });
    const [o] = await engine({ timeout_ms: 300, max_retries: 4 }).run([unit('a')]);
    expect(o).toMatchObject({ status: 'ok', value: 7, requests: 5 });
    expect(server.chatRequests()).toHaveLength(5);
  });

  it('ends as api_error after max_retries + 1 attempts', async () => {
    server.handler = () => ({ kind: 'status', status: 503 });
    const [o] = await engine({ max_retries: 3 }).run([unit('a')]);
    expect(o).toMatchObject({ status: 'api_error', requests: 4 });
    expect(o!.error).toMatch(/HTTP 503.*after 3 retries/);
    expect(server.chatRequests()).toHaveLength(4);
  });

  it('does not retry a 400', async () => {
    server.enqueue({ kind: 'status', status: 400, body: { error: { message: 'bad request' } } });
    const [o] = await engine().run([unit('a')]);
    expect(o).toMatchObject({ status: 'api_error', requests: 1 });
  });

  it('never lets the API key value into an error, even when the server echoes it', async () => {
    const secret = 'sk-test-SECRET1234567890abcdef';
    server.handler = (req) => ({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${String(req.headers.authorization).replace('Bearer ', '')}` } } });
    const e = engine({ api_key_env: 'JK_TEST_KEY' }, { JK_TEST_KEY: secret });
    // The first call is the preflight: a rejected key stops the run at once, never retried.
    const err = await e.run([unit('a'), unit('b')]).then(() => null, (x: Error) => x);
    expect(err?.message).toMatch(/cannot be used: the API key was rejected/);
    expect(err?.message).toContain('[redacted]');
    expect(err?.message).not.toContain('SECRET1234');
    expect(server.chatRequests()).toHaveLength(1);
    expect(server.chatRequests()[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    // After a successful preflight, a 401 is one unit's api_error (not retried), still redacted.
    server.handler = undefined;
    server.enqueue({ kind: 'content', content: '{"n": 1}' }, { kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${secret}` } } });
    const outs = await engine({ api_key_env: 'JK_TEST_KEY', concurrency: 1 }, { JK_TEST_KEY: secret }).run([unit('c'), unit('d')]);
    expect(outs[1]).toMatchObject({ status: 'api_error', requests: 1 });
    expect(outs[1]!.error).toContain('[redacted]');
    expect(JSON.stringify(outs)).not.toContain('SECRET1234');
  });

  it('keeps reasoning_content apart and never parses it', async () => {
    server.enqueue({ kind: 'content', content: '{"n": 3}', reasoning_content: '{"n": 99} is what the candidate wants' });
    const ep = resolveEndpoint(EndpointConfig.parse({ preset: 'deepseek', base_url: server.url, model: 'deepseek-reasoner', api_key_env: 'K' }));
    expect(ep.output_mode).toBe('tagged');
    const e = new JudgeEngine<number>({ endpoint: ep, env: { K: 'x-key' }, backoff: fastBackoff });
    const [o] = await e.run([unit('a')]);
    expect(o).toMatchObject({ status: 'ok', value: 3, reasoning: '{"n": 99} is what the candidate wants' });
    const body = server.chatRequests()[0]!.body;
    expect(body.response_format).toBeUndefined();
    expect(body.temperature).toBeUndefined();
  });

  it('stops on abort: rejects, and units not started are never sent', async () => {
    server.handler = () => ({ kind: 'content', content: '{"n": 1}', latency_ms: 100 });
    const ac = new AbortController();
    const e = engine({ concurrency: 2 });
    const units = Array.from({ length: 20 }, (_, i) => unit(`u${i}`));
    const p = e.run(units, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 150);
    await expect(p).rejects.toThrow('stop');
    await new Promise((r) => setTimeout(r, 250));
    expect(server.chatRequests().length).toBeLessThanOrEqual(6);
  });

  it('a missing key variable is a user error naming the variable', () => {
    const e = engine({ api_key_env: 'JK_MISSING_KEY' }, {});
    expect(() => e.client).toThrow(/JK_MISSING_KEY is not set/);
  });

  it('builds one OpenAI SDK client with its own retries off', () => {
    const c = new ChatClient(resolveEndpoint(EndpointConfig.parse({ base_url: server.url, model: 'm' })));
    expect(c.sdk.maxRetries).toBe(0);
  });
});
