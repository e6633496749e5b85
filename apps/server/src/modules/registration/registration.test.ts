import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hospitalClock } from '../../platform/clock.js';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { linkAtCounter } from '../../testing/patients.js';
import type { SandboxHis } from '../../integrations/his/index.js';
import { addTestDoctor } from '../scheduling/testing.js';
import {
  EXPIRE_LOCK_JOB,
  NO_SHOW_JOB,
  RELEASE_EXPIRED_LOCKS_JOB,
  REMINDER_JOB,
  countCancellations,
  countNoShows,
  withinCancelWindow,
  type Registration,
} from './service.js';
import {
  deliverSandboxNotifications,
  messagesOf,
  newPatient,
  openClinic,
  payAtSandbox,
  sandboxOf,
  slotStates,
} from './test-helpers.js';

// The clock starts on Monday 2026-11-23 at 09:00 in Shanghai.
const START = '2026-11-23T01:00:00Z';
const TODAY = '2026-11-23';

let t: TestApp;
let admin: string;
let seq = 0;
const key = () => `idem-${Date.now()}-${++seq}`;

beforeAll(async () => {
  // long-lived access tokens: these stories move the clock by days
  t = await createTestApp({
    config: {
      REGISTRATION_MAX_PER_DAY: '2',
      REGISTRATION_MAX_OUTSTANDING: '3',
      ACCESS_TOKEN_TTL_SECONDS: '8640000',
    },
  });
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());
// Each story runs at its own millisecond offset: business numbers (order and refund numbers) embed
// the clock's millisecond, and the stories below set the same wall times again and again.
let offset = 0;
const at = (iso: string) => new Date(new Date(iso).getTime() + offset);
beforeEach(() => {
  offset += 1;
  t.clock.set(at(START));
});

async function book(
  p: { token: string; patientId: string },
  scheduleId: string,
  extra: Record<string, unknown> = {},
) {
  const res = await t.api.post('/api/v1/registrations', {
    token: p.token,
    body: { patientId: p.patientId, scheduleId, idempotencyKey: key(), ...extra },
  });
  return res;
}

async function bookAndPay(
  p: { token: string; patientId: string },
  scheduleId: string,
  extra: Record<string, unknown> = {},
) {
  const res = await book(p, scheduleId, extra);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await payAtSandbox(t, p.token, res.body.payment.orderId, res.body.payment.orderNo);
  const detail = await t.api.get(`/api/v1/registrations/${res.body.id}`, { token: p.token });
  expect(detail.body.state).toBe('booked');
  return detail.body;
}

async function row(id: string): Promise<Record<string, any>> {
  const r = await t.app.ctx.database.raw.query('SELECT * FROM registrations WHERE id = $1', [id]);
  return r.rows[0];
}

async function orderState(orderId: string): Promise<string> {
  const r = await t.app.ctx.database.raw.query<{ state: string }>(
    'SELECT state FROM payment_orders WHERE id = $1',
    [orderId],
  );
  return r.rows[0].state;
}

describe('booking and paying for a registration', () => {
  it('a patient books an expert slot for today, pays in the sandbox and sees the booking with its QR code', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY, feeFen: 5000 });
    const alice = await newPatient(t);
    const idempotencyKey = key();
    const res = await t.api.post('/api/v1/registrations', {
      token: alice.token,
      body: { patientId: alice.patientId, scheduleId: clinic.scheduleId, idempotencyKey },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.state).toBe('locked');
    expect(res.body.slotNumber).toBe(1);
    expect(res.body.feeFen).toBe(5000);
    // the lock's deadline and the channel order's expiry are one and the same
    expect(res.body.lockExpiresAt).toBe(at('2026-11-23T01:15:00Z').toISOString());
    expect(res.body.payment.expiresAt).toBe(res.body.lockExpiresAt);
    expect(res.body.payment.state).toBe('created');
    expect(res.body.qrPayload).toBeNull();

    // a repeated submit returns the same registration and holds no second slot
    const again = await t.api.post('/api/v1/registrations', {
      token: alice.token,
      body: { patientId: alice.patientId, scheduleId: clinic.scheduleId, idempotencyKey },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ locked: 1, available: 11 });

    await payAtSandbox(t, alice.token, res.body.payment.orderId, res.body.payment.orderNo);
    const detail = await t.api.get(`/api/v1/registrations/${res.body.id}`, { token: alice.token });
    expect(detail.body.state).toBe('booked');
    expect(detail.body.payment.state).toBe('paid');
    expect(detail.body.qrPayload).toMatch(new RegExp(`^QN1:REG:${res.body.id}:[\\w-]{16}$`));
    expect(detail.body.doctorName).toMatch(/^李医生/);
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ booked: 1, available: 11 });
    expect(await messagesOf(t, alice.accountId, 'registration.paid')).toBe(1);
    // a duplicate notification changes nothing
    await deliverSandboxNotifications(t, res.body.payment.orderNo);
    expect(await messagesOf(t, alice.accountId, 'registration.paid')).toBe(1);

    const mine = await t.api.get(`/api/v1/registrations?patientId=${alice.patientId}`, {
      token: alice.token,
    });
    expect(mine.body.items.map((r: any) => r.id)).toEqual([res.body.id]);
    const schedules = await t.api.get(`/api/v1/schedules?doctorId=${clinic.doctorId}&date=${TODAY}`);
    expect(schedules.body.items[0].remaining).toBe(11);
    expect(schedules.body.items[0].segments[0].remaining).toBe(2);
  });

  it("another account's registration and patient read as not found", async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const alice = await newPatient(t);
    const mallory = await newPatient(t);
    const res = await book(alice, clinic.scheduleId);
    for (const r of [
      await t.api.get(`/api/v1/registrations/${res.body.id}`, { token: mallory.token }),
      await t.api.post(`/api/v1/registrations/${res.body.id}/cancel`, { token: mallory.token, body: {} }),
      await t.api.post(`/api/v1/registrations/${res.body.id}/check-in`, { token: mallory.token, body: {} }),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('REGISTRATION_NOT_FOUND');
    }
    const foreignPatient = await book(
      { token: mallory.token, patientId: alice.patientId },
      clinic.scheduleId,
    );
    expect(foreignPatient.status).toBe(404);
    expect(foreignPatient.body.code).toBe('PATIENT_NOT_FOUND');
    expect((await t.api.get(`/api/v1/registrations/${res.body.id}`)).status).toBe(401);
    const bad = await t.api.post('/api/v1/registrations', {
      token: alice.token,
      body: { patientId: alice.patientId, scheduleId: clinic.scheduleId, idempotencyKey: key(), extra: 1 },
    });
    expect(bad.status).toBe(400);
  });

  it('a free clinic is booked at once, with no payment order', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY, feeFen: 0, level: 'general' });
    const bob = await newPatient(t);
    const res = await book(bob, clinic.scheduleId);
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('booked');
    expect(res.body.payment).toBeNull();
    expect(res.body.lockExpiresAt).toBeNull();
    expect(res.body.qrPayload).toBeTruthy();
    expect(await messagesOf(t, bob.accountId, 'registration.booked')).toBe(1);
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ booked: 1, available: 11 });
  });

  it('an unpaid lock is released at its deadline: the slot returns and the order is closed; a late payment is refunded', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY, slotsPerSegment: 1, segmentMinutes: 240 });
    const carol = await newPatient(t);
    const res = await book(carol, clinic.scheduleId, { segmentId: clinic.segments[0].id });
    expect(res.status).toBe(201);
    // the patient opened the cashier (a channel trade exists) but never finished
    await t.api.post(`/api/v1/payments/orders/${res.body.payment.orderId}/pay`, {
      token: carol.token,
      body: { channel: 'sandbox' },
    });
    const dave = await newPatient(t);
    const soldOut = await book(dave, clinic.scheduleId);
    expect(soldOut.status).toBe(409);
    expect(soldOut.body.code).toBe('SLOTS_SOLD_OUT');

    // not yet: one minute before the deadline neither the delayed job nor the sweep touches it
    t.clock.set(at('2026-11-23T01:14:00Z'));
    await t.app.ctx.jobs.runNow(EXPIRE_LOCK_JOB, { registrationId: res.body.id });
    await t.app.ctx.jobs.runNow(RELEASE_EXPIRED_LOCKS_JOB);
    expect((await row(res.body.id)).state).toBe('locked');

    // the delayed job queued at booking fires at the deadline (the sweep is the safety net: see
    // lock-survives-kill.test.ts)
    t.clock.set(at('2026-11-23T01:15:01Z'));
    await t.app.ctx.jobs.runNow(EXPIRE_LOCK_JOB, { registrationId: res.body.id });
    expect((await row(res.body.id)).state).toBe('expired');
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 1 });
    expect(await orderState(res.body.payment.orderId)).toBe('closed');

    // the money arrives anyway: the channel collected it, payments refunds it in full
    await sandboxOf(t).forcePaid(t.app.ctx, res.body.payment.orderNo);
    await deliverSandboxNotifications(t, res.body.payment.orderNo);
    expect(await orderState(res.body.payment.orderId)).toBe('refunded');
    expect((await row(res.body.id)).state).toBe('expired');

    // and the slot went to the next patient
    const next = await book(dave, clinic.scheduleId);
    expect(next.status).toBe(201);
    expect(next.body.slotNumber).toBe(1);
  });

  it('a payment that lands after the deadline but before the sweep is refused and refunded', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const erin = await newPatient(t);
    const res = await book(erin, clinic.scheduleId);
    await t.api.post(`/api/v1/payments/orders/${res.body.payment.orderId}/pay`, {
      token: erin.token,
      body: { channel: 'sandbox' },
    });
    t.clock.set(at('2026-11-23T01:20:00Z'));
    await sandboxOf(t).forcePaid(t.app.ctx, res.body.payment.orderNo);
    await deliverSandboxNotifications(t, res.body.payment.orderNo);
    const o = await orderState(res.body.payment.orderId);
    expect(['refunded', 'refunding']).toContain(o);
    expect((await row(res.body.id)).state).not.toBe('booked');
  });
});

describe('rules at booking time', () => {
  it('slots are not bookable before their release time; same-day-only levels only on the day', async () => {
    const far = await openClinic(t, admin, { clinicDate: '2026-12-01' });
    const frank = await newPatient(t);
    const early = await book(frank, far.scheduleId);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('NOT_RELEASED_YET');
    // 7 days ahead at 07:00 Shanghai
    expect(early.body.details.releaseAt).toBe('2026-11-23T23:00:00.000Z');
    t.clock.set(at('2026-11-23T23:00:00Z'));
    expect((await book(frank, far.scheduleId)).status).toBe(201);

    t.clock.set(at(START));
    const rule = await t.api.put('/api/v1/admin/release-rules/online', {
      token: admin,
      body: { sameDayOnlyLevels: ['general'] },
    });
    expect(rule.status).toBe(200);
    try {
      const tomorrowGeneral = await openClinic(t, admin, { clinicDate: '2026-11-24', level: 'general' });
      const refused = await book(frank, tomorrowGeneral.scheduleId);
      expect(refused.body.code).toBe('NOT_RELEASED_YET');
      expect(refused.body.details.releaseAt).toBe('2026-11-23T23:00:00.000Z');
    } finally {
      await t.api.put('/api/v1/admin/release-rules/online', {
        token: admin,
        body: { sameDayOnlyLevels: [] },
      });
    }
  });

  it('per-patient limits: one per doctor per day, two per day, three outstanding', async () => {
    const gina = await newPatient(t);
    const doctorA = await addTestDoctor(t);
    const a1 = await openClinic(t, admin, { clinicDate: TODAY, doctor: doctorA });
    const a2 = await openClinic(t, admin, { clinicDate: TODAY, shiftCode: 'night', doctor: doctorA });
    const b = await openClinic(t, admin, { clinicDate: TODAY });
    const c = await openClinic(t, admin, { clinicDate: TODAY });
    expect((await book(gina, a1.scheduleId)).status).toBe(201);
    const sameDoctor = await book(gina, a2.scheduleId);
    expect(sameDoctor.status).toBe(409);
    expect(sameDoctor.body.code).toBe('REGISTRATION_LIMIT_REACHED');
    expect(sameDoctor.body.details.limit).toBe('per_doctor_per_day');
    expect((await book(gina, b.scheduleId)).status).toBe(201);
    const third = await book(gina, c.scheduleId);
    expect(third.body.details.limit).toBe('per_day');

    const d = await openClinic(t, admin, { clinicDate: '2026-11-24' });
    const e = await openClinic(t, admin, { clinicDate: '2026-11-25' });
    expect((await book(gina, d.scheduleId)).status).toBe(201);
    const fourth = await book(gina, e.scheduleId);
    expect(fourth.body.code).toBe('REGISTRATION_LIMIT_REACHED');
    expect(fourth.body.details.limit).toBe('outstanding');
  });

  it('a blacklisted patient is refused with the reason and the end date', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const hank = await newPatient(t);
    await t.app.ctx.database.raw.query(
      `INSERT INTO blacklist_entries (id, patient_id, reason, source, starts_at, ends_at, created_at)
       VALUES ($1, $2, '多次爽约', 'manual', $3, $4, $3)`,
      [`bl-${hank.patientId}`, hank.patientId, new Date(START), new Date('2026-12-23T16:00:00Z')],
    );
    const res = await book(hank, clinic.scheduleId);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PATIENT_BLACKLISTED');
    expect(res.body.details.endsOn).toBe('2026-12-23');
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 12 });
  });

  it('REG-09: a patient whose real-name identity is not confirmed cannot book; once the counter verifies them they can', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const ivy = await newPatient(t);
    // what migration 1000 leaves when two accounts held one identity as "self", and what the counter
    // leaves on the losing side of an appeal: the patient stays, unverified
    await unverify(ivy.patientId);
    const res = await book(ivy, clinic.scheduleId);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'PATIENT_NOT_VERIFIED',
      message: {
        zh: '就诊人未完成实名认证，不能挂号。请携身份证件到医院窗口核验身份',
        en: 'The patient must be real-name verified to book; bring the ID document to a hospital counter',
      },
    });
    // nothing written: no slot taken, no registration, no payment order
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 12 });
    expect(await countRows('registrations', ivy.patientId)).toBe(0);
    expect(await countOrders(ivy.accountId)).toBe(0);

    await linkAtCounter(t, ivy.patientId, 'resident_id_card');
    expect((await book(ivy, clinic.scheduleId)).status).toBe(201);
    expect(await countRows('registrations', ivy.patientId)).toBe(1);
  });
});

async function unverify(patientId: string): Promise<void> {
  await t.app.ctx.database.raw.query(
    'UPDATE patients SET verified_at = NULL, verified_by = NULL WHERE id = $1',
    [patientId],
  );
}

async function countRows(table: 'registrations', patientId: string): Promise<number> {
  const r = await t.app.ctx.database.raw.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE patient_id = $1`,
    [patientId],
  );
  return Number(r.rows[0].n);
}

async function countOrders(accountId: string): Promise<number> {
  const r = await t.app.ctx.database.raw.query<{ n: string }>(
    'SELECT count(*) AS n FROM payment_orders WHERE account_id = $1',
    [accountId],
  );
  return Number(r.rows[0].n);
}

describe('cancelling (退号)', () => {
  it('a paid registration cancelled inside the window frees the slot and refunds the fee', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const ivy = await newPatient(t);
    const reg = await bookAndPay(ivy, clinic.scheduleId);
    expect(reg.cancellable).toBe(true);
    const res = await t.api.post(`/api/v1/registrations/${reg.id}/cancel`, {
      token: ivy.token,
      body: { reason: '临时有事' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.state).toBe('cancelled');
    expect(['requested', 'processing', 'succeeded']).toContain(res.body.refund.state);
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 12 });
    const refunds = await t.app.ctx.database.raw.query<{ amount_fen: number; n: string }>(
      'SELECT sum(amount_fen)::int AS amount_fen, count(*) AS n FROM refunds WHERE order_id = $1',
      [reg.payment.orderId],
    );
    expect(Number(refunds.rows[0].amount_fen)).toBe(5000);
    expect(Number(refunds.rows[0].n)).toBe(1);
    expect(await messagesOf(t, ivy.accountId, 'registration.cancelled')).toBe(1);
    // a second cancel is answered with the same state and refunds nothing more
    const twice = await t.api.post(`/api/v1/registrations/${reg.id}/cancel`, { token: ivy.token, body: {} });
    expect(twice.status).toBe(200);
    const after = await t.app.ctx.database.raw.query<{ n: string }>(
      'SELECT count(*) AS n FROM refunds WHERE order_id = $1',
      [reg.payment.orderId],
    );
    expect(Number(after.rows[0].n)).toBe(1);
    expect(await countCancellations(t.app.ctx, ivy.patientId, new Date('2026-11-01'))).toBe(1);
  });

  it('REG-15: online 退号 is cancelled at the HIS first; while the HIS is down nothing is cancelled or refunded', async () => {
    const his = t.app.ctx.adapters.his as SandboxHis;
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const kim = await newPatient(t);
    const reg = await bookAndPay(kim, clinic.scheduleId);

    his.failing = true;
    try {
      const refused = await t.api.post(`/api/v1/registrations/${reg.id}/cancel`, {
        token: kim.token,
        body: {},
      });
      expect(refused.status).toBe(502);
      expect(refused.body.code).toBe('HIS_UNAVAILABLE');
    } finally {
      his.failing = false;
    }
    expect((await row(reg.id)).state).toBe('booked');
    const none = await t.app.ctx.database.raw.query<{ n: string }>(
      'SELECT count(*) AS n FROM refunds WHERE order_id = $1',
      [reg.payment.orderId],
    );
    expect(Number(none.rows[0].n)).toBe(0);

    const ok = await t.api.post(`/api/v1/registrations/${reg.id}/cancel`, { token: kim.token, body: {} });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.state).toBe('cancelled');
    const told = (await his.calls(t.app.ctx)).filter(
      (c) => c.kind === 'registration-cancel' && c.receiptNo === reg.id,
    );
    expect(told).toHaveLength(1);
    expect(told[0].orderNo).toBe(reg.payment.orderNo);
  });

  it('001 window: allowed on the clinic day and up to 7 days after, refused after that with "go to the counter"', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const jack = await newPatient(t);
    const reg = await bookAndPay(jack, clinic.scheduleId);
    t.clock.set(at('2026-12-01T01:00:00Z')); // 8 days after the clinic day
    const late = await t.api.post(`/api/v1/registrations/${reg.id}/cancel`, { token: jack.token, body: {} });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('CANCEL_WINDOW_CLOSED');
    expect(late.body.message.zh).toContain('请到窗口办理');
    expect((await row(reg.id)).state).toBe('booked');
    t.clock.set(at('2026-11-30T15:59:00Z')); // 23:59 on the 7th day after
    const inTime = await t.api.post(`/api/v1/registrations/${reg.id}/cancel`, {
      token: jack.token,
      body: {},
    });
    expect(inTime.status).toBe(200);
  });

  it("the hospital's other window closes when the clinic segment starts", () => {
    const reg = { clinicDate: TODAY, segmentStartAt: new Date('2026-11-23T06:00:00Z') } as Registration;
    const at = (iso: string) =>
      withinCancelWindow(
        {
          ...t.app.ctx,
          config: { ...t.app.ctx.config, REGISTRATION_CANCEL_WINDOW: 'before_clinic_start' },
          clock: hospitalClock({ now: () => new Date(iso) }, t.app.ctx.config.HOSPITAL_TIMEZONE),
        },
        reg,
      );
    expect(at('2026-11-23T05:59:59Z')).toBe(true);
    expect(at('2026-11-23T06:00:00Z')).toBe(false);
  });

  it('staff cancel on behalf with a reason; the fee is refunded and the action audited', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY });
    const kate = await newPatient(t);
    const reg = await bookAndPay(kate, clinic.scheduleId);
    const noReason = await t.api.post(`/api/v1/admin/registrations/${reg.id}/cancel`, {
      token: admin,
      body: {},
    });
    expect(noReason.status).toBe(400);
    const doctor = (await loginStaff(t, 'doctor')).token;
    const denied = await t.api.post(`/api/v1/admin/registrations/${reg.id}/cancel`, {
      token: doctor,
      body: { reason: '患者电话要求退号' },
    });
    expect(denied.status).toBe(403);
    const res = await t.api.post(`/api/v1/admin/registrations/${reg.id}/cancel`, {
      token: admin,
      body: { reason: '患者电话要求退号' },
    });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('cancelled');
    expect(res.body.refund).not.toBeNull();
    const audits = await t.app.ctx.database.raw.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'registration.cancel' AND object_id = $1`,
      [reg.id],
    );
    expect(Number(audits.rows[0].n)).toBe(1);
    // staff cancellations do not count against the patient
    expect(await countCancellations(t.app.ctx, kate.patientId, new Date('2026-11-01'))).toBe(0);
  });
});

describe('停诊 (clinic stop)', () => {
  it('stopping one segment cancels and refunds exactly the bookings in it and tells only those patients', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24' });
    const [seg1, seg2] = clinic.segments;
    const paidIn1 = await newPatient(t);
    const lockedIn1 = await newPatient(t);
    const paidIn2 = await newPatient(t);
    const a = await bookAndPay(paidIn1, clinic.scheduleId, { segmentId: seg1.id });
    const b = await book(lockedIn1, clinic.scheduleId, { segmentId: seg1.id });
    const c = await bookAndPay(paidIn2, clinic.scheduleId, { segmentId: seg2.id });

    const noReason = await t.api.post(`/api/v1/admin/schedules/${clinic.scheduleId}/stop`, {
      token: admin,
      body: { segmentId: seg1.id },
    });
    expect(noReason.status).toBe(400);
    const res = await t.api.post(`/api/v1/admin/schedules/${clinic.scheduleId}/stop`, {
      token: admin,
      body: { segmentId: seg1.id, reason: '医生临时参加会诊' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ cancelled: 2, refunded: 1 });

    expect((await row(a.id)).state).toBe('cancelled');
    expect(['requested', 'processing', 'succeeded']).toContain((await row(a.id)).refund_state);
    expect((await row(b.body.id)).state).toBe('cancelled');
    expect((await row(b.body.id)).refund_state).toBe('none');
    expect(await orderState(b.body.payment.orderId)).toBe('closed');
    expect((await row(c.id)).state).toBe('booked');
    const refunds = await t.app.ctx.database.raw.query<{ order_id: string }>(
      'SELECT order_id FROM refunds WHERE order_id = ANY($1)',
      [[a.payment.orderId, c.payment.orderId]],
    );
    expect(refunds.rows.map((r) => r.order_id)).toEqual([a.payment.orderId]);

    expect(await messagesOf(t, paidIn1.accountId, 'registration.clinic-stopped')).toBe(1);
    expect(await messagesOf(t, lockedIn1.accountId, 'registration.clinic-stopped')).toBe(1);
    expect(await messagesOf(t, paidIn2.accountId, 'registration.clinic-stopped')).toBe(0);

    // the stopped segment's slots are withdrawn from every channel; the other segments stay open
    const slots = await t.app.ctx.database.raw.query<{ state: string; n: string }>(
      'SELECT state, count(*) AS n FROM slots WHERE segment_id = $1 GROUP BY state',
      [seg1.id],
    );
    expect(slots.rows.map((r) => [r.state, Number(r.n)])).toEqual([['stopped', 3]]);
    const view = await t.api.get(`/api/v1/schedules?doctorId=${clinic.doctorId}&date=2026-11-24`);
    // a stopped segment is not "full" (约满): it is stopped, and says so
    expect(view.body.items[0].segments[0]).toMatchObject({ state: 'stopped', remaining: 0, full: false });
    expect(view.body.items[0].segments[1]).toMatchObject({ state: 'open', remaining: 2 });
    const newcomer = await newPatient(t);
    const intoStopped = await book(newcomer, clinic.scheduleId, { segmentId: seg1.id });
    expect(intoStopped.body.code).toBe('SLOTS_SOLD_OUT');
    expect((await book(newcomer, clinic.scheduleId)).body.segmentId).toBe(seg2.id);

    const again = await t.api.post(`/api/v1/admin/schedules/${clinic.scheduleId}/stop`, {
      token: admin,
      body: { segmentId: seg1.id, reason: '重复停诊' },
    });
    expect(again.body.code).toBe('ALREADY_STOPPED');
  });

  it('a holiday stop withdraws every clinic of the range and cancels their bookings', async () => {
    const doc = await addTestDoctor(t);
    const d1 = await openClinic(t, admin, { clinicDate: '2026-11-28', doctor: doc });
    const d2 = await openClinic(t, admin, {
      clinicDate: '2026-11-29',
      doctor: doc,
      feeFen: 0,
      level: 'general',
    });
    const liam = await newPatient(t);
    const r = await book(liam, d2.scheduleId);
    expect(r.body.state).toBe('booked');
    const res = await t.api.post('/api/v1/admin/schedules/holiday-stop', {
      token: admin,
      body: { from: '2026-11-28', to: '2026-11-29', departmentId: doc.departmentId, reason: '院庆休诊' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schedules: 2, cancelled: 1, refunded: 0 });
    const states = await t.app.ctx.database.raw.query<{ state: string }>(
      'SELECT state FROM schedules WHERE id = ANY($1)',
      [[d1.scheduleId, d2.scheduleId]],
    );
    expect(states.rows.map((s) => s.state)).toEqual(['stopped', 'stopped']);
    expect((await book(liam, d1.scheduleId)).body.code).toBe('SCHEDULE_STOPPED');
  });

  it("a doctor's whole day is stopped across shifts; other doctors' clinics that day stay open", async () => {
    const doc = await addTestDoctor(t);
    const morning = await openClinic(t, admin, {
      clinicDate: '2026-11-26',
      shiftCode: 'morning',
      doctor: doc,
    });
    const afternoon = await openClinic(t, admin, { clinicDate: '2026-11-26', doctor: doc });
    const other = await openClinic(t, admin, { clinicDate: '2026-11-26' });
    const res = await t.api.post('/api/v1/admin/schedules/holiday-stop', {
      token: admin,
      body: { from: '2026-11-26', to: '2026-11-26', doctorId: doc.doctorId, reason: '外出学术会议' },
    });
    expect(res.body).toEqual({ schedules: 2, cancelled: 0, refunded: 0 });
    const states = await t.app.ctx.database.raw.query<{ id: string; state: string }>(
      'SELECT id, state FROM schedules WHERE id = ANY($1)',
      [[morning.scheduleId, afternoon.scheduleId, other.scheduleId]],
    );
    const byId = Object.fromEntries(states.rows.map((r) => [r.id, r.state]));
    expect(byId).toEqual({
      [morning.scheduleId]: 'stopped',
      [afternoon.scheduleId]: 'stopped',
      [other.scheduleId]: 'open',
    });
  });
});

describe('check-in (取号), no-shows and reminders', () => {
  it('check-in opens an hour before the segment, gives sequential queue numbers and closes 30 minutes after its start', async () => {
    // afternoon: the first segment starts at 14:00 (06:00Z)
    const clinic = await openClinic(t, admin, { clinicDate: TODAY, slotsPerSegment: 3 });
    const seg = clinic.segments[0].id;
    const [m, n, o] = [await newPatient(t), await newPatient(t), await newPatient(t)];
    const rm = await bookAndPay(m, clinic.scheduleId, { segmentId: seg });
    const rn = await bookAndPay(n, clinic.scheduleId, { segmentId: seg });
    const ro = await bookAndPay(o, clinic.scheduleId, { segmentId: seg });
    const checkIn = (p: { token: string }, id: string) =>
      t.api.post(`/api/v1/registrations/${id}/check-in`, { token: p.token, body: {} });

    const early = await checkIn(m, rm.id);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CHECKIN_NOT_OPEN');

    t.clock.set(at('2026-11-23T05:10:00Z')); // 13:10
    const first = await checkIn(n, rn.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'checked_in', queueNumber: 1 });
    const second = await checkIn(m, rm.id);
    expect(second.body.queueNumber).toBe(2);
    expect((await checkIn(n, rn.id)).body.queueNumber).toBe(1); // a second tap gives the same number
    expect(await messagesOf(t, n.accountId, 'registration.checked-in')).toBe(1);

    t.clock.set(at('2026-11-23T06:31:00Z')); // 14:31
    const late = await checkIn(o, ro.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('CHECKIN_CLOSED');
    expect((await row(ro.id)).state).toBe('booked');
  });

  it('a booking for another day cannot be checked in today', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-25' });
    const p = await newPatient(t);
    const r = await bookAndPay(p, clinic.scheduleId);
    const res = await t.api.post(`/api/v1/registrations/${r.id}/check-in`, { token: p.token, body: {} });
    expect(res.body.code).toBe('CHECKIN_NOT_CLINIC_DAY');
  });

  it('after the session ends, booked but unchecked registrations become no-shows and the patient is warned', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: TODAY, shiftCode: 'morning' });
    const q = await newPatient(t);
    const r = await bookAndPay(q, clinic.scheduleId, { segmentId: clinic.segments[3].id }); // 11:00-12:00
    t.clock.set(at('2026-11-23T03:59:00Z')); // 11:59: session still on
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    expect((await row(r.id)).state).toBe('booked');
    t.clock.set(at('2026-11-23T04:00:00Z')); // 12:00: the morning session is over
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    expect((await row(r.id)).state).toBe('no_show');
    expect(await messagesOf(t, q.accountId, 'registration.no-show')).toBe(1);
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    expect(await messagesOf(t, q.accountId, 'registration.no-show')).toBe(1);
    expect(await countNoShows(t.app.ctx, q.patientId, new Date('2026-11-01'))).toBe(1);
    const cancel = await t.api.post(`/api/v1/registrations/${r.id}/cancel`, { token: q.token, body: {} });
    expect(cancel.body.code).toBe('REGISTRATION_NOT_CANCELLABLE');
  });

  it('the visit-eve reminder reaches each booking of tomorrow once', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24' });
    const s = await newPatient(t);
    await bookAndPay(s, clinic.scheduleId);
    t.clock.set(at('2026-11-23T10:00:00Z')); // 18:00
    await t.app.ctx.jobs.runNow(REMINDER_JOB);
    await t.app.ctx.jobs.runNow(REMINDER_JOB);
    expect(await messagesOf(t, s.accountId, 'registration.visit-reminder')).toBe(1);
  });

  it('quick re-book lists doctors seen before with their next clinics', async () => {
    const doc = await addTestDoctor(t);
    const first = await openClinic(t, admin, { clinicDate: TODAY, doctor: doc, feeFen: 0 });
    await openClinic(t, admin, { clinicDate: '2026-11-26', doctor: doc });
    const u = await newPatient(t);
    await book(u, first.scheduleId);
    const res = await t.api.get('/api/v1/registrations/recent-doctors', { token: u.token });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].doctorId).toBe(doc.doctorId);
    expect(res.body.items[0].upcoming.map((s: any) => s.clinicDate)).toEqual([TODAY, '2026-11-26']);
  });
});

describe('console: registrations list and export', () => {
  it('staff filter by date and doctor, see masked names, export to Excel; each read is audited', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-27', feeFen: 0 });
    const v = await newPatient(t);
    await book(v, clinic.scheduleId);
    const list = await t.api.get(`/api/v1/admin/registrations?date=2026-11-27&doctorId=${clinic.doctorId}`, {
      token: admin,
    });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].patientName).toBe('张*');
    const file = await t.api.get(
      `/api/v1/admin/registrations/export?date=2026-11-27&doctorId=${clinic.doctorId}`,
      {
        token: admin,
      },
    );
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    const book2 = new ExcelJS.Workbook();
    await book2.xlsx.load(file.raw.rawPayload as never);
    const sheet = book2.worksheets[0];
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(6).value).toBe('张*');
    const noRange = await t.api.get('/api/v1/admin/registrations/export', { token: admin });
    expect(noRange.body.code).toBe('DATE_RANGE_REQUIRED');
    const audits = await t.app.ctx.database.raw.query<{ action: string }>(
      `SELECT DISTINCT action FROM audit_log WHERE action IN ('registration.search', 'registration.export') ORDER BY action`,
    );
    expect(audits.rows.map((r) => r.action)).toEqual(['registration.export', 'registration.search']);
    const pharmacist = (await loginStaff(t, 'pharmacist')).token;
    expect((await t.api.get('/api/v1/admin/registrations', { token: pharmacist })).status).toBe(403);
  });
});
