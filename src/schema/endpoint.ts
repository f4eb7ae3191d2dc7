import { z } from 'zod';

/**
 * An OpenAI-compatible chat endpoint used as a judge or as a candidate model. The key is never
 * part of the configuration: only the *name* of the environment variable that holds it.
 */
export const EndpointConfig = z.strictObject({
  /** Fills unset fields from a preset: openai, deepseek, local. */
  preset: z.enum(['openai', 'deepseek', 'local']).optional(),
  base_url: z.string().url().optional(),
  model: z.string().min(1),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  temperature: z.number().min(0).max(2).default(0),
  /** 0 … 2^32−1: the generators take 32-bit seeds, and a larger one would be silently reduced. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  max_tokens: z.number().int().positive().default(1024),
  /** USD per million tokens (default: the list price of the model on its provider's host, src/llm/prices.ts; else 0). */
  price: z.strictObject({ input_per_m: z.number().nonnegative(), output_per_m: z.number().nonnegative() }).optional(),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  concurrency: z.number().int().positive().default(8),
  // Node timers hold at most 2^31-1 ms; a larger value would fire at once.
  timeout_ms: z.number().int().positive().max(2 ** 31 - 1).default(120_000),
  max_retries: z.number().int().nonnegative().default(6),
  /** How structured output is requested; `auto` picks from the endpoint's capabilities. */
  output_mode: z.enum(['auto', 'json_schema', 'json_mode', 'tagged']).default('auto'),
  supports_images: z.boolean().optional(),
  /**
   * What the endpoint supports, declared (e.g. from `judgekit probe`); overrides the preset's
   * assumptions key by key.
   */
  capabilities: z
    .object({
      json_schema: z.boolean(),
      json_mode: z.boolean(),
      tools: z.boolean(),
      seed: z.boolean(),
      logprobs: z.boolean(),
      reasoning_content: z.boolean(),
      images: z.boolean(),
      temperature: z.boolean(),
    })
    .partial()
    .strict()
    .optional(),
  /** Output tokens the dry-run estimate assumes per call (default: max_tokens, an upper bound). */
  expected_output_tokens: z.number().int().positive().optional(),
  /** Price multiplier for the Batch API (OpenAI bills batches at half price). */
  batch_discount: z.number().min(0).max(1).default(0.5),
});
export type EndpointConfig = z.infer<typeof EndpointConfig>;
