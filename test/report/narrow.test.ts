/**
 * report.html on a 390 px phone screen: the page itself never scrolls sideways (wide tables and
 * charts scroll inside their own boxes), and stage descriptions render their Markdown. Headless
 * Chromium as in browser.test.ts; skipped with a warning where it is absent (required in CI).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { writeHtmlReport } from '../../src/report/index.ts';
import { renderPage } from '../../src/report/html.ts';

const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) console.warn(`\n*** report.html narrow-screen test SKIPPED: Chromium not found at ${CHROMIUM} ***\n`);

describe('stage descriptions', () => {
  it('render their Markdown, escaped', () => {
    const html = renderPage({
      manifest: { run_id: 'r', experiment: 'e', config_path: 'c.yaml', config: {}, config_hash: 'h'.repeat(12), judgekit_version: '0', node_version: 'v20', started_at: '', finished_at: null, stages: {}, counts_by_status: {}, cost_usd: { judge: 0, candidates: 0 }, timings_ms: {} },
      title: 't',
      stages: [{ name: 's', kind: 'mcq', title: 'S', description: 'Reads `items.jsonl`; **synthetic** data.\n\n- one\n- <script>x</script>', status: 'done', counts: {}, duration_ms: 1, cost_usd: 0, markdown: '', charts: [], notes: [] }],
    });
    expect(html).toContain('<code>items.jsonl</code>');
    expect(html).toContain('<strong>synthetic</strong>');
    expect(html).toContain('<li>one</li>');
    expect(html).not.toContain('<script>x');
  });
});

(available || process.env.CI ? describe : describe.skip)('report.html on a 390 px screen', () => {
  let browser: BrowserContext | undefined;
  let profile = '';
  beforeAll(async () => {
    ({ browser, profile } = await launchChromium({ width: 390, height: 844 }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('does not scroll the page sideways', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-narrow-'));
    const out = join(dir, 'report.html');
    await writeHtmlReport('test/fixtures/report/run', out);
    const page = await browser!.newPage();
    await page.goto(pathToFileURL(out).href);
    // open every folded table too: they are the widest things on the page
    await page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))");
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    const wide = (await page.evaluate(
      "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap, .chart-svg, pre')).slice(0, 5).map((e) => e.tagName + '.' + e.className)",
    )) as string[];
    expect({ width, wide }).toEqual({ width: 390, wide: [] });
    await rm(dir, { recursive: true, force: true });
  });
});
