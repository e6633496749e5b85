import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../apps/server/src/testing/harness.js';
import { addPatient, loginPatient } from '../../apps/server/src/testing/patients.js';
import { loginStaff } from '../../apps/server/src/testing/staff.js';
import { openChannel, type SignedCall } from '../../apps/server/src/testing/channels.js';
import { blindIndexOf } from '../../apps/server/src/modules/identity/index.js';
import { openHisChannel, type HisCall } from '../../apps/server/src/modules/billing/testing.js';
import { circulating, openPrescriptionChannel } from '../../apps/server/src/modules/pharmacy/testing.js';
import {
  SANDBOX_PEOPLE,
  SandboxIdentityVerifier,
} from '../../apps/server/src/integrations/identity/index.js';

/**
 * Issue 9, finding 1, replayed as the attack it was: account B knows A's resident ID number and
 * tries to read A's hospital records. A and A's child are people the sandbox real-name provider
 * knows (SANDBOX_PEOPLE, as in the demo). After each step B asks for every kind of A's record.
 *
 * Clock: 2026-11-23 09:00 Shanghai.
 */
let t: TestApp;
let his: HisCall;
let rx: HisCall;
let lis: SignedCall;

const personA = SANDBOX_PEOPLE.find((p) => p.name === '张伟')!;
const childOfA = SANDBOX_PEOPLE.find((p) => p.name === '王小明')!; // born 2018: under 14
const A_PHONE = '13700000001';
const B_PHONE = '13700000002';

let a: { token: string; accountId: string; selfId: string; reportId: string; visitNo: string; rxId: string };
let b: { token: string; accountId: string };

beforeAll(async () => {
  t = await createTestApp();
  his = await openHisChannel(t);
  rx = await openPrescriptionChannel(t);
  lis = await openChannel(t, ['lis.reports.push'], { kind: 'other', name: '检验系统' });

  // A adds themself with their real name, binds a visit card, and the hospital holds records of A
  const login = await loginPatient(t, A_PHONE);
  const self = await addPatient(t, login.token, { ...personA, phone: A_PHONE });
  expect(self.body).toMatchObject({ verified: true, recordsAccess: 'open' });
  const card = await t.api.post(`/api/v1/patients/${self.id}/visit-card`, { token: login.token, body: {} });
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  const visitNo = 'SEC-V-001';
  expect((await his('/api/integration/v1/his/visits', visitOf(visitNo, personA))).status).toBe(200);
  const bills = await his('/api/integration/v1/his/bills', {
    visitNo,
    bills: [
      {
        billNo: `RX${visitNo}`,
        kind: 'prescription',
        title: '西药处方',
        execDepartment: '西药房',
        execLocation: '门诊楼1F 2号窗口',
        items: [
          {
            code: 'Y001',
            name: '阿莫西林胶囊',
            unit: '盒',
            quantity: 2,
            unitPriceFen: 1850,
            amountFen: 3700,
          },
        ],
      },
    ],
  });
  expect(bills.status, JSON.stringify(bills.body)).toBe(200);
  const reportId = await pushLab(personA, 'SEC-R-001');
  const holder = {
    ...login,
    patientId: self.id,
    name: personA.name,
    idNumber: personA.idNumber,
    visitCardNo: card.body.visitCardNo as string,
  };
  const prescription = await circulating(t, rx, holder);
  a = { ...login, selfId: self.id, reportId, visitNo, rxId: prescription.id };
  b = await loginPatient(t, B_PHONE);
});
afterAll(async () => t?.close());

function visitOf(visitNo: string, p: { name: string; idNumber: string }) {
  return {
    visitNo,
    visitDate: '2026-11-23',
    departmentName: '内科',
    doctorName: '李医生',
    patient: { name: p.name, idNumber: p.idNumber },
  };
}

async function pushLab(p: { name: string; idNumber: string }, reportNo: string): Promise<string> {
  const res = await lis('/api/integration/v1/his/lis/reports', {
    reportNo,
    kind: 'lab',
    patient: { name: p.name, idNumber: p.idNumber },
    title: '血常规',
    department: '检验科',
    orderedAt: '2026-11-23T08:30:00+08:00',
    reportedAt: '2026-11-23T08:50:00+08:00',
    status: 'final',
    observations: [{ code: 'WBC', name: '白细胞', value: 6.1, unit: '10^9/L', refLow: 3.5, refHigh: 9.5 }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.reportId as string;
}

/** Every kind of hospital record, asked for one patient of the account: the answer's status and body. */
async function recordsOf(token: string, patientId: string) {
  const get = (url: string) => t.api.get(`/api/v1${url}`, { token });
  const q = `patientId=${patientId}`;
  return {
    reports: await get(`/reports?${q}`),
    healthTrend: await get(`/health-record/trend?${q}&code=WBC`),
    bills: await get(`/bills?${q}`),
    visits: await get(`/visits?${q}`),
    medications: await get(`/patients/${patientId}/medications`),
    prescriptions: await get(`/prescriptions?${q}`),
    einvoices: await get(`/einvoices?${q}`),
    insurance: await get(`/insurance/credentials/${patientId}`),
    inpatient: await get(`/admissions?${q}`),
    hisProfile: await get(`/patients/${patientId}/his-profile`),
  };
}

/** Nothing of the person's records reaches the account: each kind reads like a missing patient. */
async function expectNothingReadable(token: string, patientId: string) {
  const all = await recordsOf(token, patientId);
  for (const [kind, res] of Object.entries(all)) {
    expect({ kind, status: res.status, code: res.body?.code }).toEqual({
      kind,
      status: 404,
      code: 'PATIENT_NOT_FOUND',
    });
  }
  // and A's report, prescription and visit by their own ids
  for (const url of [`/reports/${a.reportId}`, `/prescriptions/${a.rxId}`]) {
    expect((await t.api.get(`/api/v1${url}`, { token })).status).toBe(404);
  }
}

/** A's records reach the account: the report, the trend, the bill, the visit and the prescription. */
async function expectReadable(token: string, patientId: string) {
  const all = await recordsOf(token, patientId);
  for (const [kind, res] of Object.entries(all)) {
    expect({ kind, code: res.body?.code }).not.toEqual({ kind, code: 'PATIENT_NOT_FOUND' });
  }
  expect(all.reports.body.items.map((r: { id: string }) => r.id)).toEqual([a.reportId]);
  expect(all.healthTrend.status).toBe(200);
  expect(all.bills.body.items.map((x: { billNo: string }) => x.billNo)).toContain(`RX${a.visitNo}`);
  expect(all.visits.body.items).toHaveLength(1);
  expect(all.prescriptions.body.items.map((x: { id: string }) => x.id)).toContain(a.rxId);
  expect((await t.api.get(`/api/v1/reports/${a.reportId}`, { token })).status).toBe(200);
}

const patientsOf = async (token: string) => (await t.api.get('/api/v1/patients', { token })).body.items;

describe("B knows A's ID number (issue 9, finding 1)", () => {
  it('A reads their own records: the story starts from a working account', async () => {
    await expectReadable(a.token, a.selfId);
  });

  it('B adds A\'s number as "self" under a wrong name: refused by the real-name check, nothing saved or readable', async () => {
    const res = await t.api.post('/api/v1/patients', {
      token: b.token,
      body: { name: '张三', idNumber: personA.idNumber, phone: '13900000002', relation: 'self' },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'IDENTITY_NOT_CONFIRMED',
      message: {
        zh: '姓名与证件号码未通过实名核验，请核对后重试，或携证件到医院窗口办理',
        en: 'The name and the ID number did not pass the real-name check; check them, or bring the ID document to a hospital counter',
      },
    });
    expect(await patientsOf(b.token)).toEqual([]);
    // an unknown number reads exactly like a wrong name, so the check cannot probe who exists
    const unknown = await t.api.post('/api/v1/patients', {
      token: b.token,
      body: { name: '张伟', idNumber: '110101198005120321', phone: '13900000002', relation: 'self' },
    });
    expect({ ...unknown.body, requestId: undefined }).toEqual({ ...res.body, requestId: undefined });
  });

  it('with the right name as "self": refused, A already holds that identity, and B is told the way out', async () => {
    const res = await t.api.post('/api/v1/patients', {
      token: b.token,
      body: { ...personA, phone: '13900000002', relation: 'self' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'IDENTITY_CLAIMED',
      message: {
        zh: '该身份已被其他账号绑定为“本人”。如确系本人，请携身份证到医院窗口申诉；或请该账号先解绑后再添加',
        en: 'This identity is already bound as "self" by another account. If it is yours, appeal at a hospital counter with your ID card, or ask that account to remove it first',
      },
      details: { wayOut: ['counter_appeal', 'other_account_unbinds'] },
    });
    expect(await patientsOf(b.token)).toEqual([]);
    await expectReadable(a.token, a.selfId);
  });

  it("as A's spouse: nothing readable until A confirms a code sent to A's own phone; A withdraws and B reads nothing again", async () => {
    const added = await addPatient(t, b.token, { ...personA, phone: '13900000002', relation: 'spouse' });
    expect(added.body).toMatchObject({
      verified: true,
      consent: 'pending',
      recordsAccess: 'consent_pending',
    });
    await expectNothingReadable(b.token, added.id);

    // the code goes to the phone A logs in with, not to the number B typed in
    const sent = await t.api.post(`/api/v1/patients/${added.id}/consent/request`, { token: b.token });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({ phoneMasked: '137****0001', sentTo: 'own_account' });
    const sms = await t.database.raw.query<{ phone_idx: string }>(
      "SELECT phone_idx FROM sms_messages WHERE template = 'auth.consent_code'",
    );
    expect(sms.rows.map((r) => r.phone_idx)).toEqual([blindIndexOf(t.app.ctx, A_PHONE)]);
    await expectNothingReadable(b.token, added.id);

    // A reads the code out to B, who enters it
    const ok = await t.api.post(`/api/v1/patients/${added.id}/consent/confirm`, {
      token: b.token,
      body: { code: sent.body.sandboxCode },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ consent: 'granted', recordsAccess: 'open' });
    await expectReadable(b.token, added.id);

    // A sees who holds their records and withdraws; B's access ends at once
    const sharing = await t.api.get(`/api/v1/patients/${a.selfId}/record-sharing`, { token: a.token });
    expect(sharing.body.items).toEqual([
      expect.objectContaining({
        id: added.id,
        relation: 'spouse',
        accountPhoneMasked: '137****0002',
        consent: 'granted',
      }),
    ]);
    const withdrawn = await t.api.delete(`/api/v1/patients/${a.selfId}/record-sharing/${added.id}`, {
      token: a.token,
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.items[0]).toMatchObject({ id: added.id, consent: 'pending' });
    await expectNothingReadable(b.token, added.id);
    expect((await t.api.get(`/api/v1/patients/${added.id}`, { token: b.token })).body.recordsAccess).toBe(
      'consent_pending',
    );
    // B cannot withdraw anything of A's, nor list it
    expect((await t.api.get(`/api/v1/patients/${added.id}/record-sharing`, { token: b.token })).status).toBe(
      404,
    );
    // unbinding takes the member away with its records
    expect((await t.api.delete(`/api/v1/patients/${added.id}`, { token: b.token })).status).toBe(204);
    await expectNothingReadable(b.token, added.id);
  });

  it('a child under 14: no SMS consent; only the counter links the guardian, and another account stays locked out', async () => {
    const child = await addPatient(t, a.token, { ...childOfA, relation: 'child', phone: '13900000003' });
    expect(child.body).toMatchObject({ consent: 'pending', recordsAccess: 'guardian_pending' });
    const reportId = await pushLab(childOfA, 'SEC-R-CHILD');
    expect((await recordsOf(a.token, child.id)).reports.status).toBe(404);
    const bySms = await t.api.post(`/api/v1/patients/${child.id}/consent/request`, { token: a.token });
    expect(bySms.status).toBe(409);
    expect(bySms.body).toMatchObject({
      code: 'CONSENT_GUARDIAN_AT_COUNTER',
      message: {
        zh: '未满 14 周岁的未成年人须由监护人携户口簿或出生医学证明到医院窗口办理关联，不能通过短信授权',
        en: 'A child under 14 is linked by the guardian at a hospital counter (household register or birth certificate), not by SMS',
      },
    });
    // B adds the same child and is locked out the same way
    const bChild = await addPatient(t, b.token, { ...childOfA, relation: 'child', phone: '13900000004' });
    expect(bChild.body.recordsAccess).toBe('guardian_pending');
    await expectNothingReadableForChild(b.token, bChild.id, reportId);

    // the counter sees A's household register and links the child to A's account only
    const { token: operator } = await loginStaff(t, 'operator');
    const linked = await t.api.post(`/api/v1/admin/patients/${child.id}/counter-link`, {
      token: operator,
      body: { document: 'household_register' },
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    const reports = await t.api.get(`/api/v1/reports?patientId=${child.id}`, { token: a.token });
    expect(reports.body.items.map((r: { id: string }) => r.id)).toEqual([reportId]);
    await expectNothingReadableForChild(b.token, bChild.id, reportId);
  });

  it('when the real-name provider is down nobody is added, and the answer says to try again', async () => {
    const verifier = t.app.ctx.adapters.identityVerifier as SandboxIdentityVerifier;
    verifier.down = true;
    try {
      const res = await t.api.post('/api/v1/patients', {
        token: b.token,
        body: { ...SANDBOX_PEOPLE.find((p) => p.name === '李娜')!, phone: '13900000005', relation: 'self' },
      });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'IDENTITY_CHECK_UNAVAILABLE',
        message: {
          zh: '实名核验服务暂时不可用，就诊人未添加，请稍后再试',
          en: 'Real-name verification is unavailable now; the patient was not added, try again later',
        },
        details: { retryable: true },
      });
    } finally {
      verifier.down = false;
    }
    expect((await patientsOf(b.token)).map((p: { name: string }) => p.name)).toEqual(['王小明']);
  });

  it('once A removes their "self", the identity is free: B may claim it (the other way out)', async () => {
    expect((await t.api.delete(`/api/v1/patients/${a.selfId}`, { token: a.token })).status).toBe(204);
    await expectNothingReadable(a.token, a.selfId);
    const claimed = await t.api.post('/api/v1/patients', {
      token: b.token,
      body: { ...personA, phone: '13900000002', relation: 'self' },
    });
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(201);
    expect(claimed.body.recordsAccess).toBe('open');
    // and A's own try is now the refused second claim
    const back = await t.api.post('/api/v1/patients', {
      token: a.token,
      body: { ...personA, phone: A_PHONE, relation: 'self' },
    });
    expect(back.body.code).toBe('IDENTITY_CLAIMED');
  });
});

async function expectNothingReadableForChild(token: string, patientId: string, reportId: string) {
  const all = await recordsOf(token, patientId);
  for (const [kind, res] of Object.entries(all)) {
    expect({ kind, status: res.status }).toEqual({ kind, status: 404 });
  }
  expect((await t.api.get(`/api/v1/reports/${reportId}`, { token })).status).toBe(404);
}
