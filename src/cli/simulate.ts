import type { Command } from 'commander';
import { join } from 'node:path';
import { DEFAULT_SIMULATION, MODEL_POOL } from '../simulate/medcmr.ts';
import { emit, numberOption, seedOption } from './output.ts';

export function register(program: Command): void {
  program
    .command('simulate')
    .description('Write a SYNTHETIC Med-CMR-style study from a seeded generative model whose truth is known (truth.json): MCQ and open-ended items, model replies, recorded judge verdicts, human labels and preferences, MCQ ↔ open pairs. experiments/default.yaml runs every study on it.')
    .requiredOption('--seed <n>', 'seed of the generator (the same seed writes the same files)')
    .requiredOption('--out <dir>', 'output folder (replaced as a whole)')
    .option('--items <n>', 'MCQ items (each with an open-ended twin), spread over the seven tasks', String(DEFAULT_SIMULATION.items))
    .option('--models <m>', `models, base/medical pairs first (2–${MODEL_POOL.length})`, String(DEFAULT_SIMULATION.models))
    .option('--human-items <n>', 'open-ended items the human raters label', String(DEFAULT_SIMULATION.humanItems))
    .option('--preference-items <n>', 'open-ended items with human pairwise preferences', String(DEFAULT_SIMULATION.preferenceItems))
    .option('--json', 'print the written files as JSON')
    .action(async (o: { seed: string; out: string; items: string; models: string; humanItems: string; preferenceItems: string; json?: boolean }) => {
      const { writeSimulation } = await import('../simulate/write.ts');
      const opts = {
        seed: seedOption('seed', o.seed)!,
        items: numberOption('items', o.items, { int: true, min: 7 })!,
        models: numberOption('models', o.models, { int: true, min: 2, max: MODEL_POOL.length })!,
        humanItems: numberOption('human-items', o.humanItems, { int: true, min: 1 })!,
        preferenceItems: numberOption('preference-items', o.preferenceItems, { int: true, min: 1 })!,
      };
      const files = await writeSimulation(o.out, opts);
      emit({ out: o.out, synthetic: true, files }, o.json, () => `SYNTHETIC study (seed ${opts.seed}) written to ${o.out}:\n${files.map((f) => `  ${join(o.out, f)}`).join('\n')}`);
    });
}
