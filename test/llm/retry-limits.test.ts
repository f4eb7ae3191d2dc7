import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, retryAfterMs, isRetryableStatus, RateLimiter, estimateTextTokens, estimateMessagesTokens, costUsd, IMAGE_TOKENS, resolveEndpoint, stripSecrets } from '../../src/llm/index.ts';
import { Rng } from '../../src/stats/random.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';

describe('backoff and retry-after', () => {
  it('full jitter stays in [0, min(max, base·2^attempt)) and is reproducible for a seed', () => {
    const opts = { base_ms: 100, max_ms: 1000, max_retry_after_ms: 0 };
    const a = new Rng(3);
    const b = new Rng(3);
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceil = Math.min(1000, 100 * 2 ** attempt);
      for (let k = 0; k < 50; k++) {
        const d = backoffDelay(attempt, a, opts);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceil);
        expect(backoffDelay(attempt, b, opts)).toBe(d);
      }
    }
  });

  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    const h = (o: Record<string, string>): Headers => new Headers(o);
    expect(retryAfterMs(h({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after-ms': '50', 'retry-after': '9' }))).toBe(50);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('retries 408, 409, 429, 5xx and connection failures only', () => {
    expect([400, 401, 403, 404, 422].map(isRetryableStatus)).toEqual([false, false, false, false, false]);
    expect([408, 409, 429, 500, 503, undefined].map(isRetryableStatus)).toEqual([true, true, true, true, true, true]);
  });
});

describe('RateLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('paces requests per minute once the burst is spent', async () => {
    vi.useFakeTimers();
    const lim = new RateLimiter(60, undefined, () => Date.now());
    const t0 = Date.now();
    for (let i = 0; i < 60; i++) await lim.acquire(0); // a full bucket: no wait
    expect(Date.now() - t0).toBe(0);
    let done = false;
    const p = lim.acquire(0).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(900);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200); // one request refills in 1 s at 60/min
    await p;
    expect(done).toBe(true);
  });

  it('takes estimated tokens and gives back the difference on settle', async () => {
    vi.useFakeTimers();
    const lim = new RateLimiter(undefined, 1000, () => Date.now());
    await lim.acquire(800);
    let done = false;
    const p = lim.acquire(600).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(false);
    lim.settle(800, 300); // the call used 300, not 800: 500 tokens come back
    await vi.advanceTimersByTimeAsync(300); // far less than the 24 s the estimate alone would need
    await p;
    expect(done).toBe(true);
  });

  it('lets a call larger than the bucket through once the bucket is full', async () => {
    vi.useFakeTimers();
    const lim = new RateLimiter(undefined, 100, () => Date.now());
    await lim.acquire(5000);
    let done = false;
    const p = lim.acquire(5000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(61_000 * 50);
    await p;
    expect(done).toBe(true);
  });

  it('pauses everyone after a 429', async () => {
    vi.useFakeTimers();
    const lim = new RateLimiter(undefined, undefined, () => Date.now());
    lim.pauseFor(500);
    let done = false;
    const p = lim.acquire(1).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(400);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await p;
    expect(done).toBe(true);
  });
});

describe('token estimates and cost', () => {
  it('estimates text as ceil(chars / 4) and images at a fixed count', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('abcde')).toBe(2);
    const n = estimateMessagesTokens([
      { role: 'system', content: 'abcd' },
      { role: 'user', content: [{ type: 'text', text: 'abcdefgh' }, { type: 'image_url' }] },
    ]);
    expect(n).toBe(3 + 4 + 1 + 4 + 2 + IMAGE_TOKENS);
  });

  it('prices per million tokens with a batch factor', () => {
    // 1.5M input at $0.27/M + 0.5M output at $1.10/M = 0.405 + 0.55
    expect(costUsd({ input: 1_500_000, output: 500_000 }, { input_per_m: 0.27, output_per_m: 1.1 })).toBeCloseTo(0.955, 12);
    expect(costUsd({ input: 1_500_000, output: 500_000 }, { input_per_m: 0.27, output_per_m: 1.1 }, 0.5)).toBeCloseTo(0.4775, 12);
  });
});

describe('presets', () => {
  const ep = (o: Record<string, unknown>) => resolveEndpoint(EndpointConfig.parse(o));
  it('picks the best output mode the endpoint supports', () => {
    expect(ep({ preset: 'openai', model: 'gpt-4o' })).toMatchObject({ output_mode: 'json_schema', base_url: 'https://api.openai.com/v1', api_key_env: 'OPENAI_API_KEY' });
    expect(ep({ preset: 'openai', model: 'gpt-4o' }).capabilities.images).toBe(true);
    expect(ep({ preset: 'deepseek', model: 'deepseek-chat' })).toMatchObject({ output_mode: 'json_mode', base_url: 'https://api.deepseek.com' });
    expect(ep({ preset: 'deepseek', model: 'deepseek-reasoner' }).output_mode).toBe('tagged');
    expect(ep({ preset: 'local', model: 'qwen' })).toMatchObject({ output_mode: 'json_mode', base_url: 'http://127.0.0.1:8000/v1', api_key_env: undefined });
    expect(ep({ base_url: 'https://api.deepseek.com', model: 'deepseek-chat' }).output_mode).toBe('json_mode');
  });
  it('refuses JSON mode for deepseek-reasoner', () => {
    expect(() => ep({ preset: 'deepseek', model: 'deepseek-reasoner', output_mode: 'json_mode' })).toThrow(/does not assume that model "deepseek-reasoner" supports output_mode json_mode\. If it does, declare it in the endpoint with "capabilities: \{ json_mode: true \}"/);
  });
  it('strips credentials from the recorded base URL', () => {
    expect(stripSecrets('https://user:sk-abc@host.example/v1/?key=sk-abc')).toBe('https://host.example/v1');
  });
});
