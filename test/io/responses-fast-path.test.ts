import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainResponse, readResponses } from '../../src/io/records.ts';
import { InputError } from '../../src/io/errors.ts';
import { Response } from '../../src/schema/index.ts';

// readResponses checks the common record shape by hand and sends everything else through the
// zod schema. The hand check may only ever accept what the schema accepts, and return the same.
const cases: Record<string, unknown>[] = [
  { item_id: 'q1', model: 'm', output: 'A' },
  { item_id: 'q1', model: 'm', output: '' },
  { output: 'B', model: 'm', item_id: 'q1' }, // other key order
  { item_id: 'q1', model: 'm', output: 'A', extra: 1, notes: { a: 1 } }, // unknown keys are dropped
  { item_id: 'q1', model: 'm', output: 'A', meta: { latency_ms: 3 } },
  { item_id: 'q1', model: 'm', output: 'A', meta: null },
  { item_id: 'q1', model: 'm', output: 'A', meta: 'x' },
  { item_id: '', model: 'm', output: 'A' },
  { item_id: 'q1', model: '', output: 'A' },
  { item_id: 'q1', model: 'm' },
  { item_id: 'q1', model: 'm', output: null },
  { item_id: 'q1', model: 'm', output: 3 },
  { item_id: 7, model: 'm', output: 'A' },
  { item_id: 'q1', model: ['m'], output: 'A' },
  { model: 'm', output: 'A' },
  {},
  JSON.parse('{"item_id":"q1","model":"m","output":"A","__proto__":{"meta":1}}') as Record<string, unknown>,
  { item_id: '\u{1F600}', model: 'm\u0000', output: 'x'.repeat(10_000) },
];

describe('readResponses: the hand-checked record shape against the Response schema', () => {
  for (const [k, c] of cases.entries()) {
    it(`case ${k}: ${JSON.stringify(c).slice(0, 80)}`, () => {
      const fast = plainResponse(c);
      const zod = Response.safeParse(c);
      // declined: the schema decides; the hand check declines only records that are invalid or carry meta
      if (fast === null) return expect(!zod.success || 'meta' in c).toBe(true);
      expect(zod.success).toBe(true);
      expect(fast).toStrictEqual(zod.data);
      expect(Object.keys(fast)).toEqual(Object.keys(zod.data!));
    });
  }

  it('takes the hand path for the plain shape and the schema for the rest (a schema error still names line and field)', () => {
    expect(plainResponse(cases[0]!)).not.toBeNull();
    expect(plainResponse(cases[4]!)).toBeNull(); // meta: the schema validates it
    expect(plainResponse(cases[7]!)).toBeNull();
  });

  it('reads a JSONL file through both paths, with errors naming file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-fast-'));
    const ok = join(dir, 'ok.jsonl');
    writeFileSync(ok, ['{"item_id":"q1","model":"m","output":"A","x":1}', '', '{"item_id":"q2","model":"m","output":"B","meta":{"latency_ms":5}}', '{"item_id":"q1","model":"n","output":"C"}'].join('\n') + '\n');
    const rs = await readResponses(ok);
    expect(rs).toEqual([
      { item_id: 'q1', model: 'm', output: 'A' },
      { item_id: 'q2', model: 'm', output: 'B', meta: { latency_ms: 5 } },
      { item_id: 'q1', model: 'n', output: 'C' },
    ]);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"item_id":"q1","model":"m","output":"A"}\n{"item_id":"q2","model":"","output":"B"}\n');
    const err = await readResponses(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/bad\.jsonl:2: field "model"/);
    const dup = join(dir, 'dup.jsonl');
    // the duplicate check follows the model across interleaved records
    writeFileSync(dup, '{"item_id":"q1","model":"m","output":"A"}\n{"item_id":"q1","model":"n","output":"A"}\n{"item_id":"q1","model":"m","output":"B"}\n');
    const e2 = await readResponses(dup).catch((e: unknown) => e);
    expect((e2 as InputError).message).toMatch(/duplicate response of model "m" to item "q1"/);
    expect((e2 as InputError).message).toMatch(/dup\.jsonl:3: field "item_id"/);
  });
});
