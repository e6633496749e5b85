import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { SandboxEInvoicePlatform } from '../../integrations/einvoice/sandbox.js';
import { SandboxInsurance } from '../../integrations/insurance/index.js';
import { deliverHisEvent } from '../../integrations/his/outbound.js';
import { openHisChannel, type HisCall } from '../billing/testing.js';
import { cardBoundEventId, getPatientById } from '../identity/index.js';
import { ISSUE_JOB } from '../invoicing/index.js';
import { circulating, openPrescriptionChannel } from '../pharmacy/testing.js';
import { payAtSandbox } from '../registration/testing.js';

/**
 * PIPL Art. 45: every kind of a person's hospital record read by another account that holds them
 * (a spouse with consent) lands in the person's own access log; the person's own reads do not.
 *
 * Clock: 2026-11-23 09:00 Shanghai.
 */
let t: TestApp;
let his: HisCall;
let rxChannel: HisCall;
const einvoicePlatform = new SandboxEInvoicePlatform();
const insurance = new SandboxInsurance();

const A = { name: '周敏', idNumber: '', phone: '13700031001' };
let a: { token: string; accountId: string; selfId: string };
let b: { token: string; accountId: string; spouseId: string };
let pdfIssued = false;
let ids: {
  billId: string;
  visitId: string;
  rxId: string;
  invoiceId: string;
  admissionId: string;
  settlementId: string;
};

beforeAll(async () => {
  t = await createTestApp({ adapters: { einvoice: einvoicePlatform, insurance } });
  his = await openHisChannel(t, [
    'his.visits.push',
    'his.bills.push',
    'his.execution.push',
    'his.admissions.push',
  ]);
  rxChannel = await openPrescriptionChannel(t);

  // A: their own identity, a visit card the HIS knows, a visit with two bills (one paid, so an
  // e-invoice exists), a prescription and an inpatient stay
  const login = await loginPatient(t, A.phone);
  const self = await addPatient(t, login.token, { name: A.name, phone: A.phone });
  A.idNumber = (await getPatientById(t.app.ctx, self.id)).idNumber;
  const card = await bindCard(login.token, self.id);
  const visitNo = 'FR-V-001';
  const visit = await his('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: '2026-11-23',
    departmentName: '内科',
    doctorName: '李医生',
    patient: { name: A.name, idNumber: A.idNumber },
  });
  expect(visit.status, JSON.stringify(visit.body)).toBe(200);
  const bills = await his('/api/integration/v1/his/bills', {
    visitNo,
    bills: [
      bill(`RX${visitNo}`, 'prescription', '西药处方', 3700),
      bill(`LB${visitNo}`, 'lab', '检验申请单', 2500),
    ],
  });
  expect(bills.status, JSON.stringify(bills.body)).toBe(200);
  const listed = await t.api.get(`/api/v1/bills?patientId=${self.id}`, { token: login.token });
  const lab = listed.body.items.find((x: { kind: string }) => x.kind === 'lab');
  const payment = await t.api.post('/api/v1/bill-payments', {
    token: login.token,
    body: { patientId: self.id, billIds: [lab.id], idempotencyKey: 'fr-pay-0001' },
  });
  expect(payment.status, JSON.stringify(payment.body)).toBe(201);
  await payAtSandbox(t, login.token, payment.body.orderId, payment.body.orderNo);
  const pending = await t.app.ctx.database.raw.query<{ id: string }>(
    'SELECT id FROM einvoices WHERE source_id = $1',
    [payment.body.id],
  );
  await t.app.ctx.jobs.runNow(ISSUE_JOB, { invoiceId: pending.rows[0].id });
  const rx = await circulating(t, rxChannel, {
    ...login,
    patientId: self.id,
    name: A.name,
    idNumber: A.idNumber,
    visitCardNo: card,
  });
  const admissionNo = 'FR-ZY-001';
  const admitted = await his('/api/integration/v1/his/admissions', {
    admissionNo,
    name: A.name,
    idNumber: A.idNumber,
    ward: '心内科一病区',
    bed: '12床',
    attendingDoctor: '李医生',
    diagnoses: [{ code: 'I20.0', name: '不稳定型心绞痛' }],
    operations: [],
    admittedAt: '2026-11-20T15:30:00+08:00',
  });
  expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
  const ownStay = await t.api.post('/api/v1/admissions/bind', {
    token: login.token,
    body: { patientId: self.id, admissionNo, name: A.name },
  });
  expect(ownStay.status, JSON.stringify(ownStay.body)).toBe(201);
  a = { ...login, selfId: self.id };

  // B holds A as spouse; A confirmed the consent code; B binds A's stay and a visit card
  const loginB = await loginPatient(t, '13700031002');
  const spouse = await addPatient(t, loginB.token, {
    name: A.name,
    idNumber: A.idNumber,
    phone: '13900031002',
    relation: 'spouse',
  });
  const sent = await t.api.post(`/api/v1/patients/${spouse.id}/consent/request`, { token: loginB.token });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const ok = await t.api.post(`/api/v1/patients/${spouse.id}/consent/confirm`, {
    token: loginB.token,
    body: { code: sent.body.sandboxCode },
  });
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  await bindCard(loginB.token, spouse.id);
  const bound = await t.api.post('/api/v1/admissions/bind', {
    token: loginB.token,
    body: { patientId: spouse.id, admissionNo, name: A.name },
  });
  expect(bound.status, JSON.stringify(bound.body)).toBe(201);
  b = { ...loginB, spouseId: spouse.id };
  // B pays A's drug bill through A's medical insurance (A's credential, authorised in B's account)
  const credential = await t.api.post('/api/v1/insurance/credentials', {
    token: loginB.token,
    body: { patientId: spouse.id, authCode: insurance.issueAuthCode({ name: A.name, idNumber: A.idNumber }) },
  });
  expect(credential.status, JSON.stringify(credential.body)).toBe(201);
  const drug = listed.body.items.find((x: { kind: string }) => x.kind === 'prescription');
  const pre = await t.api.post('/api/v1/insurance/pre-settlements', {
    token: loginB.token,
    body: { patientId: spouse.id, billIds: [drug.id], useAccount: true },
  });
  expect(pre.status, JSON.stringify(pre.body)).toBe(201);

  const invoices = await t.api.get(`/api/v1/einvoices?patientId=${self.id}`, { token: login.token });
  pdfIssued = invoices.body.items[0].status === 'issued';
  ids = {
    billId: lab.id,
    visitId: (await t.api.get(`/api/v1/visits?patientId=${self.id}`, { token: login.token })).body.items[0]
      .id,
    rxId: rx.id,
    invoiceId: invoices.body.items[0].id,
    admissionId: bound.body.id,
    settlementId: pre.body.id,
  };
});
afterAll(async () => t?.close());

function bill(billNo: string, kind: string, title: string, amountFen: number) {
  return {
    billNo,
    kind,
    title,
    execDepartment: '门诊',
    execLocation: '门诊楼1F',
    items: [
      { code: `C-${billNo}`, name: title, unit: '次', quantity: 1, unitPriceFen: amountFen, amountFen },
    ],
  };
}

async function bindCard(token: string, patientId: string): Promise<string> {
  const card = await t.api.post(`/api/v1/patients/${patientId}/visit-card`, { token, body: {} });
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  await deliverHisEvent(t.app.ctx, cardBoundEventId(patientId, card.body.visitCardNo));
  return card.body.visitCardNo as string;
}

/** Every read of A's records an account can make, for one of its patients holding A. */
async function readEverything(token: string, patientId: string) {
  const q = `patientId=${patientId}`;
  const urls = [
    `/bills?${q}&state=all`,
    `/bills/${ids.billId}`,
    `/visits?${q}`,
    `/visits/${ids.visitId}`,
    `/prescriptions?${q}`,
    `/prescriptions/${ids.rxId}`,
    `/einvoices?${q}`,
    `/einvoices/${ids.invoiceId}`,
    // the PDF exists once the platform issued it (a machine without a Chinese font cannot render it)
    ...(pdfIssued ? [`/einvoices/${ids.invoiceId}/pdf`] : []),
    `/admissions?${q}`,
    `/admissions/${ids.admissionId}`,
    `/admissions/${ids.admissionId}/deposits`,
    `/patients/${patientId}/his-profile`,
  ];
  for (const url of urls) {
    const res = await t.api.get(`/api/v1${url}`, { token });
    expect({ url, status: res.status }, JSON.stringify(res.body)).toEqual({ url, status: 200 });
  }
}

const accessLog = async () =>
  (await t.api.get(`/api/v1/patients/${a.selfId}/access-log?pageSize=50`, { token: a.token })).body;

describe('a family account’s reads are in the person’s access log (PIPL Art. 45)', () => {
  it('A’s own reads of every kind of record leave A’s log empty', async () => {
    await readEverything(a.token, a.selfId);
    expect((await accessLog()).total).toBe(0);
  });

  it('B reading A’s bills, visits, prescriptions, e-invoices, insurance settlement, stay and HIS file shows in A’s log, by relation, on consent', async () => {
    await readEverything(b.token, b.spouseId);
    // the insurance settlement B made for A: the list (one entry for A) and the settlement
    for (const url of ['/insurance/settlements', `/insurance/settlements/${ids.settlementId}`]) {
      const res = await t.api.get(`/api/v1${url}`, { token: b.token });
      expect({ url, status: res.status }, JSON.stringify(res.body)).toEqual({ url, status: 200 });
    }
    const log = await accessLog();
    const kinds = log.items.map((e: { recordKind: string }) => e.recordKind);
    expect(new Set(kinds)).toEqual(
      new Set(['bill', 'visit', 'prescription', 'einvoice', 'insurance', 'inpatient', 'his_profile']),
    );
    expect(log.total).toBe(pdfIssued ? 15 : 14);
    for (const e of log.items)
      expect(e).toMatchObject({
        ground: 'consent',
        actor: { kind: 'account', relation: 'spouse', phoneMasked: '137****1002' },
      });
    const opened = log.items.map((e: { objectId: string | null }) => e.objectId);
    for (const id of [ids.billId, ids.visitId, ids.rxId, ids.invoiceId, ids.admissionId, ids.settlementId])
      expect(opened).toContain(id);
  });

  it('once A withdraws the consent, B reads nothing and nothing more is written to A’s log', async () => {
    const before = (await accessLog()).total;
    const withdrawn = await t.api.delete(`/api/v1/patients/${a.selfId}/record-sharing/${b.spouseId}`, {
      token: a.token,
    });
    expect(withdrawn.status).toBe(200);
    for (const url of [
      `/bills?patientId=${b.spouseId}`,
      `/bills/${ids.billId}`,
      `/einvoices/${ids.invoiceId}`,
    ])
      expect((await t.api.get(`/api/v1${url}`, { token: b.token })).status).toBe(404);
    expect((await accessLog()).total).toBe(before);
  });
});
