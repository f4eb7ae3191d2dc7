import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';
import { addFailureRateOption, enforceFailureRate, maxFailureRate } from '../pipeline/failure-rate.ts';
import { endpointFromOptions } from './endpoint-options.ts';
import { emit, numberOption, seedOption } from './output.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

export const DEFAULT_MCQ_SEED = 20260101;
export const DEFAULT_MCQ_RESAMPLES = 1000;
/** The second reader's cache when the command is run outside an experiment (a run keeps it in <cache>/mcq-extract). */
const DEFAULT_EXTRACT_CACHE = '.judgekit-cache/mcq-extract';

interface McqCliOptions {
  items: string;
  responses: string;
  out?: string;
  json?: boolean;
  seed: string;
  bootstrap: string;
  llmExtractorModel?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  priceIn?: string;
  priceOut?: string;
  cacheDir?: string;
  cache?: boolean;
  maxFailureRate?: string;
}

/** The stage's `extractor` the flags describe (none without --llm-extractor-model). */
function extractorFromOptions(o: McqCliOptions): Record<string, unknown> | undefined {
  if (o.llmExtractorModel === undefined) {
    const stray = (['baseUrl', 'apiKeyEnv', 'priceIn', 'priceOut'] as const).find((k) => o[k] !== undefined);
    if (stray) throw new InputError(`option --${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} describes the LLM second reader: give --llm-extractor-model too`);
    return undefined;
  }
  return { endpoint: endpointFromOptions({ model: o.llmExtractorModel, baseUrl: o.baseUrl, apiKeyEnv: o.apiKeyEnv, priceIn: o.priceIn, priceOut: o.priceOut }) };
}

export function register(program: Command): void {
  const cmd = program
    .command('mcq')
    .description('Score multiple-choice answers: read each reply\'s letter (documented cascade; unreadable replies are invalid, never guessed; optionally an LLM second reader for them), then accuracy per model, overall and by task, organ system and modality, with item-bootstrap intervals.')
    .requiredOption('--items <file>', 'items (JSONL, JSON, CSV, or a Med-CMR release file)')
    .requiredOption('--responses <file>', 'model responses (JSONL, JSON or CSV: item_id, model, output)')
    .option('--out <dir>', 'write mcq_records.jsonl, mcq.json and mcq.md here')
    .option('--json', 'print the result as JSON')
    .option('--seed <n>', 'bootstrap seed', String(DEFAULT_MCQ_SEED))
    .option('--bootstrap <n>', 'bootstrap resamples per group (0: no intervals)', String(DEFAULT_MCQ_RESAMPLES))
    .option('--llm-extractor-model <name>', 'turn on the LLM second reader with this model: replies the rules cannot read are sent to it (off by default)')
    .option('--base-url <url>', 'the second reader\'s OpenAI-compatible endpoint base URL')
    .option('--api-key-env <var>', 'name of the environment variable that holds the second reader\'s API key')
    .option('--price-in <usd>', 'second reader: USD per million input tokens')
    .option('--price-out <usd>', 'second reader: USD per million output tokens')
    .option('--cache-dir <dir>', `second reader's cache (default ${DEFAULT_EXTRACT_CACHE})`)
    .option('--no-cache', 'second reader: neither read nor write the cache');
  addFailureRateOption(cmd).action(async (o: McqCliOptions) => {
    const { McqStage } = await import('../schema/experiment.ts');
    const { runMcqStage } = await import('../pipeline/stages/mcq.ts');
    const maxRate = maxFailureRate(o.maxFailureRate);
    const stage = stageConfig(McqStage, { name: 'mcq', kind: 'mcq', items: o.items, responses: o.responses, extractor: extractorFromOptions(o) });
    const seed = seedOption('seed', o.seed)!;
    const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0, max: 1_000_000 })!;
    const cacheDir = o.cache === false ? null : (o.cacheDir ?? DEFAULT_EXTRACT_CACHE);
    const outcome = await runMcqStage(stage, commandContext({ seed, resamples }), { cacheDir });
    if (o.out) await writeCommandOutcome(o.out, stage.name, outcome);
    emit(outcome.result, o.json, () => outcome.markdown);
    enforceFailureRate([{ name: stage.name, kind: 'mcq', counts: outcome.counts }], maxRate);
  });
}
