import { parse } from 'csv-parse/sync';
import { checker, type Check, csvFromObjects, type Conversion, type SourceFiles } from './common.ts';

const check: Check = checker('kqa');
const NLI = new Set(['Entailment', 'Neutral', 'Contradiction']);

/** K-QA's physician NLI labels → labels.csv (item = the upstream row index; model and category kept as columns). */
export async function convertKqa(src: SourceFiles): Promise<Conversion> {
  const rows = parse((await src.read('NLI_medical_annotator.csv')).toString('utf8'), { relax_column_count: false }) as string[][];
  const [head, ...body] = rows;
  const col = (name: string): number => {
    const i = head!.indexOf(name);
    check(i >= 0, `no column "${name}"`);
    return i;
  };
  const [iIdx, iLlm, iCat, iMaj] = [col(''), col('llm_x'), col('category_x'), col('majority_label')];
  const iLab = [col('label_0'), col('label_1'), col('label_2')];
  check(body.length === 399, `expected 399 rows, got ${body.length}`);
  const labels: Record<string, unknown>[] = [];
  const ids = new Set<string>();
  for (const r of body) {
    const item_id = r[iIdx]!;
    check(/^\d+$/.test(item_id) && !ids.has(item_id), `bad or repeated row index "${item_id}"`);
    ids.add(item_id);
    const vals = iLab.map((i) => r[i]!);
    check(vals.every((v) => NLI.has(v)) && NLI.has(r[iMaj]!), `row ${item_id}: unexpected label`);
    vals.forEach((value, k) => labels.push({ item_id, rater: `physician${k}`, value, model: r[iLlm], category: r[iCat] }));
  }
  return {
    files: new Map([['labels.csv', csvFromObjects(['item_id', 'rater', 'value', 'model', 'category'], labels)]]),
    notes: ['399 rows × label_0..label_2 → physician0..physician2; texts (question, answer, claim) not kept', 'majority_label not kept: the studies form their own majority'],
  };
}
