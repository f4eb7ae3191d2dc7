import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';
import { choiceOption, emit, listOption, numberOption, seedOption } from './output.ts';
import { commandContext, stageConfig, writeCommandOutcome } from './stage-command.ts';

interface WinrateCliOptions {
  compare?: string[];
  ties: string;
  bt?: string;
  baseline?: string;
  majority?: string;
  scores?: boolean;
  margin: string;
  bootstrap: string;
  seed: string;
  title: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('winrate')
    .description(
      'Win ratios, Bradley–Terry scores and ranking per rater (and per dimension), with item-level bootstrap intervals; with --compare, how far two raters agree (Spearman, Kendall τ-b, max |Δ win ratio|, pair agreement with and without ties). ' +
        'PREFS has one row per verdict: item_id, rater, model_a, model_b, winner (A, B or tie), optional dimension and status (not ok, or an empty winner, is a failure, never a tie).',
    )
    .argument('<prefs>', 'preferences file (CSV, TSV, JSONL or JSON); with --scores, rubric-judge judgments (JSONL)')
    .option('--compare <raters...>', 'compare two raters: --compare RATER_A RATER_B')
    .option('--ties <policy>', 'half: win ratio = (wins + ties/2)/n; drop: wins/(wins + losses)', 'half')
    .option('--bt <model>', 'Bradley–Terry ties: half (half-wins) or davidson (default: half with --ties half, decisive outcomes only with --ties drop)')
    .option('--baseline <model>', 'win ratios against this model only (the matrix and BT still use all pairs)')
    .option('--majority <raters>', 'add a rater "majority": the strict majority of these comma-separated raters')
    .option('--scores', 'PREFS holds rubric judgments: compare two models\' scores per dimension (tie within --margin)')
    .option('--margin <m>', 'with --scores: a score difference of at most m is a tie', '0')
    .option('--bootstrap <n>', 'bootstrap resamples (0: no intervals)', '1000')
    .option('--seed <n>', 'bootstrap seed', '20260101')
    .option('--title <text>', 'Markdown heading', 'Win ratios')
    .option('--out <dir>', 'write winrate.json and winrate.md there')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: WinrateCliOptions) => {
      const { WinrateStage } = await import('../schema/experiment.ts');
      const { runWinrateStage } = await import('../pipeline/stages/winrate.ts');
      if (o.compare && o.compare.length !== 2) throw new InputError(`option --compare takes two raters, not ${o.compare.length}`);
      const stage = stageConfig(WinrateStage, {
        name: 'winrate',
        kind: 'winrate',
        title: o.title,
        ...(o.scores ? { scores: file, margin: numberOption('margin', o.margin, { min: 0 }) } : { preferences: file }),
        ties: choiceOption('ties', o.ties, ['half', 'drop'] as const),
        bt: o.bt === undefined ? undefined : choiceOption('bt', o.bt, ['half', 'davidson'] as const),
        baseline: o.baseline,
        majority: listOption(o.majority),
        compare: o.compare,
      });
      const seed = seedOption('seed', o.seed)!;
      const resamples = numberOption('bootstrap', o.bootstrap, { int: true, min: 0 })!;
      const outcome = await runWinrateStage(stage, commandContext({ seed, resamples }));
      if (o.out) await writeCommandOutcome(o.out, stage.name, outcome);
      emit(outcome.result, o.json, () => outcome.markdown);
    });

  program
    .command('winrate-plan')
    .description('Items a win-ratio study needs to detect a win ratio different from 0.5 (or two models\' different win ratios, with --vs) at the given level and power.')
    .requiredOption('--win-ratio <p>', 'expected win ratio of the model (0.5 + Δ)')
    .option('--vs <p>', 'the other model\'s expected win ratio (two-model comparison; items per model)')
    .option('--tie-rate <t>', 'expected share of ties', '0')
    .option('--ties <policy>', 'half or drop (as in `judgekit winrate`)', 'half')
    .option('--alpha <a>', 'significance level (two-sided)', '0.05')
    .option('--power <p>', 'power 1 − β', '0.8')
    .option('--json', 'print the result as JSON')
    .action(async (o: { winRatio: string; vs?: string; tieRate: string; ties: string; alpha: string; power: string; json?: boolean }) => {
      const { itemsForWinRatio, itemsForWinRatioDifference } = await import('../stats/power.ts');
      const ties = choiceOption('ties', o.ties, ['half', 'drop'] as const);
      const common = {
        tie_rate: numberOption('tie-rate', o.tieRate, { min: 0, max: 0.999 })!,
        alpha: numberOption('alpha', o.alpha, { min: 1e-9, max: 0.5 })!,
        power: numberOption('power', o.power, { min: 0.01, max: 0.9999 })!,
        ties,
      };
      const p1 = numberOption('win-ratio', o.winRatio, { min: 1e-6, max: 1 - 1e-6 })!;
      let plan;
      try {
        plan =
          o.vs === undefined
            ? itemsForWinRatio({ win_ratio: p1, ...common })
            : itemsForWinRatioDifference({ win_ratio_1: p1, win_ratio_2: numberOption('vs', o.vs, { min: 1e-6, max: 1 - 1e-6 })!, ...common });
      } catch (err) {
        if (err instanceof RangeError) throw new InputError(err.message);
        throw err;
      }
      const what = o.vs === undefined ? `a win ratio of ${p1} against 0.5` : `win ratios ${p1} versus ${o.vs} (items per model)`;
      emit(plan, o.json, () =>
        `${plan.items} judged items to detect ${what} at α = ${plan.alpha}, power ${plan.power}, tie rate ${plan.tie_rate} (ties ${ties}; ${plan.method === 'arcsine' ? `${plan.decisive_items} decisive items, arcsine effect size h` : 'z-test on the mean score, effect size d'} = ${plan.effect_size.toFixed(4)}).`,
      );
    });
}
