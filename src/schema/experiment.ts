import { z } from 'zod';
import { EndpointConfig } from './endpoint.ts';

const Path = z.string().min(1);

/** Column names of a long-form label CSV (defaults as in DESIGN.md). */
export const LabelColumns = z.object({
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

const StageBase = z.object({
  /** Unique within the experiment; names the stage's outputs. */
  name: StageName,
  title: z.string().optional(),
  description: z.string().optional(),
  /** Bootstrap resamples for this stage's intervals (default: the experiment's `bootstrap`). */
  bootstrap: z.number().int().min(0).optional(),
});

export const McqStage = StageBase.extend({
  kind: z.literal('mcq'),
  items: Path,
  responses: Path,
});

export const JudgeStageJudge = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('llm'),
    endpoint: EndpointConfig,
    samples: z.number().int().positive().default(1),
    reducer: z.enum(['mean', 'median', 'majority']).default('mean'),
    /** Follow-up messages quoting the validation error before a verdict is a parse_error. */
    max_repairs: z.number().int().nonnegative().default(2),
    /** Send the calls through the OpenAI Batch API (half price, hours of latency). */
    batch: z.boolean().default(false),
  }),
  z.object({ kind: z.literal('replay'), verdicts: Path, name: z.string().min(1) }),
]);

export const JudgeStage = StageBase.extend({
  kind: z.literal('judge'),
  items: Path,
  responses: Path,
  rubric: Path,
  judge: JudgeStageJudge,
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
  judge_stage: z
    .object({ stage: z.string().min(1), name: z.string().min(1).optional(), dimension_prefix: z.string().optional() })
    .optional(),
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
  margin: z.number().nonnegative().default(0),
  /** With `ratings`: a rater `name` scoring each answer by the mean of these raters (e.g. the human mean). */
  mean_of: z.object({ name: z.string().min(1), raters: z.array(z.string()).min(2) }).optional(),
  /** With `ratings`: keep only these dimensions. */
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
  if ((s.preferences === undefined) === (s.ratings === undefined)) ctx.addIssue({ code: 'custom', path: ['preferences'], message: 'a winrate stage takes either preferences or ratings' });
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
  /** Dimensions judged per pair (default one, `overall`). */
  dimensions: z.array(z.object({ key: z.string().regex(/^[a-z][a-z0-9_]*$/), description: z.string().min(1) })).optional(),
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
  /** Per-order verdicts with gold labels (the LLMBar import format, data/llmbar/verdicts.json). */
  verdicts: Path,
});

export const ConsistencyStage = StageBase.extend({
  kind: z.literal('consistency'),
  pairs: Path,
  threshold: z.number().optional(),
  paired: z.array(z.tuple([z.string(), z.string()])).default([]),
});

/** A candidate judge configuration of a tuning stage: a rater of the labels, or the judgments of an earlier judge stage. */
export const TuningCandidate = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), rater: z.string().min(1) }),
  z.object({
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
      z.object({ method: z.literal('holdout'), test_fraction: z.number().gt(0).lt(1).default(0.3) }),
      z.object({ method: z.literal('kfold'), folds: z.number().int().min(2).default(5) }),
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

export const Stage = z.discriminatedUnion('kind', [
  McqStage,
  JudgeStage,
  AgreementStage,
  WinrateStage,
  PairwiseStage,
  SwapStage,
  ConsistencyStage,
  TuningStage,
]);
export type Stage = z.infer<typeof Stage>;

export const ExperimentConfig = z
  .object({
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
  status: z.enum(['done', 'failed']),
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
