import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/judgekit.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'judgekit-winrate-cli-'));
const csv = join(dir, 'prefs.csv');
// Two raters, two dimensions, three models; rater j disagrees with h on one verdict and fails once.
writeFileSync(
  csv,
  [
    'item_id,rater,model_a,model_b,winner,dimension,status',
    ...['1', '2', '3', '4'].flatMap((i) => [
      `${i},h,x,y,A,acc,ok`,
      `${i},h,y,z,A,acc,ok`,
      `${i},h,x,z,${i === '4' ? 'tie' : 'A'},acc,ok`,
      `${i},h,x,y,${i === '1' ? 'B' : 'A'},clarity,ok`,
      `${i},j,y,x,B,acc,ok`,
      `${i},j,y,z,${i === '2' ? 'B' : 'A'},acc,ok`,
      `${i},j,x,z,${i === '3' ? '' : 'A'},acc,${i === '3' ? 'parse_error' : 'ok'}`,
      `${i},j,x,y,A,clarity,ok`,
    ]),
  ].join('\n') + '\n',
);

describe('judgekit winrate (CLI)', () => {
  it('prints the documented JSON shape, per dimension and with --compare, and writes --out', () => {
    const out = join(dir, 'out');
    const text = execFileSync('node', [bin, 'winrate', csv, '--compare', 'h', 'j', '--bootstrap', '50', '--seed', '3', '--json', '--out', out], { encoding: 'utf8' });
    const r = JSON.parse(text);
    expect(r.raters.h.models.x).toMatchObject({ wins: 10, losses: 1, ties: 1, n: 12 });
    expect(r.raters.h.models.x.win_ratio.value).toBeCloseTo(10.5 / 12, 12);
    for (const k of ['value', 'ci_low', 'ci_high']) expect(r.raters.h.models.x.win_ratio).toHaveProperty(k);
    expect(r.raters.h.models.x.bt_score.value).toEqual(expect.any(Number));
    expect(r.dimensions.acc.raters.j.models.z).toMatchObject({ wins: 1, losses: 6, ties: 0 });
    expect(r.dimensions.clarity.raters.h.models.x).toMatchObject({ wins: 3, losses: 1 });
    expect(r.failures).toEqual({ total: 1, by_status: { parse_error: 1 }, by_rater: { j: 1 } });
    for (const key of ['spearman', 'kendall_tau_b', 'max_abs_win_ratio_diff', 'pair_agreement_with_ties', 'pair_agreement_without_ties']) {
      expect(r.compare[key]).toHaveProperty('value');
      expect(r.dimensions.acc.compare[key]).toHaveProperty('value');
    }
    // clarity: h says x on items 2-4 and y on item 1; j says x on all four.
    expect(r.dimensions.clarity.compare.pair_agreement_with_ties.value).toBe(0.75);
    expect(JSON.parse(readFileSync(join(out, 'winrate.json'), 'utf8'))).toEqual(r);
    expect(readFileSync(join(out, 'winrate.md'), 'utf8')).toContain('### `h` versus `j`');
  });

  it('reports bad input as one line naming file, line and field, with exit code 2', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'item_id,rater,model_a,model_b,winner\n1,h,x,y,A\n1,h,x,z,maybe\n');
    const r = spawnSync('node', [bin, 'winrate', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`judgekit: ${bad}:3: field "winner": winner must be A, B or tie, not "maybe"`);
    const r2 = spawnSync('node', [bin, 'winrate', csv, '--ties', 'third'], { encoding: 'utf8' });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('--ties takes half, drop');
  });

  it('plans a study size', () => {
    const r = JSON.parse(execFileSync('node', [bin, 'winrate-plan', '--win-ratio', '0.6', '--json'], { encoding: 'utf8' }));
    expect(r.items).toBe(197); // statsmodels NormalIndPower: 196.22 (test/stats/power.test.ts)
  });
});
