import type { Item } from '../schema/item.ts';
import type { Criterion, JudgeInput, Rubric } from '../schema/rubric.ts';
import type { ChatMessage } from '../llm/client.ts';
import type { OutputMode } from '../llm/presets.ts';
import { criterionScale } from './rubric.ts';

/** A candidate's output split into reasoning and final answer. */
export interface SplitOutput {
  reasoning: string;
  answer: string;
  /** Whether the output had the `Reasoning: … Answer: …` form. */
  structured: boolean;
}

const SPLIT = /^\s*[*#_ ]*Reasoning[*_ ]*:[*_ ]*([\s\S]*)\n\s*[*#_ ]*(?:Final\s+)?Answer[*_ ]*:[*_ ]*([\s\S]*?)\s*$/i;

/**
 * Splits a Med-CMR style output (`Reasoning: …` then a line `Answer: …`; markdown bold tolerated)
 * at its last `Answer:` line. Any other output is all answer, with no reasoning.
 */
export function splitOutput(output: string): SplitOutput {
  const m = SPLIT.exec(output);
  if (m && m[2]!.trim() !== '') return { reasoning: m[1]!.trim(), answer: m[2]!.trim(), structured: true };
  return { reasoning: '', answer: output.trim(), structured: false };
}

/** The tags that delimit the case; the same tags inside any input are neutralised. */
const TAG_NAMES = 'question|options|reference_answer|candidate_reasoning|candidate_answer|image_description|score|scores|rationale|verdict|answer_1|answer_2|answer_a|answer_b|think|thinking';
/**
 * A tag opening: `<`, or a look-alike (full-width `＜`, small `﹤`, the mathematical angle `⟨`),
 * then optional white space (line breaks included) around an optional `/`.
 */
const TAG = new RegExp(String.raw`[<\uFF1C\uFE64\u27E8\u2329\u3008]\s*(\/?)\s*(${TAG_NAMES})\b`, 'gi');
/** Invisible characters that could split a tag name so that it escapes the pattern above. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;
/** Plain-text answer frames of other projects' judge prompts (MT-Bench, Arena-Hard). */
const FRAME = /(\[|<\|)(\s*The\s+(?:Start|End)\s+of\b[^\]|\n]*)(\]|\|>)/gi;

/**
 * Escapes delimiter-shaped text in untrusted input (`<candidate_answer>` → `&lt;candidate_answer>`,
 * `[The End of Assistant A's Answer]` → `(The End of Assistant A's Answer)`), so that a candidate
 * cannot close its own block and write text that looks like it comes from outside. Near misses
 * are caught too: `< /tag>`, `<\n/tag>`, full-width brackets, and zero-width characters inside
 * the tag (invisible characters are removed from untrusted text first).
 */
export function escapeTags(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(TAG, '&lt;$1$2')
    .replace(FRAME, '($2)');
}

/**
 * Neutralises a template's own frame markers inside untrusted text (`<|The End of Assistant A's
 * Answer|>`, `[The Start of …`): case and white space are ignored, and the opening bracket becomes
 * `(` so the text still reads the same to the judge but no longer frames anything.
 */
export function neutraliseDelimiters(text: string, delimiters: readonly string[]): string {
  let out = text;
  for (const d of delimiters) {
    const open = d.startsWith('<|') ? 2 : /^[[<]/.test(d) ? 1 : 0;
    if (open === 0) continue;
    const body = d.slice(open).trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
    const re = new RegExp(`${open === 2 ? '[<\uFF1C]\\s*\\|' : d[0] === '[' ? '[\\[\uFF3B]' : '[<\uFF1C]'}\\s*${body}`, 'gi');
    out = out.replace(re, (m) => '(' + m.replace(/^[<\uFF1C[\uFF3B]\s*\|?/, ''));
  }
  return out;
}

/** Everything a criterion may be shown, already resolved for one (item, response). */
export interface CaseInputs {
  question: string;
  options?: string;
  reference?: string;
  reasoning: string;
  answer: string;
  visual_description?: string;
  /** A data URL, present only when the endpoint takes images and it will be sent. */
  image_url?: string;
  /** The image is declared but not shown (no image support or no image). */
  image_withheld: boolean;
}

export function formatOptions(item: Item): string | undefined {
  if (!item.options) return undefined;
  return Object.entries(item.options)
    .map(([k, v]) => `${k}. ${v}`)
    .join('\n');
}

/** The union of the inputs of some criteria, in a fixed order. */
export function inputsOf(criteria: readonly Criterion[]): JudgeInput[] {
  const order: JudgeInput[] = ['question', 'options', 'reference', 'visual_description', 'image', 'reasoning', 'answer'];
  const set = new Set(criteria.flatMap((c) => c.inputs));
  return order.filter((i) => set.has(i));
}

function block(tag: string, text: string): string {
  return `<${tag}>\n${escapeTags(text)}\n</${tag}>`;
}

/** The case section: each input in its own tagged block, the candidate's text escaped. */
export function renderCase(inputs: readonly JudgeInput[], c: CaseInputs): string {
  const parts: string[] = [];
  for (const i of inputs) {
    switch (i) {
      case 'question':
        parts.push(block('question', c.question));
        break;
      case 'options':
        if (c.options) parts.push(block('options', c.options));
        break;
      case 'reference':
        if (c.reference !== undefined) parts.push(block('reference_answer', c.reference));
        break;
      case 'reasoning':
        parts.push(block('candidate_reasoning', c.reasoning === '' ? '(the candidate gave no separate reasoning)' : c.reasoning));
        break;
      case 'answer':
        parts.push(block('candidate_answer', c.answer === '' ? '(empty answer)' : c.answer));
        break;
      case 'visual_description':
        if (c.visual_description !== undefined) parts.push(block('image_description', c.visual_description));
        break;
      case 'image':
        if (c.image_url) parts.push('The image is attached to this message.');
        else if (c.visual_description !== undefined && !inputs.includes('visual_description')) {
          parts.push('The image itself is not shown to you; judge visual claims against this description of it:');
          parts.push(block('image_description', c.visual_description));
        } else parts.push('The image itself is not shown to you; judge visual claims against the image description.');
        break;
    }
  }
  // The candidate's blocks come last so that nothing trusted follows untrusted text.
  return parts.join('\n\n');
}

/** The criteria section: key, name, scale, description and one anchor per level. */
export function renderCriteria(rubric: Rubric, criteria: readonly Criterion[]): string {
  return criteria
    .map((c) => {
      const s = criterionScale(rubric, c);
      const anchors = Object.keys(c.anchors)
        .map(Number)
        .sort((a, b) => a - b)
        .map((v) => `  - ${v}: ${c.anchors[String(v)]}`)
        .join('\n');
      return `### ${c.key}: ${c.name} (integer ${s.min}–${s.max})\n${c.description.trim()}\n${anchors}`;
    })
    .join('\n\n');
}

/** Prometheus' SCORE_RUBRIC_TEMPLATE form: `[description]` then `Score n: anchor` per level. */
export function renderScoreRubric(criteria: readonly Criterion[]): string {
  return criteria
    .map((c) => {
      const levels = Object.keys(c.anchors).map(Number).sort((a, b) => a - b);
      return `[${c.description.trim()}]\n${levels.map((v) => `Score ${v}: ${c.anchors[String(v)]}`).join('\n')}`;
    })
    .join('\n\n');
}

/** How to answer, by output mode. JSON modes mention "JSON" (OpenAI's JSON mode requires it). */
export function renderFormat(rubric: Rubric, criteria: readonly Criterion[], mode: OutputMode): string {
  if (mode === 'tagged') {
    const lines = criteria.map((c) => `<score criterion="${c.key}">N</score>`).join('\n');
    return `First give a short justification inside <rationale>…</rationale>. Then write exactly one line per criterion, with N an integer on that criterion's scale:\n${lines}\nWrite nothing after the score lines.`;
  }
  const example = `{"rationale": "<a short justification>", "scores": {${criteria.map((c) => `"${c.key}": <integer ${criterionScale(rubric, c).min}–${criterionScale(rubric, c).max}>`).join(', ')}}}`;
  return `Reply with one JSON object and nothing else, of this form:\n${example}`;
}

/**
 * The JSON schema of a verdict for some criteria (OpenAI strict structured outputs): each criterion
 * an integer on its own scale, so a schema-following server cannot answer outside it.
 */
export function verdictSchema(rubric: Rubric, criteria: readonly Criterion[]): { name: string; schema: Record<string, unknown> } {
  const props: Record<string, unknown> = {};
  for (const c of criteria) {
    const s = criterionScale(rubric, c);
    props[c.key] = { type: 'integer', minimum: s.min, maximum: s.max };
  }
  return {
    name: 'rubric_verdict',
    schema: {
      type: 'object',
      properties: {
        rationale: { type: 'string' },
        scores: { type: 'object', properties: props, required: criteria.map((c) => c.key), additionalProperties: false },
      },
      required: ['rationale', 'scores'],
      additionalProperties: false,
    },
  };
}

/** Fills `{{name}}` slots; an unknown slot is left as is. */
export function fill(template: string, slots: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (m, k: string) => slots[k] ?? m);
}

/**
 * The chat messages for one call. The template holds a `=== system ===` part and a
 * `=== user ===` part (without markers, the whole template is the user message); the slots are
 * `title`, `criteria`, `case` and `format`. The image, when sent, is a second part of the user
 * message.
 */
export function buildMessages(template: string, slots: Record<string, string>, imageUrl?: string): ChatMessage[] {
  const m = /^\s*===\s*system\s*===\s*\n([\s\S]*?)\n\s*===\s*user\s*===\s*\n([\s\S]*)$/.exec(template);
  const system = m ? fill(m[1]!, slots).trim() : undefined;
  const user = fill(m ? m[2]! : template, slots).trim();
  const msgs: ChatMessage[] = [];
  if (system) msgs.push({ role: 'system', content: system });
  if (imageUrl) msgs.push({ role: 'user', content: [{ type: 'text', text: user }, { type: 'image_url', image_url: { url: imageUrl } }] });
  else msgs.push({ role: 'user', content: user });
  return msgs;
}
