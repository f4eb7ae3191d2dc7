import { sleep } from './retry.ts';

/**
 * Requests-per-minute and tokens-per-minute limits as two token buckets that refill continuously
 * (capacity = the per-minute limit). A call takes one request and its *estimated* tokens before it
 * is sent (input estimate + max output), and `settle` returns the difference once the real usage is
 * known, so the tokens limit tracks what the provider counts. A call larger than the whole bucket
 * waits for a full bucket rather than forever. A 429 can pause everyone via `pauseFor`.
 */
export class RateLimiter {
  private reqLevel: number;
  private tokLevel: number;
  private last: number;
  private pausedUntil = 0;
  /** Waiters are served in order, so a large call is not starved by small ones. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly rpm: number | undefined,
    readonly tpm: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.reqLevel = rpm ?? Infinity;
    this.tokLevel = tpm ?? Infinity;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    const dt = (t - this.last) / 60_000;
    this.last = t;
    if (this.rpm !== undefined) this.reqLevel = Math.min(this.rpm, this.reqLevel + dt * this.rpm);
    if (this.tpm !== undefined) this.tokLevel = Math.min(this.tpm, this.tokLevel + dt * this.tpm);
  }

  /** Waits until one request and `tokens` tokens are available, then takes them. */
  acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    if (this.rpm === undefined && this.tpm === undefined && this.pausedUntil === 0) return Promise.resolve();
    const turn = this.queue.then(() => this.take(tokens, signal));
    // A rejected (aborted) waiter must not block those behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(tokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.refill();
      const pause = this.pausedUntil - this.now();
      if (pause > 0) {
        await sleep(pause, signal);
        continue;
      }
      const needTok = this.tpm === undefined ? 0 : Math.min(tokens, this.tpm);
      if (this.reqLevel >= 1 && this.tokLevel >= needTok) {
        this.reqLevel -= 1;
        if (this.tpm !== undefined) this.tokLevel -= tokens;
        return;
      }
      const waitReq = this.reqLevel >= 1 ? 0 : ((1 - this.reqLevel) / this.rpm!) * 60_000;
      const waitTok = this.tokLevel >= needTok ? 0 : ((needTok - this.tokLevel) / this.tpm!) * 60_000;
      // Re-check at least every 250 ms: settle() may return tokens before the computed wait ends.
      await sleep(Math.min(250, Math.max(1, waitReq, waitTok)), signal);
    }
  }

  /** Corrects the token bucket once a call's real usage is known. */
  settle(estimated: number, actual: number): void {
    if (this.tpm === undefined) return;
    this.tokLevel = Math.min(this.tpm, this.tokLevel + (estimated - actual));
  }

  /** Holds every caller back for ms (a 429 with retry-after applies to the whole key). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
