import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/pipeline/config.ts';
import { InputError } from '../../src/io/errors.ts';

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
