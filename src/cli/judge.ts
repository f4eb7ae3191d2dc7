import { join, basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { readItems, readResponses } from '../io/records.ts';
import { writeJsonAtomic, writeJsonlAtomic } from '../io/atomic.ts';
import { InputError } from '../io/errors.ts';
import { progressReporter } from '../judges/progress.ts';
import { DEFAULT_CACHE_DIR, estimateJudge, loadRubric, renderJudgeMarkdown, runJudge, type JudgeConfig, type JudgeProgress } from '../judges/index.ts';
import { emit, numberOption } from './output.ts';

interface JudgeCliOptions {
  items: string;
  responses: string;
  rubric: string;
  baseUrl?: string;
  model?: string;
  preset?: 'openai' | 'deepseek' | 'local';
  apiKeyEnv?: string;
  concurrency?: string;
  out: string;
  dryRun?: boolean;
  json?: boolean;
  samples?: string;
  reducer?: string;
  batch?: boolean;
  cacheDir?: string;
  cache: boolean;
  replay?: string;
  judgeName?: string;
  priceIn?: string;
  priceOut?: string;
  rpm?: string;
  tpm?: string;
  maxTokens?: string;
  expectedOutputTokens?: string;
  temperature?: string;
  seed?: string;
  outputMode?: string;
  timeoutMs?: string;
  maxRetries?: string;
  maxRepairs?: string;
  images?: boolean;
  imageRoot?: string;
  bootstrap?: string;
}

export function register(program: Command): void {
  program
    .command('judge')
    .description('Score responses with a rubric-driven LLM judge (any OpenAI-compatible endpoint) or replay recorded verdicts.')
    .requiredOption('--items <file>', 'benchmark items (JSONL, JSON, CSV or a Med-CMR release file)')
    .requiredOption('--responses <file>', 'model responses (item_id, model, output)')
    .requiredOption('--rubric <file>', 'rubric YAML (e.g. rubrics/medcmr-v1.yaml)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint base URL')
    .option('--model <name>', 'judge model')
    .option('--preset <name>', 'endpoint preset: openai, deepseek or local')
    .option('--api-key-env <var>', 'name of the environment variable that holds the API key')
    .option('--concurrency <n>', 'concurrent requests (default 8)')
    .option('--out <dir>', 'output directory for judgments.jsonl and judge.json', 'judge-out')
    .option('--dry-run', 'print the number of calls, estimated tokens and cost; call nothing')
    .option('--json', 'machine-readable result on stdout')
    .option('--samples <k>', 'judge each answer k times (default 1)')
    .option('--reducer <name>', 'fold samples per criterion: mean, median or majority')
    .option('--batch', 'use the OpenAI Batch API (half price, slow)')
    .option('--cache-dir <dir>', `cache directory (default ${DEFAULT_CACHE_DIR})`)
    .option('--no-cache', 'neither read nor write the cache')
    .option('--replay <file>', 'replay recorded verdicts (JSONL) instead of calling a judge')
    .option('--judge-name <name>', 'name of the recorded judge for --replay (default: the file name)')
    .option('--price-in <usd>', 'USD per million input tokens')
    .option('--price-out <usd>', 'USD per million output tokens')
    .option('--rpm <n>', 'requests-per-minute limit')
    .option('--tpm <n>', 'tokens-per-minute limit')
    .option('--max-tokens <n>', 'max output tokens per call (default 1024)')
    .option('--expected-output-tokens <n>', 'output tokens per call assumed by the dry-run estimate (default: max tokens)')
    .option('--temperature <t>', 'sampling temperature (default 0)')
    .option('--seed <n>', 'seed sent to the endpoint (and for bootstrap intervals)')
    .option('--output-mode <mode>', 'auto, json_schema, json_mode or tagged')
    .option('--timeout-ms <n>', 'per-request timeout (default 120000)')
    .option('--max-retries <n>', 'retries per request (default 6)')
    .option('--max-repairs <n>', 'repair requests for an unreadable verdict (default 2)')
    .option('--images', 'the endpoint takes images')
    .option('--no-images', 'the endpoint takes no images')
    .option('--image-root <dir>', 'directory item image paths are relative to (default: the items file directory)')
    .option('--bootstrap <n>', 'bootstrap resamples for the intervals (default 1000)')
    .action(async (o: JudgeCliOptions) => {
      await judgeCommand(o);
    });
}

function buildJudge(o: JudgeCliOptions): JudgeConfig {
  if (o.replay) return { kind: 'replay', verdicts: o.replay, name: o.judgeName ?? basename(o.replay).replace(/\.[^.]*$/, '') };
  if (!o.model) throw new InputError('option --model is required (or use --replay FILE)');
  const num = (name: string, v: string | undefined, opts: { int?: boolean; min?: number; max?: number } = {}): number | undefined => numberOption(name, v, opts);
  const price = o.priceIn !== undefined || o.priceOut !== undefined ? { input_per_m: num('price-in', o.priceIn, { min: 0 }) ?? 0, output_per_m: num('price-out', o.priceOut, { min: 0 }) ?? 0 } : undefined;
  if (o.preset !== undefined && !['openai', 'deepseek', 'local'].includes(o.preset)) throw new InputError(`option --preset takes openai, deepseek or local, not "${o.preset}"`);
  if (o.outputMode !== undefined && !['auto', 'json_schema', 'json_mode', 'tagged'].includes(o.outputMode)) throw new InputError(`option --output-mode takes auto, json_schema, json_mode or tagged, not "${o.outputMode}"`);
  if (o.reducer !== undefined && !['mean', 'median', 'majority'].includes(o.reducer)) throw new InputError(`option --reducer takes mean, median or majority, not "${o.reducer}"`);
  if (o.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.apiKeyEnv)) throw new InputError('option --api-key-env takes the NAME of an environment variable, not a key');
  const endpoint = {
    preset: o.preset,
    base_url: o.baseUrl,
    model: o.model,
    api_key_env: o.apiKeyEnv,
    temperature: num('temperature', o.temperature, { min: 0, max: 2 }),
    seed: num('seed', o.seed, { int: true }),
    max_tokens: num('max-tokens', o.maxTokens, { int: true, min: 1 }),
    expected_output_tokens: num('expected-output-tokens', o.expectedOutputTokens, { int: true, min: 1 }),
    price,
    rpm: num('rpm', o.rpm, { min: 0.001 }),
    tpm: num('tpm', o.tpm, { min: 1 }),
    concurrency: num('concurrency', o.concurrency, { int: true, min: 1 }),
    timeout_ms: num('timeout-ms', o.timeoutMs, { int: true, min: 1 }),
    max_retries: num('max-retries', o.maxRetries, { int: true, min: 0 }),
    output_mode: o.outputMode as 'auto' | undefined,
    supports_images: o.images,
  };
  return {
    kind: 'llm',
    endpoint: Object.fromEntries(Object.entries(endpoint).filter(([, v]) => v !== undefined)) as JudgeConfig extends infer T ? (T extends { kind: 'llm'; endpoint: infer E } ? E : never) : never,
    samples: num('samples', o.samples, { int: true, min: 1 }),
    reducer: o.reducer as 'mean' | undefined,
    max_repairs: num('max-repairs', o.maxRepairs, { int: true, min: 0 }),
    batch: o.batch ?? false,
  };
}

async function judgeCommand(o: JudgeCliOptions): Promise<void> {
  const judge = buildJudge(o);
  const rubric = await loadRubric(o.rubric);
  const items = await readItems(o.items);
  const responses = await readResponses(o.responses, items);
  const seed = numberOption('seed', o.seed, { int: true }) ?? 20260101;
  const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0 }) ?? 1000;
  const cacheDir = o.cache === false ? null : (o.cacheDir ?? DEFAULT_CACHE_DIR);
  const base = { items, responses, rubric, judge, cacheDir, seed, resamples, imageRoot: o.imageRoot ?? dirname(resolve(o.items)) };

  if (o.dryRun) {
    const est = await estimateJudge(base);
    emit({ dry_run: true, ...est }, o.json, () =>
      [
        `dry run (nothing sent): ${est.judgments} judgments, ${est.calls} calls${est.cached ? ` (${est.cached} more already cached)` : ''}${est.invalid_input ? `, ${est.invalid_input} without the inputs they need` : ''}${est.batch ? ', through the Batch API' : ''}`,
        `estimated tokens: ${est.tokens.input} input, ${est.tokens.output} output (input ≈ characters / 4; output = ${judge.kind === 'llm' ? 'expected output tokens or max tokens per call' : 'none'})`,
        `estimated cost: $${est.cost_usd.toFixed(4)}`,
      ].join('\n'),
    );
    return;
  }

  const ac = new AbortController();
  const onSigint = (): void => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort(new Interrupted());
  };
  process.on('SIGINT', onSigint);
  const progress = progressReporter('judge');
  let result;
  try {
    result = await runJudge({ ...base, signal: ac.signal, onProgress: (p) => progress.update(p) });
  } catch (err) {
    progress.stop();
    if (ac.signal.aborted) {
      process.stderr.write(`\njudgekit: interrupted; every finished judgment is in the cache${cacheDir ? ` (${cacheDir})` : ' (none: --no-cache)'}. Run the same command again to resume.\n`);
      process.exitCode = 130;
      return;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress.stop();
  await writeJsonlAtomic(join(o.out, 'judgments.jsonl'), result.judgments);
  await writeJsonAtomic(join(o.out, 'judge.json'), {
    rubric: { id: rubric.rubric.id, version: rubric.rubric.version, hash: rubric.hash, template_hash: rubric.template_hash },
    fingerprint: result.fingerprint,
    summary: result.summary,
    spend: result.spend,
  });
  emit(result.summary, o.json, () => renderJudgeMarkdown(result.summary, rubric) + `\nWrote ${join(o.out, 'judgments.jsonl')} and judge.json.`);
}

class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}
