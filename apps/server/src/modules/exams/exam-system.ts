// Exams: the exam system — outbound (durable sync) and inbound (signed status pushes).

import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { conflict } from '../../platform/errors.js';
import { ExamSystemError, type ExamBookingSnapshot } from '../../integrations/exam-system/index.js';
import { getPatientById, type PatientRecord } from '../identity/index.js';
import { examBookings, type BookingState } from './schema.js';
import { sourcesOf } from './states.js';
import { bookingNotFound, type ExamBooking, MAX_SYNC_ATTEMPTS } from './shared.js';
import { cancelBooking } from './changes.js';
import { loadBooking } from './queries.js';

/**
 * Sends a booking as it is now to the exam system, if it has changed since the last acknowledged
 * version. A first acknowledgement confirms a paid booking. A paid booking the exam system refuses
 * for good, or does not take after MAX_SYNC_ATTEMPTS tries, is cancelled and refunded.
 */
export async function syncBooking(ctx: AppContext, bookingId: string): Promise<boolean> {
  const [b] = await ctx.db.select().from(examBookings).where(eq(examBookings.id, bookingId));
  if (!b || b.syncedVersion >= b.syncVersion) return true;
  const now = ctx.clock.now();
  try {
    const person = await getPatientById(ctx, b.patientId);
    const { examOrderNo } = await ctx.adapters.examSystem.syncBooking(snapshotOf(b, person));
    await ctx.db
      .update(examBookings)
      .set({
        syncedVersion: b.syncVersion,
        syncError: null,
        examOrderNo: sql`coalesce(${examBookings.examOrderNo}, ${examOrderNo})`,
        state: sql`CASE WHEN ${examBookings.state} = 'paid' THEN 'confirmed' ELSE ${examBookings.state} END`,
        confirmedAt: sql`CASE WHEN ${examBookings.state} = 'paid' THEN ${now}::timestamptz ELSE ${examBookings.confirmedAt} END`,
        updatedAt: now,
      })
      .where(and(eq(examBookings.id, b.id), sql`${examBookings.syncedVersion} < ${b.syncVersion}`));
    return true;
  } catch (err) {
    const retryable = !(err instanceof ExamSystemError) || err.retryable;
    if (b.state === 'cancelled' && !retryable) {
      // an exam system that refuses a cancellation does not hold the booking: nothing left to cancel
      await ctx.db
        .update(examBookings)
        .set({ syncedVersion: b.syncVersion, syncError: null, updatedAt: now })
        .where(and(eq(examBookings.id, b.id), sql`${examBookings.syncedVersion} < ${b.syncVersion}`));
      return true;
    }
    const [row] = await ctx.db
      .update(examBookings)
      .set({
        syncAttempts: sql`${examBookings.syncAttempts} + 1`,
        syncError: (err instanceof Error ? err.message : String(err)).slice(0, 300),
        updatedAt: now,
      })
      .where(and(eq(examBookings.id, b.id), eq(examBookings.syncVersion, b.syncVersion)))
      .returning();
    ctx.log.warn({ err, bookingId: b.id, retryable }, 'exam system did not take the booking');
    if (
      row &&
      row.state === 'paid' &&
      !row.examOrderNo &&
      (!retryable || row.syncAttempts >= MAX_SYNC_ATTEMPTS)
    )
      await cancelBooking(ctx, {
        bookingId: row.id,
        by: 'system:exam-system',
        reason: '体检系统未能接收预约，自动退款',
      });
    return false;
  }
}

function snapshotOf(b: ExamBooking, p: PatientRecord): ExamBookingSnapshot {
  return {
    bookingNo: b.bookingNo,
    version: b.syncVersion,
    status: b.state === 'cancelled' ? 'cancelled' : 'booked',
    packageCode: b.packageCode,
    packageName: b.packageName,
    examDate: b.examDate,
    amountFen: b.priceFen,
    paidAt: b.paidAt,
    person: {
      name: p.name,
      gender: p.gender,
      birthDate: p.birthDate,
      idType: p.idType,
      idNumber: p.idNumber,
      phone: p.phone,
    },
  };
}

/** The sweep: every booking whose latest version the exam system has not acknowledged. */
export async function syncPendingBookings(ctx: AppContext): Promise<{ synced: number }> {
  const due = await ctx.db
    .select({ id: examBookings.id })
    .from(examBookings)
    .where(
      and(
        sql`${examBookings.syncVersion} > ${examBookings.syncedVersion}`,
        sql`${examBookings.syncAttempts} < ${MAX_SYNC_ATTEMPTS}`,
      ),
    )
    .orderBy(asc(examBookings.updatedAt))
    .limit(200);
  let synced = 0;
  for (const { id } of due) if (await syncBooking(ctx, id)) synced++;
  return { synced };
}

export interface StatusPush {
  status: 'checked_in' | 'completed';
  at: string;
  reportNo?: string;
}

/**
 * The exam system reports a check-in or a completion (with the report number once the summary report
 * exists). Idempotent: the same push again answers the same; a report number, once set, stays.
 */
export async function pushBookingStatus(ctx: AppContext, bookingNo: string, input: StatusPush) {
  const [b] = await ctx.db.select().from(examBookings).where(eq(examBookings.bookingNo, bookingNo));
  if (!b) throw bookingNotFound();
  if (input.reportNo && b.reportNo && b.reportNo !== input.reportNo)
    throw conflict(
      'EXAM_REPORT_NO_MISMATCH',
      '该预约已关联其他体检报告号',
      'This booking is already linked to another report number',
      { reportNo: b.reportNo },
    );
  const at = new Date(input.at);
  const now = ctx.clock.now();
  const to: BookingState = input.status;
  const [moved] = await ctx.db
    .update(examBookings)
    .set(
      to === 'checked_in'
        ? { state: 'checked_in', checkedInAt: at, updatedAt: now }
        : {
            state: 'completed',
            completedAt: at,
            checkedInAt: sql`coalesce(${examBookings.checkedInAt}, ${at}::timestamptz)`,
            reportNo: input.reportNo ?? null,
            updatedAt: now,
          },
    )
    .where(and(eq(examBookings.id, b.id), inArray(examBookings.state, sourcesOf(to))))
    .returning();
  let current = moved;
  if (!current) {
    const already = b.state === to || (to === 'checked_in' && b.state === 'completed');
    if (!already)
      throw conflict(
        'EXAM_BOOKING_NOT_ACTIVE',
        '该体检预约已取消或已失效',
        'This exam booking is not active',
        { state: b.state },
      );
    current = b;
    if (to === 'completed' && input.reportNo && !b.reportNo) {
      [current] = await ctx.db
        .update(examBookings)
        .set({ reportNo: input.reportNo, updatedAt: now })
        .where(and(eq(examBookings.id, b.id), isNull(examBookings.reportNo)))
        .returning();
      current ??= await loadBooking(ctx.db, b.id);
    }
  }
  return { bookingNo: current.bookingNo, state: current.state, reportNo: current.reportNo };
}
