// Registration: no-shows and visit reminders (REG-19, MSG).

import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { dayjs, hospitalDay } from '../../platform/clock.js';
import { evaluateBlacklistRules } from '../blacklist/index.js';
import { registrations } from './schema.js';
import { sourcesOf } from './states.js';
import { cancelRegistration } from './cancellation.js';
import { labelsFor, notifyRegistration } from './notices.js';

/**
 * After each session ends, booked registrations never checked in become no-shows; each patient is
 * warned and the blacklist rules are evaluated for them. Only a booking the patient could have
 * checked in is a no-show: one booked after its segment's check-in had closed (a payment confirmed
 * late) is cancelled by the system and refunded in full instead, without a mark.
 */
export async function markNoShows(ctx: AppContext): Promise<{ marked: number; cancelled: number }> {
  const now = ctx.clock.now();
  const ended = and(inArray(registrations.state, sourcesOf('no_show')), lte(registrations.sessionEndAt, now));
  const reachable = sql`(${registrations.bookedAt} IS NULL OR ${registrations.bookedAt} <= ${registrations.segmentStartAt} + make_interval(mins => ${ctx.config.CHECKIN_CLOSES_MINUTES_AFTER}::int))`;
  const unreachable = await ctx.db
    .select({ id: registrations.id })
    .from(registrations)
    .where(and(ended, sql`NOT ${reachable}`));
  let cancelled = 0;
  for (const { id } of unreachable) {
    const r = await cancelRegistration(ctx, {
      registrationId: id,
      by: 'system:checkin_unreachable',
      reason: '预约确认时已过取号时间，系统自动退号',
    }).catch((err) => {
      ctx.log.error({ err, registrationId: id }, 'cancelling an unreachable booking failed');
      return undefined;
    });
    if (r?.state === 'cancelled') cancelled++;
  }
  const due = await ctx.db
    .select({ doctorId: registrations.doctorId, departmentId: registrations.departmentId })
    .from(registrations)
    .where(and(ended, reachable));
  if (due.length === 0) return { marked: 0, cancelled };
  const labels = await labelsFor(ctx, due);
  const marked = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(registrations)
      .set({ state: 'no_show', noShowAt: now, updatedAt: now })
      .where(and(ended, reachable))
      .returning();
    for (const row of rows)
      if (row.accountId) await notifyRegistration(ctx, tx, row, 'registration.no-show', {}, labels);
    return rows;
  });
  const patients = [...new Set(marked.map((r) => r.patientId).filter((p): p is string => !!p))];
  for (const p of patients)
    await evaluateBlacklistRules(ctx, p).catch((err) =>
      ctx.log.error({ err }, 'blacklist evaluation failed'),
    );
  return { marked: marked.length, cancelled };
}

/** 就诊提醒: each booked registration of tomorrow is reminded once (the job runs at the configured time). */
export async function sendVisitReminders(ctx: AppContext): Promise<{ reminded: number }> {
  const now = ctx.clock.now();
  const tomorrow = dayjs(hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE)).add(1, 'day').format('YYYY-MM-DD');
  const due = await ctx.db
    .select({ doctorId: registrations.doctorId, departmentId: registrations.departmentId })
    .from(registrations)
    .where(
      and(
        eq(registrations.clinicDate, tomorrow),
        eq(registrations.state, 'booked'),
        isNull(registrations.remindedAt),
      ),
    );
  if (due.length === 0) return { reminded: 0 };
  const labels = await labelsFor(ctx, due);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(registrations)
      .set({ remindedAt: now })
      .where(
        and(
          eq(registrations.clinicDate, tomorrow),
          eq(registrations.state, 'booked'),
          isNull(registrations.remindedAt),
        ),
      )
      .returning();
    for (const row of rows)
      if (row.accountId) await notifyRegistration(ctx, tx, row, 'registration.visit-reminder', {}, labels);
    return { reminded: rows.length };
  });
}
