import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';
import { numberOption, seedOption } from './output.ts';

/** The command-line form of an `EndpointConfig` (all strings, as commander gives them). */
export interface EndpointCliOptions {
  model?: string;
  baseUrl?: string;
  preset?: string;
  apiKeyEnv?: string;
  concurrency?: string;
  rpm?: string;
  tpm?: string;
  maxTokens?: string;
  expectedOutputTokens?: string;
  temperature?: string;
  seed?: string;
  outputMode?: string;
  timeoutMs?: string;
  maxRetries?: string;
  priceIn?: string;
  priceOut?: string;
  images?: boolean;
}

/**
 * Adds the options that describe an OpenAI-compatible endpoint (the same for the judge, the
 * pairwise judge and answer collection). The key itself is never an option: only the name of the
 * environment variable that holds it.
 */
export function addEndpointOptions(cmd: Command, opts: { model: string; structured?: boolean }): Command {
  cmd
    .option('--model <name>', opts.model)
    .option('--base-url <url>', 'OpenAI-compatible endpoint base URL')
    .option('--preset <name>', 'endpoint preset: openai, deepseek or local')
    .option('--api-key-env <var>', 'name of the environment variable that holds the API key')
    .option('--concurrency <n>', 'concurrent requests (default 8)')
    .option('--rpm <n>', 'requests-per-minute limit')
    .option('--tpm <n>', 'tokens-per-minute limit')
    .option('--max-tokens <n>', 'max output tokens per call (default 1024)')
    .option('--expected-output-tokens <n>', 'output tokens per call assumed by the dry-run estimate (default: max tokens)')
    .option('--temperature <t>', 'sampling temperature (default 0)')
    .option('--seed <n>', 'seed sent to the endpoint')
    .option('--timeout-ms <n>', 'per-request timeout (default 120000)')
    .option('--max-retries <n>', 'retries per request (default 6)')
    .option('--price-in <usd>', 'USD per million input tokens')
    .option('--price-out <usd>', 'USD per million output tokens')
    .option('--images', 'the endpoint takes images')
    .option('--no-images', 'the endpoint takes no images');
  if (opts.structured) cmd.option('--output-mode <mode>', 'auto, json_schema, json_mode or tagged');
  return cmd;
}

function oneOf(name: string, v: string | undefined, allowed: readonly string[]): void {
  if (v !== undefined && !allowed.includes(v)) throw new InputError(`option --${name} takes ${allowed.join(', ')}, not "${v}"`);
}

/** The endpoint config the options describe (unset options left out, so presets and defaults fill them). */
export function endpointFromOptions(o: EndpointCliOptions): Record<string, unknown> {
  if (!o.model) throw new InputError('option --model is required');
  oneOf('preset', o.preset, ['openai', 'deepseek', 'local']);
  oneOf('output-mode', o.outputMode, ['auto', 'json_schema', 'json_mode', 'tagged']);
  if (o.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.apiKeyEnv)) throw new InputError('option --api-key-env takes the NAME of an environment variable, not a key');
  const num = numberOption;
  const price = o.priceIn !== undefined || o.priceOut !== undefined ? { input_per_m: num('price-in', o.priceIn, { min: 0 }) ?? 0, output_per_m: num('price-out', o.priceOut, { min: 0 }) ?? 0 } : undefined;
  const endpoint = {
    preset: o.preset,
    base_url: o.baseUrl,
    model: o.model,
    api_key_env: o.apiKeyEnv,
    temperature: num('temperature', o.temperature, { min: 0, max: 2 }),
    seed: seedOption('seed', o.seed),
    max_tokens: num('max-tokens', o.maxTokens, { int: true, min: 1 }),
    expected_output_tokens: num('expected-output-tokens', o.expectedOutputTokens, { int: true, min: 1 }),
    price,
    rpm: num('rpm', o.rpm, { min: 0.001 }),
    tpm: num('tpm', o.tpm, { min: 1 }),
    concurrency: num('concurrency', o.concurrency, { int: true, min: 1 }),
    timeout_ms: num('timeout-ms', o.timeoutMs, { int: true, min: 1, max: 2 ** 31 - 1 }),
    max_retries: num('max-retries', o.maxRetries, { int: true, min: 0 }),
    output_mode: o.outputMode,
    supports_images: o.images,
  };
  return Object.fromEntries(Object.entries(endpoint).filter(([, v]) => v !== undefined));
}
