/**
 * `judgekit view` in headless Chromium (Debian chromium driven by playwright-core): the page loads
 * with no console error, filters and the drill-down show the right rows (ledger text shown as text,
 * the image through the server), the judge–human tab ranks the planted disagreement first, and
 * `--compare` shows the planted change. Skipped with a warning where Chromium is absent (required in CI).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { spawnJudgekit, type CliRun } from '../helpers/cli.ts';
import { judgeScore, writeRunFolder } from '../helpers/run-folder.ts';

const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) console.warn(`\n*** viewer browser test SKIPPED: Chromium not found at ${CHROMIUM} (apt-get install -y chromium) ***\n`);

async function startViewer(args: string[]): Promise<{ run: CliRun; url: string }> {
  const run = spawnJudgekit(['view', ...args, '--port', '0']);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    run.child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    void run.done.then((r) => reject(new Error(`viewer exited: ${r.stderr}`)));
  });
  return { run, url };
}

(available || process.env.CI ? describe : describe.skip)('judgekit view in headless Chromium', () => {
  let browser: BrowserContext;
  let profile = '';
  let viewer: { run: CliRun; url: string };
  const errors: string[] = [];
  let page: Page;

  beforeAll(async () => {
    const before = writeRunFolder(mkdtempSync(join(tmpdir(), 'jk-view-br-')), { items: 120, runId: 'before' });
    const now = writeRunFolder(mkdtempSync(join(tmpdir(), 'jk-view-br-')), { items: 120, runId: 'now', shift: { model: 'model-b', criterion: 'clarity', by: -2 } });
    viewer = await startViewer([now, '--compare', before]);
    ({ browser, profile } = await launchChromium({ width: 1280, height: 900 }));
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(viewer.url);
    await page.locator('#rows tbody tr').first().waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    viewer?.run.child.kill('SIGTERM');
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('pages every row and filters on the server', async () => {
    // 120 items × 2 models: 240 judgments, 240 MCQ records, 10 labelled items × 2 models × 2 humans.
    await expect.poll(() => page.locator('#total').textContent()).toBe('1–50 of 520 rows');
    await page.selectOption('#f-source', 'judgment');
    await page.selectOption('#f-status', 'parse_error');
    // Items 49 and 99 of model-a failed.
    await expect.poll(() => page.locator('#total').textContent()).toBe('1–2 of 2 rows');
    expect(await page.locator('#rows tbody tr td:nth-child(3)').allTextContents()).toEqual(['q49', 'q99']);
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-model', 'model-b');
    await page.selectOption('#f-task', 'DD');
    await expect.poll(() => page.locator('#total').textContent()).toBe('1–40 of 40 rows');
    await page.fill('#f-item', 'q10');
    await expect.poll(() => page.locator('#total').textContent()).toBe('1–5 of 5 rows'); // the DD items (i mod 3 = 1) whose id holds q10
    expect(await page.locator('#rows tbody tr td:nth-child(3)').allTextContents()).toEqual(['q10', 'q100', 'q103', 'q106', 'q109']);
  });

  it('drills down: question and answer as text, the image, the judge\'s messages and the humans beside it', async () => {
    await page.fill('#f-item', 'q0');
    await page.selectOption('#f-task', '');
    await page.selectOption('#f-model', 'model-a');
    await expect.poll(() => page.locator('#total').textContent()).toBe('1–1 of 1 rows');
    await page.locator('#rows tbody tr').first().click();
    const drill = page.locator('#drill');
    await expect.poll(() => drill.locator('h2').textContent()).toBe('judgment · item q0 · model-a');
    const text = (await drill.textContent())!;
    expect(text).toContain('What is seen <b>here</b> in case 0?');
    expect(text).toContain('Answer of model-a to q0 <script>alert(1)</script>');
    expect(await drill.locator('h3.call').allTextContents()).toEqual(['Call 1 of 1 (all) · ok']);
    expect(text).toContain('Message the judge saw: systemYou are a judge.');
    expect(text).toContain('How the verdict was readjson_object');
    expect(text).toContain(`{"accuracy": ${judgeScore(0, 0, 'accuracy')}}`);
    expect(await drill.locator('b, script').count()).toBe(0);
    await expect.poll(() => drill.locator("img.item").evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    const beside = await drill.locator('table.beside tbody tr td:nth-child(4)').allTextContents();
    expect(beside).toContain('human1');
    expect(beside).toContain('human2');
  });

  it('ranks the planted judge–human disagreement first', async () => {
    await page.click('nav button[data-tab="disagree"]');
    const first = page.locator('#disagree-table tbody tr').first();
    await first.waitFor();
    expect(await first.locator('td').allTextContents()).toEqual(['0.75', 'judge:judge', 'q2', 'model-a', 'accuracy', String(judgeScore(2, 0, 'accuracy')), 'human1 5, human2 5']);
    await first.click();
    await expect.poll(() => page.locator('#drill h2').textContent()).toBe('judgment · item q2 · model-a');
  });

  it('opens filtered from a report link (?stage=NAME), with no console error', async () => {
    const p2 = await browser.newPage();
    p2.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    p2.on('pageerror', (e) => errors.push(String(e)));
    await p2.goto(`${viewer.url}?stage=mcq`);
    await expect.poll(() => p2.locator('#total').textContent()).toBe('1–50 of 240 rows');
    expect(await p2.locator('#f-stage').inputValue()).toBe('mcq');
    // on a 390 px phone screen the page itself does not scroll sideways (wide tables scroll in their box)
    await p2.setViewportSize({ width: 390, height: 800 });
    await p2.locator('#rows tbody tr').first().click();
    await p2.locator('#drill h2').waitFor();
    expect(await p2.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await p2.close();
  });

  it('shows the planted change between the two runs', async () => {
    await page.click('nav button[data-tab="compare"]');
    const rows = page.locator('#compare-table tbody tr');
    await rows.first().waitFor();
    // clarity −2 on the raw scale moves the aggregate by 2 × 20/4 = −10 points.
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(expect.arrayContaining(['judge', 'model-b', 'score', '-10']));
    expect((await rows.nth(1).locator('td').allTextContents()).slice(0, 3)).toEqual(['judge', 'model-b', 'clarity']);
    expect(await rows.nth(1).locator('td').nth(5).textContent()).toBe('-2');
    expect(await rows.nth(2).locator('td').nth(5).textContent()).toBe('0');
    expect(errors).toEqual([]);
  });
});
