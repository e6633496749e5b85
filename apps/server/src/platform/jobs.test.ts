import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildApp, type App } from '../app.js';
import { openPostgres, type Database } from '../db/client.js';
import { openTestDatabase } from '../testing/harness.js';
import { testConfig } from '../testing/config.js';
import { ControlledClock } from './clock.js';
import { PURGE_SESSIONS_JOB } from './session-cleanup.js';
import { Jobs } from './jobs.js';
import pino from 'pino';

// A "restart" is a new app (and on PostgreSQL a new connection pool) on the same database,
// after the first one stopped without finishing its work.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function startApp(database: Database): Promise<App> {
  const app = await buildApp({
    config: testConfig(),
    database,
    clock: new ControlledClock('2026-11-23T01:00:00Z'),
    logger: false,
    jobOptions: { pollingIntervalSeconds: 0.5, cronMonitorIntervalSeconds: 1 },
  });
  await app.ctx.jobs.start();
  return app;
}

async function reopen(database: Database, url: string | undefined): Promise<Database> {
  if (database.kind === 'pglite' || !url) return database;
  await database.close();
  return openPostgres(url, 4);
}

async function insertEndedSession(app: App, id: string) {
  await app.ctx.db.execute(sql`
    INSERT INTO sessions (id, subject_kind, subject_id, created_at, last_seen_at, expires_at)
    VALUES (${id}, 'patient', 'acc', '2020-01-01', '2020-01-01', '2020-01-31')`);
}

async function sessionExists(app: App, id: string) {
  const r = await app.ctx.db.execute(sql`SELECT 1 FROM sessions WHERE id = ${id}`);
  return r.rows.length > 0;
}

async function waitFor(check: () => Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

describe('durable jobs', () => {
  it('runs a job queued before a restart, after the restart', async () => {
    const { database, drop } = await openTestDatabase(4);
    const url = database.url;
    let app = await startApp(database);
    await insertEndedSession(app, 'ended-1');
    // Due only in an hour, so the first server cannot run it however slowly it stops; after the
    // restart the hour "passes" by moving the job's due time, as the clock would.
    await app.ctx.jobs.send(PURGE_SESSIONS_JOB, {}, { startAfter: new Date(Date.now() + 3_600_000) });
    await app.close();
    await app.ctx.jobs.stop();
    expect(await sessionExists(app, 'ended-1')).toBe(true);

    const db2 = await reopen(database, url);
    app = await startApp(db2);
    cleanups.push(async () => {
      await app.close();
      await app.ctx.jobs.stop();
      await db2.close();
      await drop();
    });
    const due = await app.ctx.database.raw.query(
      "UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'created' RETURNING id",
      [PURGE_SESSIONS_JOB],
    );
    expect(due.rows.length).toBeGreaterThan(0);
    expect(await waitFor(async () => !(await sessionExists(app, 'ended-1')), 60_000)).toBe(true);
  }, 90_000);

  it('keeps firing a scheduled (cron) job after a restart', async () => {
    const { database, drop } = await openTestDatabase(4);
    const url = database.url;
    let app = await startApp(database);
    await app.close();
    await app.ctx.jobs.stop();

    const db2 = await reopen(database, url);
    app = await startApp(db2);
    cleanups.push(async () => {
      await app.close();
      await app.ctx.jobs.stop();
      await db2.close();
      await drop();
    });
    const schedules = await app.ctx.database.raw.query<{ name: string }>('SELECT name FROM pgboss.schedule');
    expect(schedules.rows.map((r) => r.name)).toContain(PURGE_SESSIONS_JOB);
    await insertEndedSession(app, 'ended-2');
    // the cron is every 10 minutes; pg-boss fires it at the next matching minute, so force a match by
    // rescheduling every minute through the same mechanism the module uses
    await app.ctx.database.raw.query("UPDATE pgboss.schedule SET cron = '* * * * *' WHERE name = $1", [
      PURGE_SESSIONS_JOB,
    ]);
    expect(await waitFor(async () => !(await sessionExists(app, 'ended-2')), 110_000)).toBe(true);
  }, 150_000);
});

describe('job concurrency', () => {
  it('a queue registered with concurrency 3 works on three jobs at once in one process', async () => {
    const { database, drop } = await openTestDatabase(6);
    cleanups.push(drop);
    const silent = pino({ level: 'silent' });
    const jobs = new Jobs(database, silent, 'Asia/Shanghai', { pollingIntervalSeconds: 0.5 });
    let running = 0;
    let most = 0;
    let finished = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    jobs.register(
      'test.slow-network-call',
      async () => {
        running++;
        most = Math.max(most, running);
        if (running === 3) release();
        // a job waiting on the network: it ends when all three are in (or, so a broken queue cannot
        // hang the run, after 30 s: generous, because on a loaded machine the three fetches take a while)
        await Promise.race([gate, new Promise((r) => setTimeout(r, 30_000))]);
        running--;
        finished++;
      },
      { concurrency: 3 },
    );
    await jobs.start();
    cleanups.push(() => jobs.stop());
    for (let i = 0; i < 3; i++) await jobs.send('test.slow-network-call', { i });
    expect(await waitFor(async () => finished === 3, 120_000)).toBe(true);
    expect(most).toBe(3);
  }, 150_000);
});
