import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { messagesOf, newPatient, openClinic, payAtSandbox, slotStates } from './test-helpers.js';

// Finance refunds a registration fee by hand at the window: the registration follows the money.
let t: TestApp;
let admin: string;
let finance: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginStaff(t, 'admin')).token;
  finance = (await loginStaff(t, 'finance')).token;
});
afterAll(async () => t?.close());

async function paidBooking(key: string) {
  const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24', slotsPerSegment: 1, feeFen: 5000 });
  const p = await newPatient(t);
  const res = await t.api.post('/api/v1/registrations', {
    token: p.token,
    body: {
      patientId: p.patientId,
      scheduleId: clinic.scheduleId,
      segmentId: clinic.segments[0].id,
      idempotencyKey: key,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await payAtSandbox(t, p.token, res.body.payment.orderId, res.body.payment.orderNo);
  return { p, clinic, reg: res.body };
}

const refundByHand = (orderId: string, amountFen: number, key: string) =>
  t.api.post(`/api/v1/admin/payment-orders/${orderId}/refunds`, {
    token: finance,
    headers: { 'idempotency-key': key },
    body: { amountFen, reason: '患者在窗口申请退费' },
  });

describe('a registration fee refunded by hand at the finance window', () => {
  it('a full refund cancels the booking, frees its slot and tells the patient; no second refund is made', async () => {
    const { p, clinic, reg } = await paidBooking('manual-full-1');
    const refund = await refundByHand(reg.payment.orderId, 5000, 'manual-full-key-1');
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(refund.body.state).toBe('succeeded');

    const detail = await t.api.get(`/api/v1/registrations/${reg.id}`, { token: p.token });
    expect(detail.body).toMatchObject({ state: 'cancelled', cancelReason: '财务窗口已全额退费' });
    expect(detail.body.refund).toMatchObject({ state: 'succeeded' });
    expect(detail.body.payment).toMatchObject({ refundedFen: 5000 });
    const refunds = await t.app.ctx.database.raw.query(
      'SELECT count(*)::int AS n FROM refunds WHERE order_id = $1',
      [reg.payment.orderId],
    );
    expect(refunds.rows[0].n).toBe(1);
    // the slot is bookable again
    expect(await messagesOf(t, p.accountId, 'registration.cancelled')).toBe(1);
    // the segment's only slot is bookable again
    expect((await slotStates(t, clinic.scheduleId)).booked ?? 0).toBe(0);
    const other = await newPatient(t);
    const again = await t.api.post('/api/v1/registrations', {
      token: other.token,
      body: {
        patientId: other.patientId,
        scheduleId: clinic.scheduleId,
        segmentId: clinic.segments[0].id,
        idempotencyKey: 'manual-full-next',
      },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });

  it('a partial refund (a fee difference) leaves the booking as it is', async () => {
    const { p, reg } = await paidBooking('manual-part-1');
    const refund = await refundByHand(reg.payment.orderId, 1000, 'manual-part-key-1');
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    const detail = await t.api.get(`/api/v1/registrations/${reg.id}`, { token: p.token });
    expect(detail.body.state).toBe('booked');
    expect(detail.body.payment).toMatchObject({ refundedFen: 1000 });
  });
});
