/**
 * Adaptive concurrency: how many requests may be in flight, found from the endpoint's own 429s
 * (additive increase, multiplicative decrease, as TCP congestion control and Inspect's and
 * promptfoo's adaptive limits do). The limit starts at the configured ceiling; a 429 halves it (at
 * most once per round of requests, so a burst of 429s from requests sent together counts once);
 * every `limit` successes in a row raise it by one, up to the ceiling again. A user who does not
 * know the provider's limit still runs close to it, without a storm of retries.
 */
export class AdaptiveLimit {
  private current: number;
  private active = 0;
  private successes = 0;
  /** Requests started since the last decrease; a 429 from an older request is not a new signal. */
  private epoch = 0;
  private readonly waiters: Array<() => void> = [];
  /** Lowest and latest limit, and the number of decreases (for the bench and the summary). */
  readonly stats = { min: 0, decreases: 0, peak_active: 0 };

  /** `adaptive: false` keeps the limit fixed at `max` (the bench's comparison). */
  constructor(readonly max: number, readonly min = 1, readonly adaptive = true) {
    this.current = max;
    this.stats.min = max;
  }

  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Waits for a free slot; returns the epoch the request starts in (give it back to `release`). */
  async acquire(signal?: AbortSignal): Promise<number> {
    while (this.active >= this.current) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal!.reason ?? new DOMException('aborted', 'AbortError'));
        };
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.active += 1;
    this.stats.peak_active = Math.max(this.stats.peak_active, this.active);
    return this.epoch;
  }

  /** Frees a slot and feeds the outcome back: `rate_limited` (a 429), `ok`, or `other`. */
  release(epoch: number, outcome: 'ok' | 'rate_limited' | 'other'): void {
    this.active -= 1;
    if (!this.adaptive) {
      // fixed concurrency: no feedback
    } else if (outcome === 'rate_limited') {
      this.successes = 0;
      if (epoch === this.epoch) {
        this.current = Math.max(this.min, Math.floor(this.current / 2));
        this.epoch += 1;
        this.stats.decreases += 1;
        this.stats.min = Math.min(this.stats.min, this.current);
      }
    } else if (outcome === 'ok') {
      this.successes += 1;
      if (this.successes >= this.current && this.current < this.max) {
        this.current += 1;
        this.successes = 0;
      }
    }
    this.wake();
  }

  private wake(): void {
    let free = this.current - this.active;
    while (free-- > 0 && this.waiters.length) this.waiters.shift()!();
  }
}
