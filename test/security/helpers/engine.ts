import { JudgeEngine, resolveEndpoint, type EngineUnit, type ParseResult } from '../../../src/llm/index.ts';
import type { DiskCache } from '../../../src/llm/cache.ts';
import type { CachedOutcome } from '../../../src/llm/engine.ts';
import { EndpointConfig } from '../../../src/schema/endpoint.ts';

/** Reads {"n": number}. */
export function parseN(text: string): ParseResult<number> {
  try {
    const v = JSON.parse(text.trim()) as { n?: unknown };
    if (typeof v.n !== 'number') return { ok: false, error: '"n" must be a number' };
    return { ok: true, value: v.n, method: 'json' };
  } catch (e) {
    return { ok: false, error: `malformed JSON (${(e as Error).message.slice(0, 80)})` };
  }
}

export function unitN(key: string): EngineUnit<number> {
  return { key, messages: [{ role: 'user', content: `Give a JSON object with n for ${key}` }], parse: parseN };
}

export const fastBackoff = { base_ms: 5, max_ms: 20, max_retry_after_ms: 2000 };

export function engineAt(
  url: string,
  over: Record<string, unknown> = {},
  extra: { env?: NodeJS.ProcessEnv; cache?: DiskCache<CachedOutcome<number>>; warn?: (m: string) => void; max_repairs?: number } = {},
): JudgeEngine<number> {
  const cfg = EndpointConfig.parse({ base_url: url, model: 'test-model', output_mode: 'json_mode', max_retries: 0, timeout_ms: 2000, ...over });
  return new JudgeEngine<number>({ endpoint: resolveEndpoint(cfg), backoff: fastBackoff, max_repairs: extra.max_repairs ?? 2, seed: 1, env: extra.env ?? {}, cache: extra.cache, warn: extra.warn });
}
