import { mkdtemp, readFile, symlink, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { Rating } from '../../src/schema/rating.ts';
import { RESULT_SCHEMAS, type ResultKind } from '../../src/schema/results/index.ts';
import { resultSchemaFiles } from '../../src/schema/results/json-schema.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('result and rating JSON Schemas', () => {
  it('the committed schema/rating.schema.json and schema/results/*.schema.json are the ones the zod schemas make (run scripts/export-schema.ts)', () => {
    for (const [path, schema] of Object.entries(resultSchemaFiles())) {
      const committed = JSON.parse(readFileSync(join(root, path), 'utf8'));
      expect(committed, path).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it('allows no key a result does not define', () => {
    const agreement = resultSchemaFiles()['schema/results/agreement.schema.json']!;
    expect((agreement as { additionalProperties?: unknown }).additionalProperties).toBe(false);
  });

  it('a Rating: ok carries a value, a failure its status and never a value', () => {
    const base = { rater: 'h1', rater_type: 'human', item_id: '1' };
    expect(Rating.safeParse({ ...base, status: 'ok', value: 3 }).success).toBe(true);
    expect(Rating.safeParse({ ...base, status: 'parse_error', recorded: 'garbage' }).success).toBe(true);
    expect(Rating.safeParse({ ...base, status: 'parse_error', value: 3 }).success).toBe(false);
    expect(Rating.safeParse({ ...base, status: 'ok' }).success).toBe(false);
    expect(Rating.safeParse({ ...base, status: 'garbage' }).success).toBe(false);
  });
});

/** The default experiment, run in a scratch folder (same data; fewer resamples so it stays quick). */
async function defaultRun(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-results-'));
  for (const d of ['data', 'human-labels', 'rubrics', 'schema']) await symlink(join(root, d), join(dir, d));
  await mkdir(join(dir, 'experiments'));
  const yaml = readFileSync(join(root, 'experiments/default.yaml'), 'utf8').replace(/^bootstrap: \d+$/m, 'bootstrap: 20');
  expect(yaml).toMatch(/^bootstrap: 20$/m);
  await writeFile(join(dir, 'experiments/default.yaml'), yaml);
  const r = await runExperiment(join(dir, 'experiments/default.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
  return r.runDir;
}

let runDir: string;
let stages: { name: string; kind: string }[];

beforeAll(async () => {
  runDir = await defaultRun();
  const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8'));
  stages = Object.entries(manifest.stages as Record<string, { kind: string }>).map(([name, s]) => ({ name, kind: s.kind }));
}, 300_000);

describe('every result the default run writes validates against its schema', () => {
  it('covers every stage kind of the default run', () => {
    const kinds = new Set(stages.map((s) => s.kind));
    for (const k of ['mcq', 'judge', 'agreement', 'winrate', 'swap', 'consistency', 'tuning']) expect(kinds.has(k), k).toBe(true);
  });

  it('<stage>.json: parses, and parsing keeps every key (nothing outside the schema)', async () => {
    for (const s of stages) {
      const json = JSON.parse(await readFile(join(runDir, `${s.name}.json`), 'utf8'));
      const schema = RESULT_SCHEMAS[s.kind as ResultKind];
      expect(schema, `no result schema for stage kind ${s.kind}`).toBeDefined();
      const parsed = schema.safeParse(json);
      expect(parsed.success ? null : parsed.error.issues.slice(0, 3), s.name).toBeNull();
      expect(JSON.parse(JSON.stringify(parsed.data)), s.name).toEqual(json);
    }
  });

  it('audit.json (the judge audit step of the run)', async () => {
    const json = JSON.parse(await readFile(join(runDir, 'audit.json'), 'utf8'));
    const parsed = RESULT_SCHEMAS.audit.safeParse(json);
    expect(parsed.success ? null : parsed.error.issues.slice(0, 3)).toBeNull();
    expect(JSON.parse(JSON.stringify(parsed.data))).toEqual(json);
    // one judge per fingerprint identity: every configuration of a judge has the judge's kind, endpoint and model
    expect(json.judges.length).toBeGreaterThan(0);
    for (const j of json.judges as { key: string; configurations: { fingerprint: { kind: string; endpoint: string; model: string } | null }[] }[]) {
      if (!j.configurations.length) continue;
      expect(j.key.startsWith('fingerprint:')).toBe(true);
      for (const c of j.configurations) expect(`fingerprint:${c.fingerprint!.kind}|${c.fingerprint!.endpoint}|${c.fingerprint!.model}`).toBe(j.key);
    }
    // the LLMBar "GPT-4" versus Sottana GPT-4 separation is checked on the real data in test/report/card.test.ts
  });
});
