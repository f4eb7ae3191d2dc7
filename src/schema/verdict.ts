import { z } from 'zod';

/**
 * One rule that reads a verdict token from a judge's text: a regular expression whose first
 * capture group (or, without a group, the whole match) is the token, and how to choose among
 * several matches. These are the selection rules of the projects whose judge prompts judgekit
 * ships: FastChat takes the `first` `[[n]]`; Arena-Hard requires the matches to name exactly one
 * distinct verdict (`unique`); FastChat's pairwise judge looks for `[[A]]`, then `[[B]]`, then
 * `[[C]]` (`precedence`).
 */
export const VerdictRule = z
  .object({
    pattern: z.string().min(1),
    select: z.enum(['first', 'last', 'unique', 'precedence']).default('first'),
    /** For `precedence`: the tokens in the order they win. */
    precedence: z.array(z.string()).optional(),
    /** Regular-expression flags (i, m, s, u); `g` is always added. */
    flags: z.string().regex(/^[imsu]*$/, 'flags may hold only i, m, s and u').default(''),
  })
  .strict()
  .superRefine((r, ctx) => {
    try {
      new RegExp(r.pattern, r.flags);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a valid regular expression (${(err as Error).message})` });
    }
    if (r.select === 'precedence' && !r.precedence?.length) ctx.addIssue({ code: 'custom', path: ['precedence'], message: 'select: precedence needs the list of tokens in order' });
  });
export type VerdictRule = z.infer<typeof VerdictRule>;

/**
 * How a rubric's verdict is read. `json` (the default): one JSON object, the whole message or its
 * end. `pattern`: rules tried in order until one matches; `rules` apply to a one-criterion rubric,
 * `criteria` gives the rules per criterion. `numbers: decimal` accepts non-integer scores (MT-Bench
 * ratings such as 8.5 are read by FastChat as they are).
 */
export const VerdictSpec = z.discriminatedUnion('format', [
  z.object({ format: z.literal('json') }).strict(),
  z
    .object({
      format: z.literal('pattern'),
      rules: z.array(VerdictRule).min(1).optional(),
      criteria: z.record(z.string(), z.array(VerdictRule).min(1)).optional(),
      numbers: z.enum(['integer', 'decimal']).default('integer'),
    })
    .strict()
    .refine((v) => (v.rules === undefined) !== (v.criteria === undefined), { message: 'give either rules (one criterion) or criteria (rules per criterion)' }),
]);
export type VerdictSpec = z.infer<typeof VerdictSpec>;

/** What a pairwise verdict token means, in the order the answers were shown (A first). */
export const PairwiseMeaning = z
  .object({
    winner: z.enum(['A', 'B', 'tie']),
    /** Arena-Hard's `A>>B` is a strong win; kept in the record next to the winner. */
    strength: z.enum(['strong', 'weak']).optional(),
  })
  .strict();
export type PairwiseMeaning = z.infer<typeof PairwiseMeaning>;

/**
 * A pairwise judge template (rubrics/pairwise/*.yaml): the prompt, the delimiters that frame each
 * answer (neutralised inside the answers), and the verdict rule with the meaning of each token.
 */
export const PairwiseTemplate = z
  .object({
    id: z.string().min(1),
    version: z.string().min(1),
    source: z.string().min(1),
    license: z.string().min(1),
    /** System message; may use the same slots as `user`. */
    system: z.string().optional(),
    /** The user message: slots {{question}}, {{reference}}, {{answer_a}}, {{answer_b}}. */
    user: z.string().min(1),
    /** Shown in {{reference}} when the item has a reference answer ({{reference_answer}} inside). */
    reference_block: z.string().default(''),
    /** Text that frames an answer in the prompt; any look-alike inside an answer is neutralised. */
    delimiters: z.array(z.string().min(3)).default([]),
    verdict: z
      .object({
        rules: z.array(VerdictRule).min(1),
        meaning: z.record(z.string(), PairwiseMeaning),
      })
      .strict(),
    notes: z.array(z.string()).default([]),
  })
  .strict();
export type PairwiseTemplate = z.infer<typeof PairwiseTemplate>;
