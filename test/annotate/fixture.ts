import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Model names that must never reach a rater: long and unusual, so a leak is unmistakable. */
export const MODELS = ['zeta-secret-model-alpha', 'omega-hidden-model-beta'];

/**
 * A pairwise plan over `n` open items × the two MODELS (answers name their unit, not their model),
 * with two raters who both label every unit (per_unit 2), two dimensions.
 */
export function pairwisePlan(dir: string, n = 6, extra: Record<string, unknown> = {}): string {
  const items: string[] = [];
  const resp: string[] = [];
  for (let i = 0; i < n; i++) {
    items.push(JSON.stringify({ id: `q${i}`, format: 'open', question: `Question ${i}: what is seen <b>here</b>?`, reference: `Reference ${i}` }));
    MODELS.forEach((m, k) => resp.push(JSON.stringify({ item_id: `q${i}`, model: m, output: `Reasoning: look.\nAnswer: answer ${k === 0 ? 'first' : 'second'} of q${i}` })));
  }
  writeFileSync(join(dir, 'items.jsonl'), items.join('\n') + '\n');
  writeFileSync(join(dir, 'responses.jsonl'), resp.join('\n') + '\n');
  const plan = {
    task: 'pairwise',
    items: 'items.jsonl',
    responses: 'responses.jsonl',
    dimensions: ['visual_accuracy', 'ground_truth_correctness'],
    raters: ['r1', 'r2'],
    per_unit: 2,
    seed: 7,
    out: 'labels.csv',
    ...extra,
  };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
  return join(dir, 'plan.json');
}

/** Which model wrote an answer text of the fixture. */
export function modelOf(text: string): string {
  return text.includes('answer first') ? MODELS[0]! : MODELS[1]!;
}
