/**
 * `judgekit annotate`: blind, order-balanced, multi-rater labelling of a plan, in the browser.
 * Loading a plan builds the units and the assignment (seeded, so a restart makes the same one),
 * reads back every label already given, and serves the app.
 */
import { InputError } from '../io/errors.ts';
import { readJudgments } from '../io/judgments.ts';
import { readItems, readResponses } from '../io/records.ts';
import { loadRubric } from '../judges/rubric.ts';
import type { Rubric } from '../schema/rubric.ts';
import { addRepeats, assignUnits, buildUnits } from './assign.ts';
import { loadPlan, type LoadedPlan } from './plan.ts';
import { AnnotateServer } from './server.ts';
import { LabelStore, lockLabelFile, planSecret, type RaterProgress } from './store.ts';

export { AnnotationPlan, loadPlan } from './plan.ts';
export { addRepeats, assignUnits, buildUnits } from './assign.ts';

export interface OpenedPlan {
  plan: LoadedPlan;
  store: LabelStore;
  secret: string;
  rubric?: Rubric;
  items: Awaited<ReturnType<typeof readItems>>;
  responses: Awaited<ReturnType<typeof readResponses>>;
  units: number;
}

export async function openPlan(path: string): Promise<OpenedPlan> {
  const plan = await loadPlan(path);
  const items = await readItems(plan.files.items);
  const responses = await readResponses(plan.files.responses, items);
  const rubric = plan.files.rubric ? (await loadRubric(plan.files.rubric)).rubric : undefined;
  if (plan.plan.models) {
    const known = new Set(responses.map((r) => r.model));
    const missing = plan.plan.models.filter((m) => !known.has(m));
    if (missing.length) throw new InputError(`no responses for model(s) ${missing.map((m) => `"${m}"`).join(', ')}`, { file: path, field: 'models' });
  }
  const judged = plan.files.judgments ? await judgedModels(plan.files.judgments) : undefined;
  const secret = planSecret(plan.files.out);
  const units = buildUnits(plan.plan, items, responses, secret, judged);
  if (units.length === 0) {
    if (judged) {
      throw new InputError(
        plan.plan.task === 'pairwise' ? 'the judge stage rated no two of the models ok on one item that also has their responses: nothing to compare' : 'the judge stage rated no response of these items and models ok: nothing to score',
        { file: path, field: 'judge_stage' },
      );
    }
    throw new InputError(plan.plan.task === 'pairwise' ? 'no item has answers from two of the models: nothing to compare' : 'no responses to score', { file: path, field: 'responses' });
  }
  const withRepeats = addRepeats(plan.plan, units, assignUnits(plan.plan, units), secret);
  const store = new LabelStore(plan.files.out, plan.plan.task, withRepeats.units, withRepeats.assignments);
  return { plan, store, secret, ...(rubric ? { rubric } : {}), items, responses, units: units.length };
}

/** item → the models a judge stage rated ok on it (its failures rate nothing, so they give no unit). */
async function judgedModels(file: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const j of await readJudgments(file)) {
    if (j.status !== 'ok') continue;
    let s = out.get(j.item_id);
    if (!s) out.set(j.item_id, (s = new Set()));
    s.add(j.model);
  }
  return out;
}

export async function serveAnnotation(path: string, opts: { host: string; port: number }): Promise<{ server: AnnotateServer; urls: Array<{ rater: string; url: string }>; port: number; opened: OpenedPlan; release: () => void }> {
  const opened = await openPlan(path);
  const release = lockLabelFile(opened.plan.files.out);
  try {
    await opened.store.flush(); // the label file exists from the start, and matches the journal
    const server = new AnnotateServer({ plan: opened.plan, items: opened.items, responses: opened.responses, ...(opened.rubric ? { rubric: opened.rubric } : {}), store: opened.store, secret: opened.secret, host: opts.host, port: opts.port });
    const { port, urls } = await server.listen();
    return { server, urls, port, opened, release };
  } catch (err) {
    release();
    throw err;
  }
}

export function progressTable(rows: RaterProgress[], units: number): string {
  const total = rows.reduce((a, r) => a + r.assigned, 0);
  const done = rows.reduce((a, r) => a + r.labelled, 0);
  const skipped = rows.reduce((a, r) => a + r.skipped, 0);
  const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);
  const withRepeats = rows.some((r) => r.repeats);
  // self-consistency: of the dimensions labelled both times, the share given the same value
  const consistency = (r: RaterProgress) =>
    !withRepeats ? '' : `\t${r.repeats ? `${r.repeats.agreed}/${r.repeats.compared} (${pct(r.repeats.agreed, r.repeats.compared)})` : '—'}`;
  const lines = [`rater\tassigned\tlabelled\tskipped\tremaining\tdone${withRepeats ? '\tself-consistency on repeats' : ''}`];
  for (const r of rows) lines.push(`${r.rater}\t${r.assigned}\t${r.labelled}\t${r.skipped}\t${r.remaining}\t${pct(r.labelled + r.skipped, r.assigned)}${consistency(r)}`);
  lines.push(`all\t${total}\t${done}\t${skipped}\t${total - done - skipped}\t${pct(done + skipped, total)}`);
  lines.push(`${units} unit(s); ${total} assignment(s)`);
  return lines.join('\n');
}
