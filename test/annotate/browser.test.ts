/**
 * Two raters label a pairwise plan in headless Chromium (Debian chromium driven by playwright-core),
 * keyboard only; the server is killed with SIGKILL half-way and restarted; nothing is lost, no model
 * name ever reaches a page, orders are balanced per rater, and the label file runs through
 * `winrate --compare` and the agreement study.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { spawnJudgekit, type CliRun } from '../helpers/cli.ts';
import { MODELS, modelOf, pairwisePlan } from './fixture.ts';

const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) console.warn(`\n*** annotation browser test SKIPPED: Chromium not found at ${CHROMIUM} (apt-get install -y chromium) ***\n`);

async function startServer(plan: string): Promise<{ run: CliRun; urls: Record<string, string> }> {
  const run = spawnJudgekit(['annotate', plan, '--port', '0']);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    run.child.stdout!.on('data', (d) => {
      out += d;
      if (/^r2\t/m.test(out)) resolve();
    });
    void run.done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
  });
  return { run, urls: Object.fromEntries(out.split('\n').filter((l) => /^r\d\t/.test(l)).map((l) => l.split('\t') as [string, string])) };
}

(available || process.env.CI ? describe : describe.skip)('judgekit annotate in headless Chromium', () => {
  let browser: BrowserContext;
  let profile = '';
  beforeAll(async () => {
    ({ browser, profile } = await launchChromium({ width: 1280, height: 800 }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('two raters, keyboard only, a SIGKILL half-way: blind, balanced, nothing lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-annot-br-'));
    const plan = pairwisePlan(dir, 6);
    const errors: string[] = [];
    const seen: string[] = [];
    const firstShown: Record<string, string[]> = { r1: [], r2: [] };

    /** Labels `n` units on a page: r1 always prefers MODELS[0]; r2 too, but calls a tie on visual accuracy. */
    async function label(page: Page, rater: string, n: number): Promise<void> {
      for (let k = 0; k < n; k++) {
        await page.locator('section.answer[data-slot="B"] .text').waitFor();
        const textA = await page.locator('section.answer[data-slot="A"] .text').textContent();
        seen.push(await page.content());
        expect(await page.locator('.question').textContent()).toContain('what is seen <b>here</b>?'); // item text shown as text, never markup
        const preferred = modelOf(textA!) === MODELS[0] ? '1' : '2';
        firstShown[rater]!.push(modelOf(textA!));
        const before = await page.locator('#progress').textContent();
        await page.keyboard.press(rater === 'r2' ? '3' : preferred); // visual_accuracy
        await page.keyboard.press(preferred); // ground_truth_correctness
        await expect.poll(() => page.locator('.dim button.chosen').count()).toBe(2);
        await page.keyboard.press('Enter');
        await expect.poll(async () => (await page.locator('#progress').textContent()) !== before || (await page.locator('main').textContent())!.includes('All done')).toBe(true);
      }
    }

    let server = await startServer(plan);
    const pages: Record<string, Page> = {};
    for (const r of ['r1', 'r2']) {
      const p = await browser.newPage();
      p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.goto(server.urls[r]!);
      pages[r] = p;
    }
    await label(pages.r1!, 'r1', 3);
    await label(pages.r2!, 'r2', 2);
    const csvBefore = readFileSync(join(dir, 'labels.csv'), 'utf8');
    expect(csvBefore.trim().split('\n')).toHaveLength(1 + (3 + 2) * 2);

    server.run.child.kill('SIGKILL');
    await server.run.done;
    server = await startServer(plan);
    try {
      expect(readFileSync(join(dir, 'labels.csv'), 'utf8')).toBe(csvBefore);
      for (const r of ['r1', 'r2']) await pages[r]!.goto(server.urls[r]!); // the same links: same tokens, new port
      await expect.poll(() => pages.r1!.locator('#progress').textContent()).toBe('4 / 6');
      await label(pages.r1!, 'r1', 3);
      await label(pages.r2!, 'r2', 4);
      for (const r of ['r1', 'r2']) await expect.poll(() => pages[r]!.locator('main').textContent()).toContain('All done');
      // undo from the keyboard brings the last unit back
      await pages.r1!.keyboard.press('u');
      await expect.poll(() => pages.r1!.locator('#progress').textContent()).toBe('6 / 6');
      await label(pages.r1!, 'r1', 1);
    } finally {
      server.run.child.kill('SIGTERM');
      await server.run.done;
    }
    expect(errors).toEqual([]);
    for (const html of seen) for (const m of MODELS) expect(html).not.toContain(m);
    for (const r of ['r1', 'r2']) {
      const a = firstShown[r]!.filter((m) => m === MODELS[0]).length;
      const b = firstShown[r]!.length - a;
      expect(Math.abs(a - b), `${r}: ${a} vs ${b}`).toBeLessThanOrEqual(2); // the undone unit is shown twice
    }
    const csv = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 2 * 6 * 2);

    const w = await spawnJudgekit(['winrate', join(dir, 'labels.csv'), '--compare', 'r1', 'r2', '--bootstrap', '0', '--json']).done;
    expect(w.code).toBe(0);
    const wj = JSON.parse(w.stdout);
    expect(JSON.stringify(wj)).toContain(MODELS[0]);
    const ag = await spawnJudgekit(['agree', join(dir, 'labels.csv'), '--bootstrap', '0', '--json']).done;
    expect(ag.code).toBe(0);
    // r1 and r2 agree on every ground-truth label (both prefer MODELS[0]): percent agreement 1
    expect(ag.stdout).toContain('ground_truth_correctness');
  }, 120_000);
});
