import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { loginStaff } from '../testing/staff.js';
import { newPatient, openClinic } from '../modules/registration/testing.js';

// With the read cache on (as in production), the reads a release peak hammers are served from
// memory, and a staff change shows at once.
let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp({ config: { READ_CACHE_MS: '60000' } });
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());

const sql = (text: string, params: unknown[] = []) => t.app.ctx.database.raw.query(text, params);

describe('read cache for public browsing', () => {
  it('the department tree is served from memory until a staff edit, which shows at once', async () => {
    const first = await t.api.get('/api/v1/departments');
    expect(first.status).toBe(200);
    const dept = first.body.items[0];
    // a change behind the API's back is not seen: the answer comes from memory
    await sql('UPDATE departments SET name = $1 WHERE id = $2', ['直接改名', dept.id]);
    const cached = await t.api.get('/api/v1/departments');
    expect(cached.body.items[0].name).toBe(dept.name);

    const edit = await t.api.patch(`/api/v1/admin/departments/${dept.id}`, {
      token: admin,
      body: { name: '心血管中心' },
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    const fresh = await t.api.get('/api/v1/departments');
    expect(fresh.body.items[0].name).toBe('心血管中心');
  });

  it('a refused staff write leaves the cache as it was', async () => {
    const before = await t.api.get('/api/v1/departments');
    const dept = before.body.items[0];
    await sql('UPDATE departments SET name = $1 WHERE id = $2', ['旁路改名', dept.id]);
    const refused = await t.api.patch(`/api/v1/admin/departments/${dept.id}`, {
      token: admin,
      body: { sort: 'not-a-number' },
    });
    expect(refused.status).toBe(400);
    const after = await t.api.get('/api/v1/departments');
    expect(after.body.items[0].name).toBe(dept.name);
  });

  it('after a clinic sells out, later requests are answered from memory; a staff change opens it again', async () => {
    const clinic = await openClinic(t, admin, {
      clinicDate: '2026-11-23',
      slotsPerSegment: 3,
      segmentMinutes: 240,
    });
    const first = await newPatient(t);
    const second = await newPatient(t);
    const third = await newPatient(t);
    const book = (p: { token: string; patientId: string }, key: string) =>
      t.api.post('/api/v1/registrations', {
        token: p.token,
        body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: key },
      });
    const slots = await sql(
      "SELECT count(*)::int AS n FROM slots WHERE schedule_id = $1 AND channel IN ('shared', 'online')",
      [clinic.scheduleId],
    );
    const n = slots.rows[0].n as number;
    expect(n).toBeGreaterThan(1);
    // take every slot but one behind the API's back, then the last one through it
    await sql(
      `UPDATE slots SET state = 'stopped' WHERE id IN (SELECT id FROM slots WHERE schedule_id = $1 AND channel IN ('shared', 'online') ORDER BY number LIMIT $2)`,
      [clinic.scheduleId, n - 1],
    );
    const won = await book(first, 'cache-won-1');
    expect(won.status, JSON.stringify(won.body)).toBe(201);
    const lost = await book(second, 'cache-lost-1');
    expect(lost.status).toBe(409);
    expect(lost.body.code).toBe('SLOTS_SOLD_OUT');

    // a slot comes free behind the API's back: still answered sold out from memory...
    const freed = await sql(
      `UPDATE slots SET state = 'available' WHERE id = (SELECT id FROM slots WHERE schedule_id = $1 AND state = 'stopped' AND channel IN ('shared', 'online') ORDER BY number LIMIT 1) RETURNING id`,
      [clinic.scheduleId],
    );
    expect(freed.rows).toHaveLength(1);
    const memo = await book(third, 'cache-memo-1');
    expect(memo.status).toBe(409);
    expect(memo.body.code).toBe('SLOTS_SOLD_OUT');
    // ...but the same idempotency key still returns the first patient's booking
    const again = await book(first, 'cache-won-1');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(won.body.id);

    // any staff change empties the memory; the free slot is found
    const edit = await t.api.patch(`/api/v1/admin/departments/${clinic.departmentId}`, {
      token: admin,
      body: { sort: 5 },
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    const opened = await book(third, 'cache-memo-2');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const live = await sql(
      `SELECT count(*)::int AS n FROM registrations WHERE schedule_id = $1 AND state IN ('locked', 'booked')`,
      [clinic.scheduleId],
    );
    expect(live.rows[0].n).toBe(2);
  });
});
