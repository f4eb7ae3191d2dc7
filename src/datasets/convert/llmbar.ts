import { checker, ConversionError, type Check, readJson, type Conversion, type SourceFiles } from './common.ts';

const check: Check = checker('llmbar');
const fail = (msg: string): never => {
  throw new ConversionError('llmbar', msg);
};

/** Indented JSON with arrays of scalars kept on one line (the verdict lists are long). */
const compactJson = (v: unknown): string => JSON.stringify(v, null, 1).replace(/\[[^[\]{}]*\]/g, (a) => a.replace(/\s+/g, '')) + '\n';

type Label = 1 | 2;
type Verdict = Label | null;

function verdict(v: unknown, where: string): Verdict {
  if (v === null) return null;
  if (v === '1' || v === 1) return 1;
  if (v === '2' || v === 2) return 2;
  return fail(`${where}: unexpected winner ${JSON.stringify(v)}`);
}

interface SetData {
  n: number;
  gold: Label[];
  /** "<LLM>/<strategy>" → per-order winners, aligned with `gold`. */
  judges: Record<string, { swap_false: Verdict[]; swap_true: Verdict[] }>;
}

const STAT_KEYS = ['correct_False', 'correct_True', 'correct_average', 'correct_both', 'equal'] as const;

/**
 * LLMBar `Dataset/` → verdicts.json (the gold label and both orders' winners of `results[-1]` of every
 * result.json; upstream already maps the swapped call's winner back to the original order; null =
 * unparseable) and statistics.json (the authors' numbers, without the kappa_* fields, which upstream
 * computes with mismatched label codes). Texts are not kept: no study needs them.
 */
export async function convertLlmbar(src: SourceFiles): Promise<Conversion> {
  const sets: Record<string, SetData> = {};
  const statistics: Record<string, Record<string, string>> = {};
  let nVerdicts = 0;
  let nNull = 0;
  for (const path of [...src.paths].sort()) {
    const m = /^(.*)\/evaluators\/([^/]+)\/([^/]+)\/(result|statistics)\.json$/.exec(path);
    if (!m) continue;
    const [, set, llm, strategy, kind] = m as unknown as [string, string, string, string, string];
    const data = await readJson(src, path);
    if (kind === 'statistics') {
      const s = data as Record<string, unknown>;
      const kept: Record<string, string> = {};
      for (const k of STAT_KEYS) {
        check(typeof s[k] === 'string', `${path}: missing ${k}`);
        kept[k] = s[k] as string;
      }
      statistics[`${set}/${llm}/${strategy}`] = kept;
      continue;
    }
    const items = data as { label: number; results: Record<string, { winner: unknown }>[] }[];
    const gold = items.map((it, i) => {
      check(it.label === 1 || it.label === 2, `${path}[${i}]: label ${it.label}`);
      return it.label as Label;
    });
    const ds = (sets[set] ??= { n: gold.length, gold, judges: {} });
    check(ds.n === gold.length && ds.gold.every((g, i) => g === gold[i]), `${path}: labels differ from the other judges of ${set}`);
    const last = items.map((it) => it.results[it.results.length - 1]!);
    const j = {
      swap_false: last.map((r, i) => verdict(r['swap = False']!.winner, `${path}[${i}]`)),
      swap_true: last.map((r, i) => verdict(r['swap = True']!.winner, `${path}[${i}]`)),
    };
    nVerdicts += 2 * gold.length;
    nNull += [...j.swap_false, ...j.swap_true].filter((v) => v === null).length;
    ds.judges[`${llm}/${strategy}`] = j;
  }
  // Sorted set keys: the file does not depend on the order files were listed in.
  const sorted = Object.fromEntries(Object.keys(sets).sort().map((k) => [k, sets[k]!]));
  const nResults = Object.values(sets).reduce((s, d) => s + Object.keys(d.judges).length, 0);
  return {
    files: new Map([
      ['verdicts.json', compactJson({ sets: sorted })],
      ['statistics.json', compactJson(statistics)],
    ]),
    notes: [
      `${Object.keys(sets).length} sets, ${nResults} result.json files, ${Object.keys(statistics).length} statistics.json files`,
      `winners from results[-1] "swap = False" / "swap = True" (already in the original order upstream); ${nNull} of ${nVerdicts} are null (unparseable)`,
      'statistics.json keeps correct_False, correct_True, correct_average, correct_both, equal; kappa_* dropped (upstream mixes 1/0 and 1/2 codes)',
    ],
  };
}
