import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { bills } from './schema.js';
import {
  openHisChannel,
  patientWithVisit as sharedPatientWithVisit,
  payBills,
  type HisCall,
} from './test-helpers.js';
import { refunds } from '../payments/index.js';

// PAY-09 前台退费: the HIS reports a refund made at the hospital's counter.
let t: TestApp;
let hisCall: HisCall;

beforeAll(async () => {
  t = await createTestApp();
  hisCall = await openHisChannel(t);
});
afterAll(async () => t?.close());

const patientWithVisit = () => sharedPatientWithVisit(t, hisCall);
const pay = (p: { token: string; patientId: string }, billIds: string[]) => payBills(t, p, billIds);

const counterRefund = (billNo: string, body: unknown) =>
  hisCall(`/api/integration/v1/his/bills/${billNo}/counter-refund`, body);

describe('refunds at the counter (PAY-09)', () => {
  it('a dispensed drug refused online is refunded at the counter back to the original account, once', async () => {
    const p = await patientWithVisit();
    const payment = await pay(p, [p.drug.id, p.lab.id]);
    await hisCall(`/api/integration/v1/his/bills/${p.drug.billNo}/execution`, { status: 'dispensed' });
    const online = await t.api.post(`/api/v1/bill-payments/${payment.id}/refund`, {
      token: p.token,
      body: { billIds: [p.drug.id] },
    });
    expect(online.status).toBe(409);
    expect(online.body).toMatchObject({ code: 'GO_TO_COUNTER', details: { reason: 'EXECUTED' } });

    const first = await counterRefund(p.drug.billNo, { method: 'original' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ state: 'refunded', refundMethod: 'original' });
    const again = await counterRefund(p.drug.billNo, { method: 'original' });
    expect(again.status).toBe(200);
    expect(again.body.refundId).toBe(first.body.refundId);
    const money = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, payment.orderId));
    expect(money).toEqual([expect.objectContaining({ amountFen: 3700, state: 'succeeded' })]);
    const [row] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, p.drug.id));
    expect(row).toMatchObject({ state: 'refunded', refundMethod: 'original', refundId: first.body.refundId });
    // the lab bill of the same payment is untouched
    const [lab] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, p.lab.id));
    expect(lab).toMatchObject({ state: 'confirmed', refundMethod: null });
  });

  it('a cash refund at the counter is recorded without moving money on the platform', async () => {
    const p = await patientWithVisit();
    const payment = await pay(p, [p.lab.id]);
    const res = await counterRefund(p.lab.billNo, { method: 'cash' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ state: 'refunded', refundMethod: 'cash', refundId: null });
    const money = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, payment.orderId));
    expect(money).toEqual([]);
    // refunded at the counter: no second refund online
    const online = await t.api.post(`/api/v1/bill-payments/${payment.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(online.status).toBe(409);
    expect(online.body.code).toBe('BILL_ALREADY_REFUNDED');
  });

  it('an unpaid or unknown bill, or bad input, is refused and nothing changes', async () => {
    const p = await patientWithVisit();
    const unpaid = await counterRefund(p.drug.billNo, { method: 'cash' });
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.code).toBe('BILL_NOT_PAID');
    const unknown = await counterRefund('NO-SUCH-BILL', { method: 'cash' });
    expect(unknown.status).toBe(404);
    const bad = await counterRefund(p.drug.billNo, { method: 'cheque' });
    expect(bad.status).toBe(400);
    const [row] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, p.drug.id));
    expect(row).toMatchObject({ state: 'pending', refundMethod: null });
  });
});
