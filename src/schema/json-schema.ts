import { z } from 'zod';
import { ExperimentConfig } from './experiment.ts';

/**
 * The experiment config as JSON Schema (draft 2020-12), for editors: YAML configs point at the
 * committed copy in `schema/experiment.schema.json` with a `# yaml-language-server: $schema=` line.
 * The input form is exported, so fields with defaults are optional, as a user writes them.
 */
export function experimentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExperimentConfig, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://judgekit.dev/schema/experiment.schema.json',
    title: 'judgekit experiment',
    description: 'An experiment config for `judgekit run`: a seed, a bootstrap size and a list of stages.',
  };
}
