import type { VerdictRule } from '../schema/verdict.ts';

export type RuleResult = { ok: true; token: string; rule: string } | { ok: false; error: string };

/** How a rule is named in the ledger: its selection and pattern, e.g. `first /\[\[(\d+)\]\]/`. */
export function ruleName(r: VerdictRule): string {
  return `${r.select} /${r.pattern}/${r.flags}`;
}

/**
 * Reads a verdict token with declared rules, each the source project's own: tried in order, the
 * first rule with a match decides (a later rule is a backup, as FastChat's single-bracket one).
 * - `first` / `last`: that match;
 * - `unique`: every match must name the same verdict, otherwise the judgment fails (Arena-Hard);
 * - `precedence`: the first token of the declared order that occurs at all (FastChat pairwise).
 * The text given is the judge's own message with thinking removed; the candidate never reaches it.
 */
export function applyRules(text: string, rules: readonly VerdictRule[]): RuleResult {
  for (const r of rules) {
    const re = new RegExp(r.pattern, r.flags.includes('g') ? r.flags : r.flags + 'g');
    const tokens = [...text.matchAll(re)].map((m) => (m[1] ?? m[0]).trim()).filter((t) => t !== '');
    if (tokens.length === 0) continue;
    const rule = ruleName(r);
    switch (r.select) {
      case 'first':
        return { ok: true, token: tokens[0]!, rule };
      case 'last':
        return { ok: true, token: tokens[tokens.length - 1]!, rule };
      case 'unique': {
        const distinct = [...new Set(tokens)];
        if (distinct.length === 1) return { ok: true, token: distinct[0]!, rule };
        return { ok: false, error: `the reply gives ${distinct.length} different verdicts (${distinct.join(', ')}); exactly one is required` };
      }
      case 'precedence': {
        const present = new Set(tokens);
        const token = r.precedence!.find((p) => present.has(p));
        if (token !== undefined) return { ok: true, token, rule };
        continue;
      }
    }
  }
  return { ok: false, error: `no verdict found (expected a match of ${rules.map((r) => `/${r.pattern}/`).join(' or ')})` };
}
