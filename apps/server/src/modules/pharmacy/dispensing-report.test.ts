import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { SandboxHis } from '../../integrations/his/index.js';
import type { SandboxPrescriptionCentre } from '../../integrations/insurance/prescriptions.js';
import { cardHolder, circulating, openPrescriptionChannel, type HisCall } from './test-helpers.js';
import { prescriptionEvents } from './schema.js';
import { REPORT_DISPENSED_JOB, reportHospitalDispensing } from './dispensing-report.js';

let t: TestApp;
let his: HisCall;
let centre: SandboxPrescriptionCentre;

beforeAll(async () => {
  t = await createTestApp({ adapters: { his: new SandboxHis() } });
  centre = t.app.ctx.adapters.prescriptionCentre as SandboxPrescriptionCentre;
  his = await openPrescriptionChannel(t);
});
afterAll(async () => t?.close());

/** A circulating prescription the patient chose to fill at the hospital pharmacy. */
async function atHospital() {
  const p = await cardHolder(t);
  const rx = await circulating(t, his, p);
  const fill = await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
    token: p.token,
    body: { where: 'hospital' },
  });
  expect(fill.status, JSON.stringify(fill.body)).toBe(200);
  expect((await centre.query(t.app.ctx, rx.hiRxNo)).state).toBe('at_hospital');
  return { p, rx };
}

async function eventsOf(id: string, kind: string) {
  return t.app.ctx.db
    .select()
    .from(prescriptionEvents)
    .where(and(eq(prescriptionEvents.prescriptionId, id), eq(prescriptionEvents.kind, kind)));
}

const settlement = { totalFen: 4700, fundFen: 3290, accountFen: 1410, cashFen: 0 };

describe('the hospital pharmacy dispensing is reported to the e-prescription centre (取药结果上传)', () => {
  it('after the HIS reports the dispensing, the centre shows it dispensed by the hospital pharmacy', async () => {
    const { rx } = await atHospital();
    const done = await his(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, { settlement });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('dispensed');
    // the state change does not wait for the centre: the report is a job
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).state).toBe('at_hospital');

    await t.app.ctx.jobs.runNow(REPORT_DISPENSED_JOB, { prescriptionId: rx.id });
    const record = await centre.query(t.app.ctx, rx.hiRxNo);
    expect(record.state).toBe('dispensed');
    expect(record.pharmacyCode).toBe('HOSPITAL');
    expect(record.dispensed).toMatchObject({
      pharmacyCode: 'HOSPITAL',
      pharmacyName: '医院药房',
      ...settlement,
    });
    expect(centre.dispensingReports.filter((n) => n === rx.hiRxNo)).toHaveLength(1);
    expect(await eventsOf(rx.id, 'centre_reported')).toHaveLength(1);

    // a repeated job, a repeated HIS push and the sweep report nothing more
    await t.app.ctx.jobs.runNow(REPORT_DISPENSED_JOB, { prescriptionId: rx.id });
    const repeat = await his(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, { settlement });
    expect(repeat.status).toBe(200);
    await t.app.ctx.jobs.runNow(REPORT_DISPENSED_JOB, {});
    expect(centre.dispensingReports.filter((n) => n === rx.hiRxNo)).toHaveLength(1);
    expect(await eventsOf(rx.id, 'centre_reported')).toHaveLength(1);
  });

  it('centre down: the report is retried until the centre takes it, and is taken once', async () => {
    const { rx } = await atHospital();
    centre.failing = true;
    try {
      const done = await his(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, {});
      // the HIS's report is accepted even while the centre is down
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body.state).toBe('dispensed');
      // the queued attempt fails (the job system retries it) and the sweep leaves it due
      await expect(t.app.ctx.jobs.runNow(REPORT_DISPENSED_JOB, { prescriptionId: rx.id })).rejects.toThrow();
      await t.app.ctx.jobs.runNow(REPORT_DISPENSED_JOB, {});
      expect(await eventsOf(rx.id, 'centre_reported')).toHaveLength(0);
      expect(centre.dispensingReports).not.toContain(rx.hiRxNo);
    } finally {
      centre.failing = false;
    }
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).state).toBe('at_hospital');

    // the centre is back: the sweep reports it, and a late retry of the job adds nothing
    await t.app.ctx.jobs.runNow(REPORT_DISPENSED_JOB, {});
    await t.app.ctx.jobs.runNow(REPORT_DISPENSED_JOB, { prescriptionId: rx.id });
    const record = await centre.query(t.app.ctx, rx.hiRxNo);
    expect(record.state).toBe('dispensed');
    // no settlement from the HIS: the whole amount was paid in cash
    expect(record.dispensed).toMatchObject({
      pharmacyCode: 'HOSPITAL',
      totalFen: 4700,
      fundFen: 0,
      cashFen: 4700,
    });
    expect(centre.dispensingReports.filter((n) => n === rx.hiRxNo)).toHaveLength(1);
    expect(await eventsOf(rx.id, 'centre_reported')).toHaveLength(1);
  });

  it('two workers reporting at once: the centre takes it once and it is recorded once', async () => {
    const { rx } = await atHospital();
    centre.failing = true;
    await his(`/api/integration/v1/prescriptions/${rx.hisRxNo}/dispensed`, { settlement });
    centre.failing = false;
    const results = await Promise.all([
      reportHospitalDispensing(t.app.ctx, rx.id),
      reportHospitalDispensing(t.app.ctx, rx.id),
    ]);
    expect(results.every((r) => r === 'reported' || r === 'already')).toBe(true);
    expect(centre.dispensingReports.filter((n) => n === rx.hiRxNo)).toHaveLength(1);
    expect(await eventsOf(rx.id, 'centre_reported')).toHaveLength(1);
  });

  it('a prescription not dispensed at the hospital is not reported', async () => {
    const p = await cardHolder(t);
    const rx = await circulating(t, his, p);
    expect(await reportHospitalDispensing(t.app.ctx, rx.id)).toBe('not_applicable');
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).state).toBe('circulating');
    // the centre refuses a result for a prescription that is not waiting at the hospital
    await expect(
      centre.reportDispensed(t.app.ctx, rx.hiRxNo, { at: new Date(), settlementNo: null, ...settlement }),
    ).rejects.toMatchObject({ code: 'RX_STATE', retryable: false });
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).state).toBe('circulating');
  });
});
