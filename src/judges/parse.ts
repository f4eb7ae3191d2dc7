import type { ParseResult } from '../llm/engine.ts';
import type { OutputMode } from '../llm/presets.ts';
import type { VerdictSpec } from '../schema/verdict.ts';
import { coerceNumber, findCriteria, stripThinking, trailingJson } from './verdict-json.ts';
import { applyRules } from './verdict-rules.ts';

/** Bumped whenever verdict reading changes; part of every fingerprint, so old cache entries miss. */
export const PARSER_VERSION = 'rubric-verdict/2';

export interface ScaleSpec {
  key: string;
  min: number;
  max: number;
}

export interface Verdict {
  scores: Record<string, number>;
  rationale?: string;
}

/**
 * Validates the scores of a verdict: every criterion present, an integer, inside its scale, and no
 * unknown criterion. Returns the first problem as one sentence (it is quoted back to the judge in
 * a repair message), or null.
 */
export function checkScores(scores: unknown, specs: readonly ScaleSpec[], opts: { integer: boolean } = { integer: true }): string | null {
  if (scores === null || typeof scores !== 'object' || Array.isArray(scores)) return '"scores" must be an object mapping each criterion to a number';
  const obj = scores as Record<string, unknown>;
  const known = new Set(specs.map((s) => s.key));
  for (const k of Object.keys(obj)) if (!known.has(k)) return `unknown criterion "${k}" (expected ${specs.map((s) => s.key).join(', ')})`;
  for (const s of specs) {
    const v = obj[s.key];
    if (v === undefined || v === null) return `missing score for "${s.key}"`;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `score for "${s.key}" must be a number, not ${JSON.stringify(v)}`;
    if (opts.integer && !Number.isInteger(v)) return `score for "${s.key}" must be an integer, not ${v}`;
    if (v < s.min || v > s.max) return `score for "${s.key}" is ${v}, outside its scale ${s.min}–${s.max}`;
  }
  return null;
}

/** Reads the criteria of a JSON verdict (see verdict-json.ts for what is tolerated). */
function fromObject(value: unknown, specs: readonly ScaleSpec[], method: string, integer = true): ParseResult<Verdict> {
  const found = findCriteria(value, specs.map((s) => s.key), ['score', 'rating']);
  if (!found.ok) return found;
  const scores: Record<string, unknown> = {};
  for (const s of specs) {
    const n = coerceNumber(found.found.values.get(s.key), s.max);
    if (!n.ok) return { ok: false, error: `score for "${s.key}" ${n.error}` };
    scores[s.key] = n.value;
  }
  const problem = checkScores(scores, specs, { integer });
  if (problem) return { ok: false, error: problem };
  const verdict: Verdict = { scores: scores as Record<string, number> };
  if (found.found.rationale !== undefined) verdict.rationale = found.found.rationale;
  return { ok: true, value: verdict, method };
}

/** Reads a JSON verdict: the whole message, or the object (bare or fenced) that ends it. */
function parseJson(text: string, specs: readonly ScaleSpec[], method: string): ParseResult<Verdict> | undefined {
  const j = trailingJson(text);
  if (!j.found) return j.error === null ? undefined : { ok: false, error: j.error };
  return fromObject(j.value, specs, j.where === 'whole' ? method : j.where === 'fenced' ? 'json_fenced' : 'json_after_preamble');
}

/** Reads a verdict with the rubric's declared pattern rules (MT-Bench `[[n]]`, Prometheus `[RESULT] n`). */
function parsePattern(text: string, specs: readonly ScaleSpec[], spec: Extract<VerdictSpec, { format: 'pattern' }>): ParseResult<Verdict> {
  if (spec.rules && specs.length !== 1) return { ok: false, error: 'pattern rules without criteria need a one-criterion rubric' };
  const scores: Record<string, number> = {};
  const used: string[] = [];
  for (const s of specs) {
    const rules = spec.rules ?? spec.criteria?.[s.key];
    if (!rules) return { ok: false, error: `no verdict rule for criterion "${s.key}"` };
    const r = applyRules(text, rules);
    if (!r.ok) return { ok: false, error: specs.length > 1 ? `${s.key}: ${r.error}` : r.error };
    const n = coerceNumber(r.token, s.max);
    if (!n.ok) return { ok: false, error: `score for "${s.key}" ${n.error}` };
    scores[s.key] = n.value;
    used.push(r.rule);
  }
  const problem = checkScores(scores, specs, { integer: spec.numbers === 'integer' });
  if (problem) return { ok: false, error: problem };
  return { ok: true, value: { scores }, method: `pattern ${[...new Set(used)].join(' + ')}` };
}

const SCORE_TAG = /<score\s+criterion\s*=\s*["']?([A-Za-z0-9_]+)["']?\s*>\s*([^<]*?)\s*<\/score>/g;
const RATIONALE_TAG = /<rationale>([\s\S]*?)<\/rationale>/i;

/** Reads `<score criterion="key">n</score>` lines; the same criterion twice is an error. */
function parseTagged(text: string, specs: readonly ScaleSpec[]): ParseResult<Verdict> | undefined {
  const matches = [...text.matchAll(SCORE_TAG)];
  if (matches.length === 0) return undefined;
  const scores: Record<string, unknown> = {};
  for (const m of matches) {
    const key = m[1]!;
    if (key in scores) return { ok: false, error: `criterion "${key}" is scored more than once` };
    const raw = m[2]!.trim();
    scores[key] = /^[-+]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  const problem = checkScores(scores, specs);
  if (problem) return { ok: false, error: problem };
  const verdict: Verdict = { scores: scores as Record<string, number> };
  const r = RATIONALE_TAG.exec(text);
  if (r) verdict.rationale = r[1]!.trim();
  return { ok: true, value: verdict, method: 'tagged' };
}

/**
 * Reads a verdict from the judge's message (and only from it: the candidate's text never reaches
 * this function). Thinking (`<think>…</think>`) is removed first and is never the verdict. A rubric
 * that declares pattern rules is read with them alone. Otherwise, in the JSON modes the verdict is
 * a JSON object that is the message or ends it (method `json_fenced` / `json_after_preamble` when
 * fenced or preceded by text); in tagged mode, score tags are read, and a JSON verdict is accepted
 * as a fallback (method `json`). JSON quoted inside prose is never taken for the verdict.
 */
export function parseVerdict(text: string, specs: readonly ScaleSpec[], mode: OutputMode, spec?: VerdictSpec): ParseResult<Verdict> {
  const own = stripThinking(text).text;
  if (own.trim() === '') return { ok: false, error: 'the reply holds only thinking, no verdict' };
  if (spec?.format === 'pattern') return parsePattern(own, specs, spec);
  if (mode === 'tagged') {
    const tagged = parseTagged(own, specs);
    if (tagged) return tagged;
    const json = parseJson(own, specs, 'json');
    if (json) return json;
    return { ok: false, error: `no score lines found (expected lines like <score criterion="${specs[0]?.key}">N</score>)` };
  }
  const json = parseJson(own, specs, mode);
  if (json) return json;
  return { ok: false, error: 'the reply is not a JSON object' };
}
