/**
 * Reads the chosen option letter out of a model's raw MCQ reply.
 *
 * The reply is first normalised: Unicode NFKC (full-width `Ｃ`, `（C）`, `答案：C` become ASCII
 * letters and punctuation), markdown emphasis and code marks (`*`, `` ` ``, `__`), heading and quote
 * marks and `$` are removed, `<answer>X</answer>` becomes an `Answer:` line, and a `<think>…</think>`
 * block is dropped when anything follows it (when nothing follows, the finished thinking is all
 * there is and is read as the reply). An unclosed `<think>` (the reply was cut off while thinking)
 * is `invalid_answer` with rule `unfinished_thinking`: any letter in it is a passing thought, not
 * an answer.
 *
 * Then a cascade of rules runs, most explicit first; the first rule that finds anything decides:
 *
 * | rule            | reads                                                                        | several letters  |
 * |-----------------|------------------------------------------------------------------------------|------------------|
 * | `empty`         | empty or whitespace-only reply                                               |                  |
 * | `bare`          | the whole reply is one letter: `C`, `c`, `(C)`, `C.`, `**C**`, `Ｃ`            |                  |
 * | `answer_line`   | the LAST `Answer:` / `Final answer:` / `答案：` / `答案是` line; its head letter  | last line wins   |
 * | `answer_line/…` | that line read by the rules below (e.g. `answer_line/option_text`)            | as the sub-rule  |
 * | `boxed`         | LaTeX `\boxed{C}`, `\boxed{\text{C}}`                                        | last wins        |
 * | `answer_is`     | `the (correct) answer/option/choice is C`, `I choose C`, `Therefore, C`,     | last wins        |
 * |                 | `C is correct`, `选C`                                                        |                  |
 * | `option_word`   | `Option C`, `Option (D)`, `choice C`, `选项C`                                | ambiguous        |
 * | `leading_letter`| the reply starts with a letter: `C) Pneumothorax`, `C. …`, `C - …`, `C\n…`   | -                |
 * | `marked_letter` | `(C)` anywhere, `C.` / `C)` at the start of a line                           | ambiguous        |
 * | `lone_letter`   | a line that holds only a letter                                              | ambiguous        |
 * | `option_text`   | the text of exactly one option: the whole reply, or contained in it          | ambiguous        |
 * | `no_answer`     | nothing above matched                                                        |                  |
 *
 * Failures (status `invalid_answer`, `extracted` null unless said otherwise):
 * - `ambiguous`: the deciding rule names two different options (`A or B`, `Answer: A, C`, `Option A …
 *   Option C` with neither negated, two option texts). Never a guess, never a random pick.
 * - `no_answer`: no rule matched, or the last `Answer:` line cannot be read (the reasoning before
 *   it is then NOT searched: the model gave its answer there, and it is unreadable).
 * - `empty`: the reply is empty or whitespace.
 * - `unfinished_thinking`: a `<think>` block that never closes.
 * - `not_an_option`: a letter was read but the item has no such option (`F` on a 5-option item);
 *   `extracted` keeps the letter that was read.
 *
 * Decisions, with the reasons:
 * - A letter counts only as a word of its own and followed by an end: end of line, punctuation,
 *   CJK text, a connective (`or`, `and`, `not`, `is`, `because`, `since`; upper-case letters only) or
 *   the option's own text (`C Pneumothorax`). So "A patient presents…", "Vitamin A deficiency" and
 *   "Answer: a large mass" read no letter; "answer: c" and a bare `c` do. Lower-case letters are read
 *   only where they are marked (`bare`, after `Answer:`, `the answer is`, `Option`, `\boxed`, at the
 *   start of the reply or alone on a line), never inside prose.
 * - Several `Answer:` lines: the last one wins (a model that corrects itself; the Med-CMR format
 *   puts the final answer last). The same holds for `\boxed` and `the answer is`. Position rules
 *   (`option_word` and below) have no such order and call two letters ambiguous.
 * - Negation: a mention preceded by `not`, `no`, `rule out`, `exclude`, `rather than`, `instead of`,
 *   `except`, `unlike`, `不是`, `排除` or followed by `is incorrect / wrong / unlikely / excluded /
 *   ruled out / not …` is ignored by the position rules and by `option_text`. "The answer is C, not B"
 *   reads C (`answer_is` decides before); "not B" alone reads nothing (`no_answer`); "Option A is
 *   unlikely … Option C fits" reads C.
 * - `option_text` compares texts after NFKC, lower-casing and replacing punctuation by spaces, as
 *   whole words; a match inside a longer matching option's text ("pneumothorax" inside "tension
 *   pneumothorax") does not count separately.
 */

export const EXTRACTOR_VERSION = 'mcq-extract/1.0.0';

export type ExtractionStatus = 'ok' | 'invalid_answer';

export interface Extraction {
  status: ExtractionStatus;
  /** The letter read (upper case); null unless a letter was read. */
  extracted: string | null;
  rule: string;
}

/** An item's options prepared once for many replies. */
export interface PreparedOptions {
  letters: ReadonlySet<string>;
  /** Normalised option texts, longest first. */
  texts: ReadonlyArray<{ letter: string; norm: string }>;
  byLetter: ReadonlyMap<string, string>;
}

/** Lower case, NFKC, punctuation to single spaces: the form option texts are compared in. */
export function normaliseText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function prepareOptions(options: Readonly<Record<string, string>>): PreparedOptions {
  const texts: { letter: string; norm: string }[] = [];
  const byLetter = new Map<string, string>();
  for (const [letter, text] of Object.entries(options)) {
    const norm = normaliseText(text);
    byLetter.set(letter, norm);
    if (norm !== '') texts.push({ letter, norm });
  }
  texts.sort((a, b) => b.norm.length - a.norm.length);
  return { letters: new Set(Object.keys(options)), texts, byLetter };
}

// ---------------------------------------------------------------------------------------------
// Normalisation

const NON_ASCII = /[^\x00-\x7f]/;

function normaliseReply(raw: string): string {
  let s = NON_ASCII.test(raw) ? raw.normalize('NFKC') : raw;
  if (s.indexOf('\r') >= 0) s = s.replace(/\r\n?/g, '\n');
  if (s.indexOf('<') >= 0) s = stripThink(s).replace(/<answer>/gi, '\nAnswer: ').replace(/<\/answer>/gi, '\n');
  if (/[*`$_#>]/.test(s)) {
    s = s
      .replace(/[*`$]+/g, '')
      .replace(/__/g, '')
      .replace(/^[ \t]*(?:#{1,6}|>+)[ \t]*/gm, '');
  }
  return s;
}

function stripThink(s: string): string {
  const close = /<\/think>/gi;
  let last = -1;
  for (let m = close.exec(s); m; m = close.exec(s)) last = m.index + m[0].length;
  if (last >= 0) {
    const after = s.slice(last);
    if (after.trim() !== '') return after;
    return s.slice(0, last).replace(/<\/?think>/gi, '\n');
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Letters

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isUpper(ch: string): boolean {
  return ch >= 'A' && ch <= 'Z';
}

const CONNECTIVES = new Set(['or', 'and', 'not', 'is', 'because', 'since']);

/**
 * Is the letter at `pos` (already known to start a word) followed by an end, so that it reads as an
 * option letter and not as the article "A" or the pronoun "I"?
 */
function terminated(t: string, pos: number, prep: PreparedOptions): boolean {
  const letter = t[pos]!;
  const j = pos + 1;
  if (j >= t.length) return true;
  const c = t.charCodeAt(j);
  if (isAsciiAlnum(c) || c === 95 || c === 39 || c === 0x2019) return false;
  if (c !== 32 && c !== 9) return true;
  let k = j;
  while (k < t.length && (t.charCodeAt(k) === 32 || t.charCodeAt(k) === 9)) k++;
  if (k >= t.length || t.charCodeAt(k) === 10) return true;
  if (!isAsciiAlnum(t.charCodeAt(k))) return true;
  if (!isUpper(letter)) return false;
  const word = /^[A-Za-z]+/.exec(t.slice(k, k + 12))?.[0]?.toLowerCase();
  if (word !== undefined && CONNECTIVES.has(word)) return true;
  const text = prep.byLetter.get(letter);
  if (text) {
    const ahead = normaliseText(t.slice(k, k + text.length + 16));
    if (ahead === text || ahead.startsWith(text + ' ')) return true;
  }
  return false;
}

const LIST_AFTER = /^[\s)\]]*(?:,|\/|&|\bor\b|\band\b)\s*(?:option\s+|choice\s+)?[([]?\s*([A-Za-z])(?![A-Za-z0-9])/i;

/** The other letter of "A or B", "A, C", "A/B" right after a letter, if there is one. */
function listedAfter(t: string, pos: number, prep: PreparedOptions): string | null {
  const m = LIST_AFTER.exec(t.slice(pos + 1, pos + 40));
  if (!m) return null;
  const first = t[pos]!;
  const second = m[1]!;
  if (isUpper(first) !== isUpper(second)) return null;
  const at = pos + 1 + m.index + m[0].length - 1;
  if (!terminated(t, at, prep)) return null;
  return second.toUpperCase() === first.toUpperCase() ? null : second.toUpperCase();
}

const NEG_BEFORE =
  /(?:\bnot|\bno|n't|\bexclude[sd]?|\bexcluding|\brule[sd]? out|\bruling out|\bunlike|\brather than|\binstead of|\bexcept|\bagainst|不是|排除|而非)\s*(?:(?:a|an|the|option|choice)\s+)*[([]?\s*$/i;
const NEG_AFTER =
  /^[\s)\].:]*(?:(?:is|was|seems|appears|would be|are)\s+)?(?:not\b|incorrect|wrong|unlikely|less likely|excluded|ruled out|false|eliminated|can be excluded|can be ruled out|不对|错误|排除)/i;

function negated(t: string, start: number, end: number): boolean {
  return NEG_BEFORE.test(t.slice(Math.max(0, start - 28), start)) || NEG_AFTER.test(t.slice(end, end + 40));
}

// ---------------------------------------------------------------------------------------------
// The cascade

type Hit = { letter: string } | { ambiguous: true } | null;

const BARE = /^[\s([{<"'“‘]*([A-Za-z])[\s)\]}>"'”’.:;,!。]*$/;
const ANSWER_MARKER = /(?:\b(?:final\s+|correct\s+)?answer\s*[:=]|答案\s*[:是为])/gi;
const HEAD = /^[\s"'“‘]*(?:(?:option|choice|选项)\s*)?[([{]?\s*(?:\\boxed\s*\{\s*)?([A-Za-z])(?![A-Za-z0-9])/i;
const BOXED = /\\boxed\s*\{\s*(?:\\(?:text|textbf|mathrm|mathbf)\s*\{\s*)?\(?\s*([A-Za-z])(?![A-Za-z0-9])/dg;
const ANSWER_IS = new RegExp(
  [
    String.raw`\b(?:answer|option|choice)\s+(?:is|would\s+be|should\s+be|must\s+be|=)\s*:?\s*(?:option\s+|choice\s+)?[([]?\s*([A-Za-z])(?![A-Za-z0-9])`,
    String.raw`\b(?:i\s+(?:would\s+|will\s+)?(?:choose|select|pick)|i'll\s+(?:choose|select|pick|go\s+with)|go\s+with)\s+(?:option\s+|choice\s+)?[([]?\s*([A-Za-z])(?![A-Za-z0-9])`,
    String.raw`\b(?:therefore|thus|hence|so)\s*,?\s*(?:option\s+|choice\s+)?[([]?\s*([A-Z])(?![A-Za-z0-9])`,
    String.raw`(?:应选|故选|选择|选)\s*(?:选项)?\s*[([]?\s*([A-Za-z])(?![A-Za-z0-9])`,
    String.raw`(?<![A-Za-z0-9])(?:option\s+|choice\s+)?[([]?([A-Z])[)\]]?\s+is\s+(?:the\s+)?(?:correct|right|best|most\s+likely)\b`,
  ].join('|'),
  'dgi',
);
const OPTION_WORD = /(?:\b(?:option|choice)\b|选项)\s*[([]?\s*([A-Za-z])(?![A-Za-z0-9])/dgi;
const MARKED = /\(([A-Z])\)|\[([A-Z])\]|^[ \t]*([A-Z])[.)](?=\s|$)/dgm;
const LONE = /^[ \t([{]*([A-Za-z])[ \t)\]}.:]*$/dgm;

/** The one capture group that took part in the match, and where it is (regexes carry the `d` flag). */
function groupOf(m: RegExpExecArray): { raw: string; pos: number } {
  for (let i = 1; i < m.length; i++) if (m[i] !== undefined) return { raw: m[i]!, pos: m.indices![i]![0] };
  throw new Error('pattern matched without a letter group');
}

/** Last-wins conclusion rules: the letter of the last readable match, unless it lists two. */
function lastMatch(t: string, re: RegExp, prep: PreparedOptions): Hit {
  re.lastIndex = 0;
  let hit: Hit = null;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const { raw: letter, pos } = groupOf(m);
    if (!terminatedForMatch(t, pos, m.index + m[0].length, prep)) continue;
    hit = listedAfter(t, pos, prep) ? { ambiguous: true } : { letter: letter.toUpperCase() };
  }
  return hit;
}

/** A pattern may end after the letter (`C is correct`); only a letter at the pattern's end needs an end of its own. */
function terminatedForMatch(t: string, pos: number, matchEnd: number, prep: PreparedOptions): boolean {
  return matchEnd > pos + 1 || terminated(t, pos, prep);
}

/** Position rules: every non-negated mention counts; two different letters are ambiguous. */
function distinctMentions(t: string, re: RegExp, prep: PreparedOptions, onlyOptions: boolean, needEnd: boolean): Hit {
  re.lastIndex = 0;
  const seen = new Set<string>();
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const { raw, pos } = groupOf(m);
    const letter = raw.toUpperCase();
    if (onlyOptions && !prep.letters.has(letter)) continue;
    if (needEnd && !terminated(t, pos, prep)) continue;
    if (negated(t, m.index, m.index + m[0].length)) continue;
    seen.add(letter);
    const other = listedAfter(t, pos, prep);
    if (other) seen.add(other);
  }
  if (seen.size === 0) return null;
  if (seen.size > 1) return { ambiguous: true };
  return { letter: [...seen][0]! };
}

function optionText(t: string, prep: PreparedOptions): Hit {
  const norm = normaliseText(t);
  if (norm === '') return null;
  for (const o of prep.texts) if (o.norm === norm) return { letter: o.letter };
  const padded = ` ${norm} `;
  const spans: { letter: string; start: number; end: number }[] = [];
  for (const o of prep.texts) {
    const needle = ` ${o.norm} `;
    for (let i = padded.indexOf(needle); i >= 0; i = padded.indexOf(needle, i + 1)) {
      const start = i + 1;
      const end = start + o.norm.length;
      // texts are sorted longest first: a span inside an earlier (longer) option's span is part of it
      if (spans.some((s) => s.start <= start && end <= s.end)) continue;
      if (negated(padded, start, end)) {
        spans.push({ letter: '', start, end });
        continue;
      }
      spans.push({ letter: o.letter, start, end });
    }
  }
  const letters = new Set(spans.filter((s) => s.letter !== '').map((s) => s.letter));
  if (letters.size === 0) return null;
  if (letters.size > 1) return { ambiguous: true };
  return { letter: [...letters][0]! };
}

interface Rule {
  name: string;
  run: (t: string, prep: PreparedOptions) => Hit;
}

const RULES: Rule[] = [
  { name: 'boxed', run: (t, p) => lastMatch(t, BOXED, p) },
  { name: 'answer_is', run: (t, p) => lastMatch(t, ANSWER_IS, p) },
  { name: 'option_word', run: (t, p) => distinctMentions(t, OPTION_WORD, p, false, false) },
  {
    name: 'leading_letter',
    run: (t, p) => {
      const m = /^[\s([{"'“‘]*([A-Za-z])(?![A-Za-z0-9])/.exec(t);
      if (!m) return null;
      const pos = m[0].length - 1;
      // only the item's letters: a reply opening with "I." (a heading) is not an answer of I
      if (!p.letters.has(m[1]!.toUpperCase()) || !terminated(t, pos, p) || negated(t, pos, pos + 1)) return null;
      return listedAfter(t, pos, p) ? { ambiguous: true } : { letter: m[1]!.toUpperCase() };
    },
  },
  { name: 'marked_letter', run: (t, p) => distinctMentions(t, MARKED, p, true, false) },
  { name: 'lone_letter', run: (t, p) => distinctMentions(t, LONE, p, true, false) },
  { name: 'option_text', run: optionText },
];

function finish(hit: { letter: string } | { ambiguous: true }, rule: string, prep: PreparedOptions): Extraction {
  if ('ambiguous' in hit) return { status: 'invalid_answer', extracted: null, rule: 'ambiguous' };
  if (!prep.letters.has(hit.letter)) return { status: 'invalid_answer', extracted: hit.letter, rule: 'not_an_option' };
  return { status: 'ok', extracted: hit.letter, rule };
}

function runRules(t: string, prep: PreparedOptions, prefix: string): Extraction {
  for (const rule of RULES) {
    const hit = rule.run(t, prep);
    if (hit) return finish(hit, prefix + rule.name, prep);
  }
  return { status: 'invalid_answer', extracted: null, rule: 'no_answer' };
}

/** The segment of the last `Answer:` line: the rest of that line, or the next non-empty line. */
function lastAnswerSegment(t: string): string | null {
  ANSWER_MARKER.lastIndex = 0;
  let end = -1;
  for (let m = ANSWER_MARKER.exec(t); m; m = ANSWER_MARKER.exec(t)) end = m.index + m[0].length;
  if (end < 0) return null;
  let lineEnd = t.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = t.length;
  const rest = t.slice(end, lineEnd);
  if (rest.trim() !== '') return rest;
  for (const line of t.slice(lineEnd + 1).split('\n')) if (line.trim() !== '') return line;
  return '';
}

/**
 * Extracts the answer letter from a raw reply. `options` is the item's letter → text map (or its
 * prepared form, to save work over many replies). See the module comment for the cascade.
 */
export function extractAnswer(output: string, options: PreparedOptions | Readonly<Record<string, string>>): Extraction {
  const prep = isPrepared(options) ? options : prepareOptions(options);
  if (output.trim() === '') return { status: 'invalid_answer', extracted: null, rule: 'empty' };
  const t = normaliseReply(output);
  if (t.trim() === '') return { status: 'invalid_answer', extracted: null, rule: 'empty' };
  if (/<think>/i.test(t)) return { status: 'invalid_answer', extracted: null, rule: 'unfinished_thinking' };

  const bare = BARE.exec(t);
  if (bare) return finish({ letter: bare[1]!.toUpperCase() }, 'bare', prep);

  const seg = lastAnswerSegment(t);
  if (seg !== null) {
    const head = HEAD.exec(seg);
    if (head) {
      const pos = head[0].length - 1;
      if (terminated(seg, pos, prep)) {
        return finish(listedAfter(seg, pos, prep) ? { ambiguous: true } : { letter: head[1]!.toUpperCase() }, 'answer_line', prep);
      }
    }
    return runRules(seg, prep, 'answer_line/');
  }
  return runRules(t, prep, '');
}

function isPrepared(o: PreparedOptions | Readonly<Record<string, string>>): o is PreparedOptions {
  return (o as { letters?: unknown }).letters instanceof Set;
}
