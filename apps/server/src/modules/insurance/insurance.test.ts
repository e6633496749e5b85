import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { startSession } from '../../platform/auth.js';
import { loginStaff } from '../../testing/staff.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { SandboxHis } from '../../integrations/his/index.js';
import { SandboxInsurance } from '../../integrations/insurance/index.js';
import { getPatientById } from '../identity/index.js';
import { paymentOrders, refunds } from '../payments/index.js';
import { RECONCILE_JOB } from '../payments/index.js';
import {
  deliverSandboxNotifications,
  messagesOf,
  newPatient,
  payAtSandbox,
} from '../registration/testing.js';
import { billPayments, bills } from '../billing/index.js';
import { WRITEBACK_SWEEP_JOB } from '../billing/index.js';
import { insuranceCredentials, insuranceSettlements } from './schema.js';
import { INSURANCE_SWEEP_JOB } from './service.js';
import { openHisChannel, type HisCall } from '../billing/testing.js';
import { einvoices } from '../invoicing/index.js';
import { ISSUE_JOB as EINVOICE_ISSUE_JOB, SWEEP_JOB as EINVOICE_SWEEP_JOB } from '../invoicing/index.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai.
let t: TestApp;
let hisCall: HisCall;
const sandboxHis = new SandboxHis();
const insurance = new SandboxInsurance();

beforeAll(async () => {
  t = await createTestApp({ adapters: { his: sandboxHis, insurance } });
  hisCall = await openHisChannel(t);
});
afterAll(async () => t?.close());

interface Insured {
  token: string;
  accountId: string;
  patientId: string;
  idNumber: string;
  name: string;
  drug: any;
  lab: any;
  drugNo: string;
  labNo: string;
  visitNo: string;
}

let seq = 0;
/**
 * A patient whose visit the HIS opened with a drug bill (60.00: 37.00 covered + 23.00 self-pay
 * item "Z…") and a lab bill (25.00 covered); with `authorise`, the credential is authorised.
 */
async function insuredPatient(opts: { authorise?: boolean; visitName?: string } = {}): Promise<Insured> {
  const p = await newPatient(t);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const visitNo = `IV${Date.now()}${++seq}`;
  const visit = await hisCall('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: '2026-11-23',
    departmentName: '内科',
    doctorName: '李医生',
    patient: { name: opts.visitName ?? rec.name, idNumber: rec.idNumber },
  });
  expect(visit.status, JSON.stringify(visit.body)).toBe(200);
  const drugNo = `RX${visitNo}`;
  const labNo = `LB${visitNo}`;
  const pushed = await hisCall('/api/integration/v1/his/bills', {
    visitNo,
    bills: [
      {
        billNo: drugNo,
        kind: 'prescription',
        title: '西药处方',
        execDepartment: '西药房',
        execLocation: '门诊楼1F 2号窗口',
        items: [
          { code: 'Y001', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1850, amountFen: 3700 },
          { code: 'Z002', name: '进口布洛芬（自费）', quantity: 1, unitPriceFen: 2300, amountFen: 2300 },
        ],
      },
      {
        billNo: labNo,
        kind: 'lab',
        title: '检验申请单',
        execDepartment: '检验科',
        execLocation: '门诊楼3F',
        items: [{ code: 'J001', name: '血常规', quantity: 1, unitPriceFen: 2500, amountFen: 2500 }],
      },
    ],
  });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  const list = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
  const out: Insured = {
    ...p,
    idNumber: rec.idNumber,
    name: rec.name,
    visitNo,
    drugNo,
    labNo,
    drug: list.body.items.find((b: any) => b.billNo === drugNo),
    lab: list.body.items.find((b: any) => b.billNo === labNo),
  };
  if (opts.authorise !== false) {
    const res = await t.api.post('/api/v1/insurance/credentials', {
      token: p.token,
      body: {
        patientId: p.patientId,
        authCode: insurance.issueAuthCode({ name: rec.name, idNumber: rec.idNumber }),
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return out;
}

async function fresh(p: { accountId: string; token: string }) {
  p.token = (await startSession(t.app.ctx, 'patient', p.accountId)).accessToken;
}

async function preSettle(p: Insured, billIds: string[], useAccount = true) {
  return t.api.post('/api/v1/insurance/pre-settlements', {
    token: p.token,
    body: { patientId: p.patientId, billIds, useAccount },
  });
}

async function settle(p: { token: string }, id: string) {
  return t.api.post(`/api/v1/insurance/settlements/${id}/settle`, { token: p.token });
}

async function settlementRow(id: string) {
  const [s] = await t.app.ctx.db.select().from(insuranceSettlements).where(eq(insuranceSettlements.id, id));
  return s;
}

async function billState(id: string) {
  const [b] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, id));
  return b;
}

/** Pays a settlement's cash part at the sandbox cashier. */
async function payCash(p: { token: string }, s: { cashOrderId: string; cashOrderNo: string }) {
  await payAtSandbox(t, p.token, s.cashOrderId, s.cashOrderNo);
}

/** Drug 60.00 (37.00 covered, 23.00 self-pay) + lab 25.00: fund 70 % of 62.00 = 43.40. */
const FUND_BOTH = 4340;

describe('insurance credential (INS-01 … INS-05, INS-13, INS-14)', () => {
  it('a patient authorises their credential and sees the card, the QR code, balance and an own social-security card', async () => {
    const p = await insuredPatient();
    const card = await t.api.get(`/api/v1/insurance/credentials/${p.patientId}`, { token: p.token });
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({
      patientId: p.patientId,
      holderName: '张*',
      state: 'active',
      insuranceType: 'employee',
    });
    expect(card.body.insuredNo).toMatch(/\*{4,}/);
    const qr = await t.api.get(`/api/v1/insurance/credentials/${p.patientId}/qr`, { token: p.token });
    expect(qr.status).toBe(200);
    expect(qr.body.payload).toMatch(/^ECQR:/);
    const balance = await t.api.get(`/api/v1/insurance/credentials/${p.patientId}/balance`, {
      token: p.token,
    });
    expect(balance.body.balanceFen).toBe(50_000);

    const foreignCard = insurance.socialCardOf(makeResidentId('19700101', '110101', '555'));
    const refused = await t.api.put(`/api/v1/insurance/credentials/${p.patientId}/social-card`, {
      token: p.token,
      body: { cardNo: foreignCard },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SOCIAL_CARD_NOT_OWN');
    const [stored] = await t.app.ctx.db
      .select()
      .from(insuranceCredentials)
      .where(eq(insuranceCredentials.patientId, p.patientId));
    expect(stored.socialCardNoEnc).toBeNull();
    const bound = await t.api.put(`/api/v1/insurance/credentials/${p.patientId}/social-card`, {
      token: p.token,
      body: { cardNo: insurance.socialCardOf(p.idNumber) },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    expect(bound.body.socialCardNo).toMatch(/^S.\*+\d{3}$/);
    expect(bound.body.socialCardNo).not.toBe(insurance.socialCardOf(p.idNumber));
  });

  it("a credential whose real name differs from the patient's is refused and nothing is stored (INS-04)", async () => {
    const p = await insuredPatient({ authorise: false });
    const wrongName = await t.api.post('/api/v1/insurance/credentials', {
      token: p.token,
      body: {
        patientId: p.patientId,
        authCode: insurance.issueAuthCode({ name: '李四', idNumber: p.idNumber }),
      },
    });
    expect(wrongName.status).toBe(409);
    expect(wrongName.body.code).toBe('INSURANCE_NAME_MISMATCH');
    const someoneElse = await t.api.post('/api/v1/insurance/credentials', {
      token: p.token,
      body: {
        patientId: p.patientId,
        authCode: insurance.issueAuthCode({
          name: p.name,
          idNumber: makeResidentId('19700101', '110101', '556'),
        }),
      },
    });
    expect(someoneElse.status).toBe(409);
    expect(someoneElse.body.code).toBe('INSURANCE_IDENTITY_MISMATCH');
    const forged = await t.api.post('/api/v1/insurance/credentials', {
      token: p.token,
      body: { patientId: p.patientId, authCode: 'ac.forged-code.signature' },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('INSURANCE_AUTH_CODE_INVALID');
    const card = await t.api.get(`/api/v1/insurance/credentials/${p.patientId}`, { token: p.token });
    expect(card.status).toBe(404);
    expect(card.body.code).toBe('INSURANCE_CREDENTIAL_NOT_FOUND');
    // Without a credential there is no insurance payment.
    const pre = await preSettle(p, [p.drug.id]);
    expect(pre.status).toBe(409);
    expect(pre.body.code).toBe('INSURANCE_NOT_AUTHORISED');
  });

  it('another account cannot read or authorise a credential of my patient: it reads like a missing patient', async () => {
    const p = await insuredPatient();
    const stranger = await newPatient(t);
    const read = await t.api.get(`/api/v1/insurance/credentials/${p.patientId}`, { token: stranger.token });
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('PATIENT_NOT_FOUND');
    const auth = await t.api.post('/api/v1/insurance/credentials', {
      token: stranger.token,
      body: {
        patientId: p.patientId,
        authCode: insurance.issueAuthCode({ name: p.name, idNumber: p.idNumber }),
      },
    });
    expect(auth.status).toBe(404);
  });
});

describe('pre-settlement and mixed payment (INS-06 … INS-08, INS-12)', () => {
  it('fund, personal account and cash: the cash part is paid, the bills are paid once and written back to the HIS', async () => {
    const p = await insuredPatient();
    await insurance.setBalance(t.app.ctx, p.idNumber, 1_000);
    const listed = await t.api.get(`/api/v1/insurance/bills?patientId=${p.patientId}`, { token: p.token });
    expect(listed.body.authorised).toBe(true);
    expect(listed.body.items.map((b: any) => b.id).sort()).toEqual([p.drug.id, p.lab.id].sort());

    const pre = await preSettle(p, [p.drug.id, p.lab.id]);
    expect(pre.status, JSON.stringify(pre.body)).toBe(201);
    expect(pre.body).toMatchObject({
      state: 'pre_settled',
      totalFen: 8500,
      fundFen: FUND_BOTH,
      accountFen: 1_000,
      cashFen: 8500 - FUND_BOTH - 1_000,
    });
    // A pre-settlement changes nothing yet.
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(1_000);
    expect((await billState(p.drug.id)).paymentId).toBeNull();

    const [first, second] = await Promise.all([settle(p, pre.body.id), settle(p, pre.body.id)]);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    const settled = first.body.cashOrderId ? first.body : second.body;
    expect(settled).toMatchObject({ state: 'cash_pending', insuranceState: 'settled', cashFen: 3_160 });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(0);
    const again = await settle(p, pre.body.id);
    expect(again.body.cashOrderId).toBe(settled.cashOrderId);
    // The bills are held: a plain cash payment of them is refused meanwhile.
    const cashOnly = await t.api.post('/api/v1/bill-payments', {
      token: p.token,
      body: {
        patientId: p.patientId,
        billIds: [p.lab.id],
        idempotencyKey: `k-${randomBytes(6).toString('hex')}`,
      },
    });
    expect(cashOnly.status).toBe(409);
    expect(cashOnly.body.code).toBe('BILL_IN_PAYMENT');
    // Nor can the hold be turned into a cash payment of its own by reusing its key.
    const hijack = await t.api.post('/api/v1/bill-payments', {
      token: p.token,
      body: {
        patientId: p.patientId,
        billIds: [p.drug.id, p.lab.id],
        idempotencyKey: `insurance:${settled.settlementNo}`,
      },
    });
    expect(hijack.status).toBe(409);
    expect(hijack.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    await payCash(p, settled);
    await deliverSandboxNotifications(t, settled.cashOrderNo); // the channel repeats itself

    const done = await t.api.get(`/api/v1/insurance/settlements/${pre.body.id}`, { token: p.token });
    expect(done.body).toMatchObject({
      state: 'settled',
      cashOrderState: 'paid',
      platform: { state: 'settled', fundFen: FUND_BOTH, accountFen: 1_000, cashFen: 3_160 },
    });
    expect(done.body.bills).toHaveLength(2);
    expect(await billState(p.drug.id)).toMatchObject({ state: 'confirmed' });
    expect(await billState(p.lab.id)).toMatchObject({ state: 'confirmed' });
    expect(await messagesOf(t, p.accountId, 'insurance.settled')).toBe(1);
    const calls = await sandboxHis.calls(t.app.ctx, settled.settlementNo);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: 'writeback', amountFen: 8500 });
    expect(await insurance.query(t.app.ctx, settled.settlementNo)).toMatchObject({
      state: 'settled',
      fundFen: FUND_BOTH,
      accountFen: 1_000,
    });
    const records = await t.api.get(`/api/v1/insurance/credentials/${p.patientId}/consumption`, {
      token: p.token,
    });
    expect(records.body.items).toEqual([
      expect.objectContaining({ kind: 'settle', settlementNo: settled.settlementNo, accountFen: 1_000 }),
    ]);
  });

  it('a bill fully covered by fund and personal account is settled without a cash order', async () => {
    const p = await insuredPatient();
    const res = await t.api.post('/api/v1/insurance/settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.lab.id] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      state: 'settled',
      fundFen: 1750,
      accountFen: 750,
      cashFen: 0,
      cashOrderId: null,
    });
    expect(await billState(p.lab.id)).toMatchObject({ state: 'confirmed' });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000 - 750);
  });

  it('the cash part is never paid: the insurance part is reversed and the bills stay unpaid', async () => {
    const p = await insuredPatient();
    await insurance.setBalance(t.app.ctx, p.idNumber, 500);
    const pre = await preSettle(p, [p.drug.id]);
    const s = await settle(p, pre.body.id);
    expect(s.body.state).toBe('cash_pending');
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(0);
    // The payer tries, the channel fails; then the cash order runs out.
    const started = await t.api.post(`/api/v1/payments/orders/${s.body.cashOrderId}/pay`, {
      token: p.token,
      body: { channel: 'sandbox' },
    });
    expect(started.status).toBe(200);
    const failed = await t.api.post(`/api/v1/payments/sandbox/${s.body.cashOrderNo}/complete`, {
      token: p.token,
      body: { outcome: 'failure' },
    });
    expect(failed.status).toBe(200);
    t.clock.advance((t.app.ctx.config.INSURANCE_CASH_MINUTES + 1) * 60_000);
    await fresh(p);
    await t.app.ctx.jobs.runNow(RECONCILE_JOB);

    const after = await t.api.get(`/api/v1/insurance/settlements/${pre.body.id}`, { token: p.token });
    expect(after.body).toMatchObject({
      state: 'reversed',
      insuranceState: 'cancelled',
      reason: 'cash_not_paid',
    });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(500);
    expect(await messagesOf(t, p.accountId, 'insurance.reversed')).toBe(1);
    expect((await insurance.query(t.app.ctx, s.body.settlementNo)).state).toBe('cancelled');
    expect(await billState(p.drug.id)).toMatchObject({ state: 'pending', paymentId: null });
    const [order] = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.id, s.body.cashOrderId));
    expect(order.state).toBe('closed');
    // The bill can be paid again.
    const again = await preSettle(p, [p.drug.id]);
    expect(again.status).toBe(201);
  });

  it('the insurance part fails: no cash order is made, nothing is charged and the bills are free', async () => {
    const p = await insuredPatient();
    const pre = await preSettle(p, [p.drug.id, p.lab.id]);
    insurance.failing.add('settle');
    const res = await settle(p, pre.body.id).finally(() => insurance.failing.delete('settle'));
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('INSURANCE_UNAVAILABLE');
    const row = await settlementRow(pre.body.id);
    expect(row).toMatchObject({ state: 'reversed', cashOrderId: null, insuranceState: 'cancelled' });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000);
    expect((await insurance.query(t.app.ctx, row.settlementNo)).state).toBe('not_found');
    expect(await billState(p.drug.id)).toMatchObject({ state: 'pending', paymentId: null });
    const orders = await t.app.ctx.db
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.businessId, pre.body.id));
    expect(orders).toHaveLength(0);
  });

  it('a settlement whose answer is lost is cancelled at the platform; the cancellation is retried until it goes through', async () => {
    const p = await insuredPatient();
    const pre = await preSettle(p, [p.lab.id]);
    insurance.failing.add('settle-answer');
    insurance.failing.add('cancel');
    const res = await settle(p, pre.body.id);
    insurance.failing.delete('settle-answer');
    expect(res.status).toBe(502);
    // Applied at the platform, cancellation refused for now: the account is still charged.
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000 - 750);
    let row = await settlementRow(pre.body.id);
    expect(row).toMatchObject({ state: 'reversing', insuranceState: 'unknown', attempts: 1 });
    insurance.failing.delete('cancel');
    t.clock.advance(2 * 60_000);
    await t.app.ctx.jobs.runNow(INSURANCE_SWEEP_JOB);
    row = await settlementRow(pre.body.id);
    expect(row).toMatchObject({ state: 'reversed', insuranceState: 'cancelled' });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000);
    expect(await billState(p.lab.id)).toMatchObject({ state: 'pending', paymentId: null });
  });

  it('an expired pre-settlement cannot be settled', async () => {
    const p = await insuredPatient();
    const pre = await preSettle(p, [p.lab.id]);
    t.clock.advance((t.app.ctx.config.INSURANCE_PRE_SETTLEMENT_MINUTES + 1) * 60_000);
    await fresh(p);
    const res = await settle(p, pre.body.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PRE_SETTLEMENT_EXPIRED');
    expect((await settlementRow(pre.body.id)).state).toBe('expired');
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000);
    expect(await billState(p.lab.id)).toMatchObject({ state: 'pending', paymentId: null });
  });

  it('the name on the prescription must match the credential’s real name (INS-04)', async () => {
    const p = await insuredPatient({ visitName: '张叁' });
    const pre = await preSettle(p, [p.drug.id]);
    expect(pre.status).toBe(409);
    expect(pre.body.code).toBe('INSURANCE_NAME_MISMATCH');
    const rows = await t.app.ctx.db
      .select()
      .from(insuranceSettlements)
      .where(eq(insuranceSettlements.patientId, p.patientId));
    expect(rows).toHaveLength(0);
  });

  it("another account's settlement, and an unauthorised family member's bills, read like missing ones", async () => {
    const p = await insuredPatient();
    const pre = await preSettle(p, [p.lab.id]);
    const stranger = await newPatient(t);
    const foreign = await t.api.get(`/api/v1/insurance/settlements/${pre.body.id}`, {
      token: stranger.token,
    });
    const missing = await t.api.get('/api/v1/insurance/settlements/no-such-settlement', {
      token: stranger.token,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
    const steal = await settle(stranger, pre.body.id);
    expect(steal.status).toBe(404);
    expect((await settlementRow(pre.body.id)).state).toBe('pre_settled');
    const foreignBills = await t.api.post('/api/v1/insurance/pre-settlements', {
      token: stranger.token,
      body: { patientId: stranger.patientId, billIds: [p.lab.id] },
    });
    expect(foreignBills.status).toBe(409); // the stranger has no credential
    await t.api.post('/api/v1/insurance/credentials', {
      token: stranger.token,
      body: {
        patientId: stranger.patientId,
        authCode: insurance.issueAuthCode({
          name: '张三',
          idNumber: (await getPatientById(t.app.ctx, stranger.patientId)).idNumber,
        }),
      },
    });
    const foreignBills2 = await t.api.post('/api/v1/insurance/pre-settlements', {
      token: stranger.token,
      body: { patientId: stranger.patientId, billIds: [p.lab.id] },
    });
    expect(foreignBills2.status).toBe(404);
    expect(foreignBills2.body.code).toBe('BILL_NOT_FOUND');

    // An adult family member who has not consented: every insurance path answers "no such patient".
    const spouseId = makeResidentId('19880808', '310101', String(100 + (seq % 800)));
    const me = await loginPatient(t, `1370000${String(1000 + seq).slice(-4)}`);
    await addPatient(t, me.token);
    const fam = await addPatient(t, me.token, { relation: 'spouse', name: '周敏', idNumber: spouseId });
    expect(fam.body.consent).toBe('pending');
    const ghost = '00000000-0000-4000-8000-000000000000';
    for (const path of [
      `/api/v1/insurance/credentials/${fam.id}`,
      `/api/v1/insurance/bills?patientId=${fam.id}`,
      `/api/v1/insurance/credentials/${fam.id}/balance`,
    ]) {
      const hidden = await t.api.get(path, { token: me.token });
      const none = await t.api.get(path.replace(fam.id, ghost), { token: me.token });
      expect(hidden.status).toBe(404);
      expect(hidden.body.code).toBe(none.body.code);
    }
    const auth = await t.api.post('/api/v1/insurance/credentials', {
      token: me.token,
      body: { patientId: fam.id, authCode: insurance.issueAuthCode({ name: '周敏', idNumber: spouseId }) },
    });
    expect(auth.status).toBe(404);
    expect(auth.body.code).toBe('PATIENT_NOT_FOUND');
  });

  it('bad input is refused before anything is written', async () => {
    const p = await insuredPatient();
    const noBills = await t.api.post('/api/v1/insurance/pre-settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [] },
    });
    expect(noBills.status).toBe(400);
    const extra = await t.api.post('/api/v1/insurance/pre-settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.lab.id], amountFen: 1 },
    });
    expect(extra.status).toBe(400);
    const rows = await t.app.ctx.db
      .select()
      .from(insuranceSettlements)
      .where(eq(insuranceSettlements.patientId, p.patientId));
    expect(rows).toHaveLength(0);
  });
});

describe('cancel and refund (INS-10, INS-11)', () => {
  it('a patient cancels before paying the cash part: the cash order is closed and the insurance part reversed', async () => {
    const p = await insuredPatient();
    await insurance.setBalance(t.app.ctx, p.idNumber, 0);
    const pre = await preSettle(p, [p.lab.id]);
    const s = await settle(p, pre.body.id);
    expect(s.body.state).toBe('cash_pending');
    const cancelled = await t.api.post(`/api/v1/insurance/settlements/${pre.body.id}/cancel`, {
      token: p.token,
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({
      state: 'reversed',
      insuranceState: 'cancelled',
      cashOrderState: 'closed',
    });
    expect((await insurance.query(t.app.ctx, s.body.settlementNo)).state).toBe('cancelled');
    expect(await billState(p.lab.id)).toMatchObject({ state: 'pending', paymentId: null });
    const twice = await t.api.post(`/api/v1/insurance/settlements/${pre.body.id}/cancel`, { token: p.token });
    expect(twice.status).toBe(200);
    expect(twice.body.state).toBe('reversed');
  });

  it('a patient who has already paid the cash part cannot cancel: the settlement completes instead', async () => {
    const p = await insuredPatient();
    await insurance.setBalance(t.app.ctx, p.idNumber, 0);
    const pre = await preSettle(p, [p.lab.id]);
    const s = await settle(p, pre.body.id);
    const started = await t.api.post(`/api/v1/payments/orders/${s.body.cashOrderId}/pay`, {
      token: p.token,
      body: { channel: 'sandbox' },
    });
    expect(started.status).toBe(200);
    const paid = await t.api.post(`/api/v1/payments/sandbox/${s.body.cashOrderNo}/complete`, {
      token: p.token,
      body: { outcome: 'success' },
    });
    expect(paid.status).toBe(200);
    // The channel's notification has not arrived yet when the patient asks to cancel.
    const cancel = await t.api.post(`/api/v1/insurance/settlements/${pre.body.id}/cancel`, {
      token: p.token,
    });
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('INSURANCE_CASH_ALREADY_PAID');
    expect(await settlementRow(pre.body.id)).toMatchObject({ state: 'settled', cashPaid: true });
    expect((await insurance.query(t.app.ctx, s.body.settlementNo)).state).toBe('settled');
    expect(await billState(p.lab.id)).toMatchObject({ state: 'confirmed' });
    await deliverSandboxNotifications(t, s.body.cashOrderNo);
    const cashRefunds = await t.app.ctx.db
      .select()
      .from(refunds)
      .where(eq(refunds.orderId, s.body.cashOrderId));
    expect(cashRefunds).toHaveLength(0);
  });

  it('a refund gives the fund and the personal account back at the platform and the cash back by its channel', async () => {
    const p = await insuredPatient();
    await insurance.setBalance(t.app.ctx, p.idNumber, 1_000);
    const pre = await preSettle(p, [p.drug.id, p.lab.id]);
    const s = await settle(p, pre.body.id);
    await payCash(p, s.body);
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(0);

    const refunded = await t.api.post(`/api/v1/insurance/settlements/${pre.body.id}/refund`, {
      token: p.token,
    });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    expect(refunded.body).toMatchObject({ state: 'refunded', insuranceState: 'refunded' });
    expect(await messagesOf(t, p.accountId, 'insurance.refunded')).toBe(1);
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(1_000);
    expect((await insurance.query(t.app.ctx, s.body.settlementNo)).state).toBe('refunded');
    const cashRefunds = await t.app.ctx.db
      .select()
      .from(refunds)
      .where(eq(refunds.orderId, s.body.cashOrderId));
    expect(cashRefunds).toHaveLength(1);
    expect(cashRefunds[0]).toMatchObject({ amountFen: 3_160, state: 'succeeded' });
    expect(await billState(p.drug.id)).toMatchObject({ state: 'refunded' });
    expect(await billState(p.lab.id)).toMatchObject({ state: 'refunded' });
    const notice = (await sandboxHis.calls(t.app.ctx, s.body.settlementNo)).filter(
      (c) => c.kind === 'refund',
    );
    expect(notice).toHaveLength(1);
    // Again: the same answer, nothing refunded twice.
    const twice = await t.api.post(`/api/v1/insurance/settlements/${pre.body.id}/refund`, { token: p.token });
    expect(twice.status).toBe(200);
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(1_000);
    expect(
      await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, s.body.cashOrderId)),
    ).toHaveLength(1);
    // The bill payment itself cannot be refunded through the plain cash route.
    const viaBilling = await t.api.post(
      `/api/v1/bill-payments/${(await settlementRow(pre.body.id)).billPaymentId}/refund`,
      {
        token: p.token,
        body: { billIds: [p.lab.id] },
      },
    );
    expect(viaBilling.status).toBe(409);
  });

  it('an executed bill is refunded only at the counter, and the insurance stays settled', async () => {
    const p = await insuredPatient();
    const res = await t.api.post('/api/v1/insurance/settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.lab.id] },
    });
    expect(res.body.state).toBe('settled');
    const exec = await hisCall(`/api/integration/v1/his/bills/${p.labNo}/execution`, { status: 'performed' });
    expect(exec.status).toBe(200);
    const refused = await t.api.post(`/api/v1/insurance/settlements/${res.body.id}/refund`, {
      token: p.token,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('GO_TO_COUNTER');
    expect(refused.body.details.reason).toBe('EXECUTED');
    expect((await settlementRow(res.body.id)).state).toBe('settled');
    expect((await insurance.query(t.app.ctx, res.body.settlementNo)).state).toBe('settled');
  });

  it('the HIS never takes the write-back: both parts are reversed and the bills are owed again', async () => {
    const p = await insuredPatient();
    await insurance.setBalance(t.app.ctx, p.idNumber, 0);
    const pre = await preSettle(p, [p.lab.id]);
    const s = await settle(p, pre.body.id);
    sandboxHis.failing = true;
    try {
      await payCash(p, s.body);
      for (let i = 0; i < t.app.ctx.config.BILL_WRITEBACK_MAX_ATTEMPTS; i++) {
        t.clock.advance(31 * 60_000);
        await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB);
      }
    } finally {
      sandboxHis.failing = false;
    }
    await fresh(p);
    const after = await settlementRow(pre.body.id);
    expect(after).toMatchObject({
      state: 'reversed',
      insuranceState: 'cancelled',
      reason: 'his_writeback_failed',
    });
    expect((await insurance.query(t.app.ctx, s.body.settlementNo)).state).toBe('cancelled');
    const cash = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, s.body.cashOrderId));
    expect(cash).toEqual([expect.objectContaining({ amountFen: s.body.cashFen, state: 'succeeded' })]);
    expect(await billState(p.lab.id)).toMatchObject({ state: 'pending', paymentId: null });
  });
});

describe('secondary settlement (INS-15)', () => {
  async function paidByPhone(p: Insured, billIds: string[]) {
    const start = await t.api.post('/api/v1/bill-payments', {
      token: p.token,
      body: { patientId: p.patientId, billIds, idempotencyKey: `k-${randomBytes(6).toString('hex')}` },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
    return start.body;
  }

  it('mobile-paid bills of the day are settled afterwards and the reimbursed part goes back to the cash payment', async () => {
    const p = await insuredPatient();
    const pay = await paidByPhone(p, [p.drug.id, p.lab.id]);
    const list = await t.api.get(`/api/v1/insurance/secondary-settlement/bills?patientId=${p.patientId}`, {
      token: p.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.insured).toBe(true);
    expect(list.body.items.every((b: any) => b.eligible)).toBe(true);

    const res = await t.api.post('/api/v1/insurance/secondary-settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.drug.id, p.lab.id], useAccount: false },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const reimbursed = FUND_BOTH;
    expect(res.body).toMatchObject({
      kind: 'secondary',
      state: 'settled',
      fundFen: FUND_BOTH,
      accountFen: 0,
      cashFen: 8500 - FUND_BOTH,
    });
    const back = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, pay.orderId));
    expect(back).toEqual([expect.objectContaining({ amountFen: reimbursed, state: 'succeeded' })]);

    // Settled once: a second attempt is refused, and the bills are no longer refundable online.
    const again = await t.api.post('/api/v1/insurance/secondary-settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.lab.id] },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'SECONDARY_SETTLEMENT_NOT_ELIGIBLE',
      details: { reason: 'ALREADY_SETTLED' },
    });
    const refund = await t.api.post(`/api/v1/bill-payments/${pay.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(refund.status).toBe(409);
    expect(refund.body).toMatchObject({
      code: 'GO_TO_COUNTER',
      details: { reason: 'INSURANCE_SECONDARY_SETTLED' },
    });
  });

  it('the phone payment’s e-invoice is red-lettered and one consolidated medical invoice with the split replaces it', async () => {
    const p = await insuredPatient();
    const pay = await paidByPhone(p, [p.drug.id, p.lab.id]);
    const [first] = await t.app.ctx.db.select().from(einvoices).where(eq(einvoices.sourceId, pay.id));
    expect(first).toMatchObject({ kind: 'blue', amountFen: 8500, insuranceSplit: null });
    await t.app.ctx.jobs.runNow(EINVOICE_ISSUE_JOB, { invoiceId: first!.id });

    const res = await t.api.post('/api/v1/insurance/secondary-settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.drug.id, p.lab.id], useAccount: false },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await t.app.ctx.jobs.runNow(EINVOICE_SWEEP_JOB, {});
    await t.app.ctx.jobs.runNow(EINVOICE_SWEEP_JOB, {}); // a second pass changes nothing

    const ofPayment = await t.app.ctx.db.select().from(einvoices).where(eq(einvoices.sourceId, pay.id));
    // the first invoice is reversed by a red one; nothing of the phone payment is invoiced again
    expect(ofPayment.map((i) => i.kind).sort()).toEqual(['blue', 'red']);
    const red = ofPayment.find((i) => i.kind === 'red')!;
    expect(red.originalId).toBe(first!.id);
    const consolidated = await t.app.ctx.db
      .select()
      .from(einvoices)
      .where(eq(einvoices.sourceId, res.body.id));
    expect(consolidated).toHaveLength(1);
    expect(consolidated[0]).toMatchObject({
      kind: 'blue',
      sourceType: 'insurance_secondary',
      amountFen: 8500,
      orderNo: res.body.settlementNo,
      insuranceSplit: { fundFen: FUND_BOTH, accountFen: 0, cashFen: 8500 - FUND_BOTH },
    });
    expect([...consolidated[0]!.sourceParts].sort()).toEqual([p.drug.id, p.lab.id].sort());
    await t.app.ctx.jobs.runNow(EINVOICE_ISSUE_JOB, { invoiceId: consolidated[0]!.id });
    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
    const mine = list.body.items.find((i: any) => i.id === consolidated[0]!.id);
    expect(mine).toMatchObject({ status: 'issued', amountFen: 8500 });
  });

  it('two secondary settlements of one bill at the same time: one settles, the other is refused', async () => {
    const p = await insuredPatient();
    const pay = await paidByPhone(p, [p.lab.id]);
    const post = () =>
      t.api.post('/api/v1/insurance/secondary-settlements', {
        token: p.token,
        body: { patientId: p.patientId, billIds: [p.lab.id], useAccount: false },
      });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.body).toMatchObject({
      code: 'SECONDARY_SETTLEMENT_NOT_ELIGIBLE',
      details: { reason: 'ALREADY_SETTLED' },
    });
    const back = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, pay.orderId));
    expect(back).toEqual([expect.objectContaining({ amountFen: 1750 })]);
    const rows = await t.app.ctx.db
      .select()
      .from(insuranceSettlements)
      .where(eq(insuranceSettlements.patientId, p.patientId));
    expect(rows).toHaveLength(1);
  });

  it('only mobile-paid, un-invoiced, unrefunded bills within the time limit of an insured patient qualify', async () => {
    const p = await insuredPatient();
    const pending = await t.api.post('/api/v1/insurance/secondary-settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.lab.id] },
    });
    expect(pending.status).toBe(409);
    expect(pending.body.details.reason).toBe('NOT_PAID');

    await paidByPhone(p, [p.drug.id, p.lab.id]);
    const inv = await hisCall(`/api/integration/v1/his/bills/${p.drugNo}/invoice-printed`, {});
    expect(inv.status).toBe(200);
    const list = await t.api.get(`/api/v1/insurance/secondary-settlement/bills?patientId=${p.patientId}`, {
      token: p.token,
    });
    const byId = Object.fromEntries(list.body.items.map((b: any) => [b.id, b]));
    expect(byId[p.drug.id]).toMatchObject({ eligible: false, reason: 'INVOICE_PRINTED' });
    expect(byId[p.lab.id]).toMatchObject({ eligible: true });
    const invoiced = await t.api.post('/api/v1/insurance/secondary-settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.drug.id, p.lab.id] },
    });
    expect(invoiced.status).toBe(409);
    expect(invoiced.body.details).toMatchObject({ billNo: p.drugNo, reason: 'INVOICE_PRINTED' });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000);

    // Early the next day the window has passed (the credential itself is still valid).
    const before = t.clock.now();
    t.clock.set(new Date('2026-11-24T00:00:00Z')); // 08:00 in Shanghai
    await fresh(p);
    try {
      const late = await t.api.post('/api/v1/insurance/secondary-settlements', {
        token: p.token,
        body: { patientId: p.patientId, billIds: [p.lab.id] },
      });
      expect(late.status).toBe(409);
      expect(late.body.details.reason).toBe('WINDOW_PASSED');
    } finally {
      t.clock.set(before);
    }

    // An uninsured patient is told to authorise first.
    const u = await insuredPatient({ authorise: false });
    await fresh(u);
    await paidByPhone(u, [u.lab.id]);
    const uninsured = await t.api.get(
      `/api/v1/insurance/secondary-settlement/bills?patientId=${u.patientId}`,
      {
        token: u.token,
      },
    );
    expect(uninsured.body.insured).toBe(false);
    const refused = await t.api.post('/api/v1/insurance/secondary-settlements', {
      token: u.token,
      body: { patientId: u.patientId, billIds: [u.lab.id] },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSURANCE_NOT_AUTHORISED');
    const rows = await t.app.ctx.db
      .select()
      .from(billPayments)
      .where(eq(billPayments.patientId, u.patientId));
    expect(rows.every((r) => r.settlementNo === null)).toBe(true);
  });
});

describe('finance (INS-10, INS-12)', () => {
  it('finance lists settlements with filters, sees the platform’s record and refunds at the window; others cannot', async () => {
    const p = await insuredPatient();
    const res = await t.api.post('/api/v1/insurance/settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.lab.id] },
    });
    expect(res.body.state).toBe('settled');
    const finance = await loginStaff(t, 'finance');
    const list = await t.api.get(
      '/api/v1/admin/insurance-settlements?state=settled&kind=outpatient&from=2026-11-23&to=2026-11-23',
      {
        token: finance.token,
      },
    );
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const mine = list.body.items.find((x: any) => x.id === res.body.id);
    expect(mine).toMatchObject({ settlementNo: res.body.settlementNo, patientName: '张*', totalFen: 2500 });
    const other = await t.api.get('/api/v1/admin/insurance-settlements?from=2026-11-24', {
      token: finance.token,
    });
    expect(other.body.items.find((x: any) => x.id === res.body.id)).toBeUndefined();
    const one = await t.api.get(`/api/v1/admin/insurance-settlements/${res.body.id}`, {
      token: finance.token,
    });
    expect(one.body.platform).toMatchObject({ state: 'settled', fundFen: 1750, accountFen: 750 });

    const doctor = await loginStaff(t, 'doctor');
    const denied = await t.api.get('/api/v1/admin/insurance-settlements', { token: doctor.token });
    expect(denied.status).toBe(403);
    const noReason = await t.api.post(`/api/v1/admin/insurance-settlements/${res.body.id}/cancel`, {
      token: finance.token,
      body: {},
    });
    expect(noReason.status).toBe(400);
    const cancelled = await t.api.post(`/api/v1/admin/insurance-settlements/${res.body.id}/cancel`, {
      token: finance.token,
      body: { reason: '患者窗口申请退费' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'refunded', requestedBy: `staff:${finance.id}` });
    expect(await insurance.balanceOf(t.app.ctx, p.idNumber)).toBe(50_000);
  });
});

describe('the medical e-invoice of an insured payment (PAY-10 with INS-08)', () => {
  it('is issued once for the whole amount and prints the fund, personal account and cash split', async () => {
    const p = await insuredPatient();
    await insurance.setBalance(t.app.ctx, p.idNumber, 1_000);
    const pre = await preSettle(p, [p.drug.id, p.lab.id]);
    expect(pre.status, JSON.stringify(pre.body)).toBe(201);
    const settled = (await settle(p, pre.body.id)).body;
    await payCash(p, settled);
    const [bp] = await t.app.ctx.db
      .select()
      .from(billPayments)
      .where(eq(billPayments.settlementNo, settled.settlementNo));
    expect(bp).toBeDefined();

    const rows = await t.app.ctx.db.select().from(einvoices).where(eq(einvoices.sourceId, bp!.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'blue',
      amountFen: 8500,
      insuranceSplit: { fundFen: FUND_BOTH, accountFen: 1_000, cashFen: 3_160 },
    });
    await t.app.ctx.jobs.runNow(EINVOICE_ISSUE_JOB, { invoiceId: rows[0]!.id });
    const list = await t.api.get(`/api/v1/einvoices?patientId=${p.patientId}`, { token: p.token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const inv = list.body.items.find((i: any) => i.id === rows[0]!.id);
    expect(inv).toMatchObject({
      status: 'issued',
      amountFen: 8500,
      insuranceSplit: { fundFen: FUND_BOTH, accountFen: 1_000, cashFen: 3_160 },
    });
  });

  it('a bill paid wholly by fund and account gets a medical e-invoice with no cash part', async () => {
    const p = await insuredPatient();
    const res = await t.api.post('/api/v1/insurance/settlements', {
      token: p.token,
      body: { patientId: p.patientId, billIds: [p.lab.id] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [bp] = await t.app.ctx.db
      .select()
      .from(billPayments)
      .where(eq(billPayments.settlementNo, res.body.settlementNo));
    const rows = await t.app.ctx.db.select().from(einvoices).where(eq(einvoices.sourceId, bp!.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      amountFen: 2500,
      orderId: null,
      insuranceSplit: { fundFen: 1750, accountFen: 750, cashFen: 0 },
    });
  });
});
