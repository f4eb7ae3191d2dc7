/**
 * An object for names as keys (models, raters, items, criteria): no prototype, so a name such as
 * `__proto__`, `constructor` or `toString` is an ordinary own key. On a plain `{}`, `o['__proto__'] = v`
 * replaces the prototype and the name vanishes from the JSON, and `o['constructor'] ?? 0` is a function.
 * JSON.stringify writes every own key, so each name appears in the output.
 */
export function nameMap<V>(entries?: Iterable<readonly [string, V]>): Record<string, V> {
  const o = Object.create(null) as Record<string, V>;
  if (entries) for (const [k, v] of entries) o[k] = v;
  return o;
}
