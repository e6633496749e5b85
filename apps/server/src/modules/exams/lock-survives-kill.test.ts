import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { ControlledClock } from '../../platform/clock.js';
import { testConfig } from '../../testing/config.js';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { newPatient } from '../registration/testing.js';
import { RELEASE_EXPIRED_LOCKS_JOB } from './service.js';

/**
 * An exam booking's lock and deadline are rows and the release is a sweep over them, so a server
 * killed while a booking waits for payment loses nothing: the next server to run the sweep (here a
 * second app on the same database) expires it, gives the place back and closes the order.
 */
let t: TestApp;
afterAll(async () => t?.close());

describe('an exam booking lock survives a killed server', () => {
  it('a second server on the same database releases the place at the deadline and closes the order', async () => {
    t = await createTestApp();
    const operator = (await loginStaff(t, 'operator')).token;
    const pkg = await t.api.post('/api/v1/admin/exam-packages', {
      token: operator,
      body: {
        code: 'KILL-1',
        name: '基础体检套餐',
        priceFen: 19900,
        items: [{ name: '血常规', category: '实验室检查' }],
      },
    });
    await t.api.put(`/api/v1/admin/exam-packages/${pkg.body.id}/capacity`, {
      token: operator,
      body: { from: '2026-11-26', to: '2026-11-26', capacity: 1 },
    });
    const p = await newPatient(t);
    await t.api.put('/api/v1/exams/authorisation', {
      token: p.token,
      body: { patientId: p.patientId, authorised: true },
    });
    const res = await t.api.post('/api/v1/exam-bookings', {
      token: p.token,
      body: {
        patientId: p.patientId,
        packageId: pkg.body.id,
        examDate: '2026-11-26',
        idempotencyKey: 'kill-test-0001',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    // the first server goes away without running a single job
    await t.app.close();

    const clock = new ControlledClock('2026-11-23T01:15:30Z');
    const second = await buildApp({ config: testConfig(), database: t.database, clock, logger: false });
    try {
      await second.ctx.jobs.runNow(RELEASE_EXPIRED_LOCKS_JOB);
      const booking = await t.database.raw.query<{ state: string }>(
        'SELECT state FROM exam_bookings WHERE id = $1',
        [res.body.id],
      );
      expect(booking.rows[0].state).toBe('expired');
      const cap = await t.database.raw.query<{ taken: number }>(
        'SELECT taken FROM exam_capacity WHERE package_id = $1',
        [pkg.body.id],
      );
      expect(Number(cap.rows[0].taken)).toBe(0);
      const order = await t.database.raw.query<{ state: string }>(
        'SELECT state FROM payment_orders WHERE id = $1',
        [res.body.paymentOrder.id],
      );
      expect(order.rows[0].state).toBe('closed');
    } finally {
      await second.close();
    }
  });
});
