import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { SandboxCreditPlatform } from '../../integrations/credit/index.js';
import { newPatient, openClinic, slotStates } from '../registration/testing.js';
import { creditAccounts } from './schema.js';

// REG-07 with credit care (信用就医): the registration fee is paid on credit like a bill, and a
// cancellation (退号) takes it off what the patient owes. The test clock starts at 2026-11-23 09:00.
let t: TestApp;
let admin: string;
let finance: string;

beforeAll(async () => {
  t = await createTestApp({ adapters: { credit: new SandboxCreditPlatform(10_000) } });
  admin = (await loginStaff(t, 'admin')).token;
  finance = (await loginStaff(t, 'finance')).token;
});
afterAll(async () => t?.close());

type P = { token: string; accountId: string; patientId: string };

async function activePatient(): Promise<P> {
  const p = await newPatient(t);
  const a = await t.api.post('/api/v1/credit/accounts', { token: p.token, body: { patientId: p.patientId } });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  return p;
}

async function book(p: P, scheduleId: string) {
  const res = await t.api.post('/api/v1/registrations', {
    token: p.token,
    body: { patientId: p.patientId, scheduleId, idempotencyKey: `rc-${randomBytes(6).toString('hex')}` },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; payment: { orderId: string } };
}

const payOnCredit = (p: P, orderId: string) =>
  t.api.post('/api/v1/credit/payments', { token: p.token, body: { patientId: p.patientId, orderId } });
const creditOf = (p: P) => t.api.get(`/api/v1/credit/accounts/${p.patientId}`, { token: p.token });

describe('registration fee on credit (REG-07, PAY-13)', () => {
  it('is paid on credit once, and a cancellation (退号) leaves nothing owed and the limit free', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen: 3000 });
    const p = await activePatient();
    const reg = await book(p, clinic.scheduleId);
    const [paid, again] = await Promise.all([
      payOnCredit(p, reg.payment.orderId),
      payOnCredit(p, reg.payment.orderId),
    ]);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect([200, 409]).toContain(again.status);
    let view = await creditOf(p);
    expect(view.body).toMatchObject({ usedFen: 3000 });
    expect(view.body.charges).toHaveLength(1);
    expect((await t.api.get(`/api/v1/registrations/${reg.id}`, { token: p.token })).body.state).toBe(
      'booked',
    );

    const cancelled = await t.api.post(`/api/v1/registrations/${reg.id}/cancel`, {
      token: p.token,
      body: { reason: '临时有事' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 12 });
    view = await creditOf(p);
    expect(view.body).toMatchObject({ usedFen: 0, overdueFen: 0 });
    expect(view.body.charges).toEqual([
      expect.objectContaining({
        businessType: 'registration',
        amountFen: 3000,
        refundedFen: 3000,
        owedFen: 0,
      }),
    ]);
  });

  it('suspended credit care cannot pay the fee; the booking waits for another payment and nothing is owed', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen: 3000 });
    const p = await activePatient();
    const [acc] = await t.app.ctx.db
      .select()
      .from(creditAccounts)
      .where(eq(creditAccounts.patientId, p.patientId));
    const suspended = await t.api.post(`/api/v1/admin/credit/accounts/${acc.id}/suspend`, {
      token: finance,
      body: { reason: '核实身份' },
    });
    expect(suspended.status).toBe(200);
    const reg = await book(p, clinic.scheduleId);
    const refused = await payOnCredit(p, reg.payment.orderId);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CREDIT_SUSPENDED');
    const view = await creditOf(p);
    expect(view.body).toMatchObject({ usedFen: 0 });
    expect(view.body.charges).toEqual([]);
    const r = await t.api.get(`/api/v1/registrations/${reg.id}`, { token: p.token });
    expect(r.body.state).not.toBe('booked');
    expect(r.body.payment).toMatchObject({ orderId: reg.payment.orderId });
  });
});
