import { z } from 'zod';

/** An option letter: one upper-case Latin letter. */
export const Letter = z.string().regex(/^[A-Z]$/, 'must be a single upper-case letter A–Z');
export type Letter = z.infer<typeof Letter>;

/** Free-form metadata carried through untouched. */
export const Meta = z.record(z.string(), z.unknown());
export type Meta = z.infer<typeof Meta>;

/** A non-negative token count pair. */
export const Tokens = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
});
export type Tokens = z.infer<typeof Tokens>;

/** A point estimate with its interval (used in every JSON result). */
export const Estimate = z.object({
  value: z.number().nullable(),
  ci_low: z.number().nullable(),
  ci_high: z.number().nullable(),
});
export type Estimate = z.infer<typeof Estimate>;

// Estimate is the one interval type of every result; stats/ (which imports nothing of the project)
// returns the same shape as `Interval`. The two must stay assignable both ways.
type _EstimateIsInterval = [Estimate extends import('../stats/bootstrap.ts').Interval ? true : never, import('../stats/bootstrap.ts').Interval extends Estimate ? true : never];
const estimateIsInterval: _EstimateIsInterval = [true, true];
void estimateIsInterval;
