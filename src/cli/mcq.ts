import type { Command } from 'commander';
import { emit, numberOption, seedOption } from './output.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

export const DEFAULT_MCQ_SEED = 20260101;
export const DEFAULT_MCQ_RESAMPLES = 1000;

export function register(program: Command): void {
  program
    .command('mcq')
    .description('Score multiple-choice answers: read each reply\'s letter (documented cascade; unreadable replies are invalid, never guessed), then accuracy per model, overall and by task, organ system and modality, with item-bootstrap intervals.')
    .requiredOption('--items <file>', 'items (JSONL, JSON, CSV, or a Med-CMR release file)')
    .requiredOption('--responses <file>', 'model responses (JSONL, JSON or CSV: item_id, model, output)')
    .option('--out <dir>', 'write mcq_records.jsonl, mcq.json and mcq.md here')
    .option('--json', 'print the result as JSON')
    .option('--seed <n>', 'bootstrap seed', String(DEFAULT_MCQ_SEED))
    .option('--bootstrap <n>', 'bootstrap resamples per group (0: no intervals)', String(DEFAULT_MCQ_RESAMPLES))
    .action(async (o: { items: string; responses: string; out?: string; json?: boolean; seed: string; bootstrap: string }) => {
      const { McqStage } = await import('../schema/experiment.ts');
      const { runMcqStage } = await import('../pipeline/stages/mcq.ts');
      const stage = stageConfig(McqStage, { name: 'mcq', kind: 'mcq', items: o.items, responses: o.responses });
      const seed = seedOption('seed', o.seed)!;
      const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0, max: 1_000_000 })!;
      const outcome = await runMcqStage(stage, commandContext({ seed, resamples }));
      if (o.out) await writeCommandOutcome(o.out, stage.name, outcome);
      emit(outcome.result, o.json, () => outcome.markdown);
    });
}

