/**
 * `judgekit --help` answers without loading what the commands use to work (the OpenAI SDK, vega,
 * the Markdown renderer, the YAML parser, the pipeline): each command loads its modules when it
 * runs. A command that imports them at the top of its file would make every start slow again
 * (bench/startup.bench.ts measures the time; this test names the culprit).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// a module-loader hook that prints every module file loaded, once the process is done
const HOOK = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
const seen = [];
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(seen) + '\\n'));
const { port1, port2 } = new MessageChannel();
port1.on('message', (u) => seen.push(u));
port1.unref();
register('data:text/javascript,' + encodeURIComponent('let p; export function initialize(d) { p = d.port; } export async function load(u, c, n) { p.postMessage(u); return n(u, c); }'), { data: { port: port2 }, transferList: [port2] });
`)}`;

function loaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', HOOK, 'bin/judgekit.js', ...args], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('LOADED '))!.slice(7)) as string[];
}

describe('the command line loads a command\'s work only when the command runs', () => {
  for (const args of [['--help'], ['agree', '--help'], ['judge', '--help'], ['view', '--help'], ['init', '--help']]) {
    it(`judgekit ${args.join(' ')}`, () => {
      const mods = loaded(args);
      expect(mods.some((u) => u.includes('/dist/cli/main.js'))).toBe(true);
      const heavy = mods.filter((u) => /node_modules\/(openai|vega|vega-lite|marked|yaml|csv-parse|cli-progress|p-limit)\//.test(u) || /\/dist\/(pipeline\/(?!failure-rate)|judges\/(?!defaults)|llm|report|mcq)\//.test(u));
      expect(heavy).toEqual([]);
    });
  }
});
