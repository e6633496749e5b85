import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { AppContext } from './context.js';
import { EVENTS_CHANNEL, EventDispatcher, textArray } from './event-dispatcher.js';

/**
 * The event bus: one way for a module to tell others that something happened.
 *
 * - A module declares its events in its own file (`defineEvent<Payload>('registration.confirmed')`)
 *   and exports them through its surface; the payload is plain JSON (dates as ISO strings).
 * - `ctx.events.publish(tx, Event(payload))` writes the event to the outbox inside the caller's
 *   business transaction, with one delivery row per after-commit subscriber; a rolled-back
 *   transaction leaves no event. On PostgreSQL it also NOTIFYs in that transaction, so the signal
 *   fires on commit and only then.
 * - Modules subscribe while the app is built (`ctx.events.subscribe(Event, 'invoicing.issue', fn)`).
 *   An after-commit subscriber is called at least once per event, with the event id, so it keeps
 *   itself idempotent (a delivery may repeat after a crash or a lost acknowledgement); a failure is
 *   retried with exponential backoff and after `maxAttempts` the delivery is dead, listed for
 *   operators, who may retry it (platform/event-routes.ts).
 * - `subscribeInTransaction` is for the few reactions that must share the publishing transaction:
 *   a row that must exist exactly when the business change does, or a check that may veto it (the
 *   handler throws and the whole transaction rolls back). Use it only when after-commit would be
 *   wrong: it makes the publisher wait for, and fail with, the subscriber.
 * - `ctx.events.transaction(fn)` is `ctx.db.transaction(fn)` that, once committed, delivers the
 *   events published in it at once in this process (awaited), before the caller answers; the
 *   dispatcher is the safety net (crash between commit and delivery, failures, other processes).
 * - Notices (`notice(topic)` / `onNotice(topic, fn)`) ride the same PostgreSQL channel to the other
 *   server processes on the database: no storage, no retry, for signals such as "flush your read
 *   cache" that are harmless to miss during a reconnect (each process still expires its cache).
 */

/** An event as published: its name and its JSON payload. */
export interface BusEvent<P> {
  readonly name: string;
  readonly payload: P;
}

/** A declared event: call it with a payload to make the event to publish. */
export interface EventType<P> {
  (payload: P): BusEvent<P>;
  readonly eventName: string;
  /** Type carrier only (never set). */
  readonly __payload?: P;
}

export function defineEvent<P>(name: string): EventType<P> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z0-9_-]+)+$/.test(name)) throw new Error(`bad event name ${name}`);
  const make = (payload: P): BusEvent<P> => ({ name, payload });
  return Object.assign(make, { eventName: name }) as EventType<P>;
}

/** What a subscriber receives. `id` is the same on every delivery of one event: key idempotency on it. */
export interface DeliveredEvent<P> {
  id: string;
  name: string;
  payload: P;
  publishedAt: Date;
  /** 1 on the first delivery to this subscriber, more on retries (0 for in-transaction subscribers). */
  attempt: number;
}

export type EventHandler<P> = (ctx: AppContext, event: DeliveredEvent<P>) => Promise<void>;
export type InTransactionHandler<P> = (ctx: AppContext, tx: Db, event: DeliveredEvent<P>) => Promise<void>;

export interface Subscription {
  event: string;
  subscriber: string;
  handler: EventHandler<unknown>;
  maxAttempts: number;
}

export interface NoticeHandler {
  (data: Record<string, unknown>): void;
}

export { EVENTS_CHANNEL };
export const DEFAULT_MAX_ATTEMPTS = 10;

export class EventBus {
  private readonly afterCommit = new Map<string, Map<string, Subscription>>();
  private readonly inTransaction = new Map<
    string,
    Array<{ subscriber: string; handler: InTransactionHandler<unknown> }>
  >();
  private readonly noticeHandlers = new Map<string, NoticeHandler[]>();
  private readonly collecting = new WeakMap<object, string[]>();
  /** This bus's identity on the notice channel (a process may build several apps in tests). */
  readonly origin = randomUUID();
  readonly dispatcher: EventDispatcher;

  constructor(private readonly context: () => AppContext) {
    this.dispatcher = new EventDispatcher(this, context);
  }

  /** Registers an after-commit subscriber (while the app is built). `subscriber` names it for good: deliveries are keyed by it. */
  subscribe<P>(
    event: EventType<P>,
    subscriber: string,
    handler: EventHandler<P>,
    opts: { maxAttempts?: number } = {},
  ): void {
    let subs = this.afterCommit.get(event.eventName);
    if (!subs) this.afterCommit.set(event.eventName, (subs = new Map()));
    if (subs.has(subscriber)) throw new Error(`${subscriber} subscribed twice to ${event.eventName}`);
    subs.set(subscriber, {
      event: event.eventName,
      subscriber,
      handler: handler as EventHandler<unknown>,
      maxAttempts: Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    });
  }

  /** Registers a subscriber that runs inside the publishing transaction; throwing vetoes it. */
  subscribeInTransaction<P>(event: EventType<P>, subscriber: string, handler: InTransactionHandler<P>): void {
    let subs = this.inTransaction.get(event.eventName);
    if (!subs) this.inTransaction.set(event.eventName, (subs = []));
    if (subs.some((s) => s.subscriber === subscriber))
      throw new Error(`${subscriber} subscribed twice to ${event.eventName}`);
    subs.push({ subscriber, handler: handler as InTransactionHandler<unknown> });
  }

  /**
   * Writes the event in `tx` (pass the business transaction; `ctx.db` makes it its own) and runs the
   * in-transaction subscribers. Returns the event id.
   */
  async publish<P>(tx: Db, event: BusEvent<P>): Promise<string> {
    const ctx = this.context();
    const now = ctx.clock.now();
    const subs = [...(this.afterCommit.get(event.name)?.keys() ?? [])];
    const [row] = (
      await tx.execute(sql`
        WITH e AS (
          INSERT INTO outbox (name, payload, published_at)
          VALUES (${event.name}, ${JSON.stringify(event.payload ?? null)}::jsonb, ${now.toISOString()}::timestamptz)
          RETURNING id
        ), d AS (
          INSERT INTO outbox_deliveries (event_id, subscriber, next_attempt_at)
          SELECT e.id, s, ${now.toISOString()}::timestamptz FROM e, unnest(${textArray(subs)}::text[]) AS s
        )
        SELECT id::text AS id FROM e`)
    ).rows as Array<{ id: string }>;
    const id = row.id;
    const delivered: DeliveredEvent<P> = {
      id,
      name: event.name,
      payload: event.payload,
      publishedAt: now,
      attempt: 0,
    };
    for (const s of this.inTransaction.get(event.name) ?? [])
      await s.handler(ctx, tx, delivered as DeliveredEvent<unknown>);
    if (subs.length) {
      if (ctx.database.kind === 'postgres')
        await tx.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ k: 'event', id })})`);
      this.collecting.get(tx)?.push(id);
    }
    return id;
  }

  /**
   * A business transaction whose events are delivered in this process as soon as it commits (and
   * awaited), so the caller's reply already reflects its subscribers, as the old direct calls did.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const ids: string[] = [];
    const result = await this.context().db.transaction(async (tx) => {
      this.collecting.set(tx, ids);
      return fn(tx);
    });
    // The business change has committed: nothing here may fail it (a payment's business step that
    // threw would be refunded). A delivery that cannot run now is the dispatcher's to retry.
    if (ids.length)
      await this.deliver(ids).catch((err) =>
        this.context().log.error(
          { err, events: ids },
          'events not delivered at commit; the dispatcher retries them',
        ),
      );
    return result;
  }

  /** Delivers these committed events now in this process (each subscriber whose delivery is due). */
  async deliver(ids: string | string[]): Promise<void> {
    await this.dispatcher.deliverEvents(Array.isArray(ids) ? ids : [ids]);
  }

  /** One pass over every due delivery (tests, the poll loop, a NOTIFY wake-up). Returns how many ran. */
  async dispatch(): Promise<number> {
    return this.dispatcher.dispatchDue();
  }

  /** Tells the other server processes on this PostgreSQL database (no-op on PGlite: one process). */
  async notice(topic: string, data: Record<string, unknown> = {}): Promise<void> {
    const ctx = this.context();
    if (ctx.database.kind !== 'postgres') return;
    const text = JSON.stringify({ k: 'notice', topic, origin: this.origin, data });
    await ctx.database.raw.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, text]);
  }

  /** Handles a notice sent by another process (never one's own: the sender acts locally itself). */
  onNotice(topic: string, handler: NoticeHandler): void {
    const list = this.noticeHandlers.get(topic) ?? [];
    list.push(handler);
    this.noticeHandlers.set(topic, list);
  }

  /** Starts the dispatcher: LISTEN on PostgreSQL, polling for due deliveries on both engines. */
  start(): Promise<void> {
    return this.dispatcher.start();
  }

  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  // -- used by the dispatcher ------------------------------------------------------------------

  subscription(event: string, subscriber: string): Subscription | undefined {
    return this.afterCommit.get(event)?.get(subscriber);
  }

  subscriberNames(): string[] {
    const names = new Set<string>();
    for (const subs of this.afterCommit.values()) for (const s of subs.keys()) names.add(s);
    return [...names];
  }

  /** Every subscription, for the docs and the operators' view. */
  subscriptions(): Array<{ event: string; subscriber: string; inTransaction: boolean }> {
    const out: Array<{ event: string; subscriber: string; inTransaction: boolean }> = [];
    for (const [event, subs] of this.inTransaction)
      for (const s of subs) out.push({ event, subscriber: s.subscriber, inTransaction: true });
    for (const [event, subs] of this.afterCommit)
      for (const s of subs.keys()) out.push({ event, subscriber: s, inTransaction: false });
    return out;
  }

  receiveNotice(message: { topic?: unknown; origin?: unknown; data?: unknown }): void {
    if (message.origin === this.origin || typeof message.topic !== 'string') return;
    const data = (message.data && typeof message.data === 'object' ? message.data : {}) as Record<
      string,
      unknown
    >;
    for (const h of this.noticeHandlers.get(message.topic) ?? []) {
      try {
        h(data);
      } catch (err) {
        this.context().log.error({ err, topic: message.topic }, 'notice handler failed');
      }
    }
  }
}
