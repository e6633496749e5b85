import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { registrations, type RegistrationState } from './schema.js';

// What staff home pages (the workbench) show of registrations: a clinic's patients, a day's counts.

/** The registrations on these clinics (schedules) in these states, by segment start and slot number. */
export async function registrationsOfClinics(
  ctx: AppContext,
  scheduleIds: string[],
  states: readonly RegistrationState[],
): Promise<Array<typeof registrations.$inferSelect>> {
  if (scheduleIds.length === 0) return [];
  return ctx.db
    .select()
    .from(registrations)
    .where(and(inArray(registrations.scheduleId, scheduleIds), inArray(registrations.state, [...states])))
    .orderBy(asc(registrations.segmentStartAt), asc(registrations.slotNumber));
}

/** One clinic day's registrations for hospital-wide staff: bookings by state, fees taken and refunds open. */
export async function clinicDayCounts(ctx: AppContext, day: string) {
  const [r] = await ctx.db
    .select({
      booked: sql<number>`count(*) FILTER (WHERE ${registrations.state} IN ('booked', 'checked_in', 'completed', 'no_show'))`,
      checkedIn: sql<number>`count(*) FILTER (WHERE ${registrations.state} IN ('checked_in', 'completed'))`,
      waiting: sql<number>`count(*) FILTER (WHERE ${registrations.state} = 'booked')`,
      locked: sql<number>`count(*) FILTER (WHERE ${registrations.state} = 'locked')`,
      noShow: sql<number>`count(*) FILTER (WHERE ${registrations.state} = 'no_show')`,
      cancelled: sql<number>`count(*) FILTER (WHERE ${registrations.state} = 'cancelled')`,
      feesFen: sql<number>`coalesce(sum(${registrations.feeFen}) FILTER (WHERE ${registrations.paidAt} IS NOT NULL AND NOT ${registrations.paidExternally} AND ${registrations.state} <> 'cancelled'), 0)`,
      refundsOpen: sql<number>`count(*) FILTER (WHERE ${registrations.refundState} IN ('pending', 'requested', 'processing', 'failed'))`,
    })
    .from(registrations)
    .where(eq(registrations.clinicDate, day));
  const n = (v: unknown) => Number(v ?? 0);
  return {
    booked: n(r.booked),
    checkedIn: n(r.checkedIn),
    waiting: n(r.waiting),
    locked: n(r.locked),
    noShow: n(r.noShow),
    cancelled: n(r.cancelled),
    feesFen: n(r.feesFen),
    refundsOpen: n(r.refundsOpen),
  };
}
