/**
 * CircularEval charts (issue 6): each model's share of answers per option letter (position bias)
 * and its accuracies over rotations, from the result of `judgekit consistency circular`.
 */
import { z } from 'zod';
import { heatmap, top, W, type HeatCell, type Spec } from './chart-blocks.ts';
import type { ChartSpec } from './charts.ts';

/**
 * The part of a CircularEval result (src/mcq/circular.ts `CircularResult`) the charts read. That
 * result is still a hand-written interface with no schema in schema/results/ (no stage writes it);
 * until it has one, this is what a `circular` result is validated against.
 */
export const CircularChartInput = z.object({
  models: z.record(
    z.string(),
    z.object({
      letter_prior: z.record(z.string(), z.number()),
      mean_accuracy: z.number().nullable(),
      circular_accuracy: z.number().nullable(),
      vote_accuracy: z.number().nullable(),
    }),
  ),
});

/** CircularEval (issue 6): models.<m>.{letter_prior, per_rotation, circular_accuracy, mean_accuracy}. */
export function circularCharts(stage: string, result: z.infer<typeof CircularChartInput>, notes: string[]): ChartSpec[] {
  const models = Object.entries(result.models);
  if (models.length === 0) return [];
  const charts: ChartSpec[] = [];
  const cells: HeatCell[] = [];
  const letters = new Set<string>();
  for (const [name, m] of models) {
    for (const [letter, p] of Object.entries(m.letter_prior)) {
      letters.add(letter);
      cells.push({ x: letter, y: name, value: p, text: `${(p * 100).toFixed(1)}` });
    }
  }
  if (cells.length > 0) {
    const xOrder = [...letters].sort();
    charts.push({
      id: `${stage}-circular-prior`,
      title: 'CircularEval: share of answers per option letter (position bias)',
      caption: `Share (%) of each model's valid answers that name each letter over all rotations; with ${xOrder.length} options an unbiased model sits near ${(100 / xOrder.length).toFixed(1)}% everywhere.`,
      spec: heatmap(cells, { xOrder, yOrder: models.map(([m]) => m), colorTitle: 'share', format: '.0%', domain: [0, Math.max(2 / xOrder.length, ...cells.map((c) => c.value))], scheme: 'oranges' }),
    });
  }
  const acc: Spec[] = [];
  for (const [name, m] of models) {
    for (const [key, label] of [['mean_accuracy', 'mean over rotations'], ['circular_accuracy', 'right under every rotation'], ['vote_accuracy', 'majority vote']] as const) {
      const v = m[key];
      if (v !== null) acc.push({ label: name, measure: label, value: v });
    }
  }
  if (acc.length > 0) {
    const measures = ['mean over rotations', 'right under every rotation', 'majority vote'].filter((m) => acc.some((a) => a.measure === m));
    charts.push({
      id: `${stage}-circular-accuracy`,
      title: 'CircularEval accuracy',
      caption: 'Accuracy over all rotated answers, the share of items right under every rotation (CircularEval), and the majority vote over rotations.',
      spec: top(
        {
          width: W - 100,
          height: { step: 9 * measures.length + 8 },
          mark: { type: 'bar', height: { band: 0.9 }, cornerRadiusEnd: 2 },
          encoding: {
            y: { field: 'label', type: 'nominal', title: null },
            yOffset: { field: 'measure', type: 'nominal', sort: measures },
            x: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1], nice: false }, axis: { format: '.0%' } },
            color: { field: 'measure', type: 'nominal', sort: measures, title: null },
          },
        },
        acc,
      ),
    });
  } else notes.push('CircularEval accuracy left out: no accuracies in the circular block.');
  return charts;
}
