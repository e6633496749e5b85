// Exams: reschedule (EXAM-06) and cancellation with refund.

import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { dayjs } from '../../platform/clock.js';
import { badRequest, conflict } from '../../platform/errors.js';
import { formatYuan } from '../../platform/money.js';
import { REFUND_IN_FLIGHT, refundRequester, runCompensations } from '../../platform/paid-hold.js';
import type { PaymentOrderView, RefundView } from '../payments/index.js';
import { requestRefund } from '../payments/index.js';
import { examBookings } from './schema.js';
import { CHANGEABLE_STATES, examHold, sourcesOf } from './states.js';
import type { ExamBooking } from './shared.js';
import { assertBookableDate, assertSuitable, bookingWindow, packageRow } from './packages.js';
import { capacityRefusal, freeCapacity, takeCapacity } from './capacity.js';
import { assertNoOtherBookingOn, bookedOnDate, closeOrderQuietly, lockPatient } from './booking.js';
import { syncBooking } from './exam-system.js';
import { bookingDetail, loadBooking, ownBooking } from './queries.js';
import { notifyBooking } from './notices.js';

/** The last hospital day on which a booking for `examDate` may be moved or cancelled online. */
export function changeDeadline(ctx: AppContext, examDate: string): string {
  return dayjs(examDate).subtract(ctx.config.EXAM_CHANGE_DAYS_BEFORE, 'day').format('YYYY-MM-DD');
}

export function withinChangeWindow(ctx: AppContext, examDate: string): boolean {
  return bookingWindow(ctx).today <= changeDeadline(ctx, examDate);
}

const changeWindowClosed = (ctx: AppContext, examDate: string) =>
  conflict(
    'EXAM_CHANGE_WINDOW_CLOSED',
    `体检日期前 ${ctx.config.EXAM_CHANGE_DAYS_BEFORE} 天起不能在线改期或退约，请联系体检中心`,
    `Online changes close ${ctx.config.EXAM_CHANGE_DAYS_BEFORE} day(s) before the exam; please contact the exam centre`,
    { examDate, lastChangeDate: changeDeadline(ctx, examDate) },
  );

/**
 * Moves a booking to another date in one transaction: the new date's place is taken (open, not full,
 * inside the booking window), the booking moves, the old date's place is given back. Any refusal
 * leaves the booking and both dates as they were.
 */
export async function rescheduleBooking(
  ctx: AppContext,
  accountId: string,
  bookingId: string,
  examDate: string,
) {
  const { booking: b, patient } = await ownBooking(ctx, accountId, bookingId);
  if (!CHANGEABLE_STATES.includes(b.state))
    throw conflict(
      'EXAM_BOOKING_NOT_CHANGEABLE',
      '该体检预约当前状态不能改期',
      'This exam booking cannot be moved now',
      { state: b.state },
    );
  if (b.examDate === examDate)
    throw badRequest('EXAM_DATE_UNCHANGED', '新日期与原日期相同', 'The new date is the booked date');
  if (!withinChangeWindow(ctx, b.examDate)) throw changeWindowClosed(ctx, b.examDate);
  assertBookableDate(ctx, examDate);
  const pkg = await packageRow(ctx.db, b.packageId);
  assertSuitable(pkg, patient, examDate);
  const now = ctx.clock.now();
  let moved: ExamBooking;
  try {
    moved = await ctx.db.transaction(async (tx) => {
      await lockPatient(tx, b.patientId);
      await assertNoOtherBookingOn(tx, b.patientId, examDate, b.id);
      if (!(await takeCapacity(tx, b.packageId, examDate, now)))
        throw await capacityRefusal(tx, b.packageId, examDate);
      const [row] = await tx
        .update(examBookings)
        .set({
          examDate,
          rescheduleCount: sql`${examBookings.rescheduleCount} + 1`,
          // the exam system hears of the new date once it knows the booking (paid or later)
          syncVersion: sql`CASE WHEN ${examBookings.paidAt} IS NOT NULL THEN ${examBookings.syncVersion} + 1 ELSE ${examBookings.syncVersion} END`,
          syncAttempts: 0,
          updatedAt: now,
        })
        .where(
          and(
            eq(examBookings.id, b.id),
            inArray(examBookings.state, CHANGEABLE_STATES),
            eq(examBookings.examDate, b.examDate),
          ),
        )
        .returning();
      if (!row)
        throw conflict(
          'EXAM_BOOKING_CHANGED',
          '该体检预约刚刚发生了变化，请刷新后重试',
          'The booking changed meanwhile; reload and try again',
        );
      await freeCapacity(tx, b.packageId, b.examDate, now);
      await notifyBooking(ctx, tx as unknown as Db, row, 'exam.booking-rescheduled', {
        oldDate: b.examDate,
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw bookedOnDate(examDate);
    throw err;
  }
  if (moved.paidAt)
    await syncBooking(ctx, moved.id).catch((err) =>
      ctx.log.warn({ err, bookingId: moved.id }, 'sending a moved exam booking failed; the sweep retries'),
    );
  return bookingDetail(ctx, accountId, await loadBooking(ctx.db, moved.id), patient);
}

/**
 * The patient cancels: an unpaid booking any time, a paid one up to the change deadline (refunded in
 * full to the original channel). Cancelling again returns the cancelled booking.
 */
export async function cancelByPatient(
  ctx: AppContext,
  accountId: string,
  bookingId: string,
  reason?: string,
) {
  const { booking: b, patient } = await ownBooking(ctx, accountId, bookingId);
  if (b.state !== 'cancelled') {
    if (!CHANGEABLE_STATES.includes(b.state))
      throw conflict(
        'EXAM_BOOKING_NOT_CANCELLABLE',
        '该体检预约当前状态不能取消',
        'This exam booking cannot be cancelled now',
        { state: b.state },
      );
    if (b.state !== 'locked' && !withinChangeWindow(ctx, b.examDate))
      throw changeWindowClosed(ctx, b.examDate);
    await cancelBooking(ctx, { bookingId: b.id, by: 'patient', reason: reason?.trim() || '患者取消' });
  }
  return bookingDetail(ctx, accountId, await loadBooking(ctx.db, b.id), patient);
}

/**
 * Cancels a booking: state and place change in one transaction; afterwards an unpaid order is closed,
 * a paid one refunded in full (refund key = booking, so a retry never refunds twice) and the exam
 * system told. `by`: 'patient' | 'staff:<id>' | 'system:<why>'.
 */
export async function cancelBooking(
  ctx: AppContext,
  input: { bookingId: string; by: string; reason: string },
): Promise<ExamBooking> {
  const now = ctx.clock.now();
  const cancelled = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(examBookings)
      .set({
        state: 'cancelled',
        cancelledAt: now,
        cancelledBy: input.by.slice(0, 80),
        cancelReason: input.reason.slice(0, 200),
        lockExpiresAt: null,
        refundState: sql`CASE WHEN ${examBookings.paidAt} IS NOT NULL THEN 'pending' ELSE 'none' END`,
        syncVersion: sql`CASE WHEN ${examBookings.paidAt} IS NOT NULL THEN ${examBookings.syncVersion} + 1 ELSE ${examBookings.syncVersion} END`,
        syncAttempts: 0,
        updatedAt: now,
      })
      .where(and(eq(examBookings.id, input.bookingId), inArray(examBookings.state, sourcesOf('cancelled'))))
      .returning();
    if (!row) return undefined;
    await runCompensations(examHold.compensationsOnEnd(!!row.paidAt).inTransaction, {
      release: () => freeCapacity(tx, row.packageId, row.examDate, now),
    });
    await notifyBooking(ctx, tx as unknown as Db, row, 'exam.booking-cancelled', {
      reason: input.reason,
      refundNote: row.paidAt ? `已付 ¥${formatYuan(row.priceFen)} 将原路退回。` : '',
      refundNoteEn: row.paidAt
        ? `¥${formatYuan(row.priceFen)} will be refunded to the original account.`
        : '',
    });
    return row;
  });
  if (!cancelled) {
    const current = await loadBooking(ctx.db, input.bookingId);
    if (current.state === 'cancelled') return current;
    throw conflict(
      'EXAM_BOOKING_NOT_CANCELLABLE',
      '该体检预约当前状态不能取消',
      'This exam booking cannot be cancelled now',
      { state: current.state },
    );
  }
  // paid: the refund owed ('pending' since the transaction) is requested; unpaid: the order is closed
  await runCompensations(examHold.compensationsOnEnd(!!cancelled.paidAt).afterCommit, {
    refund: () => issueRefund(ctx, cancelled),
    closeOrder: async () => {
      if (cancelled.paymentOrderId)
        await closeOrderQuietly(ctx, cancelled.paymentOrderId, 'exam booking cancelled');
    },
  });
  if (cancelled.paidAt)
    await syncBooking(ctx, cancelled.id).catch((err) =>
      ctx.log.warn({ err, bookingId: cancelled.id }, 'telling the exam system of a cancellation failed'),
    );
  return loadBooking(ctx.db, cancelled.id);
}

async function issueRefund(ctx: AppContext, b: ExamBooking): Promise<void> {
  try {
    const refund = await requestRefund(ctx, {
      orderId: b.paymentOrderId!,
      amountFen: b.priceFen,
      reason: `体检预约取消退费：${b.cancelReason ?? ''}`.slice(0, 200),
      refundKey: examHold.refundKey(b.id),
      requestedBy: refundRequester(b.cancelledBy),
    });
    await ctx.db
      .update(examBookings)
      .set({ refundState: refund.state, refundId: refund.id, updatedAt: ctx.clock.now() })
      .where(and(eq(examBookings.id, b.id), inArray(examBookings.refundState, REFUND_IN_FLIGHT)));
  } catch (err) {
    // left 'pending': the retry job asks again with the same refund key
    ctx.log.error({ err, bookingId: b.id }, 'refund request for a cancelled exam booking failed');
  }
}

/** Refunds that could not be requested at cancellation time are requested again (same key). */
export async function retryPendingRefunds(ctx: AppContext): Promise<void> {
  const due = await ctx.db
    .select()
    .from(examBookings)
    .where(eq(examBookings.refundState, 'pending'))
    .limit(200);
  for (const b of due) await issueRefund(ctx, b);
}

/** A refund of a booking's order reached a final state. */
export async function bookingRefundFinished(
  ctx: AppContext,
  order: PaymentOrderView,
  refund: RefundView,
): Promise<void> {
  if (refund.state !== 'succeeded' && refund.state !== 'failed') return;
  await ctx.db
    .update(examBookings)
    .set({ refundState: refund.state, refundId: refund.id, updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(examBookings.id, order.businessId),
        eq(examBookings.state, 'cancelled'),
        ne(examBookings.refundState, refund.state),
      ),
    );
}
