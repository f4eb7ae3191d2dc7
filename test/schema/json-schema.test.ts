import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentJsonSchema } from '../../src/schema/json-schema.ts';

describe('experiment JSON Schema', () => {
  it('the committed schema/experiment.schema.json is the one the zod schema makes (run scripts/export-schema.ts)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schema/experiment.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(experimentJsonSchema())));
  });

  it('names every stage kind', () => {
    const text = JSON.stringify(experimentJsonSchema());
    for (const kind of ['mcq', 'judge', 'agreement', 'winrate', 'consistency']) expect(text).toContain(`"const":"${kind}"`);
  });
});
