/** Response schemas of the system module's routes (derived from what the handlers return). */
import { z } from 'zod';

export const ReadyListResponse = z.object({
  status: z.string(),
  database: z.enum(['pglite', 'postgres']),
  jobs: z.boolean(),
});
export type ReadyListResponse = z.infer<typeof ReadyListResponse>;

export const MetricsListResponse = z.string();
export type MetricsListResponse = z.infer<typeof MetricsListResponse>;
