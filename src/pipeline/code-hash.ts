import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

let memo: Promise<string> | null = null;

/**
 * A hash of judgekit's own source tree (src/**), part of every stage key: a resumed run reuses a
 * finished stage only if the code that made it is the code running now, so a fix in a statistic
 * is never hidden behind an old result.
 */
export function codeHash(): Promise<string> {
  memo ??= (async () => {
    const root = fileURLToPath(new URL('../', import.meta.url));
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts')).sort();
    const h = createHash('sha256');
    for (const f of files) {
      h.update(f + '\0');
      h.update(await readFile(join(root, f)));
    }
    return h.digest('hex');
  })();
  return memo;
}
