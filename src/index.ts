/**
 * judgekit as a library: `import { krippendorffAlpha, runExperiment } from 'judgekit'`.
 * The statistics (pure functions), the readers, the judge engine, the studies and the pipeline,
 * the same code the command line runs. Modules load on import; nothing here starts work.
 */
export * from './stats/index.ts';
export { bradleyTerry, btProbabilities, winGraphComponents, type BtFit, type BtOptions, type BtTies, type PairCounts } from './stats/bradley-terry.ts';
export { classicalMean, ppiMean, ppiLambda, stratifiedPpiMean, roganGladen, roganGladenBootstrap, planLabels } from './stats/ppi.ts';
export { itemsForWinRatio, itemsForWinRatioDifference, exactBinomialItems, type WinRatioPlan } from './stats/power.ts';
export * from './io/index.ts';
export * from './schema/index.ts';
export * from './judges/index.ts';
export * from './llm/index.ts';
export * from './mcq/index.ts';
// Two modules call different things an Estimate: a statistic with its interval, and the cost of a run.
export type { Estimate } from './schema/index.ts';
export type { Estimate as CostEstimate } from './llm/engine.ts';
export { runAgreement, systemRankMatrix, rankDescending, DEFAULT_FAILURE_VALUES } from './studies/validation.ts';
export type { AgreementOptions, AgreementResult, AgreementCore, Level, PairResult, ComparisonResult, JudgeValidation } from './studies/validation.ts';
export { renderAgreementMarkdown } from './studies/validation-report.ts';
export { runTuning } from './studies/tuning.ts';
export { runWinrate, addMajorityRater } from './studies/winrate.ts';
export { runConsistency } from './studies/consistency.ts';
export { altTest } from './studies/alt-test.ts';
export { swapConsistency } from './studies/swap.ts';
export { runCorrected } from './studies/corrected.ts';
export { agreementStudy } from './studies/validation.ts';
// Records and labels as Rating[] (one adapter each), and the reducers.
export { judgmentRatings } from './ratings/judgments.ts';
export { labelRatings, ratingsToLabels } from './ratings/labels.ts';
export { mcqRatings } from './ratings/mcq.ts';
export { preferenceRatings } from './ratings/preferences.ts';
export { reduceSamples, strictMajority } from './ratings/reduce.ts';
export { runExperiment } from './pipeline/run.ts';
export type { RunOptions, RunResult } from './pipeline/run.ts';
export { VERSION } from './version.ts';
