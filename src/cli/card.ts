import { resolve } from 'node:path';
import type { Command } from 'commander';
import { emit } from './output.ts';

export function register(program: Command): void {
  program
    .command('card')
    .description(
      'Write a judge card (RUN_DIR/cards/<judge>.md and .json) for every judge found in a finished run: fingerprint, agreement with humans and the human ceiling, the alternative annotator test, answer-order, length and self-preference bias, failures by status, stability across samples and cost per 1,000 judgments; "not measured in this run" where the run has no data.',
    )
    .argument('<run-dir>', 'the run folder (reports/<run-id>)')
    .option('--json', 'print the cards as JSON (they are written all the same)')
    .action(async (runDir: string, o: { json?: boolean }) => {
      const { buildJudgeCards, writeCardFiles } = await import('../report/card.ts');
      const { writeJudgeAudit } = await import('../pipeline/audit.ts');
      const dir = resolve(runDir);
      // the audit step of the pipeline (re)writes audit.json from the run's results; the cards render it
      await writeJudgeAudit(dir);
      const cards = await buildJudgeCards(dir);
      const paths = await writeCardFiles(dir, cards);
      if (o.json) emit(cards, true, () => '');
      else emit(paths, false, () => (paths.length ? paths.join('\n') : 'No judge found in this run.'));
    });
}
