import type { ParseResult } from '../llm/engine.ts';
import type { OutputMode } from '../llm/presets.ts';

/** Bumped whenever verdict reading changes; part of every fingerprint, so old cache entries miss. */
export const PARSER_VERSION = 'rubric-verdict/1';

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

function fromObject(value: unknown, specs: readonly ScaleSpec[], method: string): ParseResult<Verdict> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'the verdict must be a JSON object' };
  const v = value as Record<string, unknown>;
  if (!('scores' in v)) return { ok: false, error: 'the JSON object has no "scores" field' };
  const problem = checkScores(v.scores, specs);
  if (problem) return { ok: false, error: problem };
  const verdict: Verdict = { scores: { ...(v.scores as Record<string, number>) } };
  if (typeof v.rationale === 'string') verdict.rationale = v.rationale;
  return { ok: true, value: verdict, method };
}

const FENCE = /```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/g;

/** Reads a JSON verdict: the whole message, or else exactly one markdown-fenced block. */
function parseJson(text: string, specs: readonly ScaleSpec[], method: string): ParseResult<Verdict> | undefined {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      return fromObject(JSON.parse(t), specs, method);
    } catch (err) {
      return { ok: false, error: `malformed JSON (${(err as Error).message})` };
    }
  }
  const fences = [...t.matchAll(FENCE)];
  if (fences.length === 1) {
    const inner = fences[0]![1]!.trim();
    try {
      return fromObject(JSON.parse(inner), specs, 'json_fenced');
    } catch (err) {
      return { ok: false, error: `malformed JSON in the fenced block (${(err as Error).message})` };
    }
  }
  if (fences.length > 1) return { ok: false, error: 'more than one fenced block; give exactly one verdict' };
  return undefined;
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
 * this function). In the JSON modes the message must be a JSON object, or hold exactly one fenced
 * JSON block (method `json_fenced`). In tagged mode, score tags are read, and a JSON verdict is
 * accepted as a fallback (method `json`). Text around a verdict is not searched for stray JSON:
 * a verdict must be the message, not something quoted in it.
 */
export function parseVerdict(text: string, specs: readonly ScaleSpec[], mode: OutputMode): ParseResult<Verdict> {
  if (mode === 'tagged') {
    const tagged = parseTagged(text, specs);
    if (tagged) return tagged;
    const json = parseJson(text, specs, 'json');
    if (json) return json;
    return { ok: false, error: `no score lines found (expected lines like <score criterion="${specs[0]?.key}">N</score>)` };
  }
  const json = parseJson(text, specs, mode);
  if (json) return json;
  return { ok: false, error: 'the reply is not a JSON object' };
}
