/** What PostgreSQL said when it refused a statement (SQLSTATE code, and the constraint when there is one). */
export interface PgError {
  code: string;
  constraint?: string;
  message?: string;
}

/**
 * The PostgreSQL refusal behind an error: both drivers raise it with a SQLSTATE `code`, and drizzle
 * wraps it in `cause` (sometimes twice), so the chain is walked.
 */
export function pgErrorOf(e: unknown): PgError | undefined {
  let cur = e as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    // SQLSTATE classes used here start with two digits; `EPIPE`-like socket codes do not
    if (typeof cur.code === 'string' && /^\d{2}[0-9A-Z]{3}$/.test(cur.code)) return cur as PgError;
    cur = cur.cause as typeof cur;
  }
  return undefined;
}

/**
 * A unique index refused the write (23505): the loser of a race on a natural key. With `constraint`,
 * only that index counts (matched on the driver's constraint field or, failing that, its message).
 */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(e);
  if (pg?.code !== '23505') return false;
  return !constraint || `${pg.constraint ?? ''} ${pg.message ?? ''}`.includes(constraint);
}

/** A foreign key refused the write or delete (23503): the row is still referenced, or its parent is gone. */
export function isForeignKeyViolation(e: unknown): boolean {
  return pgErrorOf(e)?.code === '23503';
}
