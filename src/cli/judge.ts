import { basename } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';
import { DEFAULT_CACHE_DIR } from '../judges/defaults.ts';
import { addFailureRateOption, enforceFailureRate, maxFailureRate } from '../pipeline/failure-rate.ts';
import { choiceOption, emit, numberOption, seedOption } from './output.ts';
import { addEndpointOptions, endpointFromOptions, type EndpointCliOptions } from './endpoint-options.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

interface JudgeCliOptions extends EndpointCliOptions {
  items: string;
  responses: string;
  rubric: string;
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
  maxRepairs?: string;
  imageRoot?: string;
  maxImageMb?: string;
  bootstrap?: string;
  limit?: string;
  maxFailureRate?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('judge')
    .description('Score responses with a rubric-driven LLM judge (any OpenAI-compatible endpoint) or replay recorded verdicts.')
    .requiredOption('--items <file>', 'benchmark items (JSONL, JSON, CSV or a Med-CMR release file)')
    .requiredOption('--responses <file>', 'model responses (item_id, model, output)')
    .requiredOption('--rubric <file>', 'rubric YAML (e.g. rubrics/medcmr-v1.yaml)');
  addEndpointOptions(cmd, { model: 'judge model', structured: true })
    .option('--out <dir>', 'output directory for judgments.jsonl, answer-lengths.jsonl, judge.json and judge.md', 'judge-out')
    .option('--dry-run', 'print the number of calls, estimated tokens and cost; call nothing')
    .option('--json', 'machine-readable result on stdout (judge.json)')
    .option('--samples <k>', 'judge each answer k times (default 1)')
    .option('--reducer <name>', 'fold samples per criterion: mean, median or majority')
    .option('--batch', 'use the OpenAI Batch API (half price, slow)')
    .option('--cache-dir <dir>', `cache directory (default ${DEFAULT_CACHE_DIR})`)
    .option('--no-cache', 'neither read nor write the cache')
    .option('--replay <file>', 'replay recorded verdicts (JSONL) instead of calling a judge')
    .option('--judge-name <name>', 'name of the recorded judge for --replay (default: the file name)')
    .option('--max-repairs <n>', 'repair requests for an unreadable verdict (default 2)')
    .option('--image-root <dir>', 'directory item image paths are relative to (default: the items file directory); no image outside it is ever read')
    .option('--max-image-mb <mb>', 'images larger than this are not sent; their units are invalid_input (default 5)')
    .option('--bootstrap <n>', 'bootstrap resamples for the intervals (default 1000)')
    .option('--limit <n>', 'judge only the first n responses (a smoke test)');
  addFailureRateOption(cmd)
    .action(async (o: JudgeCliOptions) => {
      await judgeCommand(o);
    });
}

function judgeConfig(o: JudgeCliOptions): Record<string, unknown> {
  if (o.replay) return { kind: 'replay', verdicts: o.replay, name: o.judgeName ?? basename(o.replay).replace(/\.[^.]*$/, '') };
  if (!o.model) throw new InputError('option --model is required (or use --replay FILE)');
  return Object.fromEntries(
    Object.entries({
      kind: 'llm',
      endpoint: endpointFromOptions(o),
      samples: numberOption('samples', o.samples, { int: true, min: 1 }),
      reducer: o.reducer === undefined ? undefined : choiceOption('reducer', o.reducer, ['mean', 'median', 'majority'] as const),
      max_repairs: numberOption('max-repairs', o.maxRepairs, { int: true, min: 0 }),
      batch: o.batch ?? false,
    }).filter(([, v]) => v !== undefined),
  );
}

async function judgeCommand(o: JudgeCliOptions): Promise<void> {
  const { JudgeStage } = await import('../schema/experiment.ts');
  const { estimateJudge, renderJudgeEstimate } = await import('../judges/index.ts');
  const { judgeStageInputs, runJudgeStage } = await import('../pipeline/stages/judge.ts');
  const stage = stageConfig(JudgeStage, { name: 'judge', kind: 'judge', items: o.items, responses: o.responses, rubric: o.rubric, judge: judgeConfig(o), image_root: o.imageRoot, max_image_mb: numberOption('max-image-mb', o.maxImageMb, { min: 0.001, max: 1024 }), limit: numberOption('limit', o.limit, { int: true, min: 1 }) });
  const maxRate = maxFailureRate(o.maxFailureRate);
  const seed = seedOption('seed', o.seed) ?? 20260101;
  const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0 }) ?? 1000;
  // `--cache-dir` names the judge cache itself (a run keeps it in <cache>/judge).
  const cacheDir = o.cache === false ? null : (o.cacheDir ?? DEFAULT_CACHE_DIR);

  if (o.dryRun) {
    const est = await estimateJudge(await judgeStageInputs(stage, commandContext({ seed, resamples }), cacheDir));
    emit({ dry_run: true, ...est }, o.json, () => renderJudgeEstimate(est));
    return;
  }

  const ac = new AbortController();
  const onSigint = (): void => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort(new Interrupted());
  };
  process.on('SIGINT', onSigint);
  let outcome;
  try {
    outcome = await runJudgeStage(stage, commandContext({ seed, resamples, signal: ac.signal }), { cacheDir });
  } catch (err) {
    if (ac.signal.aborted) {
      process.stderr.write(`\njudgekit: interrupted; every finished judgment is in the cache${cacheDir ? ` (${cacheDir})` : ' (none: --no-cache)'}. Run the same command again to resume.\n`);
      process.exitCode = 130;
      return;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
  const written = await writeCommandOutcome(o.out, stage.name, outcome);
  emit(outcome.result, o.json, () => outcome.markdown + `\nWrote ${written.join(', ')} in ${o.out}.`);
  enforceFailureRate([{ name: stage.name, kind: 'judge', judge: stage.judge, counts: outcome.counts }], maxRate);
}

class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}
