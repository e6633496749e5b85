// Registration: check-in (REG-17, REG-18).

import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { dayjs, hospitalDay } from '../../platform/clock.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import type { PaymentOrderView } from '../payments/index.js';
import { createPaymentOrder, getPaymentOrder } from '../payments/index.js';
import { rowsOf } from '../scheduling/index.js';
import { checkInWindowOf } from '../scheduling/index.js';
import { registrations } from './schema.js';
import { RegistrationCheckedIn } from './events.js';
import { BUSINESS_TYPE, type Registration } from './shared.js';
import { loadRegistration, ownRegistration } from './queries.js';
import { type Labels, labelsFor, notifyRegistration } from './notices.js';

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
export async function checkInPaidInTx(
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
