import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inject } from 'vitest';
import { getDataset } from '../../src/datasets/get.ts';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/**
 * The upstream copies the tests read: JUDGEKIT_SHARED_DATA, else the nearest `shared/data` beside
 * the checkout or one of its parents (CI has `../shared` beside the checkout; worktrees sit deeper).
 */
export function sharedData(): string {
  const env = process.env.JUDGEKIT_SHARED_DATA;
  if (env) return resolve(env);
  for (let d = ROOT; dirname(d) !== d; d = dirname(d)) {
    const p = join(dirname(d), 'shared', 'data');
    if (existsSync(p)) return p;
  }
  throw new Error('no ../shared/data beside the checkout (set JUDGEKIT_SHARED_DATA): the published-number tests need the upstream copies');
}

const cache = new Map<string, Promise<string>>();

/**
 * The folder of a converted public dataset, made by the real `datasets get NAME --mirror
 * ../shared/data` into the run's temporary datasets folder: once per run (a second get of a
 * present dataset does nothing, and parallel workers keep the first finished conversion).
 */
export function dataset(name: 'pandalm' | 'llmbar' | 'kqa' | 'sottana'): Promise<string> {
  let p = cache.get(name);
  if (!p) {
    p = getDataset(name, { dir: inject('datasetsDir'), mirror: sharedData() }).then((r) => r.dir);
    cache.set(name, p);
  }
  return p;
}

/**
 * A temporary copy of the project layout in which `experiments/*.yaml` find the converted
 * datasets where `judgekit datasets get` puts them by default (`./datasets/<name>/`): the
 * experiments folder is copied, `datasets/` links to the run's converted datasets, and the
 * project's own folders (data, rubrics, human-labels) are linked. Returns the layout's root.
 */
export async function projectWithDatasets(): Promise<string> {
  const { cp, mkdtemp, symlink } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  await Promise.all((['pandalm', 'llmbar', 'kqa', 'sottana'] as const).map((n) => dataset(n)));
  const root = await mkdtemp(join(tmpdir(), 'jk-project-'));
  await cp(join(ROOT, 'experiments'), join(root, 'experiments'), { recursive: true });
  await symlink(inject('datasetsDir'), join(root, 'datasets'));
  for (const d of ['data', 'rubrics', 'human-labels']) if (existsSync(join(ROOT, d))) await symlink(join(ROOT, d), join(root, d));
  return root;
}
