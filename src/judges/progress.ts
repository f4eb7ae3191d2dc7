import { SingleBar } from 'cli-progress';
import type { JudgeProgress } from './rubric-judge.ts';

/** What a progress line shows; `requests` where the caller counts them. */
export type ProgressState = Pick<JudgeProgress, 'done' | 'total' | 'failed' | 'cached' | 'cost_usd'> & { requests?: number };

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise. */
export function progressReporter(label: string): { update: (p: ProgressState) => void; stop: () => void } {
  const t0 = performance.now();
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_s} | {failed} failed | {cached} cached | \${cost}`, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    );
    let started = false;
    return {
      update: (p) => {
        const rate = (p.done - p.cached) / ((performance.now() - t0) / 1000);
        const payload = { rate: rate.toFixed(1), failed: p.failed, cached: p.cached, cost: p.cost_usd.toFixed(4), eta_s: fmtDuration((p.total - p.done) / rate) };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (p) => {
      const now = performance.now();
      if (now - last < 5000 && p.done !== p.total) return;
      last = now;
      const rate = (p.done - p.cached) / ((now - t0) / 1000);
      const eta = rate > 0 ? fmtDuration((p.total - p.done) / rate) : '?';
      process.stderr.write(`${label}: ${p.done}/${p.total} (${((100 * p.done) / Math.max(1, p.total)).toFixed(1)}%), ${rate.toFixed(1)}/s, ETA ${eta}, ${p.failed} failed, ${p.cached} cached${p.requests !== undefined ? `, ${p.requests} requests` : ''}, $${p.cost_usd.toFixed(4)}\n`);
    },
    stop: () => undefined,
  };
}
