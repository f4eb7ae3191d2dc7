// The studies' defaults, in a module without run-time imports so that the command line can show them in
// its help without loading the studies (and the readers, and the statistics).
import type { TuningStatistic } from './tuning.ts';

/** Rating values that mean "this rating failed" unless the caller says otherwise: ratings/labels.ts derives the same list from the status vocabulary (a test checks they agree); this copy has no imports, for the help text. */
export const DEFAULT_FAILURE_VALUES = ['garbage', 'parse_error', 'refusal', 'api_error', 'truncated', 'invalid_input', 'invalid_answer'];

/** The statistics a tuning study can choose its winner by. */
export const TUNING_STATISTICS: TuningStatistic[] = ['kappa', 'alpha', 'spearman', 'pearson', 'agreement'];

/** The documented threshold for a 0–100 ground-truth-correctness score (not applied silently). */
export const RECOMMENDED_THRESHOLD = 50;

/** The rubric criterion whose raw score is the open-ended answer's correctness. */
export const DEFAULT_OPEN_CRITERION = 'ground_truth_correctness';
