// The consistency study's defaults, in a module with no imports so that the command line can show
// them in its help without loading the study (and the readers).

/** The documented threshold for a 0–100 ground-truth-correctness score (not applied silently). */
export const RECOMMENDED_THRESHOLD = 50;

/** The rubric criterion whose raw score is the open-ended answer's correctness. */
export const DEFAULT_OPEN_CRITERION = 'ground_truth_correctness';
