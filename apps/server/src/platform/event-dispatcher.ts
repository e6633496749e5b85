import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { AppContext } from './context.js';
import { DomainError, notFound } from './errors.js';
import type { EventBus } from './events.js';

/** The PostgreSQL channel that carries event wake-ups and cross-process notices. */
export const EVENTS_CHANNEL = 'qn_events';

interface Claimed {
  event_id: string;
  subscriber: string;
  attempts: number;
  name: string;
  payload: unknown;
  published_at: Date | string;
}

const BATCH = 50;
/** A claimed delivery whose process died is due again after this long. */
const LEASE_MS = 5 * 60_000;
/** First retry delay; each further failure doubles it, up to an hour. */
const FIRST_BACKOFF_MS = 5000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** Without a wake-up, due deliveries (retries, anything missed) are looked for this often. */
const POLL_MS = { pglite: 1000, postgres: 5000 } as const;
/** Delivered events are kept this long (support reads them), then pruned by the daily job. */
export const DELIVERED_RETENTION_DAYS = 30;

/**
 * Delivers the outbox to the after-commit subscribers of this process. A delivery is claimed by
 * one statement (FOR UPDATE SKIP LOCKED, pushing next_attempt_at past a lease and counting the
 * attempt), so several processes on one database never run the same delivery at once; the outcome
 * is written back only if the claim is still this one (same attempt count). A crash after the
 * handler ran but before the outcome was written means the delivery runs again: at least once.
 *
 * Wake-ups: on PostgreSQL a dedicated connection LISTENs on the events channel (the publisher's
 * NOTIFY arrives when its transaction commits), and a slower poll finds retries that came due and
 * anything missed while reconnecting. PGlite has one connection and one process: it polls.
 */
export class EventDispatcher {
  private timer?: NodeJS.Timeout;
  private listener?: pg.Client;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(
    private readonly bus: EventBus,
    private readonly context: () => AppContext,
  ) {}

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const ctx = this.context();
    if (ctx.database.kind === 'postgres' && ctx.database.url) await this.listen(ctx.database.url);
    this.schedulePoll();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    await this.running;
  }

  /** One pass over every due delivery this process has a subscriber for. */
  async dispatchDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.claimAndRun();
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** Delivers the due deliveries of these events now (after their transaction has committed). */
  async deliverEvents(ids: string[], subscriber?: string): Promise<void> {
    if (ids.length) await this.claimAndRun(ids, subscriber);
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // `running` is cleared in the same step as the last look at `again`, so no wake-up falls between
    this.running = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.dispatchDue();
          } catch (err) {
            if (!this.stopped) this.context().log.error({ err }, 'event dispatch failed');
          }
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })();
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    const ctx = this.context();
    const every = POLL_MS[ctx.database.kind];
    this.timer = setTimeout(() => {
      this.wake();
      this.schedulePoll();
    }, every);
    this.timer.unref();
  }

  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (msg) => {
      if (msg.channel !== EVENTS_CHANNEL || !msg.payload) return;
      let m: { k?: string; topic?: unknown; origin?: unknown; data?: unknown };
      try {
        m = JSON.parse(msg.payload);
      } catch {
        return;
      }
      if (m.k === 'event') this.wake();
      else if (m.k === 'notice') this.bus.receiveNotice(m);
    });
    client.on('error', (err) => {
      if (this.stopped || this.listener !== client) return;
      this.context().log.warn({ err }, 'event listener lost its connection; reconnecting');
      this.listener = undefined;
      client.end().catch(() => undefined);
      const retry = setTimeout(() => {
        if (!this.stopped)
          this.listen(url).then(
            () => this.wake(),
            () => undefined,
          );
      }, 1000);
      retry.unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      this.context().log.warn({ err }, 'event listener could not connect; polling until it can');
      const retry = setTimeout(() => {
        if (!this.stopped)
          this.listen(url).then(
            () => this.wake(),
            () => undefined,
          );
      }, 5000);
      retry.unref();
    }
  }

  private async claimAndRun(eventIds?: string[], subscriber?: string): Promise<number> {
    const ctx = this.context();
    const mine = subscriber ? [subscriber] : this.bus.subscriberNames();
    if (!mine.length) return 0;
    const now = ctx.clock.now();
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    const onlyEvents = eventIds ? sql`AND event_id = ANY(${`{${eventIds.join(',')}}`}::bigint[])` : sql``;
    const claimed = (
      await ctx.db.execute(sql`
        WITH c AS (
          SELECT event_id, subscriber FROM outbox_deliveries
          WHERE state = 'pending' AND next_attempt_at <= ${now.toISOString()}::timestamptz
            AND subscriber = ANY(${textArray(mine)}::text[]) ${onlyEvents}
          ORDER BY next_attempt_at, event_id
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE outbox_deliveries d
        SET attempts = d.attempts + 1, last_attempt_at = ${now.toISOString()}::timestamptz,
            next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
        FROM c, outbox e
        WHERE d.event_id = c.event_id AND d.subscriber = c.subscriber AND e.id = d.event_id
        RETURNING d.event_id::text AS event_id, d.subscriber, d.attempts, e.name, e.payload, e.published_at`)
    ).rows as unknown as Claimed[];
    claimed.sort((a, b) => Number(a.event_id) - Number(b.event_id));
    for (const c of claimed) await this.run(c);
    return claimed.length;
  }

  private async run(c: Claimed): Promise<void> {
    const ctx = this.context();
    const sub = this.bus.subscription(c.name, c.subscriber);
    let error: unknown;
    if (!sub) error = new Error(`no subscriber ${c.subscriber} for ${c.name} in this process`);
    else {
      try {
        await sub.handler(ctx, {
          id: c.event_id,
          name: c.name,
          payload: typeof c.payload === 'string' ? JSON.parse(c.payload) : c.payload,
          publishedAt: new Date(c.published_at),
          attempt: c.attempts,
        });
      } catch (err) {
        error = err;
      }
    }
    const now = ctx.clock.now();
    const claim = sql`event_id = ${c.event_id}::bigint AND subscriber = ${c.subscriber}
      AND state = 'pending' AND attempts = ${c.attempts}`;
    if (error === undefined) {
      await ctx.db.execute(sql`
        UPDATE outbox_deliveries SET state = 'delivered', delivered_at = ${now.toISOString()}::timestamptz,
          last_error = NULL WHERE ${claim}`);
      return;
    }
    const max = sub?.maxAttempts ?? 1;
    const dead = c.attempts >= max;
    const delay = Math.min(FIRST_BACKOFF_MS * 2 ** (c.attempts - 1), MAX_BACKOFF_MS);
    const text = errorText(error);
    ctx.log[dead ? 'error' : 'warn'](
      { err: error, event: c.name, eventId: c.event_id, subscriber: c.subscriber, attempt: c.attempts },
      dead ? 'event delivery is dead after its last attempt' : 'event delivery failed; will retry',
    );
    await ctx.db.execute(sql`
      UPDATE outbox_deliveries
      SET state = ${dead ? 'dead' : 'pending'}, last_error = ${text},
          dead_at = ${dead ? now.toISOString() : null}::timestamptz,
          next_attempt_at = ${new Date(now.getTime() + delay).toISOString()}::timestamptz
      WHERE ${claim}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Dead letters, for operators (platform/event-routes.ts)
// ---------------------------------------------------------------------------------------------

export interface DeliveryView {
  eventId: string;
  event: string;
  subscriber: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  publishedAt: Date;
  lastAttemptAt: Date | null;
  deadAt: Date | null;
  deliveredAt: Date | null;
  payload: unknown;
}

const VIEW = sql`SELECT d.event_id::text AS "eventId", e.name AS event, d.subscriber, d.state, d.attempts,
  d.last_error AS "lastError", e.published_at AS "publishedAt", d.last_attempt_at AS "lastAttemptAt",
  d.dead_at AS "deadAt", d.delivered_at AS "deliveredAt", e.payload
  FROM outbox_deliveries d JOIN outbox e ON e.id = d.event_id`;

export async function listDeadDeliveries(
  ctx: AppContext,
  opts: { limit?: number; before?: Date } = {},
): Promise<DeliveryView[]> {
  const before = opts.before ? sql`AND d.dead_at < ${opts.before.toISOString()}::timestamptz` : sql``;
  const rows = (
    await ctx.db.execute(sql`${VIEW} WHERE d.state = 'dead' ${before}
      ORDER BY d.dead_at DESC, d.event_id DESC LIMIT ${opts.limit ?? 50}`)
  ).rows;
  return rows.map(deliveryView);
}

export async function getDelivery(
  ctx: AppContext,
  eventId: string,
  subscriber: string,
): Promise<DeliveryView | undefined> {
  const [row] = (
    await ctx.db.execute(sql`${VIEW} WHERE d.event_id = ${eventId}::bigint AND d.subscriber = ${subscriber}`)
  ).rows;
  return row ? deliveryView(row) : undefined;
}

/**
 * An operator sends a dead delivery round again: it becomes pending with a fresh count of attempts
 * and is delivered at once in this process; the answer is the delivery as it stands afterwards
 * (delivered, or pending again with its new error and backoff).
 */
export async function retryDeadDelivery(
  ctx: AppContext,
  eventId: string,
  subscriber: string,
): Promise<DeliveryView> {
  if (!/^\d{1,18}$/.test(eventId)) throw notFound('event delivery', '事件投递');
  const found = await getDelivery(ctx, eventId, subscriber);
  if (!found) throw notFound('event delivery', '事件投递');
  if (!ctx.events.subscription(found.event, subscriber))
    throw new DomainError(
      'EVENT_SUBSCRIBER_UNKNOWN',
      409,
      '该订阅者已不存在，无法重新投递',
      'No such subscriber in this version: the delivery cannot be retried',
      { subscriber },
    );
  const now = ctx.clock.now();
  const reopened = (
    await ctx.db.execute(sql`
      UPDATE outbox_deliveries SET state = 'pending', attempts = 0, dead_at = NULL,
        next_attempt_at = ${now.toISOString()}::timestamptz
      WHERE event_id = ${eventId}::bigint AND subscriber = ${subscriber} AND state = 'dead'
      RETURNING event_id`)
  ).rows;
  if (!reopened.length)
    throw new DomainError(
      'EVENT_DELIVERY_NOT_DEAD',
      409,
      '该投递不是失败状态，无需重新投递',
      'Only a dead delivery can be retried',
      { state: found.state },
    );
  await ctx.events.dispatcher.deliverEvents([eventId], subscriber);
  return (await getDelivery(ctx, eventId, subscriber))!;
}

/**
 * Deletes events every delivery of which was delivered more than the retention ago (dead and pending
 * ones are kept, with their events). Returns how many events went.
 */
export async function pruneDeliveredEvents(ctx: AppContext): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - DELIVERED_RETENTION_DAYS * 86_400_000).toISOString();
  const r = await ctx.db.execute(sql`
    WITH old AS (
      SELECT e.id FROM outbox e
      WHERE e.published_at < ${before}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.event_id = e.id
                          AND (d.state <> 'delivered' OR d.delivered_at >= ${before}::timestamptz))
      ORDER BY e.id LIMIT 10000
    ), gone AS (
      DELETE FROM outbox_deliveries d USING old WHERE d.event_id = old.id
    )
    DELETE FROM outbox e USING old WHERE e.id = old.id RETURNING e.id`);
  return r.rows.length;
}

function deliveryView(r: Record<string, unknown>): DeliveryView {
  const date = (v: unknown) => (v == null ? null : new Date(v as string));
  return {
    eventId: String(r.eventId),
    event: String(r.event),
    subscriber: String(r.subscriber),
    state: r.state as DeliveryView['state'],
    attempts: Number(r.attempts),
    lastError: (r.lastError as string | null) ?? null,
    publishedAt: new Date(r.publishedAt as string),
    lastAttemptAt: date(r.lastAttemptAt),
    deadAt: date(r.deadAt),
    deliveredAt: date(r.deliveredAt),
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  };
}

function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const text =
    e && typeof e === 'object'
      ? `${e.code ? `${String(e.code)}: ` : ''}${String(e.message ?? err)}`
      : String(err);
  return text.slice(0, 1000);
}

/** A text[] literal for one bound parameter (drizzle would expand a JS array into a row). */
export function textArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
