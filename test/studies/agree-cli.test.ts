import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataset } from '../helpers/datasets.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const PANDALM = join(await dataset('pandalm'), 'labels.csv');
const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/judgekit.js'), 'agree', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('judgekit agree (end to end on the shipped PandaLM labels)', () => {
  it('--judge gpt-3.5-turbo --json: the JSON contract and the published κ', () => {
    const out = mkdtempSync(join(tmpdir(), 'agree-'));
    try {
      const p = run([PANDALM, '--judge', 'gpt-3.5-turbo', '--exclude-raters', 'pandalm-7b', '--bootstrap', '50', '--seed', '3', '--json', '--out', out]);
      expect(p.status, p.stderr).toBe(0);
      const r = JSON.parse(p.stdout);
      for (const k of ['n_items', 'raters', 'krippendorff_alpha', 'fleiss_kappa', 'gwet_ac1', 'icc', 'pairs', 'judge_validation']) expect(r).toHaveProperty(k);
      expect(r.n_items).toBe(999);
      expect(r.raters).toEqual(['annotator1', 'annotator2', 'annotator3', 'gpt-3.5-turbo']);
      const pair = r.pairs[0];
      for (const k of ['a', 'b', 'n', 'percent_agreement', 'cohen_kappa', 'weighted_kappa_linear', 'weighted_kappa_quadratic', 'pearson', 'spearman', 'kendall_tau_b']) expect(pair).toHaveProperty(k);
      expect(pair.cohen_kappa.value).toBeCloseTo(0.852, 4);
      expect(Object.keys(pair.cohen_kappa)).toEqual(['value', 'ci_low', 'ci_high']);
      const alt = r.judge_validation.alt_test;
      for (const k of ['epsilon', 'winning_rate', 'passed', 'advantage_probability']) expect(alt).toHaveProperty(k);
      expect(alt.epsilon).toBe(0.2);
      expect(r.judge_validation.judge_failures).toBe(25);
      expect(p.stdout).not.toMatch(/NaN/);
      expect(JSON.parse(readFileSync(join(out, 'agreement.json'), 'utf8'))).toEqual(r);
      expect(readFileSync(join(out, 'agreement.md'), 'utf8')).toMatch(/Alternative annotator test/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('Markdown by default; --epsilon is reported', () => {
    const p = run([PANDALM, '--judge', 'gpt-3.5-turbo', '--exclude-raters', 'pandalm-7b', '--bootstrap', '0', '--epsilon', '0.1']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^## Agreement and judge validation: gpt-3.5-turbo/);
    expect(p.stdout).toMatch(/ε = 0.1/);
  });

  it('bad input is one line on stderr and exit code 2', () => {
    const p = run([PANDALM, '--judge', 'nobody', '--bootstrap', '0']);
    expect(p.status).toBe(2);
    expect(p.stderr.trim().split('\n')).toHaveLength(1);
    expect(p.stderr).toMatch(/judge "nobody"/);
    // garbage is a failure by default; declared a value, it cannot be ordinal
    const ok = run([PANDALM, '--level', 'ordinal', '--bootstrap', '0', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    const q = run([PANDALM, '--level', 'ordinal', '--bootstrap', '0', '--failure-values', '']);
    expect(q.status).toBe(2);
    expect(q.stderr).toMatch(/numeric values.*"garbage"/);
    const e = run([PANDALM, '--level', 'fuzzy']);
    expect(e.status).toBe(2);
  });
});
