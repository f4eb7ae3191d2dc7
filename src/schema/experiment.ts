import { z } from 'zod';
import { EndpointConfig } from './endpoint.ts';

const Path = z.string().min(1);

/** Column names of a long-form label CSV (defaults as in DESIGN.md). */
export const LabelColumns = z.strictObject({
  item: z.string().default('item_id'),
  rater: z.string().default('rater'),
  value: z.string().default('value'),
  dimension: z.string().optional(),
});

/** A stage name: it names files in the run folder, so it can hold no path separator or dot. */
export const STAGE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const StageName = z.string().regex(STAGE_NAME, 'stage names are lower-case, digits, - and _');

/** A file of a run, relative to the run folder: never absolute, never a `..` step out of it. */
const RunFile = z
  .string()
  .min(1)
  .refine((p) => !p.includes('\0') && !/^([/\\]|[A-Za-z]:)/.test(p) && !p.split(/[/\\]/).includes('..'), 'must be a path inside the run folder (no absolute path, no "..")');

/** An earlier stage of the same run whose outputs this stage reads. */
export const StageRef = z.strictObject({ stage: z.string().min(1) });

/** An earlier judge stage: its judgments as a rater (named `name`, default the judge model), each criterion a dimension. */
export const JudgeStageRef = StageRef.extend({ name: z.string().min(1).optional(), dimension_prefix: z.string().optional() });

/**
 * An input file, or the matching output of an earlier stage of the run: `items: {stage: R}` reads
 * the items a `reformulate` stage wrote, `responses: {stage: A}` the responses of an `answer` stage.
 */
export const InputRef = z.union([Path, StageRef]);
export type InputRef = z.infer<typeof InputRef>;

/** Responses: one input, or several (one per answering model) read as one set. */
export const ResponsesRef = z.union([InputRef, z.array(InputRef).min(1)]);
export type ResponsesRef = z.infer<typeof ResponsesRef>;

const StageBase = z.strictObject({
  /** Unique within the experiment; names the stage's outputs. */
  name: StageName,
  title: z.string().optional(),
  description: z.string().optional(),
  /** Bootstrap resamples for this stage's intervals (default: the experiment's `bootstrap`). */
  bootstrap: z.number().int().min(0).optional(),
  /**
   * On simulated data (`judgekit simulate`): the simulation's truth.json and the section of its
   * `checks` to show beside this stage's estimates in the report.
   */
  truth: z.object({ file: Path, section: z.string().min(1) }).optional(),
  /**
   * Run the stage only when every input file it names exists and every stage it reads has run;
   * otherwise skip it with a note (in the log, the manifest and the report), not an error. For
   * protocol stages whose inputs a study may not have (human labels, named model pairs).
   */
  optional: z.boolean().default(false),
});

/**
 * The optional second reader of MCQ replies: an LLM asked, for each reply the rules could not
 * read, which option the reply commits to (one letter, `none` or `ambiguous`). Off unless set.
 */
export const McqExtractor = z.strictObject({
  endpoint: EndpointConfig,
  /** Which of the rules' failures are sent (`empty`, `not_an_option` and `unfinished_thinking` never are). */
  send: z.array(z.enum(['no_answer', 'ambiguous', 'program'])).min(1).default(['no_answer', 'ambiguous']),
  /** Follow-up messages quoting the format error before an unreadable extractor reply is a parse_error. */
  max_repairs: z.number().int().nonnegative().default(0),
});
export type McqExtractor = z.infer<typeof McqExtractor>;

export const McqStage = StageBase.extend({
  kind: z.literal('mcq'),
  items: InputRef,
  responses: ResponsesRef,
  /** The LLM second reader for replies the rules cannot read; absent: rules only. */
  extractor: McqExtractor.optional(),
});

export const JudgeStageJudge = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('llm'),
    endpoint: EndpointConfig,
    samples: z.number().int().positive().default(1),
    reducer: z.enum(['mean', 'median', 'majority']).default('mean'),
    /** Follow-up messages quoting the validation error before a verdict is a parse_error. */
    max_repairs: z.number().int().nonnegative().default(2),
    /** Send the calls through the OpenAI Batch API (half price, hours of latency). */
    batch: z.boolean().default(false),
  }),
  z.strictObject({ kind: z.literal('replay'), verdicts: Path, name: z.string().min(1) }),
]);

export const JudgeStage = StageBase.extend({
  kind: z.literal('judge'),
  items: InputRef,
  responses: ResponsesRef,
  /** Folder the items' image paths are relative to (default: the items file's folder); no image outside it is read. */
  image_root: Path.optional(),
  /** Images larger than this are not sent; their units are invalid_input (default 5). */
  max_image_mb: z.number().min(0.001).max(1024).optional(),
  rubric: Path,
  judge: JudgeStageJudge,
  /** Judge only the first N responses (a smoke test). */
  limit: z.number().int().positive().optional(),
});

export const AgreementStage = StageBase.extend({
  kind: z.literal('agreement'),
  labels: Path,
  columns: LabelColumns.default({ item: 'item_id', rater: 'rater', value: 'value' }),
  level: z.enum(['nominal', 'ordinal', 'interval', 'ratio']).default('nominal'),
  /** The rater that is the judge under validation. */
  judge: z.string().optional(),
  epsilon: z.number().optional(),
  /** Raters to leave out of this study (e.g. other judges in the same file). */
  exclude_raters: z.array(z.string()).default([]),
  /** Keep only these raters (after `exclude_raters`). */
  raters: z.array(z.string()).optional(),
  /** With a dimension column: keep only these dimensions. */
  dimensions: z.array(z.string()).optional(),
  /** Values that record a failed rating (e.g. `garbage`): left out and counted, never a category. */
  failure_values: z.array(z.string()).optional(),
  /**
   * Adds the judgments of an earlier judge stage of this run as a rater (each criterion a
   * dimension, named `dimension_prefix` + key; a failed judgment is a failed rating, counted),
   * and validates that judge against the humans in `labels`.
   */
  judge_stage: JudgeStageRef.optional(),
});

export const WinrateStage = StageBase.extend({
  kind: z.literal('winrate'),
  /** Long-form preferences: item_id, rater, model_a, model_b, winner (+ dimension, status). */
  preferences: Path.optional(),
  /**
   * Or pairs from numeric single-answer ratings, without new calls: a long-form label file
   * (item_id, rater, value, model, dimension); two models' scores on an item are compared per
   * rater and dimension, a difference of at most `margin` being a tie.
   */
  ratings: Path.optional(),
  ratings_columns: LabelColumns.optional(),
  /**
   * Or pairs from an earlier judge stage's per-criterion scores (as `judgekit winrate --scores`):
   * on each item, every two models compared per criterion and on the aggregated score (`overall`).
   * With `ratings`: the judge is one more rater beside the humans (dimensions are criterion keys).
   */
  judge_stage: StageRef.extend({ name: z.string().min(1).optional() }).optional(),
  /** Or the same from a judgments file (`judgekit judge` output), as `judgekit winrate --scores`. */
  scores: Path.optional(),
  /** With `ratings`, `scores` or `judge_stage`: a score difference of at most `margin` is a tie. */
  margin: z.number().nonnegative().default(0),
  /** With `ratings`: a rater `name` scoring each answer by the mean of these raters (e.g. the human mean). */
  mean_of: z.strictObject({ name: z.string().min(1), raters: z.array(z.string()).min(2) }).optional(),
  /** With `ratings`, `scores` or `judge_stage`: keep only these dimensions. */
  dimensions: z.array(z.string()).optional(),
  /** Two raters whose rankings and win ratios are compared (e.g. the human majority and a judge). */
  compare: z.tuple([z.string(), z.string()]).optional(),
  ties: z.enum(['half', 'drop']).default('half'),
  /** Bradley–Terry ties: as half-wins, or Davidson's model. */
  bt: z.enum(['half', 'davidson']).optional(),
  /** Each model against this one only (default: all pairs pooled). */
  baseline: z.string().optional(),
  /** Adds a rater "majority": the strict majority of these raters (items without one are reported and left out). */
  majority: z.array(z.string()).min(2).optional(),
  /** Keep only these raters (after the majority is formed). */
  raters: z.array(z.string()).optional(),
}).superRefine((s, ctx) => {
  // ratings with judge_stage: the humans' ratings and the judge's scores of the same answers, as two raters (Med-CMR Fig. 4d).
  const sources = [s.preferences, s.ratings, s.scores, s.ratings !== undefined ? undefined : s.judge_stage].filter((x) => x !== undefined).length;
  if (sources !== 1) ctx.addIssue({ code: 'custom', path: ['preferences'], message: 'a winrate stage takes one of preferences, ratings (optionally with judge_stage), scores or judge_stage' });
});

/**
 * The pairwise LLM judge: every pair of models that answered the same item, judged in both answer
 * orders; the combined verdicts become preferences, with swap consistency and win ratios. With
 * `human_preferences`, the human-versus-LLM win-ratio study on the same pairs.
 */
export const PairwiseStage = StageBase.extend({
  kind: z.literal('pairwise'),
  items: Path,
  responses: Path,
  endpoint: EndpointConfig,
  /** Another project's pairwise judge: `mt-bench`, `arena-hard`, or a template YAML file (rubrics/pairwise/). */
  template: z.string().min(1).optional(),
  /** Judge only the first N pairs (a smoke test). */
  limit: z.number().int().positive().optional(),
  /** Dimensions judged per pair (default one, `overall`). */
  dimensions: z.array(z.strictObject({ key: z.string().regex(/^[a-z][a-z0-9_]*$/), description: z.string().min(1) })).optional(),
  /** Orders that disagree: a tie (as FastChat does), or dropped and counted. */
  policy: z.enum(['tie', 'drop']).default('tie'),
  /** Only pairs (baseline, other model). */
  baseline: z.string().optional(),
  /** Name of the judge as a rater (default: its model). */
  rater: z.string().optional(),
  max_repairs: z.number().int().nonnegative().default(2),
  ties: z.enum(['half', 'drop']).default('half'),
  /** Human preferences on the same (item, model_a, model_b) pairs, for the human-versus-LLM study. */
  human_preferences: Path.optional(),
  /** The human rater to compare with; `majority` with `majority_of`. */
  human_rater: z.string().optional(),
  majority_of: z.array(z.string()).min(2).optional(),
});

/** Answer-order (swap) consistency of pairwise judges that judged every pair in both orders, against gold labels. */
export const SwapStage = StageBase.extend({
  kind: z.literal('swap'),
  /** Per-order verdicts with gold labels (the LLMBar format `judgekit datasets get llmbar` writes to verdicts.json). */
  verdicts: Path,
});

/**
 * Where the MCQ ↔ open-ended pairs come from, without a pairs file: the MCQ records of an `mcq`
 * stage and the judgments of a `judge` stage of the open-ended form (or the same ledgers as files),
 * joined on the items' `pair_id`, as `judgekit consistency-pairs` does.
 */
const PairSources = {
  mcq_stage: StageRef.optional(),
  judge_stage: StageRef.optional(),
  /** Item files of both forms (default: the items of `mcq_stage` and `judge_stage`). */
  items: z.array(Path).min(1).optional(),
  /** The rubric criterion whose raw score is open-ended correctness, or `score` for the 0–100 aggregate. */
  criterion: z.string().min(1).optional(),
};

export const ConsistencyStage = StageBase.extend({
  kind: z.literal('consistency'),
  pairs: Path.optional(),
  ...PairSources,
  threshold: z.number().optional(),
  /** Base-versus-tuned comparisons: [base, tuned], or "base:tuned" (names may hold colons). */
  paired: z.array(z.union([z.tuple([z.string(), z.string()]), z.string()])).default([]),
}).superRefine((s, ctx) => {
  const fromStages = s.mcq_stage !== undefined || s.judge_stage !== undefined;
  if ((s.pairs !== undefined) === fromStages) ctx.addIssue({ code: 'custom', path: ['pairs'], message: 'a consistency stage takes either pairs or mcq_stage with judge_stage' });
  else if (fromStages && (s.mcq_stage === undefined || s.judge_stage === undefined)) ctx.addIssue({ code: 'custom', path: [s.mcq_stage ? 'judge_stage' : 'mcq_stage'], message: 'mcq_stage and judge_stage go together' });
  else if (s.pairs !== undefined && (s.items !== undefined || s.criterion !== undefined)) ctx.addIssue({ code: 'custom', path: [s.items !== undefined ? 'items' : 'criterion'], message: 'items and criterion go with mcq_stage and judge_stage, not with pairs' });
});

/** The pairs table of the consistency study as a file (`<name>.pairs.csv`), from MCQ records and judgments. */
export const ConsistencyPairsStage = StageBase.extend({
  kind: z.literal('consistency-pairs'),
  ...PairSources,
  /** Or the ledgers as files (`judgekit mcq` and `judgekit judge` outputs). */
  mcq_records: Path.optional(),
  judgments: Path.optional(),
}).superRefine((s, ctx) => {
  if ((s.mcq_stage === undefined) === (s.mcq_records === undefined)) ctx.addIssue({ code: 'custom', path: ['mcq_stage'], message: 'a consistency-pairs stage takes either mcq_stage or mcq_records' });
  if ((s.judge_stage === undefined) === (s.judgments === undefined)) ctx.addIssue({ code: 'custom', path: ['judge_stage'], message: 'a consistency-pairs stage takes either judge_stage or judgments' });
  if (s.items === undefined && (s.mcq_records !== undefined || s.judgments !== undefined)) ctx.addIssue({ code: 'custom', path: ['items'], message: 'items are needed when the ledgers are files' });
});

/** Answer collection: a candidate model asked every item; `<name>.responses.jsonl` and the call ledger. */
export const AnswerStage = StageBase.extend({
  kind: z.literal('answer'),
  items: InputRef,
  endpoint: EndpointConfig,
  /** Model name written into the responses (default: the endpoint's model). */
  model_name: z.string().min(1).optional(),
  /**
   * What is known of the candidate, copied into every response's `meta`: `size` (billions of
   * parameters, a number or a string like "7B", "235B-A22B") draws it in the size-against-score
   * chart (Med-CMR Figure 3); `family` and `medical` name it for the reader.
   */
  meta: z
    .strictObject({
      size: z.union([z.number().positive(), z.string().regex(/^\s*\d+(\.\d+)?\s*[BbMmTt]/, 'a size like "7B", "750M" or "235B-A22B"')]).optional(),
      family: z.string().min(1).optional(),
      medical: z.boolean().optional(),
    })
    .optional(),
  /** Ask only the MCQ or only the open-ended items. */
  only: z.enum(['mcq', 'open']).optional(),
  /** Folder the items' image paths are relative to (default: the items file's folder); no image outside it is read. */
  image_root: Path.optional(),
  /** Images larger than this are not sent; their units are invalid_input (default 5). */
  max_image_mb: z.number().min(0.001).max(1024).optional(),
});

/** The other form of each item, linked by pair_id: `<name>.items.jsonl`. */
export const ReformulateStage = StageBase.extend({
  kind: z.literal('reformulate'),
  items: InputRef,
  to: z.enum(['open', 'mcq', 'circular']),
  /** Options per generated MCQ, answer included (to: mcq). */
  options: z.number().int().min(2).max(26).default(5),
  shortfall: z.enum(['other_tasks', 'fewer_options', 'skip']).default('other_tasks'),
  /** Distractors from other items' answers of the same task, or from an LLM (`endpoint`). */
  distractors: z.enum(['pool', 'llm']).default('pool'),
  endpoint: EndpointConfig.optional(),
}).superRefine((s, ctx) => {
  if (s.distractors === 'llm' && s.endpoint === undefined) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'distractors: llm needs an endpoint' });
  if (s.endpoint !== undefined && !(s.to === 'mcq' && s.distractors === 'llm')) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'an endpoint is used only with to: mcq and distractors: llm' });
});

/** A candidate judge configuration of a tuning stage: a rater of the labels, or the judgments of an earlier judge stage. */
export const TuningCandidate = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), rater: z.string().min(1) }),
  z.strictObject({
    name: z.string().min(1),
    /** An earlier judge stage of the same run: its `<stage>.judgments.jsonl` (ok judgments; failures counted). */
    stage: z.string().min(1),
    /** Prepended to each criterion key to name the dimension (to match the labels, e.g. `summarization/`). */
    dimension_prefix: z.string().optional(),
  }),
]);

/**
 * Rubric tuning: candidate judge configurations compared by their agreement with the humans on the
 * same labelled items, the winner chosen on one part of the items and reported on the other.
 */
export const TuningStage = StageBase.extend({
  kind: z.literal('tuning'),
  /** Human labels (and candidates given as raters), long form. */
  labels: Path,
  columns: LabelColumns.default({ item: 'item_id', rater: 'rater', value: 'value' }),
  humans: z.array(z.string().min(1)).min(1),
  candidates: z.array(TuningCandidate).min(1),
  level: z.enum(['nominal', 'ordinal', 'interval', 'ratio']).default('nominal'),
  /** The statistic the winner is chosen by (default kappa for nominal/ordinal, spearman otherwise). */
  statistic: z.enum(['kappa', 'alpha', 'spearman', 'pearson', 'agreement']).optional(),
  split: z
    .discriminatedUnion('method', [
      z.strictObject({ method: z.literal('holdout'), test_fraction: z.number().gt(0).lt(1).default(0.3) }),
      z.strictObject({ method: z.literal('kfold'), folds: z.number().int().min(2).default(5) }),
    ])
    .default({ method: 'holdout', test_fraction: 0.3 }),
  /** Keep only these dimensions of the labels. */
  dimensions: z.array(z.string()).optional(),
  /** A rubric with weights enables the re-weighting analysis. */
  rubric: Path.optional(),
  failure_values: z.array(z.string()).optional(),
  /** |Spearman ρ| between two criteria at or above which they are flagged as saying the same thing. */
  correlation_threshold: z.number().gt(0).max(1).default(0.8),
});

/**
 * Judge-corrected model scores (PPI, PPI++, stratified PPI, Rogan–Gladen): humans' gold values on
 * some units, the judge's ratings on all; see src/studies/corrected.ts.
 */
export const CorrectedStage = StageBase.extend({
  kind: z.literal('corrected'),
  /** Long-form ratings (item_id, model or model_a/model_b, rater, value; dimension; the strata column). */
  labels: Path,
  columns: LabelColumns.default({ item: 'item_id', rater: 'rater', value: 'value' }),
  /** The judge, a rater of `labels`; or `judge_stage`, an earlier judge stage of the run. */
  judge: z.string().min(1).optional(),
  judge_stage: z
    .object({ stage: z.string().min(1), name: z.string().min(1).optional(), dimension_prefix: z.string().optional() })
    .strict()
    .optional(),
  /** Gold = mean (pairwise: majority) of these raters; default every rater but the judge. */
  humans: z.array(z.string().min(1)).min(1).optional(),
  /** Gold = this one rater. */
  gold: z.string().min(1).optional(),
  dimension: z.string().optional(),
  /** A column of `labels` whose values are strata (e.g. the Med-CMR task): adds stratified PPI. */
  strata: z.string().optional(),
  /** Adds Rogan–Gladen on the binary verdict value ≥ threshold. */
  threshold: z.number().optional(),
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** Adds the label planner: human labels for an interval of this full width. */
  plan_width: z.number().positive().optional(),
  /**
   * Keep the humans' ratings on this share of the items only (seeded), as if only those had been
   * labelled; the result adds `human_all`, the humans' mean over every unit, to check against.
   */
  label_fraction: z.number().gt(0).lt(1).optional(),
})
  .strict()
  .superRefine((s, ctx) => {
    if ((s.judge === undefined) === (s.judge_stage === undefined)) ctx.addIssue({ code: 'custom', path: ['judge'], message: 'a corrected stage takes either judge or judge_stage' });
    if (s.humans !== undefined && s.gold !== undefined) ctx.addIssue({ code: 'custom', path: ['gold'], message: 'give humans or gold, not both' });
  });

export const Stage = z.discriminatedUnion('kind', [
  AnswerStage,
  ReformulateStage,
  McqStage,
  JudgeStage,
  AgreementStage,
  WinrateStage,
  PairwiseStage,
  SwapStage,
  ConsistencyStage,
  ConsistencyPairsStage,
  TuningStage,
  CorrectedStage,
]);
export type Stage = z.infer<typeof Stage>;

export const ExperimentConfig = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    title: z.string().optional(),
    description: z.string().optional(),
    /** Seeds every bootstrap and every sampled choice in the run. */
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(20260101),
    /** Bootstrap resamples for every interval in the run. */
    bootstrap: z.number().int().min(0).default(1000),
    stages: z.array(Stage).min(1),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.stages.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `duplicate stage name "${s.name}"` });
      seen.add(s.name);
    });
  });
export type ExperimentConfig = z.infer<typeof ExperimentConfig>;

export const FileHash = z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int() });

export const StageManifest = z.object({
  kind: z.string(),
  /** skipped: an optional stage whose inputs were absent (`note` says which). */
  status: z.enum(['done', 'failed', 'skipped']),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number(),
  /** Hash of the stage's config and its inputs; a resumed run skips a done stage whose key matches. */
  key: z.string(),
  inputs: z.array(FileHash),
  outputs: z.array(RunFile),
  counts: z.record(z.string(), z.number()),
  cost_usd: z.number().default(0),
  error: z.string().optional(),
  note: z.string().optional(),
});
export type StageManifest = z.infer<typeof StageManifest>;

export const RunManifest = z.object({
  run_id: z.string(),
  experiment: z.string(),
  config_path: z.string(),
  config: z.unknown(),
  config_hash: z.string(),
  judgekit_version: z.string(),
  node_version: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  stages: z.record(StageName, StageManifest),
  counts_by_status: z.record(z.string(), z.number()),
  cost_usd: z.object({ judge: z.number(), candidates: z.number() }),
  timings_ms: z.record(z.string(), z.number()),
}).superRefine((m, ctx) => {
  // The config is kept as written, but its stage names become file names (`<name>.md`): check them.
  const stages = (m.config as { stages?: unknown } | null)?.stages;
  if (!Array.isArray(stages)) return;
  stages.forEach((s, i) => {
    const name = (s as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || !STAGE_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['config', 'stages', i, 'name'], message: 'stage names are lower-case, digits, - and _' });
  });
});
export type RunManifest = z.infer<typeof RunManifest>;
