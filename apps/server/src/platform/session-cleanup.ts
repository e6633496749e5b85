import { sql } from 'drizzle-orm';
import type { AppContext } from './context.js';

export const PURGE_SESSIONS_JOB = 'auth.purge-expired-sessions';

/** Revoked or expired sessions are kept this long for investigation, then removed. */
const KEEP_ENDED_SESSIONS_DAYS = 7;

/**
 * Removes expired refresh tokens and long-ended sessions. Runs every 10 minutes as a durable cron
 * job; security never depends on it (expiry is checked on every use), it keeps the tables small.
 */
export async function purgeExpiredSessions(ctx: AppContext): Promise<{ tokens: number; sessions: number }> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - KEEP_ENDED_SESSIONS_DAYS * 86400_000);
  return ctx.db.transaction(async (tx) => {
    const ended = sql`(expires_at < ${cutoff} OR (revoked_at IS NOT NULL AND revoked_at < ${cutoff}))`;
    const tokens = await tx.execute(sql`
      DELETE FROM refresh_tokens
      WHERE expires_at < ${now} OR session_id IN (SELECT id FROM sessions WHERE ${ended})
      RETURNING token_hash`);
    const gone = await tx.execute(sql`DELETE FROM sessions WHERE ${ended} RETURNING id`);
    return { tokens: tokens.rows.length, sessions: gone.rows.length };
  });
}
