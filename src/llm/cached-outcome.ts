/** Statuses an engine outcome can have; a cache line with any other status is not the engine's. */
const STATUSES = new Set(['ok', 'parse_error', 'refusal', 'truncated']);

const count = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const text = (x: unknown): boolean => x === null || typeof x === 'string';

/**
 * Whether a value read from the cache has the shape of a finished engine outcome (CachedOutcome):
 * a known status (never api_error, which is not cached), an `ok` with its value, a failure with its
 * error, non-negative tokens, cost and counts. A line that fails is skipped on load and counted.
 */
export function isCachedOutcome(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.status !== 'string' || !STATUSES.has(o.status)) return false;
  if (o.status === 'ok' ? o.value === undefined : typeof o.error !== 'string') return false;
  const t = o.tokens as Record<string, unknown> | null | undefined;
  if (t === null || typeof t !== 'object' || !count(t.input) || !count(t.output)) return false;
  return count(o.cost_usd) && count(o.latency_ms) && count(o.requests) && count(o.repairs) && text(o.method) && text(o.raw);
}
