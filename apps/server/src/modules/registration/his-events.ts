import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { HisEvent } from '../../integrations/his/index.js';
import {
  forwardToHis,
  patientRef,
  registerHisEventBuilder,
  type hisOutboundEvents,
} from '../../integrations/his/outbound.js';
import { directoryNames } from '../directory/index.js';
import { getPaymentOrder } from '../payments/index.js';
import { getPatientById } from '../identity/index.js';
import { RegistrationCheckedIn, RegistrationPaid } from './events.js';
import type { Module } from '../index.js';
import { refuseRemovalWithLiveRegistrations } from './guards.js';
import { registrations } from './schema.js';

/**
 * What the HIS hears of registrations, through the HIS outbox (integrations/his/outbound.ts): a paid
 * booking (the HIS records the 挂号) and a check-in (the HIS opens the visit).
 */
export function tellHisOfRegistrations(ctx: AppContext): void {
  forwardToHis(ctx, RegistrationPaid, (p) => ({
    type: 'registration.paid',
    eventId: registrationPaidEventId(p.registrationId),
    subjectId: p.registrationId,
  }));
  forwardToHis(ctx, RegistrationCheckedIn, (p) => ({
    type: 'registration.checked_in',
    eventId: checkedInEventId(p.registrationId),
    subjectId: p.registrationId,
  }));
  registerHisEventBuilder('registration.paid', buildRegistrationEvent);
  registerHisEventBuilder('registration.checked_in', buildRegistrationEvent);
}

/** Registration's subscriptions (no routes): the HIS outbox, and its veto on removing a patient. */
export const registrationHisModule: Module = {
  name: 'registration-subscriptions',
  async register(_fastify: FastifyInstance, ctx: AppContext) {
    tellHisOfRegistrations(ctx);
    refuseRemovalWithLiveRegistrations(ctx);
  },
};

export const checkedInEventId = (registrationId: string) => `registration.checked_in:${registrationId}`;
export const registrationPaidEventId = (registrationId: string) => `registration.paid:${registrationId}`;

/**
 * The event as the HIS receives it, from the records as they are now. A string: nothing to send,
 * and why.
 */
async function buildRegistrationEvent(
  ctx: AppContext,
  row: typeof hisOutboundEvents.$inferSelect,
): Promise<HisEvent | string> {
  const occurredAt = row.occurredAt.toISOString();
  if (row.type === 'registration.checked_in' || row.type === 'registration.paid') {
    const [reg] = await ctx.db.select().from(registrations).where(eq(registrations.id, row.subjectId));
    if (!reg?.patientId) return 'SUBJECT_GONE: the registration or patient no longer exists as recorded';
    // A booking cancelled before its payment reached the HIS: the cancellation already told it.
    if (row.type === 'registration.paid' && !['booked', 'checked_in', 'completed'].includes(reg.state))
      return `SUPERSEDED: the registration is ${reg.state}`;
    const patient = await getPatientById(ctx, reg.patientId).catch(() => undefined);
    if (!patient) return 'SUBJECT_GONE: the registration or patient no longer exists as recorded';
    const names = await directoryNames(ctx, { doctorIds: [reg.doctorId], departmentIds: [reg.departmentId] });
    const doctor = names.doctors.get(reg.doctorId);
    const order = reg.paymentOrderId ? await getPaymentOrder(ctx, reg.paymentOrderId) : undefined;
    return {
      type: row.type,
      eventId: row.eventId,
      occurredAt,
      registration: {
        id: reg.id,
        clinicDate: reg.clinicDate,
        shiftCode: reg.shiftCode,
        segmentStartAt: reg.segmentStartAt.toISOString(),
        slotNumber: reg.slotNumber,
        queueNumber: reg.queueNumber,
        level: reg.level,
        feeFen: reg.feeFen,
        paid: !!reg.paidAt || reg.paidExternally,
        orderNo: reg.paidAt ? (order?.orderNo ?? null) : null,
        paidAt: reg.paidAt?.toISOString() ?? null,
      },
      patient: patientRef(patient),
      department: { id: reg.departmentId, name: names.departments.get(reg.departmentId) ?? null },
      doctor: { id: reg.doctorId, name: doctor?.name ?? null, title: doctor?.title ?? null },
    };
  }
  return `UNKNOWN_TYPE: ${row.type}`;
}
