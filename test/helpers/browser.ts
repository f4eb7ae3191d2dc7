import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (playwright-core downloads no browser); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium with a fresh profile (removed by the caller with the returned `profile`), and
 * the flags this machine needs: no sandbox as root, no GPU, and no background networking (the
 * closed network refuses those connections).
 */
export async function launchChromium(viewport: { width: number; height: number }): Promise<{ browser: BrowserContext; profile: string }> {
  const profile = await mkdtemp(join(tmpdir(), 'jk-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { browser, profile };
}
