import { join, basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { readItems, readResponses } from '../io/records.ts';
import { writeJsonAtomic, writeJsonlAtomic } from '../io/atomic.ts';
import { InputError } from '../io/errors.ts';
import { progressReporter } from '../judges/progress.ts';
import { DEFAULT_CACHE_DIR, estimateJudge, loadRubric, renderJudgeEstimate, renderJudgeMarkdown, runJudge, type JudgeConfig, type JudgeProgress } from '../judges/index.ts';
import { emit, numberOption, imageCap } from './output.ts';
import { addEndpointOptions, endpointFromOptions, type EndpointCliOptions } from './endpoint-options.ts';

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
}

export function register(program: Command): void {
  const cmd = program
    .command('judge')
    .description('Score responses with a rubric-driven LLM judge (any OpenAI-compatible endpoint) or replay recorded verdicts.')
    .requiredOption('--items <file>', 'benchmark items (JSONL, JSON, CSV or a Med-CMR release file)')
    .requiredOption('--responses <file>', 'model responses (item_id, model, output)')
    .requiredOption('--rubric <file>', 'rubric YAML (e.g. rubrics/medcmr-v1.yaml)');
  addEndpointOptions(cmd, { model: 'judge model', structured: true })
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
    .option('--max-repairs <n>', 'repair requests for an unreadable verdict (default 2)')
    .option('--image-root <dir>', 'directory item image paths are relative to (default: the items file directory); no image outside it is ever read')
    .option('--max-image-mb <mb>', 'images larger than this are not sent; their units are invalid_input (default 5)')
    .option('--bootstrap <n>', 'bootstrap resamples for the intervals (default 1000)')
    .action(async (o: JudgeCliOptions) => {
      await judgeCommand(o);
    });
}

function buildJudge(o: JudgeCliOptions): JudgeConfig {
  if (o.replay) return { kind: 'replay', verdicts: o.replay, name: o.judgeName ?? basename(o.replay).replace(/\.[^.]*$/, '') };
  if (!o.model) throw new InputError('option --model is required (or use --replay FILE)');
  if (o.reducer !== undefined && !['mean', 'median', 'majority'].includes(o.reducer)) throw new InputError(`option --reducer takes mean, median or majority, not "${o.reducer}"`);
  return {
    kind: 'llm',
    endpoint: endpointFromOptions(o) as JudgeConfig extends infer T ? (T extends { kind: 'llm'; endpoint: infer E } ? E : never) : never,
    samples: numberOption('samples', o.samples, { int: true, min: 1 }),
    reducer: o.reducer as 'mean' | undefined,
    max_repairs: numberOption('max-repairs', o.maxRepairs, { int: true, min: 0 }),
    batch: o.batch ?? false,
  };
}

async function judgeCommand(o: JudgeCliOptions): Promise<void> {
  const judge = buildJudge(o);
  const rubric = await loadRubric(o.rubric);
  const items = await readItems(o.items);
  const responses = await readResponses(o.responses, items);
  const seed = numberOption('seed', o.seed, { int: true, min: 0, max: 2 ** 32 - 1 }) ?? 20260101;
  const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0 }) ?? 1000;
  const cacheDir = o.cache === false ? null : (o.cacheDir ?? DEFAULT_CACHE_DIR);
  const base = { items, responses, rubric, judge, cacheDir, seed, resamples, ...imageCap(o.maxImageMb), imageRoot: o.imageRoot ?? dirname(resolve(o.items)) };

  if (o.dryRun) {
    const est = await estimateJudge(base);
    emit({ dry_run: true, ...est }, o.json, () => renderJudgeEstimate(est));
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
