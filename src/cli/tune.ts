import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';
import type { TuningStatistic } from '../studies/tuning.ts';
import { LEVELS, choiceOption, emit, listOption, numberOption, seedOption } from './output.ts';
import { TUNING_STATISTICS } from '../studies/defaults.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

interface TuneOptions {
  candidates: string;
  humans: string;
  level: string;
  statistic?: string;
  split: string;
  folds: string;
  testFraction: string;
  seed: string;
  bootstrap: string;
  rubric?: string;
  itemCol: string;
  raterCol: string;
  valueCol: string;
  dimensionCol?: string;
  failureValues?: string;
  correlationThreshold: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('tune')
    .description(
      'Compares candidate judge configurations (raters of a long-form label table) by their agreement with the humans: the winner chosen on a seeded tuning part of the items and reported on the held-out part (or k-fold), paired-bootstrap differences, per-criterion diagnostics.',
    )
    .argument('<labels>', 'label file (CSV, TSV, JSONL or JSON), one row per rating: item_id, rater, value (+ dimension, model)')
    .requiredOption('--candidates <list>', 'the candidate raters, comma-separated (the first is the baseline of the differences)')
    .requiredOption('--humans <list>', 'the human raters, comma-separated')
    .option('--level <level>', 'nominal | ordinal | interval | ratio', 'nominal')
    .option('--statistic <s>', `statistic the winner is chosen by: ${TUNING_STATISTICS.join(' | ')} (default kappa for nominal/ordinal, spearman otherwise)`)
    .option('--split <method>', 'holdout | kfold', 'holdout')
    .option('--folds <k>', 'folds for --split kfold', '5')
    .option('--test-fraction <f>', 'share of items held out for --split holdout', '0.3')
    .option('--seed <n>', 'seed of the split and the bootstrap', '1')
    .option('--bootstrap <n>', 'bootstrap resamples (0: no intervals)', '1000')
    .option('--rubric <file>', 'rubric YAML whose weights the re-weighting analysis uses (dimension = criterion key, or ".../<key>")')
    .option('--item-col <name>', 'item id column', 'item_id')
    .option('--rater-col <name>', 'rater column', 'rater')
    .option('--value-col <name>', 'value column', 'value')
    .option('--dimension-col <name>', 'dimension column (default: "dimension" when present)')
    .option('--failure-values <list>', 'values that mark a failed rating, left out and counted (default: garbage and the judge failure statuses)')
    .option('--correlation-threshold <r>', 'flag two criteria whose scores correlate at |ρ| ≥ r', '0.8')
    .option('--out <dir>', 'also write tuning.json and tuning.md to this folder')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: TuneOptions) => {
      const { TuningStage } = await import('../schema/experiment.ts');
      const { runTuningStage } = await import('../pipeline/stages/tuning.ts');
      if (o.statistic !== undefined && !TUNING_STATISTICS.includes(o.statistic as TuningStatistic)) throw new InputError(`option --statistic takes one of ${TUNING_STATISTICS.join(', ')}, not "${o.statistic}"`);
      const split = choiceOption('split', o.split, ['holdout', 'kfold'] as const);
      const stage = stageConfig(TuningStage, {
        name: 'tuning',
        kind: 'tuning',
        title: `Rubric tuning (${file})`,
        labels: file,
        columns: { item: o.itemCol, rater: o.raterCol, value: o.valueCol, dimension: o.dimensionCol },
        candidates: listOption(o.candidates) ?? [],
        humans: listOption(o.humans) ?? [],
        level: choiceOption('level', o.level, LEVELS),
        statistic: o.statistic,
        split: split === 'holdout' ? { method: 'holdout', test_fraction: numberOption('test-fraction', o.testFraction, { min: 0, max: 1 }) } : { method: 'kfold', folds: numberOption('folds', o.folds, { int: true, min: 2 }) },
        rubric: o.rubric,
        failure_values: o.failureValues !== undefined ? listOption(o.failureValues) : undefined,
        correlation_threshold: numberOption('correlation-threshold', o.correlationThreshold, { min: 0, max: 1 }),
      });
      const seed = seedOption('seed', o.seed)!;
      const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0 })!;
      const outcome = await runTuningStage(stage, commandContext({ seed, resamples }));
      if (o.out) await writeCommandOutcome(o.out, stage.name, outcome);
      emit(outcome.result, o.json, () => outcome.markdown);
    });
}
