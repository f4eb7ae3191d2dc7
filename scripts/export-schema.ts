// Writes schema/experiment.schema.json, schema/rating.schema.json and schema/results/<kind>.schema.json
// from the zod schemas (the single source of truth).
// Run: node bin/run-ts.js scripts/export-schema.ts   (tests check the committed copies are current)
import { writeJsonAtomic } from '../src/io/atomic.ts';
import { experimentJsonSchema } from '../src/schema/json-schema.ts';
import { resultSchemaFiles } from '../src/schema/results/json-schema.ts';

await writeJsonAtomic(new URL('../schema/experiment.schema.json', import.meta.url).pathname, experimentJsonSchema());
console.log('wrote schema/experiment.schema.json');
for (const [path, schema] of Object.entries(resultSchemaFiles())) {
  await writeJsonAtomic(new URL(`../${path}`, import.meta.url).pathname, schema);
  console.log(`wrote ${path}`);
}
