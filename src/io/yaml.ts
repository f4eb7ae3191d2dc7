import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError } from './errors.ts';

/** A config file's parsed value, and the line of any field path in it (undefined for JSON). */
export interface ParsedConfig {
  raw: unknown;
  lineOf: (path: (string | number)[]) => number | undefined;
}

/**
 * Reads a YAML (or JSON) configuration file. Aliases are bounded (`maxAliasCount`), so an alias
 * bomb is a user error, not an out-of-memory; `lineOf` finds a field's line, also for a key the
 * schema does not know (it has no node of its own in the parsed value: its key in the parent map).
 */
export async function readConfigFile(path: string, what = 'configuration'): Promise<ParsedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${what} file not found`, { file: path });
  }
  if (extname(path).toLowerCase() === '.json') {
    try {
      return { raw: JSON.parse(text), lineOf: () => undefined };
    } catch (err) {
      throw new InputError(`malformed JSON (${(err as Error).message})`, { file: path });
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new InputError(`malformed YAML (${e.message.split('\n')[0]})`, { file: path, line: lineCounter.linePos(e.pos[0]).line });
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(`YAML refused (${(err as Error).message.split('\n')[0]})`, { file: path });
  }
  const lineOf = (p: (string | number)[]): number | undefined => {
    const parent = p.length ? doc.getIn(p.slice(0, -1), true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === p[p.length - 1]);
      if (pair && isNode(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
    }
    for (let k = p.length; k >= 0; k--) {
      const node = doc.getIn(p.slice(0, k), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { raw, lineOf };
}

/**
 * Validates a parsed config with a zod schema; the first problem is one InputError with the file,
 * the line and the field path. An unknown key (a misspelt `treshold` would otherwise be ignored and
 * its default used) is named, at its own line.
 */
export function validateConfig<S extends z.ZodType>(schema: S, { raw, lineOf }: ParsedConfig, path: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x)) as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const at = [...p, key];
    throw new InputError(`unknown key "${key}"${issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).map((k) => `"${k}"`).join(', ')})` : ''}`, { file: path, line: lineOf(at), field: at.join('.') });
  }
  throw new InputError(issue.message, { file: path, line: lineOf(p), field: p.join('.') || undefined });
}

/** Reads and validates a configuration file (an annotation plan, …). */
export async function loadYamlConfig<S extends z.ZodType>(path: string, schema: S, what = 'configuration'): Promise<z.infer<S>> {
  return validateConfig(schema, await readConfigFile(path, what), path);
}
