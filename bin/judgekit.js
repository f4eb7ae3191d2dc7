#!/usr/bin/env node
// The judgekit binary: runs the compiled JavaScript in dist/ (built from src/ by `npm run build`,
// which `npm ci` and `npm install` run through the `prepare` script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('judgekit: dist/ is missing: run `npm run build` (npm ci runs it) in the judgekit folder\n');
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
