// An answer stage's `meta`: what is known of the candidate (size, family, medical), strict like the
// rest of the experiment file, so a misspelt key or an unreadable size is an error, not a lost chart.
import { describe, expect, it } from 'vitest';
import { ExperimentConfig } from '../../src/schema/index.ts';
import { parseModelSize } from '../../src/report/index.ts';

const stage = (meta: unknown): unknown => ({
  id: 'x',
  stages: [{ name: 'ask', kind: 'answer', items: 'items.jsonl', endpoint: { base_url: 'http://127.0.0.1:9/v1', model: 'm' }, meta }],
});

describe('answer stage meta', () => {
  it('takes a size (a number or a string like "7B"), a family and whether the model is medical', () => {
    for (const meta of [{ size: '7B', family: 'Qwen2.5-VL', medical: false }, { size: 72 }, { size: '235B-A22B', medical: true }, { size: '750M' }]) {
      const r = ExperimentConfig.safeParse(stage(meta));
      expect(r.success, JSON.stringify(meta)).toBe(true);
      // every size the schema accepts is one the size chart can read
      expect(parseModelSize((meta as { size: unknown }).size)).toBeGreaterThan(0);
    }
  });

  it('rejects an unknown key and a size the report could not read', () => {
    const unknown = ExperimentConfig.safeParse(stage({ size: '7B', params: 7 }));
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', path: ['stages', 0, 'meta'] });
    for (const size of ['seven billion', '', -7, 0]) {
      const r = ExperimentConfig.safeParse(stage({ size }));
      expect(r.success, String(size)).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['stages', 0, 'meta', 'size']);
    }
  });
});
