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

  it('an unknown key anywhere is an error naming the file, the line and the key', async () => {
    const top = await failure(await cfg('e.yaml', 'id: demo\nbootstrapp: 10\nstages:\n  - {name: m, kind: mcq, items: a, responses: b}\n'));
    expect(top.message).toMatch(/e\.yaml:2: field "bootstrapp": unknown key "bootstrapp"/);
    const inStage = await failure(await cfg('e.yaml', 'id: demo\nstages:\n  - name: c\n    kind: consistency\n    pairs: p.csv\n    treshold: 5\n'));
    expect([inStage.line, inStage.field]).toEqual([6, 'stages.0.treshold']);
    const nested = await failure(
      await cfg('e.yaml', 'id: demo\nstages:\n  - name: j\n    kind: judge\n    items: a\n    responses: b\n    rubric: r\n    judge:\n      kind: llm\n      endpoint:\n        model: m\n        temprature: 0\n'),
    );
    expect([nested.line, nested.field]).toEqual([12, 'stages.0.judge.endpoint.temprature']);
    const json = await failure(await cfg('e.json', JSON.stringify({ id: 'demo', stages: [{ name: 'm', kind: 'mcq', items: 'a', responses: 'b', seed: 3 }] })));
    expect(json.field).toBe('stages.0.seed');
  });

  it('a stage that reads a stage names an earlier stage of the right kind', async () => {
    const later = await failure(await cfg('e.yaml', 'id: demo\nstages:\n  - {name: w, kind: winrate, judge_stage: {stage: j}}\n  - {name: j, kind: mcq, items: a, responses: b}\n'));
    expect(later.message).toMatch(/stage "w" reads stage "j", which is not an earlier stage/);
    expect(later.line).toBe(3);
    const kind = await failure(await cfg('e.yaml', 'id: demo\nstages:\n  - {name: j, kind: mcq, items: a, responses: b}\n  - {name: w, kind: winrate, judge_stage: {stage: j}}\n'));
    expect(kind.message).toMatch(/as a judge stage, but it is a mcq stage/);
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

  it('the live-judge experiment estimates its calls and cost offline, without a key, sending and writing nothing', async () => {
    const { planExperiment, renderPlan } = await import('../../src/pipeline/plan.ts');
    const saved = process.env.DEEPSEEK_API_KEY;
    delete process.env.DEEPSEEK_API_KEY;
    try {
      const out = await mkdtemp(join(tmpdir(), 'jk-dry-'));
      const plan = await planExperiment(join(dir, 'sottana-deepseek.yaml'), { reportsDir: join(out, 'reports'), cacheDir: join(out, 'cache') });
      expect(plan.stages.map((s) => s.name)).toEqual(['judge-gpt4-replay', 'judge-deepseek', 'deepseek-validation', 'judges-vs-humans']);
      const ds = plan.stages[1]!;
      // 100 articles × 4 systems = 400 judgments, two calls each (as `judgekit judge --dry-run` counts them); 200 expected output tokens per call
      expect(ds.estimate).toMatchObject({ calls: 800, cached: 0, output_tokens: 800 * 200 });
      // price: 0.28 $/M input, 0.42 $/M output
      expect(ds.estimate.cost_usd).toBeCloseTo((ds.estimate.input_tokens! * 0.28 + 800 * 200 * 0.42) / 1e6, 12);
      expect(plan.stages[0]!.estimate).toMatchObject({ calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 });
      expect(plan.stages[2]!.reads.stages).toEqual(['judge-deepseek']);
      expect(plan.stages[3]!.reads.stages).toEqual(['judge-gpt4-replay', 'judge-deepseek']);
      expect(plan.total.calls).toBe(800);
      expect(renderPlan(plan)).toMatch(/estimated cost \$\d+\.\d{4}/);
      const { readdir } = await import('node:fs/promises');
      expect(await readdir(out)).toEqual([]); // no run folder, no cache folder
    } finally {
      if (saved !== undefined) process.env.DEEPSEEK_API_KEY = saved;
    }
  });
});
