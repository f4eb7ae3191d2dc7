/** Which price an endpoint is billed at, and that every list price names its source and date. */
import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../src/llm/index.ts';
import { LIST_PRICES } from '../../src/llm/prices.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';

const ep = (c: Record<string, unknown>) => resolveEndpoint(EndpointConfig.parse(c));

describe('endpoint prices', () => {
  it('every list price has a provider source URL and the date it was read there', () => {
    for (const p of LIST_PRICES) {
      expect(p.source).toMatch(/^https:\/\/(api-docs\.deepseek\.com|openai\.com)\//);
      expect(p.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(new Set(LIST_PRICES.map((p) => `${p.provider}/${p.model}`)).size).toBe(LIST_PRICES.length);
  });

  it('the configured price first, then the list price on the provider\'s own host, else unpriced', () => {
    expect(ep({ preset: 'deepseek', model: 'deepseek-chat', price: { input_per_m: 1, output_per_m: 2 } }).price).toEqual({ input_per_m: 1, output_per_m: 2, source: 'config' });
    expect(ep({ preset: 'deepseek', model: 'deepseek-chat' }).price).toEqual({ input_per_m: 0.28, output_per_m: 0.42, source: 'https://api-docs.deepseek.com/quick_start/pricing (as of 2025-09-29)' });
    expect(ep({ base_url: 'https://api.deepseek.com', model: 'deepseek-reasoner' }).price.input_per_m).toBe(0.28);
    expect(ep({ preset: 'openai', model: 'gpt-4o-mini' }).price).toMatchObject({ input_per_m: 0.15, output_per_m: 0.6 });
    // a preset pointed at another host (a proxy, a local stand-in) is not billed at the provider's price
    expect(ep({ preset: 'deepseek', base_url: 'http://127.0.0.1:9/v1', model: 'deepseek-chat' }).price.source).toBe('unpriced');
    expect(ep({ preset: 'local', model: 'qwen2.5-vl-7b' }).price).toEqual({ input_per_m: 0, output_per_m: 0, source: 'unpriced' });
    expect(ep({ preset: 'openai', model: 'some-future-model' }).price.source).toBe('unpriced');
  });
});
