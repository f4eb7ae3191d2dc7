import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

let memo: Promise<string> | null = null;

/**
 * A hash of judgekit's own source tree (src/**), part of every stage key: a resumed run reuses a
 * finished stage only if the code that made it is the code running now, so a fix in a statistic
 * is never hidden behind an old result. Run from the sources (the .ts files under src/, under vitest or a
 * loader) it hashes the TypeScript; run from the compiled package (the .js files under dist/) it
 * hashes the JavaScript that runs (declaration files left out: they do not run).
 */
export function codeHash(): Promise<string> {
  memo ??= (async () => {
    const root = fileURLToPath(new URL('../', import.meta.url));
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort();
    const h = createHash('sha256');
    for (const f of files) {
      h.update(f + '\0');
      h.update(await readFile(join(root, f)));
    }
    return h.digest('hex');
  })();
  return memo;
}
