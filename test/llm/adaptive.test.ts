import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../src/llm/adaptive.ts';
import { JudgeEngine, type EngineUnit } from '../../src/llm/engine.ts';
import { resolveEndpoint } from '../../src/llm/presets.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';
import { OpenAIServer } from '../helpers/openai-server.ts';

describe('AdaptiveLimit (AIMD)', () => {
  it('halves on a 429 once per round, and climbs back by one after `limit` successes', async () => {
    const g = new AdaptiveLimit(8);
    const epochs = await Promise.all(Array.from({ length: 8 }, () => g.acquire()));
    expect(g.inFlight).toBe(8);
    // a burst of 429s from requests sent together counts once
    for (const e of epochs.slice(0, 4)) g.release(e, 'rate_limited');
    expect(g.limit).toBe(4);
    for (const e of epochs.slice(4)) g.release(e, 'ok');
    // 4 successes at limit 4 → 5; 5 more → 6
    for (let k = 0; k < 9; k++) g.release(await g.acquire(), 'ok');
    expect(g.limit).toBe(6);
    expect(g.stats).toMatchObject({ min: 4, decreases: 1 });
  });

  it('never goes below 1 and never above the ceiling', async () => {
    const g = new AdaptiveLimit(2);
    for (let k = 0; k < 5; k++) g.release(await g.acquire(), 'rate_limited');
    expect(g.limit).toBe(1);
    for (let k = 0; k < 20; k++) g.release(await g.acquire(), 'ok');
    expect(g.limit).toBe(2);
  });
});

describe('the engine against a server with a hidden concurrency limit', () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await OpenAIServer.start({ max_concurrent: 3, latency_ms: 20 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lowers its concurrency on 429s, finishes every unit, and ends near the hidden limit', async () => {
    server.handler = () => ({ kind: 'content', content: '{"n": 1}', latency_ms: 20 });
    const ep = resolveEndpoint(EndpointConfig.parse({ base_url: server.url, model: 'm', output_mode: 'json_mode', concurrency: 16, max_retries: 10 }));
    const engine = new JudgeEngine<number>({ endpoint: ep, backoff: { base_ms: 5, max_ms: 50, max_retry_after_ms: 50 } });
    const units: EngineUnit<number>[] = Array.from({ length: 60 }, (_, i) => ({ key: `u${i}`, messages: [{ role: 'user', content: `u${i}` }], parse: () => ({ ok: true, value: 1, method: 'x' }) }));
    const out = await engine.run(units);
    expect(out.every((o) => o.status === 'ok')).toBe(true);
    expect(engine.gate.stats.decreases).toBeGreaterThan(0);
    expect(engine.gate.stats.min).toBeLessThanOrEqual(4);
    // 60 answers plus the refused attempts: far fewer refusals than units
    expect(server.load.rejected).toBeLessThan(60);
    expect(server.chatRequests().length).toBe(60 + server.load.rejected);
  });
});
