import { z } from 'zod';
import { Letter, Meta } from './common.ts';

/**
 * One benchmark question. MCQ items carry `options` (letter → text) and `answer` (the letter);
 * open-ended items carry `reference`. `pair_id` links the MCQ and open-ended forms of one question.
 */
export const Item = z
  .object({
    id: z.string().min(1),
    format: z.enum(['mcq', 'open']),
    question: z.string(),
    options: z.record(Letter, z.string()).optional(),
    answer: Letter.optional(),
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
      if (item.answer === undefined) {
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
