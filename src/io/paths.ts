import { isAbsolute, relative } from 'node:path';

/** True when `child` is `root` or lies below it (both already resolved, e.g. real paths). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
