/**
 * Imports the shipped datasets from the original upstream files (as copied into a shared data
 * folder) into the project's own small copies under `human-labels/` and `data/`. It is run once
 * by a developer, by hand:
 *
 *   node bin/run-ts.js scripts/import-datasets.ts ../shared/data [--only pandalm,sottana,kqa]
 *
 * This is the only code of judgekit that reads the original files; nothing reads them at run
 * time or in tests. Every rule applied here is documented in the `SOURCE.md` of the dataset it
 * writes, next to the output.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonlAtomic } from '../src/io/atomic.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ------------------------------------------------------------------------------------------------
// small helpers

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(header: string[], rows: Record<string, unknown>[]): string {
  const lines = [header.join(',')];
  for (const r of rows) lines.push(header.map((h) => csvCell(r[h])).join(','));
  return lines.join('\n') + '\n';
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function fail(msg: string): never {
  throw new Error(`import-datasets: ${msg}`);
}

function check(cond: boolean, msg: string): asserts cond {
  if (!cond) fail(msg);
}

async function write(rel: string, text: string): Promise<void> {
  await writeFileAtomic(join(ROOT, rel), text);
  process.stderr.write(`wrote ${rel} (${Buffer.byteLength(text)} bytes)\n`);
}

async function writeJsonl(rel: string, rows: unknown[]): Promise<void> {
  await writeJsonlAtomic(join(ROOT, rel), rows);
  const { size } = await stat(join(ROOT, rel));
  process.stderr.write(`wrote ${rel} (${rows.length} rows, ${size} bytes)\n`);
}

// ------------------------------------------------------------------------------------------------
// PandaLM test set (Apache-2.0)

interface PandaItem {
  idx: number;
  cmp_key: string;
  annotator1: number;
  annotator2: number;
  annotator3: number;
}

/** GPT-3.5's verdict string → the 0/1/2 code; `garbage` (an unparseable verdict) stays a failure. */
function gptVerdict(s: string): 0 | 1 | 2 | 'garbage' {
  if (s === '1') return 1;
  if (s === '2') return 2;
  if (s.toLowerCase() === 'tie') return 0;
  if (s === 'garbage') return 'garbage';
  return fail(`PandaLM: unknown gpt_result "${s}"`);
}

const WINNER: Record<0 | 1 | 2, 'tie' | 'A' | 'B'> = { 0: 'tie', 1: 'A', 2: 'B' };

/** The five fine-tuned models; `cmp_key` is "<model of response1>_<model of response2>". */
const PANDA_MODELS = ['bloom-7b', 'cerebras-gpt-6.7B', 'llama-7b', 'opt-7b', 'pythia-6.9b'];

function splitCmpKey(key: string): [string, string] {
  const parts = key.split('_');
  check(parts.length === 2, `PandaLM: cmp_key "${key}" does not split into two model names on "_"`);
  const [a, b] = parts as [string, string];
  check(PANDA_MODELS.includes(a) && PANDA_MODELS.includes(b) && a !== b, `PandaLM: unexpected models in cmp_key "${key}"`);
  return [a, b];
}

async function importPandaLM(src: string): Promise<void> {
  const dir = join(src, 'pandalm_testset');
  const test = (await readJson(join(dir, 'testset-v1.json'))) as PandaItem[];
  const gpt = (await readJson(join(dir, 'gpt-3.5-turbo-testset-v1.json'))) as { idx: number; gpt_result: string }[];
  const panda = (await readJson(join(dir, 'pandalm-7b-testset-v1.json'))) as { idx: number; pandalm_result: number }[];
  check(test.length === 999 && gpt.length === 999 && panda.length === 999, 'PandaLM: expected 999 items in each file');

  const labels: Record<string, unknown>[] = [];
  const prefs: Record<string, unknown>[] = [];
  for (let i = 0; i < test.length; i++) {
    const t = test[i]!;
    check(gpt[i]!.idx === t.idx && panda[i]!.idx === t.idx, `PandaLM: idx mismatch at position ${i}`);
    const [modelA, modelB] = splitCmpKey(t.cmp_key);
    const item_id = String(t.idx);
    const verdicts: [string, 0 | 1 | 2 | 'garbage'][] = [
      ['annotator1', t.annotator1 as 0 | 1 | 2],
      ['annotator2', t.annotator2 as 0 | 1 | 2],
      ['annotator3', t.annotator3 as 0 | 1 | 2],
      ['gpt-3.5-turbo', gptVerdict(gpt[i]!.gpt_result)],
      ['pandalm-7b', panda[i]!.pandalm_result as 0 | 1 | 2],
    ];
    for (const [rater, v] of verdicts) {
      check(v === 'garbage' || v === 0 || v === 1 || v === 2, `PandaLM: bad value ${String(v)} for ${rater} at idx ${t.idx}`);
      labels.push({ item_id, rater, value: v });
      prefs.push({
        item_id,
        rater,
        model_a: modelA,
        model_b: modelB,
        winner: v === 'garbage' ? '' : WINNER[v],
        status: v === 'garbage' ? 'parse_error' : 'ok',
      });
    }
  }
  // preferences.csv first: the win-ratio study reads it
  await write('human-labels/pandalm/preferences.csv', toCsv(['item_id', 'rater', 'model_a', 'model_b', 'winner', 'status'], prefs));
  await write('human-labels/pandalm/labels.csv', toCsv(['item_id', 'rater', 'value'], labels));
}

// ------------------------------------------------------------------------------------------------
// Sottana et al. 2023 (MIT; the Newsela and BEA-2019 source texts are not shipped)

type Task = 'summarization' | 'simplification' | 'gec';

const TASKS: Record<Task, { studies: number; systems: string[]; criteria: string[] }> = {
  summarization: {
    studies: 8,
    systems: ['gold_reference', 'bigscience/T0pp', 'text-davinci-003', 'gpt-3.5-turbo'],
    criteria: ['relevance', 'fluency', 'coherence', 'consistency'],
  },
  simplification: {
    studies: 4,
    systems: ['gold_reference', 'google/flan-t5-xxl', 'davinci-instruct-beta', 'gpt-3.5-turbo'],
    criteria: ['semantics', 'fluency', 'simplicity'],
  },
  gec: {
    studies: 4,
    systems: ['gold_reference', 'opt-iml-max-30b', 'text-davinci-003', 'gpt-3.5-turbo'],
    criteria: ['semantics', 'grammaticality', 'overcorrection'],
  },
};

/** The 3 Prolific annotators, shortened to the 5-character prefix the published tables use. */
const ANNOTATORS = ['57e2b7c38e00270001b43aba', '5995e3cf9845ef00014de380', '61102f9292f5e6301b5bea45'];
const shortRater = (id: string): string => id.slice(0, 5);
/** Upstream ids are 64-hex SHA-256 digests; 12 hex digits keep the files small and stay unique (checked). */
const shortId = (id: string): string => id.slice(0, 12);

/** Python 3's round(): half to even. The authors round GPT-4's occasional 4.5 this way. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Human GEC ratings are 1-based positions on the form; the published tables count errors from 0. */
function humanValue(task: Task, criterion: string, raw: string): number {
  const v = Number(raw);
  check(Number.isInteger(v), `Sottana: non-integer human rating "${raw}"`);
  return task === 'gec' && (criterion === 'grammaticality' || criterion === 'overcorrection') ? v - 1 : v;
}

const GPT4_GRAMMATICALITY: Record<string, number> = { '0': 0, '1': 1, '2 or more': 2 };
const GPT4_OVERCORRECTION: Record<string, number> = {
  No: 0,
  'Minor over-correction': 1,
  'Moderate over-correction': 2,
  'Substantial over-correction': 3,
};

function gpt4Value(task: Task, criterion: string, raw: unknown): number {
  if (task === 'gec' && criterion === 'grammaticality') {
    const v = GPT4_GRAMMATICALITY[String(raw)];
    check(v !== undefined, `Sottana: unknown GPT-4 grammaticality "${String(raw)}"`);
    return v;
  }
  if (task === 'gec' && criterion === 'overcorrection') {
    const v = GPT4_OVERCORRECTION[String(raw)];
    check(v !== undefined, `Sottana: unknown GPT-4 overcorrection "${String(raw)}"`);
    return v;
  }
  check(typeof raw === 'number', `Sottana: GPT-4 ${task}/${criterion} score is not a number: ${JSON.stringify(raw)}`);
  return pyRound(raw);
}

interface Instance {
  id: string;
  displayed_text: string;
  summary_1: string;
  summary_2: string;
  summary_3: string;
  summary_4: string;
  label_annotations: Record<string, Record<string, string>>;
}

/** Reads one task: the item order, each annotator's instances, the GPT-4 output; checks alignment. */
async function readSottanaTask(dir: string, task: Task) {
  const spec = TASKS[task];
  const order: string[] = [];
  const instances = new Map<string, Map<string, Instance>>(); // annotator → id → instance
  for (const a of ANNOTATORS) instances.set(a, new Map());
  for (let k = 1; k <= spec.studies; k++) {
    const study = join(dir, `${task}_evaluation_${k}_of_${spec.studies}`, 'annotation_output');
    let studyOrder: string[] | undefined;
    for (const a of ANNOTATORS) {
      const raw = (await readFile(join(study, a, 'annotation_order.txt'), 'utf8'))
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.endsWith('.html') && !l.startsWith('attention'));
      if (studyOrder === undefined) studyOrder = raw;
      else check(raw.join() === studyOrder.join(), `Sottana: annotators saw ${task} study ${k} in different orders`);
      for (const r of await readJsonl(join(study, a, 'annotated_instances.jsonl'))) {
        const inst = r as unknown as Instance;
        if (inst.id.startsWith('attention')) continue; // attention checks are not data
        instances.get(a)!.set(inst.id, inst);
      }
    }
    order.push(...studyOrder!);
  }
  const gpt4 = await readJsonl(join(dir, `${task}_evaluation_1_of_${spec.studies}`, 'gpt4_as_annotator', 'output.jsonl'));
  check(order.length === 100 && new Set(order).size === 100, `Sottana: ${task} should have 100 distinct items, has ${order.length}`);
  // The GPT-4 output follows the concatenated annotation order; its ids confirm the alignment.
  check(gpt4.length === order.length && gpt4.every((g, i) => g.id === order[i]), `Sottana: ${task} GPT-4 output is not aligned with annotation_order.txt`);
  check(new Set(order.map(shortId)).size === order.length, `Sottana: ${task} short ids collide`);
  for (const a of ANNOTATORS) for (const id of order) check(instances.get(a)!.has(id), `Sottana: ${a} has no rating for ${task} item ${id}`);
  return { order, instances, gpt4 };
}

/** Table 6 (potato_aggregated/<task>.csv): the per-annotator means, which the shipped labels must reproduce exactly. */
async function checkTable6(dir: string, task: Task, labels: Record<string, unknown>[]): Promise<number> {
  const text = await readFile(join(dir, 'potato_aggregated', `${task}.csv`), 'utf8');
  const [head, ...rows] = text.trim().split('\n');
  const cols = head!.split(',');
  const sums = new Map<string, { s: number; n: number }>();
  for (const l of labels) {
    const key = `${String(l.dimension).split('/')[1]!.toUpperCase()} - ${String(l.model).replace('gold_reference', 'gold reference')}|${String(l.rater)}`;
    const e = sums.get(key) ?? { s: 0, n: 0 };
    e.s += l.value as number;
    e.n += 1;
    sums.set(key, e);
  }
  let maxDiff = 0;
  let checked = 0;
  for (const line of rows) {
    const cells = line.split(',');
    const row = cells[0]!;
    for (let c = 1; c < cols.length; c++) {
      const m = /^Average (\w+)$/.exec(cols[c]!);
      if (!m) continue;
      const rater = m[1] === 'gpt4_' ? 'gpt-4' : m[1]!;
      const e = sums.get(`${row}|${rater}`);
      check(e !== undefined, `Sottana: no labels for Table 6 row "${row}" / ${rater}`);
      maxDiff = Math.max(maxDiff, Math.abs(e.s / e.n - Number(cells[c])));
      checked++;
    }
  }
  check(maxDiff < 1e-9, `Sottana: ${task} means differ from Table 6 by ${maxDiff}`);
  return checked;
}

async function importSottana(src: string): Promise<void> {
  const dir = join(src, 'sottana2023_seq2seq_human_gpt4');
  const full = join(dir, 'potato_and_GPT4_full_annotations');
  const labels: Record<string, unknown>[] = [];
  for (const task of Object.keys(TASKS) as Task[]) {
    const spec = TASKS[task];
    const { order, instances, gpt4 } = await readSottanaTask(full, task);
    const taskLabels: Record<string, unknown>[] = [];
    for (let i = 0; i < order.length; i++) {
      const id = order[i]!;
      for (const criterion of spec.criteria) {
        for (let s = 0; s < 4; s++) {
          const model = spec.systems[s]!;
          const base = { item_id: shortId(id), dimension: `${task}/${criterion}`, model };
          for (const a of ANNOTATORS) {
            const ann = instances.get(a)!.get(id)!.label_annotations[s === 0 ? criterion : `${criterion}_${s + 1}`];
            check(ann !== undefined && Object.keys(ann).length === 1, `Sottana: ${a} ${task} ${id} ${criterion} output ${s + 1}: expected one rating`);
            taskLabels.push({ ...base, rater: shortRater(a), value: humanValue(task, criterion, Object.values(ann)[0]!) });
          }
          const g = (gpt4[i]![model] as Record<string, unknown> | undefined)?.[criterion];
          check(g !== undefined, `Sottana: GPT-4 has no ${criterion} score for ${model} on ${task} ${id}`);
          taskLabels.push({ ...base, rater: 'gpt-4', value: gpt4Value(task, criterion, g) });
        }
      }
    }
    const n = await checkTable6(dir, task, taskLabels);
    process.stderr.write(`Sottana ${task}: ${taskLabels.length} labels, ${n} Table 6 means reproduced exactly\n`);
    labels.push(...taskLabels);

    if (task === 'summarization') await writeSummarizationData(order, instances, gpt4);
  }
  await write('human-labels/sottana/labels.csv', toCsv(['item_id', 'rater', 'value', 'dimension', 'model'], labels));
}

const SUMMARIZATION_INSTRUCTION =
  'Summarise the following news article. Make it shorter and more concise without changing its overall meaning, ' +
  'omitting unimportant details while retaining the key content of the story.';

/** Items, responses and GPT-4's recorded verdicts for the replay judge (CNN/DailyMail texts only). */
async function writeSummarizationData(
  order: string[],
  instances: Map<string, Map<string, Instance>>,
  gpt4: Record<string, unknown>[],
): Promise<void> {
  const spec = TASKS.summarization;
  const items: unknown[] = [];
  const responses: unknown[] = [];
  const verdicts: unknown[] = [];
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    const inst = instances.get(ANNOTATORS[0]!)!.get(id)!;
    for (const a of ANNOTATORS.slice(1)) {
      const other = instances.get(a)!.get(id)!;
      check(
        other.displayed_text === inst.displayed_text && [1, 2, 3, 4].every((k) => other[`summary_${k}` as 'summary_1'] === inst[`summary_${k}` as 'summary_1']),
        `Sottana: annotators saw different texts for summarization item ${id}`,
      );
    }
    const item_id = shortId(id);
    items.push({
      id: item_id,
      format: 'open',
      question: `${SUMMARIZATION_INSTRUCTION}\n\nArticle:\n${inst.displayed_text}`,
      reference: inst.summary_1,
      task: 'summarization',
      meta: { source: 'CNN/DailyMail', upstream_id: id },
    });
    spec.systems.forEach((model, s) => {
      responses.push({ item_id, model, output: inst[`summary_${s + 1}` as 'summary_1'] });
      const scores = gpt4[i]![model] as Record<string, number>;
      verdicts.push({
        item_id,
        model,
        scores: Object.fromEntries(spec.criteria.map((c) => [c, gpt4Value('summarization', c, scores[c])])),
        status: 'ok',
      });
    });
  }
  await writeJsonl('data/sottana/summarization/items.jsonl', items);
  await writeJsonl('data/sottana/summarization/responses.jsonl', responses);
  await writeJsonl('data/sottana/summarization/verdicts-gpt-4.jsonl', verdicts);
}

// ------------------------------------------------------------------------------------------------
// K-QA (MIT): three physicians' NLI labels

const NLI = new Set(['Entailment', 'Neutral', 'Contradiction']);

/** A minimal RFC 4180 reader: the K-QA file has quoted multi-line cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

async function importKqa(src: string): Promise<void> {
  const rows = parseCsv(await readFile(join(src, 'kqa', 'NLI_medical_annotator.csv'), 'utf8'));
  const [head, ...body] = rows;
  const col = (name: string): number => {
    const i = head!.indexOf(name);
    check(i >= 0, `K-QA: no column "${name}"`);
    return i;
  };
  const [iIdx, iLlm, iCat, iMaj] = [col(''), col('llm_x'), col('category_x'), col('majority_label')];
  const iLab = [col('label_0'), col('label_1'), col('label_2')];
  check(body.length === 399, `K-QA: expected 399 rows, got ${body.length}`);
  const labels: Record<string, unknown>[] = [];
  const ids = new Set<string>();
  for (const r of body) {
    const item_id = r[iIdx]!;
    check(/^\d+$/.test(item_id) && !ids.has(item_id), `K-QA: bad or repeated row index "${item_id}"`);
    ids.add(item_id);
    const vals = iLab.map((i) => r[i]!);
    check(vals.every((v) => NLI.has(v)) && NLI.has(r[iMaj]!), `K-QA: row ${item_id}: unexpected label`);
    vals.forEach((value, k) => labels.push({ item_id, rater: `physician${k}`, value, model: r[iLlm], category: r[iCat] }));
  }
  await write('human-labels/kqa/labels.csv', toCsv(['item_id', 'rater', 'value', 'model', 'category'], labels));
}

// ------------------------------------------------------------------------------------------------

const IMPORTERS: Record<string, (src: string) => Promise<void>> = {
  pandalm: importPandaLM,
  sottana: importSottana,
  kqa: importKqa,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const src = args.find((a) => !a.startsWith('--'));
  if (!src) fail('usage: node bin/run-ts.js scripts/import-datasets.ts SHARED_DATA_DIR [--only a,b]');
  check(existsSync(src), `no such folder: ${src}`);
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? (args[onlyIdx + 1] ?? '').split(',') : Object.keys(IMPORTERS);
  for (const name of only) {
    const f = IMPORTERS[name];
    if (!f) fail(`unknown dataset "${name}" (known: ${Object.keys(IMPORTERS).join(', ')})`);
    await f(resolve(src));
  }
}

await main();
