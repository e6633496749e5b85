import { and, asc, count, desc, eq, gte, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { audit } from '../../platform/audit.js';
import { dayjs } from '../../platform/clock.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { businessNumberSql, newId } from '../../platform/ids.js';
import { formatYuan } from '../../platform/money.js';
import {
  REFUND_IN_FLIGHT,
  refundRequester,
  runCompensations,
  scheduleHoldExpiry,
} from '../../platform/paid-hold.js';
import { maskName } from '../../platform/pii.js';
import { ExamSystemError, type ExamBookingSnapshot } from '../../integrations/exam-system/index.js';
import {
  getPatientById,
  getPatientForAccount,
  getPatientForRecords,
  type PatientRecord,
} from '../identity/index.js';
import { notify, registerTemplates } from '../notifications/index.js';
import type { PaymentOrderView, RefundView } from '../payments/index.js';
import { closePaymentOrder, createPaymentOrder, getPaymentOrder, requestRefund } from '../payments/index.js';
import { getReportForAccount, listReports, reportDetail } from '../reports/index.js';
import {
  examAuthorisations,
  examBookings,
  examCapacity,
  examPackageItems,
  examPackages,
  type BookingState,
  type PackageGender,
  type PackageState,
} from './schema.js';
import { ACTIVE_STATES, CHANGEABLE_STATES, examHold, sourcesOf } from './states.js';

export type ExamPackage = typeof examPackages.$inferSelect;
export type ExamPackageItem = typeof examPackageItems.$inferSelect;
export type ExamBooking = typeof examBookings.$inferSelect;

export const BUSINESS_TYPE = 'exam';
// the paid-hold workflow's sweep jobs (platform/paid-hold.ts)
export const EXPIRE_LOCK_JOB = examHold.jobs.expireLock;
export const RELEASE_EXPIRED_LOCKS_JOB = examHold.jobs.releaseExpiredLocks;
export const SYNC_JOB = 'exams.sync-bookings';
export const RETRY_REFUNDS_JOB = examHold.jobs.retryRefunds;
/** The wording of the data-exchange consent the patient accepts (EXAM-01); bump when it changes. */
export const CONSENT_VERSION = '2026-11';
/** A paid booking the exam system has not accepted after this many tries is cancelled and refunded. */
export const MAX_SYNC_ATTEMPTS = 10;

export const packageNotFound = () =>
  new DomainError('EXAM_PACKAGE_NOT_FOUND', 404, '体检套餐不存在', 'Exam package not found');
export const bookingNotFound = () =>
  new DomainError('EXAM_BOOKING_NOT_FOUND', 404, '体检预约不存在', 'Exam booking not found');

export function registerExamTemplates(): void {
  registerTemplates({
    'exam.booking-paid': {
      category: 'exam',
      title: { zh: '体检预约成功', en: 'Physical exam booked' },
      body: {
        zh: '{patientName}已预约 {examDate} 的“{packageName}”（预约号 {bookingNo}，¥{amountYuan}）。请于体检当日空腹到体检中心。',
        en: '{patientName} is booked for "{packageName}" on {examDate} (booking {bookingNo}, ¥{amountYuan}). Please come fasting on the day.',
      },
      channels: ['sms'],
      link: '/exams/bookings/{bookingId}',
    },
    'exam.booking-rescheduled': {
      category: 'exam',
      title: { zh: '体检日期已更改', en: 'Physical exam date changed' },
      body: {
        zh: '{patientName}的“{packageName}”已由 {oldDate} 改到 {examDate}（预约号 {bookingNo}）。',
        en: '"{packageName}" for {patientName} moved from {oldDate} to {examDate} (booking {bookingNo}).',
      },
      channels: ['sms'],
      link: '/exams/bookings/{bookingId}',
    },
    'exam.booking-cancelled': {
      category: 'exam',
      title: { zh: '体检预约已取消', en: 'Physical exam cancelled' },
      body: {
        zh: '{patientName}在 {examDate} 的“{packageName}”已取消（{reason}）。{refundNote}',
        en: '"{packageName}" on {examDate} for {patientName} is cancelled ({reason}). {refundNoteEn}',
      },
      channels: ['sms'],
      link: '/exams/bookings/{bookingId}',
    },
  });
}

// =============================================================================================
// Packages (EXAM-03), public
// =============================================================================================

export interface PackageItemInput {
  name: string;
  category: string;
  meaning?: string | null;
  notes?: string | null;
}

export interface PackageInput {
  code: string;
  name: string;
  description?: string;
  priceFen: number;
  gender?: PackageGender;
  minAge?: number | null;
  maxAge?: number | null;
  notes?: string | null;
  state?: PackageState;
  sort?: number;
  items: PackageItemInput[];
}

function packageView(p: ExamPackage, items: ExamPackageItem[]) {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    description: p.description,
    priceFen: p.priceFen,
    gender: p.gender,
    minAge: p.minAge,
    maxAge: p.maxAge,
    notes: p.notes,
    state: p.state,
    itemCount: items.length,
    categories: [...new Set(items.map((i) => i.category))],
    items: items.map((i) => ({ name: i.name, category: i.category, meaning: i.meaning, notes: i.notes })),
  };
}

async function itemsOf(db: Db, packageIds: string[]): Promise<Map<string, ExamPackageItem[]>> {
  const out = new Map<string, ExamPackageItem[]>(packageIds.map((id) => [id, []]));
  if (packageIds.length === 0) return out;
  const rows = await db
    .select()
    .from(examPackageItems)
    .where(inArray(examPackageItems.packageId, packageIds))
    .orderBy(asc(examPackageItems.packageId), asc(examPackageItems.seq));
  for (const r of rows) out.get(r.packageId)!.push(r);
  return out;
}

/** Active packages, optionally only those that suit a gender and an age. */
export async function listPackages(ctx: AppContext, filter: { gender?: 'male' | 'female'; age?: number }) {
  const conds: SQL[] = [eq(examPackages.state, 'active')];
  if (filter.gender) conds.push(inArray(examPackages.gender, ['any', filter.gender]));
  if (filter.age !== undefined)
    conds.push(
      sql`(${examPackages.minAge} IS NULL OR ${examPackages.minAge} <= ${filter.age})`,
      sql`(${examPackages.maxAge} IS NULL OR ${examPackages.maxAge} >= ${filter.age})`,
    );
  const rows = await ctx.db
    .select()
    .from(examPackages)
    .where(and(...conds))
    .orderBy(asc(examPackages.sort), asc(examPackages.priceFen), asc(examPackages.code));
  const items = await itemsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => packageView(r, items.get(r.id)!)) };
}

async function packageRow(db: Db, id: string): Promise<ExamPackage> {
  const [p] = await db.select().from(examPackages).where(eq(examPackages.id, id));
  if (!p) throw packageNotFound();
  return p;
}

async function activePackage(db: Db, id: string): Promise<ExamPackage> {
  const p = await packageRow(db, id);
  if (p.state !== 'active') throw packageNotFound();
  return p;
}

export async function getPackage(ctx: AppContext, id: string) {
  const p = await activePackage(ctx.db, id);
  return packageView(p, (await itemsOf(ctx.db, [p.id])).get(p.id)!);
}

/** The first and last date a booking may be made for today (hospital days). */
export function bookingWindow(ctx: AppContext): { earliest: string; latest: string; today: string } {
  const today = ctx.clock.today();
  return {
    today,
    earliest: dayjs(today).add(ctx.config.EXAM_BOOKING_MIN_DAYS_AHEAD, 'day').format('YYYY-MM-DD'),
    latest: dayjs(today).add(ctx.config.EXAM_BOOKING_MAX_DAYS_AHEAD, 'day').format('YYYY-MM-DD'),
  };
}

/** The dates of a package open in the booking window, with what is left on each. */
export async function packageDates(ctx: AppContext, id: string) {
  const p = await activePackage(ctx.db, id);
  const w = bookingWindow(ctx);
  const rows = await ctx.db
    .select()
    .from(examCapacity)
    .where(
      and(
        eq(examCapacity.packageId, p.id),
        gte(examCapacity.examDate, w.earliest),
        lte(examCapacity.examDate, w.latest),
      ),
    )
    .orderBy(asc(examCapacity.examDate));
  return {
    packageId: p.id,
    earliest: w.earliest,
    latest: w.latest,
    items: rows.map((r) => ({
      date: r.examDate,
      capacity: r.capacity,
      remaining: r.closed ? 0 : r.capacity - r.taken,
      closed: r.closed,
      bookable: !r.closed && r.taken < r.capacity,
    })),
  };
}

/** Why a package does not suit a person on a date (gender, age on the exam day), or null. */
export function unsuitability(
  p: Pick<ExamPackage, 'gender' | 'minAge' | 'maxAge'>,
  person: Pick<PatientRecord, 'gender' | 'birthDate'>,
  examDate: string,
): { reason: 'gender' | 'age'; age: number } | null {
  const age = dayjs(examDate).diff(dayjs(person.birthDate), 'year');
  if (p.gender !== 'any' && p.gender !== person.gender) return { reason: 'gender', age };
  if ((p.minAge !== null && age < p.minAge) || (p.maxAge !== null && age > p.maxAge))
    return { reason: 'age', age };
  return null;
}

function assertSuitable(p: ExamPackage, person: PatientRecord, examDate: string): void {
  const u = unsuitability(p, person, examDate);
  if (!u) return;
  throw conflict(
    'EXAM_PACKAGE_NOT_SUITABLE',
    u.reason === 'gender' ? '该套餐不适用于此就诊人的性别' : '该套餐不适用于此就诊人的年龄',
    u.reason === 'gender'
      ? "This package does not suit the patient's gender"
      : "This package does not suit the patient's age",
    { reason: u.reason, gender: p.gender, minAge: p.minAge, maxAge: p.maxAge, age: u.age },
  );
}

function assertBookableDate(ctx: AppContext, examDate: string): void {
  const w = bookingWindow(ctx);
  if (examDate < w.earliest || examDate > w.latest)
    throw conflict(
      'EXAM_DATE_OUT_OF_RANGE',
      `只能预约 ${w.earliest} 至 ${w.latest} 之间的体检日期`,
      `Exam dates from ${w.earliest} to ${w.latest} can be booked`,
      { earliest: w.earliest, latest: w.latest },
    );
}

// =============================================================================================
// Capacity: one conditional statement takes or gives back a place
// =============================================================================================

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/**
 * Takes one place of a package on a date. The WHERE clause is the whole rule (open, not full): two
 * parallel takers of the last place queue on the row, and the second re-reads `taken` and fails.
 */
async function takeCapacity(tx: Tx, packageId: string, examDate: string, now: Date): Promise<boolean> {
  const r = await tx.execute(sql`
    UPDATE exam_capacity SET taken = taken + 1, updated_at = ${now}
     WHERE package_id = ${packageId} AND exam_date = ${examDate} AND NOT closed AND taken < capacity
    RETURNING taken`);
  return rowsOf(r).length === 1;
}

/** Gives a place back (a booking that held it expired, was cancelled or moved). */
async function freeCapacity(tx: Tx, packageId: string, examDate: string, now: Date): Promise<void> {
  await tx.execute(sql`
    UPDATE exam_capacity SET taken = taken - 1, updated_at = ${now}
     WHERE package_id = ${packageId} AND exam_date = ${examDate} AND taken > 0`);
}

/** The refusal that explains why no place could be taken. */
async function capacityRefusal(tx: Tx, packageId: string, examDate: string): Promise<DomainError> {
  const r = rowsOf(
    await tx.execute(
      sql`SELECT closed, capacity, taken FROM exam_capacity WHERE package_id = ${packageId} AND exam_date = ${examDate}`,
    ),
  )[0];
  if (!r)
    return conflict('EXAM_DATE_NOT_OPEN', '该日期未开放体检预约', 'This date is not open for booking', {
      examDate,
    });
  if (r.closed)
    return conflict('EXAM_DATE_CLOSED', '该日期已停止体检预约', 'Booking is closed for this date', {
      examDate,
    });
  return conflict('EXAM_DATE_FULL', '该日期体检名额已约满，请选择其他日期', 'This date is fully booked', {
    examDate,
  });
}

// =============================================================================================
// Authorisation of data exchange with the exam system (EXAM-01) and the exam system's records (EXAM-02)
// =============================================================================================

export async function getAuthorisation(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const [a] = await ctx.db.select().from(examAuthorisations).where(eq(examAuthorisations.patientId, p.id));
  return authorisationView(p.id, a);
}

function authorisationView(patientId: string, a?: typeof examAuthorisations.$inferSelect) {
  const authorised = !!a && !a.revokedAt;
  return {
    patientId,
    authorised,
    grantedAt: authorised ? a.grantedAt.toISOString() : null,
    consentVersion: authorised ? a.consentVersion : null,
    currentConsentVersion: CONSENT_VERSION,
  };
}

/** The account grants (or withdraws) the exchange of one of its patients' data with the exam system. */
export async function setAuthorisation(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  accountId: string,
  input: { patientId: string; authorised: boolean },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  const now = ctx.clock.now();
  if (input.authorised) {
    await ctx.db
      .insert(examAuthorisations)
      .values({ patientId: p.id, accountId, consentVersion: CONSENT_VERSION, grantedAt: now })
      .onConflictDoUpdate({
        target: examAuthorisations.patientId,
        set: { accountId, consentVersion: CONSENT_VERSION, grantedAt: now, revokedAt: null },
      });
  } else {
    await ctx.db
      .update(examAuthorisations)
      .set({ revokedAt: now })
      .where(and(eq(examAuthorisations.patientId, p.id), isNull(examAuthorisations.revokedAt)));
  }
  await audit(ctx, req, {
    action: input.authorised ? 'exam.authorisation.grant' : 'exam.authorisation.revoke',
    objectType: 'patient',
    objectId: p.id,
    detail: { consentVersion: CONSENT_VERSION },
  });
  return getAuthorisation(ctx, accountId, p.id);
}

async function assertAuthorised(ctx: AppContext, patientId: string): Promise<void> {
  const [a] = await ctx.db
    .select()
    .from(examAuthorisations)
    .where(and(eq(examAuthorisations.patientId, patientId), isNull(examAuthorisations.revokedAt)));
  if (!a)
    throw new DomainError(
      'EXAM_AUTHORISATION_REQUIRED',
      403,
      '请先授权与体检系统交换您的信息',
      'Authorise the exchange of this patient’s data with the exam system first',
    );
}

const examSystemUnavailable = () =>
  new DomainError(
    'EXAM_SYSTEM_UNAVAILABLE',
    502,
    '体检系统暂时无法访问，请稍后再试',
    'The exam system cannot be reached now; try again later',
  );

/** EXAM-02: what the exam system holds about one of my patients (only after the authorisation). */
export async function examRecords(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  await assertAuthorised(ctx, p.id);
  try {
    const items = await ctx.adapters.examSystem.listRecords({ idNumber: p.idNumber, name: p.name });
    return { patientId: p.id, items };
  } catch (err) {
    ctx.log.warn({ err, patientId: p.id }, 'exam system records look-up failed');
    throw examSystemUnavailable();
  }
}

// =============================================================================================
// Booking (EXAM-04) and payment (EXAM-05)
// =============================================================================================

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

async function lockPatient(tx: Tx, patientId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${'exam-booking:' + patientId}, 0))`);
}

const bookedOnDate = (examDate: string, bookingId?: string) =>
  conflict(
    'EXAM_BOOKING_EXISTS_ON_DATE',
    '该就诊人当天已有体检预约',
    'This patient already has an exam booked on that date',
    { examDate, bookingId: bookingId ?? null },
  );

async function assertNoOtherBookingOn(
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

async function closeOrderQuietly(ctx: AppContext, orderId: string, reason: string): Promise<void> {
  try {
    await closePaymentOrder(ctx, orderId, reason);
  } catch (err) {
    // Paid in the meantime: onPaid refuses the booking that is no longer locked, so the payment
    // platform refunds it automatically.
    ctx.log.warn({ err, orderId }, 'closing the payment order of a released exam booking failed');
  }
}

// =============================================================================================
// Reschedule (EXAM-06) and cancellation with refund
// =============================================================================================

/** The last hospital day on which a booking for `examDate` may be moved or cancelled online. */
export function changeDeadline(ctx: AppContext, examDate: string): string {
  return dayjs(examDate).subtract(ctx.config.EXAM_CHANGE_DAYS_BEFORE, 'day').format('YYYY-MM-DD');
}

function withinChangeWindow(ctx: AppContext, examDate: string): boolean {
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

// =============================================================================================
// The exam system: outbound (durable sync) and inbound (signed pushes)
// =============================================================================================

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

// =============================================================================================
// Reading
// =============================================================================================

export async function loadBooking(db: Db, id: string): Promise<ExamBooking> {
  const [row] = await db.select().from(examBookings).where(eq(examBookings.id, id));
  if (!row) throw bookingNotFound();
  return row;
}

/** The account's own booking of a patient it may still see; anything else is the same 404. */
async function ownBooking(ctx: AppContext, accountId: string, id: string) {
  const [booking] = await ctx.db
    .select()
    .from(examBookings)
    .where(and(eq(examBookings.id, id), eq(examBookings.accountId, accountId)));
  if (!booking) throw bookingNotFound();
  const patient = await getPatientForRecords(ctx, accountId, booking.patientId).catch(() => {
    throw bookingNotFound();
  });
  return { booking, patient };
}

function bookingSummary(ctx: AppContext, b: ExamBooking, patientName: string) {
  const changeable =
    CHANGEABLE_STATES.includes(b.state) && (b.state === 'locked' || withinChangeWindow(ctx, b.examDate));
  return {
    id: b.id,
    bookingNo: b.bookingNo,
    patientId: b.patientId,
    patientName,
    package: { id: b.packageId, code: b.packageCode, name: b.packageName },
    priceFen: b.priceFen,
    examDate: b.examDate,
    state: b.state,
    lockExpiresAt: b.lockExpiresAt?.toISOString() ?? null,
    paidAt: b.paidAt?.toISOString() ?? null,
    confirmedAt: b.confirmedAt?.toISOString() ?? null,
    checkedInAt: b.checkedInAt?.toISOString() ?? null,
    completedAt: b.completedAt?.toISOString() ?? null,
    expiredAt: b.expiredAt?.toISOString() ?? null,
    cancelledAt: b.cancelledAt?.toISOString() ?? null,
    cancelReason: b.cancelReason,
    refundState: b.refundState,
    rescheduleCount: b.rescheduleCount,
    examOrderNo: b.examOrderNo,
    examSystemPending: b.syncVersion > b.syncedVersion,
    changeable,
    lastChangeDate: changeDeadline(ctx, b.examDate),
    reportNo: b.reportNo,
    createdAt: b.createdAt.toISOString(),
  };
}

/** The booking with its payment order and, once the exam is done, its report (RPT-08, EXAM-07). */
async function bookingDetail(ctx: AppContext, accountId: string, b: ExamBooking, patient?: PatientRecord) {
  const p = patient ?? (await getPatientForAccount(ctx, accountId, b.patientId));
  const order = b.paymentOrderId ? await getPaymentOrder(ctx, b.paymentOrderId) : undefined;
  return {
    ...bookingSummary(ctx, b, p.name),
    paymentOrder: order
      ? {
          id: order.id,
          orderNo: order.orderNo,
          amountFen: order.amountFen,
          refundedFen: order.refundedFen,
          state: order.state,
          expiresAt: order.expiresAt.toISOString(),
        }
      : null,
    report: await linkedReport(ctx, accountId, b),
  };
}

/**
 * The physical-exam report the exam system named, found among the reports this account may read of
 * the booking's patient, so a wrong number never shows someone else's report.
 */
async function linkedReport(ctx: AppContext, accountId: string, b: ExamBooking) {
  if (!b.reportNo) return null;
  const reports = await listReports(ctx, accountId, b.patientId, 'physical').catch(() => []);
  const r = reports.find((x) => x.reportNo === b.reportNo);
  if (!r) return null;
  return {
    id: r.id,
    reportNo: r.reportNo,
    title: r.title,
    status: r.status,
    reportedAt: r.reportedAt?.toISOString() ?? null,
  };
}

export async function getBooking(ctx: AppContext, accountId: string, id: string) {
  const { booking, patient } = await ownBooking(ctx, accountId, id);
  return bookingDetail(ctx, accountId, booking, patient);
}

export async function listBookings(
  ctx: AppContext,
  accountId: string,
  filter: { patientId?: string; state?: BookingState },
) {
  if (filter.patientId) await getPatientForRecords(ctx, accountId, filter.patientId);
  const rows = await ctx.db
    .select()
    .from(examBookings)
    .where(
      and(
        eq(examBookings.accountId, accountId),
        filter.patientId ? eq(examBookings.patientId, filter.patientId) : undefined,
        filter.state ? eq(examBookings.state, filter.state) : undefined,
      ),
    )
    .orderBy(desc(examBookings.examDate), desc(examBookings.createdAt));
  // a family member this account may no longer see drops out of the list
  const names = new Map<string, string | null>();
  for (const id of new Set(rows.map((r) => r.patientId))) {
    const p = await getPatientForRecords(ctx, accountId, id).catch(() => undefined);
    names.set(id, p?.name ?? null);
  }
  const items = rows
    .filter((b) => names.get(b.patientId) !== null)
    .map((b) => bookingSummary(ctx, b, names.get(b.patientId)!));
  return { items };
}

/** RPT-08 from the booking (EXAM-07): the summary report and each department's part. */
export async function getBookingReport(ctx: AppContext, accountId: string, id: string) {
  const { booking } = await ownBooking(ctx, accountId, id);
  const link = booking.state === 'completed' ? await linkedReport(ctx, accountId, booking) : null;
  if (!link)
    throw new DomainError(
      'EXAM_REPORT_NOT_READY',
      404,
      '体检报告尚未出具',
      'The physical-exam report is not available yet',
      { state: booking.state },
    );
  const { report } = await getReportForAccount(ctx, accountId, link.id);
  const d = await reportDetail(ctx, report);
  return {
    bookingId: booking.id,
    id: report.id,
    reportNo: report.reportNo,
    title: report.title,
    status: report.status,
    reportedAt: report.reportedAt?.toISOString() ?? null,
    conclusion: report.conclusion,
    sections: d.sections.map((x) => ({ name: x.name, conclusion: x.conclusion })),
    observations: d.observations.map((o) => ({
      section: o.section,
      code: o.code,
      name: o.name,
      value: o.valueNum ?? o.valueText,
      unit: o.unit,
      refLow: o.refLow,
      refHigh: o.refHigh,
      refText: o.refText,
      flag: o.flag,
      interpretation: o.interpretation,
    })),
  };
}

async function notifyBooking(
  ctx: AppContext,
  tx: Db,
  b: ExamBooking,
  template: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const p = await getPatientById(ctx, b.patientId, tx).catch(() => undefined);
  await notify(
    ctx,
    {
      accountId: b.accountId,
      template,
      data: {
        bookingId: b.id,
        bookingNo: b.bookingNo,
        patientName: p ? maskName(p.name) : '',
        packageName: b.packageName,
        examDate: b.examDate,
        amountYuan: formatYuan(b.priceFen),
        ...extra,
      },
    },
    tx,
  );
}

// =============================================================================================
// Console (operators, permission exams.manage)
// =============================================================================================

export async function adminListPackages(ctx: AppContext) {
  const rows = await ctx.db
    .select()
    .from(examPackages)
    .orderBy(asc(examPackages.sort), asc(examPackages.code));
  const items = await itemsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      ...packageView(r, items.get(r.id)!),
      sort: r.sort,
      updatedAt: r.updatedAt.toISOString(),
    })),
  };
}

export async function adminGetPackage(ctx: AppContext, id: string) {
  const p = await packageRow(ctx.db, id);
  return {
    ...packageView(p, (await itemsOf(ctx.db, [p.id])).get(p.id)!),
    sort: p.sort,
    updatedAt: p.updatedAt.toISOString(),
  };
}

function assertAgeRange(input: { minAge?: number | null; maxAge?: number | null }) {
  if (input.minAge != null && input.maxAge != null && input.minAge > input.maxAge)
    throw badRequest('EXAM_AGE_RANGE_INVALID', '最小年龄不能大于最大年龄', 'minAge must not exceed maxAge');
}

async function writeItems(tx: Db, packageId: string, items: PackageItemInput[]) {
  await tx.delete(examPackageItems).where(eq(examPackageItems.packageId, packageId));
  if (items.length > 0)
    await tx.insert(examPackageItems).values(
      items.map((i, seq) => ({
        id: newId(),
        packageId,
        seq,
        name: i.name,
        category: i.category,
        meaning: i.meaning ?? null,
        notes: i.notes ?? null,
      })),
    );
}

export async function createPackage(ctx: AppContext, req: FastifyRequest | undefined, input: PackageInput) {
  assertAgeRange(input);
  const now = ctx.clock.now();
  const id = newId();
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(examPackages).values({
        id,
        code: input.code,
        name: input.name,
        description: input.description ?? '',
        priceFen: input.priceFen,
        gender: input.gender ?? 'any',
        minAge: input.minAge ?? null,
        maxAge: input.maxAge ?? null,
        notes: input.notes ?? null,
        state: input.state ?? 'active',
        sort: input.sort ?? 0,
        createdAt: now,
        updatedAt: now,
      });
      await writeItems(tx as unknown as Db, id, input.items);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('EXAM_PACKAGE_CODE_EXISTS', '套餐编码已存在', 'A package with this code exists', {
        code: input.code,
      });
    throw err;
  }
  await audit(ctx, req, { action: 'exam.package.create', objectType: 'exam_package', objectId: id });
  return adminGetPackage(ctx, id);
}

/** Replaces a package's fields and items; bookings keep the name and price they were made with. */
export async function updatePackage(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  id: string,
  input: Omit<PackageInput, 'code'>,
) {
  assertAgeRange(input);
  await packageRow(ctx.db, id);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(examPackages)
      .set({
        name: input.name,
        description: input.description ?? '',
        priceFen: input.priceFen,
        gender: input.gender ?? 'any',
        minAge: input.minAge ?? null,
        maxAge: input.maxAge ?? null,
        notes: input.notes ?? null,
        state: input.state ?? 'active',
        sort: input.sort ?? 0,
        updatedAt: now,
      })
      .where(eq(examPackages.id, id));
    await writeItems(tx as unknown as Db, id, input.items);
  });
  await audit(ctx, req, { action: 'exam.package.update', objectType: 'exam_package', objectId: id });
  return adminGetPackage(ctx, id);
}

export async function listCapacity(ctx: AppContext, id: string, from: string, to: string) {
  await packageRow(ctx.db, id);
  const rows = await ctx.db
    .select()
    .from(examCapacity)
    .where(
      and(eq(examCapacity.packageId, id), gte(examCapacity.examDate, from), lte(examCapacity.examDate, to)),
    )
    .orderBy(asc(examCapacity.examDate));
  return {
    packageId: id,
    items: rows.map((r) => ({
      date: r.examDate,
      capacity: r.capacity,
      taken: r.taken,
      remaining: r.capacity - r.taken,
      closed: r.closed,
    })),
  };
}

export interface CapacityInput {
  from: string;
  to: string;
  /** ISO weekdays 1 (Monday) … 7 (Sunday); all days when absent */
  weekdays?: number[];
  capacity?: number;
  closed?: boolean;
}

/**
 * Sets the daily capacity (and/or closes or reopens) of a package for each date of a range, all or
 * nothing: a capacity below the places already taken on some date refuses the whole change.
 * Closing a date stops new bookings and moves onto it; bookings already made stay.
 */
export async function setCapacity(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  id: string,
  input: CapacityInput,
) {
  await packageRow(ctx.db, id);
  if (input.capacity === undefined && input.closed === undefined)
    throw badRequest('CAPACITY_CHANGE_EMPTY', '请指定名额或开关状态', 'Give capacity and/or closed');
  if (input.to < input.from)
    throw badRequest('DATE_RANGE_INVALID', '结束日期不能早于开始日期', 'to must not be before from');
  const dates: string[] = [];
  for (let d = dayjs(input.from); d.format('YYYY-MM-DD') <= input.to; d = d.add(1, 'day')) {
    const iso = d.day() === 0 ? 7 : d.day();
    if (!input.weekdays || input.weekdays.includes(iso)) dates.push(d.format('YYYY-MM-DD'));
  }
  if (dates.length > 366)
    throw badRequest('DATE_RANGE_TOO_LONG', '一次最多设置 366 天', 'At most 366 days at once');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const below: string[] = [];
    for (const date of dates) {
      const set: Partial<typeof examCapacity.$inferInsert> = { updatedAt: now };
      if (input.capacity !== undefined) set.capacity = input.capacity;
      if (input.closed !== undefined) set.closed = input.closed;
      const [row] = await tx
        .insert(examCapacity)
        .values({
          packageId: id,
          examDate: date,
          capacity: input.capacity ?? 0,
          taken: 0,
          closed: input.closed ?? false,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [examCapacity.packageId, examCapacity.examDate],
          set,
          // never below what is already taken (the row lock serialises this with bookings)
          setWhere:
            input.capacity !== undefined ? sql`${examCapacity.taken} <= ${input.capacity}` : undefined,
        })
        .returning();
      if (!row) below.push(date);
    }
    if (below.length > 0)
      throw conflict(
        'EXAM_CAPACITY_BELOW_TAKEN',
        '部分日期已预约人数超过新名额，未做任何修改',
        'Some dates already have more bookings than the new capacity; nothing was changed',
        { dates: below },
      );
  });
  await audit(ctx, req, {
    action: 'exam.capacity.set',
    objectType: 'exam_package',
    objectId: id,
    detail: {
      from: input.from,
      to: input.to,
      capacity: input.capacity ?? null,
      closed: input.closed ?? null,
      days: dates.length,
    },
  });
  return listCapacity(ctx, id, input.from, input.to);
}

/**
 * The exam centre cancels a booking on the patient's behalf (a closed day, a phone request), whatever
 * the online window; a paid booking is refunded in full like a patient's cancellation. Audited.
 */
export async function adminCancelBooking(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  staffId: string,
  bookingId: string,
  reason: string,
) {
  await loadBooking(ctx.db, bookingId);
  const b = await cancelBooking(ctx, { bookingId, by: `staff:${staffId}`, reason });
  await audit(ctx, req, {
    action: 'exam.booking.cancel',
    objectType: 'exam_booking',
    objectId: b.id,
    detail: { refundState: b.refundState },
  });
  const p = await getPatientById(ctx, b.patientId).catch(() => undefined);
  const { patientName, ...rest } = bookingSummary(ctx, b, p ? maskName(p.name) : '');
  return { ...rest, patientNameMasked: patientName };
}

export interface AdminBookingFilter {
  date?: string;
  packageId?: string;
  state?: BookingState;
  bookingNo?: string;
  page: number;
  pageSize: number;
}

/** Bookings for the exam centre's desk; patient names masked; the look-up is audited. */
export async function adminListBookings(
  ctx: AppContext,
  req: FastifyRequest | undefined,
  f: AdminBookingFilter,
) {
  const where = and(
    f.date ? eq(examBookings.examDate, f.date) : undefined,
    f.packageId ? eq(examBookings.packageId, f.packageId) : undefined,
    f.state ? eq(examBookings.state, f.state) : undefined,
    f.bookingNo ? eq(examBookings.bookingNo, f.bookingNo) : undefined,
  );
  const [{ n }] = await ctx.db.select({ n: count() }).from(examBookings).where(where);
  const rows = await ctx.db
    .select()
    .from(examBookings)
    .where(where)
    .orderBy(desc(examBookings.examDate), desc(examBookings.createdAt))
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize);
  const items = [];
  for (const b of rows) {
    const p = await getPatientById(ctx, b.patientId).catch(() => undefined);
    const { patientName, ...rest } = bookingSummary(ctx, b, p ? maskName(p.name) : '');
    items.push({ ...rest, patientNameMasked: patientName });
  }
  await audit(ctx, req, {
    action: 'exam.booking.list',
    objectType: 'exam_booking',
    detail: {
      date: f.date ?? null,
      packageId: f.packageId ?? null,
      state: f.state ?? null,
      count: rows.length,
    },
  });
  return { total: Number(n), page: f.page, pageSize: f.pageSize, items };
}
