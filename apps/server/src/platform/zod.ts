// Request-schema pieces that many modules' routes share. Messages are part of the API (problem
// details list them, tests assert them): change one here and every route that uses it changes.
// NUL characters need no check here: the API's edge refuses them in any request (app.ts).
import { dayjs } from './clock.js';
import { z } from 'zod';

/** Text a person or an outside system wrote: trimmed, not empty, at most `max` characters. */
export { text } from '@qingnang/contracts';

/** An id in a path or body, as this platform or an outside system writes it: 1-64 characters. */
export const id = z.string().min(1).max(64);

/** A number an outside system gives its records (bill, visit, report, order numbers). */
export const externalNo = z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits and _ . : -');

/** A day written `YYYY-MM-DD` (its shape only). */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** A day written `YYYY-MM-DD` that is on the calendar (not 2026-02-30). */
export const calendarDate = isoDate.refine(
  (v) => dayjs(v).isValid() && dayjs(v).format('YYYY-MM-DD') === v,
  'not a calendar date',
);

/** The `page` / `pageSize` of a list query (defined with the API contracts, shared with the web apps). */
export { paging } from '@qingnang/contracts';
