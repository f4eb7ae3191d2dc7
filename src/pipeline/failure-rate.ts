import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';

/** Exit code when a judge, pairwise or answer stage failed on more than the allowed share of its units. */
export const EXIT_FAILURE_RATE = 3;
export const DEFAULT_MAX_FAILURE_RATE = 0.05;

/** Stage kinds whose units are paid calls; their failures are what --max-failure-rate bounds. */
export const CALLING_KINDS = new Set(['judge', 'pairwise', 'answer']);

/**
 * An MCQ stage's counts are its records' statuses (an invalid answer is the candidate's failure,
 * not a failed call); the calls of its optional LLM second reader are counted apart, under this
 * prefix (`extractor:ok`, `extractor:api_error`, …), and only those are units of the rule.
 */
export const EXTRACTOR_COUNT_PREFIX = 'extractor:';

/** The counts of a stage's paid units: all of them, or an MCQ stage's second-reader calls. */
export function unitCounts(stage: { kind: string }, counts: Readonly<Record<string, number>>): Record<string, number> {
  if (stage.kind !== 'mcq') return { ...counts };
  return Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith(EXTRACTOR_COUNT_PREFIX)).map(([k, v]) => [k.slice(EXTRACTOR_COUNT_PREFIX.length), v]));
}

/**
 * Whether a stage's units are calls to an endpoint. A replayed judge reads recorded verdicts: its
 * recorded failures are data about that judge, which no rerun can change, so they do not count.
 * An MCQ stage calls one when its second reader made calls (read from its counts, so that the
 * rule needs no stage config).
 */
export function callsEndpoint(stage: { kind: string; judge?: unknown; counts?: Readonly<Record<string, number>> }): boolean {
  if (stage.kind === 'mcq') return Object.keys(unitCounts(stage, stage.counts ?? {})).length > 0;
  const judge = stage.judge as { kind?: unknown } | undefined;
  return CALLING_KINDS.has(stage.kind) && !(typeof judge === 'object' && judge !== null && judge.kind === 'replay');
}

/** Statuses that are outcomes, not failures: a verdict, or a disagreement between orders dropped by policy. */
const NOT_FAILED = new Set(['ok', 'inconsistent_dropped']);

export interface FailureRate {
  stage: string;
  total: number;
  failed: number;
  rate: number;
  /** Failed units by status. */
  statuses: Record<string, number>;
  exceeded: boolean;
}

/** The share of failed units in one stage's status counts. */
export function failureRate(stage: string, counts: Readonly<Record<string, number>>, max: number): FailureRate {
  let total = 0;
  let failed = 0;
  const statuses: Record<string, number> = {};
  for (const [status, n] of Object.entries(counts)) {
    total += n;
    if (NOT_FAILED.has(status) || n === 0) continue;
    failed += n;
    statuses[status] = n;
  }
  const rate = total === 0 ? 0 : failed / total;
  return { stage, total, failed, rate, statuses, exceeded: rate > max };
}

/** One sentence per stage over the limit: which stage, how many failed, by status. */
export function describeFailures(rates: readonly FailureRate[], max: number): string {
  return rates
    .filter((r) => r.exceeded)
    .map((r) => `stage "${r.stage}": ${r.failed} of ${r.total} units failed (${(100 * r.rate).toFixed(1)}% > ${(100 * max).toFixed(1)}%: ${Object.entries(r.statuses).map(([k, v]) => `${k}=${v}`).join(', ')}); every result is written, rerun to retry only the failures`)
    .join('\n');
}

/**
 * Applies the rule to finished stages (every output already written): prints which stages went
 * over the limit to stderr and sets exit code 3. Returns the stages over the limit.
 */
export function enforceFailureRate(stages: ReadonlyArray<{ name: string; kind: string; judge?: unknown; counts: Readonly<Record<string, number>> }>, max: number, write: (s: string) => void = (s) => process.stderr.write(s)): FailureRate[] {
  const rates = stages.filter((s) => callsEndpoint(s)).map((s) => failureRate(s.kind === 'mcq' ? `${s.name} (LLM second reader)` : s.name, unitCounts(s, s.counts), max));
  const over = rates.filter((r) => r.exceeded);
  if (over.length) {
    write(`judgekit: too many failed units (--max-failure-rate ${max}):\n${describeFailures(over, max)}\n`);
    process.exitCode = EXIT_FAILURE_RATE;
  }
  return over;
}

/** Adds `--max-failure-rate` to a command. */
export function addFailureRateOption(cmd: Command): Command {
  return cmd.option('--max-failure-rate <share>', `exit with code ${EXIT_FAILURE_RATE} when more than this share of a judge, pairwise or answer stage's units (or an MCQ stage's second-reader calls) fail (default ${DEFAULT_MAX_FAILURE_RATE})`);
}

/** Reads the option's value (a share in [0, 1]). */
export function maxFailureRate(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_FAILURE_RATE;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InputError(`option --max-failure-rate takes a share in [0, 1], not "${value}"`);
  return n;
}

/**
 * Whether a finished stage must run again on resume although its inputs are unchanged: it calls an
 * endpoint and some of its units failed. Only the failures are asked again (the cache serves the
 * rest), so fixing the judge setup and rerunning costs only what failed.
 */
export function hasFailedUnits(stage: { kind: string; judge?: unknown }, counts: Readonly<Record<string, number>>): boolean {
  return callsEndpoint({ ...stage, counts }) && failureRate('', unitCounts(stage, counts), 1).failed > 0;
}
