import { extname } from 'node:path';
import type { Command } from 'commander';
import { writeJsonAtomic, writeJsonlAtomic } from '../io/atomic.ts';
import { InputError } from '../io/errors.ts';
import { readItems } from '../io/records.ts';
import { rotateItems } from '../mcq/circular.ts';
import { mcqToOpen, openToMcq, type ReformulationResult } from '../studies/reformulate.ts';
import { openToMcqLlm } from '../studies/reformulate-llm.ts';
import { emit, numberOption } from './output.ts';

export function register(program: Command): void {
  program
    .command('reformulate')
    .description(
      'Write the other form of each item, linked by pair_id: --to open (MCQ → open-ended: options dropped, the correct option\'s text is the reference), ' +
        '--to mcq (open-ended → MCQ: distractors from other items\' answers of the same task, or from an LLM with --distractors llm; seeded, correct position balanced), ' +
        '--to circular (the k rotations of each MCQ for CircularEval, ids <id>#rot<r>). How each item was made is recorded in its meta.',
    )
    .requiredOption('--items <file>', 'source items (JSONL, JSON, CSV or Med-CMR release JSON)')
    .requiredOption('--to <form>', 'open | mcq | circular')
    .requiredOption('--out <file>', 'generated items (.jsonl, or .json for an array)')
    .option('--seed <n>', 'seed of the distractor draw and the answer positions (--to mcq)', '20260101')
    .option('--options <k>', 'options per generated MCQ, answer included (--to mcq)', '5')
    .option('--shortfall <policy>', 'too few distractors in a task: other_tasks | fewer_options | skip (--to mcq)', 'other_tasks')
    .option('--distractors <source>', 'pool (other items\' answers of the same task) or llm (--to mcq)', 'pool')
    .option('--model <name>', 'distractor model (--distractors llm)')
    .option('--base-url <url>', 'its OpenAI-compatible endpoint')
    .option('--preset <name>', 'endpoint preset: openai, deepseek or local')
    .option('--api-key-env <var>', 'name of the environment variable that holds the API key')
    .option('--cache-dir <dir>', 'LLM cache directory', '.judgekit-cache')
    .option('--json', 'print the summary as JSON')
    .action(async (o: { items: string; to: string; out: string; seed: string; options: string; shortfall: string; distractors: string; model?: string; baseUrl?: string; preset?: string; apiKeyEnv?: string; cacheDir: string; json?: boolean }) => {
      const ext = extname(o.out).toLowerCase();
      if (ext !== '.jsonl' && ext !== '.json') throw new InputError('--out must end in .jsonl or .json', { file: o.out });
      const items = await readItems(o.items);
      let res: ReformulationResult;
      if (o.to === 'open') res = mcqToOpen(items.values());
      else if (o.to === 'mcq' && o.distractors === 'llm') {
        if (!o.model) throw new InputError('--distractors llm needs --model (and --base-url or --preset)');
        if (o.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.apiKeyEnv)) throw new InputError('option --api-key-env takes the NAME of an environment variable, not a key');
        const endpoint = Object.fromEntries(Object.entries({ model: o.model, base_url: o.baseUrl, preset: o.preset, api_key_env: o.apiKeyEnv }).filter(([, v]) => v !== undefined));
        const r = await openToMcqLlm(items.values(), {
          endpoint,
          seed: numberOption('seed', o.seed, { int: true, min: 0, max: 2 ** 32 - 1 })!,
          options: numberOption('options', o.options, { int: true, min: 2, max: 26 }),
          cacheDir: o.cacheDir,
        });
        res = { ...r, summary: { ...r.summary, requests: r.spend.requests, cost_usd: r.spend.cost_usd } };
      } else if (o.to === 'mcq') {
        if (o.distractors !== 'pool') throw new InputError(`--distractors takes pool or llm, not "${o.distractors}"`);
        if (!['other_tasks', 'fewer_options', 'skip'].includes(o.shortfall)) throw new InputError(`--shortfall takes other_tasks, fewer_options or skip, not "${o.shortfall}"`);
        res = openToMcq(items.values(), {
          seed: numberOption('seed', o.seed, { int: true, min: 0, max: 2 ** 32 - 1 })!,
          options: numberOption('options', o.options, { int: true, min: 2, max: 26 }),
          shortfall: o.shortfall as 'other_tasks' | 'fewer_options' | 'skip',
        });
      } else if (o.to === 'circular') {
        const r = rotateItems(items.values());
        res = { ...r, summary: { generated: r.items.length, skipped: r.skipped.length } };
      } else throw new InputError(`--to takes open, mcq or circular, not "${o.to}"`);
      if (res.items.length === 0) throw new InputError(`no item could be reformulated to "${o.to}" (${res.skipped.length} skipped)`, { file: o.items });
      if (ext === '.json') await writeJsonAtomic(o.out, res.items);
      else await writeJsonlAtomic(o.out, res.items);
      const summary = { to: o.to, out: o.out, ...res.summary, skipped_items: res.skipped };
      emit(summary, o.json, () => {
        const lines = [`Wrote ${res.items.length} item(s) to ${o.out}.`];
        for (const [k, v] of Object.entries(res.summary)) if (k !== 'generated') lines.push(`  ${k}: ${v}`);
        for (const s of res.skipped.slice(0, 10)) lines.push(`  skipped ${s.id}: ${s.reason}`);
        if (res.skipped.length > 10) lines.push(`  … ${res.skipped.length - 10} more skipped (see --json)`);
        return lines.join('\n');
      });
    });
}
