import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { InputError, zodToInputError } from '../io/errors.ts';
import { hashValue } from '../io/hash.ts';
import { PairwiseTemplate } from '../schema/verdict.ts';

/** The pairwise judge templates shipped in rubrics/pairwise/, by name. */
export const PAIRWISE_TEMPLATES = ['mt-bench', 'arena-hard'] as const;

export interface LoadedPairwiseTemplate {
  template: PairwiseTemplate;
  /** Content hash of the parsed template (prompt, delimiters, verdict rule). */
  hash: string;
  path: string;
}

/**
 * Loads a pairwise judge template: a shipped name (`mt-bench`, `arena-hard`) or a YAML file.
 * Unknown keys, a bad rule or a missing prompt are errors naming the file and the field.
 */
export async function loadPairwiseTemplate(nameOrPath: string): Promise<LoadedPairwiseTemplate> {
  const shipped = (PAIRWISE_TEMPLATES as readonly string[]).includes(nameOrPath);
  const path = shipped ? fileURLToPath(new URL(`../../rubrics/pairwise/${nameOrPath}.yaml`, import.meta.url)) : nameOrPath;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`pairwise template not found (the shipped ones are ${PAIRWISE_TEMPLATES.join(', ')}; anything else is a YAML file path)`, { file: path });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const e = err as Error & { linePos?: Array<{ line: number }> };
    throw new InputError(`malformed YAML (${e.message.split('\n')[0]})`, { file: path, line: e.linePos?.[0]?.line });
  }
  const r = PairwiseTemplate.safeParse(raw);
  if (!r.success) throw zodToInputError(r.error, path, undefined);
  return { template: r.data, hash: hashValue(r.data), path };
}
