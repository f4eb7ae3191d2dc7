import { Rng } from '../stats/random.ts';

export interface BackoffOptions {
  /** First backoff ceiling in ms; doubles per attempt. */
  base_ms: number;
  /** Largest backoff ceiling in ms. */
  max_ms: number;
  /** Largest wait honoured from a `retry-after` header, in ms. */
  max_retry_after_ms: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { base_ms: 500, max_ms: 30_000, max_retry_after_ms: 120_000 };

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * a uniform wait in [0, min(max, base·2^attempt)). Full jitter spreads the retries of many
 * concurrent calls that failed together, so they do not hit a rate limit again in one wave.
 */
export function backoffDelay(attempt: number, rng: Rng, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.max_ms, opts.base_ms * 2 ** attempt);
  return rng.next() * ceiling;
}

/**
 * The wait a server asks for, in ms: `retry-after-ms` (OpenAI), else `retry-after` as seconds or
 * as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers.get('retry-after');
  if (ra !== null && ra.trim() !== '') {
    const secs = Number(ra);
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** HTTP statuses worth retrying: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true; // connection error or timeout
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Sleeps for ms, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
