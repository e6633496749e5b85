import { z } from 'zod';

/**
 * A point in time on the wire: an ISO-8601 string. The server may hold it as a Date (a database
 * timestamp) or already as a string; either is answered as the string, exactly as JSON would write it.
 */
export const Timestamp = z.codec(z.union([z.date(), z.string()]), z.string(), {
  decode: (v) => (v instanceof Date ? v.toISOString() : v),
  encode: (v) => v,
});

/** The answer of a route that answers 204 with no body. */
export const NoContent = z.undefined().describe('No content');

/** A file answered as bytes (a PDF, a spreadsheet): documented as a binary string. */
export const Binary = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array)
  .meta({ type: 'string', format: 'binary' });

/** The `page` / `pageSize` of a list query, spread into its object: `z.object({ ...paging(200), … })`. */
export const paging = (maxPageSize = 100) => ({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(maxPageSize).default(20),
});

/** Text a person or an outside system wrote: trimmed, not empty, at most `max` characters. */
export const text = (max: number) => z.string().trim().min(1).max(max);
