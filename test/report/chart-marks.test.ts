/**
 * Every chart of report.html, read from its SVG in headless Chromium: no axis repeats a tick label
 * (`67% 67% 67%`), no tick label is in exponent notation (`2e+1`), and every scatter of named points
 * names them (a text label per point, or a legend). Each chart is screenshotted to test/.artifacts/charts/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { writeHtmlReport } from '../../src/report/index.ts';

const available = existsSync(CHROMIUM);
const ARTIFACTS = resolve('test/.artifacts/charts');
if (!available && !process.env.CI) console.warn(`\n*** chart marks test SKIPPED: Chromium not found at ${CHROMIUM} ***\n`);

interface ChartFacts {
  id: string;
  axes: string[][];
  symbols: number;
  texts: number;
  legends: number;
  cellTexts: string[];
  legendTexts: string[];
  titles: string[];
}

(available || process.env.CI ? describe : describe.skip)('report.html charts, read from their SVG', () => {
  let browser: BrowserContext | undefined;
  let profile = '';
  beforeAll(async () => {
    ({ browser, profile } = await launchChromium({ width: 1360, height: 900 }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('no repeated or exponent tick labels; named points are named', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const dir = await mkdtemp(join(tmpdir(), 'jk-marks-'));
    const out = join(dir, 'report.html');
    // JK_CHART_RUN=reports/default checks another run folder the same way (e.g. after `judgekit run`)
    const report = await writeHtmlReport(process.env.JK_CHART_RUN ?? 'test/fixtures/report/run', out);
    const page = await browser!.newPage();
    await page.goto(pathToFileURL(out).href);
    const facts = (await page.evaluate(`[...document.querySelectorAll('figure.chart')].map((f) => {
      const svg = f.querySelector('svg');
      const axes = [...svg.querySelectorAll('g.role-axis')].map((a) => [...a.querySelectorAll('g.role-axis-label text')].map((t) => t.textContent));
      return {
        id: f.id,
        axes,
        symbols: svg.querySelectorAll('g.mark-symbol.role-mark path').length,
        texts: [...svg.querySelectorAll('g.mark-text.role-mark text')].filter((t) => t.textContent.trim()).length,
        legends: svg.querySelectorAll('g.role-legend').length,
        cellTexts: [...svg.querySelectorAll('g.mark-text.role-mark text')].map((t) => t.textContent),
        legendTexts: [...svg.querySelectorAll('g.role-legend text')].map((t) => t.textContent),
        titles: [...svg.querySelectorAll('g.role-title text, g.role-header text, g.role-column-header text')].map((t) => t.textContent),
      };
    })`)) as ChartFacts[];
    expect(facts.length).toBe(report.charts.length);
    for (const c of report.charts) await page.locator(`figure[id="${c.id}"]`).screenshot({ path: join(ARTIFACTS, `${c.id}.png`) });
    const problems: string[] = [];
    for (const f of facts) {
      for (const labels of f.axes) {
        // a log axis leaves minor ticks unlabelled (empty text): those are not repeats
        const dup = labels.filter((l, i) => l.trim() !== '' && labels.indexOf(l) !== i);
        if (dup.length) problems.push(`${f.id}: an axis repeats the tick label(s) ${[...new Set(dup)].join(', ')} (${labels.join(' ')})`);
        const exp = labels.filter((l) => /\de[+-]\d/.test(l));
        if (exp.length) problems.push(`${f.id}: tick labels in exponent notation: ${exp.join(' ')}`);
      }
      // points on a categorical axis are named by it; on two numeric axes they need a label each or a legend
      const numeric = (l: string): boolean => l.trim() === '' || /^[-+−]?[\d.,]+(%|e[+-]?\d+)?$/.test(l.trim());
      const categorical = f.axes.some((labels) => labels.some((l) => !numeric(l)));
      if (f.symbols > 0 && !categorical && f.legends === 0 && f.texts < f.symbols) problems.push(`${f.id}: ${f.symbols} points, ${f.texts} text labels and no legend`);
    }
    expect(problems).toEqual([]);
    // every judge-vs-humans chart that has a ceiling shows it in every panel it draws (the legend names it)
    for (const f of facts.filter((x) => x.id.endsWith('-judge-validation'))) {
      const title = report.charts.find((c) => c.id === f.id)!.title;
      if (title.includes('beside the human ceiling')) expect(f.legendTexts).toContain('human ceiling');
    }
    // the MCQ heatmaps print each cell's n, and mark the cells on few items
    const task = facts.find((f) => f.id.endsWith('-task'))!;
    expect(task.cellTexts.some((t) => /\dn=\d+/.test(t))).toBe(true); // value and n on two lines of one text
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
