import { resolve } from 'node:path';
import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { InputError, zodToInputError } from '../io/errors.ts';
import { addFailureRateOption, enforceFailureRate, maxFailureRate } from '../pipeline/failure-rate.ts';
import { emit, numberOption, seedOption } from './output.ts';
import { commandContext, writeCommandOutcome } from './stage-command.ts';
import { addEndpointOptions, endpointFromOptions, type EndpointCliOptions } from './endpoint-options.ts';

interface PairwiseCliOptions extends EndpointCliOptions {
  items: string;
  responses: string;
  dimension?: string[];
  policy: string;
  baseline?: string;
  rater?: string;
  humanPreferences?: string;
  humanRater?: string;
  majority?: string;
  ties: string;
  maxRepairs?: string;
  out: string;
  cacheDir: string;
  bootstrap?: string;
  bootstrapSeed?: string;
  json?: boolean;
  template?: string;
  limit?: string;
  maxFailureRate?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function register(program: Command): void {
  const cmd = program
    .command('pairwise')
    .description(
      'Pairwise LLM judge: every pair of models that answered the same item, judged in both answer orders (the combined verdict: agreeing orders give it, disagreeing orders a tie or dropped); ' +
        'swap consistency (flip rate, first-position preference) and win ratios; with --human-preferences, the human-versus-LLM win-ratio study on the same pairs. Writes pairwise.preferences.csv (the `judgekit winrate` format), the ledger and pairwise.json.',
    )
    .requiredOption('--items <file>', 'items (JSONL, JSON, CSV or a Med-CMR release file)')
    .requiredOption('--responses <file>', 'responses of two or more models (item_id, model, output)');
  addEndpointOptions(cmd, { model: 'judge model (required)', structured: true })
    .option('--dimension <key=description>', 'a dimension to judge per pair (repeatable; default one: overall)', collect)
    .option('--policy <p>', 'orders that disagree: tie or drop', 'tie')
    .option('--baseline <model>', 'only pairs (baseline, other model)')
    .option('--rater <name>', 'the judge\'s name as a rater (default: its model)')
    .option('--human-preferences <file>', 'human preferences on the same pairs (item_id, rater, model_a, model_b, winner)')
    .option('--human-rater <name>', 'the human rater to compare with')
    .option('--majority <raters>', 'compare with the strict majority of these comma-separated human raters')
    .option('--ties <policy>', 'win ratio ties: half or drop', 'half')
    .option('--max-repairs <n>', 'repair requests for an unreadable verdict (default 2)')
    .option('--out <dir>', 'output directory', 'pairwise-out')
    .option('--cache-dir <dir>', 'cache directory (the pairwise cache lives in <dir>/pairwise)', '.judgekit-cache')
    .option('--bootstrap <n>', 'bootstrap resamples (default 1000)')
    .option('--bootstrap-seed <n>', 'bootstrap seed (default 20260101)')
    .option('--json', 'print the result as JSON')
    .option('--template <name>', "another project's pairwise judge: mt-bench (FastChat [[A]]/[[B]]/[[C]]), arena-hard ([[A>>B]] … [[B>>A]]), or a template YAML file")
    .option('--limit <n>', 'judge only the first n pairs (a smoke test)');
  addFailureRateOption(cmd)
    .action(async (o: PairwiseCliOptions) => {
      const { PairwiseStage } = await import('../schema/experiment.ts');
      const { runPairwiseStage } = await import('../pipeline/stages/pairwise.ts');
      const maxRate = maxFailureRate(o.maxFailureRate);
      const dimensions = o.dimension?.map((d) => {
        const i = d.indexOf('=');
        if (i <= 0) throw new InputError(`option --dimension takes key=description, not "${d}"`);
        return { key: d.slice(0, i).trim(), description: d.slice(i + 1).trim() };
      });
      const parsed = PairwiseStage.safeParse({
        name: 'pairwise',
        kind: 'pairwise',
        items: resolve(o.items),
        responses: resolve(o.responses),
        endpoint: endpointFromOptions(o),
        policy: o.policy,
        ties: o.ties,
        ...(dimensions ? { dimensions } : {}),
        ...(o.baseline !== undefined ? { baseline: o.baseline } : {}),
        ...(o.template !== undefined ? { template: /^[a-z-]+$/.test(o.template) ? o.template : resolve(o.template) } : {}),
        ...(o.limit !== undefined ? { limit: numberOption('limit', o.limit, { int: true, min: 1 }) } : {}),
        ...(o.rater !== undefined ? { rater: o.rater } : {}),
        ...(o.maxRepairs !== undefined ? { max_repairs: numberOption('max-repairs', o.maxRepairs, { int: true, min: 0 }) } : {}),
        ...(o.humanPreferences !== undefined ? { human_preferences: resolve(o.humanPreferences) } : {}),
        ...(o.humanRater !== undefined ? { human_rater: o.humanRater } : {}),
        ...(o.majority !== undefined ? { majority_of: o.majority.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      });
      if (!parsed.success) throw zodToInputError(parsed.error, 'command line', undefined);
      const ac = new AbortController();
      setMaxListeners(0, ac.signal);
      const onSigint = (): void => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        const outDir = resolve(o.out);
        const ctx = commandContext({
          seed: seedOption('bootstrap-seed', o.bootstrapSeed) ?? 20260101,
          resamples: numberOption('bootstrap', o.bootstrap, { int: true, min: 0 }) ?? 1000,
          out: outDir,
          cacheDir: o.cacheDir,
          signal: ac.signal,
        });
        const outcome = await runPairwiseStage(parsed.data, ctx);
        const written = await writeCommandOutcome(outDir, parsed.data.name, outcome, { prefixed: true });
        emit(outcome.result, o.json, () => outcome.markdown + `\nWrote ${written.map((f) => resolve(outDir, f)).join(', ')}`);
        enforceFailureRate([{ name: 'pairwise', kind: 'pairwise', counts: outcome.counts }], maxRate);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
