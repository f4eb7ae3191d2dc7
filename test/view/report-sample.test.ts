/** report.html shows, under each stage with a ledger, the command and link to the viewer and the ledger's first records (escaped). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHtmlReport } from '../../src/report/index.ts';
import { ledgerSample } from '../../src/view/index.ts';
import { judgeScore, writeRunFolder } from '../helpers/run-folder.ts';

describe('report.html: a sample of each ledger and the way to the viewer', () => {
  it('reads the first records of the main ledger only', async () => {
    const run = writeRunFolder(mkdtempSync(join(tmpdir(), 'jk-view-sample-')), { items: 60 });
    const s = (await ledgerSample(run, 'judge', ['judge.judgments.jsonl', 'judge.json'], 3))!;
    expect(s.total).toBe(120);
    expect(s.file).toBe('judge.judgments.jsonl');
    const score = (i: number, m: number): number => ((judgeScore(i, m, 'accuracy') - 1) / 4) * 80 + ((judgeScore(i, m, 'clarity') - 1) / 4) * 20;
    expect(s.rows).toEqual([
      ['q0', 'model-a', 'ok', `score ${score(0, 0)}`],
      ['q0', 'model-b', 'ok', `score ${score(0, 1)}`],
      ['q1', 'model-a', 'ok', `score ${score(1, 0)}`],
    ]);
    expect(await ledgerSample(run, 'agree', [])).toBeNull();
  });

  it('links every stage with a ledger to the viewer', async () => {
    const run = writeRunFolder(mkdtempSync(join(tmpdir(), 'jk-view-sample-')), { items: 4, models: ['<img src=x onerror=alert(1)>'] });
    const { html } = await buildHtmlReport(run);
    expect(html).toContain('<code>judgekit view reports/fixture</code>');
    expect(html).toContain('<a href="http://127.0.0.1:8765/?stage=judge">');
    expect(html).toContain('<a href="http://127.0.0.1:8765/?stage=mcq">');
    expect(html).not.toContain('?stage=agree');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
  });
});
