// Defends: seeds above 2^32-1 silently reduced; a rubric scale of 10^9 running out of memory; a
// YAML alias bomb in an experiment ending as an internal error. Each is refused as bad input (exit 2).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EndpointConfig } from '../../src/schema/endpoint.ts';
import { ExperimentConfig } from '../../src/schema/experiment.ts';
import { endpointFromOptions } from '../../src/cli/endpoint-options.ts';
import { loadExperiment } from '../../src/pipeline/config.ts';
import { rubricFromValue } from '../../src/judges/rubric.ts';
import { InputError } from '../../src/io/errors.ts';
import { spawnJudgekit } from '../helpers/cli.ts';

describe('seeds', () => {
  it('are refused above 2^32-1 (and below 0) instead of reduced', () => {
    expect(EndpointConfig.safeParse({ model: 'm', seed: 2 ** 32 - 1 }).success).toBe(true);
    expect(EndpointConfig.safeParse({ model: 'm', seed: 2 ** 32 }).success).toBe(false);
    expect(EndpointConfig.safeParse({ model: 'm', seed: -1 }).success).toBe(false);
    expect(ExperimentConfig.safeParse({ id: 'x', seed: 2 ** 32 + 7, stages: [] }).error?.issues[0]?.path).toEqual(['seed']);
    expect(() => endpointFromOptions({ model: 'm', seed: String(2 ** 32) })).toThrow(/--seed .*4294967295/);
  });

  it('judgekit winrate --seed 4294967296 exits 2', async () => {
    const r = await spawnJudgekit(['winrate', new URL('../../data/simulated/human/preferences.csv', import.meta.url).pathname, '--seed', '4294967296']).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seed takes a whole number in \[0, 4294967295\]/);
  });
});

describe('rubric scales', () => {
  it('a scale of 10^9 levels is refused at once, without walking it', () => {
    const rubric = {
      id: 'huge',
      version: '1',
      scale: { min: 1, max: 1_000_000_000 },
      criteria: [{ key: 'c', description: 'd', weight: 1, anchors: { '1': 'low' } }],
      template: 'Rate {{candidate}} {{criteria}}',
    };
    let err: unknown;
    try {
      rubricFromValue(rubric, 'huge.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/at most 101 levels/);
  });
});

describe('YAML alias bombs', () => {
  it('an experiment built of nested aliases is refused as bad input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-sec-yaml-'));
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('id: bomb', 'stages: []');
    const file = join(dir, 'bomb.yaml');
    await writeFile(file, lines.join('\n') + '\n');
    const err = await loadExperiment(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/bomb\.yaml: YAML refused \(.*alias/i);
    const r = await spawnJudgekit(['run', file, '--out', join(dir, 'reports')], { cwd: dir }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/YAML refused/);
    expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/i);
  });
});
