import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { HospitalClock } from './clock.js';

export const newId = (): string => randomUUID();

/**
 * A platform-unique business number (payment order, refund, insurance settlement, e-invoice serial,
 * exam booking): prefix + the hospital's date (yyyyMMdd) + 10 digits drawn from the database sequence
 * `business_number_seq`, e.g. P202611230000001234. The sequence is shared by every server process on
 * the database, so numbers never collide across processes; they sort by day, then in issue order.
 * Drawn inside the caller's transaction or not: a rolled-back draw leaves a gap, never a repeat.
 */
export async function nextBusinessNumber(db: DbOrTx, clock: HospitalClock, prefix: string): Promise<string> {
  const r = await db.execute(sql`SELECT nextval('business_number_seq')::text AS n`);
  return formatBusinessNumber(prefix, clock.today(), String(r.rows[0]!.n));
}

/**
 * The same number as an SQL expression, for an INSERT that needs it only in the row it writes: it
 * saves the round trip of drawing it first (payment orders sit on the booking path).
 */
export function businessNumberSql(clock: HospitalClock, prefix: string): SQL {
  const head = `${prefix}${clock.today().replace(/-/g, '')}`;
  return sql`(SELECT ${head} || lpad(n::text, greatest(10, length(n::text)), '0') FROM (SELECT nextval('business_number_seq') AS n) AS drawn)`;
}

/** prefix + yyyyMMdd + the running number, zero-padded to 10 digits (32 chars at most: WeChat Pay's limit). */
export function formatBusinessNumber(prefix: string, hospitalDate: string, running: string | number): string {
  return `${prefix}${hospitalDate.replace(/-/g, '')}${String(running).padStart(10, '0')}`;
}
