import { z } from 'zod';
import { Letter, Meta } from './common.ts';

/**
 * One benchmark question. MCQ items carry `options` (letter → text) and `answer` (the letter), or,
 * when several options are correct (GAOKAO-style multi-select), `answers` (two or more letters) and
 * `scoring`: `exact` (default: the letters read must be exactly `answers`) or `subset` (a non-empty
 * set of correct letters with no wrong one also counts as correct, the partial-credit convention).
 * Open-ended items carry `reference`. `pair_id` links the MCQ and open-ended forms of one question.
 */
export const Item = z
  .object({
    id: z.string().min(1),
    format: z.enum(['mcq', 'open']),
    question: z.string(),
    options: z.record(Letter, z.string()).optional(),
    answer: Letter.optional(),
    answers: z.array(Letter).min(2).optional(),
    scoring: z.enum(['exact', 'subset']).optional(),
    reference: z.string().optional(),
    task: z.string().optional(),
    organ_system: z.string().optional(),
    modality: z.string().optional(),
    image: z.string().optional(),
    visual_description: z.string().optional(),
    pair_id: z.string().optional(),
    meta: Meta.optional(),
  })
  .superRefine((item, ctx) => {
    if (item.format === 'mcq') {
      const letters = Object.keys(item.options ?? {});
      if (letters.length < 2) {
        ctx.addIssue({ code: 'custom', path: ['options'], message: 'an MCQ item needs at least two options' });
      }
      if (item.answers !== undefined) {
        if (item.answer !== undefined) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'give either answer (one letter) or answers (several), not both' });
        if (new Set(item.answers).size !== item.answers.length) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'answers repeat a letter' });
        const outside = item.answers.filter((a) => letters.length > 0 && !letters.includes(a));
        if (outside.length > 0) ctx.addIssue({ code: 'custom', path: ['answers'], message: `answers ${outside.join(', ')} not among the options (${letters.join(', ')})` });
      } else if (item.scoring !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['scoring'], message: 'scoring applies only to items with several answers' });
      } else if (item.answer === undefined) {
        ctx.addIssue({ code: 'custom', path: ['answer'], message: 'an MCQ item needs an answer letter' });
      } else if (letters.length > 0 && !letters.includes(item.answer)) {
        ctx.addIssue({
          code: 'custom',
          path: ['answer'],
          message: `answer "${item.answer}" is not among the options (${letters.join(', ')})`,
        });
      }
    } else if (item.reference === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reference'], message: 'an open-ended item needs a reference answer' });
    }
  });
export type Item = z.infer<typeof Item>;
