import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { auditLog } from '../../platform/schema.js';
import { SandboxHis } from '../../integrations/his/index.js';
import { payAtSandbox } from '../registration/testing.js';
import { bills } from './schema.js';
import {
  openHisChannel,
  patientWithVisit as sharedPatientWithVisit,
  payBills,
  type HisCall,
} from './test-helpers.js';
import { WRITEBACK_SWEEP_JOB } from './service.js';

// The finance console's outpatient bill search and detail (issue 4).
let t: TestApp;
let finance: { token: string; id: string };
let doctor: { token: string; id: string };
let hisCall: HisCall;
const sandboxHis = new SandboxHis();

beforeAll(async () => {
  t = await createTestApp({ adapters: { his: sandboxHis } });
  finance = await loginStaff(t, 'finance');
  doctor = await loginStaff(t, 'doctor');
  hisCall = await openHisChannel(t);
});
afterAll(async () => t?.close());

const patientWithVisit = () => sharedPatientWithVisit(t, hisCall);
const pay = (p: { token: string; patientId: string }, billIds: string[]) => payBills(t, p, billIds);

async function auditRows(action: string, objectId?: string) {
  return t.app.ctx.db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, action),
        eq(auditLog.actorId, finance.id),
        objectId ? eq(auditLog.objectId, objectId) : undefined,
      ),
    );
}

describe('finance searches outpatient bills', () => {
  it('finds a bill by its number and every bill of a visit by the visit number, with the patient name masked', async () => {
    const p = await patientWithVisit();
    const before = (await auditRows('billing.bills.list')).length;

    const byNo = await t.api.get(`/api/v1/admin/bills?q=${p.drug.billNo}`, { token: finance.token });
    expect(byNo.status, JSON.stringify(byNo.body)).toBe(200);
    expect(byNo.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(byNo.body.items[0]).toMatchObject({
      id: p.drug.id,
      billNo: p.drug.billNo,
      visitNo: p.visitNo,
      amountFen: 3700,
      state: 'pending',
      departmentName: '内科',
    });
    const name = byNo.body.items[0].patientName as string;
    expect(name).not.toBe(p.name);
    expect(name).toContain('*');
    expect(name[0]).toBe([...p.name][0]);
    expect(JSON.stringify(byNo.body)).not.toContain(p.name);

    const byVisit = await t.api.get(`/api/v1/admin/bills?q=${p.visitNo}`, { token: finance.token });
    expect(byVisit.status).toBe(200);
    expect(byVisit.body.total).toBe(2);
    expect(byVisit.body.items.map((b: any) => b.billNo).sort()).toEqual([p.drug.billNo, p.lab.billNo].sort());

    // exact, not prefix
    const partial = await t.api.get(`/api/v1/admin/bills?q=${p.visitNo.slice(0, -1)}`, {
      token: finance.token,
    });
    expect(partial.status).toBe(200);
    expect(partial.body.items.find((b: any) => b.visitNo === p.visitNo)).toBeUndefined();

    expect((await auditRows('billing.bills.list')).length).toBe(before + 3);
  });

  it('filters by state and billing date and pages the result, newest first', async () => {
    const p = await patientWithVisit();
    await pay(p, [p.drug.id]);
    const paid = await t.api.get(`/api/v1/admin/bills?q=${p.visitNo}&state=confirmed`, {
      token: finance.token,
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.items.map((b: any) => b.id)).toEqual([p.drug.id]);
    const pending = await t.api.get(`/api/v1/admin/bills?q=${p.visitNo}&state=pending`, {
      token: finance.token,
    });
    expect(pending.body.items.map((b: any) => b.id)).toEqual([p.lab.id]);

    const now = t.clock.now().getTime();
    const from = encodeURIComponent(new Date(now + 3_600_000).toISOString());
    const later = await t.api.get(`/api/v1/admin/bills?q=${p.visitNo}&from=${from}`, {
      token: finance.token,
    });
    expect(later.status).toBe(200);
    expect(later.body.total).toBe(0);

    const page1 = await t.api.get('/api/v1/admin/bills?pageSize=1', { token: finance.token });
    const page2 = await t.api.get('/api/v1/admin/bills?pageSize=1&page=2', { token: finance.token });
    expect(page1.body.items).toHaveLength(1);
    expect(page2.body.items).toHaveLength(1);
    expect(page1.body.total).toBeGreaterThanOrEqual(4);
    expect(page1.body.items[0].id).not.toBe(page2.body.items[0].id);
    expect(page1.body.items[0].billedAt >= page2.body.items[0].billedAt).toBe(true);
  });

  it('shows a bill with its items, the payment that carried it and the HIS write-back', async () => {
    const p = await patientWithVisit();
    const payment = await pay(p, [p.drug.id, p.lab.id]);
    const res = await t.api.get(`/api/v1/admin/bills/${p.drug.id}`, { token: finance.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: p.drug.id,
      billNo: p.drug.billNo,
      visitNo: p.visitNo,
      state: 'confirmed',
      execDepartment: '西药房',
      items: [{ code: 'Y001', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1850, amountFen: 3700 }],
    });
    expect(res.body.hisReceiptNo).toBeTruthy();
    expect(res.body.patientName).not.toBe(p.name);
    expect(res.body.payments).toHaveLength(1);
    expect(res.body.payments[0]).toMatchObject({
      paymentId: payment.id,
      state: 'paid',
      amountFen: 6200,
      billCount: 2,
      order: { orderId: payment.orderId, orderNo: payment.orderNo, state: 'paid', amountFen: 6200 },
      refunds: [],
      writeBack: { state: 'done', hisReceiptNo: res.body.hisReceiptNo },
    });
    expect(await auditRows('billing.bills.read', p.drug.id)).toHaveLength(1);
  });
});

describe('refusals', () => {
  it('a doctor (no payments.read) is refused and a patient is not let in', async () => {
    const p = await patientWithVisit();
    const list = await t.api.get('/api/v1/admin/bills', { token: doctor.token });
    expect(list.status).toBe(403);
    const one = await t.api.get(`/api/v1/admin/bills/${p.drug.id}`, { token: doctor.token });
    expect(one.status).toBe(403);
    const patient = await t.api.get('/api/v1/admin/bills', { token: p.token });
    expect([401, 403]).toContain(patient.status);
    const anon = await t.api.get('/api/v1/admin/bills');
    expect(anon.status).toBe(401);
  });

  it('an unknown bill is 404 and nothing is audited as read', async () => {
    const res = await t.api.get('/api/v1/admin/bills/no-such-bill', { token: finance.token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('BILL_NOT_FOUND');
    expect(await auditRows('billing.bills.read', 'no-such-bill')).toHaveLength(0);
  });

  it('a bad query is 400: unknown state, malformed number, bad dates, reversed range, unknown field', async () => {
    const before = (await auditRows('billing.bills.list')).length;
    for (const qs of [
      'state=paying',
      'q=a%20b',
      'from=yesterday',
      'pageSize=0',
      'page=-1',
      'foo=1',
      `from=${encodeURIComponent('2026-11-23T00:00:00Z')}&to=${encodeURIComponent('2026-11-22T00:00:00Z')}`,
    ]) {
      const res = await t.api.get(`/api/v1/admin/bills?${qs}`, { token: finance.token });
      expect(res.status, qs).toBe(400);
      expect(res.body.code, qs).toBeTruthy();
    }
    expect((await auditRows('billing.bills.list')).length).toBe(before);
    // nothing about bills changed
    const [anyBill] = await t.app.ctx.db.select().from(bills).limit(1);
    expect(anyBill).toBeTruthy();
  });
});

// Last: it moves the clock forward (staff sessions of the tests above would idle out).
describe('a bill whose HIS write-back failed for good', () => {
  it('shows the failed payment with its automatic refund while the bill is owed again', async () => {
    const p = await patientWithVisit();
    const start = await t.api.post('/api/v1/bill-payments', {
      token: p.token,
      body: {
        patientId: p.patientId,
        billIds: [p.drug.id],
        idempotencyKey: `k-${randomBytes(6).toString('hex')}`,
      },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    sandboxHis.failing = true;
    try {
      await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
      for (let i = 2; i <= t.app.ctx.config.BILL_WRITEBACK_MAX_ATTEMPTS; i++) {
        t.clock.advance(31 * 60_000);
        await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB, {});
      }
    } finally {
      sandboxHis.failing = false;
    }
    const fin = await loginStaff(t, 'finance');
    const res = await t.api.get(`/api/v1/admin/bills/${p.drug.id}`, { token: fin.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ state: 'pending', currentPaymentId: null, hisReceiptNo: null });
    expect(res.body.payments).toHaveLength(1);
    const [pay] = res.body.payments;
    expect(pay).toMatchObject({
      paymentId: start.body.id,
      state: 'writeback_failed',
      order: { orderNo: start.body.orderNo, state: 'refunded', refundedFen: 3700 },
      writeBack: {
        state: 'failed',
        attempts: t.app.ctx.config.BILL_WRITEBACK_MAX_ATTEMPTS,
        nextAttemptAt: null,
      },
    });
    expect(pay.writeBack.lastError).toBeTruthy();
    expect(pay.refunds).toEqual([expect.objectContaining({ amountFen: 3700, state: 'succeeded' })]);
    // the search by state finds it among the pending bills again
    const pending = await t.api.get(`/api/v1/admin/bills?q=${p.visitNo}&state=pending`, { token: fin.token });
    expect(pending.body.items.map((b: any) => b.id).sort()).toEqual([p.drug.id, p.lab.id].sort());
  });
});
