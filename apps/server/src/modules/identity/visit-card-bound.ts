import type { AppContext } from '../../platform/context.js';
import { defineEvent } from '../../platform/events.js';
import type { HisEvent } from '../../integrations/his/index.js';
import {
  forwardToHis,
  patientRef,
  registerHisEventBuilder,
  resendHisEvent,
  type hisOutboundEvents,
} from '../../integrations/his/outbound.js';
import { getPatientById } from './service.js';

/** A visit card just bound to a platform patient (IDN-12). */
export interface BoundVisitCard {
  patientId: string;
  visitCardNo: string;
}

/**
 * A patient is being removed from an account (published in the removal's transaction). Modules
 * holding unfinished business for the patient subscribe in that transaction and throw a DomainError
 * to refuse: the removal rolls back and the caller gets the refusal.
 */
export const PatientRemoved = defineEvent<{ patientId: string; accountId: string }>(
  'identity.patient-removed',
);

/** Published in the binding's transaction (and by the backfill for cards bound earlier). */
export const VisitCardBound = defineEvent<BoundVisitCard>('identity.visit-card-bound');

export const cardBoundEventId = (patientId: string, cardNo: string) =>
  `visit_card.bound:${patientId}:${cardNo.toUpperCase()}`;

const toHis = (card: BoundVisitCard) => ({
  type: 'visit_card.bound' as const,
  eventId: cardBoundEventId(card.patientId, card.visitCardNo),
  subjectId: card.patientId,
});

/**
 * The HIS links each bound card to the patient, and its file then knows them (IDN-07): the binding
 * goes through the HIS outbox, recorded with the binding and sent once it commits.
 */
export function tellHisOfBoundCards(ctx: AppContext): void {
  forwardToHis(ctx, VisitCardBound, toHis);
  registerHisEventBuilder('visit_card.bound', buildCardBoundEvent);
}

/**
 * The HIS has no file for a card bound here: a card bound before bindings were sent has no event
 * yet, and a HIS that lost the link (restored from a backup; the demo's simulator restarted) is sent
 * the binding again, at most once a minute.
 */
export async function visitCardUnknownToHis(ctx: AppContext, card: BoundVisitCard): Promise<void> {
  await resendHisEvent(ctx, toHis(card));
}

async function buildCardBoundEvent(
  ctx: AppContext,
  row: typeof hisOutboundEvents.$inferSelect,
): Promise<HisEvent | string> {
  const patient = await getPatientById(ctx, row.subjectId).catch(() => undefined);
  if (!patient?.visitCardNo || cardBoundEventId(patient.id, patient.visitCardNo) !== row.eventId)
    return 'SUPERSEDED: the card was removed or another bound since';
  // the HIS file keeps a contact number: the card's event alone carries the patient's phone
  return {
    type: 'visit_card.bound',
    eventId: row.eventId,
    occurredAt: row.occurredAt.toISOString(),
    patient: { ...patientRef(patient), phone: patient.phone },
  };
}
