import { readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { InputError, zodToInputError } from '../io/errors.ts';
import { hashValue, sha256 } from '../io/hash.ts';
import { isInside } from '../io/paths.ts';
import { Rubric, type Criterion, type Scale } from '../schema/rubric.ts';

/** The template used when a rubric names none. */
export const DEFAULT_TEMPLATE_PATH = fileURLToPath(new URL('../../rubrics/templates/rubric-judge-v1.md', import.meta.url));

/** A validated rubric with its content hash and its prompt template (text and hash). */
export interface LoadedRubric {
  rubric: Rubric;
  /** sha256 of the canonical JSON of the parsed rubric (defaults filled): formatting and comments do not change it. */
  hash: string;
  path: string | undefined;
  template: string;
  template_hash: string;
  /** Where the template came from: a path, or `inline`. */
  template_source: string;
}

/** Reads a rubric YAML (or JSON) file, validates it with the Rubric schema and loads its template. */
export async function loadRubric(path: string): Promise<LoadedRubric> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError('file not found', { file: path });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const e = err as Error & { linePos?: Array<{ line: number }> };
    throw new InputError(`malformed YAML (${e.message.split('\n')[0]})`, { file: path, line: e.linePos?.[0]?.line });
  }
  return rubricFromValue(raw, path);
}

/**
 * Validates a parsed rubric value. A `template` that contains a line break or `{{` is the template
 * text itself; otherwise it is a path relative to the rubric file.
 */
export function rubricFromValue(raw: unknown, path?: string): LoadedRubric {
  const r = Rubric.safeParse(raw);
  if (!r.success) throw zodToInputError(r.error, path ?? '(rubric)', undefined);
  const rubric = r.data;
  let template: string;
  let source: string;
  if (rubric.template !== undefined && (rubric.template.includes('\n') || rubric.template.includes('{{'))) {
    template = rubric.template;
    source = 'inline';
  } else {
    if (rubric.template === undefined) {
      source = DEFAULT_TEMPLATE_PATH;
      template = readFileSync(source, 'utf8');
    } else {
      ({ source, template } = readTemplate(path ? dirname(path) : '.', rubric.template, path));
    }
  }
  return { rubric, hash: hashValue(rubric), path, template, template_hash: sha256(template), template_source: source };
}

/** Templates are prompts, not data files: 1 MiB is far above any real one. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * A rubric's `template:` file, confined to the rubric's folder: its real path (symlinks resolved)
 * must lie inside the folder, and it must be a regular file under MAX_TEMPLATE_BYTES. Otherwise a
 * rubric from elsewhere could make any file on the machine the prompt sent to the endpoint.
 */
function readTemplate(folder: string, name: string, rubricPath: string | undefined): { source: string; template: string } {
  const where = { file: rubricPath, field: 'template' };
  let root: string;
  let real: string;
  try {
    root = realpathSync(folder);
    real = realpathSync(resolve(folder, name));
  } catch {
    throw new InputError(`template file not found: ${resolve(folder, name)}`, where);
  }
  if (!isInside(root, real)) throw new InputError(`the template must lie inside the rubric's folder (${root}): ${name}`, where);
  const st = statSync(real);
  if (!st.isFile()) throw new InputError(`the template is not a regular file: ${name}`, where);
  if (st.size > MAX_TEMPLATE_BYTES) throw new InputError(`the template is larger than ${MAX_TEMPLATE_BYTES} bytes: ${name}`, where);
  return { source: real, template: readFileSync(real, 'utf8') };
}

/** The raw scale of a criterion (its own, else the rubric's). */
export function criterionScale(rubric: Rubric, c: Criterion): Scale {
  return c.scale ?? rubric.scale;
}

/**
 * Applies the rubric's gates in order: when the `by` criterion is at most `when_at_most`, the
 * `target` is capped at `cap` (first matching rule, rules in the order written). Returns the gated
 * scores and whether anything changed. MedReason: `VA_final = min(VA_answer, 1)` if `RVF_trace ≤ 1`,
 * `min(VA_answer, 3)` if `RVF_trace = 2`.
 */
export function applyGates(rubric: Rubric, scores: Record<string, number>): { scores: Record<string, number>; changed: boolean } {
  const out = { ...scores };
  let changed = false;
  for (const g of rubric.gates) {
    const by = out[g.by];
    const target = out[g.target];
    if (by === undefined || target === undefined) continue;
    const rule = g.rules.find((r) => by <= r.when_at_most);
    if (rule && target > rule.cap) {
      out[g.target] = rule.cap;
      changed = true;
    }
  }
  return { scores: out, changed };
}

/**
 * The rubric's aggregate of one item's scores: for `weighted_mean`, each criterion mapped from its
 * raw scale to [0, 1] by (s − min) / (max − min), the weighted mean of those, then scaled to the
 * rubric's normalised range (Med-CMR: 0–100). null for `separate` aggregation.
 */
export function aggregateScore(rubric: Rubric, scores: Record<string, number>): number | null {
  const agg = rubric.aggregation;
  if (agg.method === 'separate') return null;
  let num = 0;
  let den = 0;
  for (const c of rubric.criteria) {
    if (c.weight === 0) continue;
    const s = scores[c.key];
    if (s === undefined) return null;
    const sc = criterionScale(rubric, c);
    num += c.weight * ((s - sc.min) / (sc.max - sc.min));
    den += c.weight;
  }
  return agg.normalise.min + (num / den) * (agg.normalise.max - agg.normalise.min);
}
