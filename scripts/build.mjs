// `npm run build` (and `npm ci`, through `prepare`): dist/ from an empty folder, the TypeScript
// compiled by tsc (tsconfig.build.json), and the data files the sources read beside themselves
// (src/**/*.json, e.g. src/datasets/pins.json) copied to the same place under dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const rel of readdirSync(join(root, 'src'), { recursive: true })) {
  if (rel.endsWith('.json')) cpSync(join(root, 'src', rel), join(root, 'dist', rel));
}
