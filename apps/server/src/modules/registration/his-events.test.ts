import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { SandboxHis } from '../../integrations/his/index.js';
import {
  HIS_EVENT_JOB,
  HIS_EVENT_SWEEP_JOB,
  hisEventState,
  hisOutboundEvents,
} from '../../integrations/his/outbound.js';
import { checkedInEventId } from './his-events.js';
import { newPatient, openClinic, payAtSandbox } from './test-helpers.js';

/**
 * Platform → HIS events with the default sandbox HIS: a check-in is recorded for the HIS in its own
 * transaction and delivered by a job, once, with retries; the check-in never waits for the HIS.
 * Clock: 2026-11-23 09:00 Shanghai; this afternoon's first segment starts at 14:00.
 */
let t: TestApp;
let admin: string;
const his = new SandboxHis();

beforeAll(async () => {
  t = await createTestApp({
    adapters: { his },
    config: {
      HIS_EVENT_MAX_ATTEMPTS: '3',
      REGISTRATION_PREPAY_REQUIRED: 'false',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
    },
  });
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());

async function bookedToday(feeFen = 0) {
  t.clock.set('2026-11-23T01:00:00Z');
  const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen });
  const p = await newPatient(t);
  const booked = await t.api.post('/api/v1/registrations', {
    token: p.token,
    body: {
      patientId: p.patientId,
      scheduleId: clinic.scheduleId,
      idempotencyKey: `ev-${randomBytes(6).toString('hex')}`,
    },
  });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  t.clock.set('2026-11-23T05:30:00Z');
  return { ...p, registrationId: booked.body.id as string };
}

const checkIn = (p: { token: string; registrationId: string }) =>
  t.api.post(`/api/v1/registrations/${p.registrationId}/check-in`, { token: p.token, body: {} });

async function sandboxCalls(eventId: string) {
  const r = await t.app.ctx.database.raw.query<{ kind: string; order_no: string }>(
    'SELECT kind, order_no FROM his_sandbox_calls WHERE receipt_no = $1',
    [eventId],
  );
  return r.rows;
}

describe('registration.checked_in reaches the HIS', () => {
  it('is recorded with the check-in and delivered once, however often the job runs', async () => {
    const p = await bookedToday();
    const id = checkedInEventId(p.registrationId);
    expect(await hisEventState(t.app.ctx, id)).toBeUndefined();
    const res = await checkIn(p);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // A second tap returns the same number and records no second event.
    expect((await checkIn(p)).body.queueNumber).toBe(res.body.queueNumber);
    const rows = await t.app.ctx.db.select().from(hisOutboundEvents).where(eq(hisOutboundEvents.eventId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'registration.checked_in',
      state: 'pending',
      subjectId: p.registrationId,
    });

    await t.app.ctx.jobs.runNow(HIS_EVENT_JOB, { eventId: id });
    await t.app.ctx.jobs.runNow(HIS_EVENT_JOB, { eventId: id });
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(await hisEventState(t.app.ctx, id)).toMatchObject({ state: 'sent', attempts: 1, lastError: null });
    expect(await sandboxCalls(id)).toEqual([{ kind: 'registration.checked_in', order_no: p.registrationId }]);
  });

  it('a check-in paid at the kiosk (fee collected at check-in) is sent too', async () => {
    const p = await bookedToday(2500);
    const asked = await checkIn(p);
    expect(asked.status).toBe(402);
    expect(await hisEventState(t.app.ctx, checkedInEventId(p.registrationId))).toBeUndefined();
    await payAtSandbox(t, p.token, asked.body.details.orderId, asked.body.details.orderNo);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(await hisEventState(t.app.ctx, checkedInEventId(p.registrationId))).toMatchObject({
      state: 'sent',
    });
  });

  it('the HIS being down never fails the check-in; after N failed attempts the event is given up, with the reason', async () => {
    const p = await bookedToday();
    const id = checkedInEventId(p.registrationId);
    his.failing = true;
    try {
      const res = await checkIn(p);
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('checked_in');
      await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
      expect(await hisEventState(t.app.ctx, id)).toMatchObject({ state: 'pending', attempts: 1 });
      for (let i = 0; i < 4; i++) {
        t.clock.advance(10 * 60_000);
        await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
      }
    } finally {
      his.failing = false;
    }
    const ev = await hisEventState(t.app.ctx, id);
    expect(ev).toMatchObject({ state: 'failed', attempts: 3 });
    expect(ev!.lastError).toContain('HIS_UNAVAILABLE');
    // Given up: a recovered HIS is not sent it again by the sweep.
    t.clock.advance(10 * 60_000);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(await sandboxCalls(id)).toEqual([]);
    const detail = await t.api.get(`/api/v1/registrations/${p.registrationId}`, { token: p.token });
    expect(detail.body.state).toBe('checked_in');
  });

  it('an event whose registration is gone is closed as failed without calling the HIS', async () => {
    const p = await bookedToday();
    expect((await checkIn(p)).status).toBe(200);
    const id = checkedInEventId(p.registrationId);
    await t.app.ctx.database.raw.query('UPDATE his_outbound_events SET subject_id = $1 WHERE event_id = $2', [
      'no-such-registration',
      id,
    ]);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    const ev = await hisEventState(t.app.ctx, id);
    expect(ev).toMatchObject({ state: 'failed' });
    expect(ev!.lastError).toContain('SUBJECT_GONE');
    expect(await sandboxCalls(id)).toEqual([]);
  });
});
