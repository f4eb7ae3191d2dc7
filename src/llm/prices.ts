/**
 * List prices of hosted models, for budgets (the dry run) and for the cost recorded after a call
 * when an endpoint's configuration sets no `price`. Each row says where the figure comes from and
 * when it was read there: prices change, and a figure that is not sourced is a guess. Only the
 * providers' own hosts are priced (a local or self-hosted server costs what its operator says:
 * nothing, unless `price:` is set). USD per million tokens; input at the cache-miss rate.
 */
import type { Price } from './cost.ts';

export interface ListPrice extends Price {
  provider: 'openai' | 'deepseek';
  model: string;
  source: string;
  /** When the figure was read at the source (YYYY-MM-DD). */
  as_of: string;
}

const DEEPSEEK = 'https://api-docs.deepseek.com/quick_start/pricing';
const OPENAI = 'https://openai.com/api/pricing/';

export const LIST_PRICES: readonly ListPrice[] = [
  // DeepSeek-V3.2 prices from 2025-09-29: one price for both modes (chat and reasoner).
  { provider: 'deepseek', model: 'deepseek-chat', input_per_m: 0.28, output_per_m: 0.42, source: DEEPSEEK, as_of: '2025-09-29' },
  { provider: 'deepseek', model: 'deepseek-reasoner', input_per_m: 0.28, output_per_m: 0.42, source: DEEPSEEK, as_of: '2025-09-29' },
  { provider: 'openai', model: 'gpt-4o', input_per_m: 2.5, output_per_m: 10, source: OPENAI, as_of: '2025-06-01' },
  { provider: 'openai', model: 'gpt-4o-mini', input_per_m: 0.15, output_per_m: 0.6, source: OPENAI, as_of: '2025-06-01' },
  { provider: 'openai', model: 'gpt-4.1', input_per_m: 2, output_per_m: 8, source: OPENAI, as_of: '2025-06-01' },
  { provider: 'openai', model: 'gpt-4.1-mini', input_per_m: 0.4, output_per_m: 1.6, source: OPENAI, as_of: '2025-06-01' },
  { provider: 'openai', model: 'gpt-4.1-nano', input_per_m: 0.1, output_per_m: 0.4, source: OPENAI, as_of: '2025-06-01' },
];

/** The price an endpoint is billed at, and where it comes from. */
export interface PriceAssumed extends Price {
  /** `config` (the endpoint's `price:`), a source URL and date from the list, or `unpriced`. */
  source: string;
}

/**
 * An endpoint's price: its configured `price` if set; else the list price of its model on the
 * provider's own host; else zero, marked unpriced (a local server, or a model not in the list).
 */
export function priceOf(provider: 'openai' | 'deepseek' | 'local', model: string, configured: Price | undefined): PriceAssumed {
  if (configured) return { ...configured, source: 'config' };
  const row = provider === 'local' ? undefined : LIST_PRICES.find((p) => p.provider === provider && p.model === model);
  if (row) return { input_per_m: row.input_per_m, output_per_m: row.output_per_m, source: `${row.source} (as of ${row.as_of})` };
  return { input_per_m: 0, output_per_m: 0, source: 'unpriced' };
}
