import { describe, expect, it } from 'vitest';
import type { PreferenceRow } from '../../src/io/preferences.ts';
import type { Judgment } from '../../src/schema/index.ts';
import { pairsFromScores } from '../../src/studies/pairs-from-scores.ts';
import { addMajorityRater, runWinrate } from '../../src/studies/winrate.ts';

const row = (item_id: string, rater: string, model_a: string, model_b: string, winner: PreferenceRow['winner'], status = 'ok', dimension?: string): PreferenceRow => ({
  item_id,
  rater,
  model_a,
  model_b,
  winner,
  status,
  ...(dimension ? { dimension } : {}),
});

// Counted by hand (see the comments): X 1-3-0, Y 2-1-1, Z 1-0-1.
const small: PreferenceRow[] = [
  row('i1', 'h', 'X', 'Y', 'A'), // X beats Y
  row('i1', 'h', 'Y', 'Z', 'tie'),
  row('i2', 'h', 'Z', 'X', 'A'), // Z beats X
  row('i2', 'h', 'X', 'Y', 'B'), // Y beats X
  row('i3', 'h', 'Y', 'X', 'A'), // Y beats X (reversed orientation)
  row('i3', 'h', 'Z', 'Y', null, 'missing'),
  row('i3', 'j', 'Z', 'Y', null, 'parse_error'),
  row('i1', 'j', 'Y', 'X', 'B'), // j agrees with h on i1 X/Y, orientation flipped
  row('i2', 'j', 'X', 'Y', 'tie'), // h said Y
];

describe('runWinrate on a hand-counted example', () => {
  const r = runWinrate(small, { ties: 'half', seed: 1, resamples: 0, compare: ['h', 'j'] });
  const h = r.raters.h!;

  it('counts wins, losses, ties and win ratios with ties as halves', () => {
    expect(h.models.X).toMatchObject({ wins: 1, losses: 3, ties: 0, n: 4, win_ratio: { value: 0.25, ci_low: null, ci_high: null } });
    expect(h.models.Y).toMatchObject({ wins: 2, losses: 1, ties: 1, n: 4, win_ratio: { value: 0.625 } });
    expect(h.models.Z).toMatchObject({ wins: 1, losses: 0, ties: 1, n: 2, win_ratio: { value: 0.75 } });
    expect(h.matrix.X!.Y).toEqual({ wins: 1, losses: 2, ties: 0, n: 3, win_ratio: 1 / 3 });
    expect(h.matrix.Y!.X!.win_ratio).toBeCloseTo(2 / 3, 15);
    expect(h.n_items).toBe(3);
    expect(h.n_comparisons).toBe(5);
  });

  it('with --ties drop: wins / (wins + losses)', () => {
    const d = runWinrate(small, { ties: 'drop', seed: 1, resamples: 0 }).raters.h!;
    expect(d.models.Y!.win_ratio.value).toBeCloseTo(2 / 3, 15);
    expect(d.models.Z!.win_ratio.value).toBe(1);
    expect(d.models.X!.n).toBe(4);
    expect(d.bt.model).toBe('decisive_only');
  });

  it('against a baseline: the others count only their comparisons with it', () => {
    const b = runWinrate(small, { ties: 'half', seed: 1, resamples: 0, baseline: 'X' }).raters.h!;
    expect(b.models.Y).toMatchObject({ wins: 2, losses: 1, ties: 0, n: 3 });
    expect(b.models.Z).toMatchObject({ wins: 1, losses: 0, ties: 0, n: 1, win_ratio: { value: 1 } });
    expect(b.models.X).toMatchObject({ wins: 1, losses: 3 });
  });

  it('keeps failures apart, per status and rater', () => {
    expect(r.failures).toEqual({ total: 2, by_status: { missing: 1, parse_error: 1 }, by_rater: { h: 1, j: 1 } });
    expect(h.failures).toBe(1);
    expect(r.n_ok).toBe(7);
  });

  it('aligns orientation for pair agreement and counts ties MT-Bench style', () => {
    // Matched pairs: i1 X/Y (both X) and i2 X/Y (h: Y, j: tie).
    expect(r.compare!.n_pairs_with_ties).toBe(2);
    expect(r.compare!.pair_agreement_with_ties.value).toBe(0.5);
    expect(r.compare!.n_pairs_without_ties).toBe(1);
    expect(r.compare!.pair_agreement_without_ties.value).toBe(1);
    // j: X 1-0-1 → 0.75, Y 0-1-1 → 0.25; h: X 0.25, Y 0.625: opposite rankings.
    expect(r.compare!.models).toEqual(['X', 'Y']);
    expect(r.compare!.max_abs_win_ratio_diff.value).toBeCloseTo(0.5, 15);
    expect(r.compare!.max_abs_win_ratio_diff_model).toBe('X');
    expect(r.compare!.win_ratio_diff.Y!.value).toBeCloseTo(0.375, 15);
    expect(r.compare!.spearman.value).toBeCloseTo(-1, 12);
    expect(r.compare!.kendall_tau_b.value).toBeCloseTo(-1, 12);
  });

  it('reports per dimension under dimensions.<dim>, and pools dimensions overall', () => {
    const dimmed = [
      row('i1', 'h', 'X', 'Y', 'A', 'ok', 'accuracy'),
      row('i1', 'h', 'X', 'Y', 'B', 'ok', 'coherence'),
      row('i2', 'h', 'X', 'Y', 'A', 'ok', 'accuracy'),
      row('i2', 'h', 'X', 'Y', 'tie', 'ok', 'coherence'),
      row('i2', 'h', 'X', 'Y', null, 'refusal', 'coherence2'),
    ];
    const d = runWinrate(dimmed, { ties: 'half', seed: 3, resamples: 50 });
    expect(d.raters.h!.models.X).toMatchObject({ wins: 2, losses: 1, ties: 1, n: 4 });
    expect(d.dimensions!.accuracy!.raters.h!.models.X).toMatchObject({ wins: 2, losses: 0, n: 2, win_ratio: { value: 1 } });
    expect(d.dimensions!.coherence!.raters.h!.models.Y!.win_ratio.value).toBe(0.75);
    expect(d.dimensions!.coherence2!.raters.h!.failures).toBe(1);
    expect(Object.keys(d.dimensions!.coherence2!.raters.h!.models)).toEqual([]);
    // X never lost on accuracy: the BT fit needs the documented ridge there.
    expect(d.dimensions!.accuracy!.raters.h!.bt.regularized).toBe(true);
    expect(d.raters.h!.bt.regularized).toBe(false);
  });

  it('rejects compare raters or a baseline that the data do not have', () => {
    expect(() => runWinrate(small, { ties: 'half', seed: 1, resamples: 0, compare: ['h', 'nobody'] })).toThrow(/nobody/);
    expect(() => runWinrate(small, { ties: 'half', seed: 1, resamples: 0, baseline: 'W' })).toThrow(/W/);
  });
});

describe('addMajorityRater', () => {
  it('takes a strict majority of all listed raters, aligning orientation, and reports groups without one', () => {
    const prefs = [
      row('a', 'r1', 'X', 'Y', 'A'),
      row('a', 'r2', 'Y', 'X', 'B'), // X in the other orientation
      row('a', 'r3', 'X', 'Y', 'tie'),
      row('b', 'r1', 'X', 'Y', 'A'),
      row('b', 'r2', 'X', 'Y', 'B'),
      row('b', 'r3', 'X', 'Y', null, 'parse_error'),
      row('c', 'r1', 'X', 'Y', 'tie'),
      row('c', 'r2', 'X', 'Y', 'tie'),
      row('c', 'r3', 'X', 'Y', null, 'api_error'),
    ];
    const { rows, report } = addMajorityRater(prefs, ['r1', 'r2', 'r3']);
    const maj = rows.filter((r) => r.rater === 'majority');
    expect(maj).toEqual([row('a', 'majority', 'X', 'Y', 'A'), row('c', 'majority', 'X', 'Y', 'tie')]);
    expect(report).toMatchObject({ n_groups: 3, n_majority: 2, without_majority: [{ item_id: 'b', model_a: 'X', model_b: 'Y' }] });
  });
});

describe('pairsFromScores', () => {
  const fp = { kind: 'llm' as const, model: 'judge-1', endpoint: 'http://x', params: {}, parser_version: '1', hash: 'h' };
  const base = { judge: fp, parse_method: 'json_schema', repairs: 0, raw: null, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 1, cached: false };
  const ok = (item_id: string, model: string, scores: Record<string, number>, score: number | null): Judgment => ({ ...base, item_id, model, status: 'ok', scores, score });
  const judgments: Judgment[] = [
    ok('q1', 'm1', { accuracy: 4, coherence: 1 }, 80),
    ok('q1', 'm2', { accuracy: 3, coherence: 1 }, 79.5),
    ok('q1', 'm3', { accuracy: 4.4, coherence: 0 }, 60),
    { ...base, item_id: 'q2', model: 'm1', status: 'parse_error', error: 'no JSON' },
    ok('q2', 'm2', { accuracy: 2, coherence: 1 }, 40),
  ];

  it('compares per dimension with a tie margin and carries failures per dimension', () => {
    const r = pairsFromScores(judgments, { margin: 0.5 });
    const get = (item: string, a: string, b: string, dim: string) => r.prefs.find((p) => p.item_id === item && p.model_a === a && p.model_b === b && p.dimension === dim);
    expect(get('q1', 'm1', 'm2', 'accuracy')!.winner).toBe('A');
    expect(get('q1', 'm1', 'm2', 'coherence')!.winner).toBe('tie');
    expect(get('q1', 'm1', 'm2', 'overall')!.winner).toBe('tie'); // 0.5 apart: within the margin
    expect(get('q1', 'm1', 'm3', 'accuracy')!.winner).toBe('tie');
    expect(get('q1', 'm2', 'm3', 'accuracy')!.winner).toBe('B');
    expect(get('q1', 'm1', 'm3', 'overall')!.winner).toBe('A');
    expect(r.prefs.filter((p) => p.item_id === 'q2').map((p) => [p.dimension, p.status, p.winner])).toEqual([
      ['accuracy', 'parse_error', null],
      ['coherence', 'parse_error', null],
      ['overall', 'parse_error', null],
    ]);
    expect(r.failures).toEqual({ total: 3, by_status: { parse_error: 3 } });
    expect(r.n_ok).toBe(9);
    // and they feed the study directly
    const w = runWinrate(r.prefs, { ties: 'half', seed: 1, resamples: 0 });
    expect(w.failures.total).toBe(3);
    expect(w.dimensions!.accuracy!.raters['judge-1']!.models.m2).toMatchObject({ wins: 0, losses: 2, ties: 0 });
  });

  it('uses per-dimension margins and a baseline', () => {
    const r = pairsFromScores(judgments, { margin: { overall: 1 }, baseline: 'm3' });
    expect(r.prefs.every((p) => p.model_a === 'm3' || p.model_b === 'm3')).toBe(true);
    expect(r.prefs.find((p) => p.model_a === 'm1' && p.dimension === 'accuracy')!.winner).toBe('B');
  });
});
