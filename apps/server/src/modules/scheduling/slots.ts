import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { notFound } from '../../platform/errors.js';
import { schedules, type BookingChannel, type SlotState } from './schema.js';

/**
 * The slot pool. Every change of a slot's state is one conditional statement, so two callers can
 * never hold the same slot: the take below picks a free row with FOR UPDATE SKIP LOCKED (parallel
 * takers skip each other's rows instead of queueing on them) and updates it only while it is still
 * 'available'. Release and stop only move a slot that is still held by the registration named.
 */

export interface TakenSlot {
  id: string;
  scheduleId: string;
  segmentId: string;
  number: number;
  segmentStartAt: Date;
  segmentEndAt: Date;
  /** the lock's deadline as taken: the requested one, or the segment's check-in close if earlier */
  lockExpiresAt: Date | null;
}

/**
 * Takes the lowest free slot of a schedule (optionally of one segment) for `channel`: slots in the
 * channel's own reserved bucket or in the shared bucket, in open segments whose check-in has not
 * closed (segments starting at or after `bookableFrom`, see check-in-window.ts). `state` is 'locked'
 * (waiting for payment until `lockExpiresAt`, but never past the segment's check-in close) or
 * 'booked' (zero fee, paid elsewhere).
 */
export async function takeSlot(
  tx: Tx,
  input: {
    scheduleId: string;
    segmentId?: string;
    channel: BookingChannel;
    registrationId: string;
    state: 'locked' | 'booked';
    lockExpiresAt: Date | null;
    now: Date;
    /** segments starting earlier have closed their check-in and are not sold */
    bookableFrom: Date;
    /** how long after its start a segment can still be checked in: a lock ends by then */
    checkInClosesMinutes: number;
  },
): Promise<TakenSlot | undefined> {
  const segmentFilter = input.segmentId ? sql`AND s.segment_id = ${input.segmentId}` : sql``;
  // a payment landing after check-in closed could buy nothing usable: the lock (and with it the
  // payment order's expiry) ends at the segment's check-in close when that comes first
  const lockExpiry =
    input.lockExpiresAt === null
      ? sql`NULL::timestamptz`
      : sql`LEAST(${input.lockExpiresAt}::timestamptz, g.start_at + make_interval(mins => ${input.checkInClosesMinutes}::int))`;
  const result = await tx.execute(sql`
    UPDATE slots AS t
       SET state = ${input.state}, registration_id = ${input.registrationId},
           lock_expires_at = ${lockExpiry}, updated_at = ${input.now}
      FROM schedule_segments AS g
     WHERE g.id = t.segment_id
       AND t.state = 'available'
       AND t.id = (
         SELECT s.id FROM slots AS s
           JOIN schedule_segments AS sg ON sg.id = s.segment_id
          WHERE s.schedule_id = ${input.scheduleId}
            AND s.state = 'available'
            AND s.channel IN ('shared', ${input.channel})
            AND sg.state = 'open'
            AND sg.end_at > ${input.now}
            AND sg.start_at >= ${input.bookableFrom}
            ${segmentFilter}
          ORDER BY sg.seq, s.number
          LIMIT 1
          FOR UPDATE OF s SKIP LOCKED)
    RETURNING t.id, t.schedule_id, t.segment_id, t.number, g.start_at, g.end_at, t.lock_expires_at`);
  const row = (result as unknown as { rows: Record<string, unknown>[] }).rows[0];
  if (!row) return undefined;
  return {
    id: String(row.id),
    scheduleId: String(row.schedule_id),
    segmentId: String(row.segment_id),
    number: Number(row.number),
    segmentStartAt: new Date(row.start_at as string),
    segmentEndAt: new Date(row.end_at as string),
    lockExpiresAt: row.lock_expires_at ? new Date(row.lock_expires_at as string) : null,
  };
}

/**
 * A booking's first read: the schedule and, in the same statement, a lock-free count of the slots
 * `takeSlot` could take (the release-peak queue uses it; counted up to 10,000). At release time most
 * requests find the pool empty, and answering them "sold out" here spares the limit checks and the
 * locking transaction. It never decides a booking: a count above 0 is followed by the atomic take,
 * which alone claims a slot.
 */
export async function scheduleForBooking(
  db: Db,
  input: { scheduleId: string; segmentId?: string; channel: BookingChannel; now: Date; bookableFrom: Date },
): Promise<{ schedule: typeof schedules.$inferSelect; free: number }> {
  const segmentFilter = input.segmentId ? sql`AND s.segment_id = ${input.segmentId}` : sql``;
  const [row] = await db
    .select({
      schedule: schedules,
      free: sql<number>`(SELECT count(*)::int FROM (
        SELECT 1 FROM slots AS s
          JOIN schedule_segments AS sg ON sg.id = s.segment_id
         WHERE s.schedule_id = ${input.scheduleId}
           AND s.state = 'available'
           AND s.channel IN ('shared', ${input.channel})
           AND sg.state = 'open'
           AND sg.end_at > ${input.now}
           AND sg.start_at >= ${input.bookableFrom}
           ${segmentFilter}
         LIMIT 10000) AS f)`,
    })
    .from(schedules)
    .where(eq(schedules.id, input.scheduleId));
  if (!row) throw notFound('schedule', '排班');
  return { schedule: row.schedule, free: Number(row.free) };
}

/** Locked → booked for the registration that holds it. Returns false when it no longer holds it. */
export async function markSlotBooked(
  tx: Tx,
  slotId: string,
  registrationId: string,
  now: Date,
): Promise<boolean> {
  const r = await tx.execute(sql`
    UPDATE slots SET state = 'booked', lock_expires_at = NULL, updated_at = ${now}
     WHERE id = ${slotId} AND registration_id = ${registrationId} AND state IN ('locked', 'booked')
    RETURNING id`);
  return rowsOf(r).length === 1;
}

/**
 * Gives a slot back: to the pool ('available') unless its segment or schedule has been stopped,
 * in which case it stays withdrawn ('stopped'). Only the holding registration can free it.
 */
export async function freeSlot(
  tx: Tx,
  slotId: string,
  registrationId: string,
  now: Date,
): Promise<SlotState | undefined> {
  const r = await tx.execute(sql`
    UPDATE slots AS t
       SET state = CASE WHEN g.state = 'open' AND s.state = 'open' THEN 'available' ELSE 'stopped' END,
           registration_id = NULL, lock_expires_at = NULL, updated_at = ${now}
      FROM schedule_segments AS g, schedules AS s
     WHERE t.id = ${slotId} AND t.registration_id = ${registrationId}
       AND g.id = t.segment_id AND s.id = t.schedule_id
    RETURNING t.state`);
  const row = rowsOf(r)[0];
  return row ? (row.state as SlotState) : undefined;
}

export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}
