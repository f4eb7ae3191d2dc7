/**
 * Reading a judge's JSON verdict the way real judges write it, without ever reading one the judge
 * did not give.
 *
 * Tolerated: a `<think>` block or a reasoning preamble before the verdict; a markdown fence; the
 * criteria at the top level or under any one wrapper key (`scores`, `evaluation`, …); keys that
 * differ in case, spaces, hyphens or underscores; `{score, reason}` objects per criterion; numbers
 * written as strings or as `4/5`.
 *
 * Never read: JSON quoted inside prose. The verdict is the whole message, or the object (bare or
 * fenced) that ends it: a judge that quotes a candidate's `{"scores": …}` and then writes "my
 * verdict is low" has given no JSON verdict, and the quoted object is not taken for one. Nothing
 * inside `<think>…</think>` is ever the verdict.
 */

/** Zero-width and invisible formatting characters that can hide inside a tag or a key. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/**
 * Removes `<think>…</think>` (and `<thinking>`, `<reasoning>`) blocks. An unclosed opening tag
 * hides everything after it (the judge never finished thinking); a closing tag with no opening one
 * (servers that strip the opening tag) hides everything before it.
 */
export function stripThinking(text: string): { text: string; thinking: string | null } {
  const parts: string[] = [];
  let t = text.replace(INVISIBLE, '');
  t = t.replace(/<\s*(think|thinking|reasoning)\s*>([\s\S]*?)<\s*\/\s*\1\s*>/gi, (_m, _tag: string, inner: string) => {
    parts.push(inner.trim());
    return '\n';
  });
  const open = /<\s*(think|thinking|reasoning)\s*>/i.exec(t);
  if (open) {
    parts.push(t.slice(open.index + open[0].length).trim());
    t = t.slice(0, open.index);
  }
  const close = [...t.matchAll(/<\s*\/\s*(think|thinking|reasoning)\s*>/gi)].pop();
  if (close) {
    parts.push(t.slice(0, close.index).trim());
    t = t.slice(close.index + close[0].length);
  }
  return { text: t, thinking: parts.length ? parts.join('\n\n') : null };
}

export type JsonLocation = 'whole' | 'fenced' | 'after_preamble';

export type TrailingJson =
  | { found: true; value: unknown; where: JsonLocation }
  | { found: false; error: string | null };

const MAX_STARTS = 400;

/**
 * The JSON object that is the message or ends it. `error` is null when the text holds no JSON at
 * all, and names the problem when it holds JSON that is not a verdict's place (quoted mid-prose,
 * malformed, or a fence followed by more text).
 */
export function trailingJson(text: string): TrailingJson {
  const t = text.trim();
  if (t === '') return { found: false, error: null };
  if (t.endsWith('```')) {
    const body = t.slice(0, -3);
    const open = body.lastIndexOf('```');
    if (open >= 0) {
      const inner = body.slice(open + 3).replace(/^[a-zA-Z0-9_-]*[ \t]*\r?\n?/, '').trim();
      try {
        return { found: true, value: JSON.parse(inner), where: open === 0 ? 'whole' : 'fenced' };
      } catch (err) {
        return { found: false, error: `malformed JSON in the fenced block (${(err as Error).message})` };
      }
    }
  }
  let wholeError: string | undefined;
  if (t.startsWith('{')) {
    try {
      return { found: true, value: JSON.parse(t), where: 'whole' };
    } catch (err) {
      wholeError = `malformed JSON (${(err as Error).message})`;
      if (!t.endsWith('}')) return { found: false, error: wholeError };
    }
  }
  if (t.endsWith('}')) {
    // The outermost object that parses and runs to the end: try each "{" from the left.
    let tries = 0;
    for (let p = t.indexOf('{'); p >= 0 && tries < MAX_STARTS; p = t.indexOf('{', p + 1), tries++) {
      try {
        const value = JSON.parse(t.slice(p));
        return { found: true, value, where: p === 0 ? 'whole' : 'after_preamble' };
      } catch {
        // not an object that ends the message; try the next brace
      }
    }
    return { found: false, error: wholeError ?? 'the message ends with "}" but no complete JSON object ends it' };
  }
  if (/\{[\s\S]*"[^"]*"\s*:/.test(t)) {
    return { found: false, error: 'JSON appears inside the text, but the message does not end with it; the verdict must be the message or its last part' };
  }
  return { found: false, error: null };
}

/** Lower case, without spaces, hyphens, underscores or invisible characters. */
export function normaliseKey(k: string): string {
  return k.replace(INVISIBLE, '').toLowerCase().replace(/[\s_\-]+/g, '');
}

const SCORE_FIELDS = ['score', 'rating', 'value', 'grade', 'points'];
const REASON_FIELDS = ['rationale', 'reason', 'reasoning', 'explanation', 'justification', 'feedback', 'comment'];

/** A number from a verdict value: 4, "4", "4.0", "4/5" (denominator = the scale's max), {score: 4}. */
export function coerceNumber(v: unknown, max: number): { ok: true; value: number } | { ok: false; error: string } {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const k = Object.keys(o).find((x) => SCORE_FIELDS.includes(normaliseKey(x)));
    if (k === undefined) return { ok: false, error: `has no score field (one of ${SCORE_FIELDS.join(', ')})` };
    return coerceNumber(o[k], max);
  }
  if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, error: `is not a finite number` };
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[-+]?\d+(\.\d+)?$/.test(s)) return { ok: true, value: Number(s) };
    const frac = /^([-+]?\d+(?:\.\d+)?)\s*(?:\/|out of)\s*(\d+(?:\.\d+)?)$/i.exec(s);
    if (frac) {
      if (Number(frac[2]) !== max) return { ok: false, error: `is "${s}", a fraction of ${frac[2]}, not of the scale's maximum ${max}` };
      return { ok: true, value: Number(frac[1]) };
    }
  }
  return { ok: false, error: `must be a number, not ${JSON.stringify(v)}` };
}

function reasonOf(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const k = Object.keys(o).find((x) => REASON_FIELDS.includes(normaliseKey(x)) && typeof o[x] === 'string');
  return k === undefined ? undefined : (o[k] as string);
}

export interface CriteriaFound {
  /** Per wanted key, the raw value found for it. */
  values: Map<string, unknown>;
  /** Where: `top level` or the wrapper key. */
  where: string;
  rationale?: string;
}

/**
 * Finds the values of `keys` in a JSON verdict: at the top level or under exactly one wrapper key.
 * `single` names the fields a one-criterion verdict may use instead of the criterion's key
 * (`score`, `rating`; `preference`, `winner` for a pairwise verdict). Returns the problem as one
 * sentence when the criteria are missing or appear twice with different values.
 */
export function findCriteria(value: unknown, keys: readonly string[], single: readonly string[] = []): { ok: true; found: CriteriaFound } | { ok: false; error: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'the verdict must be a JSON object' };
  const top = value as Record<string, unknown>;
  const wanted = new Map(keys.map((k) => [normaliseKey(k), k]));
  const scan = (obj: Record<string, unknown>, where: string): { found: CriteriaFound; missing: string[]; clash?: string } => {
    const values = new Map<string, unknown>();
    let clash: string | undefined;
    for (const [k, v] of Object.entries(obj)) {
      const key = wanted.get(normaliseKey(k));
      if (key === undefined) continue;
      if (values.has(key) && JSON.stringify(values.get(key)) !== JSON.stringify(v)) clash = `"${key}" is given twice (${where}) with different values`;
      values.set(key, v);
    }
    if (keys.length === 1 && !values.has(keys[0]!)) {
      const alt = Object.keys(obj).find((k) => single.includes(normaliseKey(k)));
      if (alt !== undefined) values.set(keys[0]!, obj[alt]);
    }
    const reasons = keys.map((k) => [k, reasonOf(values.get(k))] as const).filter(([, r]) => r !== undefined);
    const rk = Object.keys(obj).find((x) => REASON_FIELDS.includes(normaliseKey(x)) && typeof obj[x] === 'string' && !wanted.has(normaliseKey(x)));
    const rationale = rk !== undefined ? (obj[rk] as string) : reasons.length ? reasons.map(([k, r]) => `${k}: ${r}`).join('\n') : undefined;
    return { found: { values, where, ...(rationale !== undefined ? { rationale } : {}) }, missing: keys.filter((k) => !values.has(k)), ...(clash ? { clash } : {}) };
  };
  const candidates = [scan(top, 'top level')];
  for (const [k, v] of Object.entries(top)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !wanted.has(normaliseKey(k))) candidates.push(scan(v as Record<string, unknown>, `under "${k}"`));
  }
  const complete = candidates.filter((c) => c.missing.length === 0);
  const clash = complete.find((c) => c.clash);
  if (clash) return { ok: false, error: clash.clash! };
  if (complete.length === 0) {
    const best = candidates.reduce((a, b) => (b.found.values.size > a.found.values.size ? b : a));
    if (best.found.values.size === 0) return { ok: false, error: `the JSON object holds none of the criteria (expected ${keys.map((k) => `"${k}"`).join(', ')}, at the top level or under one key such as "scores")` };
    return { ok: false, error: `missing score for "${best.missing[0]}"` };
  }
  const first = complete[0]!;
  for (const other of complete.slice(1)) {
    for (const k of keys) {
      if (JSON.stringify(other.found.values.get(k)) !== JSON.stringify(first.found.values.get(k))) {
        return { ok: false, error: `ambiguous verdict: the criteria appear ${first.found.where} and ${other.found.where} with different values` };
      }
    }
  }
  // A wrapper's own rationale is kept when the top level has none (`{"scores": {...}, "rationale": "…"}` is the other way round).
  const found = first.found;
  if (found.rationale === undefined) {
    const r = candidates.find((c) => c.found.rationale !== undefined)?.found.rationale;
    if (r !== undefined) found.rationale = r;
  }
  if (first !== candidates[0] && candidates[0]!.found.rationale !== undefined) found.rationale = candidates[0]!.found.rationale;
  return { ok: true, found };
}
