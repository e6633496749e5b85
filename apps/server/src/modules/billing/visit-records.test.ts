import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { addPatient } from '../../testing/patients.js';
import { openChannel, type SignedCall } from '../../testing/channels.js';
import type { SandboxInsurance } from '../../integrations/insurance/index.js';
import { getPatientById } from '../identity/index.js';
import { newPatient } from '../registration/testing.js';
import { POLL_JOB } from '../pharmacy/index.js';
import { circulating, metformin, openPrescriptionChannel, type Holder } from '../pharmacy/testing.js';
import { bills } from './schema.js';
import { openHisChannel, patientWithVisit, payBills, type HisCall } from './test-helpers.js';

// GUIDE-09 就诊记录管理: each outpatient visit's prescriptions, reports and fees; medication records.
let t: TestApp;
let hisCall: HisCall;
let rxCall: HisCall;
let lis: SignedCall;

beforeAll(async () => {
  t = await createTestApp();
  hisCall = await openHisChannel(t);
  rxCall = await openPrescriptionChannel(t);
  lis = await openChannel(t, ['lis.reports.push', 'pacs.reports.push'], { kind: 'other', name: '检验系统' });
});
afterAll(async () => t?.close());

let seq = 0;

/** A patient with a visit on 2026-11-23 (drug bill 37.00 + lab bill 25.00) and a visit card. */
async function visitHolder() {
  const p = await patientWithVisit(t, hisCall);
  const card = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, { token: p.token, body: {} });
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  const holder = { ...p, idNumber: rec.idNumber, visitCardNo: rec.visitCardNo! } as Holder & typeof p;
  const [v] = (await t.api.get(`/api/v1/visits?patientId=${p.patientId}`, { token: p.token })).body.items;
  return { ...holder, visitId: v.id as string };
}

async function pushLab(p: { name: string; idNumber: string }, orderedAt: string, title = '血常规') {
  const res = await lis('/api/integration/v1/his/lis/reports', {
    reportNo: `VR${Date.now().toString(36)}${++seq}`,
    kind: 'lab',
    patient: { name: p.name, idNumber: p.idNumber },
    title,
    department: '检验科',
    orderedAt,
    reportedAt: orderedAt,
    status: 'final',
    observations: [{ code: 'WBC', name: '白细胞', value: 6.1, unit: '10^9/L', refLow: 3.5, refHigh: 9.5 }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.reportId as string;
}

/** Another account adds the person as a parent; with `consent` the person confirms by SMS code. */
async function familyAccount(person: { name: string; idNumber: string }, consent: boolean) {
  const f = await newPatient(t);
  const added = await addPatient(t, f.token, {
    name: person.name,
    idNumber: person.idNumber,
    relation: 'parent',
  });
  if (consent) {
    const sent = await t.api.post(`/api/v1/patients/${added.id}/consent/request`, { token: f.token });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const ok = await t.api.post(`/api/v1/patients/${added.id}/consent/confirm`, {
      token: f.token,
      body: { code: sent.body.sandboxCode },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  }
  return { ...f, memberId: added.id as string };
}

/** The e-prescription is filled at a retail pharmacy, dispensed there, and the poll learns it. */
async function dispensedAtRetail(p: Holder, rxId: string, hiRxNo: string) {
  const insurance = t.app.ctx.adapters.insurance as SandboxInsurance;
  const auth = await t.api.post('/api/v1/insurance/credentials', {
    token: p.token,
    body: {
      patientId: p.patientId,
      authCode: insurance.issueAuthCode({ name: p.name, idNumber: p.idNumber }),
    },
  });
  expect(auth.status, JSON.stringify(auth.body)).toBe(201);
  const fill = await t.api.post(`/api/v1/prescriptions/${rxId}/fill`, {
    token: p.token,
    body: { where: 'retail', pharmacyCode: 'P002' },
  });
  expect(fill.status, JSON.stringify(fill.body)).toBe(200);
  const pharmacist = await loginStaff(t, 'pharmacist');
  const dispensed = await t.api.post('/api/v1/sandbox/prescriptions/dispense', {
    token: pharmacist.token,
    body: { hiRxNo },
  });
  expect(dispensed.status, JSON.stringify(dispensed.body)).toBe(200);
  await t.app.ctx.jobs.runNow(POLL_JOB, { prescriptionId: rxId });
  const detail = await t.api.get(`/api/v1/prescriptions/${rxId}`, { token: p.token });
  expect(detail.body.state, JSON.stringify(detail.body)).toBe('dispensed');
}

describe('visit records (GUIDE-09)', () => {
  it("a visit shows its e-prescription, the lab report of that day and its fees with each bill's items", async () => {
    const p = await visitHolder();
    const rx = await circulating(t, rxCall, p, { visitNo: p.visitNo });
    // another visit's prescription and another day's report do not belong to this visit
    await circulating(t, rxCall, p, { visitNo: `${p.visitNo}-other` });
    const reportId = await pushLab(p, '2026-11-23T09:30:00+08:00');
    await pushLab(p, '2026-11-20T09:30:00+08:00', '肝功能');

    const list = await t.api.get(`/api/v1/visits?patientId=${p.patientId}`, { token: p.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: p.visitId, bills: 2, prescriptions: 1, reports: 1 });

    const detail = await t.api.get(`/api/v1/visits/${p.visitId}`, { token: p.token });
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    expect(detail.body.overview.prescriptions).toEqual([
      expect.objectContaining({
        id: rx.id,
        hisRxNo: rx.hisRxNo,
        state: 'circulating',
        drugs: [metformin.name],
      }),
    ]);
    expect(detail.body.overview.reports).toEqual([
      expect.objectContaining({ id: reportId, kind: 'lab', title: '血常规', status: 'final' }),
    ]);
    const drugBill = detail.body.items.find((b: any) => b.billNo === p.drug.billNo);
    expect(drugBill).toMatchObject({ amountFen: 3700, state: 'pending' });
    expect(drugBill.lines).toEqual([
      expect.objectContaining({ name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1850, amountFen: 3700 }),
    ]);
    const labBill = detail.body.items.find((b: any) => b.billNo === p.lab.billNo);
    expect(labBill.lines).toEqual([expect.objectContaining({ name: '血常规', amountFen: 2500 })]);
    expect(detail.body.totalFen).toBe(6200);
  });

  it('a consenting family member sees the overview; without consent the visit and list are not found', async () => {
    const p = await visitHolder();
    await pushLab(p, '2026-11-23T10:00:00+08:00');
    const notYet = await familyAccount(p, false);
    const family = await familyAccount(p, true);
    const refused = await t.api.get(`/api/v1/visits/${p.visitId}`, { token: notYet.token });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('VISIT_NOT_FOUND');
    const refusedList = await t.api.get(`/api/v1/visits?patientId=${notYet.memberId}`, {
      token: notYet.token,
    });
    expect(refusedList.status).toBe(404);
    expect(JSON.stringify(refused.body) + JSON.stringify(refusedList.body)).not.toContain(p.visitNo);
    const shared = await t.api.get(`/api/v1/visits/${p.visitId}`, { token: family.token });
    expect(shared.status, JSON.stringify(shared.body)).toBe(200);
    expect(shared.body.patientId).toBe(family.memberId);
    expect(shared.body.overview.reports).toHaveLength(1);
  });
});

describe('medication records (GUIDE-09 用药记录)', () => {
  it('lists drugs of a paid prescription bill (dispensed or not) and a retail-dispensed e-prescription, newest first, not unpaid bills', async () => {
    const p = await visitHolder();
    // a second prescription bill at the same visit stays unpaid
    const unpaidNo = `RX2${p.visitNo}`;
    const pushed = await hisCall('/api/integration/v1/his/bills', {
      visitNo: p.visitNo,
      bills: [
        {
          billNo: unpaidNo,
          kind: 'prescription',
          title: '中成药处方',
          execDepartment: '中药房',
          execLocation: '门诊楼1F 5号窗口',
          items: [
            {
              code: 'Z009',
              name: '连花清瘟胶囊',
              unit: '盒',
              quantity: 1,
              unitPriceFen: 1500,
              amountFen: 1500,
            },
          ],
        },
      ],
    });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);

    const empty = await t.api.get(`/api/v1/patients/${p.patientId}/medications`, { token: p.token });
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);

    await payBills(t, p, [p.drug.id]);
    const paid = await t.api.get(`/api/v1/patients/${p.patientId}/medications`, { token: p.token });
    expect(paid.body.items).toEqual([
      expect.objectContaining({
        source: 'hospital_pharmacy',
        name: '阿莫西林胶囊',
        quantity: 2,
        unit: '盒',
        dispensed: false,
        visitNo: p.visitNo,
        pharmacyName: '西药房',
        billId: p.drug.id,
      }),
    ]);
    t.clock.advance(60_000);
    const exec = await hisCall(`/api/integration/v1/his/bills/${p.drug.billNo}/execution`, {
      status: 'dispensed',
    });
    expect(exec.status, JSON.stringify(exec.body)).toBe(200);

    t.clock.advance(60_000);
    const rx = await circulating(t, rxCall, p, { visitNo: p.visitNo });
    await dispensedAtRetail(p, rx.id, rx.hiRxNo);

    const meds = await t.api.get(`/api/v1/patients/${p.patientId}/medications`, { token: p.token });
    expect(meds.status).toBe(200);
    expect(meds.body.items).toHaveLength(2);
    expect(meds.body.items[0]).toMatchObject({
      source: 'retail_pharmacy',
      name: metformin.name,
      spec: metformin.spec,
      quantity: metformin.quantity,
      usage: '0.5g 每日两次 口服 30天',
      dispensed: true,
      visitNo: p.visitNo,
      pharmacyName: expect.stringContaining('益丰大药房'),
      prescriptionId: rx.id,
    });
    expect(meds.body.items[1]).toMatchObject({ name: '阿莫西林胶囊', dispensed: true, billId: p.drug.id });
    expect(meds.body.items.map((m: any) => m.name)).not.toContain('连花清瘟胶囊');
    // the unpaid bill is still pending: listing did not touch it
    const [unpaid] = await t.app.ctx.db.select().from(bills).where(eq(bills.billNo, unpaidNo));
    expect(unpaid!.state).toBe('pending');
  });

  it('family without consent, a stranger and an unknown patient are answered alike: not found', async () => {
    const p = await visitHolder();
    await payBills(t, p, [p.drug.id]);
    const notYet = await familyAccount(p, false);
    const stranger = await newPatient(t);
    const noConsent = await t.api.get(`/api/v1/patients/${notYet.memberId}/medications`, {
      token: notYet.token,
    });
    const foreign = await t.api.get(`/api/v1/patients/${p.patientId}/medications`, { token: stranger.token });
    const missing = await t.api.get('/api/v1/patients/no-such-patient/medications', {
      token: stranger.token,
    });
    for (const res of [noConsent, foreign, missing]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('PATIENT_NOT_FOUND');
    }
    expect(JSON.stringify(noConsent.body)).not.toContain('阿莫西林');
    const family = await familyAccount(p, true);
    const shared = await t.api.get(`/api/v1/patients/${family.memberId}/medications`, {
      token: family.token,
    });
    expect(shared.status).toBe(200);
    expect(shared.body.items.map((m: any) => m.name)).toEqual(['阿莫西林胶囊']);
    const anonymous = await t.api.get(`/api/v1/patients/${p.patientId}/medications`);
    expect(anonymous.status).toBe(401);
  });
});
