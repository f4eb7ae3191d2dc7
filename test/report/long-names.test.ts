/**
 * Long names on chart axes keep both ends (issue 14, "long names are never cut mid-word in a way
 * that hides which model or set they are"), and confusion matrices show the labels the result holds.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { barsWithCi } from '../../src/report/chart-blocks.ts';
import { charsFor, fitName } from '../../src/report/fit-name.ts';
import { renderSvg } from '../../src/report/render-svg.ts';
import { chartsForStage } from '../../src/report/index.ts';

/** The axis label texts of an SVG, each with the <title> (full name) that wraps it, if any. */
function axisLabels(svg: string): { text: string; title: string | null }[] {
  const out: { text: string; title: string | null }[] = [];
  // Each Vega mark group starts with `<g class="mark-…`; the wrapper that carries a <title> has no class.
  for (const chunk of svg.split('<g class="mark-').filter((c) => c.startsWith('text role-axis-label'))) {
    for (const m of chunk.matchAll(/(?:<g><title>([^<]*)<\/title>)?<text\b[^>]*>([^<]*)<\/text>/g)) out.push({ text: m[2]!, title: m[1] ?? null });
  }
  return out;
}

describe('fitName', () => {
  it('leaves names that fit alone', () => {
    expect(fitName('gpt-4o', 10)).toBe('gpt-4o');
    expect(fitName('abcdefghij', 10)).toBe('abcdefghij');
  });
  it('keeps a path\'s last segment whole and as much of its head as fits', () => {
    // 36 characters into 27: the tail "/Swap_CoT" (9) and "…" leave 17 for the head.
    expect(fitName('Adversarial/GPTInst/Natural/Swap_CoT', 27)).toBe('Adversarial/GPTIn…/Swap_CoT');
    expect(fitName('Adversarial/GPTOut/Natural/Swap_CoT', 27)).toBe('Adversarial/GPTOu…/Swap_CoT');
    expect(fitName('Adversarial/GPTInst/Natural/Swap_CoT', 27)).toHaveLength(27);
  });
  it('cuts the middle of a name without slashes, keeping both ends', () => {
    const s = 'a-very-long-model-name-that-ends-in-70B';
    const f = fitName(s, 15);
    expect(f).toBe('a-very-…-in-70B');
    expect(f.length).toBe(15);
  });
  it('cuts the middle when the last segment alone is too long', () => {
    expect(fitName('org/' + 'x'.repeat(30) + 'END', 12)).toBe('org/xx…xxEND') // 11 kept: the first 6 and the last 5;
  });
  it('fits the width Vega estimates without a canvas (0.8 × 11 px per character)', () => {
    expect(charsFor(220)).toBe(25);
    expect(charsFor(240)).toBe(27);
  });
});

describe('long names in a rendered chart', () => {
  it('keeps the distinguishing end of every label longer than the limit, and its full name as a <title>', async () => {
    const names = ['Adversarial/GPTInst/Natural/Swap_CoT', 'Adversarial/GPTInst/Natural/Swap_Metrics', 'Adversarial/GPTOut/Natural/Swap_CoT', 'Natural'];
    const svg = await renderSvg(barsWithCi(names.map((label, i) => ({ label, value: 0.4 + i / 10, lo: 0.3 + i / 10, hi: 0.5 + i / 10, text: String(i) })), { xTitle: 'accuracy', format: '.0%' }));
    const labels = axisLabels(svg).filter((l) => !/%$/.test(l.text) && l.text !== 'accuracy');
    expect(labels.map((l) => l.title ?? l.text)).toEqual(names);
    for (const l of labels) {
      const full = l.title ?? l.text;
      const last = full.slice(full.lastIndexOf('/') + 1);
      expect(l.text.endsWith(last), `${l.text} keeps "${last}"`).toBe(true);
      expect(l.text.length).toBeLessThanOrEqual(charsFor(240));
      if (full.length > charsFor(240)) {
        expect(l.title).toBe(full);
        expect(l.text).toContain('…');
      } else expect(l.title).toBeNull();
    }
    // Sets that differ only in a middle segment, or only at the end, are still told apart.
    expect(new Set(labels.map((l) => l.text)).size).toBe(names.length);
    // Vega added no cut of its own (its trailing ellipsis would hide the end again).
    expect(labels.every((l) => !l.text.endsWith('…'))).toBe(true);
  });
});

describe('confusion matrix labels', () => {
  const RUN = 'test/fixtures/report/run/agreement.json';
  it('shows the label names the result holds, in its order', async () => {
    const agr = JSON.parse(await readFile(RUN, 'utf8'));
    const chart = chartsForStage('agreement', 'agreement', agr).charts.find((c) => c.id === 'agreement-confusion')!;
    expect(chart.caption).not.toContain('numeric codes');
    const svg = await renderSvg(chart.spec);
    const texts = axisLabels(svg).map((l) => l.text);
    for (const name of agr.judge_validation.vs_consensus.confusion.labels) expect(texts).toContain(name);
  });
  it('keeps numeric codes as codes and says so, inventing no names', async () => {
    const agr = JSON.parse(await readFile(RUN, 'utf8'));
    delete agr.dimensions;
    agr.categories = [0, 1, 2];
    agr.judge_validation.vs_consensus.confusion.labels = [0, 1, 2];
    const chart = chartsForStage('agreement', 'agreement', agr).charts.find((c) => c.id === 'agreement-confusion')!;
    expect(chart.caption).toContain('numeric codes as the data gives them');
    const texts = axisLabels(await renderSvg(chart.spec)).map((l) => l.text);
    // Each code once on the judge axis and once on the human axis, in code order.
    expect(texts.filter((t) => /^\d$/.test(t))).toEqual(['0', '1', '2', '0', '1', '2']);
  });
});
