import { checker, ConversionError, type Check, csvFromObjects, readJson, type Conversion, type SourceFiles } from './common.ts';

const check: Check = checker('pandalm');
const fail = (msg: string): never => {
  throw new ConversionError('pandalm', msg);
};

interface PandaItem {
  idx: number;
  cmp_key: string;
  annotator1: number;
  annotator2: number;
  annotator3: number;
}

type Code = 0 | 1 | 2 | 'garbage';

/** GPT-3.5's verdict string → the 0/1/2 code; `garbage` (an unparseable verdict) stays a failure, not a tie. */
function gptVerdict(s: string): Code {
  if (s === '1') return 1;
  if (s === '2') return 2;
  if (s.toLowerCase() === 'tie') return 0;
  if (s === 'garbage') return 'garbage';
  return fail(`unknown gpt_result "${s}"`);
}

const WINNER: Record<0 | 1 | 2, 'tie' | 'A' | 'B'> = { 0: 'tie', 1: 'A', 2: 'B' };

/** The five fine-tuned models; `cmp_key` is "<model of response1>_<model of response2>". */
const MODELS = ['bloom-7b', 'cerebras-gpt-6.7B', 'llama-7b', 'opt-7b', 'pythia-6.9b'];

function splitCmpKey(key: string): [string, string] {
  const parts = key.split('_');
  check(parts.length === 2, `cmp_key "${key}" does not split into two model names on "_"`);
  const [a, b] = parts as [string, string];
  check(MODELS.includes(a) && MODELS.includes(b) && a !== b, `unexpected models in cmp_key "${key}"`);
  return [a, b];
}

/** PandaLM test set → labels.csv (3 annotators + 2 judges, long form) and preferences.csv (the win-ratio form). */
export async function convertPandalm(src: SourceFiles): Promise<Conversion> {
  const test = (await readJson(src, 'testset-v1.json')) as PandaItem[];
  const gpt = (await readJson(src, 'gpt-3.5-turbo-testset-v1.json')) as { idx: number; gpt_result: string }[];
  const panda = (await readJson(src, 'pandalm-7b-testset-v1.json')) as { idx: number; pandalm_result: number }[];
  check(test.length === 999 && gpt.length === 999 && panda.length === 999, 'expected 999 items in each file');
  const labels: Record<string, unknown>[] = [];
  const prefs: Record<string, unknown>[] = [];
  let garbage = 0;
  for (let i = 0; i < test.length; i++) {
    const t = test[i]!;
    check(gpt[i]!.idx === t.idx && panda[i]!.idx === t.idx, `idx mismatch at position ${i}`);
    const [modelA, modelB] = splitCmpKey(t.cmp_key);
    const item_id = String(t.idx);
    const verdicts: [string, Code][] = [
      ['annotator1', t.annotator1 as Code],
      ['annotator2', t.annotator2 as Code],
      ['annotator3', t.annotator3 as Code],
      ['gpt-3.5-turbo', gptVerdict(gpt[i]!.gpt_result)],
      ['pandalm-7b', panda[i]!.pandalm_result as Code],
    ];
    for (const [rater, v] of verdicts) {
      check(v === 'garbage' || v === 0 || v === 1 || v === 2, `bad value ${String(v)} for ${rater} at idx ${t.idx}`);
      if (v === 'garbage') garbage++;
      labels.push({ item_id, rater, value: v });
      prefs.push({ item_id, rater, model_a: modelA, model_b: modelB, winner: v === 'garbage' ? '' : WINNER[v], status: v === 'garbage' ? 'parse_error' : 'ok' });
    }
  }
  return {
    files: new Map([
      ['labels.csv', csvFromObjects(['item_id', 'rater', 'value'], labels)],
      ['preferences.csv', csvFromObjects(['item_id', 'rater', 'model_a', 'model_b', 'winner', 'status'], prefs)],
    ]),
    notes: [
      '999 items aligned by position and idx across the three files',
      'annotator and PandaLM-7B codes kept (0 tie, 1 response1, 2 response2); GPT-3.5 "1"/"2"/"Tie"/"tie" → 1/2/0',
      `GPT-3.5 "garbage" kept as the value "garbage" (a failed rating, status parse_error in preferences): ${garbage}`,
      'model_a/model_b from cmp_key "<model of response1>_<model of response2>"',
    ],
  };
}
