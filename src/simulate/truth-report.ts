/**
 * The "truth" section of a stage's report on simulated data: each planted value beside the
 * estimate the stage made of it. A check names the estimate by its place in the stage's JSON
 * result (`<stage>.json`), so this module knows nothing of the studies' types; a place that does
 * not exist shows as "—" (the check then says what it looked for) rather than failing the run.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../io/errors.ts';

const Segment = z.union([z.string(), z.number(), z.object({ find: z.string(), equals: z.string() })]);
type Expr = { path: z.infer<typeof Segment>[] } | { minus: [Expr, Expr] } | { mean: Expr[] };
const Expr: z.ZodType<Expr> = z.lazy(() => z.union([z.object({ path: z.array(Segment) }), z.object({ minus: z.tuple([Expr, Expr]) }), z.object({ mean: z.array(Expr).min(1) })]));

export const TruthCheck = z.object({
  quantity: z.string(),
  truth: z.union([z.number(), z.string()]),
  estimate: Expr,
  /** The estimate's interval, when the study gives one: [low, high]. */
  interval: z.tuple([Expr, Expr]).optional(),
  /**
   * Checks of one kind (e.g. one estimator): the count of intervals holding the truth is given per
   * group, because a section may show an estimator that is meant to miss beside those meant to cover.
   */
  group: z.string().optional(),
});
export type TruthCheck = z.infer<typeof TruthCheck>;
export const TruthSection = z.object({ title: z.string(), note: z.string().optional(), checks: z.array(TruthCheck) });
export type TruthSection = z.infer<typeof TruthSection>;
export const TruthChecks = z.record(z.string(), TruthSection);

function walk(value: unknown, path: z.infer<typeof Segment>[]): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || v === undefined) return undefined;
    if (typeof seg === 'object') v = Array.isArray(v) ? v.find((x) => (x as Record<string, unknown>)?.[seg.find] === seg.equals) : undefined;
    else v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** An expression's value in a stage result; undefined when any place in it is missing. */
export function evaluate(result: unknown, e: Expr): number | string | undefined {
  if ('path' in e) {
    const v = walk(result, e.path);
    if (v && typeof v === 'object' && 'value' in v) return (v as { value: number }).value ?? undefined;
    return typeof v === 'number' || typeof v === 'string' ? v : undefined;
  }
  if ('minus' in e) {
    const [a, b] = e.minus.map((x) => evaluate(result, x));
    return typeof a === 'number' && typeof b === 'number' ? a - b : undefined;
  }
  const xs = e.mean.map((x) => evaluate(result, x));
  return xs.every((x): x is number => typeof x === 'number') ? xs.reduce((s, x) => s + x, 0) / xs.length : undefined;
}

const fmt = (v: number | string | undefined): string => (v === undefined ? '—' : typeof v === 'number' ? v.toFixed(3) : v);

/** The Markdown section: quantity | estimate | interval | truth | inside. */
export function renderTruthSection(section: TruthSection, result: unknown): string {
  const lines = [`### Truth (simulated data): ${section.title}`, ''];
  if (section.note) lines.push(section.note, '');
  lines.push('| quantity | estimate | 95% interval | truth | truth inside the interval |', '|---|---:|---:|---:|:---:|');
  const tally = new Map<string | undefined, { inside: number; of: number }>();
  for (const c of section.checks) {
    const est = evaluate(result, c.estimate);
    const iv = c.interval?.map((x) => evaluate(result, x));
    const ok = iv && typeof iv[0] === 'number' && typeof iv[1] === 'number' && typeof c.truth === 'number' ? iv[0] <= c.truth && c.truth <= iv[1] : undefined;
    if (ok !== undefined) {
      const g = tally.get(c.group) ?? { inside: 0, of: 0 };
      tally.set(c.group, { inside: g.inside + (ok ? 1 : 0), of: g.of + 1 });
    }
    const same = typeof c.truth === 'string' ? (est === c.truth ? 'same' : 'different') : ok === undefined ? '' : ok ? 'yes' : '**no**';
    lines.push(`| ${c.quantity} | ${fmt(est)} | ${iv ? `${fmt(iv[0])} – ${fmt(iv[1])}` : ''} | ${fmt(c.truth)} | ${same} |`);
  }
  const groups = [...tally];
  if (groups.length === 1 && groups[0]![0] === undefined) {
    const { inside, of } = groups[0]![1];
    lines.push('', `The truth lies inside ${inside} of ${of} intervals (about 95% are expected to).`);
  } else if (groups.length) {
    lines.push('', 'The truth lies inside:', '', ...groups.map(([g, { inside, of }]) => `- ${g ?? 'other'}: ${inside} of ${of} intervals`));
  }
  return lines.join('\n') + '\n';
}

/** Reads the checks of one section from a simulation's truth.json and renders them against a stage's result. */
export async function truthMarkdown(truthFile: string, sectionName: string, result: unknown): Promise<string> {
  const truth = JSON.parse(await readFile(truthFile, 'utf8')) as { checks?: unknown };
  const checks = TruthChecks.parse(truth.checks ?? {});
  const section = checks[sectionName];
  if (!section) throw new InputError(`no truth section "${sectionName}" (sections: ${Object.keys(checks).join(', ')})`, { file: truthFile, field: 'checks' });
  return renderTruthSection(section, result);
}
