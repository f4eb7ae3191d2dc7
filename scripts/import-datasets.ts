/**
 * Pins the public datasets judgekit fetches: walks a verified local copy of each upstream folder
 * (laid out as `../shared/data/` is: one folder per dataset, files byte-for-byte as upstream has
 * them), keeps the files the registry selects, and writes their SHA-256 and sizes to
 * `src/datasets/pins.json`. Run by a developer when a dataset is added or its commit moves:
 *
 *   node bin/run-ts.js scripts/import-datasets.ts ../shared/data
 *
 * Nothing from the datasets is written into the project: users fetch and convert them with
 * `judgekit datasets get NAME` (src/datasets/), which checks every file against these hashes.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { writeJsonAtomic } from '../src/io/atomic.ts';
import { hashFile } from '../src/io/hash.ts';
import { DATASETS, type PinnedFile } from '../src/datasets/registry.ts';

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

const src = process.argv[2];
if (!src) throw new Error('usage: node bin/run-ts.js scripts/import-datasets.ts MIRROR_DIR');
const pins: Record<string, PinnedFile[]> = {};
for (const spec of DATASETS) {
  const root = resolve(src, spec.mirror_folder);
  const files: PinnedFile[] = [];
  for await (const file of walk(root)) {
    const path = relative(root, file).split(sep).join('/');
    if (!spec.select(path)) continue;
    const { sha256, bytes } = await hashFile(file);
    files.push({ path, upstream: spec.upstreamPath(path), sha256, bytes });
  }
  if (files.length === 0) throw new Error(`${spec.name}: no file of ${root} is selected`);
  pins[spec.name] = files;
  process.stderr.write(`${spec.name}: ${files.length} files, ${files.reduce((s, f) => s + f.bytes, 0)} bytes\n`);
}
await writeJsonAtomic(new URL('../src/datasets/pins.json', import.meta.url).pathname, pins);
