/**
 * Reads the chosen option letter (or, for a multi-answer item, the set of letters) out of a
 * model's raw MCQ reply. The principle: read the reply's FINAL COMMITMENT, never the first letter
 * it happens to mention; anything that is not one clear commitment is `invalid_answer`, never a
 * guess. The cascade was checked reply by reply against 416 real replies of real models (see
 * test/fixtures/mcq-real/ and src/mcq/README.md for the figures).
 *
 * 1. Normalisation: Unicode NFKC (full-width `Ｃ`, `（C）`, `答案：C`), `\r\n`, a literal `\n`
 *    written out as two characters (stored ScienceQA outputs) read as a line break, `【答案】` read as
 *    `答案:`, markdown marks (`*`, `` ` ``, `__`, `#`, `>`) and `$` removed, `<answer>X</answer>` read as
 *    an `Answer:` line, `</s>` dropped, a `<think>…</think>` block dropped when anything follows it
 *    (if nothing follows, the finished thinking is read; an unclosed `<think>` is
 *    `unfinished_thinking`).
 * 2. Invented follow-ups: a model that answers and then goes on writing the next prompt itself
 *    (`Question: …`, `问题：…`, `Hint: …` on a new line, with its own `The answer is (A)`) is read up
 *    to that line only; rules are prefixed `before_follow_up/`. The cut applies when the text before
 *    it commits to something or is long enough (≥ 60 characters) to be the real reply.
 * 3. `bare`: the whole reply is one letter (`C`, `(C)`, `**C**`, `Ｃ`).
 * 4. Conclusions, everywhere in the reply, in order: `answer_line` (`Answer:` / `Final answer:` /
 *    `答案：` / `答案是` / `正解は` / `Réponse :` / `Antwort:` / `Ответ:`, its head letter, or the rest of its line read by the rules below as
 *    `answer_line/<rule>`), `boxed` (`\boxed{C}`), `json` (`{"answer": "C"}`, `{"answer_choice":
 *    "D"}`), `answer_is` (`the (correct|final|closest …) answer/option/choice is C`, `the most
 *    accurate one is (H)`, `I choose C`, `Therefore, C`, `C is correct`, `故选C`, `选项为D`). A
 *    conclusion's text that is exactly one option's text reads as that option (`The answer is 100.`
 *    → `answer_is/option_text`).
 *    - All conclusions name the same letter: that letter (the rule of the last one).
 *    - Two different letters: `ambiguous`, unless an explicit correction (`wait`, `actually`, `on
 *      second thought`, `let me reconsider`, …) stands between them, when the later one wins.
 *    - A hedge (`The answer is (B) or (H)`) is settled by a later conclusion naming one of its
 *      letters (`… the most accurate one is (H)`); unsettled it is `ambiguous`. A list (`(A) and
 *      (E)`, `A, C`) on a single-answer item is two answers: `ambiguous`.
 *    - An `Answer:` line that reads nothing, with no other conclusion, is `no_answer`: the model
 *      gave its answer there and it is unreadable, so the reasoning above is not searched.
 * 5. `program`: a reply that is a program (`def`, `import`, `print(`) and concludes nothing is
 *    invalid: its answer exists only when it is run, and judgekit does not run replies.
 * 6. Position rules, only when no conclusion exists: `option_word` (`Option C`), `leading_letter`
 *    (`C) Pneumothorax`), `marked_letter` (`(C)` anywhere, `C.` at a line start), `lone_letter` (a line
 *    holding only a letter), `option_text` (the whole reply, a line or the last sentence is exactly one
 *    option's text; or a short reply — at most two sentences and 300 characters — names exactly one
 *    option's text as whole words). Two different letters at one rule are `ambiguous`.
 *
 * Failures (status `invalid_answer`; `extracted` null unless said otherwise): `empty`, `no_answer`,
 * `ambiguous`, `unfinished_thinking`, `program`, and `not_an_option` (a letter was read that the
 * item does not have — `extracted` keeps it; a reply listing letters beyond the options is
 * `ambiguous`).
 *
 * Letters: a letter counts only as a word of its own followed by an end (end of line, punctuation,
 * CJK text, a connective `or` / `and` / `not` / `is` / `because` / `since` after an upper-case
 * letter, or the option's own text), so "A patient…", "Vitamin A deficiency" and "Answer: a large
 * mass" read no letter. Lower-case letters are read only where marked (bare, after `Answer:`, `the
 * answer is`, `Option`, `\boxed`, at the start, alone on a line). A mention negated (`not B`, `B is
 * incorrect`, `rule out B`, `排除B`) is ignored by the position rules and `option_text`; a
 * conclusion letter followed by `is incorrect` is not a conclusion.
 *
 * Option texts are compared after NFKC, LaTeX (`\frac{4}{5}` = `4/5`, `\sqrt{3}` = `√3`, `\text{…}`,
 * `^\circ`), number format (`8.00` = `8`, `1,000` = `1000`), case, punctuation and whitespace.
 * Contained matches ignore purely numeric options (a number in the working is not an answer),
 * options of one letter, and `yes` / `no` / `true` / `false` except at the reply's start ("There is
 * no information…" is not the option "no").
 *
 * Multi-answer items (`{ multi: true }`): a conclusion naming several letters (`答案：B, C`, `【答案】BD`,
 * `Answer: A and C`) reads as that set (`extracted: "B,C"`, sorted); `A or C` is still a hedge.
 */

export const EXTRACTOR_VERSION = 'mcq-extract/2.0.0';

export type ExtractionStatus = 'ok' | 'invalid_answer';

export interface Extraction {
  status: ExtractionStatus;
  /** The letter read (upper case); for a multi-answer item the sorted letters joined by commas. Null unless a letter was read. */
  extracted: string | null;
  rule: string;
}

export interface ExtractOptions {
  /** The item has several correct options: read a set of letters. */
  multi?: boolean;
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

/**
 * `normaliseText` after rewriting LaTeX and number formats, so that `\frac{4}{5}`, `4/5` and
 * `\dfrac 45`… compare equal where they should: fractions to `a/b`, roots to `sqrt`, text
 * commands to their content, degrees dropped, thousands separators and trailing decimal zeros
 * removed.
 */
export function normaliseAnswerText(s: string): string {
  let t = s.normalize('NFKC');
  if (t.indexOf('\\') >= 0 || t.indexOf('^') >= 0) {
    t = t
      .replace(/\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree/g, '°')
      .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, '($1)/($2)')
      .replace(/\\sqrt\s*\{([^{}]*)\}/g, ' sqrt $1 ')
      .replace(/\\(?:text|textbf|mathrm|mathbf|mathit|operatorname|mbox)\s*\{([^{}]*)\}/g, '$1')
      .replace(/\\(?:left|right|displaystyle|,|;|!|quad)/g, ' ');
  }
  t = t.replace(/√/g, ' sqrt ');
  for (let i = 0; i < 3 && /\d,\d{3}(?!\d)/.test(t); i++) t = t.replace(/(\d),(\d{3})(?!\d)/g, '$1$2');
  t = t.replace(/(\d+\.\d*?)0+(?!\d)/g, '$1').replace(/(\d+)\.(?!\d)/g, '$1');
  return normaliseText(t);
}

export function prepareOptions(options: Readonly<Record<string, string>>): PreparedOptions {
  const texts: { letter: string; norm: string }[] = [];
  const byLetter = new Map<string, string>();
  for (const [letter, text] of Object.entries(options)) {
    const norm = normaliseAnswerText(text);
    byLetter.set(letter, norm);
    if (norm !== '') texts.push({ letter, norm });
  }
  texts.sort((a, b) => b.norm.length - a.norm.length);
  return { letters: new Set(Object.keys(options)), texts, byLetter };
}

// ---------------------------------------------------------------------------------------------
// Normalisation

const NON_ASCII = /[^\x00-\x7f]/;

/** `raw` normalised; `ascii`: raw holds only ASCII (then so does the result: NFKC is skipped and every rewrite below inserts ASCII). */
function normaliseReply(raw: string, ascii: boolean): string {
  let s = ascii ? raw : raw.normalize('NFKC');
  if (s.indexOf('\r') >= 0) s = s.replace(/\r\n?/g, '\n');
  // replies stored with "\n" written out; LaTeX commands (\nabla, \neq, \nu) start lower-case
  if (s.indexOf('\\n') >= 0) s = s.replace(/\\n(?![a-z])/g, '\n');
  if (s.indexOf('【') >= 0) s = s.replace(/【\s*(?:答案|正确答案)\s*】\s*[:]?/g, '\n答案:');
  if (s.indexOf('<') >= 0) {
    s = stripThink(s)
      .replace(/<\/s>/g, '')
      .replace(/<answer>/gi, '\nAnswer: ')
      .replace(/<\/answer>/gi, '\n');
  }
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
    const ahead = normaliseAnswerText(t.slice(k, k + text.length + 16));
    if (ahead === text || ahead.startsWith(text + ' ')) return true;
  }
  return false;
}

const LIST_AFTER =
  /^[\s)\]]*(,|\/|&|、|\bor\b|\band\b|和|或)\s*(?:option\s+|choice\s+)?[([]?\s*([A-Za-z])(?![A-Za-z0-9])/i;

/** Letters read at one place: one letter, or a list of them (`A, C`, `A and C`, `A or B`). */
interface Reading {
  letters: string[];
  /** Joined by `or` / `/`: a hedge between the letters, not a set. */
  hedge: boolean;
}

/** The letter at `pos` and every letter listed right after it ("A or B", "A, C and D", "A/B"). */
function readList(t: string, pos: number, prep: PreparedOptions): Reading {
  const first = t[pos]!;
  const letters = [first.toUpperCase()];
  let hedge = false;
  let at = pos;
  for (;;) {
    const m = LIST_AFTER.exec(t.slice(at + 1, at + 40));
    if (!m) break;
    const second = m[2]!;
    if (isUpper(first) !== isUpper(second)) break;
    const next = at + 1 + m.index + m[0].length - 1;
    if (!terminated(t, next, prep)) break;
    if (/^(?:\/|or|或)$/i.test(m[1]!)) hedge = true;
    if (!letters.includes(second.toUpperCase())) letters.push(second.toUpperCase());
    at = next;
  }
  return { letters, hedge };
}

const NEG_BEFORE =
  /(?:\bnot|\bno|n't|\bexclude[sd]?|\bexcluding|\brule[sd]? out|\bruling out|\bunlike|\brather than|\binstead of|\bexcept|\bagainst|不是|排除|而非)\s*(?:(?:a|an|the|option|choice)\s+)*[([]?\s*$/i;
const NEG_AFTER =
  /^[\s)\].:"'”’]*(?:(?:is|was|seems|appears|would be|are)\s+)?(?:not\b|incorrect|wrong|unlikely|less likely|excluded|ruled out|false|eliminated|can be excluded|can be ruled out|不对|错误|排除)/i;

function negated(t: string, start: number, end: number): boolean {
  return NEG_BEFORE.test(t.slice(Math.max(0, start - 28), start)) || NEG_AFTER.test(t.slice(end, end + 40));
}

// ---------------------------------------------------------------------------------------------
// Conclusions

type Hit = { letter: string } | { letters: string[]; hedge: boolean } | { ambiguous: true } | null;

interface Conclusion {
  pos: number;
  rule: string;
  /** What it read; null when its text reads nothing. */
  reading: Reading | null;
  /** An unreadable `Answer:` line blocks the position rules; an unreadable `the answer is …` does not. */
  hard: boolean;
  end: number;
}

const BARE = /^[\s([{<"'“‘]*([A-Za-z])[\s)\]}>"'”’.:;,!。]*$/;
const ANSWER_MARKER =
  /(?:\b(?:final\s+|correct\s+)?answer\s*(?:[:]|=(?!=))|答案\s*(?:[:]|是|为|应为|应该是)|(?:答え|正解)\s*(?:[:]|は)|(?<![\p{L}])(?:antwort|réponse|respuesta|resposta|risposta|ответ)\s*[:])/giu;
const HEAD = /^[\s"'“‘:]*(?:(?:option|choice|选项)\s*)?[([{]?\s*(?:\\boxed\s*\{\s*)?(?:\\text\s*\{\s*)?\(?\s*([A-Za-z])(?![A-Za-z0-9])/i;
/** A letter followed by an operator is a variable in the working (`x = 5`, `P = nRT/V`), not an option. */
const MATH_AFTER = /^[)\]]?\s*[=<>+\-*/^_≈≠≤≥]/;
const HEAD_SET = /^[\s"'“‘]*[([{]?\s*([A-Z]{2,6})(?![A-Za-z0-9])/;
const BOXED = /\\boxed\s*\{\s*(?:\\(?:text|textbf|mathrm|mathbf)\s*\{\s*)?\(?\s*([A-Za-z])(?![A-Za-z0-9])/dg;
const BOXED_ANY = /\\boxed\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g;
// `\b(?:a|b|…)` is `\ba|\bb|…` (the same alternatives in the same order), and scans faster
const ANSWER_IS_SOURCE =
  String.raw`\b(?:` +
  [
    String.raw`(?:answer|option|choice|option\s+letter|answer\s+choice)\s+(?:is|would\s+be|should\s+be|must\s+be|=)\s*:?`,
    String.raw`(?:correct|right|best|most\s+\w+|closest|final)\s+(?:one|match)\s+(?:is|would\s+be)\s*:?`,
    String.raw`i\s+(?:would\s+|will\s+)?(?:choose|select|pick)\b`,
    String.raw`i'll\s+(?:choose|select|pick|go\s+with)\b`,
    String.raw`go\s+with\b`,
  ].join('|') +
  String.raw`)|(?:应选|故选|所以选|因此选|选择|选项为|正确选项(?:是|为)|选)`;
const ANSWER_IS_MARKER = new RegExp(ANSWER_IS_SOURCE, 'gi');
/**
 * The same pattern without the `i` flag, for the lower-cased copy of ASCII text (its words are all
 * lower case; in ASCII text case folding maps nothing else): the same matches at the same places,
 * found faster.
 */
const ANSWER_IS_LOWER = new RegExp(ANSWER_IS_SOURCE, 'g');
// case matters here: "Therefore, b = 10" is working, "Therefore, C." a conclusion
const THEREFORE = /\b(?:[Tt]herefore|[Tt]hus|[Hh]ence|[Ss]o)\s*,?\s*(?:[Oo]ption\s+|[Cc]hoice\s+)?[([]?\s*([A-Z])(?![A-Za-z0-9])/dg;
const THEREFORE_END = /^[)\]]?\s*(?:$|[.,;:!?。，；\n]|is\s+(?:the\s+)?(?:answer|correct|right|best)\b)/;
const IS_CORRECT = /(?<![A-Za-z0-9])(?:[Oo]ption\s+|[Cc]hoice\s+)?[([]?([A-Z])[)\]]?\s+is\s+(?:the\s+)?(?:correct|right|best|most\s+likely)\b/dg;
const JSON_ANSWER =
  /"(?:answer|answer_choice|final_answer|answer_letter|correct_answer|choice|option|correct_option)"\s*:\s*(?:"([^"\n]{0,200})"|\[([^\]\n]{0,80})\])/gi;
const FOLLOW_UP_WORDS = ['Q', '问题', '题目', 'Hint'];

function containsAny(t: string, words: readonly string[]): boolean {
  for (const w of words) if (t.indexOf(w) >= 0) return true;
  return false;
}

/** Words every `IS_CORRECT` match (case-sensitive) contains: one scan of literals, cheaper than the pattern's own. */
const IS_CORRECT_WORDS = /correct|right|best|most\s+likely/;

const CORRECTION = /\b(?:wait|actually|on second thought|correction|i made (?:a|an) (?:mistake|error)|let me (?:re-?check|reconsider|re-?evaluate)|re-?evaluat\w*|upon (?:further )?(?:reflection|review))\b|等等|不对|更正/i;
const SENTENCE_END = /[.!?。！？\n]/;

const ANSWER_MARKER_AT = new RegExp(ANSWER_MARKER.source, 'iuy');
/**
 * Words that every `ANSWER_MARKER` match in ASCII text contains (`final` / `correct` only ever
 * precede `answer`), searched in the lower-cased text. One scan of the alternation costs a fifth of
 * five `indexOf` scans. It misses an occurrence that overlaps an earlier one (`respuestanswer`),
 * which is preceded by a letter and so can be part of no match.
 */
const ANSWER_WORDS = /answer|antwort|respuesta|resposta|risposta/g;

/**
 * The matches of `ANSWER_MARKER`, the same ones its global scan finds. That scan costs more than
 * all the rest of reading a long reply, so ASCII text (most replies) is searched for the marker
 * words first (in `lower`, its lower-cased copy), and the pattern is tried, sticky and in
 * increasing order, only at the positions where a match can start: each word itself, or up to
 * `correct` plus whitespace before it. Positions are tried from left to right and the first match
 * at the lowest position wins, as in the global scan. Non-ASCII text (`lower` null: case folding
 * beyond ASCII) takes the global scan.
 */
function answerMarkers(t: string, lower: string | null): RegExpExecArray[] {
  if (lower === null) return allMatches(ANSWER_MARKER, t);
  const words: number[] = [];
  for (const m of allMatches(ANSWER_WORDS, lower)) words.push(m.index);
  if (words.length === 0) return [];
  const out: RegExpExecArray[] = [];
  let from = 0; // matches start at or after the previous match's end
  let tried = -1; // every start position up to here has been tried
  for (const p of words) {
    if (p < from) continue;
    let lo = p;
    while (lo > 0 && lower.charCodeAt(lo - 1) <= 32) lo--;
    lo = Math.max(from, tried + 1, lo - 'correct'.length);
    for (let s = lo; s <= p; s++) {
      ANSWER_MARKER_AT.lastIndex = s;
      const m = ANSWER_MARKER_AT.exec(t);
      tried = s;
      if (m) {
        out.push(m);
        from = tried = m.index + m[0].length - 1;
        from++;
        break;
      }
    }
  }
  return out;
}

/** The rest of the sentence (or line) after a marker; the next non-empty line if the marker ends its line. */
function segmentAfter(t: string, end: number, toLineEnd: boolean): { text: string; start: number } {
  let lineEnd = t.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = t.length;
  let rest = t.slice(end, lineEnd);
  let start = end;
  if (rest.trim() === '') {
    let k = lineEnd + 1;
    while (k < t.length) {
      let e = t.indexOf('\n', k);
      if (e < 0) e = t.length;
      if (t.slice(k, e).trim() !== '') {
        rest = t.slice(k, e);
        start = k;
        break;
      }
      k = e + 1;
    }
  }
  if (!toLineEnd) {
    // a sentence ends at ". " or "。", not at the "." of "8.5"
    const m = /[.!?](?=\s|$)|[。！？]/.exec(rest);
    if (m) rest = rest.slice(0, m.index + 1);
  }
  return { text: rest, start };
}

/** The letter(s) at the head of a conclusion's text: `C`, `(C)`, `Option (D)`, `\boxed{C}`, `B, C`, `BD`. */
function readHead(seg: string, prep: PreparedOptions): Reading | null {
  const set = HEAD_SET.exec(seg);
  if (set) {
    const ls = set[1]!.split('');
    const ascending = ls.every((c, i) => i === 0 || c > ls[i - 1]!);
    if (ascending && ls.every((c) => prep.letters.has(c))) return { letters: ls, hedge: false };
  }
  const head = HEAD.exec(seg);
  if (!head) return null;
  const pos = head[0].length - 1;
  if (!terminated(seg, pos, prep)) return null;
  if (NEG_AFTER.test(seg.slice(pos + 1, pos + 41)) || MATH_AFTER.test(seg.slice(pos + 1, pos + 8))) return null;
  return readList(seg, pos, prep);
}

/** A conclusion's text read as exactly one option's text. */
function exactOptionText(seg: string, prep: PreparedOptions): Reading | null {
  const norm = normaliseAnswerText(seg);
  if (norm === '') return null;
  for (const o of prep.texts) if (o.norm === norm) return { letters: [o.letter], hedge: false };
  return null;
}

function readingOfHit(hit: Hit): Reading | null | 'ambiguous' {
  if (!hit) return null;
  if ('ambiguous' in hit) return 'ambiguous';
  if ('letter' in hit) return { letters: [hit.letter], hedge: false };
  return { letters: hit.letters, hedge: hit.hedge };
}

/** `ascii`: `t` holds only ASCII (false when unknown). */
function collectConclusions(t: string, prep: PreparedOptions, multi: boolean, program: boolean, ascii: boolean): Conclusion[] {
  const out: Conclusion[] = [];
  const covered: [number, number][] = [];
  const inside = (p: number) => covered.some(([a, b]) => p >= a && p < b);
  const lower = ascii ? t.toLowerCase() : null; // ASCII text: markers are searched in lower case

  // Answer: lines (the rest of the line, or the next line), read like the whole reply
  for (const m of answerMarkers(t, lower)) {
    if (program && m[0].includes('=')) continue; // `answer = "Yes"` in code is an assignment
    const seg = segmentAfter(t, m.index + m[0].length, true);
    covered.push([m.index, seg.start + seg.text.length]);
    const head = readHead(seg.text, prep);
    if (head) {
      out.push({ pos: m.index, rule: 'answer_line', reading: head, hard: true, end: seg.start + seg.text.length });
      continue;
    }
    // "Final Answer: The answer is G. …": the line's own conclusions first
    const inner = settle(seg.text, collectConclusions(seg.text, prep, multi, program, ascii), multi);
    if (inner) {
      const reading = readingOfHit(inner.hit);
      out.push({ pos: m.index, rule: 'answer_line/' + inner.rule, reading: reading === 'ambiguous' ? { letters: [], hedge: true } : reading, hard: true, end: seg.start + seg.text.length });
      continue;
    }
    const sub = runPositionRules(seg.text, prep);
    if (sub.hit === 'ambiguous') out.push({ pos: m.index, rule: 'answer_line/' + sub.rule, reading: { letters: [], hedge: true }, hard: true, end: seg.start + seg.text.length });
    else out.push({ pos: m.index, rule: sub.hit ? 'answer_line/' + sub.rule : 'answer_line', reading: sub.hit, hard: true, end: seg.start + seg.text.length });
  }

  for (const m of t.indexOf('\\boxed') < 0 ? [] : allMatches(BOXED_ANY, t)) {
    if (inside(m.index)) continue;
    const b = new RegExp(BOXED.source, 'dy');
    b.lastIndex = m.index;
    const bm = b.exec(t);
    if (bm && terminated(t, bm.indices![1]![0], prep)) {
      out.push({ pos: m.index, rule: 'boxed', reading: readList(t, bm.indices![1]![0], prep), hard: false, end: m.index + m[0].length });
    } else {
      const text = exactOptionText(m[1]!, prep);
      out.push({ pos: m.index, rule: text ? 'boxed/option_text' : 'boxed', reading: text, hard: false, end: m.index + m[0].length });
    }
  }

  for (const m of t.indexOf('"') < 0 ? [] : allMatches(JSON_ANSWER, t)) {
    const value = m[1] ?? m[2]!.replace(/"/g, '');
    const head = readHead(value, prep) ?? exactOptionText(value, prep);
    out.push({ pos: m.index, rule: 'json', reading: head, hard: true, end: m.index + m[0].length });
  }

  for (const m of lower === null ? allMatches(ANSWER_IS_MARKER, t) : allMatches(ANSWER_IS_LOWER, lower)) {
    if (inside(m.index) || (program && m[0].includes('='))) continue;
    const end = m.index + m[0].length;
    const seg = segmentAfter(t, end, false);
    const head = readHead(seg.text, prep);
    if (head) {
      const at = seg.start + (HEAD.exec(seg.text)?.[0].length ?? 1) - 1;
      if (NEG_AFTER.test(t.slice(at + 1, at + 41))) continue;
      out.push({ pos: m.index, rule: 'answer_is', reading: head, hard: false, end: seg.start + seg.text.length });
      continue;
    }
    const text = exactOptionText(seg.text, prep);
    out.push({ pos: m.index, rule: text ? 'answer_is/option_text' : 'answer_is', reading: text, hard: false, end: seg.start + seg.text.length });
  }

  for (const re of [THEREFORE, IS_CORRECT]) {
    const found = re === IS_CORRECT && !IS_CORRECT_WORDS.test(t) ? [] : allMatches(re, t);
    for (const m of found) {
      if (inside(m.index)) continue;
      const pos = m.indices![1]![0];
      const matchEnd = m.index + m[0].length;
      if (matchEnd === pos + 1 && !terminated(t, pos, prep)) continue;
      // "Therefore, C." concludes; "Therefore P = nRT/V" and "so I and J are…" are working
      if (re === THEREFORE && !THEREFORE_END.test(t.slice(pos + 1, pos + 40))) continue;
      if (re === IS_CORRECT) {
        // "none of the options A, B, C, D is correct": a sentence that denies is no conclusion
        const from = Math.max(t.lastIndexOf('.', m.index), t.lastIndexOf('\n', m.index)) + 1;
        if (/\b(?:none|neither|nor|not)\b/i.test(t.slice(from, m.index))) continue;
        if (/[A-Z]\s*(?:,|\bor\b|\band\b)\s*[([]?\s*$/.test(t.slice(Math.max(0, m.index - 8), m.index))) continue;
      }
      out.push({ pos: m.index, rule: 'answer_is', reading: readList(t, pos, prep), hard: false, end: matchEnd });
    }
  }
  out.sort((a, b) => a.pos - b.pos);
  return out;
}

/**
 * Settles the readable conclusions into one answer. Returns null when none is readable.
 * See the module comment for the rules (agreement, explicit correction, hedges, lists).
 */
function settle(t: string, cs: Conclusion[], multi: boolean): { hit: Hit; rule: string } | null {
  const readable = cs.filter((c) => c.reading !== null);
  if (readable.length === 0) return null;
  let current: { key: string; letters: string[]; rule: string; end: number } | null = null;
  let hedges: { letters: string[]; rule: string }[] = [];
  let conflict = false;
  for (const c of readable) {
    const r = c.reading!;
    if (r.letters.length === 0) {
      conflict = true; // an answer line whose text is itself ambiguous
      continue;
    }
    const isSet = r.letters.length > 1 && !r.hedge;
    if (r.hedge || (isSet && !multi)) {
      if (isSet) conflict = true;
      else hedges.push({ letters: r.letters, rule: c.rule });
      continue;
    }
    const letters = [...r.letters].sort();
    const key = letters.join(',');
    if (current && current.key !== key) {
      if (CORRECTION.test(t.slice(current.end, c.pos))) {
        conflict = false;
        hedges = [];
      } else conflict = true;
    }
    current = { key, letters, rule: c.rule, end: c.end };
  }
  if (conflict) return { hit: { ambiguous: true }, rule: 'ambiguous' };
  if (!current) return { hit: { ambiguous: true }, rule: 'ambiguous' };
  // a hedge is settled only by a commitment to one of its own letters
  for (const h of hedges) if (!current.letters.every((l) => h.letters.includes(l))) return { hit: { ambiguous: true }, rule: 'ambiguous' };
  if (current.letters.length === 1) return { hit: { letter: current.letters[0]! }, rule: current.rule };
  return { hit: { letters: current.letters, hedge: false }, rule: current.rule };
}

// ---------------------------------------------------------------------------------------------
// Position rules (no conclusion in the reply)

const OPTION_WORD = /(?:\b(?:option|choice)\b|选项)\s*[([]?\s*([A-Za-z])(?![A-Za-z0-9])/dgi;
const MARKED = /\(([A-Z])\)|\[([A-Z])\]|^[ \t]*([A-Z])[.)](?=\s|$)/dgm;
const LINE_START_PAREN = /^[ \t]*\(([A-Z])\)/gm;
const LONE = /^[ \t([{]*([A-Za-z])[ \t)\]}.:]*$/dgm;
const PROGRAM = /^[ \t]*(?:def\s+\w+\s*\(|import\s+\w|from\s+\w[\w.]*\s+import\b|print\s*\()/m;

/**
 * `PROGRAM` matches only at a line start followed, after spaces and tabs, by `def`, `import`,
 * `from` or `print`: a look at each line's start instead of a scan of the words. `^` also starts a
 * line after `\r`, U+2028 and U+2029; text holding one of them takes the pattern itself.
 */
function mayBeProgram(t: string): boolean {
  if (t.indexOf('\r') >= 0 || t.indexOf('\u2028') >= 0 || t.indexOf('\u2029') >= 0) return true;
  for (let s = 0; s >= 0; ) {
    let k = s;
    while (t.charCodeAt(k) === 32 || t.charCodeAt(k) === 9) k++;
    if (t.startsWith('def', k) || t.startsWith('import', k) || t.startsWith('from', k) || t.startsWith('print', k)) return true;
    const nl = t.indexOf('\n', k);
    s = nl < 0 ? -1 : nl + 1;
  }
  return false;
}

/**
 * Every match of a global pattern, collected at once: the readers recurse, so the shared
 * `lastIndex` is used only inside this loop and reset after it (a private copy per call cost more
 * than the scan itself at Med-CMR scale).
 */
function allMatches(re: RegExp, t: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    out.push(m);
    if (m[0].length === 0) re.lastIndex++;
  }
  re.lastIndex = 0;
  return out;
}

/** The one capture group that took part in the match, and where it is (regexes carry the `d` flag). */
function groupOf(m: RegExpExecArray): { raw: string; pos: number } {
  for (let i = 1; i < m.length; i++) if (m[i] !== undefined) return { raw: m[i]!, pos: m.indices![i]![0] };
  throw new Error('pattern matched without a letter group');
}

/** Position rules: every non-negated mention counts; two different letters are ambiguous. */
function distinctMentions(t: string, re: RegExp, prep: PreparedOptions, onlyOptions: boolean): Hit {
  const seen = new Set<string>();
  for (const m of allMatches(re, t)) {
    if (m[0].length === 0) continue;
    const { raw, pos } = groupOf(m);
    const letter = raw.toUpperCase();
    if (onlyOptions && !prep.letters.has(letter)) continue;
    if (negated(t, m.index, m.index + m[0].length)) continue;
    for (const l of readList(t, pos, prep).letters) seen.add(l);
  }
  if (seen.size === 0) return null;
  if (seen.size > 1) return { ambiguous: true };
  return { letter: [...seen][0]! };
}

const YES_NO = new Set(['yes', 'no', 'true', 'false', '是', '否']);

function optionText(t: string, prep: PreparedOptions): Hit {
  const norm = normaliseAnswerText(t);
  if (norm === '') return null;
  for (const o of prep.texts) if (o.norm === norm) return { letter: o.letter };
  // a line, or the last sentence, that is exactly one option's text
  const exact = new Set<string>();
  const pieces = t.split('\n');
  const sentences = t.trim().split(/(?<=[.!?。])\s+/);
  pieces.push(sentences[sentences.length - 1]!);
  for (const p of pieces) {
    const r = exactOptionText(p, prep);
    if (r) exact.add(r.letters[0]!);
  }
  if (exact.size === 1) return { letter: [...exact][0]! };
  if (exact.size > 1) return { ambiguous: true };
  // a short reply naming one option's text among its words
  if (t.trim().length > 300 || sentences.length > 2) return null;
  const padded = ` ${norm} `;
  const spans: { letter: string; start: number; end: number }[] = [];
  for (const o of prep.texts) {
    if (!/\p{L}\p{L}/u.test(o.norm)) continue; // a number or one letter: working, not an answer
    const yesNo = YES_NO.has(o.norm);
    const needle = ` ${o.norm} `;
    for (let i = padded.indexOf(needle); i >= 0; i = padded.indexOf(needle, i + 1)) {
      const start = i + 1;
      const end = start + o.norm.length;
      if (yesNo && start !== 1) continue;
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

const POSITION_RULES: Rule[] = [
  { name: 'option_word', run: (t, p) => distinctMentions(t, OPTION_WORD, p, false) },
  {
    name: 'leading_letter',
    run: (t, p) => {
      const m = /^[\s([{"'“‘]*([A-Za-z])(?![A-Za-z0-9])/.exec(t);
      if (!m) return null;
      const pos = m[0].length - 1;
      // only the item's letters: a reply opening with "I." (a heading) is not an answer of I
      if (!p.letters.has(m[1]!.toUpperCase()) || !terminated(t, pos, p) || negated(t, pos, pos + 1)) return null;
      // "(A) … \n(B) … \n(C) …": a list of labelled parts or options, not a choice
      for (const x of allMatches(LINE_START_PAREN, t)) if (x[1]!.toUpperCase() !== m[1]!.toUpperCase()) return { ambiguous: true };
      const r = readList(t, pos, p);
      return r.letters.length > 1 ? { ambiguous: true } : { letter: r.letters[0]! };
    },
  },
  {
    name: 'marked_letter',
    run: (t, p) => {
      const hit = distinctMentions(t, MARKED, p, true);
      if (hit) return hit;
      // "(D) no" on a two-option item: a letter marked at a line start that the item lacks
      const outside = new Set<string>();
      for (const x of allMatches(LINE_START_PAREN, t)) outside.add(x[1]!);
      if (outside.size > 1) return { ambiguous: true };
      if (outside.size === 1) return { letter: [...outside][0]! };
      return null;
    },
  },
  { name: 'lone_letter', run: (t, p) => distinctMentions(t, LONE, p, true) },
  { name: 'option_text', run: optionText },
];

function runPositionRules(t: string, prep: PreparedOptions): { hit: Reading | null | 'ambiguous'; rule: string } {
  for (const rule of POSITION_RULES) {
    const hit = rule.run(t, prep);
    if (hit) return { hit: readingOfHit(hit), rule: rule.name };
  }
  return { hit: null, rule: 'no_answer' };
}

// ---------------------------------------------------------------------------------------------
// The cascade

function finish(hit: Hit, rule: string, prep: PreparedOptions, multi: boolean): Extraction {
  if (!hit || 'ambiguous' in hit) return { status: 'invalid_answer', extracted: null, rule: 'ambiguous' };
  const letters = 'letter' in hit ? [hit.letter] : hit.hedge ? null : [...hit.letters].sort();
  if (!letters || (!multi && letters.length > 1)) return { status: 'invalid_answer', extracted: null, rule: 'ambiguous' };
  const outside = letters.find((l) => !prep.letters.has(l));
  if (outside) return { status: 'invalid_answer', extracted: letters.join(','), rule: 'not_an_option' };
  return { status: 'ok', extracted: letters.join(','), rule };
}

const FOLLOW_UP = /^[ \t]*(?:Question|Questions|问题|题目|Hint|Q)\s*\d*\s*[:]/gm;

/** Reads a reply that has had its invented follow-ups removed; `ascii`: `t` holds only ASCII (false when unknown). */
function readReply(t: string, prep: PreparedOptions, multi: boolean, ascii: boolean): Extraction {
  if (t.trim() === '') return { status: 'invalid_answer', extracted: null, rule: 'empty' };
  const bare = BARE.exec(t);
  if (bare) return finish({ letter: bare[1]!.toUpperCase() }, 'bare', prep, multi);

  const program = mayBeProgram(t) && PROGRAM.test(t);
  const cs = collectConclusions(t, prep, multi, program, ascii);
  const settled = settle(t, cs, multi);
  if (settled) return finish(settled.hit, settled.rule, prep, multi);
  if (cs.some((c) => c.hard)) return { status: 'invalid_answer', extracted: null, rule: 'no_answer' };
  if (program) return { status: 'invalid_answer', extracted: null, rule: 'program' };

  const pos = runPositionRules(t, prep);
  if (pos.hit === 'ambiguous') return { status: 'invalid_answer', extracted: null, rule: 'ambiguous' };
  if (pos.hit) return finish({ letters: pos.hit.letters, hedge: pos.hit.hedge }, pos.rule, prep, multi);
  return { status: 'invalid_answer', extracted: null, rule: 'no_answer' };
}

/**
 * Extracts the answer letter from a raw reply. `options` is the item's letter → text map (or its
 * prepared form, to save work over many replies). See the module comment for the cascade.
 */
export function extractAnswer(
  output: string,
  options: PreparedOptions | Readonly<Record<string, string>>,
  opts: ExtractOptions = {},
): Extraction {
  const prep = isPrepared(options) ? options : prepareOptions(options);
  const multi = opts.multi === true;
  if (output.trim() === '') return { status: 'invalid_answer', extracted: null, rule: 'empty' };
  const rawAscii = !NON_ASCII.test(output);
  const t = normaliseReply(output, rawAscii);
  if (t.trim() === '') return { status: 'invalid_answer', extracted: null, rule: 'empty' };
  const ascii = rawAscii || !NON_ASCII.test(t);
  if (t.indexOf('<') >= 0 && /<think>/i.test(t)) return { status: 'invalid_answer', extracted: null, rule: 'unfinished_thinking' };

  for (const m of t.indexOf(':') >= 0 && containsAny(t, FOLLOW_UP_WORDS) ? allMatches(FOLLOW_UP, t) : []) {
    const before = t.slice(0, m.index);
    if (before.trim() === '') continue;
    const x = readReply(before, prep, multi, ascii);
    if (x.rule !== 'no_answer' && x.rule !== 'empty') return { ...x, rule: x.status === 'ok' ? 'before_follow_up/' + x.rule : x.rule };
    if (before.trim().length >= 60) return x;
    break;
  }
  return readReply(t, prep, multi, ascii);
}

function isPrepared(o: PreparedOptions | Readonly<Record<string, string>>): o is PreparedOptions {
  return (o as { letters?: unknown }).letters instanceof Set;
}
