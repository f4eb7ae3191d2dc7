import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/pipeline/config.ts';
import { InputError } from '../../src/io/errors.ts';
import { projectWithDatasets } from '../helpers/datasets.ts';

async function cfg(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-cfg-'));
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

async function failure(p: string): Promise<InputError> {
  try {
    await loadExperiment(p);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('experiment configs', () => {
  it('loads YAML and fills defaults', async () => {
    const p = await cfg('e.yaml', 'id: demo\nstages:\n  - name: m\n    kind: mcq\n    items: i.jsonl\n    responses: r.jsonl\n');
    const e = await loadExperiment(p);
    expect(e.config.seed).toBe(20260101);
    expect(e.config.bootstrap).toBe(1000);
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the line and field of a bad YAML value', async () => {
    const p = await cfg('e.yaml', 'id: demo\nseed: 3\nstages:\n  - name: m\n    kind: mcq\n    items: i.jsonl\n    responses: 7\n');
    const e = await failure(p);
    expect(e.line).toBe(7);
    expect(e.field).toBe('stages.0.responses');
  });

  it('names an unknown stage kind and a duplicate stage name', async () => {
    const bad = await failure(await cfg('e.yaml', 'id: demo\nstages:\n  - name: m\n    kind: nope\n'));
    expect(bad.field).toBe('stages.0.kind');
    const dup = await failure(
      await cfg('e.yaml', 'id: demo\nstages:\n  - {name: m, kind: mcq, items: a, responses: b}\n  - {name: m, kind: mcq, items: a, responses: b}\n'),
    );
    expect(dup.field).toBe('stages.1.name');
    expect(dup.line).toBe(4);
  });

  it('reports malformed YAML and JSON', async () => {
    expect((await failure(await cfg('e.yaml', 'id: [demo\n'))).message).toMatch(/malformed YAML/);
    expect((await failure(await cfg('e.json', '{"id": '))).message).toMatch(/malformed JSON/);
  });
});

describe('the shipped experiments (with the public datasets where `datasets get` puts them)', async () => {
  const dir = join(await projectWithDatasets(), 'experiments');

  it('every experiments/*.yaml is a valid config whose input files exist', async () => {
    const { readdir, access } = await import('node:fs/promises');
    const { stageInputs } = await import('../../src/pipeline/run.ts');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
    expect(files).toContain('default.yaml');
    for (const f of files) {
      const e = await loadExperiment(join(dir, f));
      for (const s of e.config.stages) for (const input of stageInputs(s, e.dir)) await access(input);
    }
  });

  it('the live-judge experiment estimates its calls and cost offline, without a key, sending nothing', async () => {
    const { runExperiment } = await import('../../src/pipeline/run.ts');
    const lines: string[] = [];
    const saved = process.env.DEEPSEEK_API_KEY;
    delete process.env.DEEPSEEK_API_KEY;
    try {
      const out = await mkdtemp(join(tmpdir(), 'jk-dry-'));
      const res = await runExperiment(join(dir, 'sottana-deepseek.yaml'), { reportsDir: out, cacheDir: join(out, 'cache'), dryRun: true, log: (m) => lines.push(m) });
      expect(res.ran).toEqual([]);
      const text = lines.join('\n');
      expect(text).toMatch(/\[judge-deepseek\] dry run \(nothing sent\): 400 judgments, 800 calls/);
      expect(text).toMatch(/estimated cost: \$\d+\.\d{4}/);
      expect(text).toMatch(/\[judges-vs-humans\] dry run: not estimated/);
    } finally {
      if (saved !== undefined) process.env.DEEPSEEK_API_KEY = saved;
    }
  });
});
