import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic, writeJsonAtomic, writeJsonlAtomic } from '../io/atomic.ts';
import { InputError } from '../io/errors.ts';
import { emit, numberOption, seedOption } from './output.ts';
import { DEFAULT_OPEN_CRITERION, RECOMMENDED_THRESHOLD } from '../studies/defaults.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  program
    .command('consistency')
    .description(
      'MCQ ↔ open-ended consistency per model (2×2 table, agreement, φ, κ, McNemar exact and mid-p, discordant pairs) and base-versus-fine-tuned sign and Wilcoxon tests. ' +
        'PAIRS has one row per (pair_id, model): pair_id, model, mcq_correct (0/1/true/false), open_correct (0/1/true/false or a score), optional task and dim_<name> columns; an empty cell is missing.',
    )
    .argument('<pairs>', 'pairs file (CSV, TSV, JSONL or JSON)')
    .option('--threshold <T>', `open-ended is right iff its score ≥ T; required when open_correct holds scores (for a 0–100 ground-truth-correctness score, ${RECOMMENDED_THRESHOLD} is the documented choice)`)
    .option('--paired <base:tuned>', 'compare a base model with its fine-tune (repeatable)', collect, [] as string[])
    .option('--bootstrap <n>', 'bootstrap resamples for the intervals (0: none)', '1000')
    .option('--seed <n>', 'bootstrap seed', '20260101')
    .option('--title <text>', 'Markdown heading', 'MCQ ↔ open-ended consistency')
    .option('--out <dir>', 'write consistency.json and consistency.md there')
    .option('--json', 'print the result as JSON')
    .action(async (pairs: string, o: { threshold?: string; paired: string[]; bootstrap: string; seed: string; title: string; out?: string; json?: boolean }) => {
      const { ConsistencyStage } = await import('../schema/experiment.ts');
      const { runConsistencyStage } = await import('../pipeline/stages/consistency.ts');
      const stage = stageConfig(ConsistencyStage, { name: 'consistency', kind: 'consistency', title: o.title, pairs, threshold: numberOption('threshold', o.threshold), paired: o.paired });
      const seed = seedOption('seed', o.seed)!;
      const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0 })!;
      const outcome = await runConsistencyStage(stage, commandContext({ seed, resamples }));
      if (o.out) await writeCommandOutcome(o.out, stage.name, outcome);
      for (const w of (outcome.result as { warnings: string[] }).warnings) process.stderr.write(`judgekit: warning: ${w}\n`);
      emit(outcome.result, o.json, () => outcome.markdown);
    });

  program
    .command('circular')
    .description(
      'CircularEval option-order robustness: accuracy when every rotation is right, per-rotation and vote accuracy, and each letter\'s prior (position bias). ' +
        'ITEMS are the rotated items from `judgekit reformulate --to circular` (or the original MCQs, rotated here); RESPONSES answer the rotated ids <id>#rot<r>.',
    )
    .requiredOption('--items <file>', 'items (rotated, or original MCQs)')
    .requiredOption('--responses <file>', 'responses to the rotated items')
    .option('--title <text>', 'Markdown heading', 'Option-order robustness (CircularEval)')
    .option('--out <dir>', 'write circular.json, circular.md and circular_records.jsonl there')
    .option('--json', 'print the result as JSON')
    .action(async (o: { items: string; responses: string; title: string; out?: string; json?: boolean }) => {
      const { readItems, readResponses } = await import('../io/records.ts');
      const { parseRotatedId, renderCircularMarkdown, rotateItems, scoreCircular } = await import('../mcq/circular.ts');
      const items = await readItems(o.items);
      const allRotated = [...items.keys()].every((id) => parseRotatedId(id) !== null);
      const rotated = allRotated ? items : new Map(rotateItems(items.values()).items.map((it) => [it.id, it]));
      if (rotated.size === 0) throw new InputError('no MCQ items to rotate', { file: o.items });
      const responses = await readResponses(o.responses, rotated);
      const { records, result } = scoreCircular(rotated, responses);
      const md = renderCircularMarkdown(result, o.title);
      if (o.out) {
        await mkdir(o.out, { recursive: true });
        await writeJsonlAtomic(join(o.out, 'circular_records.jsonl'), records);
        await writeJsonAtomic(join(o.out, 'circular.json'), result);
        await writeFileAtomic(join(o.out, 'circular.md'), md);
      }
      emit(result, o.json, () => md);
    });

  program
    .command('consistency-pairs')
    .description(
      'Build the PAIRS table of `judgekit consistency` from MCQ records (`judgekit mcq`) and judgments of the open-ended form (`judgekit judge`), joined on the items\' pair_id. ' +
        'An unreadable MCQ answer or a failed judgment is left empty (missing), never wrong.',
    )
    .requiredOption('--items <file>', 'item file(s) of both forms (repeatable)', collect, [] as string[])
    .requiredOption('--mcq-records <file>', 'MCQ records JSONL')
    .requiredOption('--judgments <file>', 'judgments JSONL of the open-ended form')
    .option('--criterion <key>', `rubric criterion whose raw score is open_correct, or "score" for the 0–100 aggregate`, DEFAULT_OPEN_CRITERION)
    .requiredOption('--out <file>', 'pairs CSV to write')
    .option('--json', 'print the counts as JSON')
    .action(async (o: { items: string[]; mcqRecords: string; judgments: string; criterion: string; out: string; json?: boolean }) => {
      const { ConsistencyPairsStage } = await import('../schema/experiment.ts');
      const { runConsistencyPairsStage } = await import('../pipeline/stages/consistency-pairs.ts');
      const stage = stageConfig(ConsistencyPairsStage, { name: 'consistency-pairs', kind: 'consistency-pairs', items: o.items, mcq_records: o.mcqRecords, judgments: o.judgments, criterion: o.criterion });
      const outcome = await runConsistencyPairsStage(stage, commandContext({ seed: 0, resamples: 0 }));
      const csv = outcome.files.find((f) => f.suffix === 'pairs.csv')!;
      await writeFileAtomic(o.out, 'text' in csv ? csv.text : '');
      const counts = outcome.result as Record<string, number>;
      emit({ out: o.out, ...counts }, o.json, () => `Wrote ${counts.rows} row(s) to ${o.out} (${counts.mcq_not_ok} unreadable MCQ answer(s) and ${counts.judgment_not_ok} failed judgment(s) left empty).`);
    });
}
