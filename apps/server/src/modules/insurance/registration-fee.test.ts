import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { SandboxInsurance } from '../../integrations/insurance/index.js';
import { getPatientById } from '../identity/index.js';
import { paymentOrders } from '../payments/index.js';
import { registrations } from '../registration/index.js';
import { newPatient, openClinic, payAtSandbox, slotStates } from '../registration/testing.js';
import { insuranceSettlements } from './schema.js';

// INS-09: the registration fee paid from the insurance personal account, refunded back to it.
let t: TestApp;
let admin: string;
const insurance = new SandboxInsurance();

beforeAll(async () => {
  t = await createTestApp({ adapters: { insurance } });
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());

async function insuredBooking(feeFen = 5000, opts: { authorise?: boolean } = {}) {
  const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24', feeFen });
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  if (opts.authorise !== false) {
    const auth = await t.api.post('/api/v1/insurance/credentials', {
      token: p.token,
      body: {
        patientId: p.patientId,
        authCode: insurance.issueAuthCode({ name: rec.name, idNumber: rec.idNumber }),
      },
    });
    expect(auth.status, JSON.stringify(auth.body)).toBe(201);
  }
  const booked = await t.api.post('/api/v1/registrations', {
    token: p.token,
    body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: `ins-reg-${p.patientId}` },
  });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  expect(booked.body.state).toBe('locked');
  return { ...p, idNumber: rec.idNumber, clinic, registration: booked.body };
}

async function registrationRow(id: string) {
  const [r] = await t.app.ctx.db.select().from(registrations).where(eq(registrations.id, id));
  return r;
}

const payFromAccount = (p: { token: string }, registrationId: string) =>
  t.api.post('/api/v1/insurance/registration-payments', { token: p.token, body: { registrationId } });

describe('registration fee from the personal account (INS-09)', () => {
  it('the fee is paid from the personal account, booked once, and a cancellation gives it back to the account', async () => {
    const p = await insuredBooking(5000);
    const [first, second] = await Promise.all([
      payFromAccount(p, p.registration.id),
      payFromAccount(p, p.registration.id),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 201]);
    expect(first.body.id).toBe(second.body.id);
    expect(first.body).toMatchObject({
      kind: 'registration',
      totalFen: 5000,
      fundFen: 0,
      accountFen: 5000,
      cashFen: 0,
    });
    const settled = await t.api.get(`/api/v1/insurance/settlements/${first.body.id}`, { token: p.token });
    expect(settled.body.state).toBe('settled');
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(45_000);
    const reg = await registrationRow(p.registration.id);
    expect(reg).toMatchObject({
      state: 'booked',
      insuranceSettlementNo: first.body.settlementNo,
      paymentOrderId: null,
    });
    expect(reg.paidAt).not.toBeNull();
    // The cash order of the booking can no longer be paid.
    const [order] = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.id, p.registration.payment.orderId));
    expect(order.state).toBe('closed');
    // Finance sees it among the insurance settlements (reconciliation records).
    const finance = await loginStaff(t, 'finance');
    const list = await t.api.get('/api/v1/admin/insurance-settlements?kind=registration', {
      token: finance.token,
    });
    expect(list.body.items.map((x: any) => x.id)).toContain(first.body.id);

    const cancelled = await t.api.post(`/api/v1/registrations/${p.registration.id}/cancel`, {
      token: p.token,
      body: {},
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000);
    expect(await registrationRow(p.registration.id)).toMatchObject({
      state: 'cancelled',
      refundState: 'succeeded',
      refundId: first.body.id,
    });
    const [s] = await t.app.ctx.db
      .select()
      .from(insuranceSettlements)
      .where(eq(insuranceSettlements.id, first.body.id));
    expect(s).toMatchObject({ state: 'refunded', insuranceState: 'refunded' });
    expect(await slotStates(t, p.clinic.scheduleId)).not.toHaveProperty('booked');
  });

  it('a balance short of the fee is refused: nothing is charged and the booking can still be paid in cash', async () => {
    const p = await insuredBooking(5000);
    await insurance.setBalance(t.app.ctx, p.idNumber, 4_999);
    const res = await payFromAccount(p, p.registration.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'INSURANCE_BALANCE_INSUFFICIENT',
      details: { availableFen: 4_999 },
    });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(4_999);
    expect((await registrationRow(p.registration.id)).state).toBe('locked');
    await payAtSandbox(t, p.token, p.registration.payment.orderId, p.registration.payment.orderNo);
    expect(await registrationRow(p.registration.id)).toMatchObject({
      state: 'booked',
      insuranceSettlementNo: null,
    });
    // Paid in cash: the personal account cannot pay it a second time.
    const again = await payFromAccount(p, p.registration.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('REGISTRATION_NOT_PAYABLE');
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(4_999);
  });

  it("another account's registration reads like a missing one; without a credential the account cannot pay", async () => {
    const p = await insuredBooking(3000);
    const stranger = await newPatient(t);
    const foreign = await payFromAccount(stranger, p.registration.id);
    const missing = await payFromAccount(stranger, '00000000-0000-4000-8000-000000000000');
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
    expect((await registrationRow(p.registration.id)).state).toBe('locked');

    const u = await insuredBooking(3000, { authorise: false });
    const refused = await payFromAccount(u, u.registration.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSURANCE_NOT_AUTHORISED');
  });

  it('a platform that does not answer leaves nothing charged and the booking unpaid', async () => {
    const p = await insuredBooking(4000);
    insurance.failing.add('settle-answer');
    const res = await payFromAccount(p, p.registration.id).finally(() =>
      insurance.failing.delete('settle-answer'),
    );
    expect(res.status).toBe(502);
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000);
    expect((await registrationRow(p.registration.id)).state).toBe('locked');
    const rows = await t.app.ctx.db
      .select()
      .from(insuranceSettlements)
      .where(eq(insuranceSettlements.registrationId, p.registration.id));
    expect(rows).toEqual([expect.objectContaining({ state: 'reversed', insuranceState: 'cancelled' })]);
    // Paying again works.
    const again = await payFromAccount(p, p.registration.id);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });
});
