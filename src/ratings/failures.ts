import { isFailureStatus, type FailureStatus } from '../schema/status.ts';
import type { Rating, RatingFailed } from '../schema/rating.ts';

/**
 * The one rule for failures, shared by every adapter: a unit of work that failed gives a failed
 * Rating for each thing it should have rated (each criterion of a judgment, each pair of a
 * preference), with its own status and without a value. Studies leave it out of every statistic and
 * count it by rater and status; nothing is scored as a tie, as wrong, or dropped unseen.
 */
export function failedRating(base: Omit<RatingFailed, 'status' | 'value'>, status: FailureStatus, detail: { recorded?: string; error?: string } = {}): Rating {
  const out: RatingFailed = { ...base, status };
  if (detail.recorded !== undefined) out.recorded = detail.recorded;
  if (detail.error !== undefined) out.error = detail.error;
  return out;
}

/**
 * A recorded value that marks a failure, as a status: a status name stands for itself; any other
 * failure value (PandaLM's `garbage`: a verdict nobody could read) is a `parse_error`.
 */
export function statusOfFailureValue(value: string): FailureStatus {
  return isFailureStatus(value) ? value : 'parse_error';
}

/** How a study names a failure when it counts them: as the source recorded it, else by status. */
export const failureName = (r: Rating): string => (r.status === 'ok' ? 'ok' : (r.recorded ?? r.status));
