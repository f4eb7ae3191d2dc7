import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** True when `child` is `root` or lies below it (both already resolved, e.g. real paths). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * `rel` resolved inside `root`, or null when it would lead out of it: an absolute path, a `..`
 * step out, or (when the path exists) a symlink whose target lies outside. For paths read from
 * files that may have been edited by someone else (a manifest's outputs, a stage's Markdown).
 */
export function resolveInside(root: string, rel: string): string | null {
  if (rel === '' || rel.includes('\0') || isAbsolute(rel)) return null;
  const abs = resolve(root, rel);
  if (!isInside(resolve(root), abs)) return null;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return abs;
  }
  try {
    if (!isInside(realRoot, realpathSync(abs))) return null;
  } catch {
    // Does not exist (yet): the lexical check above is all there is to check.
  }
  return abs;
}
