import { checker, ConversionError, type Check, csvFromObjects, jsonl, readJsonl, type Conversion, type SourceFiles } from './common.ts';

const check: Check = checker('sottana');

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
  check(Number.isInteger(v), `non-integer human rating "${raw}"`);
  return task === 'gec' && (criterion === 'grammaticality' || criterion === 'overcorrection') ? v - 1 : v;
}

const GPT4_GRAMMATICALITY: Record<string, number> = { '0': 0, '1': 1, '2 or more': 2 };
const GPT4_OVERCORRECTION: Record<string, number> = { No: 0, 'Minor over-correction': 1, 'Moderate over-correction': 2, 'Substantial over-correction': 3 };

function gpt4Value(task: Task, criterion: string, raw: unknown): number {
  if (task === 'gec' && (criterion === 'grammaticality' || criterion === 'overcorrection')) {
    const v = (criterion === 'grammaticality' ? GPT4_GRAMMATICALITY : GPT4_OVERCORRECTION)[String(raw)];
    check(v !== undefined, `unknown GPT-4 ${criterion} "${String(raw)}"`);
    return v;
  }
  if (typeof raw !== 'number') throw new ConversionError('sottana', `GPT-4 ${task}/${criterion} score is not a number: ${JSON.stringify(raw)}`);
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

const summary = (inst: Instance, k: number): string => inst[`summary_${k}` as 'summary_1'];

/** Reads one task: the item order, each annotator's instances, the GPT-4 output; checks alignment. */
async function readTask(src: SourceFiles, task: Task) {
  const spec = TASKS[task];
  const order: string[] = [];
  const instances = new Map<string, Map<string, Instance>>(ANNOTATORS.map((a) => [a, new Map()]));
  for (let k = 1; k <= spec.studies; k++) {
    const study = `potato_and_GPT4_full_annotations/${task}_evaluation_${k}_of_${spec.studies}/annotation_output`;
    let studyOrder: string[] | undefined;
    for (const a of ANNOTATORS) {
      const raw = (await src.read(`${study}/${a}/annotation_order.txt`))
        .toString('utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.endsWith('.html') && !l.startsWith('attention'));
      if (studyOrder === undefined) studyOrder = raw;
      else check(raw.join() === studyOrder.join(), `annotators saw ${task} study ${k} in different orders`);
      for (const r of await readJsonl(src, `${study}/${a}/annotated_instances.jsonl`)) {
        const inst = r as unknown as Instance;
        if (inst.id.startsWith('attention')) continue; // attention checks are not data
        instances.get(a)!.set(inst.id, inst);
      }
    }
    order.push(...studyOrder!);
  }
  const gpt4 = await readJsonl(src, `potato_and_GPT4_full_annotations/${task}_evaluation_1_of_${spec.studies}/gpt4_as_annotator/output.jsonl`);
  check(order.length === 100 && new Set(order).size === 100, `${task} should have 100 distinct items, has ${order.length}`);
  // The GPT-4 output follows the concatenated annotation order; its ids confirm the alignment.
  check(gpt4.length === order.length && gpt4.every((g, i) => g.id === order[i]), `${task} GPT-4 output is not aligned with annotation_order.txt`);
  check(new Set(order.map(shortId)).size === order.length, `${task} short ids collide`);
  for (const a of ANNOTATORS) for (const id of order) check(instances.get(a)!.has(id), `${a} has no rating for ${task} item ${id}`);
  return { order, instances, gpt4 };
}

/** Table 6 (potato_aggregated/<task>.csv): the per-annotator means, which the converted labels must reproduce exactly. */
async function checkTable6(src: SourceFiles, task: Task, labels: Record<string, unknown>[]): Promise<number> {
  const [head, ...rows] = (await src.read(`potato_aggregated/${task}.csv`)).toString('utf8').trim().split('\n');
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
    for (let c = 1; c < cols.length; c++) {
      const m = /^Average (\w+)$/.exec(cols[c]!);
      if (!m) continue;
      const rater = m[1] === 'gpt4_' ? 'gpt-4' : m[1]!;
      const e = sums.get(`${cells[0]!}|${rater}`);
      check(e !== undefined, `no labels for Table 6 row "${cells[0]!}" / ${rater}`);
      maxDiff = Math.max(maxDiff, Math.abs(e.s / e.n - Number(cells[c])));
      checked++;
    }
  }
  check(maxDiff < 1e-9, `${task} means differ from Table 6 by ${maxDiff}`);
  return checked;
}

const SUMMARIZATION_INSTRUCTION =
  'Summarise the following news article. Make it shorter and more concise without changing its overall meaning, ' +
  'omitting unimportant details while retaining the key content of the story.';

/** Items, responses and GPT-4's recorded verdicts for the replay judge (CNN/DailyMail texts only). */
function summarizationData(order: string[], instances: Map<string, Map<string, Instance>>, gpt4: Record<string, unknown>[]): Map<string, string> {
  const spec = TASKS.summarization;
  const items: unknown[] = [];
  const responses: unknown[] = [];
  const verdicts: unknown[] = [];
  order.forEach((id, i) => {
    const inst = instances.get(ANNOTATORS[0]!)!.get(id)!;
    for (const a of ANNOTATORS.slice(1)) {
      const other = instances.get(a)!.get(id)!;
      check(other.displayed_text === inst.displayed_text && [1, 2, 3, 4].every((k) => summary(other, k) === summary(inst, k)), `annotators saw different texts for summarization item ${id}`);
    }
    const item_id = shortId(id);
    items.push({ id: item_id, format: 'open', question: `${SUMMARIZATION_INSTRUCTION}\n\nArticle:\n${inst.displayed_text}`, reference: inst.summary_1, task: 'summarization', meta: { source: 'CNN/DailyMail', upstream_id: id } });
    spec.systems.forEach((model, s) => {
      responses.push({ item_id, model, output: summary(inst, s + 1) });
      const scores = gpt4[i]![model] as Record<string, number>;
      verdicts.push({ item_id, model, scores: Object.fromEntries(spec.criteria.map((c) => [c, gpt4Value('summarization', c, scores[c])])), status: 'ok' });
    });
  });
  return new Map([
    ['summarization/items.jsonl', jsonl(items)],
    ['summarization/responses.jsonl', jsonl(responses)],
    ['summarization/verdicts-gpt-4.jsonl', jsonl(verdicts)],
  ]);
}

/**
 * Sottana et al. 2023 → labels.csv (3 humans + GPT-4, every task and criterion, long form) and the
 * summarisation items, responses and GPT-4 verdicts for the replay judge. The Newsela and BEA-2019
 * source texts are not converted into files (only their ratings are).
 */
export async function convertSottana(src: SourceFiles): Promise<Conversion> {
  const labels: Record<string, unknown>[] = [];
  const notes: string[] = [];
  let files = new Map<string, string>();
  for (const task of Object.keys(TASKS) as Task[]) {
    const spec = TASKS[task];
    const { order, instances, gpt4 } = await readTask(src, task);
    const taskLabels: Record<string, unknown>[] = [];
    order.forEach((id, i) => {
      for (const criterion of spec.criteria) {
        spec.systems.forEach((model, s) => {
          const base = { item_id: shortId(id), dimension: `${task}/${criterion}`, model };
          for (const a of ANNOTATORS) {
            const ann = instances.get(a)!.get(id)!.label_annotations[s === 0 ? criterion : `${criterion}_${s + 1}`];
            check(ann !== undefined && Object.keys(ann).length === 1, `${a} ${task} ${id} ${criterion} output ${s + 1}: expected one rating`);
            taskLabels.push({ ...base, rater: shortRater(a), value: humanValue(task, criterion, Object.values(ann)[0]!) });
          }
          const g = (gpt4[i]![model] as Record<string, unknown> | undefined)?.[criterion];
          check(g !== undefined, `GPT-4 has no ${criterion} score for ${model} on ${task} ${id}`);
          taskLabels.push({ ...base, rater: 'gpt-4', value: gpt4Value(task, criterion, g) });
        });
      }
    });
    const n = await checkTable6(src, task, taskLabels);
    notes.push(`${task}: ${taskLabels.length} labels; ${n} Table 6 means reproduced exactly`);
    labels.push(...taskLabels);
    if (task === 'summarization') files = summarizationData(order, instances, gpt4);
  }
  notes.push(
    'items in the concatenated annotation_order.txt order (attention checks and .html lines dropped); ids = first 12 hex of the upstream id',
    'raters = first 5 characters of the Prolific ids; GPT-4 scores rounded half to even (Python round); GEC grammaticality and overcorrection: humans −1, GPT-4 words → counts',
  );
  files.set('labels.csv', csvFromObjects(['item_id', 'rater', 'value', 'dimension', 'model'], labels));
  return { files, notes };
}
