/**
 * Start-up benchmark (issue 17): `judgekit --help` and `judgekit --version` from the compiled
 * package (dist/, built by `npm ci` / `npm run build`), beside a bare `node -e ""` in the same run:
 * the difference is what judgekit adds to Node's own start. Goal: `--help` under 0.3 s.
 *
 *   node bin/run-ts.js bench/startup.bench.ts [--runs N]
 *
 * Each command runs N times (default 15) after one warm-up; the table gives the median and the
 * fastest wall time (the fastest is the least disturbed by other processes on a shared machine).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const bin = join(root, 'bin', 'judgekit.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const at = process.argv.indexOf('--runs');
const runs = at >= 0 ? Number(process.argv[at + 1]) : 15;

function time(args: string[]): { median: number; min: number } {
  const ts: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    if (i > 0) ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)]!, min: ts[0]! };
}

const rows: [string, { median: number; min: number }][] = [
  ['node -e "" (reference: Node alone)', time(['-e', ''])],
  ['judgekit --version', time([bin, '--version'])],
  ['judgekit --help', time([bin, '--help'])],
  ['judgekit agree --help', time([bin, 'agree', '--help'])],
];
console.log('| command | median | fastest |');
console.log('|---|---:|---:|');
for (const [name, t] of rows) console.log(`| ${name} | ${(t.median / 1000).toFixed(3)} s | ${(t.min / 1000).toFixed(3)} s |`);
console.log(`\nnode ${process.version}, ${runs} runs each after a warm-up.`);
