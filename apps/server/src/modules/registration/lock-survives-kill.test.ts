import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { ControlledClock } from '../../platform/clock.js';
import { testConfig } from '../../testing/config.js';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { RELEASE_EXPIRED_LOCKS_JOB } from './service.js';
import { newPatient, openClinic, slotStates } from './test-helpers.js';

/**
 * Locks and their deadlines are rows, and the release is a sweep over those rows (the delayed job
 * is only a nudge). So a server killed while holding a lock loses nothing: whichever server runs
 * the sweep next, here a second app on the same database, releases it on time.
 */
let t: TestApp;
afterAll(async () => t?.close());

describe('a slot lock survives a killed server', () => {
  it('a second server on the same database releases the lock at its deadline and closes the order', async () => {
    t = await createTestApp();
    const admin = (await loginStaff(t, 'admin')).token;
    const clinic = await openClinic(t, admin, {
      clinicDate: '2026-11-23',
      slotsPerSegment: 1,
      segmentMinutes: 240,
    });
    const p = await newPatient(t);
    const res = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: 'kill-test-0001' },
    });
    expect(res.status).toBe(201);
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ locked: 1 });

    // The first server goes away without running a single job (no sweep, no delayed job).
    await t.app.close();

    const clock = new ControlledClock('2026-11-23T01:15:30Z');
    const second = await buildApp({ config: testConfig(), database: t.database, clock, logger: false });
    try {
      await second.ctx.jobs.runNow(RELEASE_EXPIRED_LOCKS_JOB);
      const slot = await t.database.raw.query<{ state: string }>(
        'SELECT state FROM slots WHERE schedule_id = $1',
        [clinic.scheduleId],
      );
      expect(slot.rows.map((r) => r.state)).toEqual(['available']);
      const reg = await t.database.raw.query<{ state: string }>(
        'SELECT state FROM registrations WHERE id = $1',
        [res.body.id],
      );
      expect(reg.rows[0].state).toBe('expired');
      const order = await t.database.raw.query<{ state: string }>(
        'SELECT state FROM payment_orders WHERE id = $1',
        [res.body.payment.orderId],
      );
      expect(order.rows[0].state).toBe('closed');
    } finally {
      await second.close();
    }
  });
});
