import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { ExperimentConfig } from '../schema/index.ts';
import { InputError } from '../io/errors.ts';
import { hashValue } from '../io/hash.ts';

export interface LoadedExperiment {
  path: string;
  dir: string;
  config: ExperimentConfig;
  /** Hash of the validated config (with defaults filled in). */
  hash: string;
}

/** The config fields, per stage, that name input files (relative to the config file). */
export const STAGE_INPUT_FIELDS = ['items', 'responses', 'rubric', 'labels', 'preferences', 'pairs', 'verdicts', 'human_preferences', 'ratings'] as const;

/**
 * Reads an experiment config (YAML or JSON), validates it against the schema and reports the
 * first problem with the file, the line and the field path.
 */
export async function loadExperiment(path: string): Promise<LoadedExperiment> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError('experiment config not found', { file: path });
  }
  const lineCounter = new LineCounter();
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  let lineOf: (p: (string | number)[]) => number | undefined = () => undefined;
  if (ext === '.json') {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new InputError(`malformed JSON (${(err as Error).message})`, { file: path });
    }
  } else {
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      throw new InputError(`malformed YAML (${e.message.split('\n')[0]})`, { file: path, line: lineCounter.linePos(e.pos[0]).line });
    }
    try {
      // yaml bounds alias expansion (maxAliasCount): a "billion laughs" document is refused, not expanded.
      raw = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new InputError(`YAML refused (${(err as Error).message.split('\n')[0]})`, { file: path });
    }
    lineOf = (p) => {
      for (let k = p.length; k >= 0; k--) {
        const node = doc.getIn(p.slice(0, k), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
  }
  const parsed = ExperimentConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x)) as (string | number)[];
    throw new InputError(issue.message, { file: path, line: lineOf(p), field: p.join('.') || undefined });
  }
  return { path, dir: dirname(path), config: parsed.data, hash: hashValue(parsed.data) };
}

/** Resolves a path from a config relative to the config file's folder. */
export function resolveFrom(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}
