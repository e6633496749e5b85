// Registration: reading registrations (patient views, masked names, staff lists).

import { createHmac } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { dayjs } from '../../platform/clock.js';
import { directoryNames, getDepartment, getDoctor } from '../directory/index.js';
import type { PaymentOrderView } from '../payments/index.js';
import { getPaymentOrder } from '../payments/index.js';
import { browseSchedules, type ScheduleView } from '../scheduling/index.js';
import { rowsOf } from '../scheduling/index.js';
import { checkInWindowOf } from '../scheduling/index.js';
import { registrations, type RegistrationState } from './schema.js';
import { readCache } from '../../platform/read-cache.js';
import { notFoundRegistration, type Registration } from './shared.js';
import { withinCancelWindow } from './cancellation.js';

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
