/**
 * Data in Markdown: model, rater and judge names, item ids, titles and anything else read from
 * files that judgekit did not write. An ordinary Markdown renderer passes raw HTML through and
 * turns `[x](javascript:…)`, `<http://…>`, bare URLs and e-mail addresses into live links, so data
 * is written as inert text: HTML-significant characters as entities, Markdown punctuation
 * backslash-escaped, autolink triggers broken, line breaks flattened (a table row stays one row).
 */
export function mdText(value: unknown): string {
  return String(value ?? '')
    .replace(/\r\n?|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*|~@]/g, '\\$&')
    // `_` makes emphasis only at a word boundary (GFM): `gold_reference` stays as it is.
    .replace(/_(?=[^\p{L}\p{N}]|$)|(?<=^|[^\p{L}\p{N}\\])_/gu, '\\_')
    // A bracket makes a link only as `[text](url)`, `[text][ref]` or a `[ref]: url` definition.
    .replace(/\](?=[([:])/g, '\\]')
    .replace(/^\[/, '\\[')
    .replace(/:\/\//g, ':\\/\\/')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * Data as inline code (names the reports show in code style): a code span shows its content
 * literally, so HTML and Markdown in it are inert; a value holding a backtick or a line break
 * cannot be fenced safely and is written as escaped text instead.
 */
export function mdCode(value: unknown): string {
  const s = String(value ?? '');
  return s !== '' && !/[`\r\n|]/.test(s) ? `\`${s}\`` : mdText(s);
}

/**
 * Prose written as Markdown by the experiment's author (a description): its Markdown is kept,
 * but raw HTML is shown as text, not rendered.
 */
export function noHtml(value: string): string {
  return value.replace(/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/g, '&amp;').replace(/</g, '&lt;');
}
