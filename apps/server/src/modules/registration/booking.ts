// Registration: booking (REG-01…10) — locking a slot and opening its payment order.

import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { runCompensations, scheduleHoldExpiry } from '../../platform/paid-hold.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { dayjs } from '../../platform/clock.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { assertNotBlacklisted } from '../blacklist/index.js';
import { getPatientForAccount } from '../identity/index.js';
import type { PaymentOrderView } from '../payments/index.js';
import { createPaymentOrder } from '../payments/index.js';
import type { BookingChannel } from '../scheduling/index.js';
import {
  assertReleased,
  browseSchedules,
  getReleaseRule,
  getSchedule,
  getSegments,
  type ScheduleView,
} from '../scheduling/index.js';
import { scheduleForBooking, takeSlot } from '../scheduling/index.js';
import { checkInWindowOf, earliestBookableStart } from '../scheduling/index.js';
import { registrations } from './schema.js';
import { COUNTED_STATES, LIVE_STATES, registrationHold } from './states.js';
import { readCache } from '../../platform/read-cache.js';
import { Batcher, batcherOf } from '../../platform/batch.js';
import { admitted } from './admission.js';
import { BUSINESS_TYPE, type Registration } from './shared.js';
import { endLock } from './payment.js';
import { loadRegistration, registrationDetail } from './queries.js';
import { labelsFor, notifyRegistration } from './notices.js';

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
