import { z } from 'zod';
import { Estimate } from '../common.ts';

export { Estimate };

/** The bounds of a percentile interval alone (e.g. of a rank), without a point value. */
export const Bounds = Estimate.pick({ ci_low: true, ci_high: true });
export type Bounds = z.infer<typeof Bounds>;

export const Level = z.enum(['nominal', 'ordinal', 'interval', 'ratio']);
export type Level = z.infer<typeof Level>;

/** The bootstrap behind every interval of a result: items resampled with replacement, seeded. */
export const BootstrapInfo = z.object({ resamples: z.number().int().nonnegative(), seed: z.number().int(), level: z.number(), unit: z.literal('item') });

export const Counts = z.record(z.string(), z.number().int().nonnegative());
