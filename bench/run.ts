// Runs every benchmark in turn: `npm run bench` (or `npm run bench -- mcq judge` for some).
// Each benchmark measures judgekit beside a reference run in the same process tree on the same
// data (numpy / scipy / sklearn, or the ideal throughput), and prints its own table.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const all = ['mcq', 'agreement', 'correlation', 'judge', 'endpoints', 'validation', 'tuning', 'winrate', 'startup', 'view'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;
const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
let failed = 0;
for (const name of wanted) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}" (have: ${all.join(', ')})`);
    process.exit(2);
  }
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, [runTs, fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
