import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HisSim } from './index.js';
import type { TestApp } from '../../../apps/server/src/testing/harness.js';
import { startPlatformWithHisSim } from '../../../apps/server/src/testing/his-sim.js';
import { HIS_EVENT_SWEEP_JOB } from '../../../apps/server/src/integrations/his/outbound.js';
import {
  bookAndCheckIn,
  newPatient,
  openClinic,
  payAtSandbox,
} from '../../../apps/server/src/modules/registration/testing.js';
import { UPLOAD_JOB } from '../../../apps/server/src/modules/pharmacy/index.js';

/**
 * INS-16 with his-sim as the hospital's HIS, against the real platform (over HTTP both ways): the
 * e-prescriptions the simulated doctors sign are taken and uploaded, and the hospital-pharmacy leg
 * (platform event → HIS pharmacy bill → payment → dispensing → the platform closes it) runs through.
 *
 * Clock: 2026-11-23 09:00 Shanghai; clinics that afternoon.
 */
let t: TestApp;
let sim: HisSim;
let admin: string;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ t, sim, admin, close } = await startPlatformWithHisSim({
    sim: {
      seed: 42,
      // orders at once; the pharmacy dispenses right after the write-back
      timings: { orderMs: 0, dispenseMs: 0, performMs: null, reportMs: 0, dayMs: null, retryMs: 20 },
      admissionRate: 0,
      prescriptionRate: 1,
    },
    operations: ['his.visits.push', 'his.bills.push', 'his.execution.push', 'his.prescriptions.push'],
  }));
});
afterAll(async () => {
  await close?.();
});

/** An insured patient (visit card, 门慢门特 filings) booked into this afternoon's clinic and checked in. */
async function insuredCheckIn() {
  t.clock.set('2026-11-23T01:00:00Z');
  const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen: 0 });
  const p = await newPatient(t);
  const card = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, { token: p.token, body: {} });
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  for (const diseaseCode of ['M03900', 'M01600', 'M07800']) {
    const filed = await t.api.post('/api/v1/sandbox/prescriptions/special-disease-filings', {
      token: admin,
      body: { patientId: p.patientId, diseaseCode },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
  }
  await bookAndCheckIn(t, p, clinic.scheduleId, '2026-11-23T05:30:00Z');
  // the platform tells the HIS; the HIS opens the visit, orders, and signs the e-prescription
  await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
  await sim.idle();
  expect(sim.state.errors).toEqual([]);
  return p;
}

describe('with his-sim as the HIS: insurance e-prescriptions (INS-16)', () => {
  it("the simulated doctors' e-prescriptions are taken and uploaded: 门诊特殊病 and 双通道 ones among them", async () => {
    const seen: { kind: string; dualChannel: boolean; state: string }[] = [];
    for (let k = 0; k < 5; k++) {
      const p = await insuredCheckIn();
      const list = await t.api.get(`/api/v1/prescriptions?patientId=${p.patientId}`, { token: p.token });
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      const [rx] = list.body.items;
      expect(sim.state.prescriptions.get(rx.hisRxNo)).toMatchObject({
        state: 'issued',
        totalFen: rx.totalFen,
      });
      await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: rx.id });
      const after = await t.api.get(`/api/v1/prescriptions/${rx.id}`, { token: p.token });
      seen.push({ kind: after.body.kind, dualChannel: after.body.dualChannel, state: after.body.state });
    }
    expect(seen.every((s) => s.state === 'circulating')).toBe(true);
    expect(seen.some((s) => s.kind === 'special_disease')).toBe(true);
    expect(seen.some((s) => s.dualChannel)).toBe(true);
  });

  it('the patient chooses the hospital pharmacy: the HIS bills the drugs, the patient pays, the pharmacy dispenses and the prescription is closed', async () => {
    const p = await insuredCheckIn();
    const [rx] = (await t.api.get(`/api/v1/prescriptions?patientId=${p.patientId}`, { token: p.token })).body
      .items;
    await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: rx.id });
    const fill = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'hospital' },
    });
    expect(fill.status, JSON.stringify(fill.body)).toBe(200);
    expect(fill.body.state).toBe('at_hospital');
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    await sim.idle();
    expect(sim.state.errors).toEqual([]);

    // the pharmacy bill reaches the patient with the prescription's drugs and total
    const billNo = `${rx.hisRxNo}-YF`;
    const bills = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
    const bill = bills.body.items.find((b: any) => b.billNo === billNo);
    expect(bill).toMatchObject({ kind: 'prescription', amountFen: rx.totalFen, state: 'pending' });
    expect(sim.state.prescriptions.get(rx.hisRxNo)).toMatchObject({ state: 'at_hospital', billNo });

    const start = await t.api.post('/api/v1/bill-payments', {
      token: p.token,
      body: {
        patientId: p.patientId,
        billIds: [bill.id],
        idempotencyKey: `k-${randomBytes(6).toString('hex')}`,
      },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
    await sim.idle();
    expect(sim.state.errors).toEqual([]);
    expect(sim.state.bills.get(billNo)).toMatchObject({ state: 'paid', execution: 'dispensed' });

    const done = await t.api.get(`/api/v1/prescriptions/${rx.id}`, { token: p.token });
    expect(done.body.state).toBe('dispensed');
    expect(sim.state.prescriptions.get(rx.hisRxNo)?.state).toBe('dispensed');
  });
});
