import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { newPatient, openClinic, payAtSandbox } from '../registration/testing.js';

// PAY-07 我的缴费: one list of everything the account paid, with status and refunds.
let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());

async function book(p: { token: string; patientId: string }, scheduleId: string, key: string) {
  const res = await t.api.post('/api/v1/registrations', {
    token: p.token,
    body: { patientId: p.patientId, scheduleId, idempotencyKey: key },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('my payments (PAY-07)', () => {
  it('lists paid and refunded transactions newest first with their refunds; an unpaid one only under "unpaid"', async () => {
    const p = await newPatient(t);
    const first = await openClinic(t, admin, { clinicDate: '2026-11-24', feeFen: 5000 });
    const second = await openClinic(t, admin, { clinicDate: '2026-11-25', feeFen: 3000 });
    const third = await openClinic(t, admin, { clinicDate: '2026-11-26', feeFen: 2000 });

    const a = await book(p, first.scheduleId, 'mine-test-a');
    await payAtSandbox(t, p.token, a.payment.orderId, a.payment.orderNo);
    t.clock.advance(60_000);
    const b = await book(p, second.scheduleId, 'mine-test-b');
    await payAtSandbox(t, p.token, b.payment.orderId, b.payment.orderNo);
    const cancelled = await t.api.post(`/api/v1/registrations/${b.id}/cancel`, { token: p.token, body: {} });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBeLessThan(300);
    t.clock.advance(60_000);
    const c = await book(p, third.scheduleId, 'mine-test-c'); // locked, not paid

    const all = await t.api.get('/api/v1/payments/mine', { token: p.token });
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: any) => i.orderNo)).toEqual([b.payment.orderNo, a.payment.orderNo]);
    const [refunded, paid] = all.body.items;
    expect(paid).toMatchObject({
      businessType: 'registration',
      businessId: a.id,
      patientId: p.patientId,
      amountFen: 5000,
      refundedFen: 0,
      state: 'paid',
      channel: 'sandbox',
      refunds: [],
    });
    expect(refunded.state).toMatch(/refund/);
    expect(refunded.refunds).toHaveLength(1);
    expect(refunded.refunds[0]).toMatchObject({ amountFen: 3000 });

    const onlyRefunded = await t.api.get('/api/v1/payments/mine?state=refunded', { token: p.token });
    expect(onlyRefunded.body.items.map((i: any) => i.orderNo)).toEqual([b.payment.orderNo]);
    const unpaid = await t.api.get('/api/v1/payments/mine?state=unpaid', { token: p.token });
    expect(unpaid.body.items.map((i: any) => i.orderNo)).toEqual([c.payment.orderNo]);
  });

  it('pages with a cursor, never repeating or skipping an item', async () => {
    const p = await newPatient(t);
    const orders: string[] = [];
    for (const [i, date] of ['2026-11-24', '2026-11-25', '2026-11-26'].entries()) {
      const clinic = await openClinic(t, admin, { clinicDate: date, feeFen: 1000 + i });
      const r = await book(p, clinic.scheduleId, `mine-page-${i}-x`);
      await payAtSandbox(t, p.token, r.payment.orderId, r.payment.orderNo);
      orders.unshift(r.payment.orderNo);
      t.clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await t.api.get(
        `/api/v1/payments/mine?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: p.token },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i: any) => i.orderNo));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(orders);
  });

  it("shows nothing of another account's payments, and refuses a bad cursor or filter", async () => {
    const p = await newPatient(t);
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24' });
    const r = await book(p, clinic.scheduleId, 'mine-other-1');
    await payAtSandbox(t, p.token, r.payment.orderId, r.payment.orderNo);
    const stranger = await newPatient(t);
    const theirs = await t.api.get(`/api/v1/payments/mine?patientId=${p.patientId}`, {
      token: stranger.token,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
    const badCursor = await t.api.get('/api/v1/payments/mine?cursor=bm90LWEtY3Vyc29y', { token: p.token });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('CURSOR_INVALID');
    const badFilter = await t.api.get('/api/v1/payments/mine?state=everything', { token: p.token });
    expect(badFilter.status).toBe(400);
    const anonymous = await t.api.get('/api/v1/payments/mine');
    expect(anonymous.status).toBe(401);
  });
});
