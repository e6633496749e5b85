import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { addTestDoctor } from '../scheduling/testing.js';
import { EXPIRE_LOCK_JOB, NO_SHOW_JOB, RELEASE_EXPIRED_LOCKS_JOB, countNoShows } from './service.js';
import {
  deliverSandboxNotifications,
  messagesOf,
  newPatient,
  openClinic,
  payAtSandbox,
  sandboxOf,
  slotStates,
} from './test-helpers.js';

// Issue 15, defect 1: at 11:51 the 11:00-12:00 slot was offered and paid, check-in had closed at
// 11:30, and at 12:00 the patient was marked a no-show without a refund. The clock starts on Monday
// 2026-11-23 at 09:00 in Shanghai; check-in opens 60 minutes before a segment and closes 30 minutes
// after its start (the defaults).
const START = '2026-11-23T01:00:00Z';
const TODAY = '2026-11-23';

let t: TestApp;
let admin: string;
let seq = 0;
const key = () => `same-day-${++seq}`;
// business numbers embed the clock's millisecond: each story runs at its own offset
let offset = 0;
const at = (iso: string) => new Date(new Date(iso).getTime() + offset);

beforeAll(async () => {
  t = await createTestApp({ config: { ACCESS_TOKEN_TTL_SECONDS: '8640000' } });
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());
beforeEach(() => {
  offset += 1;
  t.clock.set(at(START));
});

const q = (text: string, params: unknown[]) => t.app.ctx.database.raw.query(text, params);
const registrationsOf = async (patientId: string) =>
  (await q('SELECT id, state, refund_state FROM registrations WHERE patient_id = $1', [patientId])).rows as {
    id: string;
    state: string;
    refund_state: string;
  }[];
const ordersOf = async (accountId: string) =>
  (await q('SELECT id, state FROM payment_orders WHERE account_id = $1', [accountId])).rows as {
    id: string;
    state: string;
  }[];
const book = (p: { token: string; patientId: string }, scheduleId: string, segmentId?: string) =>
  t.api.post('/api/v1/registrations', {
    token: p.token,
    body: { patientId: p.patientId, scheduleId, idempotencyKey: key(), ...(segmentId ? { segmentId } : {}) },
  });

/** A morning clinic today (08:00-12:00, four one-hour segments); the last is 11:00-12:00. */
async function morningClinic() {
  const clinic = await openClinic(t, admin, { clinicDate: TODAY, shiftCode: 'morning', slotsPerSegment: 3 });
  return { ...clinic, last: clinic.segments[3] };
}

describe('a same-day slot is sold only while it can still be checked in', () => {
  it('at 11:51 the 11:00-12:00 slot is neither offered nor sold, and nothing is left behind', async () => {
    const clinic = await morningClinic();
    const patient = await newPatient(t);
    t.clock.set(at('2026-11-23T03:51:00Z')); // 11:51

    const list = await t.api.get(`/api/v1/schedules?doctorId=${clinic.doctorId}&date=${TODAY}`);
    expect(list.status).toBe(200);
    const [s] = list.body.items;
    expect(s.segments.map((g: { state: string }) => g.state)).toEqual(['past', 'past', 'past', 'closed']);
    expect(s.segments[3]).toMatchObject({ remaining: 0, full: false, booked: 0 });
    expect(s).toMatchObject({ state: 'open', bookingClosed: true, remaining: 0, full: false });

    const refused = await book(patient, clinic.scheduleId, clinic.last.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('BOOKING_CHECKIN_CLOSED');
    expect(refused.body.message.zh).toContain('已过取号时间（11:30 截止）');
    expect(refused.body.message.en).toContain('closed at 11:30');
    // "any slot of this clinic" is refused the same way
    const anySlot = await book(patient, clinic.scheduleId);
    expect(anySlot.body.code).toBe('BOOKING_CHECKIN_CLOSED');

    expect(await registrationsOf(patient.patientId)).toEqual([]);
    expect(await ordersOf(patient.accountId)).toEqual([]);
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 12 });
  });

  it('at 11:25 the slot is still sold, but its lock and payment deadline end when check-in closes at 11:30', async () => {
    const clinic = await morningClinic();
    const patient = await newPatient(t);
    t.clock.set(at('2026-11-23T03:25:00Z')); // 11:25

    const list = await t.api.get(`/api/v1/schedules?doctorId=${clinic.doctorId}&date=${TODAY}`);
    expect(list.body.items[0].segments[3]).toMatchObject({ state: 'open', remaining: 3 });

    const res = await book(patient, clinic.scheduleId);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.segmentId).toBe(clinic.last.id); // the earlier segments are over
    // 15 minutes would run to 11:40; the lock ends at check-in close instead
    expect(res.body.lockExpiresAt).toBe(new Date('2026-11-23T03:30:00Z').toISOString());
    expect(res.body.payment.expiresAt).toBe(res.body.lockExpiresAt);
    expect(res.body.checkInClosesAt).toBe(new Date('2026-11-23T03:30:00Z').toISOString());
  });

  it('a payment landing after check-in closed is refused and refunded; the slot goes back', async () => {
    const clinic = await morningClinic();
    const patient = await newPatient(t);
    t.clock.set(at('2026-11-23T03:25:00Z')); // 11:25
    const res = await book(patient, clinic.scheduleId, clinic.last.id);
    expect(res.status).toBe(201);
    await t.api.post(`/api/v1/payments/orders/${res.body.payment.orderId}/pay`, {
      token: patient.token,
      body: { channel: 'sandbox' },
    });

    t.clock.set(at('2026-11-23T03:31:00Z')); // 11:31: check-in closed a minute ago
    await sandboxOf(t).forcePaid(t.app.ctx, res.body.payment.orderNo);
    await deliverSandboxNotifications(t, res.body.payment.orderNo);
    const [order] = await ordersOf(patient.accountId);
    expect(['refunded', 'refunding']).toContain(order.state);
    await t.app.ctx.jobs.runNow(EXPIRE_LOCK_JOB, { registrationId: res.body.id });
    await t.app.ctx.jobs.runNow(RELEASE_EXPIRED_LOCKS_JOB);
    expect((await registrationsOf(patient.patientId)).map((r) => r.state)).toEqual(['expired']);
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 12 });
    expect(await messagesOf(t, patient.accountId, 'registration.paid')).toBe(0);
  });

  it('a payment made in time whose notice arrives after check-in closed books nothing and is refunded', async () => {
    const clinic = await morningClinic();
    const patient = await newPatient(t);
    t.clock.set(at('2026-11-23T03:20:00Z')); // 11:20
    const res = await book(patient, clinic.scheduleId, clinic.last.id);
    await t.api.post(`/api/v1/payments/orders/${res.body.payment.orderId}/pay`, {
      token: patient.token,
      body: { channel: 'sandbox' },
    });
    t.clock.set(at('2026-11-23T03:29:00Z')); // paid at 11:29 ...
    await sandboxOf(t).forcePaid(t.app.ctx, res.body.payment.orderNo);
    t.clock.set(at('2026-11-23T03:32:00Z')); // ... the channel's notice lands at 11:32
    await deliverSandboxNotifications(t, res.body.payment.orderNo);

    const [order] = await ordersOf(patient.accountId);
    expect(['refunded', 'refunding']).toContain(order.state);
    const [reg] = await registrationsOf(patient.patientId);
    expect(reg.state).not.toBe('booked');
    t.clock.set(at('2026-11-23T04:00:00Z')); // 12:00
    await t.app.ctx.jobs.runNow(RELEASE_EXPIRED_LOCKS_JOB);
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    expect((await registrationsOf(patient.patientId))[0].state).toBe('expired');
    expect(await countNoShows(t.app.ctx, patient.patientId, new Date('2026-11-01'))).toBe(0);
  });

  it('a booking confirmed after its check-in had closed is cancelled and refunded at session end, never a no-show', async () => {
    const clinic = await morningClinic();
    const [late, onTime] = [await newPatient(t), await newPatient(t)];
    t.clock.set(at('2026-11-23T02:00:00Z')); // 10:00
    const ok = await book(onTime, clinic.scheduleId, clinic.last.id);
    await payAtSandbox(t, onTime.token, ok.body.payment.orderId, ok.body.payment.orderNo);
    const res = await book(late, clinic.scheduleId, clinic.last.id);
    await payAtSandbox(t, late.token, res.body.payment.orderId, res.body.payment.orderNo);
    // a booking recorded before this rule existed: confirmed at 11:51, after check-in closed at 11:30
    await q('UPDATE registrations SET booked_at = $2 WHERE id = $1', [
      res.body.id,
      new Date('2026-11-23T03:51:00Z'),
    ]);

    t.clock.set(at('2026-11-23T04:00:00Z')); // 12:00: the session is over
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);

    const [lateReg] = await registrationsOf(late.patientId);
    expect(lateReg.state).toBe('cancelled');
    expect(['requested', 'processing', 'succeeded']).toContain(lateReg.refund_state);
    expect(await messagesOf(t, late.accountId, 'registration.no-show')).toBe(0);
    expect(await messagesOf(t, late.accountId, 'registration.cancelled')).toBe(1);
    expect(await countNoShows(t.app.ctx, late.patientId, new Date('2026-11-01'))).toBe(0);
    const [lateOrder] = await ordersOf(late.accountId);
    expect(['refunded', 'refunding']).toContain(lateOrder.state);

    // the patient who could have checked in and did not is a no-show as before
    expect((await registrationsOf(onTime.patientId))[0].state).toBe('no_show');
    expect(await messagesOf(t, onTime.accountId, 'registration.no-show')).toBe(1);

    // a second run changes nothing
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    expect(await messagesOf(t, late.accountId, 'registration.cancelled')).toBe(1);
  });
});

describe('what the booking says about check-in', () => {
  it('the booking tells the check-in window; too early, check-in says when it opens', async () => {
    // afternoon: the first segment starts at 14:00; check-in runs 13:00-14:30
    const clinic = await openClinic(t, admin, { clinicDate: TODAY, feeFen: 0 });
    const patient = await newPatient(t);
    const res = await book(patient, clinic.scheduleId, clinic.segments[0].id);
    expect(res.status).toBe(201);
    expect(res.body.checkInOpensAt).toBe(new Date('2026-11-23T05:00:00Z').toISOString());
    expect(res.body.checkInClosesAt).toBe(new Date('2026-11-23T06:30:00Z').toISOString());
    expect(res.body.guidance.zh).toContain(`请于 ${TODAY} 13:00-14:30 取号`);

    const early = await t.api.post(`/api/v1/registrations/${res.body.id}/check-in`, {
      token: patient.token,
      body: {},
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CHECKIN_NOT_OPEN');
    expect(early.body.message.zh).toBe('尚未到取号时间，请于 13:00 至 14:30 取号');
    expect(early.body.message.en).toContain('between 13:00 and 14:30');
    expect(early.body.details.opensAt).toBe(new Date('2026-11-23T05:00:00Z').toISOString());
    expect((await registrationsOf(patient.patientId))[0].state).toBe('booked');
  });
});

describe('quick re-book (看过的医生)', () => {
  it('lists doctors of bookings that stood, not of a no-show or a cancellation', async () => {
    const [seen, missed, cancelled] = [
      await addTestDoctor(t),
      await addTestDoctor(t),
      await addTestDoctor(t),
    ];
    const patient = await newPatient(t);
    const clinicOf = (doctor: { doctorId: string; departmentId: string }) =>
      openClinic(t, admin, { clinicDate: TODAY, shiftCode: 'morning', doctor, feeFen: 0 });
    const [a, b, c] = [await clinicOf(seen), await clinicOf(missed), await clinicOf(cancelled)];
    const ra = await book(patient, a.scheduleId, a.segments[1].id);
    await q(`UPDATE registrations SET state = 'checked_in' WHERE id = $1`, [ra.body.id]);
    expect((await book(patient, b.scheduleId, b.segments[1].id)).status).toBe(201);
    const rc = await book(patient, c.scheduleId, c.segments[1].id);
    const cancel = await t.api.post(`/api/v1/registrations/${rc.body.id}/cancel`, {
      token: patient.token,
      body: {},
    });
    expect(cancel.body.state).toBe('cancelled');

    t.clock.set(at('2026-11-23T04:00:00Z')); // 12:00: the unchecked booking becomes a no-show
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    const res = await t.api.get('/api/v1/registrations/recent-doctors', { token: patient.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((d: { doctorId: string }) => d.doctorId)).toEqual([seen.doctorId]);
  });
});

describe('the console schedule of a half-day that is over', () => {
  it('shows the past morning as ended (已结束) with the bookings it had, not as full (约满)', async () => {
    const clinic = await morningClinic();
    const patient = await newPatient(t);
    t.clock.set(at('2026-11-23T01:30:00Z')); // 09:30
    const res = await book(patient, clinic.scheduleId, clinic.segments[2].id); // 10:00-11:00
    await payAtSandbox(t, patient.token, res.body.payment.orderId, res.body.payment.orderNo);

    t.clock.set(at('2026-11-23T06:00:00Z')); // 14:00: the morning is over
    const operator = (await loginStaff(t, 'operator')).token; // a fresh session (staff sessions idle out)
    const view = await t.api.get(
      `/api/v1/admin/schedules?doctorId=${clinic.doctorId}&from=${TODAY}&to=${TODAY}`,
      { token: operator },
    );
    expect(view.status).toBe(200);
    const [s] = view.body.items;
    expect(s).toMatchObject({ state: 'past', bookingClosed: true, full: false, booked: 1, total: 12 });
    expect(s.segments.map((g: { state: string }) => g.state)).toEqual(['past', 'past', 'past', 'past']);
    expect(s.segments[2]).toMatchObject({ booked: 1, full: false });
  });
});
