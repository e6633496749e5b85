// Exams: booking (EXAM-04) and payment (EXAM-05) on the paid-hold workflow.

import { and, asc, eq, gte, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { DomainError, conflict } from '../../platform/errors.js';
import { businessNumberSql, newId } from '../../platform/ids.js';
import { runCompensations, scheduleHoldExpiry } from '../../platform/paid-hold.js';
import { getPatientForAccount, getPatientForRecords } from '../identity/index.js';
import type { PaymentOrderView } from '../payments/index.js';
import { closePaymentOrder, createPaymentOrder } from '../payments/index.js';
import { examBookings } from './schema.js';
import { ACTIVE_STATES, examHold, sourcesOf } from './states.js';
import { BUSINESS_TYPE, type ExamBooking } from './shared.js';
import { activePackage, assertBookableDate, assertSuitable } from './packages.js';
import { capacityRefusal, freeCapacity, takeCapacity } from './capacity.js';
import { assertAuthorised } from './authorisation.js';
import { syncBooking } from './exam-system.js';
import { bookingDetail, loadBooking } from './queries.js';
import { notifyBooking } from './notices.js';

export interface BookInput {
  patientId: string;
  packageId: string;
  examDate: string;
  idempotencyKey: string;
}

/**
 * Books a package on a date for one of the account's patients: a place is taken atomically and held
 * until the payment deadline, with a payment order of the same expiry. The same idempotency key
 * returns the first booking.
 */
export async function bookExam(ctx: AppContext, accountId: string, input: BookInput) {
  const again = await byIdempotencyKey(ctx.db, accountId, input);
  if (again) return bookingDetail(ctx, accountId, await ensurePaymentOrder(ctx, again));
  // REG-09: the account's own patient without a confirmed identity is told why, not "not found"
  if (!(await getPatientForAccount(ctx, accountId, input.patientId)).verified)
    throw new DomainError(
      'PATIENT_NOT_VERIFIED',
      403,
      '就诊人未完成实名认证，不能预约体检。请携身份证件到医院窗口核验身份',
      'The patient must be real-name verified to book; bring the ID document to a hospital counter',
    );
  const patient = await getPatientForRecords(ctx, accountId, input.patientId);
  await assertAuthorised(ctx, patient.id);
  const pkg = await activePackage(ctx.db, input.packageId);
  assertBookableDate(ctx, input.examDate);
  assertSuitable(pkg, patient, input.examDate);

  const now = ctx.clock.now();
  const lockExpiresAt = new Date(now.getTime() + ctx.config.EXAM_PAYMENT_MINUTES * 60_000);
  let booking: ExamBooking;
  try {
    booking = await ctx.db.transaction(async (tx) => {
      // one booking change per patient at a time, so the one-per-day check below cannot be raced
      await lockPatient(tx, patient.id);
      // a double submit that waited for the lock finds the first request's booking
      const raced = await byIdempotencyKey(tx as unknown as Db, accountId, input);
      if (raced) return raced;
      await assertNoOtherBookingOn(tx as unknown as Db, patient.id, input.examDate);
      if (!(await takeCapacity(tx, pkg.id, input.examDate, now)))
        throw await capacityRefusal(tx, pkg.id, input.examDate);
      const [row] = await tx
        .insert(examBookings)
        .values({
          id: newId(),
          bookingNo: businessNumberSql(ctx.clock, 'TJ'),
          accountId,
          patientId: patient.id,
          idempotencyKey: input.idempotencyKey,
          packageId: pkg.id,
          packageCode: pkg.code,
          packageName: pkg.name,
          priceFen: pkg.priceFen,
          examDate: input.examDate,
          state: 'locked',
          lockExpiresAt,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const raced = await byIdempotencyKey(ctx.db, accountId, input);
      if (raced) return bookingDetail(ctx, accountId, await ensurePaymentOrder(ctx, raced));
      throw bookedOnDate(input.examDate);
    }
    throw err;
  }
  // the durable timer; the minute sweep releases the place as well if this job is lost
  await scheduleHoldExpiry(ctx, examHold, booking.id, lockExpiresAt);
  return bookingDetail(ctx, accountId, await ensurePaymentOrder(ctx, booking), patient);
}

export async function lockPatient(tx: Tx, patientId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${'exam-booking:' + patientId}, 0))`);
}

export const bookedOnDate = (examDate: string, bookingId?: string) =>
  conflict(
    'EXAM_BOOKING_EXISTS_ON_DATE',
    '该就诊人当天已有体检预约',
    'This patient already has an exam booked on that date',
    { examDate, bookingId: bookingId ?? null },
  );

export async function assertNoOtherBookingOn(
  tx: Db,
  patientId: string,
  examDate: string,
  exceptId?: string,
): Promise<void> {
  const [other] = await tx
    .select({ id: examBookings.id })
    .from(examBookings)
    .where(
      and(
        eq(examBookings.patientId, patientId),
        eq(examBookings.examDate, examDate),
        inArray(examBookings.state, ACTIVE_STATES),
        exceptId ? ne(examBookings.id, exceptId) : undefined,
      ),
    );
  if (other) throw bookedOnDate(examDate, other.id);
}

async function byIdempotencyKey(db: Db, accountId: string, input: BookInput) {
  const [row] = await db
    .select()
    .from(examBookings)
    .where(and(eq(examBookings.accountId, accountId), eq(examBookings.idempotencyKey, input.idempotencyKey)));
  if (!row) return undefined;
  if (row.patientId !== input.patientId || row.packageId !== input.packageId)
    throw conflict(
      'IDEMPOTENCY_KEY_REUSED',
      '该请求编号已用于另一次体检预约',
      'This idempotency key was used for a different exam booking',
    );
  return row;
}

/**
 * The payment order of a locked booking (expiry = the lock's deadline). If it cannot be created, the
 * compensation gives the place back at once instead of holding it for the whole lock.
 */
async function ensurePaymentOrder(ctx: AppContext, b: ExamBooking): Promise<ExamBooking> {
  if (b.paymentOrderId || b.state !== 'locked') return b;
  try {
    const order = await createPaymentOrder(ctx, {
      businessType: BUSINESS_TYPE,
      businessId: b.id,
      accountId: b.accountId,
      patientId: b.patientId,
      amountFen: b.priceFen,
      subject: `体检 ${b.packageName} ${b.examDate}`,
      expiresAt: b.lockExpiresAt!,
      idempotencyKey: `exam-booking:${b.id}`,
    });
    const [row] = await ctx.db
      .update(examBookings)
      .set({ paymentOrderId: order.id, updatedAt: ctx.clock.now() })
      .where(and(eq(examBookings.id, b.id), isNull(examBookings.paymentOrderId)))
      .returning();
    return row ?? (await loadBooking(ctx.db, b.id));
  } catch (err) {
    // the order step failed: undo the hold (the place goes back, the booking expires)
    await runCompensations(examHold.compensationsOnFailure('openPayment'), {
      release: async () => void (await endLock(ctx, b.id, { force: true })),
    });
    throw err;
  }
}

/**
 * The payment platform's business step: a paid order turns its locked booking into a paid one while
 * the lock is live, then the booking goes to the exam system. Otherwise it throws, and the platform
 * refunds the order in full and lists it as abnormal.
 */
export async function bookingPaid(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const now = ctx.clock.now();
  const paidAt = order.paidAt ?? now;
  const paid = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(examBookings)
      .set({
        state: 'paid',
        paidAt,
        paymentOrderId: order.id,
        lockExpiresAt: null,
        syncVersion: sql`${examBookings.syncVersion} + 1`,
        syncAttempts: 0,
        updatedAt: now,
      })
      .where(
        and(
          eq(examBookings.id, order.businessId),
          inArray(examBookings.state, sourcesOf('paid')),
          gte(examBookings.lockExpiresAt, paidAt),
          or(isNull(examBookings.paymentOrderId), eq(examBookings.paymentOrderId, order.id)),
        ),
      )
      .returning();
    if (row) await notifyBooking(ctx, tx as unknown as Db, row, 'exam.booking-paid');
    return row;
  });
  if (!paid) {
    const current = await loadBooking(ctx.db, order.businessId).catch(() => undefined);
    if (current && current.paymentOrderId === order.id && current.paidAt) return; // a repeated delivery
    throw new DomainError(
      'EXAM_BOOKING_LOCK_EXPIRED',
      409,
      '体检预约已超时或已取消，款项将原路退回',
      'The exam booking had expired or was cancelled; the payment will be refunded',
      { bookingId: order.businessId, state: current?.state ?? null },
    );
  }
  await syncBooking(ctx, paid.id).catch((err) =>
    ctx.log.warn({ err, bookingId: paid.id }, 'sending a paid exam booking failed; the sweep retries'),
  );
}

/** Expires one lock whose deadline has passed (the delayed job and the sweep both land here). */
export async function expireLock(ctx: AppContext, bookingId: string): Promise<boolean> {
  return endLock(ctx, bookingId);
}

/** Every lock past its deadline: locks are rows, so a restarted server (or another one) finds them. */
export async function releaseExpiredLocks(ctx: AppContext): Promise<{ released: number }> {
  const due = await ctx.db
    .select({ id: examBookings.id })
    .from(examBookings)
    .where(and(eq(examBookings.state, 'locked'), lte(examBookings.lockExpiresAt, ctx.clock.now())))
    .orderBy(asc(examBookings.lockExpiresAt))
    .limit(1000);
  let released = 0;
  for (const { id } of due) if (await endLock(ctx, id)) released++;
  return { released };
}

/** Payments closed the order on its own (expiry): the lock ends with it. */
export async function bookingOrderClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  await endLock(ctx, order.businessId, { force: true });
}

/** Ends an unpaid hold: the booking expires, its place goes back, then its order is closed. */
async function endLock(ctx: AppContext, bookingId: string, opts: { force?: boolean } = {}) {
  const now = ctx.clock.now();
  const undo = examHold.compensationsOnEnd(false);
  const ended = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(examBookings)
      .set({ state: 'expired', expiredAt: now, lockExpiresAt: null, updatedAt: now })
      .where(
        and(
          eq(examBookings.id, bookingId),
          inArray(examBookings.state, sourcesOf('expired')),
          opts.force ? undefined : lte(examBookings.lockExpiresAt, now),
        ),
      )
      .returning();
    if (row)
      await runCompensations(undo.inTransaction, {
        release: () => freeCapacity(tx, row.packageId, row.examDate, now),
      });
    return row;
  });
  if (!ended) return false;
  await runCompensations(undo.afterCommit, {
    closeOrder: async () => {
      if (ended.paymentOrderId)
        await closeOrderQuietly(ctx, ended.paymentOrderId, 'exam booking lock expired');
    },
  });
  return true;
}

export async function closeOrderQuietly(ctx: AppContext, orderId: string, reason: string): Promise<void> {
  try {
    await closePaymentOrder(ctx, orderId, reason);
  } catch (err) {
    // Paid in the meantime: onPaid refuses the booking that is no longer locked, so the payment
    // platform refunds it automatically.
    ctx.log.warn({ err, orderId }, 'closing the payment order of a released exam booking failed');
  }
}
