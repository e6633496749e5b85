import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { manyPatients, openClinic } from './test-helpers.js';

/**
 * The release peak's shortcuts must not change any answer a patient gets: the sold-out memo, the
 * per-clinic admission queue and the shared session / idempotency look-ups. Runs on both engines;
 * the read cache (and with it the sold-out memo) is on here, as in production.
 */
let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp({ config: { READ_CACHE_MS: '60000' }, poolSize: 20 });
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());

const book = (p: { token: string; patientId: string }, scheduleId: string, key: string) =>
  t.api.post('/api/v1/registrations', {
    token: p.token,
    body: { patientId: p.patientId, scheduleId, idempotencyKey: key },
  });

const liveOf = async (scheduleId: string) =>
  (
    await t.database.raw.query<{ n: number; slots: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT slot_id)::int AS slots FROM registrations
        WHERE schedule_id = $1 AND state IN ('locked', 'booked')`,
      [scheduleId],
    )
  ).rows[0];

describe('release peak', () => {
  it('after a clinic sells out, a patient repeating the request that won a slot still gets that registration, not "sold out"', async () => {
    const clinic = await openClinic(t, admin, {
      clinicDate: '2026-11-23',
      segmentMinutes: 240,
      slotsPerSegment: 2,
    });
    const [a, b, c, d] = await manyPatients(t, 4);
    const first = await book(a, clinic.scheduleId, 'peak-a-0001');
    expect(first.status).toBe(201);
    expect((await book(b, clinic.scheduleId, 'peak-b-0001')).status).toBe(201);
    // c finds the pool empty (sets the memo); d is answered from the memo
    for (const p of [c, d]) {
      const r = await book(p, clinic.scheduleId, `peak-${p.patientId.slice(0, 6)}`);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('SLOTS_SOLD_OUT');
    }
    const again = await book(a, clinic.scheduleId, 'peak-a-0001');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.payment.orderId).toBe(first.body.payment.orderId);
    // the same key for another clinic is still refused, memo or not
    const other = await book(a, '00000000-0000-4000-8000-000000000000', 'peak-a-0001');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await liveOf(clinic.scheduleId)).toEqual({ n: 2, slots: 2 });
    const orders = await t.database.raw.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM payment_orders WHERE business_type = 'registration'
          AND business_id IN (SELECT id FROM registrations WHERE schedule_id = $1)`,
      [clinic.scheduleId],
    );
    expect(orders.rows[0].n).toBe(2);
  });

  it('a clinic stopped after it sold out answers "stopped" at once: a staff change forgets the memo', async () => {
    const clinic = await openClinic(t, admin, {
      clinicDate: '2026-11-23',
      segmentMinutes: 240,
      slotsPerSegment: 1,
    });
    const [a, b, c] = await manyPatients(t, 3);
    expect((await book(a, clinic.scheduleId, 'stop-a-0001')).status).toBe(201);
    expect((await book(b, clinic.scheduleId, 'stop-b-0001')).body.code).toBe('SLOTS_SOLD_OUT');
    const stop = await t.api.post(`/api/v1/admin/schedules/${clinic.scheduleId}/stop`, {
      token: admin,
      body: { reason: '医生临时出差' },
    });
    expect(stop.status, JSON.stringify(stop.body)).toBeLessThan(300);
    const r = await book(c, clinic.scheduleId, 'stop-c-0001');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('SCHEDULE_STOPPED');
  });

  it('many patients at once: every slot is taken once, everyone else hears "sold out", nobody is left waiting', async () => {
    const clinic = await openClinic(t, admin, {
      clinicDate: '2026-11-23',
      segmentMinutes: 240,
      slotsPerSegment: 10,
    });
    const patients = await manyPatients(t, 60);
    const results = await Promise.all(patients.map((p, i) => book(p, clinic.scheduleId, `crowd-${i}-0001`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'SLOTS_SOLD_OUT')).toHaveLength(50);
    expect(await liveOf(clinic.scheduleId)).toEqual({ n: 10, slots: 10 });
    const slots = await t.database.raw.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM slots WHERE schedule_id = $1 GROUP BY state',
      [clinic.scheduleId],
    );
    expect(slots.rows).toEqual([{ state: 'locked', n: 10 }]);
  });

  it('a revoked session among many arriving together is refused; the others are served', async () => {
    const clinic = await openClinic(t, admin, {
      clinicDate: '2026-11-23',
      segmentMinutes: 240,
      slotsPerSegment: 20,
    });
    const patients = await manyPatients(t, 12);
    const out = await t.api.post('/api/v1/auth/logout', { token: patients[5].token, body: {} });
    expect(out.status, JSON.stringify(out.body)).toBeLessThan(300);
    const results = await Promise.all(patients.map((p, i) => book(p, clinic.scheduleId, `sess-${i}-0001`)));
    expect(results[5].status).toBe(401);
    expect(results[5].body.code).toBe('SESSION_REVOKED');
    expect(results.filter((r) => r.status === 201)).toHaveLength(11);
    const mine = await t.database.raw.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM registrations WHERE patient_id = $1',
      [patients[5].patientId],
    );
    expect(mine.rows[0].n).toBe(0);
  });
});

describe('release peak queue, one booking at a time', () => {
  // one booking at a time, so that a second wave finds a long queue
  let one: TestApp;
  let oneAdmin: string;
  beforeAll(async () => {
    one = await createTestApp({ config: { READ_CACHE_MS: '60000', BOOKING_MAX_IN_FLIGHT: '1' } });
    oneAdmin = (await loginStaff(one, 'admin')).token;
  });
  afterAll(async () => one?.close());

  const bookOn = (app: TestApp, p: { token: string; patientId: string }, scheduleId: string, key: string) =>
    app.api.post('/api/v1/registrations', {
      token: p.token,
      body: { patientId: p.patientId, scheduleId, idempotencyKey: key },
    });
  const liveOn = async (app: TestApp, scheduleId: string) =>
    (
      await app.database.raw.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM registrations WHERE schedule_id = $1`,
        [scheduleId],
      )
    ).rows[0].n;

  it('patients who press "book" together before the release time are all told when it opens, none "sold out"', async () => {
    // the online channel books 7 days ahead: a clinic 20 days out is not released yet
    const clinic = await openClinic(one, oneAdmin, {
      clinicDate: '2026-12-13',
      segmentMinutes: 240,
      slotsPerSegment: 2,
    });
    const patients = await manyPatients(one, 60);
    // a first wave, and a second one while the first is still queued
    const first = patients.slice(0, 30).map((p, i) => bookOn(one, p, clinic.scheduleId, `early-${i}-0001`));
    await Promise.race(first);
    const second = patients
      .slice(30)
      .map((p, i) => bookOn(one, p, clinic.scheduleId, `early-${30 + i}-0001`));
    const results = await Promise.all([...first, ...second]);
    expect(results.map((r) => r.body.code)).toEqual(patients.map(() => 'NOT_RELEASED_YET'));
    expect(await liveOn(one, clinic.scheduleId)).toBe(0);
  });
  it('one account sending many requests at once does not make other patients hear "sold out"', async () => {
    const clinic = await openClinic(one, oneAdmin, {
      clinicDate: '2026-11-23',
      segmentMinutes: 240,
      slotsPerSegment: 2,
    });
    const [eager, ...others] = await manyPatients(one, 6);
    const flood = Array.from({ length: 30 }, (_, i) =>
      bookOn(one, eager, clinic.scheduleId, `flood-${i}-0001`),
    );
    await Promise.race(flood);
    const rest = others.map((p, i) => bookOn(one, p, clinic.scheduleId, `others-${i}-0001`));
    const floodResults = await Promise.all(flood);
    const restResults = await Promise.all(rest);
    // the eager patient gets one (one per doctor per day), another patient the other
    expect(floodResults.filter((r) => r.status === 201)).toHaveLength(1);
    expect(restResults.filter((r) => r.status === 201)).toHaveLength(1);
    const holders = await one.database.raw.query<{ patient_id: string }>(
      `SELECT patient_id FROM registrations WHERE schedule_id = $1 AND state IN ('locked', 'booked') ORDER BY patient_id`,
      [clinic.scheduleId],
    );
    expect(holders.rows).toHaveLength(2);
    expect(holders.rows.map((r) => r.patient_id)).toContain(eager.patientId);
  });
});

describe('release peak queue limits', () => {
  let small: TestApp;
  let smallAdmin: string;
  beforeAll(async () => {
    small = await createTestApp({ config: { BOOKING_MAX_IN_FLIGHT: '1', BOOKING_MAX_WAITING: '2' } });
    smallAdmin = (await loginStaff(small, 'admin')).token;
  });
  afterAll(async () => small?.close());

  it('when the queue of a clinic is full, the patient is told to retry shortly and nothing is written for them', async () => {
    const clinic = await openClinic(small, smallAdmin, {
      clinicDate: '2026-11-23',
      segmentMinutes: 240,
      slotsPerSegment: 20,
    });
    const patients = await manyPatients(small, 8);
    const results = await Promise.all(
      patients.map((p, i) =>
        small.api.post('/api/v1/registrations', {
          token: p.token,
          body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: `busy-${i}-0001` },
        }),
      ),
    );
    const busy = results.filter((r) => r.status === 503);
    const booked = results.filter((r) => r.status === 201);
    // one running and two waiting at most when the requests arrive together
    expect(booked.length).toBeGreaterThanOrEqual(3);
    expect(busy.length).toBeGreaterThan(0);
    expect(booked.length + busy.length).toBe(8);
    for (const r of busy) {
      expect(r.body.code).toBe('REGISTRATION_BUSY');
      expect(r.headers['retry-after']).toBe('2');
    }
    const written = await small.database.raw.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM registrations WHERE schedule_id = $1',
      [clinic.scheduleId],
    );
    expect(written.rows[0].n).toBe(booked.length);
    // a patient told to retry gets a slot when they do
    const i = results.findIndex((r) => r.status === 503);
    const retry = await small.api.post('/api/v1/registrations', {
      token: patients[i].token,
      body: {
        patientId: patients[i].patientId,
        scheduleId: clinic.scheduleId,
        idempotencyKey: `busy-${i}-0001`,
      },
    });
    expect(retry.status).toBe(201);
  });
});
