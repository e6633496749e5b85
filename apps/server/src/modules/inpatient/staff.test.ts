import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { auditLog } from '../../platform/schema.js';
import { openHisChannel, type HisCall } from '../billing/testing.js';
import { getPatientById } from '../identity/index.js';
import { newPatient, payAtSandbox } from '../registration/testing.js';
import { SandboxInpatientHis } from '../../integrations/his/inpatient.js';
import type { AdapterOverrides } from '../../integrations/index.js';
import { inpatientDeposits } from './schema.js';
import { HIS_DEPOSIT_RETRY_JOB } from './service.js';

// Finance console: inpatient deposit top-ups (INP-03), searched and audited, names masked.
let t: TestApp;
let hisCall: HisCall;
let finance: { token: string; id: string };
let operator: { token: string; id: string };
const hisDeposits = new SandboxInpatientHis();

beforeAll(async () => {
  t = await createTestApp({ adapters: { inpatientHis: hisDeposits } as AdapterOverrides });
  hisCall = await openHisChannel(t, ['his.admissions.push']);
  finance = await loginStaff(t, 'finance');
  operator = await loginStaff(t, 'operator');
});
afterAll(async () => t?.close());

let seq = 0;
/** An admitted patient with one paid top-up (500.00) and one started but unpaid (200.00). */
async function stayWithDeposits() {
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const admissionNo = `ZYS${Date.now() % 1_000_000}${++seq}`;
  expect(
    (
      await hisCall('/api/integration/v1/his/admissions', {
        admissionNo,
        name: rec.name,
        idNumber: rec.idNumber,
        ward: '骨科一病区',
        bed: '3床',
        admittedAt: '2026-11-20T15:30:00+08:00',
      })
    ).status,
  ).toBe(200);
  const bound = await t.api.post('/api/v1/admissions/bind', {
    token: p.token,
    body: { patientId: p.patientId, admissionNo, name: rec.name },
  });
  expect(bound.status, JSON.stringify(bound.body)).toBe(201);
  const deposit = (amountFen: number) =>
    t.api.post(`/api/v1/admissions/${bound.body.id}/deposits`, {
      token: p.token,
      body: { amountFen, idempotencyKey: `dep-${randomBytes(6).toString('hex')}` },
    });
  const paid = await deposit(50_000);
  await payAtSandbox(t, p.token, paid.body.paymentOrder.id, paid.body.paymentOrder.orderNo);
  t.clock.advance(60_000);
  const open = await deposit(20_000);
  expect(open.status).toBe(201);
  return { ...p, name: rec.name, admissionNo, paid: paid.body, open: open.body };
}

const list = (token: string, query = '') => t.api.get(`/api/v1/admin/inpatient-deposits${query}`, { token });

describe('finance lists inpatient deposits', () => {
  it('finds the top-ups of an admission, newest first, with channel, HIS write-back and the name masked', async () => {
    const s = await stayWithDeposits();
    const before = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'inpatient.deposits.list'), eq(auditLog.actorId, finance.id)));
    const res = await list(finance.token, `?q=${s.admissionNo}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((i: any) => [i.amountFen, i.state, i.channel, i.hisState])).toEqual([
      [20_000, 'pending', null, 'pending'],
      [50_000, 'paid', 'sandbox', 'confirmed'],
    ]);
    expect(res.body.items[1]).toMatchObject({
      admissionNo: s.admissionNo,
      ward: '骨科一病区',
      orderNo: s.paid.paymentOrder.orderNo,
      refundedFen: 0,
    });
    expect(res.body.items[1].paidAt).toBeTruthy();
    expect(res.body.items[0].patientName).not.toBe(s.name);
    expect(res.body.items[0].patientName).toMatch(/\*/);
    expect(JSON.stringify(res.body)).not.toContain(s.name);

    // by the payment order number, and by state
    const byOrder = await list(finance.token, `?q=${s.paid.paymentOrder.orderNo}`);
    expect(byOrder.body.items.map((i: any) => i.id)).toEqual([s.paid.deposit.id]);
    const paidOnly = await list(finance.token, `?q=${s.admissionNo}&state=paid`);
    expect(paidOnly.body.items.map((i: any) => i.amountFen)).toEqual([50_000]);
    const page2 = await list(finance.token, `?q=${s.admissionNo}&pageSize=1&page=2`);
    expect(page2.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page2.body.items.map((i: any) => i.amountFen)).toEqual([50_000]);

    const after = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'inpatient.deposits.list'), eq(auditLog.actorId, finance.id)));
    expect(after.length - before.length).toBe(4);
  });

  it('finance sees the inpatient-deposit and credit-account pages in the console menu; an operator does not', async () => {
    const keys = async (token: string) =>
      ((await t.api.get('/api/v1/staff/me', { token })).body.menus as { key: string; path: string }[]).map(
        (m) => m.key,
      );
    expect(await keys(finance.token)).toEqual(
      expect.arrayContaining(['inpatient-deposits', 'credit-accounts']),
    );
    expect(await keys(operator.token)).not.toContain('inpatient-deposits');
    expect(await keys(operator.token)).not.toContain('credit-accounts');
  });

  it('refuses staff without the permission, patients and bad filters', async () => {
    const s = await stayWithDeposits();
    expect((await list(operator.token)).status).toBe(403);
    expect((await list(s.token)).status).toBe(403);
    expect((await t.api.get('/api/v1/admin/inpatient-deposits')).status).toBe(401);
    const range = await list(
      finance.token,
      `?from=${encodeURIComponent('2026-11-24T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-23T00:00:00+08:00')}`,
    );
    expect(range.status).toBe(400);
    expect(range.body.code).toBe('INVALID_RANGE');
    expect((await list(finance.token, '?state=refunded')).status).toBe(400);
    expect((await list(finance.token, `?q=${encodeURIComponent("x' OR 1=1")}`)).status).toBe(400);
    expect((await list(finance.token, '?pageSize=1000')).status).toBe(400);
  });

  it('finance retries the HIS write-back of a deposit the job gave up on; the HIS records it once', async () => {
    hisDeposits.faults.depositUnavailable = 10;
    const s = await stayWithDeposits();
    const depositId = s.paid.deposit.id as string;
    for (let i = 0; i < 9; i++) await t.app.ctx.jobs.runNow(HIS_DEPOSIT_RETRY_JOB, {});
    const row = async () =>
      (await t.app.ctx.db.select().from(inpatientDeposits).where(eq(inpatientDeposits.id, depositId)))[0];
    expect(await row()).toMatchObject({ state: 'paid', hisState: 'failed', hisAttempts: 10 });
    expect(hisDeposits.deposits.has(depositId)).toBe(false);
    const listed = await list(finance.token, `?q=${s.admissionNo}&hisState=failed`);
    expect(listed.body.items.map((i: any) => i.id)).toEqual([depositId]);

    const byOperator = await t.api.post(`/api/v1/admin/inpatient-deposits/${depositId}/his-retry`, {
      token: operator.token,
      body: {},
    });
    expect(byOperator.status).toBe(403);
    const retried = await t.api.post(`/api/v1/admin/inpatient-deposits/${depositId}/his-retry`, {
      token: finance.token,
      body: {},
    });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ id: depositId, hisState: 'confirmed', hisAttempts: 1 });
    expect(hisDeposits.deposits.get(depositId)).toMatchObject({
      admissionNo: s.admissionNo,
      amountFen: 50_000,
    });
    const again = await t.api.post(`/api/v1/admin/inpatient-deposits/${depositId}/his-retry`, {
      token: finance.token,
      body: {},
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DEPOSIT_WRITEBACK_NOT_FAILED');
    const unpaid = await t.api.post(`/api/v1/admin/inpatient-deposits/${s.open.deposit.id}/his-retry`, {
      token: finance.token,
      body: {},
    });
    expect(unpaid.status).toBe(409);
    const unknown = await t.api.post('/api/v1/admin/inpatient-deposits/no-such/his-retry', {
      token: finance.token,
      body: {},
    });
    expect(unknown.status).toBe(404);
    const audits = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'inpatient.deposits.his-retry'), eq(auditLog.actorId, finance.id)));
    expect(audits.map((a) => a.outcome).sort()).toEqual(['failed', 'failed', 'failed', 'success']);
  });
});
