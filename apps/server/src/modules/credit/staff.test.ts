import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { auditLog } from '../../platform/schema.js';
import { SandboxCreditPlatform } from '../../integrations/credit/index.js';
import { openHisChannel, type HisCall } from '../billing/testing.js';
import { getPatientById } from '../identity/index.js';
import { messagesOf, newPatient } from '../registration/testing.js';
import { creditAccounts } from './schema.js';
import { OVERDUE_JOB } from './service.js';

// Finance suspends and resumes credit care by hand (console). The sandbox grants 100.00 yuan.
let t: TestApp;
let his: HisCall;
let finance: { token: string; id: string };
let operator: { token: string; id: string };

beforeAll(async () => {
  t = await createTestApp({ adapters: { credit: new SandboxCreditPlatform(10_000) } });
  his = await openHisChannel(t);
  finance = await loginStaff(t, 'finance');
  operator = await loginStaff(t, 'operator');
});
afterAll(async () => t?.close());

type P = { token: string; accountId: string; patientId: string };

async function activePatient(): Promise<P & { creditId: string }> {
  const p = await newPatient(t);
  const a = await t.api.post('/api/v1/credit/accounts', { token: p.token, body: { patientId: p.patientId } });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const [row] = await t.app.ctx.db
    .select()
    .from(creditAccounts)
    .where(eq(creditAccounts.patientId, p.patientId));
  return { ...p, creditId: row.id };
}

let seq = 0;
/** One bill of `amountFen` paid on credit. */
async function paidOnCredit(p: P, amountFen: number) {
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const visitNo = `CS${Date.now()}${++seq}`;
  expect(
    (
      await his('/api/integration/v1/his/visits', {
        visitNo,
        visitDate: '2026-11-23',
        patient: { name: rec.name, idNumber: rec.idNumber },
      })
    ).status,
  ).toBe(200);
  const pushed = await his('/api/integration/v1/his/bills', {
    visitNo,
    bills: [
      {
        billNo: `B${visitNo}`,
        kind: 'lab',
        title: '检验申请单',
        execDepartment: '检验科',
        execLocation: '门诊楼3F',
        items: [
          { code: 'J001', name: '血常规', unit: '次', quantity: 1, unitPriceFen: amountFen, amountFen },
        ],
      },
    ],
  });
  const order = await t.api.post('/api/v1/bill-payments', {
    token: p.token,
    body: {
      patientId: p.patientId,
      billIds: [pushed.body.bills[0].billId],
      idempotencyKey: `cs-${randomBytes(6).toString('hex')}`,
    },
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  return t.api.post('/api/v1/credit/payments', {
    token: p.token,
    body: { patientId: p.patientId, orderId: order.body.orderId },
  });
}

const suspend = (token: string, id: string, reason: unknown = '费用争议待核实') =>
  t.api.post(`/api/v1/admin/credit/accounts/${id}/suspend`, { token, body: { reason } });
const resume = (token: string, id: string) =>
  t.api.post(`/api/v1/admin/credit/accounts/${id}/resume`, { token, body: {} });
const stateOf = async (id: string) =>
  (await t.app.ctx.db.select().from(creditAccounts).where(eq(creditAccounts.id, id)))[0];
const audits = (action: string, objectId: string) =>
  t.app.ctx.db
    .select()
    .from(auditLog)
    .where(
      and(eq(auditLog.action, action), eq(auditLog.objectId, objectId), eq(auditLog.actorId, finance.id)),
    );

describe('finance suspends and resumes credit care', () => {
  it('a suspended account cannot pay on credit until finance resumes it; each change is audited and told', async () => {
    const p = await activePatient();
    const listed = await t.api.get('/api/v1/admin/credit/accounts?state=active', { token: finance.token });
    expect(listed.status).toBe(200);
    const mine = listed.body.items.find((i: any) => i.patientId === p.patientId);
    expect(mine).toMatchObject({ id: p.creditId, state: 'active', limitFen: 10_000, owedFen: 0 });
    expect(mine.patientName).toMatch(/\*/);

    const done = await suspend(finance.token, p.creditId);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ id: p.creditId, state: 'suspended', suspendReason: 'STAFF' });
    expect(await stateOf(p.creditId)).toMatchObject({ state: 'suspended', suspendReason: 'STAFF' });
    expect(await messagesOf(t, p.accountId, 'credit.staff-suspended')).toBe(1);
    const refused = await paidOnCredit(p, 2000);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CREDIT_SUSPENDED');

    // suspending twice is refused and changes nothing (and is audited as a failure)
    const twice = await suspend(finance.token, p.creditId);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('CREDIT_NOT_ACTIVE');
    expect(await messagesOf(t, p.accountId, 'credit.staff-suspended')).toBe(1);

    // the overdue rules never lift a suspension finance made
    await t.app.ctx.jobs.runNow(OVERDUE_JOB, {});
    expect((await stateOf(p.creditId)).state).toBe('suspended');

    const back = await resume(finance.token, p.creditId);
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(await stateOf(p.creditId)).toMatchObject({
      state: 'active',
      suspendReason: null,
      suspendedAt: null,
    });
    expect(await messagesOf(t, p.accountId, 'credit.resumed')).toBe(1);
    expect((await paidOnCredit(p, 2000)).status).toBe(200);
    const again = await resume(finance.token, p.creditId);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CREDIT_NOT_SUSPENDED');

    const s = await audits('credit.accounts.suspend', p.creditId);
    expect(s.map((r) => r.outcome).sort()).toEqual(['failed', 'success']);
    expect(s.find((r) => r.outcome === 'success')?.detail).toMatchObject({ reason: '费用争议待核实' });
    const r = await audits('credit.accounts.resume', p.creditId);
    expect(r.map((x) => x.outcome).sort()).toEqual(['failed', 'success']);
  });

  it('an account suspended for overdue charges is not resumed while they are unpaid', async () => {
    const p = await activePatient();
    expect((await paidOnCredit(p, 2500)).status).toBe(200);
    const start = t.clock.now();
    try {
      t.clock.advance(40 * 86_400_000);
      await t.app.ctx.jobs.runNow(OVERDUE_JOB, {});
      expect(await stateOf(p.creditId)).toMatchObject({ state: 'suspended', suspendReason: 'OVERDUE' });
      const today = await loginStaff(t, 'finance');
      const refused = await resume(today.token, p.creditId);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'CREDIT_OVERDUE_OUTSTANDING' });
      expect(await stateOf(p.creditId)).toMatchObject({ state: 'suspended', suspendReason: 'OVERDUE' });
    } finally {
      t.clock.set(start);
    }
  });

  it('refuses staff without the permission, patients, a missing reason and an unknown account', async () => {
    const p = await activePatient();
    const byOperator = await suspend(operator.token, p.creditId);
    expect(byOperator.status).toBe(403);
    const byPatient = await suspend(p.token, p.creditId);
    expect(byPatient.status).toBe(403);
    const noReason = await suspend(finance.token, p.creditId, ' ');
    expect(noReason.status).toBe(400);
    const extra = await t.api.post(`/api/v1/admin/credit/accounts/${p.creditId}/suspend`, {
      token: finance.token,
      body: { reason: '核实中', limitFen: 0 },
    });
    expect(extra.status).toBe(400);
    const unknown = await suspend(finance.token, 'no-such-account');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CREDIT_ACCOUNT_NOT_FOUND');
    expect((await resume(operator.token, p.creditId)).status).toBe(403);
    expect(await stateOf(p.creditId)).toMatchObject({ state: 'active', suspendReason: null });
    expect(await messagesOf(t, p.accountId, 'credit.staff-suspended')).toBe(0);
  });
});
