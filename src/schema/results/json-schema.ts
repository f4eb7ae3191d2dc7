import { z } from 'zod';
import { Rating } from '../rating.ts';
import { RESULT_SCHEMAS, type ResultKind } from './index.ts';

const BASE = 'https://judgekit.dev/schema';

/**
 * JSON Schema (draft 2020-12) of a result kind, as judgekit writes it (the output form: every key
 * present, no other key allowed). Committed as `schema/results/<kind>.schema.json`.
 */
export function resultJsonSchema(kind: ResultKind): Record<string, unknown> {
  const schema = z.toJSONSchema(RESULT_SCHEMAS[kind], { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: `${BASE}/results/${kind}.schema.json`, title: `judgekit ${kind} result` };
}

/** JSON Schema of a Rating, committed as `schema/rating.schema.json`. */
export function ratingJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Rating, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: `${BASE}/rating.schema.json`, title: 'judgekit rating', description: 'One verdict by one rater (human, judge, reference or derived) on one unit; ok carries a value, a failure its status.' };
}

/** Every committed schema file besides the experiment's, relative to the repository root → its content. */
export function resultSchemaFiles(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = { 'schema/rating.schema.json': ratingJsonSchema() };
  for (const kind of Object.keys(RESULT_SCHEMAS) as ResultKind[]) out[`schema/results/${kind}.schema.json`] = resultJsonSchema(kind);
  return out;
}
