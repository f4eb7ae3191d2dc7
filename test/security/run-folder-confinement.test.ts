// Defends: a manifest.json that lists outputs outside the run folder (`../../victim.txt`) made
// `judgekit run` delete them, and `judgekit report` inlined a `<name>.md` from outside the folder.
// Manifests are validated on read; every path resolves inside the run folder or is refused. Also
// the run-folder lock: two runs on one folder at once.
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { InputError } from '../../src/io/errors.ts';
import { lockFolder } from '../../src/io/lock.ts';
import { renderRunReport } from '../../src/pipeline/report.ts';
import { RunManifest } from '../../src/schema/index.ts';
import { spawnJudgekit } from '../helpers/cli.ts';

const root = new URL('../../', import.meta.url).pathname;
const quiet = { log: () => {} };

async function workspace(): Promise<{ dir: string; exp: string; reports: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-sec-run-'));
  await cp(join(root, 'data/medcmr-sample'), join(dir, 'data'), { recursive: true });
  const exp = join(dir, 'exp.yaml');
  await writeFile(exp, ['id: t', 'seed: 7', 'bootstrap: 50', 'stages:', '  - name: a', '    kind: mcq', '    items: data/cmed.copy.mcq_cate.cleaned.json', '    responses: data/responses.jsonl', ''].join('\n'));
  return { dir, exp, reports: join(dir, 'reports') };
}

describe('judgekit run and a hostile manifest.json', () => {
  it('refuses a manifest whose outputs lead out of the run folder, and deletes nothing', async () => {
    const { dir, exp, reports } = await workspace();
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    const first = await runExperiment(exp, { reportsDir: reports, ...quiet });
    const m = JSON.parse(await readFile(join(first.runDir, 'manifest.json'), 'utf8'));
    // A stage that left the config: its outputs are "stale" and would be removed.
    m.stages.gone = { ...m.stages.a, outputs: ['../../victim.txt'] };
    await writeFile(join(first.runDir, 'manifest.json'), JSON.stringify(m));
    const err = await runExperiment(exp, { reportsDir: reports, ...quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/manifest\.json.*stages\.gone\.outputs\.0.*inside the run folder.*--fresh/);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    // --fresh does not read it, and the run goes on.
    await runExperiment(exp, { reportsDir: reports, fresh: true, ...quiet });
    expect(await readFile(victim, 'utf8')).toBe('precious');
  });

  it('refuses absolute outputs too', () => {
    const base = { kind: 'mcq', status: 'done', started_at: '', finished_at: '', duration_ms: 0, key: '', inputs: [], counts: {}, cost_usd: 0 };
    for (const bad of ['/etc/passwd', '..', 'a/../../b', '..\\x', 'C:\\x']) {
      const m = { run_id: 'r', experiment: 'e', config_path: 'c', config: {}, config_hash: 'h', judgekit_version: 'v', node_version: 'n', started_at: '', finished_at: null, stages: { a: { ...base, outputs: [bad] } }, counts_by_status: {}, cost_usd: { judge: 0, candidates: 0 }, timings_ms: {} };
      expect(RunManifest.safeParse(m).success, bad).toBe(false);
    }
  });
});

describe('judgekit report and a hostile manifest.json', () => {
  it('exits 2 when a stage name would read a file outside the run folder, and inlines nothing of it', async () => {
    const { dir, exp, reports } = await workspace();
    const first = await runExperiment(exp, { reportsDir: reports, ...quiet });
    await writeFile(join(dir, 'secret.md'), 'TOP-SECRET-CONTENT');
    const m = JSON.parse(await readFile(join(first.runDir, 'manifest.json'), 'utf8'));
    m.config.stages[0].name = '../../secret';
    m.stages['../../secret'] = m.stages.a;
    await writeFile(join(first.runDir, 'manifest.json'), JSON.stringify(m));
    const out = join(dir, 'out');
    const r = await spawnJudgekit(['report', first.runDir, '--out', out], { cwd: dir }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest\.json: field "stages\.\.\.\/\.\.\/secret": Invalid key/);
    expect(existsSync(join(out, 'report.md'))).toBe(false);
  });

  it('refuses a config stage name that is a path even when no stage record carries it', async () => {
    const { exp, reports } = await workspace();
    const first = await runExperiment(exp, { reportsDir: reports, ...quiet });
    const m = JSON.parse(await readFile(join(first.runDir, 'manifest.json'), 'utf8'));
    m.config.stages[0].name = '../../secret';
    expect(RunManifest.safeParse(m).error?.issues[0]?.message).toMatch(/stage names/);
  });

  it('does not follow a stage Markdown file that is a symlink out of the run folder', async () => {
    const { dir, exp, reports } = await workspace();
    const first = await runExperiment(exp, { reportsDir: reports, ...quiet });
    await writeFile(join(dir, 'secret.md'), 'TOP-SECRET-CONTENT');
    const { rm } = await import('node:fs/promises');
    await rm(join(first.runDir, 'a.md'));
    await symlink(join(dir, 'secret.md'), join(first.runDir, 'a.md'));
    const md = await renderRunReport(first.runDir, first.manifest);
    expect(md).not.toContain('TOP-SECRET-CONTENT');
    expect(md).toContain('section refused');
  });
});

describe('two runs on one run folder', () => {
  it('the second is refused with a message naming the holder', async () => {
    const { exp, reports } = await workspace();
    const runDir = join(reports, 't');
    await mkdir(runDir, { recursive: true });
    // Held by this test as if by another run: the lock file names a live process of another pid.
    const other = lockFolder(runDir, 'the run folder');
    const lockPath = join(runDir, '.judgekit.lock');
    const holder = JSON.parse(await readFile(lockPath, 'utf8'));
    other.release();
    await writeFile(lockPath, JSON.stringify({ ...holder, pid: process.ppid, command: 'judgekit run exp.yaml' }));
    const err = await runExperiment(exp, { reportsDir: reports, ...quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`the run folder ${runDir} is in use by judgekit process ${process.ppid}`);
    expect((err as Error).message).toContain('judgekit run exp.yaml');
    expect(existsSync(join(runDir, 'manifest.json'))).toBe(false);
  });
});
