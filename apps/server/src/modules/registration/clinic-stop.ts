// Registration: refund retries and clinic stops (停诊, SCH-07, REG-16) — the end of the cancellation and refund part.

import { and, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { DomainError } from '../../platform/errors.js';
import { getSchedule, lockScheduleForStop, markStopped, openSchedulesBetween } from '../scheduling/index.js';
import { registrations } from './schema.js';
import { LIVE_STATES } from './states.js';
import type { Registration } from './shared.js';
import { cancelInTx, issueRefund, settleCancelledPayment } from './cancellation.js';
import { labelsFor, notifyRegistration } from './notices.js';

/** Refunds that could not be requested at cancellation time are requested again (same key). */
export async function retryPendingRefunds(ctx: AppContext): Promise<void> {
  const due = await ctx.db
    .select()
    .from(registrations)
    .where(eq(registrations.refundState, 'pending'))
    .limit(200);
  for (const reg of due) await issueRefund(ctx, reg, reg.cancelledBy ?? 'system');
}

/**
 * 停诊 (SCH-07, REG-16): the schedule, or one segment of it, is withdrawn from every channel, and
 * every live registration inside it is cancelled in the same transaction; afterwards the paid ones
 * are refunded in full and exactly those patients are told.
 */
export async function stopClinic(
  ctx: AppContext,
  input: { scheduleId: string; segmentId?: string; reason: string; by: string },
): Promise<{ cancelled: number; refunded: number }> {
  const now = ctx.clock.now();
  const labels = await labelsFor(ctx, [await getSchedule(ctx, input.scheduleId)]);
  const affected = await ctx.db.transaction(async (tx) => {
    const s = await lockScheduleForStop(tx, { scheduleId: input.scheduleId, segmentId: input.segmentId });
    await markStopped(tx, { scheduleId: s.id, segmentId: input.segmentId, reason: input.reason, now });
    const live = await tx
      .select({ id: registrations.id })
      .from(registrations)
      .where(
        and(
          eq(registrations.scheduleId, s.id),
          input.segmentId ? eq(registrations.segmentId, input.segmentId) : undefined,
          inArray(registrations.state, LIVE_STATES),
        ),
      );
    const out: Registration[] = [];
    for (const { id } of live) {
      const row = await cancelInTx(ctx, tx, id, input.by, `停诊：${input.reason}`, now);
      if (!row) continue;
      out.push(row);
      if (row.accountId)
        await notifyRegistration(
          ctx,
          tx,
          row,
          'registration.clinic-stopped',
          {
            reason: input.reason,
            refundZh: row.refundState === 'pending' ? '挂号费将全额原路退回。' : '',
            refundEn: row.refundState === 'pending' ? 'The fee will be refunded in full.' : '',
          },
          labels,
        );
    }
    return out;
  });
  for (const reg of affected) await settleCancelledPayment(ctx, reg, 'system');
  return { cancelled: affected.length, refunded: affected.filter((r) => r.refundState === 'pending').length };
}

/**
 * 假期停诊 (SCH-06): every open schedule in the date range, optionally of one department; with a
 * doctor and a single date it is that doctor's stop for the whole day (SCH-07).
 */
export async function stopClinicsForHoliday(
  ctx: AppContext,
  input: { from: string; to: string; departmentId?: string; doctorId?: string; reason: string; by: string },
): Promise<{ schedules: number; cancelled: number; refunded: number }> {
  const list = await openSchedulesBetween(ctx, input.from, input.to, {
    departmentId: input.departmentId,
    doctorId: input.doctorId,
  });
  let cancelled = 0;
  let refunded = 0;
  for (const s of list) {
    const r = await stopClinic(ctx, { scheduleId: s.id, reason: input.reason, by: input.by }).catch((err) => {
      if (err instanceof DomainError && err.code === 'ALREADY_STOPPED') return { cancelled: 0, refunded: 0 };
      throw err;
    });
    cancelled += r.cancelled;
    refunded += r.refunded;
  }
  return { schedules: list.length, cancelled, refunded };
}
