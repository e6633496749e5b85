import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, isPostgres, type TestApp } from '../../testing/harness.js';
import { startSession } from '../../platform/auth.js';
import { loginStaff } from '../../testing/staff.js';
import { SandboxEInvoicePlatform } from '../../integrations/einvoice/sandbox.js';
import { capitalYuan, resolveCjkFont } from '../../integrations/einvoice/pdf.js';
import { openChannel, type SignedCall } from '../../testing/channels.js';
import { openHisChannel } from '../billing/testing.js';
import { getPatientById } from '../identity/index.js';
import {
  openClinic,
  messagesOf,
  newPatient,
  payAtSandbox,
  deliverSandboxNotifications,
} from '../registration/testing.js';
import { einvoices } from './schema.js';
import { ISSUE_JOB, SWEEP_JOB } from './service.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai.
let t: TestApp;
/** Signed calls as the HIS and as a self-service invoice kiosk make them. */
let his: SignedCall;
let kiosk: SignedCall;
const platform = new SandboxEInvoicePlatform();

beforeAll(async () => {
  t = await createTestApp({ adapters: { einvoice: platform }, poolSize: 20 });
  his = await openHisChannel(t, [
    'his.visits.push',
    'his.bills.push',
    'his.execution.push',
    'his.admissions.push',
    'his.inpatient-charges.push',
    'his.discharge.push',
  ]);
  kiosk = await openChannel(t, ['einvoice.printed.push', 'einvoice.query'], {
    kind: 'other',
    name: '自助开票机',
  });
});
afterAll(async () => t?.close());

let seq = 0;
/** A patient who paid a drug bill (60.00) and a lab bill (25.00) in one payment, confirmed by the HIS. */
async function paidBills() {
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const visitNo = `EV${Date.now()}${++seq}`;
  const v = await his('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: '2026-11-23',
    departmentName: '内科',
    patient: { name: rec.name, idNumber: rec.idNumber },
  });
  expect(v.status, JSON.stringify(v.body)).toBe(200);
  const drugNo = `RX${visitNo}`;
  const labNo = `LB${visitNo}`;
  const pushed = await his('/api/integration/v1/his/bills', {
    visitNo,
    bills: [
      {
        billNo: drugNo,
        kind: 'prescription',
        title: '西药处方',
        execDepartment: '西药房',
        execLocation: '门诊楼1F',
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
          {
            code: 'Y002',
            name: '布洛芬缓释胶囊',
            unit: '盒',
            quantity: 1,
            unitPriceFen: 2300,
            amountFen: 2300,
          },
        ],
      },
      {
        billNo: labNo,
        kind: 'lab',
        title: '检验申请单',
        execDepartment: '检验科',
        execLocation: '门诊楼3F',
        items: [
          { code: 'J001', name: '血常规', unit: '次', quantity: 1, unitPriceFen: 2500, amountFen: 2500 },
        ],
      },
    ],
  });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  const list = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
  const drug = list.body.items.find((b: any) => b.billNo === drugNo);
  const lab = list.body.items.find((b: any) => b.billNo === labNo);
  const start = await t.api.post('/api/v1/bill-payments', {
    token: p.token,
    body: {
      patientId: p.patientId,
      billIds: [drug.id, lab.id],
      idempotencyKey: `einv-${randomBytes(6).toString('hex')}`,
    },
  });
  expect(start.status, JSON.stringify(start.body)).toBe(201);
  await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
  return { ...p, drug, lab, drugNo, labNo, payment: start.body };
}

const sweep = () => t.app.ctx.jobs.runNow(SWEEP_JOB, {});
const invoicesOf = (paymentId: string) =>
  t.app.ctx.db.select().from(einvoices).where(eq(einvoices.sourceId, paymentId)).orderBy(einvoices.createdAt);
const freshToken = async (accountId: string) =>
  (await startSession(t.app.ctx, 'patient', accountId)).accessToken;

describe('e-invoices after payment (PAY-10)', () => {
  it('a paid bill payment gets one e-invoice, even when the notification repeats and the job runs twice', async () => {
    const p = await paidBills();
    // Requested the moment the HIS confirmed the payment; issued by the job.
    const [inv] = await invoicesOf(p.payment.id);
    expect(inv).toMatchObject({ kind: 'blue', state: 'pending', attempts: 0, amountFen: 8500 });
    await deliverSandboxNotifications(t, p.payment.orderNo);
    await t.app.ctx.jobs.runNow(ISSUE_JOB, { invoiceId: inv.id });
    await t.app.ctx.jobs.runNow(ISSUE_JOB, { invoiceId: inv.id });
    await sweep();
    await deliverSandboxNotifications(t, p.payment.orderNo);
    await sweep();

    const rows = await invoicesOf(p.payment.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'blue',
      state: 'issued',
      amountFen: 8500,
      attempts: 1,
      payerName: '张三',
    });
    expect(await platform.issues(t.app.ctx, rows[0].serialNo)).toHaveLength(1);
    expect(rows[0].invoiceNo).toMatch(/^\d{10}$/);
    expect(rows[0].invoiceCode).toMatch(/^\d{8}$/);

    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: inv.id,
        kind: 'blue',
        status: 'issued',
        amountFen: 8500,
        invoiceNo: rows[0].invoiceNo,
        orderNo: p.payment.orderNo,
        printed: false,
      }),
    ]);
    const one = await t.api.get(`/api/v1/einvoices/${inv.id}`, { token: p.token });
    expect(one.status).toBe(200);
    // Bills in bill-number order (LB… before RX…), each bill's items in their order.
    expect(one.body.items.map((i: any) => [i.name, i.amountFen])).toEqual([
      ['血常规', 2500],
      ['阿莫西林胶囊', 3700],
      ['布洛芬缓释胶囊', 2300],
    ]);
    expect(await messagesOf(t, p.accountId, 'einvoice.issued')).toBe(1);
  });

  it.runIf(isPostgres())('workers issuing or reversing at once still do it once', async () => {
    const p = await paidBills();
    const [inv] = await invoicesOf(p.payment.id);
    await Promise.all([
      sweep(),
      sweep(),
      t.app.ctx.jobs.runNow(ISSUE_JOB, { invoiceId: inv.id }),
      t.app.ctx.jobs.runNow(ISSUE_JOB, { invoiceId: inv.id }),
    ]);
    const rows = await invoicesOf(p.payment.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'issued', attempts: 1 });
    expect(await platform.issues(t.app.ctx, rows[0].serialNo)).toHaveLength(1);
    expect(await messagesOf(t, p.accountId, 'einvoice.issued')).toBe(1);
    // Two sweeps after a refund: one red letter, one new invoice for the bill kept.
    const refund = await t.api.post(`/api/v1/bill-payments/${p.payment.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(refund.status).toBe(200);
    await Promise.all([sweep(), sweep()]);
    await sweep();
    const after = await invoicesOf(p.payment.id);
    expect(after.map((r) => `${r.kind}:${r.state}:${r.amountFen}`).sort()).toEqual([
      'blue:issued:6000',
      'blue:issued:8500',
      'red:issued:8500',
    ]);
  });

  it('the PDF downloads with its number, and the public check confirms code, number and check code', async () => {
    const p = await paidBills();
    await sweep();
    const [inv] = await invoicesOf(p.payment.id);
    const res = await t.api.get(`/api/v1/einvoices/${inv.id}/pdf`, { token: p.token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="einvoice-${inv.invoiceCode}-${inv.invoiceNo}.pdf"`,
    );
    const pdf = res.raw.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain(`invoiceNo=${inv.invoiceNo}`);
    expect(pdf.toString('latin1')).toContain('/FontFile'); // the Chinese font is embedded
    expect(pdf.length).toBeGreaterThan(5000);

    const ok = await t.api.get(
      `/api/v1/einvoices/verify?code=${inv.invoiceCode}&no=${inv.invoiceNo}&check=${inv.checkCode}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      genuine: true,
      kind: 'blue',
      amountFen: 8500,
      reversed: false,
      payerName: '张*',
    });
    expect(inv.verifyUrl).toBe(
      `${t.app.ctx.config.PUBLIC_BASE_URL}/api/v1/einvoices/verify?code=${inv.invoiceCode}&no=${inv.invoiceNo}&check=${inv.checkCode}`,
    );
    // A phone scanning the QR code gets a page.
    const page = await t.api.get(new URL(inv.verifyUrl!).pathname + new URL(inv.verifyUrl!).search, {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('真票');
    expect(page.body).toContain(inv.invoiceNo);
    const wrongCheck = await t.api.get(
      `/api/v1/einvoices/verify?code=${inv.invoiceCode}&no=${inv.invoiceNo}&check=ZZZZZZ`,
    );
    expect(wrongCheck.body).toEqual({ genuine: false });
    const unknown = await t.api.get(`/api/v1/einvoices/verify?code=12345678&no=9999999999&check=ABCDEF`);
    expect(unknown.body).toEqual({ genuine: false });
    const bad = await t.api.get(`/api/v1/einvoices/verify?code=1'--&no=1&check=x`);
    expect(bad.status).toBe(400);
  });

  it("another account's invoice is answered exactly like a missing one", async () => {
    const p = await paidBills();
    await sweep();
    const [inv] = await invoicesOf(p.payment.id);
    const stranger = await newPatient(t);
    const missing = await t.api.get('/api/v1/einvoices/no-such-invoice', { token: stranger.token });
    expect(missing.status).toBe(404);
    for (const url of [`/api/v1/einvoices/${inv.id}`, `/api/v1/einvoices/${inv.id}/pdf`]) {
      const r = await t.api.get(url, { token: stranger.token });
      expect(r.status).toBe(404);
      expect(r.body.code).toBe(missing.body.code);
    }
    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: stranger.token });
    expect(list.status).toBe(404);
    const own = await t.api.get(`/api/v1/einvoices?patientId=${stranger.patientId}`, {
      token: stranger.token,
    });
    expect(own.body.items).toEqual([]);
    const anonymous = await t.api.get(`/api/v1/einvoices/${inv.id}/pdf`);
    expect(anonymous.status).toBe(401);
  });
});

describe('refunds and red-letter invoices (PAY-10, PAY-08)', () => {
  it('refunding one bill online red-letters the invoice and issues a new one for the bill kept', async () => {
    const p = await paidBills();
    await sweep();
    const [blue] = await invoicesOf(p.payment.id);
    const refund = await t.api.post(`/api/v1/bill-payments/${p.payment.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    await sweep();
    await sweep();

    const rows = await invoicesOf(p.payment.id);
    expect(rows).toHaveLength(3);
    const red = rows.find((r) => r.kind === 'red')!;
    const kept = rows.find((r) => r.kind === 'blue' && r.id !== blue.id)!;
    expect(red).toMatchObject({ state: 'issued', originalId: blue.id, amountFen: 8500 });
    expect(kept).toMatchObject({ state: 'issued', amountFen: 6000, sourceParts: [p.drug.id] });
    expect((await t.app.ctx.db.select().from(einvoices).where(eq(einvoices.id, blue.id)))[0].reversedBy).toBe(
      red.id,
    );

    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
    const byId = Object.fromEntries(list.body.items.map((i: any) => [i.id, i]));
    expect(byId[blue.id]).toMatchObject({ status: 'reversed', reversedBy: red.id });
    expect(byId[red.id]).toMatchObject({
      kind: 'red',
      status: 'issued',
      amountFen: -8500,
      originalId: blue.id,
    });
    expect(byId[kept.id]).toMatchObject({ kind: 'blue', status: 'issued', amountFen: 6000 });
    const redPdf = await t.api.get(`/api/v1/einvoices/${red.id}/pdf`, { token: p.token });
    expect(redPdf.status).toBe(200);
    expect(redPdf.raw.rawPayload.toString('latin1')).toContain('kind=red');

    const check = await t.api.get(
      `/api/v1/einvoices/verify?code=${blue.invoiceCode}&no=${blue.invoiceNo}&check=${blue.checkCode}`,
    );
    expect(check.body).toMatchObject({ genuine: true, reversed: true });
    expect(await messagesOf(t, p.accountId, 'einvoice.reversed')).toBe(1);
  });

  it('a payment refunded before its invoice was issued gets no invoice at all', async () => {
    const p = await paidBills();
    platform.failing = true;
    try {
      await sweep();
    } finally {
      platform.failing = false;
    }
    for (const b of [p.drug.id, p.lab.id]) {
      const r = await t.api.post(`/api/v1/bill-payments/${p.payment.id}/refund`, {
        token: p.token,
        body: { billIds: [b] },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    t.clock.advance(5 * 60_000);
    await sweep();
    await sweep();
    const rows = await invoicesOf(p.payment.id);
    expect(rows.map((r) => r.state)).toEqual(['cancelled']);
    expect(await platform.issues(t.app.ctx, rows[0].serialNo)).toEqual([]);
    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, {
      token: await freshToken(p.accountId),
    });
    expect(list.body.items).toEqual([]);
  });
});

describe('the e-invoice platform down', () => {
  it('the invoice waits and is retried by the job until the platform answers', async () => {
    const p = await paidBills();
    platform.failing = true;
    try {
      await sweep();
      const [inv] = await invoicesOf(p.payment.id);
      expect(inv).toMatchObject({ state: 'pending', attempts: 1 });
      expect(inv.lastError).toContain('EINVOICE_PLATFORM_UNAVAILABLE');
      const early = await t.api.get(`/api/v1/einvoices/${inv.id}/pdf`, { token: p.token });
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('EINVOICE_NOT_ISSUED');
      const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
      expect(list.body.items[0]).toMatchObject({ status: 'issuing', invoiceNo: null });
      // Not due yet: the sweep leaves it alone.
      await sweep();
      expect((await invoicesOf(p.payment.id))[0].attempts).toBe(1);
      t.clock.advance(3 * 60_000);
      await sweep();
      expect((await invoicesOf(p.payment.id))[0]).toMatchObject({ state: 'pending', attempts: 2 });
    } finally {
      platform.failing = false;
    }
    t.clock.advance(3 * 60_000);
    await sweep();
    const [done] = await invoicesOf(p.payment.id);
    expect(done).toMatchObject({ state: 'issued', attempts: 3, lastError: null });
    expect(await platform.issues(t.app.ctx, done.serialNo)).toHaveLength(1);
  });

  it('after N failures finance sees the invoice failed and re-issues it', async () => {
    const p = await paidBills();
    const max = t.app.ctx.config.EINVOICE_MAX_ATTEMPTS;
    platform.failing = true;
    try {
      await sweep();
      for (let i = 2; i <= max + 1; i++) {
        t.clock.advance(61 * 60_000);
        await sweep();
      }
    } finally {
      platform.failing = false;
    }
    const [inv] = await invoicesOf(p.payment.id);
    expect(inv).toMatchObject({ state: 'failed', attempts: max });
    t.clock.advance(61 * 60_000);
    await sweep();
    expect((await invoicesOf(p.payment.id))[0].state).toBe('failed');

    const finance = await loginStaff(t, 'finance');
    const failed = await t.api.get('/api/v1/admin/einvoices?state=failed', { token: finance.token });
    expect(failed.status).toBe(200);
    expect(failed.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: inv.id, status: 'failed', payerName: '张*' })]),
    );
    const denied = await t.api.post(`/api/v1/admin/einvoices/${inv.id}/reissue`, {
      token: await freshToken(p.accountId),
      body: {},
    });
    expect(denied.status).toBe(403);
    const reissued = await t.api.post(`/api/v1/admin/einvoices/${inv.id}/reissue`, {
      token: finance.token,
      body: {},
    });
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
    expect(reissued.body).toMatchObject({ id: inv.id, state: 'issued', status: 'issued' });
    const again = await t.api.post(`/api/v1/admin/einvoices/${inv.id}/reissue`, {
      token: finance.token,
      body: {},
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EINVOICE_NOT_FAILED');
    const missing = await t.api.post('/api/v1/admin/einvoices/nope/reissue', {
      token: finance.token,
      body: {},
    });
    expect(missing.status).toBe(404);
  });
});

describe('printed invoices (PAY-11)', () => {
  it('a paper copy printed at a kiosk shows on the e-invoice and sends the refund to the counter', async () => {
    const p = await paidBills();
    await sweep();
    const [inv] = await invoicesOf(p.payment.id);
    const unsigned = await t.api.post('/api/integration/v1/einvoices/printed', {
      body: { invoiceCode: inv.invoiceCode, invoiceNo: inv.invoiceNo },
    });
    expect(unsigned.status).toBe(401);
    const unknown = await kiosk('/api/integration/v1/einvoices/printed', {
      invoiceCode: inv.invoiceCode,
      invoiceNo: '0000000000',
    });
    expect(unknown.status).toBe(404);
    // The kiosk reads the visit card, lists the holder's e-invoices and prints the PDF.
    const card = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, { token: p.token, body: {} });
    expect([200, 201]).toContain(card.status);
    const rec = await getPatientById(t.app.ctx, p.patientId);
    const found = await kiosk('/api/integration/v1/einvoices/search', {
      visitCardNo: rec.visitCardNo,
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        invoiceCode: inv.invoiceCode,
        invoiceNo: inv.invoiceNo,
        amountFen: 8500,
        printed: false,
        payerName: '张*',
      }),
    ]);
    const nobody = await kiosk('/api/integration/v1/einvoices/search', {
      visitCardNo: 'NOCARD0001',
    });
    expect(nobody.body.items).toEqual([]);
    const file = await kiosk('/api/integration/v1/einvoices/pdf', {
      invoiceCode: inv.invoiceCode,
      invoiceNo: inv.invoiceNo,
    });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.raw.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const notAllowed = await his('/api/integration/v1/einvoices/pdf', {
      invoiceCode: inv.invoiceCode,
      invoiceNo: inv.invoiceNo,
    });
    expect(notAllowed.status).toBe(403);
    const printed = await kiosk('/api/integration/v1/einvoices/printed', {
      invoiceCode: inv.invoiceCode,
      invoiceNo: inv.invoiceNo,
    });
    expect(printed.status, JSON.stringify(printed.body)).toBe(200);
    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
    expect(list.body.items[0]).toMatchObject({ id: inv.id, status: 'printed', printed: true });
    const refund = await t.api.post(`/api/v1/bill-payments/${p.payment.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(refund.status).toBe(409);
    expect(refund.body).toMatchObject({ code: 'GO_TO_COUNTER', details: { reason: 'INVOICE_PRINTED' } });
    await sweep();
    expect(await invoicesOf(p.payment.id)).toHaveLength(1);
  });

  it('a print reported by the HIS shows on the e-invoice as well', async () => {
    const p = await paidBills();
    await sweep();
    const r = await his(`/api/integration/v1/his/bills/${p.drugNo}/invoice-printed`, {});
    expect(r.status).toBe(200);
    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
    expect(list.body.items[0]).toMatchObject({ status: 'printed', printed: true });
  });
});

describe('registration fees (REG-07, PAY-10)', () => {
  it('a paid registration fee gets its e-invoice; cancelling it (退号) red-letters it', async () => {
    // Earlier stories moved the clock on: this one happens on the morning of the clinic day.
    t.clock.set('2026-11-23T01:30:00Z');
    const admin = await loginStaff(t, 'admin');
    const clinic = await openClinic(t, admin.token, { clinicDate: '2026-11-23', feeFen: 5000 });
    const p = await newPatient(t);
    const booked = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: {
        patientId: p.patientId,
        scheduleId: clinic.scheduleId,
        idempotencyKey: `reg-${randomBytes(6).toString('hex')}`,
      },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    await payAtSandbox(t, p.token, booked.body.payment.orderId, booked.body.payment.orderNo);
    const [pending] = await invoicesOf(booked.body.id);
    expect(pending).toMatchObject({
      kind: 'blue',
      category: 'registration',
      state: 'pending',
      amountFen: 5000,
    });
    await sweep();
    const one = await t.api.get(`/api/v1/einvoices/${pending.id}`, { token: p.token });
    expect(one.body).toMatchObject({ status: 'issued', category: 'registration', amountFen: 5000 });
    expect(one.body.items).toEqual([
      expect.objectContaining({ name: '挂号费（专家号）', quantity: 1, amountFen: 5000 }),
    ]);

    const cancel = await t.api.post(`/api/v1/registrations/${booked.body.id}/cancel`, {
      token: p.token,
      body: {},
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await sweep();
    await sweep();
    const rows = await invoicesOf(booked.body.id);
    expect(rows).toHaveLength(2);
    const blue = rows.find((r) => r.kind === 'blue')!;
    const red = rows.find((r) => r.kind === 'red')!;
    expect(blue).toMatchObject({ state: 'issued', reversedBy: red.id });
    expect(red).toMatchObject({ state: 'issued', originalId: blue.id, amountFen: 5000 });
  });
});

describe('inpatient stays (INP-07, PAY-10)', () => {
  it('a settled discharge gets one inpatient e-invoice with a line per fee category', async () => {
    const p = await newPatient(t);
    const rec = await getPatientById(t.app.ctx, p.patientId);
    const admissionNo = `ZYE${Date.now() % 1_000_000}`;
    const admitted = await his('/api/integration/v1/his/admissions', {
      admissionNo,
      name: rec.name,
      idNumber: rec.idNumber,
      ward: '心内科一病区',
      bed: '12床',
      admittedAt: '2026-11-20T15:30:00+08:00',
    });
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    const bound = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo, name: rec.name },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    const line = (lineId: string, date: string, itemName: string, category: string, amountFen: number) => ({
      lineId,
      date,
      itemCode: lineId,
      itemName,
      category,
      quantity: 1,
      unit: '项',
      amountFen,
    });
    const charged = await his(`/api/integration/v1/his/admissions/${admissionNo}/charges`, {
      lines: [
        line('L1', '2026-11-21', '床位费', '床位费', 8000),
        line('L2', '2026-11-22', '床位费', '床位费', 8000),
        line('L3', '2026-11-22', '阿司匹林肠溶片', '西药费', 4000),
      ],
    });
    expect(charged.status, JSON.stringify(charged.body)).toBe(200);
    const dep = await t.api.post(`/api/v1/admissions/${bound.body.id}/deposits`, {
      token: p.token,
      body: { amountFen: 20_500, idempotencyKey: `dep-${randomBytes(6).toString('hex')}` },
    });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    await payAtSandbox(t, p.token, dep.body.paymentOrder.id, dep.body.paymentOrder.orderNo);
    // Nothing to invoice while the stay is open.
    await sweep();
    expect(await invoicesOf(bound.body.id)).toEqual([]);
    const discharged = await his(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: '2026-11-23T08:30:00+08:00',
      totalCostFen: 20_500,
    });
    expect(discharged.body).toMatchObject({ settlementState: 'settled' });
    await sweep();
    await sweep();
    const rows = await invoicesOf(bound.body.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'blue',
      category: 'inpatient',
      state: 'issued',
      amountFen: 20_500,
    });
    const one = await t.api.get(`/api/v1/einvoices/${rows[0].id}`, { token: p.token });
    expect(one.body.items.map((i: any) => [i.name, i.amountFen])).toEqual([
      ['床位费', 16_000],
      ['西药费', 4000],
      ['出院结算调整', 500],
    ]);
  });
});

describe('the sandbox PDF', () => {
  it('refuses clearly when no Chinese font is found', () => {
    expect(() => resolveCjkFont({ path: '/nonexistent/font.ttc' })).toThrow(/EINVOICE_FONT_PATH/);
  });

  it('writes amounts in capital characters', () => {
    expect(capitalYuan(8500)).toBe('捌拾伍元整');
    expect(capitalYuan(100_005)).toBe('壹仟元零伍分');
    expect(capitalYuan(1_234_567)).toBe('壹万贰仟叁佰肆拾伍元陆角柒分');
    expect(capitalYuan(-2500)).toBe('负贰拾伍元整');
    expect(capitalYuan(50)).toBe('伍角整');
  });
});
