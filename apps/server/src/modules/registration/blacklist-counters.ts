// Registration: counters read by the blacklist rules.

import { and, eq, gte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { registrations } from './schema.js';

export async function countNoShows(ctx: AppContext, patientId: string, since: Date): Promise<number> {
  const [r] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(registrations)
    .where(
      and(
        eq(registrations.patientId, patientId),
        eq(registrations.state, 'no_show'),
        gte(registrations.noShowAt, since),
      ),
    );
  return Number(r.n);
}

/** Cancellations the patient chose (online or through a channel); clinic stops and staff cancels do not count. */
export async function countCancellations(ctx: AppContext, patientId: string, since: Date): Promise<number> {
  const [r] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(registrations)
    .where(
      and(
        eq(registrations.patientId, patientId),
        eq(registrations.state, 'cancelled'),
        gte(registrations.cancelledAt, since),
        or(eq(registrations.cancelledBy, 'patient'), sql`${registrations.cancelledBy} LIKE 'channel:%'`),
      ),
    );
  return Number(r.n);
}
