// Request-schema pieces that many modules' routes share. They are defined with the API contracts
// (packages/contracts/src/api/common.ts), shared with the web apps, and re-exported here so server
// code keeps importing them from the platform. Messages are part of the API (problem details list
// them, tests assert them): change one there and every route that uses it changes.
// NUL characters need no check here: the API's edge refuses them in any request (app.ts).

/** Text a person or an outside system wrote: trimmed, not empty, at most `max` characters. */
export { text } from '@qingnang/contracts';

/** An id in a path or body, as this platform or an outside system writes it: 1-64 characters. */
export { id } from '@qingnang/contracts';

/** A number an outside system gives its records (bill, visit, report, order numbers). */
export { externalNo } from '@qingnang/contracts';

/** A day written `YYYY-MM-DD` (its shape only). */
export { isoDate } from '@qingnang/contracts';

/** A day written `YYYY-MM-DD` that is on the calendar (not 2026-02-30). */
export { calendarDate } from '@qingnang/contracts';

/** The `page` / `pageSize` of a list query (defined with the API contracts, shared with the web apps). */
export { paging } from '@qingnang/contracts';
