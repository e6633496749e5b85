import { createHmac } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import {
  REFUND_IN_FLIGHT,
  refundRequester,
  runCompensations,
  scheduleHoldExpiry,
} from '../../platform/paid-hold.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { dayjs, hospitalDay } from '../../platform/clock.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { assertNotBlacklisted, evaluateBlacklistRules } from '../blacklist/index.js';
import { directoryNames, getDepartment, getDoctor } from '../directory/index.js';
import { getPatientForAccount } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import type { PaymentOrderView, RefundView } from '../payments/index.js';
import {
  PaymentSettled,
  closePaymentOrder,
  createPaymentOrder,
  getPaymentOrder,
  requestRefund,
} from '../payments/index.js';
import type { BookingChannel } from '../scheduling/index.js';
import {
  assertReleased,
  browseSchedules,
  getReleaseRule,
  getSchedule,
  getSegments,
  lockScheduleForStop,
  markStopped,
  openSchedulesBetween,
  type ScheduleView,
} from '../scheduling/index.js';
import { freeSlot, markSlotBooked, rowsOf, scheduleForBooking, takeSlot } from '../scheduling/index.js';
import { checkInWindowOf, earliestBookableStart } from '../scheduling/index.js';
import { registrations, type RegistrationState } from './schema.js';
import { COUNTED_STATES, LIVE_STATES, registrationHold, sourcesOf } from './states.js';
import type { ClinicalScope } from './staff-scope.js';
import { readCache } from '../../platform/read-cache.js';
import { Batcher, batcherOf } from '../../platform/batch.js';
import { admitted } from './admission.js';
import { RegistrationCheckedIn, RegistrationPaid } from './events.js';

export type Registration = typeof registrations.$inferSelect;

export const BUSINESS_TYPE = 'registration';
// the paid-hold workflow's sweep jobs (platform/paid-hold.ts)
export const EXPIRE_LOCK_JOB = registrationHold.jobs.expireLock;
export const RELEASE_EXPIRED_LOCKS_JOB = registrationHold.jobs.releaseExpiredLocks;
export const RETRY_REFUNDS_JOB = registrationHold.jobs.retryRefunds;
export const NO_SHOW_JOB = 'registration.mark-no-shows';
export const REMINDER_JOB = 'registration.visit-reminders';

const notFoundRegistration = () =>
  new DomainError('REGISTRATION_NOT_FOUND', 404, '挂号记录不存在', 'Registration not found');

// =============================================================================================
// Booking (REG-01…10)
// =============================================================================================

export interface BookInput {
  patientId: string;
  scheduleId: string;
  segmentId?: string;
  idempotencyKey: string;
}

/**
 * A patient account books for one of its real-name-verified patients (REG-09, REG-10): the slot is
 * locked until the payment deadline and a payment order with the same expiry is created; a free
 * clinic is booked at once.
 *
 * Release peak order: a repeated request is answered from its first registration; then a clinic
 * already found sold out is answered from memory; only then does the request queue for its clinic's
 * admission (see admission.ts) and do the work that needs the database.
 */
export async function bookForPatient(ctx: AppContext, accountId: string, input: BookInput) {
  const base: LockSlotInput = {
    channel: 'online',
    accountId,
    patientId: input.patientId,
    scheduleId: input.scheduleId,
    segmentId: input.segmentId,
    idempotencyKey: input.idempotencyKey,
  };
  const again = await findByIdempotencyKey(ctx, base);
  if (again) return registrationDetail(ctx, again);
  throwIfSoldOut(ctx, base);
  const { reg, order } = await admitted(
    ctx,
    soldOutKey(base),
    accountId,
    claimedAhead(base),
    async (observe) => {
      throwIfSoldOut(ctx, base);
      // read alongside the clinic (see takeAndRecord); its refusals still come first
      const patient = getPatientForAccount(ctx, accountId, input.patientId).then((p) => {
        if (!p.verified)
          throw new DomainError(
            'PATIENT_NOT_VERIFIED',
            403,
            '就诊人未完成实名认证，不能挂号。请携身份证件到医院窗口核验身份',
            'The patient must be real-name verified to book; bring the ID document to a hospital counter',
          );
        return p;
      });
      return takeAndRecord(ctx, base, observe, patient);
    },
  );
  return registrationDetail(ctx, reg, order);
}

export interface LockSlotInput {
  channel: BookingChannel;
  scheduleId: string;
  segmentId?: string;
  idempotencyKey: string;
  /** online bookings: the account and its patient */
  accountId?: string;
  patientId?: string;
  /** channel bookings: the channel's own reference for the patient */
  patientRef?: string;
  patientName?: string;
}

/**
 * Channel-neutral: takes one slot of a schedule for a patient and records the registration
 * (state 'locked' with a payment deadline, or 'booked' for a free clinic). The pool is shared by
 * every channel; a channel takes from the shared bucket and its own reserved bucket. A repeated
 * call with the same idempotency key returns the first registration.
 */
export async function lockSlot(ctx: AppContext, input: LockSlotInput): Promise<Registration> {
  const again = await findByIdempotencyKey(ctx, input);
  if (again) return again;
  if (!input.patientId && !input.patientRef)
    throw badRequest('PATIENT_REQUIRED', '缺少就诊人', 'A patient is required');
  throwIfSoldOut(ctx, input);
  const who = input.accountId ?? `${input.channel}:${input.patientRef ?? input.patientId}`;
  const { reg } = await admitted(ctx, soldOutKey(input), who, claimedAhead(input), async (observe) => {
    throwIfSoldOut(ctx, input);
    return takeAndRecord(ctx, input, observe);
  });
  return reg;
}

// At a release peak most requests come after the last slot went: they are answered from memory
// (for READ_CACHE_MS; a staff change forgets it at once).
const soldOutKey = (input: LockSlotInput) =>
  `sold-out:${input.scheduleId}:${input.segmentId ?? '*'}:${input.channel}`;

function throwIfSoldOut(ctx: AppContext, input: LockSlotInput): void {
  if (readCache(ctx).marked(soldOutKey(input))) throw soldOut(input.scheduleId, input.segmentId);
}

/** The release rule of a channel, shared by the requests of one moment (READ_CACHE_MS). */
const releaseRuleOf = (ctx: AppContext, channel: BookingChannel) =>
  readCache(ctx).get(`release-rule:${channel}`, () => getReleaseRule(ctx.db, channel));

/** A promise's outcome without throwing, so that parallel reads can be judged in a fixed order. */
const settle = <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

async function takeAndRecord(
  ctx: AppContext,
  base: LockSlotInput,
  /** tells the admission gate how many slots were free */
  observe: (free: number) => void,
  /** online bookings: the account's patient, being read (refused first when not found or not verified) */
  patientLookup?: Promise<{ id: string; name: string }>,
): Promise<{ reg: Registration; order?: PaymentOrderView }> {
  const now = ctx.clock.now();
  // a slot is sold only while its check-in can still be reached (REG-17 window)
  const bookableFrom = earliestBookableStart(ctx.config, now);
  // The reads before the transaction do not depend on each other: run them together (a booking's
  // round trips are what limit how fast a release sells out) and judge them in the usual order:
  // patient, clinic state, release, sold out, blacklist.
  const [who, found, rule, ban] = await Promise.all([
    patientLookup ? settle(patientLookup) : undefined,
    // the schedule and whether a slot is left, in one statement
    settle(scheduleForBooking(ctx.db, { ...base, now, bookableFrom })),
    settle(releaseRuleOf(ctx, base.channel)),
    base.patientId ? settle(assertNotBlacklisted(ctx, base.patientId)) : undefined,
  ]);
  if (who && !who.ok) throw who.error;
  const input = who?.ok ? { ...base, patientId: who.value.id, patientName: who.value.name } : base;
  if (!found.ok) throw found.error;
  const { schedule, free: freeSlots } = found.value;
  if (schedule.state !== 'open')
    throw conflict('SCHEDULE_STOPPED', '该医生已停诊，请选择其他号源', 'This clinic has been stopped');
  if (schedule.endAt <= now)
    throw conflict('SCHEDULE_ENDED', '该出诊时段已结束', 'This clinic session is over');
  if (!rule.ok) throw rule.error;
  assertReleased(ctx, rule.value, schedule);
  // (a clinic starting later cannot have closed check-in: the release peak never pays this read)
  if (freeSlots === 0 && schedule.startAt < bookableFrom)
    await throwIfCheckInClosed(ctx, schedule.id, input.segmentId, bookableFrom);
  // only a request that goes on to take a slot tells the queue how many are free: before the
  // release time nobody ahead claims one, so nobody may be told "claimed ahead"
  observe(freeSlots);
  if (freeSlots === 0) {
    readCache(ctx).mark(soldOutKey(input));
    throw soldOut(schedule.id, input.segmentId);
  }
  if (ban && !ban.ok) throw ban.error;

  const registrationId = newId();
  // A free clinic, or a hospital that collects the fee at check-in, books at once without a lock.
  const free =
    schedule.feeFen === 0 || (input.channel === 'online' && !ctx.config.REGISTRATION_PREPAY_REQUIRED);
  // names for the booking message, read before the transaction (a paid booking is told on payment)
  const labels = free && input.accountId ? await labelsFor(ctx, [schedule]) : undefined;
  const lockExpiresAt = free ? null : new Date(now.getTime() + ctx.config.REGISTRATION_LOCK_MINUTES * 60_000);
  let reg: Registration;
  try {
    reg = await ctx.db.transaction(async (tx) => {
      // One booking per patient at a time, so parallel requests cannot all pass the limits below.
      const patientKey = input.patientId ?? `${input.channel}:${input.patientRef}`;
      await tx.execute(
        sql`SELECT pg_advisory_xact_lock(hashtextextended(${'registration:' + patientKey}, 0))`,
      );
      await assertWithinLimits(ctx, tx, input, schedule.doctorId, schedule.clinicDate);
      const slot = await takeSlot(tx, {
        scheduleId: schedule.id,
        segmentId: input.segmentId,
        channel: input.channel,
        registrationId,
        state: free ? 'booked' : 'locked',
        lockExpiresAt,
        now,
        bookableFrom,
        checkInClosesMinutes: ctx.config.CHECKIN_CLOSES_MINUTES_AFTER,
      });
      if (!slot) {
        readCache(ctx).mark(soldOutKey(input));
        throw soldOut(schedule.id, input.segmentId);
      }
      const [row] = await tx
        .insert(registrations)
        .values({
          id: registrationId,
          channel: input.channel,
          accountId: input.accountId ?? null,
          patientId: input.patientId ?? null,
          patientRef: input.patientRef ?? null,
          patientName: (input.patientName ?? input.patientRef ?? '').slice(0, 60),
          idempotencyKey: input.idempotencyKey,
          scheduleId: schedule.id,
          segmentId: slot.segmentId,
          slotId: slot.id,
          slotNumber: slot.number,
          doctorId: schedule.doctorId,
          departmentId: schedule.departmentId,
          clinicDate: schedule.clinicDate,
          shiftCode: schedule.shiftCode,
          segmentStartAt: slot.segmentStartAt,
          segmentEndAt: slot.segmentEndAt,
          sessionEndAt: schedule.endAt,
          level: schedule.level,
          feeFen: schedule.feeFen,
          state: free ? 'booked' : 'locked',
          lockExpiresAt: slot.lockExpiresAt,
          bookedAt: free ? now : null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (free && row.accountId) await notifyRegistration(ctx, tx, row, 'registration.booked', {}, labels);
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const raced = await findByIdempotencyKey(ctx, input);
      if (raced) return { reg: raced };
    }
    throw err;
  }

  if (reg.state === 'locked') {
    // The durable timer (the minute sweep releases the lock as well if this job is lost) and the
    // payment order do not wait for each other.
    const timer = scheduleHoldExpiry(ctx, registrationHold, reg.id, reg.lockExpiresAt!);
    if (reg.channel !== 'online') {
      await timer;
      return { reg };
    }
    const [sent, attached] = await Promise.all([settle(timer), settle(attachPaymentOrder(ctx, reg))]);
    if (!sent.ok) throw sent.error;
    if (!attached.ok) throw attached.error;
    return attached.value;
  }
  return { reg };
}

/** Sold out for this request: every free slot has a patient queued ahead of it (admission.ts). */
const claimedAhead = (input: LockSlotInput) => () =>
  conflict(
    'SLOTS_SOLD_OUT',
    '号源已被排在您前面的患者约满，请选择其他时段或医生',
    'Every remaining slot is being booked by patients ahead of you',
    { scheduleId: input.scheduleId, segmentId: input.segmentId ?? null, claimedAhead: true },
  );

/**
 * No slot can be taken: when the reason is time (every segment asked for has closed its check-in),
 * say so rather than "sold out", with the check-in close that passed.
 */
async function throwIfCheckInClosed(
  ctx: AppContext,
  scheduleId: string,
  segmentId: string | undefined,
  bookableFrom: Date,
): Promise<void> {
  const segs = (await getSegments(ctx.db, scheduleId)).filter(
    (g) => g.state === 'open' && (!segmentId || g.id === segmentId),
  );
  if (segs.length === 0 || segs.some((g) => g.startAt >= bookableFrom)) return;
  const last = segs[segs.length - 1];
  const { closesAt } = checkInWindowOf(ctx.config, last.startAt);
  const hm = dayjs(closesAt).tz(ctx.config.HOSPITAL_TIMEZONE).format('HH:mm');
  throw conflict(
    'BOOKING_CHECKIN_CLOSED',
    `该时段已过取号时间（${hm} 截止），无法预约，请选择其他时段`,
    `Check-in for this time slot closed at ${hm}; it can no longer be booked. Choose another time`,
    { scheduleId, segmentId: segmentId ?? null, checkInClosedAt: closesAt.toISOString() },
  );
}

const soldOut = (scheduleId: string, segmentId?: string) =>
  conflict('SLOTS_SOLD_OUT', '号源已约满，请选择其他时段或医生', 'No slots are left for this clinic', {
    scheduleId,
    segmentId: segmentId ?? null,
  });

/**
 * The payment order of an online registration: its expiry equals the lock's deadline. If creating it
 * fails, the compensation gives the slot back at once instead of holding it for the whole lock.
 */
async function attachPaymentOrder(
  ctx: AppContext,
  reg: Registration,
): Promise<{ reg: Registration; order?: PaymentOrderView }> {
  try {
    const order = await createPaymentOrder(ctx, {
      businessType: BUSINESS_TYPE,
      businessId: reg.id,
      accountId: reg.accountId!,
      patientId: reg.patientId ?? undefined,
      amountFen: reg.feeFen,
      subject: `挂号费 ${reg.clinicDate} ${reg.slotNumber}号`,
      expiresAt: reg.lockExpiresAt!,
      idempotencyKey: `registration:${reg.id}`,
    });
    const [row] = await ctx.db
      .update(registrations)
      .set({ paymentOrderId: order.id, updatedAt: ctx.clock.now() })
      .where(and(eq(registrations.id, reg.id), isNull(registrations.paymentOrderId)))
      .returning();
    if (row) return { reg: row, order };
    return { reg: await loadRegistration(ctx.db, reg.id) };
  } catch (err) {
    // the order step failed: undo the hold (the slot goes back, the registration expires)
    await runCompensations(registrationHold.compensationsOnFailure('openPayment'), {
      release: async () => void (await endLock(ctx, reg.id, 'expired', { force: true })),
    });
    throw err;
  }
}

/** Per-patient limits (configurable): one per doctor per day, N per clinic day, M outstanding. */
async function assertWithinLimits(
  ctx: AppContext,
  tx: Tx,
  input: LockSlotInput,
  doctorId: string,
  clinicDate: string,
): Promise<void> {
  const c = ctx.config;
  const mine = input.patientId
    ? eq(registrations.patientId, input.patientId)
    : and(eq(registrations.channel, input.channel), eq(registrations.patientRef, input.patientRef!));
  const today = ctx.clock.today();
  const [counts] = await tx
    .select({
      sameDoctor: sql<number>`count(*) FILTER (WHERE ${registrations.doctorId} = ${doctorId} AND ${registrations.clinicDate} = ${clinicDate} AND ${inArray(registrations.state, COUNTED_STATES)})`,
      sameDay: sql<number>`count(*) FILTER (WHERE ${registrations.clinicDate} = ${clinicDate} AND ${inArray(registrations.state, COUNTED_STATES)})`,
      outstanding: sql<number>`count(*) FILTER (WHERE ${registrations.clinicDate} >= ${today} AND ${inArray(registrations.state, LIVE_STATES)})`,
    })
    .from(registrations)
    .where(mine);
  const refuse = (limit: string, max: number, zh: string, en: string) =>
    conflict('REGISTRATION_LIMIT_REACHED', zh, en, { limit, max });
  if (c.REGISTRATION_ONE_PER_DOCTOR_PER_DAY && Number(counts.sameDoctor) >= 1)
    throw refuse(
      'per_doctor_per_day',
      1,
      '同一就诊人同一天只能挂同一医生的一个号',
      'One registration per doctor per day for a patient',
    );
  if (Number(counts.sameDay) >= c.REGISTRATION_MAX_PER_DAY)
    throw refuse(
      'per_day',
      c.REGISTRATION_MAX_PER_DAY,
      `同一就诊人每天最多挂 ${c.REGISTRATION_MAX_PER_DAY} 个号`,
      `At most ${c.REGISTRATION_MAX_PER_DAY} registrations per day for a patient`,
    );
  if (Number(counts.outstanding) >= c.REGISTRATION_MAX_OUTSTANDING)
    throw refuse(
      'outstanding',
      c.REGISTRATION_MAX_OUTSTANDING,
      `同一就诊人未就诊的预约最多 ${c.REGISTRATION_MAX_OUTSTANDING} 个`,
      `At most ${c.REGISTRATION_MAX_OUTSTANDING} upcoming registrations for a patient`,
    );
}

/**
 * The registration an earlier request with this idempotency key made, if any. The look-ups of
 * requests arriving together share one statement (a release peak sends thousands at once).
 */
async function findByIdempotencyKey(
  ctx: AppContext,
  input: LockSlotInput,
): Promise<Registration | undefined> {
  const row = await idempotencyLoader(ctx).load(
    JSON.stringify([input.channel, input.accountId ?? '', input.idempotencyKey]),
  );
  if (!row) return undefined;
  if (row.scheduleId !== input.scheduleId || (input.patientId && row.patientId !== input.patientId))
    throw conflict(
      'IDEMPOTENCY_KEY_REUSED',
      '该请求编号已用于另一次挂号',
      'This idempotency key was used for a different registration',
    );
  return row;
}

const idempotencyLoader = (ctx: AppContext) =>
  batcherOf(
    ctx,
    'registration-idempotency',
    () =>
      new Batcher<string, Registration>(async (keys) => {
        const parsed = keys.map((k) => JSON.parse(k) as [string, string, string]);
        const channels = [...new Set(parsed.map((p) => p[0]))];
        const accounts = [...new Set(parsed.map((p) => p[1]))];
        const ids = [...new Set(parsed.map((p) => p[2]))];
        // the unique index (channel, coalesce(account_id, ''), idempotency_key) answers this
        const rows = await ctx.db
          .select()
          .from(registrations)
          .where(
            and(
              inArray(registrations.channel, channels as BookingChannel[]),
              sql`coalesce(${registrations.accountId}, '') = ANY(${sql`ARRAY[${sql.join(
                accounts.map((a) => sql`${a}`),
                sql`, `,
              )}]::text[]`})`,
              inArray(registrations.idempotencyKey, ids),
            ),
          );
        const out = new Map<string, Registration>();
        for (const r of rows) out.set(JSON.stringify([r.channel, r.accountId ?? '', r.idempotencyKey]), r);
        return out;
      }),
  );

/**
 * Channel-neutral: the schedules a channel can book, with what is left for it per segment; one
 * schedule, or a department's clinics on one date.
 */
export async function listAvailableSlots(
  ctx: AppContext,
  input: { scheduleId?: string; departmentId?: string; date?: string; channel: BookingChannel },
): Promise<ScheduleView[]> {
  if (input.scheduleId) {
    const s = await getSchedule(ctx, input.scheduleId);
    return browseSchedules(ctx, { from: s.clinicDate, to: s.clinicDate, ids: [s.id] }, input.channel);
  }
  if (!input.departmentId || !input.date)
    throw badRequest(
      'FILTER_REQUIRED',
      '请指定排班，或科室和日期',
      'Give scheduleId, or departmentId and date',
    );
  return browseSchedules(
    ctx,
    { departmentId: input.departmentId, from: input.date, to: input.date },
    input.channel,
  );
}

// =============================================================================================
// Payment (REG-07, REG-08)
// =============================================================================================

/**
 * The payments platform's business step: a paid order confirms its registration while the lock is
 * live. Otherwise it throws, and payments refunds the order and lists it as abnormal.
 */
export async function confirmPaidRegistration(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const now = ctx.clock.now();
  const paidAt = order.paidAt ?? now;
  const before = await loadRegistration(ctx.db, order.businessId).catch(() => undefined);
  const labels = before ? await labelsFor(ctx, [before]) : undefined;
  const settled = PaymentSettled({ sourceType: BUSINESS_TYPE, sourceId: order.businessId });
  // once committed, the HIS delivery is queued and invoicing requests the e-invoice, in that order
  const confirmed = await ctx.events.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({
        state: 'booked',
        paidAt,
        bookedAt: now,
        paymentOrderId: order.id,
        lockExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(registrations.id, order.businessId),
          eq(registrations.state, 'locked'),
          gte(registrations.lockExpiresAt, paidAt),
          // a notification arriving after check-in closed books nothing the patient could use
          checkInStillOpen(ctx, now),
          or(isNull(registrations.paymentOrderId), eq(registrations.paymentOrderId, order.id)),
        ),
      )
      .returning();
    if (!row) {
      const checkedIn = await checkInPaidInTx(ctx, tx, order, paidAt, now, labels);
      if (checkedIn) await ctx.events.publish(tx, settled);
      return checkedIn;
    }
    if (!(await markSlotBooked(tx, row.slotId, row.id, now)))
      throw new Error('slot not held by its registration');
    if (row.accountId) await notifyRegistration(ctx, tx, row, 'registration.paid', {}, labels);
    await ctx.events.publish(tx, RegistrationPaid({ registrationId: row.id })); // the HIS records the 挂号
    await ctx.events.publish(tx, settled);
    return row;
  });
  if (confirmed) return;
  const current = await loadRegistration(ctx.db, order.businessId).catch(() => undefined);
  if (
    current &&
    current.paymentOrderId === order.id &&
    current.paidAt &&
    ['booked', 'checked_in', 'completed'].includes(current.state)
  )
    return; // already confirmed by an earlier delivery
  if (
    current &&
    current.state === 'locked' &&
    checkInWindowOf(ctx.config, current.segmentStartAt).closesAt < now
  )
    throw new DomainError(
      'REGISTRATION_CHECKIN_CLOSED',
      409,
      '付款到账时该号源已过取号时间，挂号未成功，款项将原路退回',
      'The payment arrived after check-in for this slot had closed; nothing was booked and the payment will be refunded',
      { registrationId: order.businessId, state: current.state },
    );
  throw new DomainError(
    'REGISTRATION_LOCK_EXPIRED',
    409,
    '号源锁定已超时释放，款项将原路退回',
    'The slot lock had expired; the payment will be refunded',
    { registrationId: order.businessId, state: current?.state ?? null },
  );
}

/** SQL: the registration's segment can still be checked in at `now`. */
const checkInStillOpen = (ctx: AppContext, now: Date) =>
  sql`${registrations.segmentStartAt} + make_interval(mins => ${ctx.config.CHECKIN_CLOSES_MINUTES_AFTER}::int) >= ${now}`;

/**
 * Channel-neutral confirmation for channels that collect the fee themselves (counter, third party):
 * the locked registration becomes booked.
 */
export async function confirmRegistration(
  ctx: AppContext,
  input: { registrationId: string; channel: BookingChannel; paidExternally: true },
): Promise<Registration> {
  const now = ctx.clock.now();
  const reg = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({
        state: 'booked',
        paidExternally: true,
        paidAt: now,
        bookedAt: now,
        lockExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(registrations.id, input.registrationId),
          eq(registrations.channel, input.channel),
          eq(registrations.state, 'locked'),
          gte(registrations.lockExpiresAt, now),
        ),
      )
      .returning();
    if (row) await markSlotBooked(tx, row.slotId, row.id, now);
    return row;
  });
  if (reg) return reg;
  const [current] = await ctx.db
    .select()
    .from(registrations)
    .where(and(eq(registrations.id, input.registrationId), eq(registrations.channel, input.channel)));
  if (!current) throw notFoundRegistration();
  if (current.state === 'booked' && (current.paidExternally || current.feeFen === 0)) return current;
  throw conflict(
    'REGISTRATION_NOT_CONFIRMABLE',
    '该挂号已超时或已取消，不能确认',
    'The registration can no longer be confirmed',
    {
      state: current.state,
    },
  );
}

/** Expires one lock whose deadline has passed (the delayed job and the sweep both land here). */
export async function expireLock(ctx: AppContext, registrationId: string): Promise<boolean> {
  return endLock(ctx, registrationId, 'expired');
}

/**
 * Releases every lock past its deadline: locks are rows, so a server that was killed and restarted
 * (or another instance) finds and releases them on its next minute, and the channel order is closed.
 */
export async function releaseExpiredLocks(ctx: AppContext): Promise<{ released: number }> {
  const due = await ctx.db
    .select({ id: registrations.id })
    .from(registrations)
    .where(and(eq(registrations.state, 'locked'), lte(registrations.lockExpiresAt, ctx.clock.now())))
    .orderBy(asc(registrations.lockExpiresAt))
    .limit(1000);
  let released = 0;
  for (const { id } of due) if (await endLock(ctx, id, 'expired')) released++;
  return { released };
}

async function endLock(
  ctx: AppContext,
  registrationId: string,
  to: 'expired',
  opts: { force?: boolean } = {},
): Promise<boolean> {
  const now = ctx.clock.now();
  // an unpaid hold ends: the slot goes back with the state change, then the order is closed
  const undo = registrationHold.compensationsOnEnd(false);
  const ended = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({ state: to, expiredAt: now, lockExpiresAt: null, updatedAt: now })
      .where(
        and(
          eq(registrations.id, registrationId),
          inArray(registrations.state, sourcesOf(to)),
          opts.force ? undefined : lte(registrations.lockExpiresAt, now),
        ),
      )
      .returning();
    if (row)
      await runCompensations(undo.inTransaction, {
        release: async () => void (await freeSlot(tx, row.slotId, row.id, now)),
      });
    return row;
  });
  if (!ended) return false;
  await runCompensations(undo.afterCommit, {
    closeOrder: async () => {
      if (ended.paymentOrderId) await closeOrderQuietly(ctx, ended.paymentOrderId, 'slot lock expired');
    },
  });
  return true;
}

async function closeOrderQuietly(ctx: AppContext, orderId: string, reason: string): Promise<void> {
  try {
    await closePaymentOrder(ctx, orderId, reason);
  } catch (err) {
    // Paid in the meantime: payments runs onPaid, which refuses the expired registration, so the
    // money goes back automatically.
    ctx.log.warn({ err, orderId }, 'closing the payment order of a released registration failed');
  }
}

/** Payments closed the order on its own (expiry): the lock ends with it. */
export async function onPaymentClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  await endLock(ctx, order.businessId, 'expired', { force: true });
}

/** A refund of a registration's order finished: record its outcome and tell the patient. */
export async function onRefundFinished(
  ctx: AppContext,
  order: PaymentOrderView,
  refund: RefundView,
): Promise<void> {
  const state = refund.state === 'succeeded' ? 'succeeded' : refund.state === 'failed' ? 'failed' : undefined;
  if (!state) return;
  const reg = await loadRegistration(ctx.db, order.businessId).catch(() => undefined);
  if (!reg) return;
  const labels = await labelsFor(ctx, [reg]);
  if (
    state === 'succeeded' &&
    refund.requestedBy.startsWith('staff:') &&
    order.refundedFen >= order.amountFen &&
    (LIVE_STATES as readonly string[]).includes(reg.state)
  ) {
    // Finance refunded the whole fee by hand (at the window): the registration follows the money,
    // so a refunded patient does not keep a booked slot. The refund is this one; none is issued again.
    await ctx.db.transaction(async (tx) => {
      const row = await cancelInTx(
        ctx,
        tx,
        reg.id,
        refund.requestedBy,
        '财务窗口已全额退费',
        ctx.clock.now(),
      );
      if (row?.accountId)
        await notifyRegistration(
          ctx,
          tx,
          row,
          'registration.cancelled',
          { reason: '财务窗口已全额退费' },
          labels,
        );
    });
  }
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({ refundState: state, refundId: refund.id, updatedAt: ctx.clock.now() })
      .where(
        and(
          eq(registrations.id, order.businessId),
          eq(registrations.state, 'cancelled'),
          sql`${registrations.refundState} <> ${state}`,
        ),
      )
      .returning();
    if (row?.accountId)
      await notifyRegistration(
        ctx,
        tx,
        row,
        'registration.refund-result',
        {
          refundStateZh: state === 'succeeded' ? '退款成功，款项已原路退回' : '退款失败，医院将人工处理',
          refundStateEn:
            state === 'succeeded'
              ? 'refunded to the original account'
              : 'refund failed; the hospital will handle it',
        },
        labels,
      );
  });
}

// =============================================================================================
// Cancellation and refund (REG-12…16)
// =============================================================================================

/**
 * A patient cancels (退号) inside the hospital's window: 'before_clinic_start', or 001's rule, the
 * clinic day or up to N days after it. An unpaid lock can always be given up.
 */
export async function cancelByPatient(
  ctx: AppContext,
  accountId: string,
  registrationId: string,
  reason?: string,
): Promise<Registration> {
  const reg = await ownRegistration(ctx, accountId, registrationId);
  if (reg.state === 'cancelled') return reg;
  if (!LIVE_STATES.includes(reg.state))
    throw conflict(
      'REGISTRATION_NOT_CANCELLABLE',
      '该挂号当前状态不能退号',
      'This registration cannot be cancelled now',
      {
        state: reg.state,
      },
    );
  if (reg.state === 'booked' && !withinCancelWindow(ctx, reg))
    throw conflict(
      'CANCEL_WINDOW_CLOSED',
      '已超过线上退号时限，请到窗口办理',
      'Online cancellation is closed for this registration; please go to a counter',
    );
  // 001/003 (REG-15): a paid registration is cancelled at the HIS first; the refund follows only
  // once the HIS has confirmed, so the two never disagree about whether the patient may still come.
  if (reg.state === 'booked') await cancelAtHis(ctx, reg);
  return cancelRegistration(ctx, { registrationId, by: 'patient', reason: reason?.trim() || '患者退号' });
}

async function cancelAtHis(ctx: AppContext, reg: Registration): Promise<void> {
  const order = reg.paymentOrderId ? await getPaymentOrder(ctx, reg.paymentOrderId) : undefined;
  try {
    await ctx.adapters.his.cancelRegistration(ctx, {
      registrationId: reg.id,
      orderNo: order?.orderNo ?? null,
      amountFen: reg.feeFen,
    });
  } catch (err) {
    ctx.log.warn({ err, registrationId: reg.id }, 'HIS refused or missed a registration cancellation');
    throw new DomainError(
      'HIS_UNAVAILABLE',
      502,
      '医院系统暂时无法办理退号，请稍后再试或到窗口办理',
      'The hospital system cannot cancel this registration now; try again later or at a counter',
    );
  }
}

export function withinCancelWindow(ctx: AppContext, reg: Registration): boolean {
  const now = ctx.clock.now();
  if (ctx.config.REGISTRATION_CANCEL_WINDOW === 'before_clinic_start') return now < reg.segmentStartAt;
  // 001: on the clinic day or within N days after it (过号7天内), and of course any time before.
  const today = hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE);
  const last = dayjs(reg.clinicDate).add(ctx.config.REGISTRATION_CANCEL_DAYS, 'day').format('YYYY-MM-DD');
  return today <= last;
}

/**
 * Channel-neutral cancellation: the registration is cancelled and its slot returns to the pool in
 * one transaction; an unpaid order is closed and a paid fee refunded in full afterwards (refund key =
 * registration id, so a retry never refunds twice). `by`: 'patient' | 'staff:<id>' | 'channel:<code>'
 * | 'system:clinic_stop'.
 */
export async function cancelRegistration(
  ctx: AppContext,
  input: { registrationId: string; by: string; reason: string },
): Promise<Registration> {
  const now = ctx.clock.now();
  const labels = await labelsFor(ctx, [await loadRegistration(ctx.db, input.registrationId)]);
  const cancelled = await ctx.db.transaction(async (tx) => {
    const row = await cancelInTx(ctx, tx, input.registrationId, input.by, input.reason, now);
    if (row?.accountId)
      await notifyRegistration(ctx, tx, row, 'registration.cancelled', { reason: input.reason }, labels);
    return row;
  });
  if (!cancelled) {
    const current = await loadRegistration(ctx.db, input.registrationId);
    if (current.state === 'cancelled') return current;
    throw conflict(
      'REGISTRATION_NOT_CANCELLABLE',
      '该挂号当前状态不能退号',
      'This registration cannot be cancelled now',
      {
        state: current.state,
      },
    );
  }
  await settleCancelledPayment(ctx, cancelled, input.by);
  if (cancelled.patientId && (input.by === 'patient' || input.by.startsWith('channel:')))
    await evaluateBlacklistRules(ctx, cancelled.patientId).catch((err) =>
      ctx.log.error({ err }, 'blacklist evaluation after a cancellation failed'),
    );
  return loadRegistration(ctx.db, cancelled.id);
}

async function cancelInTx(
  ctx: AppContext,
  tx: Tx,
  registrationId: string,
  by: string,
  reason: string,
  now: Date,
): Promise<Registration | undefined> {
  const [row] = await tx
    .update(registrations)
    .set({
      state: 'cancelled',
      cancelledAt: now,
      cancelledBy: by.slice(0, 80),
      cancelReason: reason.slice(0, 200),
      lockExpiresAt: null,
      refundState: sql`CASE WHEN ${registrations.paidAt} IS NOT NULL AND NOT ${registrations.paidExternally} AND ${registrations.feeFen} > 0 THEN 'pending' ELSE 'none' END`,
      updatedAt: now,
    })
    .where(and(eq(registrations.id, registrationId), inArray(registrations.state, sourcesOf('cancelled'))))
    .returning();
  if (row)
    await runCompensations(registrationHold.compensationsOnEnd(!!row.paidAt).inTransaction, {
      release: async () => void (await freeSlot(tx, row.slotId, row.id, now)),
    });
  return row;
}

/** After a cancellation commits: close the unpaid order, or refund the paid fee. */
async function settleCancelledPayment(ctx: AppContext, reg: Registration, by: string): Promise<void> {
  await runCompensations(registrationHold.compensationsOnEnd(!!reg.paidAt).afterCommit, {
    // owed ('pending') only when the platform collected a fee: not when paid at a counter or free
    refund: async () => {
      if (reg.refundState === 'pending') await issueRefund(ctx, reg, by);
    },
    closeOrder: async () => {
      if (reg.paymentOrderId) await closeOrderQuietly(ctx, reg.paymentOrderId, 'registration cancelled');
    },
  });
}

async function issueRefund(ctx: AppContext, reg: Registration, by: string): Promise<void> {
  try {
    const requestedBy = refundRequester(by);
    // INS-09: a fee paid from the insurance personal account goes back to that account.
    const refund = reg.insuranceSettlementNo
      ? await refundInsuredFee(ctx, reg, requestedBy)
      : await requestRefund(ctx, {
          orderId: reg.paymentOrderId!,
          amountFen: reg.feeFen,
          reason: `退号退费：${reg.cancelReason ?? ''}`.slice(0, 200),
          refundKey: registrationHold.refundKey(reg.id),
          requestedBy,
        });
    const state = refund.state === 'requested' ? 'requested' : refund.state;
    await ctx.db
      .update(registrations)
      .set({ refundState: state, refundId: refund.id, updatedAt: ctx.clock.now() })
      .where(and(eq(registrations.id, reg.id), inArray(registrations.refundState, REFUND_IN_FLIGHT)));
  } catch (err) {
    // Left 'pending': the retry job asks again with the same refund key.
    ctx.log.error({ err, registrationId: reg.id }, 'refund request for a cancelled registration failed');
  }
}

// ---- INS-09: registration fees paid from the insurance personal account ----

export type InsuredFeeRefunder = (
  ctx: AppContext,
  reg: Registration,
  requestedBy: string,
) => Promise<{ id: string; state: 'requested' | 'processing' | 'succeeded' | 'failed' }>;
let insuredFeeRefunder: InsuredFeeRefunder | undefined;

/** The insurance module gives fees paid from the personal account back (idempotent per registration). */
export function registerInsuredFeeRefunder(refunder: InsuredFeeRefunder): void {
  insuredFeeRefunder = refunder;
}

async function refundInsuredFee(ctx: AppContext, reg: Registration, requestedBy: string) {
  if (!insuredFeeRefunder) throw new Error('no insured fee refunder registered');
  return insuredFeeRefunder(ctx, reg, requestedBy);
}

/**
 * INS-09: the fee was paid from the insurance personal account (settlement `settlementNo`): the
 * locked registration is booked while its lock is live. Its cash order is detached, so a cash payment
 * arriving later is refused and refunded by the payment platform. Undefined when it was not locked.
 */
export async function confirmRegistrationPaidByInsurance(
  ctx: AppContext,
  registrationId: string,
  settlementNo: string,
): Promise<Registration | undefined> {
  const now = ctx.clock.now();
  const before = await loadRegistration(ctx.db, registrationId);
  const labels = await labelsFor(ctx, [before]);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({
        state: 'booked',
        paidAt: now,
        bookedAt: now,
        paymentOrderId: null,
        insuranceSettlementNo: settlementNo,
        lockExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(registrations.id, registrationId),
          eq(registrations.state, 'locked'),
          gte(registrations.lockExpiresAt, now),
        ),
      )
      .returning();
    if (!row) return undefined;
    if (!(await markSlotBooked(tx, row.slotId, row.id, now)))
      throw new Error('slot not held by its registration');
    if (row.accountId) await notifyRegistration(ctx, tx, row, 'registration.paid', {}, labels);
    return row;
  });
}

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

// =============================================================================================
// Check-in (REG-17, REG-18)
// =============================================================================================

/**
 * 取号 on the clinic day inside the window around the booked segment's start, optionally only
 * inside the campus geofence; gives the next queue number of the schedule. A second tap returns
 * the number already given.
 */
export async function checkIn(
  ctx: AppContext,
  accountId: string,
  registrationId: string,
  location: { lat?: number; lng?: number },
): Promise<Registration> {
  const reg = await ownRegistration(ctx, accountId, registrationId);
  if (reg.state === 'checked_in') return reg;
  if (reg.state !== 'booked')
    throw conflict(
      'REGISTRATION_NOT_CHECKABLE',
      '该挂号当前状态不能取号',
      'This registration cannot be checked in',
      {
        state: reg.state,
      },
    );
  const c = ctx.config;
  const now = ctx.clock.now();
  if (hospitalDay(now, c.HOSPITAL_TIMEZONE) !== reg.clinicDate)
    throw conflict(
      'CHECKIN_NOT_CLINIC_DAY',
      '请在就诊当天取号',
      'Check-in is only possible on the clinic day',
      {
        clinicDate: reg.clinicDate,
      },
    );
  const { opensAt, closesAt } = checkInWindowOf(c, reg.segmentStartAt);
  const hm = (d: Date) => dayjs(d).tz(c.HOSPITAL_TIMEZONE).format('HH:mm');
  if (now < opensAt)
    throw conflict(
      'CHECKIN_NOT_OPEN',
      `尚未到取号时间，请于 ${hm(opensAt)} 至 ${hm(closesAt)} 取号`,
      `Check-in has not opened yet; check in between ${hm(opensAt)} and ${hm(closesAt)}`,
      { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() },
    );
  if (now > closesAt)
    throw conflict(
      'CHECKIN_CLOSED',
      `已过取号时间（${hm(closesAt)} 截止），请到窗口办理`,
      `Check-in closed at ${hm(closesAt)}; please go to a counter`,
      { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() },
    );
  if (
    c.CHECKIN_GEOFENCE_LAT !== undefined &&
    c.CHECKIN_GEOFENCE_LNG !== undefined &&
    c.CHECKIN_GEOFENCE_RADIUS_M
  ) {
    if (location.lat === undefined || location.lng === undefined)
      throw badRequest(
        'CHECKIN_LOCATION_REQUIRED',
        '请允许获取位置后在院内取号',
        'Your location is needed to check in',
      );
    const d = distanceMetres(location.lat, location.lng, c.CHECKIN_GEOFENCE_LAT, c.CHECKIN_GEOFENCE_LNG);
    if (d > c.CHECKIN_GEOFENCE_RADIUS_M)
      throw new DomainError(
        'CHECKIN_OUTSIDE_CAMPUS',
        403,
        '请到达医院后再取号',
        'Please check in at the hospital',
        {
          distanceMetres: Math.round(d),
        },
      );
  }
  if (reg.feeFen > 0 && !reg.paidAt && !reg.paidExternally) await requireCheckInPayment(ctx, reg);
  const labels = await labelsFor(ctx, [reg]);
  const done = await ctx.events.transaction(async (tx) => {
    const counter = rowsOf(
      await tx.execute(sql`
        INSERT INTO registration_queue_counters (schedule_id, last_number) VALUES (${reg.scheduleId}, 1)
        ON CONFLICT (schedule_id) DO UPDATE SET last_number = registration_queue_counters.last_number + 1
        RETURNING last_number`),
    )[0];
    const [row] = await tx
      .update(registrations)
      .set({
        state: 'checked_in',
        checkedInAt: now,
        queueNumber: Number(counter.last_number),
        updatedAt: now,
      })
      .where(and(eq(registrations.id, reg.id), eq(registrations.state, 'booked')))
      .returning();
    if (!row) return undefined; // rolled back with the counter: a concurrent tap won
    await notifyRegistration(
      ctx,
      tx,
      row,
      'registration.checked-in',
      { queueNumber: row.queueNumber },
      labels,
    );
    await ctx.events.publish(tx, RegistrationCheckedIn({ registrationId: row.id })); // the HIS opens the visit
    return row;
  });
  return done ?? loadRegistration(ctx.db, reg.id);
}

/**
 * REG-17: a booking confirmed without prepayment pays its fee as part of check-in. The patient gets
 * the order to pay (a live one is reused); the payment's business step then checks them in.
 */
async function requireCheckInPayment(ctx: AppContext, reg: Registration): Promise<never> {
  const now = ctx.clock.now();
  let order = reg.paymentOrderId ? await getPaymentOrder(ctx, reg.paymentOrderId) : undefined;
  if (!order || !['created', 'paying'].includes(order.state) || order.expiresAt <= now) {
    order = await createPaymentOrder(ctx, {
      businessType: BUSINESS_TYPE,
      businessId: reg.id,
      accountId: reg.accountId!,
      patientId: reg.patientId ?? undefined,
      amountFen: reg.feeFen,
      subject: `挂号费（取号） ${reg.clinicDate} ${reg.slotNumber}号`,
      expiresAt: new Date(now.getTime() + ctx.config.REGISTRATION_LOCK_MINUTES * 60_000),
      idempotencyKey: `registration-checkin:${reg.id}:${now.getTime()}`,
    });
    await ctx.db
      .update(registrations)
      .set({ paymentOrderId: order.id, updatedAt: now })
      .where(
        and(eq(registrations.id, reg.id), eq(registrations.state, 'booked'), isNull(registrations.paidAt)),
      );
  }
  throw new DomainError(
    'CHECKIN_PAYMENT_REQUIRED',
    402,
    '请先缴纳挂号费，缴费成功后自动取号',
    'Pay the registration fee to check in',
    {
      orderId: order.id,
      orderNo: order.orderNo,
      amountFen: order.amountFen,
      expiresAt: order.expiresAt.toISOString(),
    },
  );
}

/** The fee of a booking confirmed without prepayment arrived: record it and check the patient in. */
async function checkInPaidInTx(
  ctx: AppContext,
  tx: Tx,
  order: PaymentOrderView,
  paidAt: Date,
  now: Date,
  labels: Labels | undefined,
): Promise<Registration | undefined> {
  const counter = rowsOf(
    await tx.execute(sql`
      INSERT INTO registration_queue_counters (schedule_id, last_number)
      SELECT schedule_id, 1 FROM registrations
       WHERE id = ${order.businessId} AND state = 'booked' AND paid_at IS NULL AND payment_order_id = ${order.id}
      ON CONFLICT (schedule_id) DO UPDATE SET last_number = registration_queue_counters.last_number + 1
      RETURNING last_number`),
  )[0];
  if (!counter) return undefined;
  const [row] = await tx
    .update(registrations)
    .set({
      state: 'checked_in',
      paidAt,
      checkedInAt: now,
      queueNumber: Number(counter.last_number),
      updatedAt: now,
    })
    .where(
      and(
        eq(registrations.id, order.businessId),
        eq(registrations.state, 'booked'),
        isNull(registrations.paidAt),
        eq(registrations.paymentOrderId, order.id),
      ),
    )
    .returning();
  if (row?.accountId)
    await notifyRegistration(
      ctx,
      tx,
      row,
      'registration.checked-in',
      { queueNumber: row.queueNumber },
      labels,
    );
  if (row) await ctx.events.publish(tx, RegistrationCheckedIn({ registrationId: row.id })); // the HIS opens the visit
  return row;
}

function distanceMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const r = 6_371_000;
  const rad = (d: number) => (d * Math.PI) / 180;
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(a));
}

// =============================================================================================
// No-shows and reminders (REG-19, MSG)
// =============================================================================================

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

// =============================================================================================
// Counters for the blacklist rules
// =============================================================================================

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

// =============================================================================================
// Reading
// =============================================================================================

export async function loadRegistration(db: Db, id: string): Promise<Registration> {
  const [row] = await db.select().from(registrations).where(eq(registrations.id, id));
  if (!row) throw notFoundRegistration();
  return row;
}

/** The account's own registration; a foreign or missing one is the same 404. */
export async function ownRegistration(ctx: AppContext, accountId: string, id: string): Promise<Registration> {
  const [row] = await ctx.db
    .select()
    .from(registrations)
    .where(and(eq(registrations.id, id), eq(registrations.accountId, accountId)));
  if (!row) throw notFoundRegistration();
  return row;
}

export async function listOwnRegistrations(
  ctx: AppContext,
  accountId: string,
  filter: { patientId?: string; state?: RegistrationState },
) {
  const rows = await ctx.db
    .select()
    .from(registrations)
    .where(
      and(
        eq(registrations.accountId, accountId),
        filter.patientId ? eq(registrations.patientId, filter.patientId) : undefined,
        filter.state ? eq(registrations.state, filter.state) : undefined,
      ),
    )
    .orderBy(desc(registrations.createdAt))
    .limit(100);
  const names = await namesFor(ctx, rows);
  return rows.map((r) => registrationSummary(ctx, r, names));
}

/**
 * Doctors this account registered with before, with their next bookable clinics (REG-06): doctors
 * of bookings that stood or were seen; a no-show, a cancellation or an expired lock is no visit.
 */
export async function recentDoctors(ctx: AppContext, accountId: string) {
  const rows = rowsOf(
    await ctx.db.execute(sql`
      SELECT doctor_id, department_id, max(clinic_date)::text AS last_date, max(created_at) AS last_at
        FROM registrations
       WHERE account_id = ${accountId} AND state IN ('booked', 'checked_in', 'completed')
       GROUP BY doctor_id, department_id
       ORDER BY last_at DESC
       LIMIT 10`),
  ) as { doctor_id: string; department_id: string; last_date: string }[];
  const today = ctx.clock.today();
  const to = dayjs(today).add(7, 'day').format('YYYY-MM-DD');
  const out = [];
  for (const r of rows) {
    const doctor = await getDoctor(ctx, r.doctor_id).catch(() => undefined);
    const dept = await getDepartment(ctx, r.department_id).catch(() => undefined);
    if (!doctor || !dept) continue;
    const upcoming: ScheduleView[] = await browseSchedules(ctx, {
      doctorId: r.doctor_id,
      departmentId: r.department_id,
      from: today,
      to,
    });
    out.push({
      doctorId: doctor.id,
      doctorName: doctor.name,
      doctorTitle: doctor.title,
      departmentId: dept.id,
      departmentName: dept.name,
      lastClinicDate: r.last_date,
      upcoming: upcoming
        .filter((s) => s.state === 'open')
        .map((s) => ({
          scheduleId: s.id,
          clinicDate: s.clinicDate,
          shiftCode: s.shiftCode,
          level: s.level,
          feeFen: s.feeFen,
          remaining: s.remaining,
          released: s.released,
        })),
    });
  }
  return out;
}

type Names = { doctors: Map<string, { name: string; title: string }>; departments: Map<string, string> };

export async function namesFor(
  ctx: AppContext,
  rows: Pick<Registration, 'doctorId' | 'departmentId'>[],
): Promise<Names> {
  return directoryNames(ctx, {
    doctorIds: rows.map((r) => r.doctorId),
    departmentIds: rows.map((r) => r.departmentId),
  });
}

export function registrationSummary(ctx: AppContext, r: Registration, names: Names) {
  return {
    id: r.id,
    state: r.state,
    channel: r.channel,
    patientId: r.patientId,
    patientName: r.patientName,
    doctorId: r.doctorId,
    doctorName: names.doctors.get(r.doctorId)?.name ?? null,
    doctorTitle: names.doctors.get(r.doctorId)?.title ?? null,
    departmentId: r.departmentId,
    departmentName: names.departments.get(r.departmentId) ?? null,
    scheduleId: r.scheduleId,
    segmentId: r.segmentId,
    clinicDate: r.clinicDate,
    shiftCode: r.shiftCode,
    segmentStartAt: r.segmentStartAt,
    segmentEndAt: r.segmentEndAt,
    slotNumber: r.slotNumber,
    level: r.level,
    feeFen: r.feeFen,
    lockExpiresAt: r.lockExpiresAt,
    paymentOrderId: r.paymentOrderId,
    paidAt: r.paidAt,
    queueNumber: r.queueNumber,
    // REG-17: when 取号 opens and closes for this booking
    checkInOpensAt: checkInWindowOf(ctx.config, r.segmentStartAt).opensAt,
    checkInClosesAt: checkInWindowOf(ctx.config, r.segmentStartAt).closesAt,
    checkedInAt: r.checkedInAt,
    cancelledAt: r.cancelledAt,
    cancelReason: r.cancelReason,
    refundState: r.refundState,
    cancellable: r.state === 'locked' || (r.state === 'booked' && withinCancelWindow(ctx, r)),
    createdAt: r.createdAt,
  };
}

/**
 * GUIDE-04/05: where the patient goes next. A booked registration: check in on the clinic day, then
 * wait at the department's place; a checked-in one: wait there for the queue number. The place is
 * the department's location in the directory.
 */
async function guidanceOf(ctx: AppContext, r: Registration, names: Names) {
  if (r.state !== 'booked' && r.state !== 'checked_in') return null;
  const dept = await getDepartment(ctx, r.departmentId).catch(() => undefined);
  const department = names.departments.get(r.departmentId) ?? dept?.name ?? '';
  const location = dept?.location?.trim() || null;
  const where = location ? `${location} ${department}` : department;
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const { opensAt, closesAt } = checkInWindowOf(ctx.config, r.segmentStartAt);
  const from = dayjs(opensAt).tz(tz).format('HH:mm');
  const until = dayjs(closesAt).tz(tz).format('HH:mm');
  if (r.state === 'booked')
    return {
      step: 'check_in' as const,
      department,
      location,
      checkInOpensAt: opensAt,
      checkInClosesAt: closesAt,
      zh: `请于 ${r.clinicDate} ${from}-${until} 取号（手机或自助机），然后到 ${where} 候诊`,
      en: `Check in (on the phone or at a kiosk) between ${from} and ${until} on ${r.clinicDate}, then wait at ${where}`,
    };
  return {
    step: 'wait' as const,
    department,
    location,
    zh: `请到 ${where} 候诊，您的排队号为 ${r.queueNumber}`,
    en: `Please wait at ${where}; your queue number is ${r.queueNumber}`,
  };
}

/** The detail page: the summary, the payment order and a QR payload the clinic's scanner verifies. */
export async function registrationDetail(
  ctx: AppContext,
  r: Registration,
  /** the registration's payment order when the caller has just read or made it */
  known?: PaymentOrderView,
) {
  // doctor and department names change rarely: shared by the requests of one moment (READ_CACHE_MS)
  const names = await readCache(ctx).get(`registration-names:${r.doctorId}:${r.departmentId}`, () =>
    namesFor(ctx, [r]),
  );
  const order = !r.paymentOrderId
    ? undefined
    : known?.id === r.paymentOrderId
      ? known
      : await getPaymentOrder(ctx, r.paymentOrderId);
  return {
    ...registrationSummary(ctx, r, names),
    payment: order
      ? {
          orderId: order.id,
          orderNo: order.orderNo,
          state: order.state,
          amountFen: order.amountFen,
          refundedFen: order.refundedFen,
          expiresAt: order.expiresAt,
          paidAt: order.paidAt,
        }
      : null,
    refund: r.refundState === 'none' ? null : { state: r.refundState, refundId: r.refundId },
    qrPayload: ['booked', 'checked_in'].includes(r.state) ? qrPayloadOf(ctx, r) : null,
    guidance: await guidanceOf(ctx, r, names),
  };
}

/** `QN1:REG:<id>:<mac>`: the clinic's scanner recomputes the MAC, so a forged code is refused. */
export function qrPayloadOf(ctx: AppContext, r: Pick<Registration, 'id'>): string {
  const mac = createHmac('sha256', ctx.config.jwtSecret)
    .update(`REG:${r.id}`)
    .digest('base64url')
    .slice(0, 16);
  return `QN1:REG:${r.id}:${mac}`;
}

// =============================================================================================
// Console (SCH-10, REG admin)
// =============================================================================================

export interface AdminFilter {
  date?: string;
  from?: string;
  to?: string;
  departmentId?: string;
  doctorId?: string;
  state?: RegistrationState;
  channel?: BookingChannel;
  page?: number;
  pageSize?: number;
  /** clinical staff: only these doctors' or departments' registrations (staff-scope.ts) */
  scope?: ClinicalScope;
}

export async function searchRegistrations(ctx: AppContext, f: AdminFilter) {
  const where = adminWhere(f);
  const page = f.page ?? 1;
  const pageSize = f.pageSize ?? 20;
  const [rows, [{ n }]] = await Promise.all([
    ctx.db
      .select()
      .from(registrations)
      .where(where)
      .orderBy(
        desc(registrations.clinicDate),
        asc(registrations.segmentStartAt),
        asc(registrations.slotNumber),
      )
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(registrations)
      .where(where),
  ]);
  const names = await namesFor(ctx, rows);
  return {
    items: rows.map((r) => ({
      ...registrationSummary(ctx, r, names),
      patientName: maskPersonName(r.patientName),
    })),
    total: Number(n),
    page,
    pageSize,
  };
}

export async function exportRegistrations(ctx: AppContext, f: AdminFilter): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const rows = await ctx.db
    .select()
    .from(registrations)
    .where(adminWhere(f))
    .orderBy(asc(registrations.clinicDate), asc(registrations.segmentStartAt), asc(registrations.slotNumber))
    .limit(50_000);
  const names = await namesFor(ctx, rows);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('挂号记录');
  sheet.columns = [
    { header: '就诊日期', key: 'date', width: 12 },
    { header: '时段', key: 'time', width: 14 },
    { header: '科室', key: 'dept', width: 16 },
    { header: '医生', key: 'doctor', width: 10 },
    { header: '号序', key: 'number', width: 6 },
    { header: '就诊人', key: 'patient', width: 10 },
    { header: '渠道', key: 'channel', width: 10 },
    { header: '号别', key: 'level', width: 8 },
    { header: '挂号费(元)', key: 'fee', width: 10 },
    { header: '状态', key: 'state', width: 10 },
    { header: '退款', key: 'refund', width: 10 },
    { header: '挂号时间', key: 'created', width: 20 },
  ];
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const hm = (d: Date) => dayjs(d).tz(tz).format('HH:mm');
  for (const r of rows)
    sheet.addRow({
      date: r.clinicDate,
      time: `${hm(r.segmentStartAt)}-${hm(r.segmentEndAt)}`,
      dept: names.departments.get(r.departmentId) ?? '',
      doctor: names.doctors.get(r.doctorId)?.name ?? '',
      number: r.slotNumber,
      patient: maskPersonName(r.patientName),
      channel: CHANNEL_ZH[r.channel],
      level: LEVEL_ZH[r.level],
      fee: formatYuan(r.feeFen),
      state: STATE_ZH[r.state],
      refund: REFUND_ZH[r.refundState],
      created: dayjs(r.createdAt).tz(tz).format('YYYY-MM-DD HH:mm:ss'),
    });
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}

function adminWhere(f: AdminFilter): SQL | undefined {
  return and(
    f.scope
      ? or(
          f.scope.doctorIds.length ? inArray(registrations.doctorId, f.scope.doctorIds) : undefined,
          f.scope.departmentIds.length
            ? inArray(registrations.departmentId, f.scope.departmentIds)
            : undefined,
          sql`false`,
        )
      : undefined,
    f.date ? eq(registrations.clinicDate, f.date) : undefined,
    f.from ? gte(registrations.clinicDate, f.from) : undefined,
    f.to ? lte(registrations.clinicDate, f.to) : undefined,
    f.departmentId ? eq(registrations.departmentId, f.departmentId) : undefined,
    f.doctorId ? eq(registrations.doctorId, f.doctorId) : undefined,
    f.state ? eq(registrations.state, f.state) : undefined,
    f.channel ? eq(registrations.channel, f.channel) : undefined,
  );
}

/** 张三 → 张*, 欧阳娜娜 → 欧**娜: staff lists show names masked. */
export function maskPersonName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

const CHANNEL_ZH: Record<BookingChannel, string> = { online: '线上', counter: '窗口', third_party: '第三方' };
const LEVEL_ZH = { general: '普通号', expert: '专家号', special: '特需号' } as const;
const STATE_ZH: Record<RegistrationState, string> = {
  locked: '待支付',
  booked: '已预约',
  checked_in: '已取号',
  completed: '已就诊',
  expired: '已超时',
  cancelled: '已退号',
  no_show: '爽约',
};
const REFUND_ZH = {
  none: '',
  pending: '待退款',
  requested: '退款中',
  processing: '退款中',
  succeeded: '已退款',
  failed: '退款失败',
} as const;

// =============================================================================================
// Notifications
// =============================================================================================

type Labels = Map<string, { doctorName: string; departmentName: string }>;

/** Doctor and department names for messages, read before a transaction (never ctx.db inside one). */
async function labelsFor(
  ctx: AppContext,
  rows: Pick<Registration, 'doctorId' | 'departmentId'>[],
): Promise<Labels> {
  const names = await namesFor(ctx, rows);
  const out: Labels = new Map();
  for (const r of rows)
    out.set(`${r.doctorId}|${r.departmentId}`, {
      doctorName: names.doctors.get(r.doctorId)?.name ?? '',
      departmentName: names.departments.get(r.departmentId) ?? '',
    });
  return out;
}

async function notifyRegistration(
  ctx: AppContext,
  tx: Tx,
  r: Registration,
  template: string,
  extra: Record<string, unknown> = {},
  labels?: Labels,
): Promise<void> {
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const label = labels?.get(`${r.doctorId}|${r.departmentId}`);
  await notify(
    ctx,
    {
      accountId: r.accountId!,
      template,
      data: {
        registrationId: r.id,
        patientName: r.patientName,
        clinicDate: r.clinicDate,
        time: `${dayjs(r.segmentStartAt).tz(tz).format('HH:mm')}-${dayjs(r.segmentEndAt).tz(tz).format('HH:mm')}`,
        slotNumber: r.slotNumber,
        fee: formatYuan(r.feeFen),
        doctorName: label?.doctorName ?? '',
        departmentName: label?.departmentName ?? '',
        ...extra,
      },
    },
    tx,
  );
}
