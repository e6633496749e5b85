import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, isPostgres, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { manyPatients, openClinic } from './test-helpers.js';

/**
 * 放号 under load: the slot is taken by one atomic statement (FOR UPDATE SKIP LOCKED), and each
 * patient's bookings are serialised, so neither the pool nor the per-patient limit can be beaten by
 * parallel requests. PostgreSQL only: PGlite has a single connection.
 */
let t: TestApp;
beforeAll(async () => {
  if (isPostgres()) t = await createTestApp({ poolSize: 20 });
});
afterAll(async () => t?.close());

describe('booking under concurrency', () => {
  it.runIf(isPostgres())(
    '500 patients racing for 50 slots: exactly 50 bookings, 450 sold out, no slot held twice',
    async () => {
      const admin = (await loginStaff(t, 'admin')).token;
      const clinic = await openClinic(t, admin, {
        clinicDate: '2026-11-23',
        shiftCode: 'afternoon',
        segmentMinutes: 240,
        slotsPerSegment: 50,
      });
      const patients = await manyPatients(t, 500);
      const results = await Promise.all(
        patients.map((p, i) =>
          t.api.post('/api/v1/registrations', {
            token: p.token,
            body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: `race-${i}-0000` },
          }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(50);
      expect(results.filter((r) => r.status === 409 && r.body.code === 'SLOTS_SOLD_OUT')).toHaveLength(450);

      const db = t.app.ctx.database.raw;
      const regs = await db.query<{ n: string; slots: string; numbers: string }>(
        `SELECT count(*) AS n, count(DISTINCT slot_id) AS slots, count(DISTINCT slot_number) AS numbers
           FROM registrations WHERE schedule_id = $1`,
        [clinic.scheduleId],
      );
      expect(regs.rows[0]).toEqual({ n: '50', slots: '50', numbers: '50' });
      const slots = await db.query<{ state: string; n: string }>(
        'SELECT state, count(*) AS n FROM slots WHERE schedule_id = $1 GROUP BY state',
        [clinic.scheduleId],
      );
      expect(slots.rows).toEqual([{ state: 'locked', n: '50' }]);
      const orders = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM payment_orders WHERE business_type = 'registration'
            AND business_id IN (SELECT id FROM registrations WHERE schedule_id = $1)`,
        [clinic.scheduleId],
      );
      expect(orders.rows[0].n).toBe('50');
    },
    180_000,
  );

  it.runIf(isPostgres())(
    '20 parallel requests from one patient give at most what the limits allow',
    async () => {
      const admin = (await loginStaff(t, 'admin')).token;
      const clinics = await Promise.all(
        Array.from({ length: 4 }, () =>
          openClinic(t, admin, { clinicDate: '2026-11-24', slotsPerSegment: 5 }),
        ),
      );
      const [p] = await manyPatients(t, 1);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.api.post('/api/v1/registrations', {
            token: p.token,
            body: {
              patientId: p.patientId,
              scheduleId: clinics[i % 4].scheduleId,
              idempotencyKey: `same-${i}-0000`,
            },
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 201);
      // default limits: one per doctor per day (4 doctors), three per day
      expect(ok).toHaveLength(t.app.ctx.config.REGISTRATION_MAX_PER_DAY);
      expect(
        results.filter((r) => r.status === 409 && r.body.code === 'REGISTRATION_LIMIT_REACHED'),
      ).toHaveLength(20 - ok.length);
      const held = await t.app.ctx.database.raw.query<{ n: string }>(
        `SELECT count(*) AS n FROM slots WHERE registration_id IN (SELECT id FROM registrations WHERE patient_id = $1)`,
        [p.patientId],
      );
      expect(Number(held.rows[0].n)).toBe(ok.length);
    },
  );
});
