import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database } from '../db/client.js';
import { createTestApp, isPostgres, type TestApp } from '../testing/harness.js';
import { hospitalClock } from './clock.js';
import { businessNumberSql, nextBusinessNumber } from './ids.js';
import { sql } from 'drizzle-orm';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const shape = /^P20261123\d{10}$/;

describe('business numbers from the database sequence', () => {
  it("carry the hospital's date, not the UTC one", async () => {
    // 2026-11-22T17:00Z is already 01:00 on the 23rd in Shanghai
    t.clock.set('2026-11-22T17:00:00Z');
    const no = await nextBusinessNumber(t.app.ctx.db, t.app.ctx.clock, 'P');
    expect(no).toMatch(shape);
    const r = await t.app.ctx.db.execute(sql`SELECT ${businessNumberSql(t.app.ctx.clock, 'P')} AS no`);
    expect(String(r.rows[0]!.no)).toMatch(shape);
    expect(String(r.rows[0]!.no) > no).toBe(true);
  });

  it('two issuers drawing at once never hand out the same number', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const ctx = t.app.ctx;
    // on PostgreSQL the second issuer is another connection pool, as a second server process is
    let other: Database | undefined;
    if (isPostgres()) other = await openPostgres(t.database.url!, 4);
    try {
      const second = other?.db ?? ctx.db;
      const secondClock = hospitalClock(t.clock, ctx.config.HOSPITAL_TIMEZONE);
      const draws = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          i % 2 === 0
            ? nextBusinessNumber(ctx.db, ctx.clock, 'P')
            : second.transaction((tx) => nextBusinessNumber(tx, secondClock, 'P')),
        ),
      );
      expect(new Set(draws).size).toBe(draws.length);
      for (const no of draws) expect(no).toMatch(shape);
    } finally {
      await other?.close();
    }
  });
});
