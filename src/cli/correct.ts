import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';
import { emit, listOption, numberOption, seedOption } from './output.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

interface CorrectOptions {
  judge: string;
  humans?: string;
  gold?: string;
  dimension?: string;
  strata?: string;
  threshold?: string;
  alpha: string;
  seed: string;
  bootstrap: string;
  planWidth?: string;
  labelFraction?: string;
  itemCol: string;
  raterCol: string;
  valueCol: string;
  dimensionCol?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('correct')
    .description(
      "Judge-corrected model scores: each model's mean on the humans' scale from gold labels on some units and the judge's ratings on all (PPI, PPI++ with its λ, stratified PPI with --strata, Rogan–Gladen with --threshold), beside the naive judge mean and the humans-only mean, with normal intervals; pairwise verdicts (model_a, model_b, value A/B/tie) give corrected win ratios.",
    )
    .argument('<ratings>', 'long-form ratings (CSV, TSV, JSONL or JSON): item_id, model (or model_a, model_b), rater, value; optional dimension and strata columns')
    .requiredOption('--judge <rater>', 'the judge (a rater of the file)')
    .option('--humans <list>', 'gold = mean (pairwise: strict majority) of these raters (default: every rater but the judge)')
    .option('--gold <rater>', 'gold = this one rater')
    .option('--dimension <d>', 'only this dimension')
    .option('--strata <column>', 'a column of strata (e.g. task): adds stratified PPI')
    .option('--threshold <t>', 'adds Rogan–Gladen on the binary verdict value ≥ t')
    .option('--alpha <a>', 'intervals at level 1 − alpha', '0.05')
    .option('--seed <n>', 'seed of the Rogan–Gladen bootstrap', '1')
    .option('--bootstrap <n>', 'resamples of the Rogan–Gladen percentile bootstrap (0: none)', '1000')
    .option('--plan-width <w>', 'human labels needed for an interval of this full width, humans only vs PPI++')
    .option('--label-fraction <f>', "keep the humans' ratings on this share of the items only (seeded), to see what fewer labels give; adds human_all")
    .option('--item-col <name>', 'item id column', 'item_id')
    .option('--rater-col <name>', 'rater column', 'rater')
    .option('--value-col <name>', 'value column', 'value')
    .option('--dimension-col <name>', 'dimension column (default: "dimension" when present)')
    .option('--out <dir>', 'also write corrected.json and corrected.md to this folder')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: CorrectOptions) => {
      const { runCorrectedStage } = await import('../pipeline/stages/corrected.ts');
      const { CorrectedStage } = await import('../schema/experiment.ts');
      if (o.humans !== undefined && o.gold !== undefined) throw new InputError('give --humans or --gold, not both');
      const stage = stageConfig(CorrectedStage, {
        name: 'corrected',
        kind: 'corrected',
        title: `Judge-corrected scores: ${o.judge} (${file})`,
        labels: file,
        columns: { item: o.itemCol, rater: o.raterCol, value: o.valueCol, dimension: o.dimensionCol },
        judge: o.judge,
        humans: listOption(o.humans),
        gold: o.gold,
        dimension: o.dimension,
        strata: o.strata,
        threshold: numberOption('threshold', o.threshold),
        alpha: numberOption('alpha', o.alpha, { min: 1e-9, max: 0.999999 }),
        bootstrap: numberOption('bootstrap', o.bootstrap, { int: true, min: 0 }),
        plan_width: numberOption('plan-width', o.planWidth, { min: 1e-12 }),
        label_fraction: numberOption('label-fraction', o.labelFraction, { min: 1e-9, max: 0.999999 }),
      });
      const seed = seedOption('seed', o.seed)!;
      const outcome = await runCorrectedStage(stage, commandContext({ seed, resamples: stage.bootstrap ?? 1000, out: o.out }));
      if (o.out) await writeCommandOutcome(o.out, 'corrected', outcome);
      emit(outcome.result, o.json, () => outcome.markdown);
    });
}
