import { z } from 'zod';
import { Meta } from './common.ts';

/** One model's raw answer to one item. */
export const Response = z.object({
  item_id: z.string().min(1),
  model: z.string().min(1),
  output: z.string(),
  meta: Meta.optional(),
});
export type Response = z.infer<typeof Response>;
