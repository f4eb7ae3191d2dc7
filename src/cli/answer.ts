import { dirname } from 'node:path';
import { setMaxListeners } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { writeJsonlAtomic } from '../io/atomic.ts';
import { InputError } from '../io/errors.ts';
import { readItems } from '../io/records.ts';
import { collectAnswers, estimateAnswers } from '../studies/answer.ts';
import { emit, numberOption } from './output.ts';

interface AnswerCliOptions {
  items: string;
  model: string;
  name?: string;
  baseUrl?: string;
  preset?: string;
  apiKeyEnv?: string;
  out: string;
  ledger?: string;
  only?: string;
  concurrency?: string;
  rpm?: string;
  tpm?: string;
  maxTokens?: string;
  temperature?: string;
  seed?: string;
  timeoutMs?: string;
  maxRetries?: string;
  priceIn?: string;
  priceOut?: string;
  images?: boolean;
  imageRoot?: string;
  cacheDir: string;
  cache: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('answer')
    .description(
      'Ask a candidate model (OpenAI-compatible vision chat; images sent as data URLs) every item with the Med-CMR prompts, and write responses (item_id, model, output) that `judgekit mcq`, `judge` and the studies read. ' +
        'Cached: a rerun or a resumed run never pays twice. Failed calls are listed in the ledger, not written as answers.',
    )
    .requiredOption('--items <file>', 'items (JSONL, JSON, CSV or a Med-CMR release file)')
    .requiredOption('--model <name>', 'model id at the endpoint')
    .option('--name <name>', 'model name written into the responses (default: --model)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint base URL')
    .option('--preset <name>', 'endpoint preset: openai, deepseek or local')
    .option('--api-key-env <var>', 'name of the environment variable that holds the API key')
    .requiredOption('--out <file>', 'responses JSONL to write')
    .option('--ledger <file>', 'every call with its status, tokens and cost (default: <out>.ledger.jsonl)')
    .option('--only <format>', 'ask only mcq or only open items')
    .option('--concurrency <n>', 'concurrent requests (default 8)')
    .option('--rpm <n>', 'requests-per-minute limit')
    .option('--tpm <n>', 'tokens-per-minute limit')
    .option('--max-tokens <n>', 'max output tokens per call (default 1024)')
    .option('--temperature <t>', 'sampling temperature (default 0)')
    .option('--seed <n>', 'seed sent to the endpoint')
    .option('--timeout-ms <n>', 'per-request timeout (default 120000)')
    .option('--max-retries <n>', 'retries per request (default 6)')
    .option('--price-in <usd>', 'USD per million input tokens')
    .option('--price-out <usd>', 'USD per million output tokens')
    .option('--images', 'the endpoint takes images')
    .option('--no-images', 'the endpoint takes no images (text only)')
    .option('--image-root <dir>', 'directory item image paths are relative to (default: the items file directory)')
    .option('--cache-dir <dir>', 'cache directory', '.judgekit-cache')
    .option('--no-cache', 'neither read nor write the cache')
    .option('--dry-run', 'print the number of calls, estimated tokens and cost; call nothing')
    .option('--json', 'machine-readable summary on stdout')
    .action(async (o: AnswerCliOptions) => {
      const num = numberOption;
      if (o.preset !== undefined && !['openai', 'deepseek', 'local'].includes(o.preset)) throw new InputError(`option --preset takes openai, deepseek or local, not "${o.preset}"`);
      if (o.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.apiKeyEnv)) throw new InputError('option --api-key-env takes the NAME of an environment variable, not a key');
      if (o.only !== undefined && !['mcq', 'open'].includes(o.only)) throw new InputError(`option --only takes mcq or open, not "${o.only}"`);
      const price = o.priceIn !== undefined || o.priceOut !== undefined ? { input_per_m: num('price-in', o.priceIn, { min: 0 }) ?? 0, output_per_m: num('price-out', o.priceOut, { min: 0 }) ?? 0 } : undefined;
      const endpoint = Object.fromEntries(
        Object.entries({
          preset: o.preset,
          base_url: o.baseUrl,
          model: o.model,
          api_key_env: o.apiKeyEnv,
          temperature: num('temperature', o.temperature, { min: 0, max: 2 }),
          seed: num('seed', o.seed, { int: true }),
          max_tokens: num('max-tokens', o.maxTokens, { int: true, min: 1 }),
          price,
          rpm: num('rpm', o.rpm, { min: 0.001 }),
          tpm: num('tpm', o.tpm, { min: 1 }),
          concurrency: num('concurrency', o.concurrency, { int: true, min: 1 }),
          timeout_ms: num('timeout-ms', o.timeoutMs, { int: true, min: 1 }),
          max_retries: num('max-retries', o.maxRetries, { int: true, min: 0 }),
          supports_images: o.images,
        }).filter(([, v]) => v !== undefined),
      );
      const all = await readItems(o.items);
      const items = [...all.values()].filter((it) => o.only === undefined || it.format === o.only);
      const opts = { endpoint, name: o.name, imageRoot: o.imageRoot ?? dirname(o.items), cacheDir: o.cache ? o.cacheDir : null };
      if (o.dryRun) {
        const est = await estimateAnswers(items, opts);
        emit(est, o.json, () => `${est.calls} call(s) to make, ${est.cached} cached, ${est.invalid} not askable; about ${est.tokens.input} input and at most ${est.tokens.output} output tokens, about $${est.cost_usd.toFixed(4)}.`);
        return;
      }
      const ac = new AbortController();
      // one abort listener per request in flight (concurrency may exceed Node's default of 10)
      setMaxListeners(0, ac.signal);
      const onSigint = (): void => ac.abort();
      process.once('SIGINT', onSigint);
      let last = 0;
      try {
        const res = await collectAnswers(items, {
          ...opts,
          signal: ac.signal,
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < 2000 && p.done < p.total) return;
            last = now;
            process.stderr.write(`answer: ${p.done}/${p.total} (${p.cached} cached, ${p.failed} failed, $${p.cost_usd.toFixed(4)})\n`);
          },
        });
        await mkdir(dirname(o.out), { recursive: true });
        await writeJsonlAtomic(o.out, res.responses);
        const ledger = o.ledger ?? o.out.replace(/\.jsonl$/i, '') + '.ledger.jsonl';
        await writeJsonlAtomic(ledger, res.records);
        const summary = { out: o.out, ledger, responses: res.responses.length, counts: res.counts, spend: res.spend, fingerprint: res.fingerprint };
        emit(summary, o.json, () =>
          [
            `Wrote ${res.responses.length} response(s) of ${res.fingerprint.model} to ${o.out}; ledger ${ledger}.`,
            `  ${Object.entries(res.counts).map(([k, v]) => `${k}=${v}`).join(' ')}; ${res.spend.requests} request(s), $${res.spend.cost_usd.toFixed(4)}.`,
            ...(res.counts.invalid_input ? [`  ${res.counts.invalid_input} item(s) not asked: image file not found (see the ledger; set --image-root, or --no-images for text only).`] : []),
            ...(res.counts.api_error ? [`  ${res.counts.api_error} call(s) failed and were not written; run the command again to retry them (finished ones come from the cache).`] : []),
          ].join('\n'),
        );
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
