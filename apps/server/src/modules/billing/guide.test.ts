import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { getPatientById } from '../identity/index.js';
import { auditLog } from '../../platform/schema.js';
import { newPatient } from '../registration/testing.js';
import { bills } from './schema.js';
import {
  openHisChannel,
  patientWithVisit as sharedPatientWithVisit,
  payBills,
  type HisCall,
} from './test-helpers.js';

// Visit guidance (GUIDE-08/09), the patient's guide code (GUIDE-14) and execution at the PDA (GUIDE-15).
let t: TestApp;
let nurse: { token: string; id: string };
let hisCall: HisCall;

beforeAll(async () => {
  t = await createTestApp();
  nurse = await loginStaff(t, 'nurse');
  hisCall = await openHisChannel(t);
});
afterAll(async () => t?.close());

const patientWithVisit = () => sharedPatientWithVisit(t, hisCall);
const pay = (p: { token: string; patientId: string }, billIds: string[]) => payBills(t, p, billIds);

async function guideCode(p: { token: string; patientId: string }) {
  const res = await t.api.post(`/api/v1/patients/${p.patientId}/guide-code`, { token: p.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.code as string;
}

describe('visit guidance (GUIDE-08, GUIDE-09)', () => {
  it('a visit tells the patient to pay first, then where to collect drugs and where the lab is, then that all is done', async () => {
    const p = await patientWithVisit();
    const visits = await t.api.get(`/api/v1/visits?patientId=${p.patientId}`, { token: p.token });
    expect(visits.status).toBe(200);
    expect(visits.body.items).toHaveLength(1);
    const v = visits.body.items[0];
    expect(v).toMatchObject({
      visitNo: p.visitNo,
      departmentName: '内科',
      doctorName: '李医生',
      bills: 2,
      totalFen: 6200,
      pendingFen: 6200,
      nextSteps: [{ kind: 'pay', bills: 2, amountFen: 6200 }],
    });

    await pay(p, [p.drug.id]);
    const afterPay = await t.api.get(`/api/v1/visits/${v.id}`, { token: p.token });
    expect(afterPay.status).toBe(200);
    expect(afterPay.body.nextSteps).toEqual([
      { kind: 'pay', bills: 1, amountFen: 2500 },
      {
        kind: 'collect_drugs',
        billNo: p.drug.billNo,
        title: '西药处方',
        department: '西药房',
        location: '门诊楼1F 2号窗口',
      },
    ]);
    expect(afterPay.body.items.map((b: any) => [b.billNo, b.state])).toEqual(
      expect.arrayContaining([
        [p.drug.billNo, 'confirmed'],
        [p.lab.billNo, 'pending'],
      ]),
    );

    await pay(p, [p.lab.id]);
    await hisCall(`/api/integration/v1/his/bills/${p.drug.billNo}/execution`, { status: 'dispensed' });
    const onlyLab = await t.api.get(`/api/v1/visits/${v.id}`, { token: p.token });
    expect(onlyLab.body.nextSteps).toEqual([
      {
        kind: 'go_to',
        billNo: p.lab.billNo,
        title: '检验申请单',
        department: '检验科',
        location: '门诊楼3F',
      },
    ]);
    await hisCall(`/api/integration/v1/his/bills/${p.lab.billNo}/execution`, { status: 'performed' });
    const done = await t.api.get(`/api/v1/visits/${v.id}`, { token: p.token });
    expect(done.body).toMatchObject({ pendingFen: 0, nextSteps: [{ kind: 'done' }] });
  });

  it("another account's visit answers exactly like a visit that does not exist", async () => {
    const p = await patientWithVisit();
    const [v] = (await t.api.get(`/api/v1/visits?patientId=${p.patientId}`, { token: p.token })).body.items;
    const stranger = await newPatient(t);
    const foreign = await t.api.get(`/api/v1/visits/${v.id}`, { token: stranger.token });
    const missing = await t.api.get('/api/v1/visits/no-such-visit', { token: stranger.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('VISIT_NOT_FOUND');
    expect(missing.body.code).toBe(foreign.body.code);
    const foreignList = await t.api.get(`/api/v1/visits?patientId=${p.patientId}`, { token: stranger.token });
    expect(foreignList.status).toBe(404);
  });
});

describe('guide code and execution at the department PDA (GUIDE-14, GUIDE-15)', () => {
  it('the PDA scans the code, sees only its department’s items with their payment state, and refuses an unpaid one', async () => {
    const p = await patientWithVisit();
    const code = await guideCode(p);
    const rec = await getPatientById(t.app.ctx, p.patientId);
    expect(code).not.toContain(rec.idNumber); // the code names no ID or phone number
    expect(code).not.toContain(rec.phone);

    const scan = await t.api.post('/api/v1/staff/execution/scan', {
      token: nurse.token,
      body: { code, department: '检验科' },
    });
    expect(scan.status, JSON.stringify(scan.body)).toBe(200);
    expect(scan.body.patient.name).toContain('*');
    expect(scan.body.bills).toHaveLength(1);
    expect(scan.body.bills[0]).toMatchObject({ billNo: p.lab.billNo, paid: false, executionStatus: 'none' });

    const unpaid = await t.api.post(`/api/v1/staff/execution/bills/${p.lab.id}/execute`, {
      token: nurse.token,
      body: { department: '检验科' },
    });
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.code).toBe('BILL_NOT_PAID');
    const [still] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, p.lab.id));
    expect(still).toMatchObject({ executionStatus: 'none', executedBy: null });

    // Scanning is staff access to patient data: audited.
    const audited = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'execution.patient.scan'), eq(auditLog.objectId, p.patientId)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorKind: 'staff', actorId: nurse.id });
  });

  it('executing a paid item blocks its online refund; registering it twice answers the same', async () => {
    const p = await patientWithVisit();
    const payment = await pay(p, [p.drug.id, p.lab.id]);
    const code = await guideCode(p);
    const scan = await t.api.post('/api/v1/staff/execution/scan', {
      token: nurse.token,
      body: { code, department: '检验科' },
    });
    expect(scan.body.bills[0]).toMatchObject({ billNo: p.lab.billNo, paid: true });

    const first = await t.api.post(`/api/v1/staff/execution/bills/${p.lab.id}/execute`, {
      token: nurse.token,
      body: { department: '检验科' },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ executionStatus: 'performed', alreadyExecuted: false });
    const again = await t.api.post(`/api/v1/staff/execution/bills/${p.lab.id}/execute`, {
      token: nurse.token,
      body: { department: '检验科' },
    });
    expect(again.body).toMatchObject({ executionStatus: 'performed', alreadyExecuted: true });
    const [row] = await t.app.ctx.db.select().from(bills).where(eq(bills.id, p.lab.id));
    expect(row).toMatchObject({ executionStatus: 'performed', executedBy: nurse.id });

    const refund = await t.api.post(`/api/v1/bill-payments/${payment.id}/refund`, {
      token: p.token,
      body: { billIds: [p.lab.id] },
    });
    expect(refund.status).toBe(409);
    expect(refund.body.code).toBe('GO_TO_COUNTER');
    // the drug bill of the same payment is still refundable online
    const drugRefund = await t.api.post(`/api/v1/bill-payments/${payment.id}/refund`, {
      token: p.token,
      body: { billIds: [p.drug.id] },
    });
    expect(drugRefund.status, JSON.stringify(drugRefund.body)).toBeLessThan(300);
  });

  it('a bill of another department, a forged, altered or expired code, and a role without the permission are refused', async () => {
    const p = await patientWithVisit();
    await pay(p, [p.drug.id]);
    const code = await guideCode(p);

    const otherDept = await t.api.post(`/api/v1/staff/execution/bills/${p.drug.id}/execute`, {
      token: nurse.token,
      body: { department: '检验科' },
    });
    expect(otherDept.status).toBe(404);
    expect(otherDept.body.code).toBe('BILL_NOT_FOUND');

    const stranger = await newPatient(t);
    const altered = code.replace(/^QG1\.[^.]+/, `QG1.${stranger.patientId}`);
    for (const bad of [altered, 'QG1.x.y.z', '1101011990']) {
      const r = await t.api.post('/api/v1/staff/execution/scan', {
        token: nurse.token,
        body: { code: bad, department: '西药房' },
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('GUIDE_CODE_INVALID');
    }

    const doctor = await loginStaff(t, 'doctor');
    const denied = await t.api.post('/api/v1/staff/execution/scan', {
      token: doctor.token,
      body: { code, department: '西药房' },
    });
    expect(denied.status).toBe(403);
    const patientCall = await t.api.post('/api/v1/staff/execution/scan', {
      token: p.token,
      body: { code, department: '西药房' },
    });
    expect(patientCall.status).toBe(403);

    // Ten minutes later the screenshot of the code no longer works.
    t.clock.advance(11 * 60_000);
    const nurseLater = await loginStaff(t, 'nurse');
    const expired = await t.api.post('/api/v1/staff/execution/scan', {
      token: nurseLater.token,
      body: { code, department: '西药房' },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('GUIDE_CODE_INVALID');
  });

  it("a patient cannot get a guide code for someone else's family member", async () => {
    const p = await newPatient(t);
    const stranger = await newPatient(t);
    const res = await t.api.post(`/api/v1/patients/${p.patientId}/guide-code`, { token: stranger.token });
    expect(res.status).toBe(404);
  });
});
