/**
 * Makes the compact LLMBar copy shipped in data/llmbar/ from a checkout of LLMBar's `Dataset/`
 * folder (see data/llmbar/SOURCE.md). Run once by a developer:
 *
 *   node bin/run-ts.js scripts/import-llmbar.ts ../shared/data/llmbar
 *
 * Writes, for every `evaluators/<LLM>/<strategy>/result.json`, the gold label and the two per-order
 * winners of each item (`results[-1]`, "swap = False" / "swap = True", already mapped back to the
 * original output order by upstream; `null` = unparseable judge output), and the authors'
 * `statistics.json` values (all of them, without the `kappa_*` fields, which upstream computes with
 * mismatched label codes). Texts are not copied: no study needs them.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../src/io/index.ts';

/** Indented JSON with arrays of scalars kept on one line (the verdict lists are long). */
const compactJson = (v: unknown): string =>
  JSON.stringify(v, null, 1).replace(/\[[^\[\]{}]*\]/g, (a) => a.replace(/\s+/g, '')) + '\n';

const root = resolve(process.argv[2] ?? '../shared/data/llmbar');
const outDir = resolve(new URL('..', import.meta.url).pathname, 'data/llmbar');

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

type Label = 1 | 2;
type Verdict = Label | null;

function verdict(v: unknown, where: string): Verdict {
  if (v === null) return null;
  if (v === '1' || v === 1) return 1;
  if (v === '2' || v === 2) return 2;
  throw new Error(`${where}: unexpected winner ${JSON.stringify(v)}`);
}

interface SetData {
  n: number;
  gold: Label[];
  /** "<LLM>/<strategy>" → per-order winners, aligned with `gold`. */
  judges: Record<string, { swap_false: Verdict[]; swap_true: Verdict[] }>;
}

async function main(): Promise<void> {
  await stat(root);
  const sets: Record<string, SetData> = {};
  const statistics: Record<string, Record<string, string>> = {};
  for await (const file of walk(root)) {
    const rel = relative(root, file).split(sep).join('/');
    const m = /^(.*)\/evaluators\/([^/]+)\/([^/]+)\/(result|statistics)\.json$/.exec(rel);
    if (!m) continue;
    const [, set, llm, strategy, kind] = m as unknown as [string, string, string, string, string];
    const data = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (kind === 'statistics') {
      const s = data as Record<string, unknown>;
      const kept: Record<string, string> = {};
      for (const k of ['correct_False', 'correct_True', 'correct_average', 'correct_both', 'equal']) {
        if (typeof s[k] !== 'string') throw new Error(`${rel}: missing ${k}`);
        kept[k] = s[k] as string;
      }
      statistics[`${set}/${llm}/${strategy}`] = kept;
      continue;
    }
    const items = data as { label: number; results: Record<string, { winner: unknown }>[] }[];
    const gold = items.map((it, i) => {
      if (it.label !== 1 && it.label !== 2) throw new Error(`${rel}[${i}]: label ${it.label}`);
      return it.label as Label;
    });
    const ds = (sets[set] ??= { n: gold.length, gold, judges: {} });
    if (ds.n !== gold.length || ds.gold.some((g, i) => g !== gold[i])) throw new Error(`${rel}: labels differ from the other judges of ${set}`);
    const last = items.map((it) => it.results[it.results.length - 1]!);
    ds.judges[`${llm}/${strategy}`] = {
      swap_false: last.map((r, i) => verdict(r['swap = False']!.winner, `${rel}[${i}]`)),
      swap_true: last.map((r, i) => verdict(r['swap = True']!.winner, `${rel}[${i}]`)),
    };
  }
  const nResults = Object.values(sets).reduce((s, d) => s + Object.keys(d.judges).length, 0);
  await writeFileAtomic(join(outDir, 'verdicts.json'), compactJson({ sets }));
  await writeFileAtomic(join(outDir, 'statistics.json'), compactJson(statistics));
  process.stderr.write(`import-llmbar: ${Object.keys(sets).length} sets, ${nResults} result files, ${Object.keys(statistics).length} statistics files → ${outDir}\n`);
}

await main();
