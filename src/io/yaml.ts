import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError } from './errors.ts';

/**
 * Reads a YAML (or JSON) configuration file and validates it with a zod schema, reporting the first
 * problem as one InputError with the file, the line of the offending node and the field path.
 * Aliases are bounded (`maxAliasCount`), so an alias bomb is a user error, not an out-of-memory.
 */
export async function loadYamlConfig<S extends z.ZodType>(path: string, schema: S, what = 'configuration'): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${what} file not found`, { file: path });
  }
  const lineCounter = new LineCounter();
  let raw: unknown;
  let lineOf: (p: (string | number)[]) => number | undefined = () => undefined;
  if (extname(path).toLowerCase() === '.json') {
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
      raw = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new InputError(`YAML not accepted (${(err as Error).message.split('\n')[0]})`, { file: path });
    }
    lineOf = (p) => {
      for (let k = p.length; k >= 0; k--) {
        const node = doc.getIn(p.slice(0, k), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x)) as (string | number)[];
    let message = issue.message;
    // An unknown key: name it, and point at its own line.
    if (issue.code === 'unrecognized_keys' && issue.keys.length) {
      p = [...p, issue.keys[0]!];
      message = `unknown key "${issue.keys[0]}"`;
    }
    throw new InputError(message, { file: path, line: lineOf(p), field: p.join('.') || undefined });
  }
  return parsed.data;
}
