// Exams: reading bookings and reports (patient side).

import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { DomainError } from '../../platform/errors.js';
import { getPatientForAccount, getPatientForRecords, type PatientRecord } from '../identity/index.js';
import { getPaymentOrder } from '../payments/index.js';
import { getReportForAccount, listReports, reportDetail } from '../reports/index.js';
import { examBookings, type BookingState } from './schema.js';
import { CHANGEABLE_STATES } from './states.js';
import { bookingNotFound, type ExamBooking } from './shared.js';
import { changeDeadline, withinChangeWindow } from './changes.js';

export async function loadBooking(db: Db, id: string): Promise<ExamBooking> {
  const [row] = await db.select().from(examBookings).where(eq(examBookings.id, id));
  if (!row) throw bookingNotFound();
  return row;
}

/** The account's own booking of a patient it may still see; anything else is the same 404. */
export async function ownBooking(ctx: AppContext, accountId: string, id: string) {
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

export function bookingSummary(ctx: AppContext, b: ExamBooking, patientName: string) {
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
export async function bookingDetail(
  ctx: AppContext,
  accountId: string,
  b: ExamBooking,
  patient?: PatientRecord,
) {
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
