/**
 * Long names on chart axes (model ids, LLMBar set paths like `Adversarial/GPTInst/…/Swap_CoT`):
 * Vega's own `labelLimit` cuts the end off, which is the part that tells sets and models apart.
 * `fitName` keeps both ends instead (a middle ellipsis, cut at a `/` where it can), and the
 * renderer gives every shortened label its full name as an SVG <title> (render-svg.ts).
 */

/** Vega's text width without a canvas (vega-scenegraph `estimateWidth`): 0.8 × font size per character. */
const CHAR_PX = 0.8 * 11;

/** How many characters fit a label limit of `px` at the axis font size, as Vega measures them in Node. */
export const charsFor = (px: number): number => Math.max(8, Math.floor(px / CHAR_PX + 1e-9));

/**
 * `s` shortened to at most `max` characters, keeping its first and last parts. A path keeps its
 * last `/` segment whole and as much of its head as fits; anything else loses its middle.
 */
export function fitName(s: string, max: number): string {
  if (s.length <= max) return s;
  const slash = s.lastIndexOf('/');
  if (slash > 0) {
    const tail = s.slice(slash);
    const room = max - 1 - tail.length;
    // The head is cut by character, not back to a '/': sets that differ only in a middle segment
    // (Adversarial/GPTInst/… and Adversarial/GPTOut/…) then still read apart.
    if (room >= 1) return `${s.slice(0, room)}…${tail}`;
  }
  const keep = max - 1;
  const front = Math.ceil(keep / 2);
  return `${s.slice(0, front)}…${s.slice(s.length - (keep - front))}`;
}

/** The name of the Vega expression function that applies `fitName` to axis labels. */
export const FIT_FN = 'jkFitName';

/** Axis settings for a nominal axis of names `px` wide: labels keep both ends instead of losing their end. */
export function nameAxis(px: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, labelLimit: px, labelExpr: `${FIT_FN}(datum.label, ${charsFor(px)})` };
}
