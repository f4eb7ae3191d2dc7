/**
 * 290 real judge outputs (../shared/data/judge-outputs, see its SOURCE.md), each with the verdict
 * its source project's own parser read. judgekit's readers, configured by the shipped rubric and
 * pairwise templates, must read the same verdict; every disagreement is pinned here with why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRubric, parseVerdict } from '../../src/judges/index.ts';
import { loadPairwiseTemplate, parsePairwiseVerdict, parseTemplateVerdict } from '../../src/judges/pairwise.ts';

interface Row {
  id: string;
  style: string;
  criteria: string[] | null;
  scale: [number, number] | null;
  raw: string;
  expected: { parse_ok: boolean; score?: number; verdict?: string | null; scores?: Record<string, number | string>; preferences?: Record<string, string> };
}

// ../shared next to the main checkout; a worktree sits one level deeper.
const DATA = ['../shared', '../../shared'].map((d) => resolve(d, 'data/judge-outputs/outputs.jsonl')).find((f) => existsSync(f));
if (!DATA) console.warn('real-judge-outputs: ../shared/data/judge-outputs not found; skipped');
const rows: Row[] = (DATA ? readFileSync(DATA, 'utf8') : '')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Row);

/** Disagreements with the source's parser, each with its reason. */
const PINNED: Record<string, string> = {};
for (const r of rows) {
  // just-eval stored "N/A" as one aspect's score and kept the record; judgekit scores every
  // criterion as a number or fails the judgment (a missing score is never silently dropped).
  if (r.style === 'json_nested_criteria' && Object.values(r.expected.scores ?? {}).includes('N/A')) PINNED[r.id] = 'an aspect scored "N/A": a parse_error in judgekit, kept by just-eval';
}

const pairLetter = (v: string | null | undefined): string | null => (v === 'A' ? '1' : v === 'B' ? '2' : v === 'tie' || v === 'same' ? 'tie' : null);

describe.skipIf(!DATA)('real judge outputs: judgekit reads the verdict each source read', async () => {
  const mtSingle = await loadRubric('rubrics/mt-bench-single.yaml');
  const mtPair = await loadPairwiseTemplate('mt-bench');
  const arena = await loadPairwiseTemplate('arena-hard');

  /** What judgekit reads, in the source's terms, or null for "no verdict". */
  const read = (r: Row): unknown => {
    switch (r.style) {
      case 'bracket_rating': {
        const p = parseVerdict(r.raw, [{ key: 'rating', min: 1, max: 10 }], 'tagged', mtSingle.rubric.verdict);
        return p.ok ? p.value.scores.rating : null;
      }
      case 'pair_letter_bracket': {
        const p = parseTemplateVerdict(r.raw, mtPair.template, 'overall');
        return p.ok ? p.value.answers.overall : null;
      }
      case 'pair_graded_bracket': {
        const p = parseTemplateVerdict(r.raw, arena.template, 'overall');
        return p.ok ? p.value.label : null;
      }
      case 'json_nested_criteria': {
        const specs = r.criteria!.map((key) => ({ key, min: r.scale![0], max: r.scale![1] }));
        const p = parseVerdict(r.raw, specs, 'json_mode');
        return p.ok ? p.value.scores : null;
      }
      case 'json_nested_pairwise_criteria': {
        const p = parsePairwiseVerdict(r.raw, r.criteria!.map((key) => ({ key, description: key })));
        return p.ok ? p.value.answers : null;
      }
      case 'json_flat_pairwise': {
        const p = parsePairwiseVerdict(r.raw, [{ key: 'overall', description: 'overall' }]);
        return p.ok ? p.value.answers.overall : null;
      }
      default:
        throw new Error(`unknown style ${r.style}`);
    }
  };

  /** What the source read, in the same terms. */
  const expected = (r: Row): unknown => {
    const e = r.expected;
    if (!e.parse_ok) return null;
    switch (r.style) {
      case 'bracket_rating':
        return e.score;
      case 'pair_letter_bracket':
      case 'json_flat_pairwise':
        return pairLetter(e.verdict);
      case 'pair_graded_bracket':
        return e.verdict;
      case 'json_nested_criteria':
        return Object.fromEntries(Object.entries(e.scores!).map(([k, v]) => [k, Number(v)]));
      case 'json_nested_pairwise_criteria':
        return Object.fromEntries(Object.entries(e.preferences!).map(([k, v]) => [k, pairLetter(v)]));
    }
    return undefined;
  };

  it('holds 290 outputs of six styles', () => {
    expect(rows).toHaveLength(290);
    expect(new Set(rows.map((r) => r.style)).size).toBe(6);
  });

  it('agrees on every output except the pinned ones, and each pinned one still disagrees', () => {
    const disagree: string[] = [];
    for (const r of rows) {
      const ok = JSON.stringify(read(r)) === JSON.stringify(expected(r));
      if (!ok) disagree.push(r.id);
    }
    expect(disagree.sort()).toEqual(Object.keys(PINNED).sort());
    // The pinned ones are refusals to guess, never a different score.
    for (const id of Object.keys(PINNED)) expect(read(rows.find((r) => r.id === id)!)).toBeNull();
  });

  it('reads the failures the sources could not parse as failures', () => {
    const failed = rows.filter((r) => !r.expected.parse_ok);
    expect(failed.length).toBe(3);
    for (const r of failed) expect(read(r)).toBeNull();
  });
});
