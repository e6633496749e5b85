import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../app.js';
import { openPostgres, type Database } from '../db/client.js';
import { createTestApp, isPostgres, makeApi, type Api, type TestApp } from '../testing/harness.js';
import { testConfig } from '../testing/config.js';
import { loginStaff } from '../testing/staff.js';
import { defineEvent, type DeliveredEvent } from './events.js';
import { pruneDeliveredEvents } from './event-dispatcher.js';

// The event bus on the outbox: what an operator and a subscribing module can rely on.
const NoteWritten = defineEvent<{ note: string }>('test.note-written');
const Vetoable = defineEvent<{ allow: boolean }>('test.vetoable');

let t: TestApp;
let admin: string;
const seen: Array<DeliveredEvent<{ note: string }>> = [];
/** What an idempotent subscriber does: its effect is keyed by the event id. */
const effects = new Map<string, string>();
let failuresLeft = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginStaff(t, 'admin')).token;
  t.app.ctx.events.subscribe(
    NoteWritten,
    'test.recorder',
    async (_ctx, e) => {
      seen.push(e);
      if (failuresLeft > 0) {
        failuresLeft--;
        throw Object.assign(new Error('recorder is down'), { code: 'RECORDER_DOWN' });
      }
      if (!effects.has(e.id)) effects.set(e.id, e.payload.note);
    },
    { maxAttempts: 3 },
  );
  t.app.ctx.events.subscribeInTransaction(Vetoable, 'test.guard', async (_ctx, _tx, e) => {
    if (!e.payload.allow) throw new Error('vetoed');
  });
});
afterAll(async () => t?.close());

const rows = async (text: string, params: unknown[] = []) => (await t.database.raw.query(text, params)).rows;

describe('event bus', () => {
  it('an event published in a transaction that rolls back is never delivered', async () => {
    const before = seen.length;
    await expect(
      t.app.ctx.events.transaction(async (tx) => {
        await t.app.ctx.events.publish(tx, NoteWritten({ note: 'rolled back' }));
        throw new Error('business step failed');
      }),
    ).rejects.toThrow('business step failed');
    expect(await t.app.ctx.events.dispatch()).toBe(0);
    expect(seen.length).toBe(before);
    expect(await rows(`SELECT 1 FROM outbox WHERE payload->>'note' = 'rolled back'`)).toHaveLength(0);
  });

  it('a committed event reaches its subscriber once it commits, with its id, and is recorded as delivered', async () => {
    const id = await t.app.ctx.events.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'committed' })),
    );
    expect(effects.get(id)).toBe('committed');
    const [d] = await rows(`SELECT state, attempts FROM outbox_deliveries WHERE event_id = $1`, [id]);
    expect(d).toMatchObject({ state: 'delivered', attempts: 1 });
    // nothing is left for the dispatcher
    expect(await t.app.ctx.events.dispatch()).toBe(0);
  });

  it('an event published outside the immediate path is delivered by the dispatcher', async () => {
    const id = await t.app.ctx.db.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'later' })),
    );
    expect(effects.has(id)).toBe(false);
    expect(await t.app.ctx.events.dispatch()).toBe(1);
    expect(effects.get(id)).toBe('later');
  });

  it('delivery is at least once, and a repeated delivery leaves an idempotent subscriber as it was', async () => {
    const id = await t.app.ctx.events.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'once' })),
    );
    const calls = () => seen.filter((e) => e.id === id).length;
    expect(calls()).toBe(1);
    // the process died after the handler ran and before the delivery was marked: once the claim's
    // lease has passed, it runs again
    await rows(`UPDATE outbox_deliveries SET state = 'pending', delivered_at = NULL WHERE event_id = $1`, [
      id,
    ]);
    expect(await t.app.ctx.events.dispatch()).toBe(0);
    t.clock.advance(5 * 60_000);
    expect(await t.app.ctx.events.dispatch()).toBe(1);
    expect(calls()).toBe(2);
    expect(seen.filter((e) => e.id === id).map((e) => e.attempt)).toEqual([1, 2]);
    expect([...effects.values()].filter((v) => v === 'once')).toHaveLength(1);
  });

  it('a delivery claimed by a process that died is due again after its lease', async () => {
    const id = await t.app.ctx.db.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'orphan' })),
    );
    // another process claimed it (attempt 1, lease 5 minutes) and never came back
    await rows(`UPDATE outbox_deliveries SET attempts = 1, next_attempt_at = $2 WHERE event_id = $1`, [
      id,
      new Date(t.clock.now().getTime() + 5 * 60_000),
    ]);
    expect(await t.app.ctx.events.dispatch()).toBe(0);
    t.clock.advance(5 * 60_000);
    expect(await t.app.ctx.events.dispatch()).toBe(1);
    expect(effects.get(id)).toBe('orphan');
  });

  it('a failing subscriber is retried with growing delays, then dead and listed for operators, who retry it once fixed', async () => {
    failuresLeft = 3;
    const id = await t.app.ctx.events.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'stubborn' })),
    );
    const delivery = async () =>
      (
        await rows(
          `SELECT state, attempts, next_attempt_at, last_error FROM outbox_deliveries WHERE event_id = $1`,
          [id],
        )
      )[0] as {
        state: string;
        attempts: number;
        next_attempt_at: Date | string;
        last_error: string;
      };
    // the first attempt ran at commit and failed: retried 5 s later, then 10 s after that
    let d = await delivery();
    expect(d).toMatchObject({ state: 'pending', attempts: 1, last_error: 'RECORDER_DOWN: recorder is down' });
    expect(new Date(d.next_attempt_at).getTime() - t.clock.now().getTime()).toBe(5000);
    expect(await t.app.ctx.events.dispatch()).toBe(0); // not yet due
    t.clock.advance(5000);
    expect(await t.app.ctx.events.dispatch()).toBe(1);
    d = await delivery();
    expect(d).toMatchObject({ state: 'pending', attempts: 2 });
    expect(new Date(d.next_attempt_at).getTime() - t.clock.now().getTime()).toBe(10_000);
    t.clock.advance(10_000);
    expect(await t.app.ctx.events.dispatch()).toBe(1);
    d = await delivery();
    expect(d).toMatchObject({ state: 'dead', attempts: 3 });
    expect(effects.has(id)).toBe(false);
    t.clock.advance(3600_000);
    expect(await t.app.ctx.events.dispatch()).toBe(0); // a dead delivery waits for an operator

    // an operator without the permission sees nothing
    admin = (await loginStaff(t, 'admin')).token;
    const operator = (await loginStaff(t, 'operator')).token;
    expect((await t.api.get('/api/v1/admin/events/dead-deliveries', { token: operator })).status).toBe(403);

    const list = await t.api.get('/api/v1/admin/events/dead-deliveries', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        eventId: id,
        event: 'test.note-written',
        subscriber: 'test.recorder',
        state: 'dead',
        attempts: 3,
        lastError: 'RECORDER_DOWN: recorder is down',
        payload: { note: 'stubborn' },
      }),
    );

    // the cause is fixed (failuresLeft is 0 now): retry from the route delivers it at once
    const retry = await t.api.post(`/api/v1/admin/events/dead-deliveries/${id}/test.recorder/retry`, {
      token: admin,
    });
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body).toMatchObject({ state: 'delivered', attempts: 1, lastError: null });
    expect(effects.get(id)).toBe('stubborn');
    const after = await t.api.get('/api/v1/admin/events/dead-deliveries', { token: admin });
    expect(after.body.items.map((i: { eventId: string }) => i.eventId)).not.toContain(id);
    const [logged] = await rows(
      `SELECT actor_id, outcome, detail FROM audit_log WHERE action = 'events.delivery.retry' AND object_id = $1`,
      [`${id}:test.recorder`],
    );
    expect(logged).toMatchObject({
      outcome: 'success',
      detail: { state: 'delivered', event: 'test.note-written' },
    });

    // a second retry is refused: the delivery is no longer dead
    const again = await t.api.post(`/api/v1/admin/events/dead-deliveries/${id}/test.recorder/retry`, {
      token: admin,
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EVENT_DELIVERY_NOT_DEAD');
    const missing = await t.api.post(`/api/v1/admin/events/dead-deliveries/999999999/test.recorder/retry`, {
      token: admin,
    });
    expect(missing.status).toBe(404);
  });

  it('an in-transaction subscriber runs in the publishing transaction and can veto it', async () => {
    await expect(
      t.app.ctx.events.transaction((tx) => t.app.ctx.events.publish(tx, Vetoable({ allow: false }))),
    ).rejects.toThrow('vetoed');
    expect(await rows(`SELECT 1 FROM outbox WHERE name = 'test.vetoable'`)).toHaveLength(0);
    await t.app.ctx.events.transaction((tx) => t.app.ctx.events.publish(tx, Vetoable({ allow: true })));
    expect(await rows(`SELECT 1 FROM outbox WHERE name = 'test.vetoable'`)).toHaveLength(1);
  });
});

describe.skipIf(!isPostgres())('several server processes on one PostgreSQL database', () => {
  let second: { app: App; database: Database; api: Api } | undefined;

  beforeAll(async () => {
    const database = await openPostgres(t.database.url!, 4);
    const app = await buildApp({
      config: testConfig({ READ_CACHE_MS: '60000' }),
      database,
      clock: t.clock,
      logger: false,
    });
    second = { app, database, api: makeApi(app) };
  });
  afterAll(async () => {
    await second?.app.close();
    await second?.database.close();
  });

  it('each flushes its read cache when a staff change is made in the other', async () => {
    // the first app was built with the cache off; give it one like the second's
    const first = await buildApp({
      config: testConfig({ READ_CACHE_MS: '60000' }),
      database: t.database,
      clock: t.clock,
      logger: false,
    });
    try {
      const a = { app: first, api: makeApi(first) };
      const b = second!;
      await a.app.ctx.events.start();
      await b.app.ctx.events.start();
      const name = async (s: { api: Api }) =>
        (await s.api.get('/api/v1/departments')).body.items[0].name as string;
      const dept = (await a.api.get('/api/v1/departments')).body.items[0];
      await b.api.get('/api/v1/departments');
      // both now answer from memory: a change behind the API's back is not seen by either
      await t.database.raw.query('UPDATE departments SET name = $1 WHERE id = $2', ['旁路改名', dept.id]);
      expect(await name(a)).toBe(dept.name);
      expect(await name(b)).toBe(dept.name);

      const edit = await a.api.patch(`/api/v1/admin/departments/${dept.id}`, {
        token: admin,
        body: { name: '甲进程改名' },
      });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      expect(await name(a)).toBe('甲进程改名');
      await expect.poll(() => name(b), { timeout: 5000, interval: 50 }).toBe('甲进程改名');

      await t.database.raw.query('UPDATE departments SET name = $1 WHERE id = $2', ['再次旁路', dept.id]);
      expect(await name(a)).toBe('甲进程改名');
      const back = await b.api.patch(`/api/v1/admin/departments/${dept.id}`, {
        token: admin,
        body: { name: '乙进程改名' },
      });
      expect(back.status).toBe(200);
      await expect.poll(() => name(a), { timeout: 5000, interval: 50 }).toBe('乙进程改名');
    } finally {
      await first.close();
    }
  });

  it('an event published in one process is delivered once by the processes sharing the work', async () => {
    const Ping = defineEvent<{ n: number }>('test.ping');
    const got: Array<{ by: string; id: string }> = [];
    const apps = [t.app, second!.app];
    apps.forEach((app, i) =>
      app.ctx.events.subscribe(Ping, 'test.ping-counter', async (_ctx, e) => {
        got.push({ by: `app${i}`, id: e.id });
      }),
    );
    await t.app.ctx.events.start();
    await second!.app.ctx.events.start();
    const ids: string[] = [];
    for (let n = 0; n < 20; n++)
      ids.push(await t.app.ctx.db.transaction((tx) => t.app.ctx.events.publish(tx, Ping({ n }))));
    await expect
      .poll(() => got.length, { timeout: 20_000, interval: 50 })
      .toBe(20)
      .catch(async (err) => {
        console.log(
          'DIAG',
          JSON.stringify(got),
          JSON.stringify(
            await rows(`SELECT event_id, state, attempts, next_attempt_at, last_error FROM outbox_deliveries
                         WHERE subscriber = 'test.ping-counter' AND state <> 'delivered'`),
          ),
          t.clock.now().toISOString(),
        );
        throw err;
      });
    expect(new Set(got.map((g) => g.id))).toEqual(new Set(ids));
    const [{ n }] = await rows(
      `SELECT count(*)::int AS n FROM outbox_deliveries WHERE subscriber = 'test.ping-counter' AND state = 'delivered'`,
    );
    expect(n).toBe(20);
    await t.app.ctx.events.stop();
  });
});

describe('keeping the outbox small', () => {
  it('delivered events are pruned after the retention; a dead or pending delivery keeps its event', async () => {
    failuresLeft = 1000;
    const stuck = await t.app.ctx.events.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'still failing' })),
    );
    const dead = await t.app.ctx.db.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'dead, waiting for an operator' })),
    );
    await rows(
      `UPDATE outbox_deliveries SET state = 'dead', dead_at = published_at FROM outbox
                 WHERE outbox.id = event_id AND event_id = $1`,
      [dead],
    );
    failuresLeft = 0;
    const delivered = await t.app.ctx.events.transaction((tx) =>
      t.app.ctx.events.publish(tx, NoteWritten({ note: 'delivered long ago' })),
    );
    expect(await pruneDeliveredEvents(t.app.ctx)).toBe(0); // nothing is old enough yet
    t.clock.advance(31 * 86_400_000);
    expect(await pruneDeliveredEvents(t.app.ctx)).toBeGreaterThan(0);
    const left = (await rows(`SELECT id::text AS id FROM outbox`)).map((r) => r.id);
    expect(left).toContain(stuck);
    expect(left).toContain(dead);
    expect(left).not.toContain(delivered);
    expect(await rows(`SELECT 1 FROM outbox_deliveries WHERE event_id = $1`, [delivered])).toHaveLength(0);
  });
});
