// Defends: two runs on one cache or one run folder at the same time. The second is refused with a
// message naming the process that holds the folder; a lock left by a killed process is taken over.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskCache } from '../../src/llm/cache.ts';
import { lockFolder } from '../../src/io/lock.ts';
import { InputError } from '../../src/io/errors.ts';

const RUN_TS = new URL('../../bin/run-ts.js', import.meta.url).pathname;
const LOCK_TS = new URL('../../src/io/lock.ts', import.meta.url).pathname;

/** Another process that takes the lock on `dir`, says so, and holds it until killed. */
async function holder(dir: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const script = join(dir, '..', `hold-${process.pid}-${Date.now()}.mts`);
  writeFileSync(script, `import { lockFolder } from ${JSON.stringify(LOCK_TS)};\nlockFolder(${JSON.stringify(dir)}, 'the cache');\nprocess.stdout.write('locked\\n');\nsetInterval(() => {}, 1000);\n`);
  const child = spawn(process.execPath, [RUN_TS, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && res());
    child.on('exit', () => rej(new Error('holder exited')));
  });
  return {
    pid: child.pid!,
    kill: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGKILL'))),
  };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('the cache lock', () => {
  it('refuses a second process, naming it; takes over once that process was killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-sec-lock-'));
    const h = await holder(dir);
    cleanup = h.kill;
    let err: unknown;
    try {
      DiskCache.open(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`the cache ${dir} is in use by judgekit process ${h.pid} on ${hostname()}`);
    await h.kill();
    cleanup = undefined;
    // kill -9 leaves the lock file behind; its holder is gone, so it is taken over.
    expect(existsSync(join(dir, '.judgekit.lock'))).toBe(true);
    const c = DiskCache.open(dir);
    expect(JSON.parse(readFileSync(join(dir, '.judgekit.lock'), 'utf8')).pid).toBe(process.pid);
    c.close();
    expect(existsSync(join(dir, '.judgekit.lock'))).toBe(false);
  });

  it('is re-entrant within one process and released by the last holder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-sec-lock-'));
    const a = lockFolder(dir, 'x');
    const b = lockFolder(dir, 'x');
    a.release();
    expect(existsSync(join(dir, '.judgekit.lock'))).toBe(true);
    b.release();
    expect(existsSync(join(dir, '.judgekit.lock'))).toBe(false);
  });
});
