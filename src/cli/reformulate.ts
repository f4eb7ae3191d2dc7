import { extname } from 'node:path';
import type { Command } from 'commander';
import { writeJsonAtomic } from '../io/atomic.ts';
import { InputError } from '../io/errors.ts';
import { choiceOption, emit, numberOption, seedOption } from './output.ts';
import { commandContext, stageConfig, writeCommandFile } from './stage-command.ts';

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
      const { ReformulateStage } = await import('../schema/experiment.ts');
      const { runReformulateStage } = await import('../pipeline/stages/reformulate.ts');
      const ext = extname(o.out).toLowerCase();
      if (ext !== '.jsonl' && ext !== '.json') throw new InputError('--out must end in .jsonl or .json', { file: o.out });
      const to = choiceOption('to', o.to, ['open', 'mcq', 'circular'] as const);
      const distractors = choiceOption('distractors', o.distractors, ['pool', 'llm'] as const);
      if (to === 'mcq' && distractors === 'llm') {
        if (!o.model) throw new InputError('--distractors llm needs --model (and --base-url or --preset)');
        if (o.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.apiKeyEnv)) throw new InputError('option --api-key-env takes the NAME of an environment variable, not a key');
      }
      const stage = stageConfig(ReformulateStage, {
        name: 'reformulate',
        kind: 'reformulate',
        items: o.items,
        to,
        options: numberOption('options', o.options, { int: true, min: 2, max: 26 }),
        shortfall: choiceOption('shortfall', o.shortfall, ['other_tasks', 'fewer_options', 'skip'] as const),
        distractors: to === 'mcq' ? distractors : undefined,
        endpoint: to === 'mcq' && distractors === 'llm' ? Object.fromEntries(Object.entries({ model: o.model, base_url: o.baseUrl, preset: o.preset, api_key_env: o.apiKeyEnv }).filter(([, v]) => v !== undefined)) : undefined,
      });
      const outcome = await runReformulateStage(stage, commandContext({ seed: seedOption('seed', o.seed)!, resamples: 0 }), { cacheDir: o.cacheDir });
      const items = outcome.files.find((f) => f.suffix === 'items.jsonl')!;
      if (ext === '.json') await writeJsonAtomic(o.out, 'jsonl' in items ? items.jsonl : []);
      else await writeCommandFile(o.out, outcome, 'items.jsonl');
      const res = outcome.result as Record<string, unknown> & { skipped_items: { id: string; reason: string }[] };
      const summary = { out: o.out, ...res };
      emit(summary, o.json, () => {
        const lines = [`Wrote ${'jsonl' in items ? items.jsonl.length : 0} item(s) to ${o.out}.`];
        for (const [k, v] of Object.entries(res)) if (k !== 'generated' && k !== 'to' && k !== 'skipped_items') lines.push(`  ${k}: ${v}`);
        for (const s of res.skipped_items.slice(0, 10)) lines.push(`  skipped ${s.id}: ${s.reason}`);
        if (res.skipped_items.length > 10) lines.push(`  … ${res.skipped_items.length - 10} more skipped (see --json)`);
        return lines.join('\n');
      });
    });
}
