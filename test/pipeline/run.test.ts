import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { InputError } from '../../src/io/errors.ts';
import { RunManifest } from '../../src/schema/index.ts';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-run-'));
  await cp(join(root, 'data/medcmr-sample'), join(dir, 'data'), { recursive: true });
  await writeFile(
    join(dir, 'exp.yaml'),
    [
      'id: t',
      'seed: 7',
      'bootstrap: 200',
      'stages:',
      '  - name: a',
      '    kind: mcq',
      '    items: data/cmed.copy.mcq_cate.cleaned.json',
      '    responses: data/responses.jsonl',
      '  - name: b',
      '    kind: mcq',
      '    items: data/cmed.copy.mcq_cate.cleaned.json',
      '    responses: data/responses.jsonl',
      '',
    ].join('\n'),
  );
  return dir;
}

const quiet = { log: () => {} };

describe('judgekit run', () => {
  it('writes ledgers, a valid manifest and report.md, and resumes without rerunning finished stages', async () => {
    const dir = await workspace();
    const reports = join(dir, 'reports');
    const first = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: reports, ...quiet });
    expect(first.ran).toEqual(['a', 'b']);
    const runDir = join(reports, 't');
    const files = (await readdir(runDir)).sort();
    expect(files).toEqual(expect.arrayContaining(['a.json', 'a.md', 'a.mcq_records.jsonl', 'b.json', 'b.md', 'b.mcq_records.jsonl', 'manifest.json', 'report.md']));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const firstResult = await readFile(join(runDir, 'a.json'), 'utf8');
    const firstStarted = (JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as RunManifest).stages.a!.started_at;
    const manifest = RunManifest.parse(JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')));
    expect(manifest.stages.a!.status).toBe('done');
    expect(manifest.stages.a!.inputs).toHaveLength(2);
    expect(manifest.stages.a!.inputs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const ledger = (await readFile(join(runDir, 'a.mcq_records.jsonl'), 'utf8')).trim().split('\n');
    const byStatus: Record<string, number> = {};
    for (const l of ledger) {
      const s = JSON.parse(l).status as string;
      byStatus[s] = (byStatus[s] ?? 0) + 1;
    }
    expect(manifest.stages.a!.counts).toEqual(byStatus);
    expect(manifest.counts_by_status.ok).toBe(2 * byStatus.ok!);
    const report = await readFile(join(runDir, 'report.md'), 'utf8');
    expect(report).toContain('## a');
    expect(report).toContain('### MCQ accuracy');

    const second = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: reports, ...quiet });
    expect(second.ran).toEqual([]);
    expect(second.skipped).toEqual(['a', 'b']);
    expect(await readFile(join(runDir, 'a.json'), 'utf8')).toBe(firstResult);
    expect(second.manifest.stages.a!.started_at).toBe(firstStarted);

    // a changed input reruns the stages that read it
    const resp = join(dir, 'data/responses.jsonl');
    const lines = (await readFile(resp, 'utf8')).trim().split('\n');
    await writeFile(resp, lines.slice(0, -1).join('\n') + '\n');
    const third = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: reports, ...quiet });
    expect(third.ran).toEqual(['a', 'b']);

    // --fresh reruns everything
    const fourth = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: reports, fresh: true, ...quiet });
    expect(fourth.ran).toEqual(['a', 'b']);
  });

  it('fails on bad input with one error naming the file, line and field, and leaves no half-written output', async () => {
    const dir = await workspace();
    const resp = join(dir, 'data/responses.jsonl');
    const lines = (await readFile(resp, 'utf8')).trim().split('\n');
    lines[4] = JSON.stringify({ item_id: 'mcq-nope', model: 'm', output: 'A' });
    await writeFile(resp, lines.join('\n') + '\n');
    const reports = join(dir, 'reports');
    await expect(runExperiment(join(dir, 'exp.yaml'), { reportsDir: reports, ...quiet })).rejects.toThrow(InputError);
    const files = await readdir(join(reports, 't'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toEqual(['manifest.json']); // no ledger, no result, no report from the failed stage
    const manifest = JSON.parse(await readFile(join(reports, 't', 'manifest.json'), 'utf8'));
    expect(manifest.stages.a.status).toBe('failed');
    expect(manifest.stages.a.error).toMatch(/responses\.jsonl:5: field "item_id"/);

    // through the binary: exit code 2 and one line on stderr
    const res = await run('node', [join(root, 'bin/judgekit.js'), 'run', join(dir, 'exp.yaml'), '--out', reports], { cwd: dir }).catch((e) => e);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(2); // the stage line, then the error
    expect(res.stderr).toMatch(/^judgekit: .*responses\.jsonl:5: field "item_id": no item with id "mcq-nope"$/m);
  });
});
