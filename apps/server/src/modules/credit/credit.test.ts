import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, isPostgres, type TestApp } from '../../testing/harness.js';
import { startSession } from '../../platform/auth.js';
import { loginStaff } from '../../testing/staff.js';
import { SandboxCreditPlatform } from '../../integrations/credit/index.js';
import { openHisChannel, type HisCall } from '../billing/testing.js';
import { getPatientById } from '../identity/index.js';
import { paymentOrders, refunds } from '../payments/index.js';
import { bills } from '../billing/index.js';
import { messagesOf, newPatient, openClinic, payAtSandbox } from '../registration/testing.js';
import { addPatient, linkAtCounter } from '../../testing/patients.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { creditAccounts, creditCharges } from './schema.js';
import { FRICTIONLESS_JOB, OVERDUE_JOB } from './service.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai. The sandbox grants 100.00 yuan of credit.
let t: TestApp;
let hisCall: HisCall;
let adminToken: string;
const platform = new SandboxCreditPlatform(10_000);

beforeAll(async () => {
  t = await createTestApp({ adapters: { credit: platform }, poolSize: 20 });
  const admin = await loginStaff(t, 'admin');
  adminToken = admin.token;
  hisCall = await openHisChannel(t);
});
afterAll(async () => t?.close());

type P = { token: string; accountId: string; patientId: string };
let seq = 0;
/** The HIS opens a visit for the patient with one bill per amount given; returns the bill ids. */
async function billsFor(p: P, amounts: number[]): Promise<string[]> {
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const visitNo = `CV${Date.now()}${++seq}`;
  const v = await hisCall('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: '2026-11-23',
    patient: { name: rec.name, idNumber: rec.idNumber },
  });
  expect(v.status).toBe(200);
  const pushed = await hisCall('/api/integration/v1/his/bills', {
    visitNo,
    bills: amounts.map((a, i) => ({
      billNo: `B${visitNo}-${i}`,
      kind: 'lab',
      title: '检验申请单',
      execDepartment: '检验科',
      execLocation: '门诊楼3F',
      items: [{ code: 'J001', name: '血常规', unit: '次', quantity: 1, unitPriceFen: a, amountFen: a }],
    })),
  });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  return pushed.body.bills.map((b: any) => b.billId);
}

async function billOrder(p: P, billIds: string[]) {
  const r = await t.api.post('/api/v1/bill-payments', {
    token: p.token,
    body: { patientId: p.patientId, billIds, idempotencyKey: `cr-${randomBytes(6).toString('hex')}` },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; orderId: string; orderNo: string };
}

const payOnCredit = (p: P, orderId: string) =>
  t.api.post('/api/v1/credit/payments', { token: p.token, body: { patientId: p.patientId, orderId } });
const activate = (p: P) =>
  t.api.post('/api/v1/credit/accounts', { token: p.token, body: { patientId: p.patientId } });
const credit = (p: P) => t.api.get(`/api/v1/credit/accounts/${p.patientId}`, { token: p.token });
const account = async (p: P) =>
  (await t.app.ctx.db.select().from(creditAccounts).where(eq(creditAccounts.patientId, p.patientId)))[0];
const billState = async (id: string) =>
  (await t.app.ctx.db.select().from(bills).where(eq(bills.id, id)))[0].state;
const fresh = async (p: P) => {
  p.token = (await startSession(t.app.ctx, 'patient', p.accountId)).accessToken;
};

async function activePatient() {
  const p = await newPatient(t);
  const a = await activate(p);
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  return p;
}

describe('activating credit care (PAY-12)', () => {
  it('an adult activates credit care with a limit; repeating answers the same', async () => {
    const p = await newPatient(t);
    const none = await credit(p);
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('CREDIT_ACCOUNT_NOT_FOUND');
    const a = await activate(p);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      state: 'active',
      limitFen: 10_000,
      usedFen: 0,
      availableFen: 10_000,
      charges: [],
    });
    expect(a.body.frictionless).toEqual({ signed: false, signedAt: null, enabled: false });
    const again = await activate(p);
    expect(again.body.agreementNo).toBe(a.body.agreementNo);
    expect(
      await t.app.ctx.db.select().from(creditAccounts).where(eq(creditAccounts.patientId, p.patientId)),
    ).toHaveLength(1);
  });

  it('a refused person, a minor, the platform down and a stranger are all refused, leaving nothing', async () => {
    const p = await newPatient(t);
    const rec = await getPatientById(t.app.ctx, p.patientId);
    platform.refused.add(rec.idNumber);
    const refused = await activate(p).finally(() => platform.refused.delete(rec.idNumber));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CREDIT_NOT_ELIGIBLE');
    platform.failing = true;
    const down = await activate(p).finally(() => (platform.failing = false));
    expect(down.status).toBe(502);
    expect(down.body.code).toBe('CREDIT_PLATFORM_UNAVAILABLE');
    expect(await account(p)).toBeUndefined();
    const child = await addPatient(t, p.token, {
      relation: 'child',
      name: '张小宝',
      idNumber: makeResidentId('20180101'),
    });
    // the guardian linked the child at the counter: the child's records are the account's, credit is not
    await linkAtCounter(t, child.id);
    const minor = await activate({ ...p, patientId: child.id });
    expect(minor.status).toBe(409);
    expect(minor.body).toMatchObject({
      code: 'CREDIT_NOT_ELIGIBLE',
      details: { reason: expect.stringContaining('minors') },
    });
    expect(await account({ ...p, patientId: child.id })).toBeUndefined();
    const stranger = await newPatient(t);
    const foreign = await t.api.post('/api/v1/credit/accounts', {
      token: stranger.token,
      body: { patientId: p.patientId },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('PATIENT_NOT_FOUND');
    const bad = await t.api.post('/api/v1/credit/accounts', {
      token: p.token,
      body: { patientId: p.patientId, x: 1 },
    });
    expect(bad.status).toBe(400);
  });
});

describe('paying on credit (PAY-13)', () => {
  it('bills paid on credit are written back to the HIS and owed against the limit; paying twice charges once', async () => {
    const p = await activePatient();
    const [b1, b2] = await billsFor(p, [2500, 6000]);
    const order = await billOrder(p, [b1, b2]);
    const paid = await payOnCredit(p, order.orderId);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({
      orderState: 'paid',
      amountFen: 8500,
      usedFen: 8500,
      availableFen: 1500,
    });
    expect(await billState(b1)).toBe('confirmed');
    expect(await billState(b2)).toBe('confirmed');
    const [o] = await t.app.ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, order.orderId));
    expect(o).toMatchObject({ state: 'paid', channel: 'credit', channelTradeNo: paid.body.chargeId });

    const twice = await payOnCredit(p, order.orderId);
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ chargeId: paid.body.chargeId, usedFen: 8500 });
    expect(
      await t.app.ctx.db.select().from(creditCharges).where(eq(creditCharges.orderId, order.orderId)),
    ).toHaveLength(1);

    const view = await credit(p);
    expect(view.body).toMatchObject({ usedFen: 8500, overdueFen: 0 });
    expect(view.body.charges).toEqual([
      expect.objectContaining({
        orderNo: order.orderNo,
        businessType: 'bill',
        amountFen: 8500,
        owedFen: 8500,
        state: 'owed',
      }),
    ]);

    // Over the limit: refused, nothing owed, the bill stays unpaid.
    const [b3] = await billsFor(p, [2000]);
    const big = await billOrder(p, [b3]);
    const over = await payOnCredit(p, big.orderId);
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('CREDIT_LIMIT_EXCEEDED');
    expect(await billState(b3)).toBe('pending');
    expect(
      await t.app.ctx.db.select().from(creditCharges).where(eq(creditCharges.orderId, big.orderId)),
    ).toEqual([]);
    expect((await account(p)).usedFen).toBe(8500);
  });

  it('a registration fee is paid on credit and the registration is booked', async () => {
    const clinic = await openClinic(t, adminToken, { clinicDate: '2026-11-23', feeFen: 5000 });
    const p = await activePatient();
    const booked = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: {
        patientId: p.patientId,
        scheduleId: clinic.scheduleId,
        idempotencyKey: `reg-${randomBytes(6).toString('hex')}`,
      },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const paid = await payOnCredit(p, booked.body.payment.orderId);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ orderState: 'paid', amountFen: 5000, usedFen: 5000 });
    const reg = await t.api.get(`/api/v1/registrations/${booked.body.id}`, { token: p.token });
    expect(reg.body.state).toBe('booked');
    const view = await credit(p);
    expect(view.body.charges).toEqual([
      expect.objectContaining({ businessType: 'registration', owedFen: 5000 }),
    ]);
  });

  it("without active credit care, or for someone else's order, paying on credit is refused", async () => {
    const p = await newPatient(t);
    const [b] = await billsFor(p, [1000]);
    const order = await billOrder(p, [b]);
    const none = await payOnCredit(p, order.orderId);
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('CREDIT_ACCOUNT_NOT_FOUND');
    const other = await activePatient();
    const foreign = await t.api.post('/api/v1/credit/payments', {
      token: other.token,
      body: { patientId: other.patientId, orderId: order.orderId },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('PAYMENT_ORDER_NOT_FOUND');
    expect(await billState(b)).toBe('pending');
  });

  it('a bill paid on credit and refunded online is no longer owed', async () => {
    const p = await activePatient();
    const [b1, b2] = await billsFor(p, [2500, 6000]);
    const order = await billOrder(p, [b1, b2]);
    expect((await payOnCredit(p, order.orderId)).status).toBe(200);
    const r = await t.api.post(`/api/v1/bill-payments/${order.id}/refund`, {
      token: p.token,
      body: { billIds: [b1] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ amountFen: 2500, state: 'succeeded' });
    expect((await account(p)).usedFen).toBe(6000);
    const view = await credit(p);
    expect(view.body.charges[0]).toMatchObject({ amountFen: 8500, refundedFen: 2500, owedFen: 6000 });
  });

  it('a charge left behind by a crash is paid if the order still can be, released if not', async () => {
    const p = await activePatient();
    const [b1] = await billsFor(p, [2000]);
    const [b2] = await billsFor(p, [3000]);
    const o1 = await billOrder(p, [b1]);
    const o2 = await billOrder(p, [b2]);
    const acct = await account(p);
    // What a crash right after the reservation leaves: charges owed, orders not paid.
    for (const [o, amount] of [
      [o1, 2000],
      [o2, 3000],
    ] as const) {
      await t.app.ctx.db.insert(creditCharges).values({
        id: `crash-${o.orderId}`,
        creditAccountId: acct.id,
        orderId: o.orderId,
        orderNo: o.orderNo,
        businessType: 'bill',
        subject: 'x',
        amountFen: amount,
        state: 'owed',
        dueAt: new Date(t.clock.now().getTime() + 15 * 86_400_000),
        createdAt: t.clock.now(),
        updatedAt: t.clock.now(),
      });
    }
    await t.app.ctx.db.update(creditAccounts).set({ usedFen: 5000 }).where(eq(creditAccounts.id, acct.id));
    // The second order is paid another way meanwhile.
    await payAtSandbox(t, p.token, o2.orderId, o2.orderNo);
    t.clock.advance(6 * 60_000);
    await t.app.ctx.jobs.runNow(OVERDUE_JOB, {});
    expect(await billState(b1)).toBe('confirmed');
    expect(await billState(b2)).toBe('confirmed');
    const charges = await t.app.ctx.db
      .select()
      .from(creditCharges)
      .where(eq(creditCharges.creditAccountId, acct.id));
    expect(charges.map((c) => c.orderId)).toEqual([o1.orderId]);
    expect((await account(p)).usedFen).toBe(2000);
    const [o] = await t.app.ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, o2.orderId));
    expect(o).toMatchObject({ channel: 'sandbox', refundedFen: 0 });
  });

  it.runIf(isPostgres())('two payments on credit at once cannot pass the limit together', async () => {
    const p = await activePatient();
    const [b1, b2] = await billsFor(p, [6000, 6000]);
    const o1 = await billOrder(p, [b1]);
    const o2 = await billOrder(p, [b2]);
    const results = await Promise.all([payOnCredit(p, o1.orderId), payOnCredit(p, o2.orderId)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await account(p)).usedFen).toBe(6000);
    expect([await billState(b1), await billState(b2)].sort()).toEqual(['confirmed', 'pending']);
  });
});

describe('settling and overdue credit', () => {
  it('one settlement pays everything owed; the limit is free again', async () => {
    const p = await activePatient();
    const [b1] = await billsFor(p, [2500]);
    const [b2] = await billsFor(p, [3000]);
    for (const b of [b1, b2])
      expect((await payOnCredit(p, (await billOrder(p, [b])).orderId)).status).toBe(200);
    const s = await t.api.post('/api/v1/credit/settlements', {
      token: p.token,
      body: { patientId: p.patientId },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body).toMatchObject({ amountFen: 5500, chargeCount: 2, state: 'open', orderState: 'created' });
    const same = await t.api.post('/api/v1/credit/settlements', {
      token: p.token,
      body: { patientId: p.patientId },
    });
    expect(same.body.orderId).toBe(s.body.orderId);
    await payAtSandbox(t, p.token, s.body.orderId, s.body.orderNo);
    const view = await credit(p);
    expect(view.body).toMatchObject({ usedFen: 0, availableFen: 10_000, openSettlement: null });
    expect(view.body.charges.map((c: any) => c.state)).toEqual(['settled', 'settled']);
    expect(await messagesOf(t, p.accountId, 'credit.settled')).toBe(1);
    const nothing = await t.api.post('/api/v1/credit/settlements', {
      token: p.token,
      body: { patientId: p.patientId },
    });
    expect(nothing.status).toBe(409);
    expect(nothing.body.code).toBe('CREDIT_NOTHING_OWED');
    // Refunding a bill whose credit was already settled returns the money through the settlement's payment.
    const [bp] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, b1));
    const refund = await t.api.post(`/api/v1/bill-payments/${bp.paymentId}/refund`, {
      token: p.token,
      body: { billIds: [b1] },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    const back = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, s.body.orderId));
    expect(back).toEqual([expect.objectContaining({ amountFen: 2500, state: 'succeeded' })]);
    expect((await account(p)).usedFen).toBe(0);
  });

  it('overdue credit brings one reminder a day, then suspension; settling lifts it', async () => {
    const p = await activePatient();
    const [b] = await billsFor(p, [2500]);
    expect((await payOnCredit(p, (await billOrder(p, [b])).orderId)).status).toBe(200);
    const start = t.clock.now();
    try {
      t.clock.advance(16 * 86_400_000);
      await t.app.ctx.jobs.runNow(OVERDUE_JOB, {});
      await t.app.ctx.jobs.runNow(OVERDUE_JOB, {});
      expect(await messagesOf(t, p.accountId, 'credit.overdue')).toBe(1);
      expect((await account(p)).state).toBe('active');
      t.clock.advance(86_400_000);
      await t.app.ctx.jobs.runNow(OVERDUE_JOB, {});
      expect(await messagesOf(t, p.accountId, 'credit.overdue')).toBe(2);
      t.clock.advance(7 * 86_400_000);
      await t.app.ctx.jobs.runNow(OVERDUE_JOB, {});
      expect(await account(p)).toMatchObject({ state: 'suspended', suspendReason: 'OVERDUE' });
      expect(await messagesOf(t, p.accountId, 'credit.suspended')).toBe(1);
      await fresh(p);
      const [b2] = await billsFor(p, [1000]);
      const refused = await payOnCredit(p, (await billOrder(p, [b2])).orderId);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('CREDIT_SUSPENDED');
      const view = await credit(p);
      expect(view.body).toMatchObject({ state: 'suspended', overdueFen: 2500, availableFen: 0 });
      const finance = await loginStaff(t, 'finance');
      const listed = await t.api.get('/api/v1/admin/credit/accounts?overdue=true', { token: finance.token });
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            patientId: p.patientId,
            state: 'suspended',
            owedFen: 2500,
            overdueFen: 2500,
            patientName: '张*',
          }),
        ]),
      );
      const denied = await t.api.get('/api/v1/admin/credit/accounts', { token: p.token });
      expect(denied.status).toBe(403);
      const s = await t.api.post('/api/v1/credit/settlements', {
        token: p.token,
        body: { patientId: p.patientId },
      });
      expect(s.status).toBe(201);
      await payAtSandbox(t, p.token, s.body.orderId, s.body.orderNo);
      expect(await account(p)).toMatchObject({ state: 'active', usedFen: 0, suspendReason: null });
    } finally {
      t.clock.set(start);
    }
  });

  it('credit care closes only when nothing is owed, and can be activated again', async () => {
    const p = await activePatient();
    const [b] = await billsFor(p, [1500]);
    expect((await payOnCredit(p, (await billOrder(p, [b])).orderId)).status).toBe(200);
    const early = await t.api.post(`/api/v1/credit/accounts/${p.patientId}/close`, {
      token: p.token,
      body: {},
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CREDIT_OUTSTANDING');
    const s = await t.api.post('/api/v1/credit/settlements', {
      token: p.token,
      body: { patientId: p.patientId },
    });
    await payAtSandbox(t, p.token, s.body.orderId, s.body.orderNo);
    const closed = await t.api.post(`/api/v1/credit/accounts/${p.patientId}/close`, {
      token: p.token,
      body: {},
    });
    expect(closed.status).toBe(200);
    expect(closed.body.state).toBe('closed');
    const [b2] = await billsFor(p, [1000]);
    const refused = await payOnCredit(p, (await billOrder(p, [b2])).orderId);
    expect(refused.body.code).toBe('CREDIT_NOT_ACTIVE');
    const again = await activate(p);
    expect(again.body).toMatchObject({ state: 'active', usedFen: 0 });
  });
});

describe('frictionless payment (PAY-14, PAY-15)', () => {
  it('after signing, pending bills are paid on credit without a payment step; switched off, they wait', async () => {
    const p = await activePatient();
    const off = await t.api.put(`/api/v1/credit/accounts/${p.patientId}/frictionless`, {
      token: p.token,
      body: { enabled: true },
    });
    expect(off.status).toBe(409);
    expect(off.body.code).toBe('WITHHOLDING_NOT_SIGNED');
    const signed = await t.api.post(`/api/v1/credit/accounts/${p.patientId}/withholding`, {
      token: p.token,
      body: {},
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.frictionless).toMatchObject({ signed: true, enabled: true });

    const [b1, b2] = await billsFor(p, [2500, 3000]);
    await t.app.ctx.jobs.runNow(FRICTIONLESS_JOB, {});
    await t.app.ctx.jobs.runNow(FRICTIONLESS_JOB, {});
    expect(await billState(b1)).toBe('confirmed');
    expect(await billState(b2)).toBe('confirmed');
    expect((await account(p)).usedFen).toBe(5500);
    expect(await messagesOf(t, p.accountId, 'credit.charged')).toBe(2);

    const switched = await t.api.put(`/api/v1/credit/accounts/${p.patientId}/frictionless`, {
      token: p.token,
      body: { enabled: false },
    });
    expect(switched.body.frictionless).toMatchObject({ signed: true, enabled: false });
    const [b3] = await billsFor(p, [1000]);
    await t.app.ctx.jobs.runNow(FRICTIONLESS_JOB, {});
    expect(await billState(b3)).toBe('pending');
    expect((await account(p)).usedFen).toBe(5500);
  });
});
