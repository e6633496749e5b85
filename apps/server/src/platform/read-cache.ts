import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.js';

/**
 * A short-lived in-process cache for the public reads that many patients make at the same moment
 * (the department tree, doctor lists, schedules with remaining numbers at a release). Entries live
 * `READ_CACHE_MS` of real time (0 turns the cache off); concurrent misses of one key share one load;
 * any successful staff write (a non-GET under /api/v1/admin or /api/v1/staff) empties the cache, so
 * a change made in the console shows at once on this process, and on the other server processes of
 * the same PostgreSQL database as soon as the flush notice reaches them (ctx.events.notice); a
 * notice lost while a listener reconnects still ends with the entries' lifetime.
 * Remaining numbers may lag a booking by that long; the booking itself always reads the database.
 */
export class ReadCache {
  private readonly entries = new Map<string, { until: number; value: Promise<unknown> }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 2000,
  ) {}

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T>;
    const generation = this.generation;
    const value = load();
    this.entries.set(key, { until: now + this.ttlMs, value });
    if (this.entries.size > this.maxEntries) {
      // drop the oldest entry (Map keeps insertion order)
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    // a failed load is not remembered; nor is one that started before a flush
    value.then(
      (v) => {
        if (generation !== this.generation) this.entries.delete(key);
        else if (v !== null && typeof v === 'object') shared.add(v);
      },
      () => this.entries.delete(key),
    );
    return value;
  }

  /** Remembers a fact (e.g. "this clinic is sold out") for the cache's lifetime. */
  mark(key: string): void {
    if (this.ttlMs <= 0) return;
    this.entries.set(key, { until: performance.now() + this.ttlMs, value: Promise.resolve(true) });
  }

  /** Whether a fact was marked within the cache's lifetime (and not flushed since). */
  marked(key: string): boolean {
    const hit = this.entries.get(key);
    return !!hit && hit.until > performance.now();
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const caches = new WeakMap<AppContext, ReadCache>();

/** The read cache of this app (one per AppContext). */
export function readCache(ctx: AppContext): ReadCache {
  let c = caches.get(ctx);
  if (!c) {
    c = new ReadCache(ctx.config.READ_CACHE_MS);
    caches.set(ctx, c);
  }
  return c;
}

/** The notice other server processes act on by emptying their read cache. */
export const READ_CACHE_FLUSH = 'read-cache.flush';

const STAFF_WRITE = /^\/api\/v1\/(admin|staff)\//;

/** Values the cache hands out to many requests (never changed after they were loaded). */
const shared = new WeakSet<object>();
/** Their JSON, made once per value rather than once per request. */
const json = new WeakMap<object, string>();

/**
 * Empties the read cache after every successful staff write, and sends a cached value that a route
 * returns as it is (no response schema) with its JSON made once: at a release peak the same
 * schedule list goes to thousands of patients a second, and turning it into JSON for each of them
 * was the largest single cost of browsing.
 */
export function flushReadCacheOnStaffWrites(app: FastifyInstance, ctx: AppContext): void {
  ctx.events.onNotice(READ_CACHE_FLUSH, () => readCache(ctx).clear());
  app.addHook('preSerialization', (req, reply, payload, done) => {
    if (
      payload !== null &&
      typeof payload === 'object' &&
      shared.has(payload) &&
      !req.routeOptions.schema?.response
    ) {
      let text = json.get(payload);
      if (text === undefined) {
        text = JSON.stringify(payload);
        json.set(payload, text);
      }
      const body = text;
      reply.serializer(() => body);
    }
    done(null, payload);
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 400) return;
    if (!STAFF_WRITE.test(req.url)) return;
    readCache(ctx).clear();
    await ctx.events
      .notice(READ_CACHE_FLUSH)
      .catch((err) => ctx.log.warn({ err }, 'read-cache flush notice not sent'));
  });
}
