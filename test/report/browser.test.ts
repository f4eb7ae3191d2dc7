/**
 * Opens report.html of the fixture run in headless Chromium (Debian `chromium`, driven by
 * playwright-core, which downloads no browser) and checks that the page renders every chart the
 * renderer says it produced, with no console error, no page error and no network request, then
 * saves a full-page screenshot to test/.artifacts/report.png.
 *
 * Without chromium it fails under CI (CI=true; .ci/run installs it) and on a developer's machine is
 * reported as skipped with a warning saying how to install it, so `npm test` works on a fresh machine.
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

const RUN = 'test/fixtures/report/run';
const ARTIFACTS = resolve('test/.artifacts');

const available = existsSync(CHROMIUM);
const required = Boolean(process.env.CI);
if (!available && !required) {
  console.warn(`\n*** report.html browser test SKIPPED: Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH; CI installs it and requires it) ***\n`);
}

(available || required ? describe : describe.skip)('report.html in headless Chromium', () => {
  let browser: BrowserContext | undefined;
  let profile = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`);
    }
    // A fresh profile per run (the --user-data-dir of playwright's persistent context): no state leaks between runs.
    ({ browser, profile } = await launchChromium({ width: 1360, height: 900 }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('renders every chart without a console error and saves a screenshot', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const out = join(ARTIFACTS, 'report.html');
    const report = await writeHtmlReport(RUN, out);
    expect(report.charts.length).toBeGreaterThanOrEqual(15);

    const page = await browser!.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });

    const charts = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('.chart-svg > svg');
        const box = svg?.getBoundingClientRect();
        return { id: f.getAttribute('data-chart'), hasSvg: !!svg, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, rect, text, line').length ?? 0 };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(report.charts.map((c) => c.id));
    for (const c of charts) {
      expect(c.hasSvg, `${c.id} has an <svg>`).toBe(true);
      expect(c.width, `${c.id} width`).toBeGreaterThan(50);
      expect(c.height, `${c.id} height`).toBeGreaterThan(30);
      expect(c.marks, `${c.id} draws marks`).toBeGreaterThan(10);
    }
    expect(await page.getAttribute('meta[name="judgekit-charts"]', 'content')).toBe(String(report.charts.length));
    // Every TOC link points at an element of the page.
    const targets = await page.$$eval('nav.toc a', (as) => as.map((a) => a.getAttribute('href')!.slice(1)));
    for (const id of targets) expect(await page.locator(`[id="${id}"]`).count(), `#${id}`).toBe(1);

    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);
});
