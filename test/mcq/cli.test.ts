import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { McqRecord, McqResult } from '../../src/schema/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/judgekit.js');
const items = join(root, 'data/medcmr-sample/cmed.copy.mcq_cate.cleaned.json');
const responses = join(root, 'data/medcmr-sample/responses.jsonl');

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [bin, 'mcq', ...args], { cwd: root, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('judgekit mcq', () => {
  it('scores the shipped demo sample and writes records and result atomically', { timeout: 60_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'jk-mcq-'));
    const r = await run(['--items', items, '--responses', responses, '--out', out, '--json', '--bootstrap', '200']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = McqResult.parse(JSON.parse(r.stdout));
    expect(Object.keys(res.models)).toEqual(['demo-general-7b', 'demo-medical-7b', 'demo-large-72b']);
    expect(res).toMatchObject({ n_items: 40, seed: 20260101, resamples: 200 });
    const general = res.models['demo-general-7b']!;
    expect(general.n).toBe(40);
    expect(general.missing).toBeGreaterThan(0);
    expect(general.correct + general.invalid + general.missing).toBeLessThanOrEqual(40);
    expect((await readdir(out)).sort()).toEqual(['mcq.json', 'mcq.md', 'mcq_records.jsonl']);
    expect(JSON.parse(await readFile(join(out, 'mcq.json'), 'utf8'))).toEqual(res);
    const recs = (await readFile(join(out, 'mcq_records.jsonl'), 'utf8')).trim().split('\n').map((l) => McqRecord.parse(JSON.parse(l)));
    expect(recs).toHaveLength(120);
    // the result is the fold of the records it wrote
    const ok = recs.filter((x) => x.model === 'demo-large-72b' && x.correct === true).length;
    expect(res.models['demo-large-72b']!.correct).toBe(ok);
  });

  it('prints Markdown tables without --json', { timeout: 60_000 }, async () => {
    const r = await run(['--items', items, '--responses', responses, '--bootstrap', '50']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## MCQ accuracy');
    expect(r.stdout).toContain('| Model | SOD | FDD | SU | TP | CR | LTG | MSI | All |');
  });

  it('fails with exit 2, file:line:field, and writes nothing on bad input', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-mcq-bad-'));
    const bad = join(dir, 'responses.jsonl');
    await writeFile(bad, '{"item_id":"mcq-1001","model":"m","output":"C"}\n{"item_id":"mcq-9","model":"m","output":"C"}\n');
    const out = join(dir, 'out');
    const r = await run(['--items', items, '--responses', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2: field "item_id"`);
    await expect(readdir(out)).rejects.toThrow();
    const r2 = await run(['--items', items, '--responses', responses, '--bootstrap', 'many']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--bootstrap/);
  });
});
