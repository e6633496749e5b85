import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { SandboxEInvoicePlatform } from '../../integrations/einvoice/sandbox.js';
import { openHisChannel, type HisCall } from '../billing/testing.js';
import { getPatientById } from '../identity/index.js';
import { inpatientAdmissions } from '../inpatient/index.js';
import { messagesOf, newPatient, payAtSandbox } from '../registration/testing.js';
import { einvoices } from './schema.js';
import { SWEEP_JOB } from './service.js';

// INP-08 / PAY-10: the inpatient e-invoice covers the settled stay. A surplus deposit refund keeps it;
// a discharge settlement the HIS reverses (撤销出院结算) red-letters it, and the next settlement of the
// stay is invoiced anew.
let t: TestApp;
let hisCall: HisCall;
const platform = new SandboxEInvoicePlatform();

beforeAll(async () => {
  t = await createTestApp({ adapters: { einvoice: platform } });
  hisCall = await openHisChannel(t, [
    'his.admissions.push',
    'his.inpatient-charges.push',
    'his.discharge.push',
    'his.discharge-reversal.push',
  ]);
});
afterAll(async () => t?.close());

const sweep = () => t.app.ctx.jobs.runNow(SWEEP_JOB, {});
const invoicesOf = (admissionId: string) =>
  t.app.ctx.db
    .select()
    .from(einvoices)
    .where(and(eq(einvoices.sourceType, 'inpatient'), eq(einvoices.sourceId, admissionId)))
    .orderBy(einvoices.createdAt);
const admissionRow = async (id: string) =>
  (await t.app.ctx.db.select().from(inpatientAdmissions).where(eq(inpatientAdmissions.id, id)))[0];

let seq = 0;
const line = (lineId: string, itemName: string, category: string, amountFen: number) => ({
  lineId,
  date: '2026-11-22',
  itemCode: lineId,
  itemName,
  category,
  quantity: 1,
  unit: '项',
  amountFen,
});

/** An admitted patient bound by their account, with 200.00 of charges and a paid deposit. */
async function stayWithDeposit(depositFen: number) {
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const admissionNo = `ZYR${Date.now() % 1_000_000}${++seq}`;
  const admitted = await hisCall('/api/integration/v1/his/admissions', {
    admissionNo,
    name: rec.name,
    idNumber: rec.idNumber,
    ward: '普外科二病区',
    admittedAt: '2026-11-20T15:30:00+08:00',
  });
  expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
  const bound = await t.api.post('/api/v1/admissions/bind', {
    token: p.token,
    body: { patientId: p.patientId, admissionNo, name: rec.name },
  });
  expect(bound.status, JSON.stringify(bound.body)).toBe(201);
  const charged = await hisCall(`/api/integration/v1/his/admissions/${admissionNo}/charges`, {
    lines: [line('B1', '床位费', '床位费', 12_000), line('D1', '头孢呋辛', '西药费', 8000)],
  });
  expect(charged.status, JSON.stringify(charged.body)).toBe(200);
  const dep = await t.api.post(`/api/v1/admissions/${bound.body.id}/deposits`, {
    token: p.token,
    body: { amountFen: depositFen, idempotencyKey: `dep-${randomBytes(6).toString('hex')}` },
  });
  expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  await payAtSandbox(t, p.token, dep.body.paymentOrder.id, dep.body.paymentOrder.orderNo);
  return { ...p, admissionNo, admissionId: bound.body.id as string };
}

async function discharge(admissionNo: string, totalCostFen: number) {
  const res = await hisCall(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
    dischargedAt: '2026-11-23T08:30:00+08:00',
    totalCostFen,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function payRemainder(p: { token: string; admissionId: string }) {
  const pay = await t.api.post(`/api/v1/admissions/${p.admissionId}/settlement/pay`, { token: p.token });
  expect(pay.status, JSON.stringify(pay.body)).toBe(201);
  await payAtSandbox(t, p.token, pay.body.paymentOrder.id, pay.body.paymentOrder.orderNo);
  return pay.body.paymentOrder.amountFen as number;
}

const reverse = (admissionNo: string, reversalNo = `CX-${admissionNo}`, reason = '补记漏费，出院召回') =>
  hisCall(`/api/integration/v1/his/admissions/${admissionNo}/settlement-reversal`, { reversalNo, reason });

describe('inpatient e-invoice after the discharge settlement (PAY-10, INP-08)', () => {
  it('a surplus deposit refund keeps the stay invoice: the settled total did not change', async () => {
    const p = await stayWithDeposit(30_000);
    expect(await discharge(p.admissionNo, 20_000)).toMatchObject({ settlementState: 'open' });
    const refund = await t.api.post(`/api/v1/admissions/${p.admissionId}/settlement/refund`, {
      token: p.token,
    });
    expect(refund.body).toMatchObject({ settlementState: 'refunded' });
    await sweep();
    await sweep();
    await sweep();
    const rows = await invoicesOf(p.admissionId);
    expect(rows.map((r) => [r.kind, r.state, r.amountFen, r.reversedBy])).toEqual([
      ['blue', 'issued', 20_000, null],
    ]);
  });

  it('a settlement the HIS reverses red-letters its invoice once, and the re-settled stay gets a new one', async () => {
    const p = await stayWithDeposit(15_000);
    expect(await discharge(p.admissionNo, 20_000)).toMatchObject({ settlementState: 'open' });
    expect(await payRemainder(p)).toBe(5000);
    await sweep();
    await sweep();
    const [first] = await invoicesOf(p.admissionId);
    expect(first).toMatchObject({ kind: 'blue', state: 'issued', amountFen: 20_000 });

    const reversed = await reverse(p.admissionNo);
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    // the remainder paid at the reversed settlement stays with the stay as prepayment
    expect(reversed.body).toMatchObject({
      state: 'admitted',
      settlementState: 'none',
      settlementGeneration: 1,
      depositsFen: 20_000,
      balanceFen: 0,
      repeated: false,
    });
    const again = await reverse(p.admissionNo);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ repeated: true, settlementGeneration: 1, depositsFen: 20_000 });
    // the bound account is told once
    expect(await messagesOf(t, p.accountId, 'inpatient.settlement-reversed')).toBe(1);

    await sweep();
    await sweep();
    let rows = await invoicesOf(p.admissionId);
    expect(rows).toHaveLength(2);
    const red = rows.find((r) => r.kind === 'red')!;
    expect(red).toMatchObject({ state: 'issued', originalId: first.id, amountFen: 20_000 });
    expect(rows.find((r) => r.id === first.id)).toMatchObject({ reversedBy: red.id });
    expect(await platform.issues(t.app.ctx, red.serialNo)).toMatchObject([
      { kind: 'red', amountFen: 20_000 },
    ]);
    expect(await messagesOf(t, p.accountId, 'einvoice.reversed')).toBe(1);
    // the patient sees the first invoice as reversed (冲红) and the red letter beside it
    const mine = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    const list = mine.body.items as { id: string; status: string; amountFen: number }[];
    expect(list.find((i) => i.id === first.id)?.status).toBe('reversed');
    expect(list.find((i) => i.id === red.id)?.amountFen).toBe(-20_000);

    // the recalled stay gets the missed charge and is discharged and settled again
    const charged = await hisCall(`/api/integration/v1/his/admissions/${p.admissionNo}/charges`, {
      lines: [line('N1', '换药', '治疗费', 3000)],
    });
    expect(charged.status, JSON.stringify(charged.body)).toBe(200);
    expect(await discharge(p.admissionNo, 23_000)).toMatchObject({
      settlementState: 'open',
      depositsFen: 20_000,
    });
    expect(await payRemainder(p)).toBe(3000);
    await sweep();
    await sweep();
    await sweep();
    rows = await invoicesOf(p.admissionId);
    expect(rows).toHaveLength(3);
    const second = rows.find((r) => r.kind === 'blue' && r.id !== first.id)!;
    expect(second).toMatchObject({ state: 'issued', amountFen: 23_000, reversedBy: null });
    expect(second.sourceParts).toEqual([`${p.admissionId}:s1`]);
    expect(second.items.map((i) => [i.name, i.amountFen])).toEqual([
      ['床位费', 12_000],
      ['治疗费', 3000],
      ['西药费', 8000],
    ]);
    expect(await messagesOf(t, p.accountId, 'einvoice.issued')).toBe(2);

    // a late retry of the same reversal is a repeat: the new settlement and its invoice stay
    const late = await reverse(p.admissionNo);
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ repeated: true, state: 'discharged', settlementState: 'settled' });
    await sweep();
    expect(await invoicesOf(p.admissionId)).toHaveLength(3);
    expect(await messagesOf(t, p.accountId, 'inpatient.settlement-reversed')).toBe(1);
  });

  it('a reversal after the surplus was refunded leaves the refunded money out of the stay', async () => {
    const p = await stayWithDeposit(30_000);
    await discharge(p.admissionNo, 20_000);
    await t.api.post(`/api/v1/admissions/${p.admissionId}/settlement/refund`, { token: p.token });
    await sweep();
    await sweep();
    // the HIS sends the same reversal twice at once: it happens once
    const [one, two] = await Promise.all([reverse(p.admissionNo), reverse(p.admissionNo)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect([one.body.repeated, two.body.repeated].sort()).toEqual([false, true]);
    const reversed = one.body.repeated ? two : one;
    expect(reversed.body).toMatchObject({ depositsFen: 20_000, balanceFen: 0, settlementGeneration: 1 });
    expect(await admissionRow(p.admissionId)).toMatchObject({ depositsFen: 20_000, settlementGeneration: 1 });
    await sweep();
    await sweep();
    const rows = await invoicesOf(p.admissionId);
    expect(rows.map((r) => [r.kind, r.state])).toEqual([
      ['blue', 'issued'],
      ['red', 'issued'],
    ]);
    // not settled again yet: nothing new is invoiced
    await sweep();
    expect(await invoicesOf(p.admissionId)).toHaveLength(2);
  });

  it('refuses a reversal of a stay not discharged, of an unknown admission, or without a reason', async () => {
    const p = await stayWithDeposit(10_000);
    const notDischarged = await reverse(p.admissionNo);
    expect(notDischarged.status).toBe(409);
    expect(notDischarged.body.code).toBe('ADMISSION_NOT_DISCHARGED');
    const unknown = await reverse('ZY-NO-SUCH');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ADMISSION_NOT_FOUND');
    await discharge(p.admissionNo, 20_000);
    const noReason = await hisCall(
      `/api/integration/v1/his/admissions/${p.admissionNo}/settlement-reversal`,
      {
        reversalNo: `CX-${p.admissionNo}`,
        reason: '',
      },
    );
    expect(noReason.status).toBe(400);
    const noNumber = await hisCall(
      `/api/integration/v1/his/admissions/${p.admissionNo}/settlement-reversal`,
      {
        reason: '补记漏费',
      },
    );
    expect(noNumber.status).toBe(400);
    expect(await admissionRow(p.admissionId)).toMatchObject({
      state: 'discharged',
      settlementState: 'open',
      settlementGeneration: 0,
      depositsFen: 10_000,
    });
    expect(await invoicesOf(p.admissionId)).toEqual([]);
  });
});
