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

/** An id in a path or body, as this platform or an outside system writes it: 1-64 characters. */
export const id = z.string().min(1).max(64);

/** A number an outside system gives its records (bill, visit, report, order numbers). */
export const externalNo = z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits and _ . : -');

/** A day written `YYYY-MM-DD` (its shape only). */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/**
 * Whether a `YYYY-MM-DD` string names a day on the calendar (not 2026-02-30). Years before 0100
 * are refused, as the server's date library (which reads them as 19xx) always did.
 */
export const isCalendarDate = (v: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
};

/** A day written `YYYY-MM-DD` that is on the calendar (not 2026-02-30). */
export const calendarDate = isoDate.refine(isCalendarDate, 'not a calendar date');
