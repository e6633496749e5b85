import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import type { SandboxInsurance } from '../../integrations/insurance/index.js';
import { getPatientById } from '../identity/index.js';
import { POLL_JOB } from '../pharmacy/index.js';
import { circulating, openPrescriptionChannel, type Holder } from '../pharmacy/testing.js';
import { openHisChannel, patientWithVisit, payBills, type HisCall } from './test-helpers.js';

// GUIDE-09 用药记录, paged: drug lines of paid prescription bills and of dispensed e-prescriptions,
// merged newest first, one page at a time, with the total over both.
let t: TestApp;
let hisCall: HisCall;
let rxCall: HisCall;

beforeAll(async () => {
  t = await createTestApp();
  hisCall = await openHisChannel(t);
  rxCall = await openPrescriptionChannel(t);
});
afterAll(async () => t?.close());

async function holder() {
  const p = await patientWithVisit(t, hisCall);
  const card = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, { token: p.token, body: {} });
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  return { ...p, idNumber: rec.idNumber, visitCardNo: rec.visitCardNo! } as Holder & typeof p;
}

/** An e-prescription filled and dispensed at a retail pharmacy (credentials on the first call). */
async function dispensedRx(p: Holder & { token: string; patientId: string }, first: boolean) {
  const rx = await circulating(t, rxCall, p, { visitNo: (p as any).visitNo });
  if (first) {
    const insurance = t.app.ctx.adapters.insurance as SandboxInsurance;
    const auth = await t.api.post('/api/v1/insurance/credentials', {
      token: p.token,
      body: {
        patientId: p.patientId,
        authCode: insurance.issueAuthCode({ name: p.name, idNumber: p.idNumber }),
      },
    });
    expect(auth.status, JSON.stringify(auth.body)).toBe(201);
  }
  const fill = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
    token: p.token,
    body: { where: 'retail', pharmacyCode: 'P002' },
  });
  expect(fill.status, JSON.stringify(fill.body)).toBe(200);
  const pharmacist = await loginStaff(t, 'pharmacist');
  const dispensed = await t.api.post('/api/v1/sandbox/prescriptions/dispense', {
    token: pharmacist.token,
    body: { hiRxNo: rx.hiRxNo },
  });
  expect(dispensed.status, JSON.stringify(dispensed.body)).toBe(200);
  await t.app.ctx.jobs.runNow(POLL_JOB, { prescriptionId: rx.id });
  return rx.id;
}

const medications = (p: { token: string; patientId: string }, q = '') =>
  t.api.get(`/api/v1/patients/${p.patientId}/medications${q}`, { token: p.token });

describe('medication records are paged across bills and e-prescriptions', () => {
  it('pages of two lines give every drug once, newest first, with the total over both sources', async () => {
    const p = await holder();
    // oldest: the visit's drug bill (one line), then an e-prescription, a two-line bill, another e-prescription
    await payBills(t, p, [p.drug.id]);
    t.clock.advance(60_000);
    const rx1 = await dispensedRx(p, true);
    t.clock.advance(60_000);
    const billNo = `RXB${p.visitNo}`;
    const pushed = await hisCall('/api/integration/v1/his/bills', {
      visitNo: p.visitNo,
      bills: [
        {
          billNo,
          kind: 'prescription',
          title: '西药处方',
          execDepartment: '西药房',
          execLocation: '门诊楼1F 2号窗口',
          items: [
            {
              code: 'Y101',
              name: '布洛芬缓释胶囊',
              unit: '盒',
              quantity: 1,
              unitPriceFen: 1200,
              amountFen: 1200,
            },
            {
              code: 'Y102',
              name: '奥美拉唑肠溶胶囊',
              unit: '盒',
              quantity: 1,
              unitPriceFen: 900,
              amountFen: 900,
            },
          ],
        },
      ],
    });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    const list = await t.api.get(
      `/api/v1/visits/${(await t.api.get(`/api/v1/visits?patientId=${p.patientId}`, { token: p.token })).body.items[0].id}`,
      { token: p.token },
    );
    const billB = list.body.items.find((b: any) => b.billNo === billNo);
    expect(billB).toBeTruthy();
    await payBills(t, p, [billB.id]);
    t.clock.advance(60_000);
    const rx2 = await dispensedRx(p, false);

    const all = await medications(p, '?pageSize=50');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body).toMatchObject({ total: 5, page: 1, pageSize: 50 });
    const key = (m: any) => `${m.prescriptionId ?? m.billId}:${m.name}`;
    expect(all.body.items.map((m: any) => m.prescriptionId ?? m.billId)).toEqual([
      rx2,
      billB.id,
      billB.id,
      rx1,
      p.drug.id,
    ]);

    const pages = [];
    for (const page of [1, 2, 3, 4]) {
      const res = await medications(p, `?page=${page}&pageSize=2`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ total: 5, page, pageSize: 2 });
      pages.push(res.body.items);
    }
    expect(pages.map((x) => x.length)).toEqual([2, 2, 1, 0]);
    expect(pages.flat().map(key)).toEqual(all.body.items.map(key));
    expect(new Set(pages.flat().map(key)).size).toBe(5);
  });

  it('refuses a page size over the limit or a page below 1, and pages an empty record with total 0', async () => {
    const p = await holder();
    const tooBig = await medications(p, '?pageSize=51');
    expect(tooBig.status).toBe(400);
    const zero = await medications(p, '?page=0');
    expect(zero.status).toBe(400);
    const empty = await medications(p);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [], total: 0, page: 1, pageSize: 20 });
  });
});
