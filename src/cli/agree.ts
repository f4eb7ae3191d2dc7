import type { Command } from 'commander';
import { LEVELS, choiceOption, emit, listOption, numberOption, seedOption } from './output.ts';
import { DEFAULT_FAILURE_VALUES } from '../studies/defaults.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

interface AgreeOptions {
  itemCol: string;
  raterCol: string;
  valueCol: string;
  dimensionCol?: string;
  level: string;
  judge?: string;
  epsilon?: string;
  seed: string;
  bootstrap: string;
  raters?: string;
  excludeRaters?: string;
  failureValues?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('agree')
    .description(
      'Agreement among raters of a long-form label table (Krippendorff α, Fleiss κ, Gwet AC1, ICC, and per pair percent agreement, Cohen κ, weighted κ, correlations), with item-bootstrap intervals; with --judge, the judge against each human, the human majority or mean, the human ceiling and the alternative annotator test.',
    )
    .argument('<labels>', 'label file (CSV, TSV, JSONL or JSON) in long form: one row per rating')
    .option('--item-col <name>', 'item id column', 'item_id')
    .option('--rater-col <name>', 'rater column', 'rater')
    .option('--value-col <name>', 'value column', 'value')
    .option('--dimension-col <name>', 'dimension column (default: "dimension" when present)')
    .option('--level <level>', 'nominal | ordinal | interval | ratio', 'nominal')
    .option('--judge <rater>', 'the rater to validate against the others (every other selected rater counts as human)')
    .option('--epsilon <e>', 'alt-test cost-benefit margin ε (0.2 for experts, 0.15 skilled, 0.1 crowd workers)', '0.2')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--bootstrap <n>', 'bootstrap resamples (0: no intervals)', '1000')
    .option('--raters <list>', 'only these raters, in this order (comma-separated)')
    .option('--exclude-raters <list>', 'leave these raters out (e.g. other judges)')
    .option('--failure-values <list>', `values that mark a failed rating, left out and counted (default: ${DEFAULT_FAILURE_VALUES.join(',')}; "" for none)`)
    .option('--out <dir>', 'also write agreement.json and agreement.md to this folder')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: AgreeOptions) => {
      const { AgreementStage } = await import('../schema/experiment.ts');
      const { runAgreementStage } = await import('../pipeline/stages/agreement.ts');
      const stage = stageConfig(AgreementStage, {
        name: 'agreement',
        kind: 'agreement',
        title: o.judge ? `Agreement and judge validation: ${o.judge} (${file})` : `Agreement (${file})`,
        labels: file,
        columns: { item: o.itemCol, rater: o.raterCol, value: o.valueCol, dimension: o.dimensionCol },
        level: choiceOption('level', o.level, LEVELS),
        judge: o.judge,
        epsilon: numberOption('epsilon', o.epsilon, { min: 0, max: 1 }),
        raters: listOption(o.raters),
        exclude_raters: listOption(o.excludeRaters),
        failure_values: o.failureValues === undefined ? undefined : listOption(o.failureValues),
      });
      const seed = seedOption('seed', o.seed)!;
      const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0 })!;
      const outcome = await runAgreementStage(stage, commandContext({ seed, resamples }));
      if (o.out) await writeCommandOutcome(o.out, stage.name, outcome);
      emit(outcome.result, o.json, () => outcome.markdown);
    });
}
