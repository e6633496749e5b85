import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { HisSim } from '../../../../../packages/his-sim/src/index.js';
import type { TestApp } from '../../testing/harness.js';
import { startPlatformWithHisSim } from '../../testing/his-sim.js';
import { SandboxEInvoicePlatform } from '../../integrations/einvoice/sandbox.js';
import { getPatientById } from '../identity/index.js';
import { einvoices } from '../invoicing/index.js';
import { SWEEP_JOB as EINVOICE_SWEEP_JOB } from '../invoicing/index.js';
import { messagesOf, newPatient, payAtSandbox } from '../registration/testing.js';
import { inpatientAdmissions } from './schema.js';

/**
 * INP-08 acceptance with the reference HIS simulator as the hospital's HIS: the simulator admits,
 * charges and discharges over the signed integration API, and its billing office reverses the
 * discharge settlement (撤销出院结算) the same way, so the stay's e-invoice is red-lettered and the
 * next settlement is invoiced anew.
 */
let t: TestApp;
let sim: HisSim;
const einvoicePlatform = new SandboxEInvoicePlatform();
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ t, sim, close } = await startPlatformWithHisSim({
    sim: {
      seed: 7,
      timings: { orderMs: 0, dispenseMs: 0, performMs: null, reportMs: 0, dayMs: null, retryMs: 20 },
      admissionRate: 0,
      stayDays: 1,
    },
    operations: [
      'his.admissions.push',
      'his.inpatient-charges.push',
      'his.discharge.push',
      'his.discharge-reversal.push',
    ],
    adapters: { einvoice: einvoicePlatform },
  }));
});
afterAll(async () => {
  await close?.();
});

const sweep = async () => {
  for (let i = 0; i < 3; i++) await t.app.ctx.jobs.runNow(EINVOICE_SWEEP_JOB, {});
};
const invoicesOf = (admissionId: string) =>
  t.app.ctx.db
    .select()
    .from(einvoices)
    .where(and(eq(einvoices.sourceType, 'inpatient'), eq(einvoices.sourceId, admissionId)))
    .orderBy(einvoices.createdAt);
const admissionRow = async (id: string) =>
  (await t.app.ctx.db.select().from(inpatientAdmissions).where(eq(inpatientAdmissions.id, id)))[0];

describe('with his-sim as the HIS: a discharge settlement reversed (撤销出院结算)', () => {
  it('admit → deposit → discharge settled → invoice → his-sim reverses → invoice red-lettered → discharged again → new invoice', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const p = await newPatient(t);
    const holder = await getPatientById(t.app.ctx, p.patientId);
    const a = await sim.admit({ name: holder.name, idNumber: holder.idNumber });
    const bound = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo: a.admissionNo, name: holder.name },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    const admissionId = bound.body.id as string;

    // a small deposit paid online, written back to the HIS
    const dep = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, {
      token: p.token,
      body: { amountFen: 5000, idempotencyKey: `dep-${randomBytes(6).toString('hex')}` },
    });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    await payAtSandbox(t, p.token, dep.body.paymentOrder.id, dep.body.paymentOrder.orderNo);

    // one ward day, then the HIS discharges; the patient pays the remainder online
    await sim.nextDay(a.admissionNo);
    await sim.nextDay(a.admissionNo);
    expect(a.discharged).toBe(true);
    const total = a.totalFen;
    expect(total).toBeGreaterThan(5000);
    const pay = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/pay`, { token: p.token });
    expect(pay.status, JSON.stringify(pay.body)).toBe(201);
    expect(pay.body.paymentOrder.amountFen).toBe(total - 5000);
    await payAtSandbox(t, p.token, pay.body.paymentOrder.id, pay.body.paymentOrder.orderNo);
    expect(await admissionRow(admissionId)).toMatchObject({
      state: 'discharged',
      settlementState: 'settled',
    });
    await sweep();
    const [first] = await invoicesOf(admissionId);
    expect(first).toMatchObject({ kind: 'blue', state: 'issued', amountFen: total, reversedBy: null });

    // the HIS's billing office reverses the discharge through the simulator's control
    const res = await fetch(`${sim.url}/sim/admissions/${a.admissionNo}/reverse-discharge`, {
      method: 'POST',
      body: JSON.stringify({ reason: '补记漏费，出院召回' }),
    });
    const reversed = (await res.json()) as { reversalNo: string; reply: Record<string, unknown> };
    expect(res.status, JSON.stringify(reversed)).toBe(200);
    expect(reversed.reply).toMatchObject({
      admissionId,
      state: 'admitted',
      settlementState: 'none',
      settlementGeneration: 1,
      // the remainder paid at the reversed settlement stays with the stay as prepayment
      depositsFen: total,
      balanceFen: 0,
      repeated: false,
    });
    expect(a.discharged).toBe(false);
    // the same reversal pushed again by the HIS changes nothing
    const repeat = await sim.reverseDischarge(a.admissionNo, { reversalNo: reversed.reversalNo });
    expect(repeat.reply).toMatchObject({ repeated: true, settlementGeneration: 1, depositsFen: total });
    expect(await messagesOf(t, p.accountId, 'inpatient.settlement-reversed')).toBe(1);
    expect(await admissionRow(admissionId)).toMatchObject({
      state: 'admitted',
      settlementState: 'none',
      settlementReversalNo: reversed.reversalNo,
    });

    await sweep();
    let rows = await invoicesOf(admissionId);
    expect(rows).toHaveLength(2);
    const red = rows.find((r) => r.kind === 'red')!;
    expect(red).toMatchObject({ state: 'issued', originalId: first.id, amountFen: total });
    expect(rows.find((r) => r.id === first.id)).toMatchObject({ reversedBy: red.id });

    // the HIS discharges the stay again with the same total: the prepayment covers it, nothing is due
    await sim.nextDay(a.admissionNo);
    expect(a.discharged).toBe(true);
    const settlement = await t.api.get(`/api/v1/admissions/${admissionId}/settlement`, { token: p.token });
    expect(settlement.status, JSON.stringify(settlement.body)).toBe(200);
    expect(settlement.body).toMatchObject({
      chargesFen: total,
      depositsFen: total,
      dueFen: 0,
      refundableFen: 0,
    });
    expect(await admissionRow(admissionId)).toMatchObject({
      state: 'discharged',
      settlementState: 'settled',
    });
    await sweep();
    rows = await invoicesOf(admissionId);
    expect(rows).toHaveLength(3);
    const second = rows.find((r) => r.kind === 'blue' && r.id !== first.id)!;
    expect(second).toMatchObject({ state: 'issued', amountFen: total, reversedBy: null });
    expect(second.sourceParts).toEqual([`${admissionId}:s1`]);
    expect(await messagesOf(t, p.accountId, 'einvoice.issued')).toBe(2);
    expect(sim.state.errors).toEqual([]);
  });
});
