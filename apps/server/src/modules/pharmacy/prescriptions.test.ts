import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { startSession } from '../../platform/auth.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { SandboxHis } from '../../integrations/his/index.js';
import type { SandboxInsurance } from '../../integrations/insurance/index.js';
import type { SandboxPrescriptionCentre } from '../../integrations/insurance/prescriptions.js';
import { deliverHisEvent, hisEventState } from '../../integrations/his/outbound.js';
import { messagesOf, newPatient } from '../registration/testing.js';
import {
  cardHolder as holder,
  circulating as makeCirculating,
  metformin,
  openPrescriptionChannel,
  osimertinib,
  rowOf as row,
  rxBody as makeRxBody,
  type HisCall,
  type Holder,
} from './test-helpers.js';
import {
  EXPIRE_JOB,
  MAX_UPLOAD_ATTEMPTS,
  POLL_JOB,
  UPLOAD_JOB,
  UPLOAD_SWEEP_JOB,
  dispensedEventId,
  fillAtHospitalEventId,
} from './service.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai.
let t: TestApp;
let his: HisCall;
let centre: SandboxPrescriptionCentre;
const sandboxHis = new SandboxHis();

beforeAll(async () => {
  t = await createTestApp({ adapters: { his: sandboxHis } });
  centre = t.app.ctx.adapters.prescriptionCentre as SandboxPrescriptionCentre;
  his = await openPrescriptionChannel(t);
});
afterAll(async () => t?.close());

/** The pharmacist's token, logged in again once the clock moved (tests jump past token lifetimes). */
let pharmacistLogin: { token: string; at: number } | undefined;
async function pharmacist() {
  const now = t.clock.now().getTime();
  if (!pharmacistLogin || now - pharmacistLogin.at > 5 * 60_000)
    pharmacistLogin = { token: (await loginStaff(t, 'pharmacist')).token, at: now };
  return pharmacistLogin;
}

/** A new session of a patient account (after the clock jumped). */
async function sessionOf(p: { accountId: string }) {
  return (await startSession(t.app.ctx, 'patient', p.accountId)).accessToken;
}

const hisCall: HisCall = (path, body) => his(path, body);
const cardHolder = () => holder(t);
const rxBody = (p: Holder, over: Record<string, unknown> = {}) => makeRxBody(t, p, over);
const circulating = (p: Holder, over: Record<string, unknown> = {}) => makeCirculating(t, his, p, over);
const rowOf = (id: string) => row(t, id);

async function sandboxCalls(kind: string) {
  const r = await t.app.ctx.database.raw.query<{ order_no: string }>(
    'SELECT order_no FROM his_sandbox_calls WHERE kind = $1',
    [kind],
  );
  return r.rows.map((x) => x.order_no);
}

describe('the HIS pushes a signed insurance e-prescription (INS-16)', () => {
  it('is uploaded to the e-prescription centre and the patient sees it, with one message', async () => {
    const p = await cardHolder();
    const body = rxBody(p, { items: [metformin, osimertinib] });
    const pushed = await hisCall('/api/integration/v1/prescriptions', body);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    expect(pushed.body).toMatchObject({ hisRxNo: body.hisRxNo, state: 'pending_upload' });

    await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: pushed.body.id });
    const list = await t.api.get(`/api/v1/prescriptions?patientId=${p.patientId}`, { token: p.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: pushed.body.id,
      patientId: p.patientId,
      patientName: '张*',
      hisRxNo: body.hisRxNo,
      kind: 'ordinary',
      specialDisease: null,
      doctorName: '李医生',
      departmentName: '内分泌科',
      state: 'circulating',
      itemCount: 2,
      totalFen: 2 * 2350 + 1_512_000,
      dualChannel: true,
      pharmacy: null,
    });
    // valid for the default 3 days
    expect(new Date(list.body.items[0].validUntil).getTime() - t.clock.now().getTime()).toBe(3 * 86_400_000);
    const detail = await t.api.get(`/api/v1/prescriptions/${pushed.body.id}`, { token: p.token });
    expect(detail.body.hiRxNo).toMatch(/^HRX/);
    expect(detail.body.traceCode).toMatch(/^RT/);
    expect(detail.body.diagnoses).toEqual(body.diagnoses);
    expect(detail.body.items[1]).toMatchObject({
      name: '甲磺酸奥希替尼片',
      amountFen: 1_512_000,
      dualChannel: true,
    });
    expect(detail.body.pickupCode).toBeNull();
    expect(await messagesOf(t, p.accountId, 'prescription.available')).toBe(1);

    // the upload job running again changes nothing
    await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: pushed.body.id });
    expect(await messagesOf(t, p.accountId, 'prescription.available')).toBe(1);
  });

  it('a repeated push answers the same prescription; the same number with other content is a conflict', async () => {
    const p = await cardHolder();
    const body = rxBody(p);
    const first = await hisCall('/api/integration/v1/prescriptions', body);
    expect(first.status).toBe(201);
    const again = await hisCall('/api/integration/v1/prescriptions', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const changed = await hisCall('/api/integration/v1/prescriptions', {
      ...body,
      items: [{ ...body.items[0], quantity: 5 }],
    });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('PRESCRIPTION_CONFLICT');
    const row = await rowOf(first.body.id);
    expect(row.items[0].quantity).toBe(2);
    expect(row.totalFen).toBe(4700);
    const count = await t.app.ctx.database.raw.query<{ n: string }>(
      'SELECT count(*) AS n FROM prescriptions WHERE his_rx_no = $1',
      [body.hisRxNo],
    );
    expect(Number(count.rows[0].n)).toBe(1);
  });

  it('refuses bad input, an unknown card or another name, and stores nothing', async () => {
    const p = await cardHolder();
    const cases: [Record<string, unknown>, number, string?][] = [
      [{ items: [] }, 400],
      [{ diagnoses: [] }, 400],
      [{ validDays: 8 }, 400],
      [{ kind: 'special_disease' }, 400],
      [{ specialDisease: { code: 'M03900', name: '高血压' } }, 400],
      [{ items: [{ ...metformin, quantity: 0 }] }, 400],
      [{ items: [{ ...metformin, unitPriceFen: 12.5 }] }, 400],
      [{ issuedAt: 'yesterday' }, 400],
      [{ surprise: true }, 400],
      [{ visitCardNo: 'V0000000000' }, 422, 'PATIENT_MISMATCH'],
      [{ patientName: '李四' }, 422, 'PATIENT_MISMATCH'],
    ];
    for (const [over, status, code] of cases) {
      const body = rxBody(p, over);
      const res = await hisCall('/api/integration/v1/prescriptions', body);
      expect(res.status, JSON.stringify(over)).toBe(status);
      if (code) expect(res.body.code).toBe(code);
      const n = await t.app.ctx.database.raw.query<{ n: string }>(
        'SELECT count(*) AS n FROM prescriptions WHERE his_rx_no = $1',
        [body.hisRxNo],
      );
      expect(Number(n.rows[0].n)).toBe(0);
    }
    // unsigned: refused before anything
    const unsigned = await t.api.post('/api/integration/v1/prescriptions', { body: rxBody(p) });
    expect(unsigned.status).toBe(401);
  });
});

describe('upload outcomes at the e-prescription centre', () => {
  it('a special-disease prescription without the filing is rejected with the reason; with it, it circulates', async () => {
    const p = await cardHolder();
    const special = { kind: 'special_disease', specialDisease: { code: 'M03900', name: '高血压' } };
    const pushed = await hisCall('/api/integration/v1/prescriptions', rxBody(p, special));
    await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: pushed.body.id });
    const rejected = await t.api.get(`/api/v1/prescriptions/${pushed.body.id}`, { token: p.token });
    expect(rejected.body.state).toBe('rejected');
    expect(rejected.body.rejectReason).toContain('门诊特殊病备案');
    expect(rejected.body.hiRxNo).toBeNull();
    expect(await messagesOf(t, p.accountId, 'prescription.rejected')).toBe(1);
    expect(await messagesOf(t, p.accountId, 'prescription.available')).toBe(0);

    const filed = await t.api.post('/api/v1/sandbox/prescriptions/special-disease-filings', {
      token: (await pharmacist()).token,
      body: { patientId: p.patientId, diseaseCode: 'M03900', diseaseName: '高血压' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    const ok = await circulating(p, special);
    const detail = await t.api.get(`/api/v1/prescriptions/${ok.id}`, { token: p.token });
    expect(detail.body).toMatchObject({
      kind: 'special_disease',
      specialDisease: { code: 'M03900', name: '高血压' },
    });
  });

  it('a drug outside the insurance catalogue, or a refusal by the centre, rejects it', async () => {
    const p = await cardHolder();
    const pushed = await hisCall(
      '/api/integration/v1/prescriptions',
      rxBody(p, { items: [{ ...metformin, drugCode: 'XN0001' }] }),
    );
    await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: pushed.body.id });
    const row = await rowOf(pushed.body.id);
    expect(row).toMatchObject({ state: 'rejected', rejectCode: 'DRUG_NOT_COVERED' });

    const set = await t.api.put('/api/v1/sandbox/prescriptions/centre', {
      token: (await pharmacist()).token,
      body: { rejectNext: '参保人处于暂停参保状态' },
    });
    expect(set.body).toEqual({ failing: false, rejectNext: '参保人处于暂停参保状态' });
    const second = await hisCall('/api/integration/v1/prescriptions', rxBody(p));
    await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: second.body.id });
    expect(await rowOf(second.body.id)).toMatchObject({
      state: 'rejected',
      rejectReason: '参保人处于暂停参保状态',
    });
    expect(centre.rejectNext).toBeNull();
  });

  it('while the centre is down the upload is retried with backoff, then left to a pharmacist, whose retry succeeds', async () => {
    const p = await cardHolder();
    centre.failing = true;
    try {
      const pushed = await hisCall('/api/integration/v1/prescriptions', rxBody(p));
      const id = pushed.body.id as string;
      await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: id });
      let row = await rowOf(id);
      expect(row).toMatchObject({ state: 'pending_upload', attempts: 1 });
      expect(row.lastError).toContain('PRESCRIPTION_CENTRE_UNAVAILABLE');
      // not yet due: the sweep leaves it alone
      await t.app.ctx.jobs.runNow(UPLOAD_SWEEP_JOB);
      expect((await rowOf(id)).attempts).toBe(1);
      for (let k = 2; k <= MAX_UPLOAD_ATTEMPTS; k++) {
        t.clock.advance(16 * 60_000);
        await t.app.ctx.jobs.runNow(UPLOAD_SWEEP_JOB);
        expect((await rowOf(id)).attempts).toBe(k);
      }
      row = await rowOf(id);
      expect(row.state).toBe('upload_failed');
      t.clock.advance(16 * 60_000);
      await t.app.ctx.jobs.runNow(UPLOAD_SWEEP_JOB);
      expect((await rowOf(id)).attempts).toBe(MAX_UPLOAD_ATTEMPTS);

      const staff = await t.api.get(`/api/v1/staff/prescriptions/${id}`, {
        token: (await pharmacist()).token,
      });
      expect(staff.status).toBe(200);
      expect(staff.body).toMatchObject({ state: 'upload_failed', attempts: MAX_UPLOAD_ATTEMPTS });
      expect(staff.body.lastError).toContain('PRESCRIPTION_CENTRE_UNAVAILABLE');
      expect(staff.body.history.map((h: any) => h.kind)).toEqual([
        'received',
        ...Array(MAX_UPLOAD_ATTEMPTS - 1).fill('upload_error'),
        'upload_failed',
      ]);
      // the patient sees it as not available yet
      const mine = await t.api.get(`/api/v1/prescriptions/${id}`, { token: await sessionOf(p) });
      expect(mine.body.state).toBe('upload_failed');

      centre.failing = false;
      const doctor = await loginStaff(t, 'doctor');
      const denied = await t.api.post(`/api/v1/staff/prescriptions/${id}/retry-upload`, {
        token: doctor.token,
      });
      expect(denied.status).toBe(403);
      const asPatient = await t.api.post(`/api/v1/staff/prescriptions/${id}/retry-upload`, {
        token: await sessionOf(p),
      });
      expect(asPatient.status).toBe(403);
      const retried = await t.api.post(`/api/v1/staff/prescriptions/${id}/retry-upload`, {
        token: (await pharmacist()).token,
      });
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect(retried.body).toMatchObject({ state: 'pending_upload', attempts: 0 });
      const twice = await t.api.post(`/api/v1/staff/prescriptions/${id}/retry-upload`, {
        token: (await pharmacist()).token,
      });
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('PRESCRIPTION_STATE');
      await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: id });
      expect(await rowOf(id)).toMatchObject({ state: 'circulating', attempts: 1, lastError: null });
      expect(await messagesOf(t, p.accountId, 'prescription.available')).toBe(1);
    } finally {
      centre.failing = false;
    }
  });
});

describe('the patient chooses where to fill it', () => {
  it('lists only the pharmacies that may fill it: 双通道 drugs at 双通道 pharmacies, special diseases at designated ones', async () => {
    const p = await cardHolder();
    await t.api.post('/api/v1/sandbox/prescriptions/special-disease-filings', {
      token: (await pharmacist()).token,
      body: { patientId: p.patientId, diseaseCode: 'M03900' },
    });
    const special = { kind: 'special_disease', specialDisease: { code: 'M03900', name: '高血压' } };
    const codes = async (id: string) => {
      const r = await t.api.get(`/api/v1/prescriptions/${id}/pharmacies`, { token: p.token });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items.map((x: any) => `${x.code}${x.inStock ? '' : '-'}`);
    };
    const plain = await circulating(p);
    expect(await codes(plain.id)).toEqual(['P001', 'P002', 'P003', 'P004', 'P005']);
    const dual = await circulating(p, { items: [osimertinib] });
    expect(await codes(dual.id)).toEqual(['P001', 'P002', 'P005-']);
    const sd = await circulating(p, special);
    expect(await codes(sd.id)).toEqual(['P001', 'P003', 'P005']);
    const both = await circulating(p, { ...special, items: [osimertinib] });
    expect(await codes(both.id)).toEqual(['P001', 'P005-']);
    const one = await t.api.get(`/api/v1/prescriptions/${both.id}/pharmacies`, { token: p.token });
    expect(one.body.items[0]).toMatchObject({
      code: 'P001',
      name: '青囊大药房（中山路店）',
      dualChannel: true,
      specialDisease: true,
      inStock: true,
    });
    expect(one.body.items[0].address).toBeTruthy();
    expect(one.body.items[0].phone).toBeTruthy();

    // a pharmacy outside the list, or out of stock, is refused and nothing changes
    for (const pharmacyCode of ['P003', 'P005', 'P999']) {
      const res = await t.api.post(`/api/v1/prescriptions/${dual.id}/fill`, {
        token: p.token,
        body: { where: 'retail', pharmacyCode },
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('PHARMACY_NOT_ELIGIBLE');
    }
    expect((await rowOf(dual.id)).state).toBe('circulating');
    const noCode = await t.api.post(`/api/v1/prescriptions/${dual.id}/fill`, {
      token: p.token,
      body: { where: 'retail' },
    });
    expect(noCode.status).toBe(400);
  });

  it('at a retail pharmacy: pickup code, change of pharmacy, dispensing and insurance settlement learned by the poll job, once', async () => {
    const p = await cardHolder();
    const insurance = t.app.ctx.adapters.insurance as SandboxInsurance;
    const authorised = await t.api.post('/api/v1/insurance/credentials', {
      token: p.token,
      body: {
        patientId: p.patientId,
        authCode: insurance.issueAuthCode({ name: p.name, idNumber: p.idNumber }),
      },
    });
    expect(authorised.status, JSON.stringify(authorised.body)).toBe(201);
    const rx = await circulating(p, { items: [metformin, osimertinib] });

    const fill = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P002' },
    });
    expect(fill.status, JSON.stringify(fill.body)).toBe(200);
    expect(fill.body).toMatchObject({
      state: 'dispatched',
      pharmacy: { code: 'P002', name: '益丰大药房（人民路店）', dualChannel: true },
    });
    expect(fill.body.pickupCode).toMatch(/^\d{8}$/);
    const same = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P002' },
    });
    expect(same.status).toBe(200);
    expect(same.body.pickupCode).toBe(fill.body.pickupCode);
    const moved = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P001' },
    });
    expect(moved.body).toMatchObject({ state: 'dispatched', pharmacy: { code: 'P001' } });
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).pharmacyCode).toBe('P001');

    // the pharmacy the patient left cannot dispense it
    const wrongShop = await t.api.post('/api/v1/sandbox/prescriptions/dispense', {
      token: (await pharmacist()).token,
      body: { hiRxNo: rx.hiRxNo, pharmacyCode: 'P002' },
    });
    expect(wrongShop.status).toBe(409);
    const dispensed = await t.api.post('/api/v1/sandbox/prescriptions/dispense', {
      token: (await pharmacist()).token,
      body: { hiRxNo: rx.hiRxNo },
    });
    expect(dispensed.status, JSON.stringify(dispensed.body)).toBe(200);
    const total = 2 * 2350 + 1_512_000;
    const fund = Math.floor(total * 0.7);
    const account = Math.min(50_000, total - fund);
    expect(dispensed.body).toMatchObject({
      totalFen: total,
      fundFen: fund,
      accountFen: account,
      cashFen: total - fund - account,
    });

    // not yet polled: still dispatched for the patient
    expect((await rowOf(rx.id)).state).toBe('dispatched');
    await t.app.ctx.jobs.runNow(POLL_JOB, { prescriptionId: rx.id });
    await t.app.ctx.jobs.runNow(POLL_JOB, { prescriptionId: rx.id });
    t.clock.advance(5 * 60_000);
    await t.app.ctx.jobs.runNow(POLL_JOB);

    const detail = await t.api.get(`/api/v1/prescriptions/${rx.id}`, { token: p.token });
    expect(detail.body).toMatchObject({
      state: 'dispensed',
      pickupCode: null,
      dispensed: {
        pharmacyName: '青囊大药房（中山路店）',
        totalFen: total,
        fundFen: fund,
        accountFen: account,
        cashFen: total - fund - account,
      },
    });
    expect(await messagesOf(t, p.accountId, 'prescription.dispensed')).toBe(1);
    // the pharmacy purchase is in the patient's insurance consumption records
    const consumption = await t.api.get(`/api/v1/insurance/credentials/${p.patientId}/consumption`, {
      token: p.token,
    });
    expect(consumption.body.items[0]).toMatchObject({
      kind: 'settle',
      institution: '青囊大药房（中山路店）',
      fundFen: fund,
      accountFen: account,
    });
    // the HIS hears it once
    const ev = await hisEventState(t.app.ctx, dispensedEventId(rx.id));
    expect(ev?.state).toBe('pending');
    await deliverHisEvent(t.app.ctx, dispensedEventId(rx.id));
    expect((await hisEventState(t.app.ctx, dispensedEventId(rx.id)))?.state).toBe('sent');
    expect(await sandboxCalls('prescription.dispensed')).toEqual([p.patientId]);

    const refill = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'hospital' },
    });
    expect(refill.status).toBe(409);
    expect(refill.body.code).toBe('PRESCRIPTION_STATE');
    const revoke = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/revoke`, {
      reason: '开错',
    });
    expect(revoke.status).toBe(409);
    expect(revoke.body.code).toBe('PRESCRIPTION_ALREADY_DISPENSED');
    expect((await rowOf(rx.id)).state).toBe('dispensed');
  });

  it('at the hospital pharmacy: the HIS is told to bill it and reports the dispensing', async () => {
    const p = await cardHolder();
    const rx = await circulating(p);
    const early = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, {});
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PRESCRIPTION_STATE');

    const fill = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'hospital' },
    });
    expect(fill.status, JSON.stringify(fill.body)).toBe(200);
    expect(fill.body).toMatchObject({ state: 'at_hospital', pickupCode: null, pharmacy: null });
    const again = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'hospital' },
    });
    expect(again.status).toBe(200);
    const toRetail = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P001' },
    });
    expect(toRetail.status).toBe(409);
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).state).toBe('at_hospital');

    const eventId = fillAtHospitalEventId(rx.id);
    expect((await hisEventState(t.app.ctx, eventId))?.state).toBe('pending');
    await deliverHisEvent(t.app.ctx, eventId);
    expect((await hisEventState(t.app.ctx, eventId))?.state).toBe('sent');
    expect(await sandboxCalls('prescription.fill_at_hospital')).toContain(p.patientId);

    const badSplit = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, {
      settlement: { totalFen: 4700, fundFen: 3000, accountFen: 1000, cashFen: 1 },
    });
    expect(badSplit.status).toBe(400);
    expect((await rowOf(rx.id)).state).toBe('at_hospital');
    const settlement = { totalFen: 4700, fundFen: 3290, accountFen: 1410, cashFen: 0 };
    const done = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, { settlement });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('dispensed');
    const repeat = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, { settlement });
    expect(repeat.status).toBe(200);
    const detail = await t.api.get(`/api/v1/prescriptions/${rx.id}`, { token: p.token });
    expect(detail.body.dispensed).toMatchObject({ pharmacyName: '医院药房', ...settlement });
    expect(await messagesOf(t, p.accountId, 'prescription.dispensed')).toBe(1);
    // the HIS dispensed it itself: no event goes back
    expect(await hisEventState(t.app.ctx, dispensedEventId(rx.id))).toBeUndefined();
  });
});

describe('revocation and expiry', () => {
  it('the doctor revokes it before dispensing: revoked at the centre, the patient told once, no longer fillable', async () => {
    const p = await cardHolder();
    const rx = await circulating(p, { items: [osimertinib] });
    await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P001' },
    });
    // the centre cannot be reached: nothing changes, the HIS tries again
    centre.failing = true;
    const unreachable = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/revoke`, {
      reason: '剂量调整',
    }).finally(() => (centre.failing = false));
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.code).toBe('PRESCRIPTION_CENTRE_UNAVAILABLE');
    expect((await rowOf(rx.id)).state).toBe('dispatched');
    const revoked = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/revoke`, {
      reason: '剂量调整',
    });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body.state).toBe('revoked');
    const again = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/revoke`, {
      reason: '剂量调整',
    });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('revoked');
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).state).toBe('revoked');
    expect(await messagesOf(t, p.accountId, 'prescription.revoked')).toBe(1);
    const detail = await t.api.get(`/api/v1/prescriptions/${rx.id}`, { token: p.token });
    expect(detail.body).toMatchObject({ state: 'revoked', revokeReason: '剂量调整', pickupCode: null });
    const fill = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'hospital' },
    });
    expect(fill.status).toBe(409);
    expect(fill.body.code).toBe('PRESCRIPTION_STATE');
    const shop = await t.api.post('/api/v1/sandbox/prescriptions/dispense', {
      token: (await pharmacist()).token,
      body: { hiRxNo: rx.hiRxNo },
    });
    expect(shop.status).toBe(409);
    const unknown = await hisCall('/api/integration/v1/prescriptions/NOPE-1/revoke', { reason: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PRESCRIPTION_NOT_FOUND');
  });

  it('a revoke that meets a dispensing the pharmacy already made records the dispensing and is refused', async () => {
    const p = await cardHolder();
    const rx = await circulating(p);
    await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P004' },
    });
    await centre.dispense(t.app.ctx, rx.hiRxNo);
    const revoke = await hisCall(`/api/integration/v1/prescriptions/${rx.hisRxNo}/revoke`, {
      reason: '开错',
    });
    expect(revoke.status).toBe(409);
    expect(revoke.body.code).toBe('PRESCRIPTION_ALREADY_DISPENSED');
    expect((await rowOf(rx.id)).state).toBe('dispensed');
    expect(await messagesOf(t, p.accountId, 'prescription.dispensed')).toBe(1);
  });

  it('past its validity it expires (job), the patient is told once, and it can no longer be filled', async () => {
    const p = await cardHolder();
    const rx = await circulating(p, { validDays: 1 });
    const other = await circulating(p, { validDays: 1 });
    await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P003' },
    });
    const later = await circulating(p, { validDays: 3 });
    // one the centre never took: it is not uploaded after its validity, and expires too
    centre.failing = true;
    const stuck = await hisCall('/api/integration/v1/prescriptions', rxBody(p, { validDays: 1 }));
    await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: stuck.body.id });
    centre.failing = false;
    expect((await rowOf(stuck.body.id)).state).toBe('pending_upload');
    t.clock.advance(25 * 3600_000);
    await t.app.ctx.jobs.runNow(UPLOAD_SWEEP_JOB);
    expect(await rowOf(stuck.body.id)).toMatchObject({ state: 'pending_upload', attempts: 1 });
    const token = await sessionOf(p);
    // asked before the job ran: already expired
    const fill = await t.api.post(`/api/v1/prescriptions/${other.id}/fill`, {
      token,
      body: { where: 'hospital' },
    });
    expect(fill.status).toBe(409);
    expect(fill.body.code).toBe('PRESCRIPTION_EXPIRED');
    expect((await rowOf(other.id)).state).toBe('expired');
    await t.app.ctx.jobs.runNow(EXPIRE_JOB);
    await t.app.ctx.jobs.runNow(EXPIRE_JOB);
    expect((await rowOf(rx.id)).state).toBe('expired');
    expect((await rowOf(later.id)).state).toBe('circulating');
    expect((await rowOf(stuck.body.id)).state).toBe('expired');
    // told only about the two it had been told were available
    expect(await messagesOf(t, p.accountId, 'prescription.expired')).toBe(2);
    const pharmacies = await t.api.get(`/api/v1/prescriptions/${rx.id}/pharmacies`, { token });
    expect(pharmacies.status).toBe(409);
    expect(pharmacies.body.code).toBe('PRESCRIPTION_EXPIRED');
  });
});

describe('who sees a prescription', () => {
  it('a family member without consent, or a stranger, gets the same not-found; with consent the family member sees it', async () => {
    const p = await cardHolder();
    const rx = await circulating(p);
    const family = await loginPatient(t, `137${String(Date.now()).slice(-8)}`);
    const member = await addPatient(t, family.token, {
      name: p.name,
      idNumber: p.idNumber,
      relation: 'parent',
    });
    const stranger = await newPatient(t);
    for (const token of [family.token, stranger.token]) {
      for (const res of [
        await t.api.get(`/api/v1/prescriptions/${rx.id}`, { token }),
        await t.api.get(`/api/v1/prescriptions/${rx.id}/pharmacies`, { token }),
        await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, { token, body: { where: 'hospital' } }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('PRESCRIPTION_NOT_FOUND');
      }
    }
    const missing = await t.api.get(`/api/v1/prescriptions/${randomUUID()}`, { token: p.token });
    expect(missing.body.code).toBe('PRESCRIPTION_NOT_FOUND');
    const list = await t.api.get(`/api/v1/prescriptions?patientId=${member.id}`, { token: family.token });
    expect(list.status).toBe(404);
    expect((await rowOf(rx.id)).state).toBe('circulating');
    const anonymous = await t.api.get(`/api/v1/prescriptions?patientId=${p.patientId}`);
    expect(anonymous.status).toBe(401);

    // once the patient consents (code to their own phone), the family member sees and may fill it
    const sent = await t.api.post(`/api/v1/patients/${member.id}/consent/request`, { token: family.token });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const confirmed = await t.api.post(`/api/v1/patients/${member.id}/consent/confirm`, {
      token: family.token,
      body: { code: sent.body.sandboxCode },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const shared = await t.api.get(`/api/v1/prescriptions?patientId=${member.id}`, { token: family.token });
    expect(shared.body.items.map((x: any) => [x.id, x.patientId])).toEqual([[rx.id, member.id]]);
    const filled = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: family.token,
      body: { where: 'hospital' },
    });
    expect(filled.status, JSON.stringify(filled.body)).toBe(200);
    expect(filled.body).toMatchObject({ state: 'at_hospital', patientId: member.id });
    // the stranger still cannot
    const still = await t.api.get(`/api/v1/prescriptions/${rx.id}`, { token: stranger.token });
    expect(still.status).toBe(404);
  });

  it('pharmacists list and read prescriptions, every access audited; others are refused', async () => {
    const p = await cardHolder();
    const rx = await circulating(p, { items: [osimertinib] });
    const list = await t.api.get(`/api/v1/staff/prescriptions?q=${rx.hisRxNo}`, {
      token: (await pharmacist()).token,
    });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      id: rx.id,
      patientName: '张*',
      hiRxNo: rx.hiRxNo,
      dualChannel: true,
    });
    const dual = await t.api.get(
      '/api/v1/staff/prescriptions?dualChannel=true&state=circulating&pageSize=200',
      {
        token: (await pharmacist()).token,
      },
    );
    expect(dual.body.items.every((x: any) => x.dualChannel && x.state === 'circulating')).toBe(true);
    expect(dual.body.items.map((x: any) => x.id)).toContain(rx.id);
    const badRange = await t.api.get(
      '/api/v1/staff/prescriptions?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z',
      { token: (await pharmacist()).token },
    );
    expect(badRange.status).toBe(400);
    const badState = await t.api.get('/api/v1/staff/prescriptions?state=lost', {
      token: (await pharmacist()).token,
    });
    expect(badState.status).toBe(400);

    const detail = await t.api.get(`/api/v1/staff/prescriptions/${rx.id}`, {
      token: (await pharmacist()).token,
    });
    expect(detail.status).toBe(200);
    expect(detail.body.history.map((h: any) => h.kind)).toEqual(['received', 'uploaded']);
    const audited = await t.app.ctx.database.raw.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE object_id = $1 AND action = 'prescriptions.read'`,
      [rx.id],
    );
    expect(audited.rows).toHaveLength(1);
    const listed = await t.app.ctx.database.raw.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'prescriptions.list'`,
    );
    expect(Number(listed.rows[0].n)).toBeGreaterThan(0);

    const doctor = await loginStaff(t, 'doctor');
    expect((await t.api.get('/api/v1/staff/prescriptions', { token: doctor.token })).status).toBe(403);
    expect((await t.api.get(`/api/v1/staff/prescriptions/${rx.id}`, { token: p.token })).status).toBe(403);
    expect((await t.api.get('/api/v1/staff/prescriptions')).status).toBe(401);
    const doctorDispense = await t.api.post('/api/v1/sandbox/prescriptions/dispense', {
      token: doctor.token,
      body: { hiRxNo: rx.hiRxNo },
    });
    expect(doctorDispense.status).toBe(403);
    const menus = await t.api.get('/api/v1/staff/me', { token: (await pharmacist()).token });
    expect(JSON.stringify(menus.body)).toContain('/pharmacy/prescriptions');
  });
});

function randomUUID() {
  return globalThis.crypto.randomUUID();
}
