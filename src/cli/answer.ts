import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { AnswerStage } from '../schema/experiment.ts';
import { estimateAnswers } from '../studies/answer.ts';
import { answerStageInputs, runAnswerStage } from '../pipeline/stages/answer.ts';
import { choiceOption, emit, numberOption } from './output.ts';
import { addEndpointOptions, endpointFromOptions, type EndpointCliOptions } from './endpoint-options.ts';
import { commandContext, stageConfig, writeCommandFile } from './stage-command.ts';
import { addFailureRateOption, enforceFailureRate, maxFailureRate } from '../pipeline/failure-rate.ts';

interface AnswerCliOptions extends EndpointCliOptions {
  items: string;
  model: string;
  name?: string;
  out: string;
  ledger?: string;
  only?: string;
  imageRoot?: string;
  maxImageMb?: string;
  cacheDir: string;
  cache: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('answer')
    .description(
      'Ask a candidate model (OpenAI-compatible vision chat; images sent as data URLs) every item with the Med-CMR prompts, and write responses (item_id, model, output) that `judgekit mcq`, `judge` and the studies read. ' +
        'Cached: a rerun or a resumed run never pays twice. Failed calls are listed in the ledger, not written as answers.',
    )
    .requiredOption('--items <file>', 'items (JSONL, JSON, CSV or a Med-CMR release file)')
    .option('--name <name>', 'model name written into the responses (default: --model)')
    .requiredOption('--out <file>', 'responses JSONL to write')
    .option('--ledger <file>', 'every call with its status, tokens and cost (default: <out>.ledger.jsonl)')
    .option('--only <format>', 'ask only mcq or only open items');
  addEndpointOptions(cmd, { model: 'model id at the endpoint (required)' })
    .option('--image-root <dir>', 'directory item image paths are relative to (default: the items file directory); no image outside it is ever read')
    .option('--max-image-mb <mb>', 'images larger than this are not sent; their units are invalid_input (default 5)')
    .option('--cache-dir <dir>', 'cache directory', '.judgekit-cache')
    .option('--no-cache', 'neither read nor write the cache')
    .option('--dry-run', 'print the number of calls, estimated tokens and cost; call nothing')
    .option('--json', 'machine-readable summary on stdout');
  addFailureRateOption(cmd)
    .action(async (o: AnswerCliOptions & { maxFailureRate?: string }) => {
      const maxRate = maxFailureRate(o.maxFailureRate);
      const stage = stageConfig(AnswerStage, {
        name: 'answer',
        kind: 'answer',
        items: o.items,
        endpoint: endpointFromOptions(o),
        model_name: o.name,
        only: o.only === undefined ? undefined : choiceOption('only', o.only, ['mcq', 'open'] as const),
        image_root: o.imageRoot,
        max_image_mb: numberOption('max-image-mb', o.maxImageMb, { min: 0.001, max: 1024 }),
      });
      const cacheDir = o.cache ? o.cacheDir : null;
      if (o.dryRun) {
        const { items, opts } = await answerStageInputs(stage, commandContext({ seed: 0, resamples: 0 }), cacheDir);
        const est = await estimateAnswers(items, opts);
        emit(est, o.json, () => `${est.calls} call(s) to make, ${est.cached} cached, ${est.invalid} not askable; about ${est.tokens.input} input and at most ${est.tokens.output} output tokens, about $${est.cost_usd.toFixed(4)}.`);
        return;
      }
      const ac = new AbortController();
      // one abort listener per request in flight (concurrency may exceed Node's default of 10)
      setMaxListeners(0, ac.signal);
      const onSigint = (): void => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        const outcome = await runAnswerStage(stage, commandContext({ seed: 0, resamples: 0, signal: ac.signal }), { cacheDir });
        const res = outcome.result as { responses: number; counts: Record<string, number>; spend: { requests: number; cost_usd: number }; fingerprint: { model: string } };
        const ledger = o.ledger ?? o.out.replace(/\.jsonl$/i, '') + '.ledger.jsonl';
        await writeCommandFile(o.out, outcome, 'responses.jsonl');
        await writeCommandFile(ledger, outcome, 'ledger.jsonl');
        const summary = { out: o.out, ledger, ...res };
        emit(summary, o.json, () =>
          [
            `Wrote ${res.responses} response(s) of ${res.fingerprint.model} to ${o.out}; ledger ${ledger}.`,
            `  ${Object.entries(res.counts).map(([k, v]) => `${k}=${v}`).join(' ')}; ${res.spend.requests} request(s), $${res.spend.cost_usd.toFixed(4)}.`,
            ...(res.counts.invalid_input ? [`  ${res.counts.invalid_input} item(s) not asked: image refused (missing, outside --image-root, not an image, or over --max-image-mb; see the ledger), or use --no-images for text only.`] : []),
            ...(res.counts.api_error ? [`  ${res.counts.api_error} call(s) failed and were not written; run the command again to retry them (finished ones come from the cache).`] : []),
          ].join('\n'),
        );
        enforceFailureRate([{ name: 'answer', kind: 'answer', counts: res.counts }], maxRate);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
