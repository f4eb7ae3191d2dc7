/**
 * Reads a stage's JSON into its typed result (schema/results/), keeping names that are hostile
 * object keys. zod 4's `z.record` drops a `__proto__` key when it parses, so a model or rater
 * named `__proto__` (kept in the JSON, see src/io/name-map.ts) would vanish from the charts — and
 * its entry would go unvalidated. So every `__proto__` key is renamed to a placeholder before the
 * parse (its value is validated like any other), and the objects that held one are rebuilt after
 * it as null-prototype name maps with the key back in its place.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { nameMap } from '../io/name-map.ts';

const PROTO = '__proto__';

/** `x` with every own `__proto__` key renamed to `placeholder` (copied only where one was found). */
function hide(x: unknown, placeholder: string): { value: unknown; found: boolean } {
  if (Array.isArray(x)) {
    let found = false;
    const value = x.map((v) => {
      const h = hide(v, placeholder);
      found ||= h.found;
      return h.value;
    });
    return found ? { value, found } : { value: x, found };
  }
  if (x === null || typeof x !== 'object') return { value: x, found: false };
  let found = false;
  const pairs = Object.entries(x).map(([k, v]): [string, unknown] => {
    const h = hide(v, placeholder);
    found ||= h.found || k === PROTO;
    return [k === PROTO ? placeholder : k, h.value];
  });
  return found ? { value: nameMap(pairs), found } : { value: x, found };
}

/** Puts `__proto__` back where `hide` put the placeholder, in place on the parser's fresh output. */
function restore(x: unknown, placeholder: string): unknown {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) x[i] = restore(x[i], placeholder);
    return x;
  }
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = restore(o[k], placeholder);
  if (!Object.prototype.hasOwnProperty.call(o, placeholder)) return o;
  // rebuilt in key order, so a hostile name keeps its place among the others
  return nameMap(Object.entries(o).map(([k, v]) => [k === placeholder ? PROTO : k, v] as const));
}

export type Parsed<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/** `schema.safeParse(raw)`, with `__proto__` keys validated and kept. */
export function parseResult<S extends z.ZodType>(schema: S, raw: unknown): Parsed<z.infer<S>> {
  const placeholder = `\u0000${PROTO}${randomUUID()}`;
  const h = hide(raw, placeholder);
  const r = schema.safeParse(h.value);
  if (!r.success) {
    // an issue inside a hostile name's entry names it as the JSON does
    const error = h.found ? new z.ZodError(r.error.issues.map((i) => ({ ...i, path: i.path.map((p) => (p === placeholder ? PROTO : p)) }))) : r.error;
    return { success: false, error };
  }
  return { success: true, data: (h.found ? restore(r.data, placeholder) : r.data) as z.infer<S> };
}
