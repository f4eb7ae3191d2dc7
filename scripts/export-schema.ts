// Writes schema/experiment.schema.json from the zod schema (the single source of truth).
// Run: node bin/run-ts.js scripts/export-schema.ts   (a test checks the committed copy is current)
import { writeJsonAtomic } from '../src/io/atomic.ts';
import { experimentJsonSchema } from '../src/schema/json-schema.ts';

await writeJsonAtomic(new URL('../schema/experiment.schema.json', import.meta.url).pathname, experimentJsonSchema());
console.log('wrote schema/experiment.schema.json');
