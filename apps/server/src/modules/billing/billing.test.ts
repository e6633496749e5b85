import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { startSession } from '../../platform/auth.js';
import { loginStaff } from '../../testing/staff.js';
import { SandboxHis } from '../../integrations/his/index.js';
import { signIntegrationRequest } from '../gateway/index.js';
import { getPatientById } from '../identity/index.js';
import { abnormalOrders, paymentOrders, refunds } from '../payments/index.js';
import {
  deliverSandboxNotifications,
  messagesOf,
  newPatient,
  payAtSandbox,
} from '../registration/testing.js';
import { billPayments, bills, billWritebacks } from './schema.js';
import { WRITEBACK_SWEEP_JOB } from './service.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai.
let t: TestApp;
let admin: { token: string };
let his: { appId: string; secret: string };
const sandboxHis = new SandboxHis();

beforeAll(async () => {
  t = await createTestApp({ adapters: { his: sandboxHis } });
  admin = await loginStaff(t, 'admin');
  const res = await t.api.post('/api/v1/admin/channels', {
    token: admin.token,
    body: {
      code: `his-${randomBytes(3).toString('hex')}`,
      name: '院内 HIS',
      kind: 'his_counter',
      allowedOperations: ['his.visits.push', 'his.bills.push', 'his.execution.push'],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  his = { appId: res.body.appId, secret: res.body.secret };
});
afterAll(async () => t?.close());

/** A signed call as the HIS makes it. */
async function hisCall(path: string, body: unknown) {
  const raw = JSON.stringify(body);
  const headers = signIntegrationRequest({
    appId: his.appId,
    secret: his.secret,
    method: 'POST',
    path,
    body: raw,
    timestamp: Math.floor(t.clock.now().getTime() / 1000),
    nonce: randomBytes(12).toString('hex'),
  });
  return t.api.post(path, { headers, rawBody: raw });
}

let seq = 0;
const drugs = (no: string) => ({
  billNo: no,
  kind: 'prescription',
  title: '西药处方',
  execDepartment: '西药房',
  execLocation: '门诊楼1F 2号窗口',
  items: [
    {
      code: 'Y001',
      name: '阿莫西林胶囊',
      spec: '0.25g*24粒',
      unit: '盒',
      quantity: 2,
      unitPriceFen: 1850,
      amountFen: 3700,
    },
    { code: 'Y002', name: '布洛芬缓释胶囊', unit: '盒', quantity: 1, unitPriceFen: 2300, amountFen: 2300 },
  ],
});
const lab = (no: string) => ({
  billNo: no,
  kind: 'lab',
  title: '检验申请单',
  execDepartment: '检验科',
  execLocation: '门诊楼3F',
  items: [{ code: 'J001', name: '血常规', unit: '次', quantity: 1, unitPriceFen: 2500, amountFen: 2500 }],
});

/** A patient whose visit the HIS opened with a drug bill (60.00) and a lab bill (25.00). */
async function patientWithBills() {
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const n = ++seq;
  const visitNo = `V${Date.now()}${n}`;
  const visit = await hisCall('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: '2026-11-23',
    departmentName: '内科',
    doctorName: '李医生',
    patient: { name: rec.name, idNumber: rec.idNumber },
  });
  expect(visit.status, JSON.stringify(visit.body)).toBe(200);
  expect(visit.body.patientMatched).toBe(true);
  const drugNo = `RX${visitNo}`;
  const labNo = `LB${visitNo}`;
  const pushed = await hisCall('/api/integration/v1/his/bills', {
    visitNo,
    bills: [drugs(drugNo), lab(labNo)],
  });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  expect(pushed.body.bills.map((b: any) => b.outcome)).toEqual(['created', 'created']);
  const list = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
  expect(list.status).toBe(200);
  const drug = list.body.items.find((b: any) => b.billNo === drugNo);
  const labBill = list.body.items.find((b: any) => b.billNo === labNo);
  return { ...p, visitNo, drugNo, labNo, drug, lab: labBill, list: list.body.items };
}

async function startBillPayment(p: { token: string; patientId: string }, billIds: string[], key?: string) {
  return t.api.post('/api/v1/bill-payments', {
    token: p.token,
    body: { patientId: p.patientId, billIds, idempotencyKey: key ?? `k-${randomBytes(6).toString('hex')}` },
  });
}

/** A new session for an account (after the clock moved past the access token's lifetime). */
async function freshToken(p: { accountId: string }) {
  return (await startSession(t.app.ctx, 'patient', p.accountId)).accessToken;
}

async function billRow(id: string) {
  const [b] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, id));
  return b;
}

describe('outpatient bills from the HIS (PAY-01, PAY-02, PAY-05)', () => {
  it('a patient sees the pending bills of a visit with their items and opens one by its QR code', async () => {
    const p = await patientWithBills();
    expect(p.list).toHaveLength(2);
    expect(p.drug).toMatchObject({
      state: 'pending',
      amountFen: 6000,
      departmentName: '内科',
      execDepartment: '西药房',
      execLocation: '门诊楼1F 2号窗口',
      inPayment: false,
    });
    expect(p.drug.items).toEqual([
      expect.objectContaining({
        code: 'Y001',
        name: '阿莫西林胶囊',
        quantity: 2,
        unitPriceFen: 1850,
        amountFen: 3700,
      }),
      expect.objectContaining({ code: 'Y002', quantity: 1, amountFen: 2300 }),
    ]);
    const one = await t.api.get(`/api/v1/bills/${p.lab.id}`, { token: p.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ billNo: p.labNo, amountFen: 2500, patientId: p.patientId });

    const scanned = await t.api.get(`/api/v1/bills/scan?code=${encodeURIComponent(p.drug.scanCode)}`, {
      token: p.token,
    });
    expect(scanned.status).toBe(200);
    expect(scanned.body).toMatchObject({ id: p.drug.id, patientId: p.patientId });
    const unknownCode = await t.api.get('/api/v1/bills/scan?code=QNB:nothing:here', { token: p.token });
    expect(unknownCode.status).toBe(404);
  });

  it("another account's patient and bills answer 404 exactly like missing ones", async () => {
    const p = await patientWithBills();
    const stranger = await newPatient(t);
    const foreignList = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: stranger.token });
    expect(foreignList.status).toBe(404);
    expect(foreignList.body.code).toBe('PATIENT_NOT_FOUND');
    const foreignBill = await t.api.get(`/api/v1/bills/${p.drug.id}`, { token: stranger.token });
    const missing = await t.api.get('/api/v1/bills/no-such-bill', { token: stranger.token });
    expect(foreignBill.status).toBe(404);
    expect(foreignBill.body.code).toBe(missing.body.code);
    const scan = await t.api.get(`/api/v1/bills/scan?code=${encodeURIComponent(p.drug.scanCode)}`, {
      token: stranger.token,
    });
    expect(scan.status).toBe(404);
    // Their own bills list is empty; paying someone else's bill is refused the same way.
    const own = await t.api.get(`/api/v1/bills?patientId=${stranger.patientId}`, { token: stranger.token });
    expect(own.body.items).toEqual([]);
    const pay = await startBillPayment(stranger, [p.drug.id]);
    expect(pay.status).toBe(404);
    expect(pay.body.code).toBe('BILL_NOT_FOUND');
  });

  it('HIS input is checked: unsigned calls, unknown visits, inconsistent amounts', async () => {
    const unsigned = await t.api.post('/api/integration/v1/his/bills', { body: { visitNo: 'x', bills: [] } });
    expect(unsigned.status).toBe(401);
    const noVisit = await hisCall('/api/integration/v1/his/bills', {
      visitNo: 'NOPE1',
      bills: [lab('B-NOPE')],
    });
    expect(noVisit.status).toBe(404);
    expect(noVisit.body.code).toBe('VISIT_NOT_FOUND');
    const p = await patientWithBills();
    const wrong = lab(`BAD${p.visitNo}`);
    wrong.items[0].amountFen = 999;
    const bad = await hisCall('/api/integration/v1/his/bills', { visitNo: p.visitNo, bills: [wrong] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('BILL_ITEM_AMOUNT_MISMATCH');
    const noPatient = await hisCall('/api/integration/v1/his/visits', {
      visitNo: 'VX1',
      visitDate: '2026-11-23',
      patient: { name: '王五' },
    });
    expect(noPatient.status).toBe(400);
    expect(noPatient.body.code).toBe('PATIENT_IDENTIFIER_REQUIRED');
  });
});

describe('paying bills (PAY-03, PAY-04, PAY-06, PAY-07, GUIDE-07)', () => {
  it('two bills paid at once → HIS write-back confirmed → receipt with where to go; a duplicate notification pays once', async () => {
    const p = await patientWithBills();
    const start = await startBillPayment(p, [p.drug.id, p.lab.id], 'pay-both-0001');
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    expect(start.body).toMatchObject({ amountFen: 8500, state: 'open', orderState: 'created' });
    // The same key returns the same payment.
    const again = await startBillPayment(p, [p.lab.id, p.drug.id], 'pay-both-0001');
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(start.body.orderId);
    // While it is open, the bills cannot go into a second payment.
    const second = await startBillPayment(p, [p.drug.id]);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('BILL_IN_PAYMENT');

    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
    await deliverSandboxNotifications(t, start.body.orderNo); // the channel repeats itself

    const calls = await sandboxHis.calls(t.app.ctx, start.body.orderNo);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: 'writeback', amountFen: 8500 });
    expect(calls[0].billNos.sort()).toEqual([p.drugNo, p.labNo].sort());

    const receipt = await t.api.get(`/api/v1/bill-payments/${start.body.id}`, { token: p.token });
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({ state: 'paid', orderState: 'paid', amountFen: 8500 });
    expect(receipt.body.writeBack).toMatchObject({
      state: 'done',
      attempts: 1,
      hisReceiptNo: calls[0].receiptNo,
    });
    const drug = receipt.body.bills.find((b: any) => b.id === p.drug.id);
    expect(drug).toMatchObject({ state: 'confirmed', hisReceiptNo: calls[0].receiptNo });
    expect(drug.guidance).toMatchObject({ department: '西药房', location: '门诊楼1F 2号窗口' });
    expect(drug.guidance.zh).toContain('取药');
    const labBill = receipt.body.bills.find((b: any) => b.id === p.lab.id);
    expect(labBill.guidance).toMatchObject({ department: '检验科', location: '门诊楼3F' });

    expect(await messagesOf(t, p.accountId, 'bill.paid')).toBe(1);
    // Paid once: one paid order, no refund; nothing left pending; my payments list it.
    const [o] = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.id, start.body.orderId));
    expect(o).toMatchObject({ state: 'paid', amountFen: 8500, refundedFen: 0, businessType: 'bill' });
    const pending = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
    expect(pending.body.items).toEqual([]);
    const paid = await t.api.get(`/api/v1/bills?patientId=${p.patientId}&state=paid`, { token: p.token });
    expect(paid.body.items).toHaveLength(2);
    const mine = await t.api.get('/api/v1/bill-payments', { token: p.token });
    expect(mine.body.items).toEqual([
      expect.objectContaining({ id: start.body.id, state: 'paid', orderState: 'paid', billCount: 2 }),
    ]);
    // Paying a paid bill again is refused.
    const twice = await startBillPayment(p, [p.drug.id]);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('BILL_NOT_PENDING');
    // Someone else cannot read the receipt.
    const stranger = await newPatient(t);
    const foreign = await t.api.get(`/api/v1/bill-payments/${start.body.id}`, { token: stranger.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('BILL_PAYMENT_NOT_FOUND');
  });

  it('a re-push updates an unpaid bill but never a paid one', async () => {
    const p = await patientWithBills();
    const start = await startBillPayment(p, [p.drug.id]);
    // Locked while in an open payment.
    const changedLab = lab(p.labNo);
    changedLab.items[0] = { ...changedLab.items[0], quantity: 2, amountFen: 5000 };
    const changedDrug = drugs(p.drugNo);
    changedDrug.items = [changedDrug.items[0]];
    const during = await hisCall('/api/integration/v1/his/bills', {
      visitNo: p.visitNo,
      bills: [changedDrug, changedLab],
    });
    expect(during.status).toBe(200);
    expect(during.body.bills.map((b: any) => b.outcome)).toEqual(['locked_in_payment', 'updated']);
    expect((await billRow(p.lab.id)).amountFen).toBe(5000);
    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
    const after = await hisCall('/api/integration/v1/his/bills', {
      visitNo: p.visitNo,
      bills: [changedDrug],
    });
    expect(after.body.bills[0]).toMatchObject({ outcome: 'unchanged_paid', state: 'confirmed' });
    const drug = await t.api.get(`/api/v1/bills/${p.drug.id}`, { token: p.token });
    expect(drug.body).toMatchObject({ amountFen: 6000, state: 'confirmed' });
    expect(drug.body.items).toHaveLength(2);
  });
});

describe('paying the same bill twice', () => {
  it('two payments started at once for the same bill: exactly one gets it', async () => {
    const p = await patientWithBills();
    const [a, b] = await Promise.all([
      startBillPayment(p, [p.drug.id]),
      startBillPayment(p, [p.drug.id, p.lab.id]),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe('BILL_IN_PAYMENT');
    const rows = await t.app.ctx.db
      .select()
      .from(billPayments)
      .where(eq(billPayments.accountId, p.accountId));
    expect(rows).toHaveLength(1);
    // The lab bill was not taken by the refused payment.
    const lab = await t.api.get(`/api/v1/bills/${p.lab.id}`, { token: p.token });
    expect(lab.body).toMatchObject({ state: 'pending', inPayment: a.status === 409 });
  });

  it('an expired, unpaid payment frees its bills for a new one', async () => {
    const p = await patientWithBills();
    const first = await startBillPayment(p, [p.lab.id]);
    expect(first.status).toBe(201);
    t.clock.advance((t.app.ctx.config.BILL_PAYMENT_MINUTES + 1) * 60_000);
    p.token = await freshToken(p);
    const second = await startBillPayment(p, [p.lab.id]);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.orderId).not.toBe(first.body.orderId);
    expect((await billRow(p.lab.id)).paymentId).toBe(second.body.id);
  });

  it('a late payment of a superseded payment is refunded automatically, the bill is paid once', async () => {
    const p = await patientWithBills();
    const first = await startBillPayment(p, [p.lab.id]);
    const started = await t.api.post(`/api/v1/payments/orders/${first.body.orderId}/pay`, {
      token: p.token,
      body: { channel: 'sandbox' },
    });
    expect(started.status).toBe(200);
    const done = await t.api.post(`/api/v1/payments/sandbox/${first.body.orderNo}/complete`, {
      token: p.token,
      body: { outcome: 'success' },
    });
    expect(done.status).toBe(200);
    // The notification is late: meanwhile the payment expired and the bill went into a new one.
    t.clock.advance((t.app.ctx.config.BILL_PAYMENT_MINUTES + 1) * 60_000);
    p.token = await freshToken(p);
    const second = await startBillPayment(p, [p.lab.id]);
    expect(second.status).toBe(201);
    await deliverSandboxNotifications(t, first.body.orderNo);
    const [late] = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.id, first.body.orderId));
    expect(late).toMatchObject({ refundedFen: 2500, abnormal: true });
    await payAtSandbox(t, p.token, second.body.orderId, second.body.orderNo);
    expect(await billRow(p.lab.id)).toMatchObject({ state: 'confirmed', paymentId: second.body.id });
    expect(await messagesOf(t, p.accountId, 'bill.paid')).toBe(1);
  });

  it('a patient identified by the visit card sees the bills too', async () => {
    const p = await newPatient(t);
    const card = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, { token: p.token, body: {} });
    expect([200, 201], JSON.stringify(card.body)).toContain(card.status);
    const rec = await getPatientById(t.app.ctx, p.patientId);
    const visitNo = `VC${Date.now()}`;
    const visit = await hisCall('/api/integration/v1/his/visits', {
      visitNo,
      visitDate: '2026-11-23',
      patient: { name: rec.name, visitCardNo: rec.visitCardNo },
    });
    expect(visit.body.patientMatched).toBe(true);
    await hisCall('/api/integration/v1/his/bills', { visitNo, bills: [lab(`L${visitNo}`)] });
    const list = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
    expect(list.body.items.map((b: any) => b.billNo)).toEqual([`L${visitNo}`]);
  });
});

describe('online refund (PAY-08, PAY-09, GUIDE-15)', () => {
  it('an unexecuted bill is refunded online; an executed one is sent to the counter', async () => {
    const p = await patientWithBills();
    const start = await startBillPayment(p, [p.drug.id, p.lab.id]);
    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
    const executed = await hisCall(`/api/integration/v1/his/bills/${p.drugNo}/execution`, {
      status: 'dispensed',
    });
    expect(executed.status, JSON.stringify(executed.body)).toBe(200);

    const refused = await t.api.post(`/api/v1/bill-payments/${start.body.id}/refund`, {
      token: p.token,
      body: { billIds: [p.drug.id] },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('GO_TO_COUNTER');
    expect(refused.body.details).toMatchObject({ reason: 'EXECUTED', billNo: p.drugNo });
    expect((await billRow(p.drug.id)).state).toBe('confirmed');

    const stranger = await newPatient(t);
    const foreign = await t.api.post(`/api/v1/bill-payments/${start.body.id}/refund`, {
      token: stranger.token,
      body: { billIds: [p.lab.id] },
    });
    expect(foreign.status).toBe(404);

    const ok = await t.api.post(`/api/v1/bill-payments/${start.body.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ amountFen: 2500, state: 'succeeded' });
    expect(await billRow(p.lab.id)).toMatchObject({ state: 'refunded', refundId: ok.body.refundId });
    const [o] = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.id, start.body.orderId));
    expect(o).toMatchObject({ state: 'partially_refunded', refundedFen: 2500 });
    const told = await sandboxHis.calls(t.app.ctx, start.body.orderNo);
    expect(await messagesOf(t, p.accountId, 'bill.refunded')).toBe(1);
    expect(told.map((c) => c.kind).sort()).toEqual(['refund', 'writeback']);
    expect(told.find((c) => c.kind === 'refund')).toMatchObject({ billNos: [p.labNo], amountFen: 2500 });
    // Twice is refused; an executed report for a refunded bill is refused.
    const again = await t.api.post(`/api/v1/bill-payments/${start.body.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('BILL_ALREADY_REFUNDED');
    const lateExec = await hisCall(`/api/integration/v1/his/bills/${p.labNo}/execution`, {
      status: 'performed',
    });
    expect(lateExec.status).toBe(409);
    expect(lateExec.body.code).toBe('BILL_REFUNDED');
  });

  it('when the HIS cannot take the refund notice, nothing is refunded and the bill stays paid', async () => {
    const p = await patientWithBills();
    const start = await startBillPayment(p, [p.lab.id]);
    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
    sandboxHis.failing = true;
    const res = await t.api
      .post(`/api/v1/bill-payments/${start.body.id}/refund`, {
        token: p.token,
        body: { billIds: [p.lab.id] },
      })
      .finally(() => {
        sandboxHis.failing = false;
      });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('HIS_UNAVAILABLE');
    expect(await billRow(p.lab.id)).toMatchObject({ state: 'confirmed', refundId: null });
    expect(await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, start.body.orderId))).toEqual(
      [],
    );
    const retry = await t.api.post(`/api/v1/bill-payments/${start.body.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(retry.status).toBe(200);
    expect((await billRow(p.lab.id)).state).toBe('refunded');
  });

  it('a printed invoice or a passed refund window sends the patient to the counter', async () => {
    const p = await patientWithBills();
    const start = await startBillPayment(p, [p.drug.id, p.lab.id]);
    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
    const printed = await hisCall(`/api/integration/v1/his/bills/${p.labNo}/invoice-printed`, {});
    expect(printed.status).toBe(200);
    const inv = await t.api.post(`/api/v1/bill-payments/${start.body.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(inv.status).toBe(409);
    expect(inv.body.details.reason).toBe('INVOICE_PRINTED');
    t.clock.advance(24 * 3600_000);
    try {
      const late = await t.api.post(`/api/v1/bill-payments/${start.body.id}/refund`, {
        token: await freshToken(p),
        body: { billIds: [p.drug.id] },
      });
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: 'GO_TO_COUNTER', details: { reason: 'WINDOW_PASSED' } });
    } finally {
      t.clock.advance(-24 * 3600_000);
    }
    expect((await billRow(p.drug.id)).state).toBe('confirmed');
  });
});

describe('HIS write-back down (PAY-03, FIN-08)', () => {
  it('retries by the job, then after N failures refunds in full, returns the bills to pending and tells finance', async () => {
    const p = await patientWithBills();
    const start = await startBillPayment(p, [p.drug.id, p.lab.id]);
    sandboxHis.failing = true;
    try {
      await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
      const [wb] = await t.app.ctx.db
        .select()
        .from(billWritebacks)
        .where(eq(billWritebacks.paymentId, start.body.id));
      expect(wb).toMatchObject({ state: 'pending', attempts: 1 });
      expect((await billRow(p.drug.id)).state).toBe('paid');
      // Not due yet: the sweep leaves it alone.
      await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB, {});
      expect(
        (await t.app.ctx.db.select().from(billWritebacks).where(eq(billWritebacks.id, wb.id)))[0].attempts,
      ).toBe(1);
      const max = t.app.ctx.config.BILL_WRITEBACK_MAX_ATTEMPTS;
      for (let i = 2; i <= max; i++) {
        t.clock.advance(31 * 60_000);
        await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB, {});
      }
    } finally {
      sandboxHis.failing = false;
    }
    const [wb] = await t.app.ctx.db
      .select()
      .from(billWritebacks)
      .where(eq(billWritebacks.paymentId, start.body.id));
    expect(wb).toMatchObject({ state: 'failed', attempts: t.app.ctx.config.BILL_WRITEBACK_MAX_ATTEMPTS });
    expect(wb.refundId).toBeTruthy();
    const [r] = await t.app.ctx.db.select().from(refunds).where(eq(refunds.id, wb.refundId!));
    expect(r).toMatchObject({ amountFen: 8500, state: 'succeeded' });
    const [o] = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.id, start.body.orderId));
    expect(o).toMatchObject({ state: 'refunded', refundedFen: 8500 });
    const abnormal = await t.app.ctx.db.select().from(abnormalOrders).where(eq(abnormalOrders.orderId, o.id));
    expect(abnormal.map((a) => a.reason)).toEqual(['HIS_WRITEBACK_FAILED']);
    expect(await messagesOf(t, p.accountId, 'bill.writeback-refunded')).toBe(1);
    expect(await messagesOf(t, p.accountId, 'bill.paid')).toBe(0);
    const [bp] = await t.app.ctx.db.select().from(billPayments).where(eq(billPayments.id, start.body.id));
    expect(bp.state).toBe('writeback_failed');
    // The bills are owed again and can be paid anew; the HIS never recorded the failed payment.
    p.token = await freshToken(p);
    const pending = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
    expect(pending.body.items.map((b: any) => b.state)).toEqual(['pending', 'pending']);
    expect(await sandboxHis.calls(t.app.ctx, start.body.orderNo)).toEqual([]);
    // More sweeps change nothing (no second refund).
    t.clock.advance(60 * 60_000);
    await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB, {});
    expect(await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, o.id))).toHaveLength(1);
    p.token = await freshToken(p);

    const finance = await loginStaff(t, 'finance');
    const list = await t.api.get('/api/v1/admin/bill-writeback-failures', { token: finance.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ paymentId: start.body.id, amountFen: 8500, refundId: wb.refundId }),
      ]),
    );
    const abnormalList = await t.api.get('/api/v1/admin/abnormal-orders?status=open', {
      token: finance.token,
    });
    expect(abnormalList.status).toBe(200);
    expect(
      abnormalList.body.items.some((a: any) => a.id === o.id && a.abnormalReason === 'HIS_WRITEBACK_FAILED'),
    ).toBe(true);
    const patientDenied = await t.api.get('/api/v1/admin/bill-writeback-failures', { token: p.token });
    expect(patientDenied.status).toBe(403);

    const retry = await startBillPayment(p, [p.drug.id, p.lab.id]);
    expect(retry.status).toBe(201);
    await payAtSandbox(t, p.token, retry.body.orderId, retry.body.orderNo);
    expect((await billRow(p.drug.id)).state).toBe('confirmed');
  });

  it('a write-back that recovers before N failures confirms the bills without a refund', async () => {
    const p = await patientWithBills();
    const start = await startBillPayment(p, [p.lab.id]);
    sandboxHis.failing = true;
    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo).finally(() => {
      sandboxHis.failing = false;
    });
    expect((await billRow(p.lab.id)).state).toBe('paid');
    t.clock.advance(2 * 60_000);
    await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB, {});
    expect((await billRow(p.lab.id)).state).toBe('confirmed');
    const [o] = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.id, start.body.orderId));
    expect(o).toMatchObject({ state: 'paid', refundedFen: 0 });
  });
});
