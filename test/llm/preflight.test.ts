import { describe, expect, it } from 'vitest';
import { ChatClient } from '../../src/llm/client.ts';
import { JudgeEngine, type EngineUnit } from '../../src/llm/engine.ts';
import { EndpointUnreachable, PREFLIGHT_ATTEMPTS, PREFLIGHT_BACKOFF } from '../../src/llm/preflight.ts';
import { resolveEndpoint } from '../../src/llm/presets.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';

const unit = (key: string): EngineUnit<number> => ({ key, messages: [{ role: 'user', content: key }], parse: () => ({ ok: true, value: 1, method: 'x' }) });

/** A fetch that fails like Node's fetch does when nothing listens (or the name does not resolve), and counts. */
function failingFetch(code: string): { fetch: typeof fetch; calls: () => number } {
  let n = 0;
  const f = (async () => {
    n += 1;
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code }) });
  }) as unknown as typeof fetch;
  return { fetch: f, calls: () => n };
}

describe('preflight: one call before fanning out', () => {
  for (const [code, cause] of [
    ['ECONNREFUSED', 'nothing is listening there (connection refused)'],
    ['ENOTFOUND', 'the host name does not resolve (DNS lookup failed)'],
  ] as const) {
    it(`${code}: at most ${PREFLIGHT_ATTEMPTS} connection attempts in all, then one sentence naming the endpoint`, async () => {
      const ep = resolveEndpoint(EndpointConfig.parse({ base_url: 'http://judge.invalid:9/v1', model: 'j', output_mode: 'json_mode', max_retries: 6, concurrency: 8 }));
      const f = failingFetch(code);
      const engine = new JudgeEngine<number>({ endpoint: ep, client: new ChatClient(ep, { fetch: f.fetch }), backoff: { base_ms: 1, max_ms: 2, max_retry_after_ms: 2 } });
      const err = await engine.run(Array.from({ length: 30 }, (_, i) => unit(`u${i}`))).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(EndpointUnreachable);
      expect(err!.message).toBe(`the endpoint http://judge.invalid:9/v1 (model "j") cannot be used: ${cause}. Nothing else was sent.`);
      expect(f.calls()).toBe(PREFLIGHT_ATTEMPTS);
    });
  }

  it('the preflight waits at most a few seconds in all: its backoff ceiling is bounded', () => {
    // worst case: (attempts − 1) waits, each at most max_ms
    expect((PREFLIGHT_ATTEMPTS - 1) * PREFLIGHT_BACKOFF.max_ms).toBeLessThanOrEqual(2000);
  });
});
