/**
 * The judge-validation and winrate-study templates run offline as `judgekit init` writes them, and
 * a stage that is not optional but reads a skipped one fails with a sentence saying so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initStudy } from '../../src/init/index.ts';
import { runExperiment } from '../../src/pipeline/run.ts';
import { InputError } from '../../src/io/errors.ts';

describe('judgekit init: the other studies', () => {
  it.each(['judge-validation', 'winrate-study'])('%s runs offline as written', async (study) => {
    const dir = mkdtempSync(join(tmpdir(), `jk-init-${study}-`));
    const files = await initStudy(study, dir);
    expect(files[0]).toBe(`${study}.yaml`);
    const res = await runExperiment(join(dir, `${study}.yaml`), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    expect(Object.values(res.manifest.stages).every((s) => s.status === 'done')).toBe(true);
    if (study === 'judge-validation') {
      // the human-vs-judge win ratios compare the human mean and the judge per rubric criterion
      const wr = JSON.parse(readFileSync(join(res.runDir, 'win-ratios.json'), 'utf8'));
      expect(Object.keys(wr.raters).sort()).toEqual(['humans', 'sim-judge']);
      expect(Object.keys(wr.dimensions).sort()).toEqual(['coherence', 'consistency', 'ground_truth_correctness', 'visual_accuracy']);
      expect(wr.compare).toMatchObject({ rater_a: 'humans', rater_b: 'sim-judge' });
    }
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('a stage that is not optional and reads a skipped stage is an error naming both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-init-skip-'));
    await initStudy('judge-validation', dir);
    const yaml = readFileSync(join(dir, 'judge-validation.yaml'), 'utf8')
      .replace('  - name: judge\n    kind: judge\n', '  - name: judge\n    kind: judge\n    optional: true\n')
      .replace('verdicts: judge-validation/verdicts.jsonl', 'verdicts: judge-validation/absent.jsonl');
    writeFileSync(join(dir, 'judge-validation.yaml'), yaml);
    const res = await runExperiment(join(dir, 'judge-validation.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    expect(res.ran).toEqual([]);
    const m = JSON.parse(readFileSync(join(dir, 'reports', 'judge-validation', 'manifest.json'), 'utf8'));
    expect(Object.fromEntries(Object.entries(m.stages).map(([k, v]) => [k, (v as { status: string; note?: string }).note]))).toEqual({
      judge: 'optional stage skipped: its input judge-validation/absent.jsonl is absent',
      'judge-validation': 'optional stage skipped: it reads stage "judge", which was skipped',
      'win-ratios': 'optional stage skipped: it reads stage "judge", which was skipped',
      corrected: 'optional stage skipped: it reads stage "judge", which was skipped',
    });
    writeFileSync(join(dir, 'judge-validation.yaml'), yaml.replace('    kind: agreement\n    optional: true\n', '    kind: agreement\n'));
    const err2 = await runExperiment(join(dir, 'judge-validation.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(InputError);
    expect((err2 as Error).message).toContain('stage "judge-validation" reads stage "judge", which was skipped (optional stage skipped: its input judge-validation/absent.jsonl is absent); make this stage optional too');
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
