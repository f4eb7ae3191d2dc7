import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, symlink, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATION, simulateMedCmr, medcmrScore, ratingDistribution } from '../../src/simulate/medcmr.ts';
import { evaluate, renderTruthSection } from '../../src/simulate/truth-report.ts';
import { runExperiment } from '../../src/pipeline/run.ts';
import { hashFile } from '../../src/io/hash.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/judgekit.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('judgekit simulate', () => {
  it('the committed data/simulated is exactly what `simulate --seed 20260101` writes, marked synthetic everywhere', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'jk-sim-')), 'sim');
    const p = run(['simulate', '--seed', '20260101', '--out', out, '--json']);
    expect(p.status, p.stderr).toBe(0);
    const files = (JSON.parse(p.stdout) as { files: string[] }).files.filter((f) => f !== 'manifest.json');
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect((await hashFile(join(out, f))).sha256, f).toBe((await hashFile(join(ROOT, 'data/simulated', f))).sha256);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/^---\nsynthetic: true\n---\n# SYNTHETIC/);
    expect(JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')).synthetic).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).synthetic).toBe(true);
    const resp = readFileSync(join(out, 'mcq/responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(resp.every((r) => r.meta.synthetic === true && typeof r.meta.size === 'number')).toBe(true);
  });

  it('the same seed gives the same study, another seed another; options shape it', () => {
    const a = simulateMedCmr({ ...DEFAULT_SIMULATION, seed: 5, items: 14, models: 4 });
    const b = simulateMedCmr({ ...DEFAULT_SIMULATION, seed: 5, items: 14, models: 4 });
    const c = simulateMedCmr({ ...DEFAULT_SIMULATION, seed: 6, items: 14, models: 4 });
    expect([...a.files]).toEqual([...b.files]);
    expect(a.files.get('mcq/responses.jsonl')).not.toBe(c.files.get('mcq/responses.jsonl'));
    const release = JSON.parse(a.files.get('mcq/cmed.copy.mcq_cate.cleaned.json')!) as Record<string, unknown>[];
    expect(release).toHaveLength(14);
    expect(new Set(release.map((r) => r.task))).toEqual(new Set(['SOD', 'FDD', 'SU', 'TP', 'CR', 'LTG', 'MSI']));
    for (const k of ['index', 'question', 'image_path', 'A', 'B', 'C', 'D', 'E', 'answer', 'visual_description', 'subtype', 'question type', 'modality', 'organ system']) expect(release[0]).toHaveProperty(k);
    expect(Object.keys(a.truth.mcq.accuracy)).toEqual(['sim-general-4b', 'sim-medical-4b', 'sim-general-8b', 'sim-medical-8b']);
  });

  it('bad options are user errors (exit 2); a folder with foreign files is not overwritten', async () => {
    expect(run(['simulate', '--seed', '1', '--out', join(tmpdir(), 'x'), '--models', '9']).status).toBe(2);
    expect(run(['simulate', '--seed', 'abc', '--out', join(tmpdir(), 'x')]).status).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'jk-sim-'));
    await writeFile(join(dir, 'mine.txt'), 'keep me');
    const p = run(['simulate', '--seed', '1', '--out', dir]);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/did not write/);
    expect(await readdir(dir)).toEqual(['mine.txt']);
  });
});

describe('the truths are the expectations of what the simulation draws (Monte Carlo over seeds)', () => {
  it('expected MCQ accuracy, judge win ratios and swap flip rate match the average realised values over 60 seeds', () => {
    const R = 60;
    let acc = 0, accTruth = 0, flip = 0, flipTruth = 0;
    for (let seed = 1; seed <= R; seed++) {
      const s = simulateMedCmr({ seed, items: 14, models: 2, humanItems: 7, preferenceItems: 7 });
      const pairs = parse(s.files.get('pairs.csv')!, { columns: true }) as Record<string, string>[];
      const mine = pairs.filter((r) => r.model === 'sim-general-4b');
      acc += mine.filter((r) => r.mcq_correct === '1').length / mine.length;
      accTruth += s.truth.mcq.accuracy['sim-general-4b']!;
      const d = JSON.parse(s.files.get('swap/verdicts.json')!).sets['simulated/open-pairs'];
      const v = d.judges['sim-judge-lite/pairwise'];
      let n = 0, f = 0;
      v.swap_false.forEach((a: number | null, i: number) => {
        const b = v.swap_true[i];
        if (a && b) (n++, (f += a !== b ? 1 : 0));
      });
      flip += f / n;
      flipTruth += s.truth.swap['sim-judge-lite/pairwise']!.flip_rate;
    }
    // standard errors over 60 seeds are about 0.01 and 0.015
    expect(Math.abs(acc / R - accTruth / R)).toBeLessThan(0.035);
    expect(Math.abs(flip / R - flipTruth / R)).toBeLessThan(0.045);
  });

  it('the rating distribution and the Med-CMR aggregate', () => {
    const p = ratingDistribution(3.2, 0.5);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // P(round(3.2 + N(0, 0.25)) = 3) = Φ(0.6) − Φ(−1.4)
    expect(p[2]).toBeCloseTo(0.7257468822 - 0.0807566592, 8);
    expect(medcmrScore([5, 5, 5, 5])).toBe(100);
    expect(medcmrScore([1, 1, 1, 1])).toBe(0);
    expect(medcmrScore([5, 5, 1, 1])).toBe(20); // weights 1/1/4/4
  });
});

describe('truth sections', () => {
  it('evaluate walks paths, finds array rows, takes differences and means; a missing place is undefined', () => {
    const r = { a: { b: { value: 0.5, ci_low: 0.4 } }, rows: [{ judge: 'x', s: 2 }, { judge: 'y', s: 4 }], m: { p: 1, q: 3 } };
    expect(evaluate(r, { path: ['a', 'b'] })).toBe(0.5);
    expect(evaluate(r, { path: ['rows', { find: 'judge', equals: 'y' }, 's'] })).toBe(4);
    expect(evaluate(r, { minus: [{ path: ['m', 'q'] }, { mean: [{ path: ['m', 'p'] }, { path: ['m', 'q'] }] }] })).toBe(1);
    expect(evaluate(r, { path: ['a', 'nowhere'] })).toBeUndefined();
    const md = renderTruthSection({ title: 't', checks: [{ quantity: 'q', truth: 0.45, estimate: { path: ['a', 'b'] }, interval: [{ path: ['a', 'b', 'ci_low'] }, { path: ['a', 'b', 'ci_high'] }] }, { quantity: 'w', truth: 'x', estimate: { path: ['rows', 0, 'judge'] } }] }, r);
    expect(md).toContain('| q | 0.500 | 0.400 – — | 0.450 |  |');
    expect(md).toContain('| w | x |  | x | same |');
  });

  it('the default experiment runs every stage on the simulated study, offline, and every truth row finds its estimate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-default-'));
    await cp(join(ROOT, 'experiments/default.yaml'), join(dir, 'experiments/default.yaml'));
    await writeFile(join(dir, 'experiments/default.yaml'), (await readFile(join(dir, 'experiments/default.yaml'), 'utf8')).replace(/^bootstrap: \d+$/m, 'bootstrap: 100').replace(/^    bootstrap: \d+$/gm, '    bootstrap: 50'));
    for (const d of ['data', 'rubrics']) await symlink(join(ROOT, d), join(dir, d));
    const res = await runExperiment(join(dir, 'experiments/default.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    const manifest = JSON.parse(await readFile(join(res.runDir, 'manifest.json'), 'utf8'));
    const stages = Object.entries(manifest.stages as Record<string, { status: string }>);
    expect(stages.map(([n]) => n)).toEqual(['mcq', 'judge-sim', 'judge-sim-lite', 'judge-sim-labelled', 'judge-validation', 'win-ratios', 'swap-consistency', 'mcq-open-consistency', 'judge-tuning']);
    for (const [name, st] of stages) expect(st.status, name).toBe('done');
    const truth = JSON.parse(readFileSync(join(ROOT, 'data/simulated/truth.json'), 'utf8'));
    const report = await readFile(join(res.runDir, 'report.md'), 'utf8');
    for (const [section, body] of Object.entries(truth.checks as Record<string, { title: string; checks: unknown[] }>)) {
      expect(report).toContain(`### Truth (simulated data): ${body.title}`);
      expect(body.checks.length, section).toBeGreaterThan(0);
    }
    // every estimate was found (no "—" in an estimate cell)
    const truthRows = report.split('### Truth').slice(1).flatMap((s) => s.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| quantity')));
    expect(truthRows.length).toBeGreaterThan(100);
    for (const l of truthRows) expect(l.split('|')[2]!.trim(), l).not.toBe('—');
    expect(report).toMatch(/The truth lies inside \d+ of 6 intervals/);
    // The MCQ reader read every messy reply as the simulation meant it: its correct and invalid
    // counts are the simulation's own (pairs.csv: 1 correct, 0 wrong, empty = unreadable).
    const mcq = JSON.parse(await readFile(join(res.runDir, 'mcq.json'), 'utf8')) as { models: Record<string, { correct: number; invalid: number }> };
    const pairs = parse(readFileSync(join(ROOT, 'data/simulated/pairs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    for (const [m, r] of Object.entries(mcq.models)) {
      const mine = pairs.filter((p) => p.model === m);
      expect([r.correct, r.invalid], m).toEqual([mine.filter((p) => p.mcq_correct === '1').length, mine.filter((p) => p.mcq_correct === '').length]);
    }
  }, 300_000);
});
