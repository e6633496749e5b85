import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient } from '../../testing/patients.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { startSession } from '../../platform/auth.js';
import { SandboxInpatientHis } from '../../integrations/his/inpatient.js';
import type { AdapterOverrides } from '../../integrations/index.js';
import { openHisChannel, type HisCall } from '../billing/testing.js';
import { getPatientById } from '../identity/index.js';
import { refunds } from '../payments/index.js';
import { getPaymentOrder, type RefundView } from '../payments/index.js';
import {
  deliverSandboxNotifications,
  messagesOf,
  newPatient,
  payAtSandbox,
} from '../registration/testing.js';
import { inpatientAdmissions, inpatientDailyListSends, inpatientSettlementRefunds } from './schema.js';
import { DAILY_LIST_JOB, HIS_DEPOSIT_RETRY_JOB, LOW_BALANCE_JOB, depositRefundFinished } from './service.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai.
let t: TestApp;
let his: SandboxInpatientHis;
/** A signed push as the HIS makes it. */
let hisPush: HisCall;
type Patient = { token: string; accountId: string; patientId: string };

beforeAll(async () => {
  his = new SandboxInpatientHis();
  t = await createTestApp({ adapters: { inpatientHis: his } as AdapterOverrides });
  hisPush = await openHisChannel(t, [
    'his.admissions.push',
    'his.inpatient-charges.push',
    'his.discharge.push',
  ]);
});
afterAll(async () => t.close());

let admissionSeq = 0;
const nextAdmissionNo = () => `ZY${Date.now() % 100000}${String(admissionSeq++).padStart(4, '0')}`;

/** The HIS admits a patient of ours (identified by ID number) and the account binds the admission. */
async function admitAndBind(p: Patient, extra: Record<string, unknown> = {}) {
  const admissionNo = nextAdmissionNo();
  const holder = await getPatientById(t.app.ctx, p.patientId);
  const pushed = await hisPush('/api/integration/v1/his/admissions', {
    admissionNo,
    name: '张三',
    idNumber: holder.idNumber,
    ward: '心内科一病区',
    bed: '12床',
    attendingDoctor: '李医生',
    diagnoses: [{ code: 'I20.0', name: '不稳定型心绞痛' }],
    operations: [{ name: '冠状动脉造影术', performedAt: '2026-11-21T10:00:00+08:00' }],
    admittedAt: '2026-11-20T15:30:00+08:00',
    ...extra,
  });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  expect(pushed.body.patientResolved).toBe(true);
  const bound = await t.api.post('/api/v1/admissions/bind', {
    token: p.token,
    body: { patientId: p.patientId, admissionNo, name: '张三' },
  });
  expect(bound.status, JSON.stringify(bound.body)).toBe(201);
  return { admissionNo, admissionId: bound.body.id as string };
}

let lineSeq = 0;
async function charge(admissionNo: string, amountFen: number, date = '2026-11-22', lineId?: string) {
  const res = await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/charges`, {
    lines: [
      {
        lineId: lineId ?? `L${lineSeq++}`,
        date,
        itemCode: 'F001',
        itemName: '床位费',
        category: '床位',
        quantity: 1,
        unit: '日',
        amountFen,
      },
    ],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Tops up through the sandbox cashier; returns the payment order. */
async function topUp(p: Patient, admissionId: string, amountFen: number) {
  const res = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, {
    token: p.token,
    body: { amountFen, idempotencyKey: `dep-${randomBytes(6).toString('hex')}` },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await payAtSandbox(t, p.token, res.body.paymentOrder.id, res.body.paymentOrder.orderNo);
  return res.body.paymentOrder as { id: string; orderNo: string };
}

async function admissionRow(id: string) {
  const [row] = await t.app.ctx.db.select().from(inpatientAdmissions).where(eq(inpatientAdmissions.id, id));
  return row;
}

describe('binding an admission (INP-01, INP-02, INP-07)', () => {
  it('binds with the right name; a wrong name answers exactly like an unknown admission number', async () => {
    const p = await newPatient(t);
    const admissionNo = nextAdmissionNo();
    const holder = await getPatientById(t.app.ctx, p.patientId);
    await hisPush('/api/integration/v1/his/admissions', {
      admissionNo,
      name: '张三',
      idNumber: holder.idNumber,
      ward: '骨科病区',
      bed: '3床',
      diagnoses: [{ name: '股骨颈骨折' }],
      operations: [{ name: '人工髋关节置换术' }],
      admittedAt: '2026-11-22T08:00:00+08:00',
    });

    const wrongName = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo, name: '李四' },
    });
    const unknown = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo: 'ZY-NO-SUCH', name: '张三' },
    });
    expect(wrongName.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrongName.body.code).toBe('ADMISSION_NOT_FOUND');
    const { requestId: _a, instance: _b, ...w } = wrongName.body;
    const { requestId: _c, instance: _d, ...u } = unknown.body;
    expect(w).toEqual(u);

    const ok = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo, name: '张三' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // binding again is harmless
    const again = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo, name: ' 张三 ' },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(ok.body.id);

    const detail = await t.api.get(`/api/v1/admissions/${ok.body.id}`, { token: p.token });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      admissionNo,
      ward: '骨科病区',
      bed: '3床',
      diagnoses: [{ name: '股骨颈骨折' }],
      operations: [{ name: '人工髋关节置换术' }],
      state: 'admitted',
      depositsFen: 0,
      chargesFen: 0,
      balanceFen: 0,
    });
    const list = await t.api.get(`/api/v1/admissions?patientId=${p.patientId}`, { token: p.token });
    expect(list.status).toBe(200);
    expect(list.body.current.map((a: { id: string }) => a.id)).toEqual([ok.body.id]);
    expect(list.body.past).toEqual([]);

    // after discharge it moves to the past admissions
    await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: '2026-11-23T08:30:00+08:00',
      totalCostFen: 0,
    });
    const later = await t.api.get(`/api/v1/admissions?patientId=${p.patientId}`, { token: p.token });
    expect(later.body.current).toEqual([]);
    expect(later.body.past).toHaveLength(1);
    expect(later.body.past[0]).toMatchObject({ state: 'discharged', settlementState: 'settled' });
  });

  it("another account's patient is not found: neither binding nor reading someone else's admission", async () => {
    const owner = await newPatient(t);
    const stranger = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(owner);

    const read = await t.api.get(`/api/v1/admissions/${admissionId}`, { token: stranger.token });
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('ADMISSION_NOT_FOUND');
    for (const path of ['deposits', 'daily-lists?date=2026-11-22', 'settlement']) {
      const r = await t.api.get(`/api/v1/admissions/${admissionId}/${path}`, { token: stranger.token });
      expect(r.status, path).toBe(404);
    }
    const pay = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, {
      token: stranger.token,
      body: { amountFen: 10000, idempotencyKey: 'stranger-key-1' },
    });
    expect(pay.status).toBe(404);

    // binding the owner's patient id from another account: the patient is not theirs
    const foreign = await t.api.post('/api/v1/admissions/bind', {
      token: stranger.token,
      body: { patientId: owner.patientId, admissionNo, name: '张三' },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('PATIENT_NOT_FOUND');
    const list = await t.api.get(`/api/v1/admissions?patientId=${owner.patientId}`, {
      token: stranger.token,
    });
    expect(list.status).toBe(404);

    // the stranger's own patient has the same name but another ID number: not their admission
    const own = await t.api.post('/api/v1/admissions/bind', {
      token: stranger.token,
      body: { patientId: stranger.patientId, admissionNo, name: '张三' },
    });
    expect(own.status).toBe(404);
    expect(own.body.code).toBe('ADMISSION_NOT_FOUND');
  });

  it('an adult family member who has not authorised is answered exactly like a patient that does not exist', async () => {
    const p = await newPatient(t);
    const idNumber = makeResidentId('19550101', '110102', String(100 + (admissionSeq % 800)));
    const parent = await addPatient(t, p.token, { name: '李四', relation: 'parent', idNumber });
    expect(parent.body.consent).toBe('pending');
    const admissionNo = nextAdmissionNo();
    await hisPush('/api/integration/v1/his/admissions', {
      admissionNo,
      name: '李四',
      idNumber,
      ward: '呼吸科',
      admittedAt: '2026-11-22T08:00:00+08:00',
    });
    const hidden = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: parent.id, admissionNo, name: '李四' },
    });
    const missing = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: randomUUID(), admissionNo, name: '李四' },
    });
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = ({ requestId: _r, instance: _i, ...rest }: Record<string, unknown>) => rest;
    expect(strip(hidden.body)).toEqual(strip(missing.body));
    const list = await t.api.get(`/api/v1/admissions?patientId=${parent.id}`, { token: p.token });
    expect(list.status).toBe(404);
    expect(strip(list.body)).toEqual(strip(missing.body));
  });

  it('limits wrong tries per account, then refuses even the right name for a while', async () => {
    const p = await newPatient(t);
    const admissionNo = nextAdmissionNo();
    const holder = await getPatientById(t.app.ctx, p.patientId);
    await hisPush('/api/integration/v1/his/admissions', {
      admissionNo,
      name: '张三',
      idNumber: holder.idNumber,
      ward: '内科',
      admittedAt: '2026-11-22T08:00:00+08:00',
    });
    for (let i = 0; i < t.app.ctx.config.INPATIENT_BIND_MAX_FAILURES; i++) {
      const r = await t.api.post('/api/v1/admissions/bind', {
        token: p.token,
        body: { patientId: p.patientId, admissionNo, name: '王五' },
      });
      expect(r.status).toBe(404);
    }
    const blocked = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo, name: '张三' },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('ADMISSION_BIND_TOO_MANY_ATTEMPTS');
    t.clock.advance(t.app.ctx.config.INPATIENT_BIND_FAILURE_WINDOW_MINUTES * 60_000 + 1000);
    const { accessToken } = await startSession(t.app.ctx, 'patient', p.accountId); // the old token expired meanwhile
    const ok = await t.api.post('/api/v1/admissions/bind', {
      token: accessToken,
      body: { patientId: p.patientId, admissionNo, name: '张三' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('refuses unsigned pushes and malformed input', async () => {
    const unsigned = await t.api.post('/api/integration/v1/his/admissions', {
      body: { admissionNo: 'ZY1', name: '张三', ward: 'x', admittedAt: '2026-11-22T08:00:00+08:00' },
    });
    expect(unsigned.status).toBe(401);
    const bad = await hisPush('/api/integration/v1/his/admissions', { admissionNo: 'ZY 1', name: '' });
    expect(bad.status).toBe(400);
    const noAdmission = await hisPush('/api/integration/v1/his/admissions/ZY-NONE/charges', {
      lines: [{ lineId: 'x1', date: '2026-11-22', itemName: '药', quantity: 1, amountFen: 100 }],
    });
    expect(noAdmission.status).toBe(404);
  });
});

describe('deposits, charges and daily lists (INP-03, INP-05, INP-06)', () => {
  it('a top-up paid at the sandbox counts once even when the notification comes twice', async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);

    const tooSmall = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, {
      token: p.token,
      body: { amountFen: 1, idempotencyKey: 'too-small-0001' },
    });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.code).toBe('DEPOSIT_AMOUNT_OUT_OF_RANGE');

    const body = { amountFen: 200_000, idempotencyKey: `dep-${randomBytes(6).toString('hex')}` };
    const first = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, { token: p.token, body });
    const second = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, { token: p.token, body });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(second.body.paymentOrder.id).toBe(first.body.paymentOrder.id);
    expect(second.body.deposit.id).toBe(first.body.deposit.id);
    const reused = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, {
      token: p.token,
      body: { ...body, amountFen: 300_000 },
    });
    expect(reused.status).toBe(409);

    const { id: orderId, orderNo } = first.body.paymentOrder;
    await payAtSandbox(t, p.token, orderId, orderNo);
    await deliverSandboxNotifications(t, orderNo); // the channel repeats itself

    await charge(admissionNo, 12_345);
    const detail = await t.api.get(`/api/v1/admissions/${admissionId}`, { token: p.token });
    expect(detail.body).toMatchObject({ depositsFen: 200_000, chargesFen: 12_345, balanceFen: 187_655 });
    const deposits = await t.api.get(`/api/v1/admissions/${admissionId}/deposits`, { token: p.token });
    expect(deposits.body.paidFen).toBe(200_000);
    expect(deposits.body.items).toHaveLength(1);
    expect(deposits.body.items[0]).toMatchObject({
      state: 'paid',
      amountFen: 200_000,
      hisState: 'confirmed',
    });
    expect([...his.deposits.values()].filter((d) => d.admissionNo === admissionNo)).toHaveLength(1);
    expect(await messagesOf(t, p.accountId, 'inpatient.deposit-paid')).toBe(1);
  });

  it('a failed write-back to the HIS keeps the deposit and is retried by the job until the HIS has it', async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    his.faults.depositUnavailable = 2;
    await topUp(p, admissionId, 30_000);
    const listed = async () =>
      (await t.api.get(`/api/v1/admissions/${admissionId}/deposits`, { token: p.token })).body.items[0];
    expect(await listed()).toMatchObject({ state: 'paid', hisState: 'pending' });
    expect((await admissionRow(admissionId)).depositsFen).toBe(30_000);
    await t.app.ctx.jobs.runNow(HIS_DEPOSIT_RETRY_JOB, {}); // fails once more
    expect(await listed()).toMatchObject({ hisState: 'pending' });
    await t.app.ctx.jobs.runNow(HIS_DEPOSIT_RETRY_JOB, {});
    expect(await listed()).toMatchObject({ hisState: 'confirmed' });
    await t.app.ctx.jobs.runNow(HIS_DEPOSIT_RETRY_JOB, {});
    expect([...his.deposits.values()].filter((d) => d.admissionNo === admissionNo)).toHaveLength(1);
  });

  it('charges are idempotent by HIS line id, and a day lists its items with totals', async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    const res = await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/charges`, {
      lines: [
        {
          lineId: 'D1',
          date: '2026-11-22',
          itemName: '床位费',
          category: '床位',
          quantity: 1,
          amountFen: 6000,
        },
        {
          lineId: 'D2',
          date: '2026-11-22',
          itemName: '阿司匹林肠溶片',
          category: '西药',
          quantity: 2.5,
          amountFen: 1250,
        },
        {
          lineId: 'D3',
          date: '2026-11-21',
          itemName: '护理费',
          category: '护理',
          quantity: 1,
          amountFen: 2000,
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 3, duplicates: 0, chargesFen: 9250 });
    const repeat = await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/charges`, {
      lines: [
        {
          lineId: 'D1',
          date: '2026-11-22',
          itemName: '床位费',
          category: '床位',
          quantity: 1,
          amountFen: 6000,
        },
        {
          lineId: 'D4',
          date: '2026-11-22',
          itemName: '血常规',
          category: '检验',
          quantity: 1,
          amountFen: 2500,
        },
      ],
    });
    expect(repeat.body).toMatchObject({ accepted: 1, duplicates: 1, chargesFen: 11_750 });

    const day = await t.api.get(`/api/v1/admissions/${admissionId}/daily-lists?date=2026-11-22`, {
      token: p.token,
    });
    expect(day.status).toBe(200);
    expect(day.body.totalFen).toBe(9750);
    expect(day.body.items.map((i: { lineId: string }) => i.lineId).sort()).toEqual(['D1', 'D2', 'D4']);
    expect(day.body.items.find((i: { lineId: string }) => i.lineId === 'D2').quantity).toBe(2.5);
    expect(day.body.chargesToDateFen).toBe(11_750);
    const badDate = await t.api.get(`/api/v1/admissions/${admissionId}/daily-lists?date=2026-13-45`, {
      token: p.token,
    });
    expect(badDate.status).toBe(400);
  });

  it('the morning job sends one list per admission per day, even when it runs twice', async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    await charge(admissionNo, 8800, '2026-11-22');
    await t.app.ctx.jobs.runNow(DAILY_LIST_JOB, {});
    await t.app.ctx.jobs.runNow(DAILY_LIST_JOB, {});
    expect(await messagesOf(t, p.accountId, 'inpatient.daily-list')).toBe(1);
    const sends = await t.app.ctx.db
      .select()
      .from(inpatientDailyListSends)
      .where(eq(inpatientDailyListSends.admissionId, admissionId));
    expect(sends).toEqual([expect.objectContaining({ listDate: '2026-11-22', totalFen: 8800 })]);

    // next morning: the next day's list, once
    t.clock.advance(24 * 3600_000);
    await t.app.ctx.jobs.runNow(DAILY_LIST_JOB, {});
    await t.app.ctx.jobs.runNow(DAILY_LIST_JOB, {});
    expect(await messagesOf(t, p.accountId, 'inpatient.daily-list')).toBe(2);
    t.clock.advance(-24 * 3600_000);
  });
});

describe('low-balance alert (INP-04)', () => {
  it('fires once per crossing below the threshold, not on every charge; again after a top-up and a new crossing', async () => {
    const threshold = t.app.ctx.config.INPATIENT_LOW_BALANCE_FEN; // 100000 fen = ¥1000
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    await topUp(p, admissionId, 150_000);
    const alerts = () => messagesOf(t, p.accountId, 'inpatient.low-balance');
    const sweep = () => t.app.ctx.jobs.runNow(LOW_BALANCE_JOB, {});

    await charge(admissionNo, 30_000); // balance 120000
    await sweep();
    expect(await alerts()).toBe(0);

    await charge(admissionNo, 30_000); // 90000: crossed
    await sweep();
    expect(await alerts()).toBe(1);
    expect((await admissionRow(admissionId)).lowBalanceAlerted).toBe(true);

    await charge(admissionNo, 10_000); // 80000: still below, no second alert
    await sweep();
    await sweep();
    expect(await alerts()).toBe(1);

    await topUp(p, admissionId, 50_000); // 130000: back above, the flag resets
    expect((await admissionRow(admissionId)).lowBalanceAlerted).toBe(false);
    await sweep();
    expect(await alerts()).toBe(1);

    await charge(admissionNo, 40_000); // 90000: a new crossing
    await sweep();
    expect(await alerts()).toBe(2);
    const detail = await t.api.get(`/api/v1/admissions/${admissionId}`, { token: p.token });
    expect(detail.body.balanceFen).toBe(90_000);
    expect(detail.body.balanceFen).toBeLessThan(threshold);
  });
});

describe('discharge settlement (INP-08)', () => {
  it('refunds exactly the surplus over two deposits, newest first, and only once', async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    const older = await topUp(p, admissionId, 100_000);
    t.clock.advance(60_000);
    const newer = await topUp(p, admissionId, 50_000);
    await charge(admissionNo, 70_000);

    const early = await t.api.get(`/api/v1/admissions/${admissionId}/settlement`, { token: p.token });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('ADMISSION_NOT_DISCHARGED');

    const d = await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: '2026-11-23T10:00:00+08:00',
      totalCostFen: 70_000,
    });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ settlementState: 'open', differenceFen: 80_000 });
    const late = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, {
      token: p.token,
      body: { amountFen: 10_000, idempotencyKey: 'after-discharge-1' },
    });
    expect(late.status).toBe(409);

    const s = await t.api.get(`/api/v1/admissions/${admissionId}/settlement`, { token: p.token });
    expect(s.body).toMatchObject({
      depositsFen: 150_000,
      chargesFen: 70_000,
      differenceFen: 80_000,
      refundableFen: 80_000,
      dueFen: 0,
    });
    const nothingDue = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/pay`, {
      token: p.token,
    });
    expect(nothingDue.status).toBe(409);

    // two requests at once (a double tap): one plan, refunded once
    const [r1, r0] = await Promise.all([
      t.api.post(`/api/v1/admissions/${admissionId}/settlement/refund`, { token: p.token }),
      t.api.post(`/api/v1/admissions/${admissionId}/settlement/refund`, { token: p.token }),
    ]);
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    expect(r0.status, JSON.stringify(r0.body)).toBe(200);
    expect(r1.body.settlementState).toBe('refunded');
    const r2 = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/refund`, { token: p.token });
    expect(r2.status).toBe(200);
    const plan = (b: { refunds: { depositId: string; paymentOrderId: string; amountFen: number }[] }) =>
      b.refunds.map((r) => [r.depositId, r.paymentOrderId, r.amountFen]);
    expect(plan(r2.body)).toEqual(plan(r1.body));
    expect(plan(r0.body)).toEqual(plan(r1.body));
    expect(r2.body.refunds.every((r: { refundId: string | null }) => r.refundId)).toBe(true);

    const byOrder = async (orderId: string) =>
      (await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, orderId))).map((r) => r.amountFen);
    expect(await byOrder(newer.id)).toEqual([50_000]);
    expect(await byOrder(older.id)).toEqual([30_000]);
    const list = await t.api.get(`/api/v1/admissions/${admissionId}/deposits`, { token: p.token });
    const refunded = Object.fromEntries(
      list.body.items.map((i: { paymentOrderId: string; refundedFen: number }) => [
        i.paymentOrderId,
        i.refundedFen,
      ]),
    );
    expect(refunded).toEqual({ [newer.id]: 50_000, [older.id]: 30_000 });
    expect(his.settlements).toContainEqual({ admissionNo, kind: 'refunded', amountFen: 80_000 });
  });

  it("a surplus refund's state only moves forward: a late or repeated report does not undo its end", async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    await topUp(p, admissionId, 100_000);
    await charge(admissionNo, 70_000);
    const d = await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: '2026-11-23T10:00:00+08:00',
      totalCostFen: 70_000,
    });
    expect(d.status).toBe(200);
    const asked = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/refund`, { token: p.token });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const [planned] = asked.body.refunds as { refundId: string; amountFen: number }[];
    const [refund] = await t.app.ctx.db.select().from(refunds).where(eq(refunds.id, planned!.refundId));
    const view = { id: refund!.id, refundNo: refund!.refundNo, orderId: refund!.orderId, amountFen: 30_000 };
    const copyOf = async (id: string) =>
      (
        await t.app.ctx.db
          .select()
          .from(inpatientSettlementRefunds)
          .where(eq(inpatientSettlementRefunds.admissionId, id))
      )[0];

    // the channel's final answer arrives, then an earlier "processing" report, then the same answer again
    await depositRefundFinished(t.app.ctx, { ...view, state: 'succeeded' } as RefundView);
    await depositRefundFinished(t.app.ctx, { ...view, state: 'processing' } as RefundView);
    expect(await copyOf(admissionId)).toMatchObject({ state: 'succeeded' });
    await depositRefundFinished(t.app.ctx, { ...view, state: 'succeeded' } as RefundView);
    // and the patient asks again, which copies the payment refund's own state once more
    const again = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/refund`, { token: p.token });
    expect(again.status).toBe(200);
    expect(again.body.refunds).toEqual([
      expect.objectContaining({ refundId: refund!.id, state: 'succeeded' }),
    ]);
    expect(await copyOf(admissionId)).toMatchObject({
      refundId: refund!.id,
      state: 'succeeded',
      amountFen: 30_000,
    });
  });

  it('a deposit paid only after the surplus was refunded is not kept: it goes back in full', async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    await topUp(p, admissionId, 100_000);
    const pending = await t.api.post(`/api/v1/admissions/${admissionId}/deposits`, {
      token: p.token,
      body: { amountFen: 20_000, idempotencyKey: `late-${randomBytes(6).toString('hex')}` },
    });
    expect(pending.status).toBe(201);
    await charge(admissionNo, 50_000);
    await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: '2026-11-23T10:00:00+08:00',
      totalCostFen: 50_000,
    });
    const refunded = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/refund`, {
      token: p.token,
    });
    expect(refunded.body).toMatchObject({ settlementState: 'refunded' });

    const { id, orderNo } = pending.body.paymentOrder;
    await payAtSandbox(t, p.token, id, orderNo);
    const late = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, id));
    expect(late.map((r) => r.amountFen)).toEqual([20_000]);
    const row = await admissionRow(admissionId);
    expect(row).toMatchObject({ depositsFen: 100_000, settlementState: 'refunded' });
    const s = await t.api.get(`/api/v1/admissions/${admissionId}/settlement`, { token: p.token });
    expect(s.body.refunds.map((r: { amountFen: number }) => r.amountFen)).toEqual([50_000]);
  });

  it('a shortfall is paid as one payment order for the remainder', async () => {
    const p = await newPatient(t);
    const { admissionNo, admissionId } = await admitAndBind(p);
    await topUp(p, admissionId, 50_000);
    await charge(admissionNo, 60_000);
    await hisPush(`/api/integration/v1/his/admissions/${admissionNo}/discharge`, {
      dischargedAt: '2026-11-23T10:00:00+08:00',
      totalCostFen: 80_000,
    });
    const s = await t.api.get(`/api/v1/admissions/${admissionId}/settlement`, { token: p.token });
    expect(s.body).toMatchObject({ differenceFen: -30_000, dueFen: 30_000, refundableFen: 0 });
    const noRefund = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/refund`, {
      token: p.token,
    });
    expect(noRefund.status).toBe(409);

    const pay = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/pay`, { token: p.token });
    expect(pay.status, JSON.stringify(pay.body)).toBe(201);
    expect(pay.body.paymentOrder.amountFen).toBe(30_000);
    const again = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/pay`, { token: p.token });
    expect(again.body.paymentOrder.id).toBe(pay.body.paymentOrder.id);
    const order = await getPaymentOrder(t.app.ctx, pay.body.paymentOrder.id);
    expect(order).toMatchObject({ businessType: 'inpatient-settlement', businessId: admissionId });

    await payAtSandbox(t, p.token, pay.body.paymentOrder.id, pay.body.paymentOrder.orderNo);
    const after = await t.api.get(`/api/v1/admissions/${admissionId}/settlement`, { token: p.token });
    expect(after.body).toMatchObject({ settlementState: 'settled', dueFen: 0 });
    const done = await t.api.post(`/api/v1/admissions/${admissionId}/settlement/pay`, { token: p.token });
    expect(done.status).toBe(409);
    expect(his.settlements).toContainEqual({ admissionNo, kind: 'paid', amountFen: 30_000 });
  });
});
