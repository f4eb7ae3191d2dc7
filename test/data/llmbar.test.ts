import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { llmbarSwapRecords, swapConsistency, upstreamSwapStatistics, type LlmbarVerdicts } from '../../src/studies/swap.ts';
import { dataset } from '../helpers/datasets.ts';

// The conversion `datasets get llmbar --mirror ../shared/data` makes (src/datasets/convert/llmbar.ts).
const dir = await dataset('llmbar');
const verdicts = JSON.parse(readFileSync(join(dir, 'verdicts.json'), 'utf8')) as LlmbarVerdicts;
const statistics = JSON.parse(readFileSync(join(dir, 'statistics.json'), 'utf8')) as Record<string, Record<string, string>>;

/** Python's repr of a float (upstream formats with f-strings): JS shortest round-trip, ".0" on integers. */
const pyFloat = (x: number): string => (Number.isInteger(x) && Math.abs(x) < 1e16 ? `${x}.0` : String(x));

/** Parses upstream's "a / n = p%" (or "p%") strings. */
function parse(s: string): { count: number | null; n: number | null; pct: number } {
  const m = /^(?:(\d+) \/ (\d+) = )?([0-9.e+-]+)%$/.exec(s);
  if (!m) throw new Error(`cannot parse ${s}`);
  return { count: m[1] ? Number(m[1]) : null, n: m[2] ? Number(m[2]) : null, pct: Number(m[3]) };
}

const cases = Object.entries(verdicts.sets).flatMap(([set, data]) => Object.keys(data.judges).map((judge) => ({ set, judge, data })));

describe('LLMBar statistics.json reproduced from the copied result.json verdicts', () => {
  it('has every result file of the upstream copy (49) and its statistics', () => {
    expect(cases.length).toBe(49);
    for (const c of cases) expect(statistics[`${c.set}/${c.judge}`]).toBeDefined();
  });

  for (const { set, judge, data } of cases) {
    it(`${set} ${judge}`, () => {
      const up = statistics[`${set}/${judge}`]!;
      const s = upstreamSwapStatistics(llmbarSwapRecords(data, judge, set));
      const n = s.n;
      // Exact counts, and upstream's own string formatting of the rates.
      for (const [key, count] of [['correct_False', s.correct_false], ['correct_True', s.correct_true], ['correct_both', s.correct_both], ['equal', s.equal]] as const) {
        const p = parse(up[key]!);
        expect([p.count, p.n]).toEqual([count, n]);
        expect(up[key]).toBe(`${count} / ${n} = ${pyFloat((count / n) * 100)}%`);
      }
      expect(up.correct_average).toBe(`${pyFloat(((s.correct_false + s.correct_true) / (2 * n)) * 100)}%`);
    });
  }

  it('gives the numbers quoted in SOURCE.md (MT-Bench GPT-4 Vanilla_NoRules 81.0% / 87.0%)', () => {
    const s = upstreamSwapStatistics(llmbarSwapRecords(verdicts.sets['Processed/MT-Bench']!, 'GPT-4/Vanilla_NoRules'));
    expect([s.correct_false, s.correct_true, s.equal, s.n]).toEqual([159, 165, 174, 200]);
    expect(s.correct_average).toBeCloseTo(0.81, 12);
    const adv = ['Neighbor', 'GPTInst', 'GPTOut', 'Manual'].map((k) => upstreamSwapStatistics(llmbarSwapRecords(verdicts.sets[`LLMBar/Adversarial/${k}`]!, 'GPT-4/Metrics_Reference')).correct_average);
    expect((adv.reduce((a, b) => a + b, 0) / 4) * 100).toBeCloseTo(82.79, 2);
  });

  it('our swap statistics exclude failures instead of scoring them (PaLM2 on MT-Bench has unparseable verdicts)', () => {
    const recs = llmbarSwapRecords(verdicts.sets['Processed/MT-Bench']!, 'PaLM2/Vanilla_NoRules');
    const up = upstreamSwapStatistics(recs);
    const ours = swapConsistency(recs, { seed: 1, resamples: 0 });
    expect(ours.n_failed).toBeGreaterThan(0);
    expect(ours.n_both_ok + ours.n_failed).toBe(200);
    const bothNull = recs.filter((r) => r.ab === null && r.ba === null).length;
    // upstream's `equal` also counts items where both orders failed; ours counts agreement among both-ok items only
    expect(bothNull).toBeGreaterThan(0);
    expect(ours.positional_agreement.value! * ours.n_both_ok).toBeCloseTo(up.equal - bothNull, 9);
  });
});
