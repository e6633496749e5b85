import type { FastifyInstance } from 'fastify';
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import {
  HisError,
  type HisEvent,
  type HisEventType,
  type HisPatientRef,
} from '../../integrations/his/index.js';
import { directoryNames } from '../directory/index.js';
import { getPaymentOrder } from '../payments/index.js';
import { getPatientById, type PatientRecord } from '../identity/index.js';
import { onVisitCardBound, type VisitCardBoundHook } from '../identity/index.js';
import type { Module } from '../index.js';
import { registrations } from './schema.js';

// Mirrors migrations/0660_his_events.sql.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const hisOutboundEvents = pgTable('his_outbound_events', {
  id: text('id').primaryKey(),
  eventId: text('event_id').notNull().unique(),
  type: text('type').$type<HisEventType>().notNull(),
  subjectId: text('subject_id').notNull(),
  state: text('state').$type<'pending' | 'sent' | 'failed'>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tz('next_attempt_at').notNull(),
  lastError: text('last_error'),
  occurredAt: tz('occurred_at').notNull(),
  sentAt: tz('sent_at'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

/** Delivers one event at once (queued after the event's transaction commits). */
export const HIS_EVENT_JOB = 'his-events.deliver';
/** Every minute: events whose retry is due (and any whose queued job was lost). */
export const HIS_EVENT_SWEEP_JOB = 'his-events.sweep';

export const checkedInEventId = (registrationId: string) => `registration.checked_in:${registrationId}`;
export const registrationPaidEventId = (registrationId: string) => `registration.paid:${registrationId}`;
export const cardBoundEventId = (patientId: string, cardNo: string) =>
  `visit_card.bound:${patientId}:${cardNo.toUpperCase()}`;

/** Retry delay after the n-th failed attempt: 15 s, 30 s, 1 min ... at most 10 min. */
const backoffMs = (attempts: number) => Math.min(15_000 * 2 ** Math.max(0, attempts - 1), 600_000);

/**
 * Records an event for the HIS inside the caller's transaction: it exists exactly when the check-in
 * (or card binding) does. The same event id twice is one event.
 */
export async function recordHisEvent(
  ctx: AppContext,
  db: Db,
  e: { type: HisEventType; eventId: string; subjectId: string },
): Promise<void> {
  const now = ctx.clock.now();
  await db
    .insert(hisOutboundEvents)
    .values({
      id: newId(),
      eventId: e.eventId,
      type: e.type,
      subjectId: e.subjectId,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      occurredAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
}

/** A check-in happened (call inside its transaction); the HIS opens the visit. */
export async function recordCheckedIn(ctx: AppContext, db: Db, registrationId: string): Promise<void> {
  await recordHisEvent(ctx, db, {
    type: 'registration.checked_in',
    eventId: checkedInEventId(registrationId),
    subjectId: registrationId,
  });
}

/** A booking was paid online (call inside its transaction); the HIS records the registration. */
export async function recordRegistrationPaid(ctx: AppContext, db: Db, registrationId: string): Promise<void> {
  await recordHisEvent(ctx, db, {
    type: 'registration.paid',
    eventId: registrationPaidEventId(registrationId),
    subjectId: registrationId,
  });
}

/**
 * A visit card was bound on the platform (IDN-12): the HIS links the card to the patient, and its
 * file then knows them (IDN-07). Recorded in the binding's transaction through identity's hook.
 */
const tellHisOfBoundCard: VisitCardBoundHook = {
  record: (ctx, tx, card) =>
    recordHisEvent(ctx, tx, {
      type: 'visit_card.bound',
      eventId: cardBoundEventId(card.patientId, card.visitCardNo),
      subjectId: card.patientId,
    }),
  afterCommit: (ctx, card) => dispatchHisEvent(ctx, cardBoundEventId(card.patientId, card.visitCardNo)),
  // The HIS has no file for a card bound here: a card bound before bindings were sent has no event
  // yet, and a HIS that lost the link (restored from a backup; the demo's simulator restarted) is
  // sent the binding again, at most once a minute, so patients reading the file cannot flood it.
  async unknownToHis(ctx, card) {
    const eventId = cardBoundEventId(card.patientId, card.visitCardNo);
    await recordHisEvent(ctx, ctx.db, { type: 'visit_card.bound', eventId, subjectId: card.patientId });
    const now = ctx.clock.now();
    await ctx.db
      .update(hisOutboundEvents)
      .set({
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        sentAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(hisOutboundEvents.eventId, eventId),
          inArray(hisOutboundEvents.state, ['sent', 'failed']),
          lte(hisOutboundEvents.updatedAt, new Date(now.getTime() - 60_000)),
        ),
      );
    await dispatchHisEvent(ctx, eventId);
  },
};

/** Queues delivery once the recording transaction committed (the sweep catches a lost send). */
export async function dispatchHisEvent(ctx: AppContext, eventId: string): Promise<void> {
  await ctx.jobs
    .send(HIS_EVENT_JOB, { eventId }, { singletonKey: eventId })
    .catch((err) => ctx.log.error({ err, eventId }, 'HIS event not queued; the sweep will send it'));
}

export function patientRef(p: PatientRecord): HisPatientRef {
  return {
    id: p.id,
    name: p.name,
    gender: p.gender,
    birthDate: p.birthDate,
    idType: p.idType,
    idNumber: p.idNumber,
    visitCardNo: p.visitCardNo,
  };
}

/** Builds another module's event type (a string: nothing to send, and why). */
export type HisEventBuilder = (
  ctx: AppContext,
  row: typeof hisOutboundEvents.$inferSelect,
) => Promise<HisEvent | string>;
const eventBuilders = new Map<HisEventType, HisEventBuilder>();

/** Other modules' events (prescriptions) are recorded here too and built by their own module. */
export function registerHisEventBuilder(type: HisEventType, build: HisEventBuilder): void {
  eventBuilders.set(type, build);
}

/**
 * The event as the HIS receives it, from the records as they are now. A string: nothing to send,
 * and why.
 */
async function buildEvent(
  ctx: AppContext,
  row: typeof hisOutboundEvents.$inferSelect,
): Promise<HisEvent | string> {
  const custom = eventBuilders.get(row.type);
  if (custom) return custom(ctx, row);
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
  const patient = await getPatientById(ctx, row.subjectId).catch(() => undefined);
  if (!patient?.visitCardNo || cardBoundEventId(patient.id, patient.visitCardNo) !== row.eventId)
    return 'SUPERSEDED: the card was removed or another bound since';
  // the HIS file keeps a contact number: the card's event alone carries the patient's phone
  return {
    type: 'visit_card.bound',
    eventId: row.eventId,
    occurredAt,
    patient: { ...patientRef(patient), phone: patient.phone },
  };
}

/**
 * One delivery attempt, claimed by moving the next attempt time (two workers never send the same
 * event at once). A failure is retried with backoff; after HIS_EVENT_MAX_ATTEMPTS, or when the HIS
 * refuses the event for good, it is marked failed with the reason.
 */
export async function deliverHisEvent(ctx: AppContext, eventId: string): Promise<void> {
  const now = ctx.clock.now();
  const [ev] = await ctx.db
    .update(hisOutboundEvents)
    .set({
      attempts: sql`${hisOutboundEvents.attempts} + 1`,
      nextAttemptAt: new Date(now.getTime() + 60_000),
      updatedAt: now,
    })
    .where(
      and(
        eq(hisOutboundEvents.eventId, eventId),
        eq(hisOutboundEvents.state, 'pending'),
        lte(hisOutboundEvents.nextAttemptAt, now),
      ),
    )
    .returning();
  if (!ev) return;
  const finish = (state: 'sent' | 'failed', lastError: string | null) =>
    ctx.db
      .update(hisOutboundEvents)
      .set({
        state,
        lastError,
        sentAt: state === 'sent' ? ctx.clock.now() : null,
        updatedAt: ctx.clock.now(),
      })
      .where(and(eq(hisOutboundEvents.id, ev.id), eq(hisOutboundEvents.state, 'pending')));
  let event: HisEvent | string;
  try {
    event = await buildEvent(ctx, ev);
  } catch (err) {
    // a database hiccup: try again later like an HIS failure
    ctx.log.error({ err, eventId }, 'HIS event could not be built');
    await ctx.db
      .update(hisOutboundEvents)
      .set({
        lastError: `BUILD_FAILED: ${(err as Error).message}`.slice(0, 500),
        nextAttemptAt: new Date(now.getTime() + backoffMs(ev.attempts)),
        updatedAt: ctx.clock.now(),
      })
      .where(eq(hisOutboundEvents.id, ev.id));
    return;
  }
  if (typeof event === 'string') {
    await finish('failed', event);
    return;
  }
  try {
    await ctx.adapters.his.publishEvent(ctx, event);
  } catch (err) {
    const code = err instanceof HisError ? err.code : 'ERROR';
    const error = `${code}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
    ctx.log.warn({ eventId, attempts: ev.attempts, error }, 'HIS event not delivered');
    const final = err instanceof HisError && !err.retryable;
    if (final || ev.attempts >= ctx.config.HIS_EVENT_MAX_ATTEMPTS) {
      await finish('failed', error);
      return;
    }
    await ctx.db
      .update(hisOutboundEvents)
      .set({
        lastError: error,
        nextAttemptAt: new Date(now.getTime() + backoffMs(ev.attempts)),
        updatedAt: ctx.clock.now(),
      })
      .where(eq(hisOutboundEvents.id, ev.id));
    return;
  }
  await finish('sent', null);
}

/** The sweep (cron, every minute): every pending event whose attempt is due. */
export async function sweepHisEvents(ctx: AppContext): Promise<number> {
  const due = await ctx.db
    .select({ eventId: hisOutboundEvents.eventId })
    .from(hisOutboundEvents)
    .where(and(eq(hisOutboundEvents.state, 'pending'), lte(hisOutboundEvents.nextAttemptAt, ctx.clock.now())))
    .orderBy(hisOutboundEvents.createdAt)
    .limit(200);
  for (const d of due) {
    try {
      await deliverHisEvent(ctx, d.eventId);
    } catch (err) {
      ctx.log.error({ err, eventId: d.eventId }, 'HIS event attempt failed');
    }
  }
  return due.length;
}

/** An event's delivery state (tests, support). */
export async function hisEventState(ctx: AppContext, eventId: string) {
  const [row] = await ctx.db.select().from(hisOutboundEvents).where(eq(hisOutboundEvents.eventId, eventId));
  return row;
}

/** Registers the delivery jobs (no routes). */
export const hisEventsModule: Module = {
  name: 'his-events',
  async register(_fastify: FastifyInstance, ctx: AppContext) {
    onVisitCardBound(tellHisOfBoundCard);
    // each delivery waits on the HIS over the network: several at once at a morning check-in peak
    ctx.jobs.register<{ eventId: string }>(HIS_EVENT_JOB, async (d) => deliverHisEvent(ctx, d.eventId), {
      concurrency: 4,
    });
    ctx.jobs.register(HIS_EVENT_SWEEP_JOB, async () => void (await sweepHisEvents(ctx)), {
      cron: '* * * * *',
    });
  },
};
