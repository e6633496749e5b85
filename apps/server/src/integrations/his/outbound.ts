import type { FastifyInstance } from 'fastify';
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import type { EventType } from '../../platform/events.js';
import { newId } from '../../platform/ids.js';
import { HisError } from './errors.js';
import type { HisEvent, HisEventType, HisPatientRef } from './index.js';

/**
 * The HIS outbox: what the platform tells the HIS (a registration paid or checked in, a visit card
 * bound, a prescription to fill or dispensed) is one row in his_outbound_events, delivered by a job
 * with its own retries and a final 'failed' state support can read. It is one subscriber of the
 * event bus: a module forwards its event with `forwardToHis`, which records the row in the event's
 * transaction (so it exists exactly when the business change does; the HIS tests read it at once)
 * and queues its delivery once that commits. How an event looks to the HIS is built at sending time,
 * from the records as they are then, by the module that owns them (`registerHisEventBuilder`): a
 * cancelled booking or a replaced card is not sent.
 */

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

/** Queues delivery once the recording transaction committed (the sweep catches a lost send). */
export async function dispatchHisEvent(ctx: AppContext, eventId: string): Promise<void> {
  await ctx.jobs
    .send(HIS_EVENT_JOB, { eventId }, { singletonKey: eventId })
    .catch((err) => ctx.log.error({ err, eventId }, 'HIS event not queued; the sweep will send it'));
}

export function patientRef(p: Omit<HisPatientRef, 'phone'>): HisPatientRef {
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

/** Each module builds its own events as the HIS receives them (a string: nothing to send, and why). */
export function registerHisEventBuilder(type: HisEventType, build: HisEventBuilder): void {
  eventBuilders.set(type, build);
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
    const build = eventBuilders.get(ev.type);
    event = build ? await build(ctx, ev) : `NO_BUILDER: nothing builds ${ev.type} events`;
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

/**
 * Sends `event` to the HIS: an in-transaction subscriber records the outbox row with the business
 * change, an after-commit one queues its delivery (the sweep sends any whose queued job was lost).
 */
export function forwardToHis<P>(
  ctx: AppContext,
  event: EventType<P>,
  toHis: (payload: P) => { type: HisEventType; eventId: string; subjectId: string },
): void {
  ctx.events.subscribeInTransaction(event, 'his.outbox-record', (c, tx, e) =>
    recordHisEvent(c, tx, toHis(e.payload)),
  );
  ctx.events.subscribe(event, 'his.outbox-deliver', (c, e) => dispatchHisEvent(c, toHis(e.payload).eventId));
}

/**
 * The HIS said it does not know what an event told it (a card bound before bindings were sent, a
 * HIS restored from a backup): the event is recorded if it never was, sent again if it was, at most
 * once a minute so that patients reading their file cannot flood the HIS.
 */
export async function resendHisEvent(
  ctx: AppContext,
  e: { type: HisEventType; eventId: string; subjectId: string },
): Promise<void> {
  await recordHisEvent(ctx, ctx.db, e);
  const now = ctx.clock.now();
  await ctx.db
    .update(hisOutboundEvents)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, sentAt: null, updatedAt: now })
    .where(
      and(
        eq(hisOutboundEvents.eventId, e.eventId),
        inArray(hisOutboundEvents.state, ['sent', 'failed']),
        lte(hisOutboundEvents.updatedAt, new Date(now.getTime() - 60_000)),
      ),
    );
  await dispatchHisEvent(ctx, e.eventId);
}

/** Registers the delivery jobs (no routes); listed with the modules in modules/index.ts. */
export const hisOutboundModule = {
  name: 'his-outbound',
  async register(_fastify: FastifyInstance, ctx: AppContext): Promise<void> {
    // each delivery waits on the HIS over the network: several at once at a morning check-in peak
    ctx.jobs.register<{ eventId: string }>(HIS_EVENT_JOB, async (d) => deliverHisEvent(ctx, d.eventId), {
      concurrency: 4,
    });
    ctx.jobs.register(HIS_EVENT_SWEEP_JOB, async () => void (await sweepHisEvents(ctx)), {
      cron: '* * * * *',
    });
  },
};
