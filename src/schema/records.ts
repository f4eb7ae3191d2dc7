import { z } from 'zod';
import { Tokens } from './common.ts';
import { FailureStatus, Status } from './status.ts';

/**
 * Everything that decides a judge's verdict, hashed into `hash`. Two judgments with the same
 * fingerprint and input are interchangeable; that is what the cache key rests on.
 */
export const JudgeFingerprint = z.object({
  kind: z.enum(['llm', 'replay']),
  model: z.string(),
  endpoint: z.string(),
  rubric_id: z.string().optional(),
  rubric_version: z.string().optional(),
  rubric_hash: z.string().optional(),
  template_hash: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  output_mode: z.string().optional(),
  parser_version: z.string(),
  hash: z.string(),
});
export type JudgeFingerprint = z.infer<typeof JudgeFingerprint>;

/**
 * What one judge call was and did, for the ledger: the messages sent (an image as `image:sha256:…`,
 * never its bytes), the reply as received, the reasoning content the endpoint returned, the rule
 * that read the verdict, and each repair round (the unreadable reply and the error quoted back).
 */
export const CallLog = z.object({
  /** Which part of the judgment: criteria of the group, sample index, or pair order. */
  part: z.string(),
  template_hash: z.string().optional(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })),
  raw: z.string().nullable(),
  reasoning: z.string().optional(),
  /** How the verdict was read (null when it was not). */
  rule: z.string().nullable(),
  status: z.string(),
  error: z.string().optional(),
  repairs: z.array(z.object({ raw: z.string().nullable(), error: z.string() })).default([]),
  cached: z.boolean(),
});
export type CallLog = z.infer<typeof CallLog>;

// ---------------------------------------------------------------------------------------------
// MCQ records

export const McqStatus = Status.extract(['ok', 'invalid_answer', 'missing']);
export type McqStatus = z.infer<typeof McqStatus>;

/** One model's answer to one MCQ, as read by the extractor. */
/** One letter, or several sorted and joined by commas (multi-answer items). */
const LetterSet = z.string().regex(/^[A-Z](,[A-Z])*$/, 'must be a letter or letters joined by commas');

export const McqRecord = z.object({
  item_id: z.string(),
  model: z.string(),
  status: McqStatus,
  /** The raw model output (empty string for `missing`). */
  output: z.string(),
  /** The letter read; for a multi-answer item the sorted letters joined by commas ("B,D"). */
  extracted: LetterSet.nullable(),
  /** The extraction rule that matched, or why none did (e.g. `ambiguous`, `no_answer`, `empty`). */
  rule: z.string(),
  /** The correct letter, or a multi-answer item's letters joined by commas. */
  answer: LetterSet,
  /** null when the answer could not be read (status ≠ ok). */
  correct: z.boolean().nullable(),
  task: z.string().optional(),
  organ_system: z.string().optional(),
  modality: z.string().optional(),
  /**
   * Who decided the record: the rule cascade, or the optional LLM second reader (`rule` is then
   * `llm`, `llm_none`, `llm_ambiguous` or `llm_unreadable`). Absent in ledgers written before it.
   */
  extracted_by: z.enum(['rules', 'llm']).optional(),
  /** For a record sent to the second reader: the rules' own failure (e.g. `no_answer`). */
  rules_rule: z.string().optional(),
  /** The second reader's call (sent to the LLM only), as the judge ledgers keep theirs. */
  calls: z.array(CallLog).optional(),
  /** What the second reader's call cost (0 when cached). */
  cost_usd: z.number().nonnegative().optional(),
});
export type McqRecord = z.infer<typeof McqRecord>;

// ---------------------------------------------------------------------------------------------
// Judgments (rubric scores)

export const JudgeFailureStatus = FailureStatus.extract(['parse_error', 'refusal', 'api_error', 'truncated', 'invalid_input']);
export type JudgeFailureStatus = z.infer<typeof JudgeFailureStatus>;
export const JudgeStatus = Status.extract(['ok', ...JudgeFailureStatus.options]);
export type JudgeStatus = z.infer<typeof JudgeStatus>;

const JudgmentBase = z.object({
  item_id: z.string(),
  model: z.string(),
  judge: JudgeFingerprint,
  /** How the verdict was read: json_schema, json_mode, tagged, tool, replay. */
  parse_method: z.string().nullable(),
  repairs: z.number().int().nonnegative().default(0),
  raw: z.string().nullable(),
  tokens: Tokens,
  cost_usd: z.number().nonnegative(),
  latency_ms: z.number().nonnegative(),
  requests: z.number().int().nonnegative(),
  cached: z.boolean(),
  /** Per-sample scores when the judge was sampled k > 1 times. */
  samples: z.array(z.record(z.string(), z.number())).optional(),
  /** Per-criterion spread (max − min) over the samples. */
  spread: z.record(z.string(), z.number()).optional(),
  /**
   * Whether the judge was shown the image. false: the endpoint takes no images (or the item has
   * none) and image criteria were judged from `visual_description`. Absent: no criterion uses it.
   */
  image_seen: z.boolean().optional(),
  /** A reasoning model's separate reasoning text (e.g. DeepSeek `reasoning_content`); never parsed. */
  judge_reasoning: z.string().optional(),
  /** The model the endpoint named in its reply, when it is not the model asked for (comma-separated if several). */
  served_model: z.string().optional(),
  /** Every call behind the judgment, enough to see why it failed without re-creating it. */
  calls: z.array(CallLog).optional(),
});

export const JudgmentOk = JudgmentBase.extend({
  status: z.literal('ok'),
  /** Raw per-criterion scores on the rubric's scale (after gates). */
  scores: z.record(z.string(), z.number()),
  /** The scores before the rubric's gates, when a gate changed one. */
  ungated_scores: z.record(z.string(), z.number()).optional(),
  /** The aggregated score on the rubric's normalised scale (null for `separate` aggregation). */
  score: z.number().nullable(),
  rationale: z.string().optional(),
});
export const Judgment = z.discriminatedUnion('status', [
  JudgmentOk,
  JudgmentBase.extend({ status: z.literal('parse_error'), error: z.string() }),
  JudgmentBase.extend({ status: z.literal('refusal'), error: z.string() }),
  JudgmentBase.extend({ status: z.literal('api_error'), error: z.string() }),
  JudgmentBase.extend({ status: z.literal('truncated'), error: z.string() }),
  JudgmentBase.extend({ status: z.literal('invalid_input'), error: z.string() }),
]);
export type Judgment = z.infer<typeof Judgment>;

// ---------------------------------------------------------------------------------------------
// Pairwise preferences

export const Winner = z.enum(['A', 'B', 'tie']);
export type Winner = z.infer<typeof Winner>;

/**
 * One pairwise verdict on (item, model_a, model_b), possibly per dimension. `rater` is a human
 * id or a judge name. For LLM judges, `orders` keeps both presentation orders (mapped back to
 * the A/B of this record) and `winner` is the combined verdict under the configured policy.
 */
export const Preference = z.object({
  item_id: z.string(),
  rater: z.string(),
  model_a: z.string(),
  model_b: z.string(),
  dimension: z.string().optional(),
  status: Status.extract(['ok', 'inconsistent_dropped', ...JudgeFailureStatus.options]),
  winner: Winner.nullable(),
  orders: z
    .object({ ab: Winner.nullable(), ba: Winner.nullable() })
    .optional(),
  judge: JudgeFingerprint.optional(),
  tokens: Tokens.optional(),
  cost_usd: z.number().nonnegative().optional(),
  cached: z.boolean().optional(),
  error: z.string().optional(),
  /** The template's verdict label as the judge wrote it in each order (e.g. Arena-Hard `A>>B`), and its strength. */
  labels: z.object({ ab: z.string().nullable(), ba: z.string().nullable() }).optional(),
  strength: z.object({ ab: z.enum(['strong', 'weak']).nullable(), ba: z.enum(['strong', 'weak']).nullable() }).optional(),
  /** The two calls (first dimension's record only, like the cost). */
  calls: z.array(CallLog).optional(),
});
export type Preference = z.infer<typeof Preference>;
