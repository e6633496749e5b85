import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { signedHeaders, type HisSim } from '../../../../../packages/his-sim/src/index.js';
import type { TestApp } from '../../testing/harness.js';
import { startPlatformWithHisSim } from '../../testing/his-sim.js';
import { loginStaff } from '../../testing/staff.js';
import { getPatientById } from '../identity/index.js';
import { abnormalOrders, paymentOrders, refunds } from '../payments/index.js';
import { checkedInEventId, registrationPaidEventId } from '../registration/index.js';
import { HIS_EVENT_SWEEP_JOB, hisEventState } from '../../integrations/his/outbound.js';
import { bookAndCheckIn, messagesOf, newPatient, openClinic, payAtSandbox } from '../registration/testing.js';
import { billWritebacks, bills } from './schema.js';
import { WRITEBACK_SWEEP_JOB } from './service.js';

/**
 * Issue 4 acceptance, with the reference HIS simulator running as the hospital's HIS: the platform
 * talks to it only over HTTP (HIS_PROVIDER=http), and it drives the platform only through the
 * signed integration API, exactly as a hospital's HIS would.
 *
 * Clock: 2026-11-23 09:00 Shanghai; clinics are that afternoon (first segment 14:00).
 */
let t: TestApp;
let sim: HisSim;
let admin: string;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ t, sim, admin, close } = await startPlatformWithHisSim({
    sim: {
      seed: 42,
      // orders at once; the pharmacy dispenses right after the write-back; lab tests only when told
      timings: { orderMs: 0, dispenseMs: 0, performMs: null, reportMs: 0, dayMs: null, retryMs: 20 },
      admissionRate: 0,
      stayDays: 2,
      abnormalRate: 0.5,
    },
    operations: [
      'his.visits.push',
      'his.bills.push',
      'his.execution.push',
      'lis.reports.push',
      'pacs.reports.push',
      'his.admissions.push',
      'his.inpatient-charges.push',
      'his.discharge.push',
    ],
  }));
});
afterAll(async () => {
  await close?.();
});

/** A patient booked into this afternoon's clinic and checked in at 13:30. */
async function checkedInPatient() {
  t.clock.set('2026-11-23T01:00:00Z');
  const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen: 0 });
  const p = await newPatient(t);
  const { registrationId, checkIn } = await bookAndCheckIn(t, p, clinic.scheduleId, '2026-11-23T05:30:00Z');
  expect(checkIn.state).toBe('checked_in');
  return { ...p, registrationId };
}

/** The event job runs, the HIS opens the visit and places its orders, the bills reach the patient. */
async function billsAfterCheckIn(p: Awaited<ReturnType<typeof checkedInPatient>>) {
  await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
  await sim.idle();
  expect(sim.state.errors).toEqual([]);
  const list = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
  expect(list.status).toBe(200);
  return list.body.items as any[];
}

async function pay(p: { token: string; patientId: string }, billIds: string[]) {
  const start = await t.api.post('/api/v1/bill-payments', {
    token: p.token,
    body: { patientId: p.patientId, billIds, idempotencyKey: `k-${randomBytes(6).toString('hex')}` },
  });
  expect(start.status, JSON.stringify(start.body)).toBe(201);
  await payAtSandbox(t, p.token, start.body.orderId, start.body.orderNo);
  await sim.idle();
  return start.body as { id: string; orderId: string; orderNo: string; amountFen: number };
}

const billRow = async (id: string) => (await t.app.ctx.db.select().from(bills).where(eq(bills.id, id)))[0];

describe('with his-sim as the HIS: check-in to refund (issue 4 acceptance)', () => {
  it('check-in → bills appear → two paid at once → HIS write-back → guidance → unexecuted refunded online, executed sent to the counter', async () => {
    const p = await checkedInPatient();
    // The check-in is recorded for the HIS and delivered once by the job, with the patient and doctor.
    expect(await hisEventState(t.app.ctx, checkedInEventId(p.registrationId))).toMatchObject({
      state: 'pending',
      attempts: 0,
    });
    const items = await billsAfterCheckIn(p);
    expect(await hisEventState(t.app.ctx, checkedInEventId(p.registrationId))).toMatchObject({
      state: 'sent',
      attempts: 1,
    });
    const event = sim.state.received.find((c) => c.path === '/qingnang/v1/events')!;
    expect(event.body).toMatchObject({
      type: 'registration.checked_in',
      eventId: checkedInEventId(p.registrationId),
      registration: { id: p.registrationId, clinicDate: '2026-11-23', queueNumber: 1 },
      patient: { id: p.patientId, name: '张三' },
    });
    expect(event.body.doctor.name).toBeTruthy();

    const visit = [...sim.state.visits.values()].find((v) => v.registrationId === p.registrationId)!;
    expect(items.map((b) => b.billNo).sort()).toEqual([...visit.billNos].sort());
    const drug = items.find((b) => b.kind === 'prescription');
    const lab = items.find((b) => b.kind === 'lab');
    expect(drug).toMatchObject({ state: 'pending', execDepartment: '门诊西药房' });
    expect(lab).toMatchObject({ state: 'pending', execDepartment: '检验科' });
    expect(drug.items.length).toBeGreaterThan(0);
    expect(drug.amountFen).toBe(drug.items.reduce((s: number, i: any) => s + i.amountFen, 0));

    // Two bills in one payment; the HIS takes the write-back once and answers its receipt number.
    const payment = await pay(p, [drug.id, lab.id]);
    expect(payment.amountFen).toBe(drug.amountFen + lab.amountFen);
    const wb = sim.state.writeBacks.get(payment.orderNo)!;
    expect(wb.billNos.sort()).toEqual([drug.billNo, lab.billNo].sort());
    expect(wb.amountFen).toBe(payment.amountFen);

    const receipt = await t.api.get(`/api/v1/bill-payments/${payment.id}`, { token: p.token });
    expect(receipt.body.writeBack).toMatchObject({ state: 'done', attempts: 1, hisReceiptNo: wb.receiptNo });
    const drugOnReceipt = receipt.body.bills.find((b: any) => b.id === drug.id);
    expect(drugOnReceipt.guidance).toMatchObject({
      department: '门诊西药房',
      location: '门诊楼1层 3号发药窗口',
    });
    expect(drugOnReceipt.guidance.zh).toContain('取药');
    expect(receipt.body.bills.find((b: any) => b.id === lab.id).guidance.zh).toContain('检验科');
    expect(await messagesOf(t, p.accountId, 'bill.paid')).toBe(1);

    // The pharmacy dispensed the drugs right after the write-back (his-sim pushed it): counter only.
    expect(await billRow(drug.id)).toMatchObject({ executionStatus: 'dispensed', state: 'confirmed' });
    const refused = await t.api.post(`/api/v1/bill-payments/${payment.id}/refund`, {
      token: p.token,
      body: { billIds: [drug.id] },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('GO_TO_COUNTER');
    expect(refused.body.details).toMatchObject({ reason: 'EXECUTED', billNo: drug.billNo });

    // The lab test was not performed: refunded online, the HIS cancels it.
    const ok = await t.api.post(`/api/v1/bill-payments/${payment.id}/refund`, {
      token: p.token,
      body: { billIds: [lab.id] },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ amountFen: lab.amountFen, state: 'succeeded' });
    expect(await billRow(lab.id)).toMatchObject({ state: 'refunded' });
    expect(await billRow(drug.id)).toMatchObject({ state: 'confirmed' });
    expect(sim.state.bills.get(lab.billNo)!.state).toBe('refunded');
    expect(sim.state.bills.get(drug.billNo)!.state).toBe('paid');
    const [o] = await t.app.ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, payment.orderId));
    expect(o).toMatchObject({ state: 'partially_refunded', refundedFen: lab.amountFen });

    // A second delivery of the same check-in opens no second visit.
    await t.app.ctx.adapters.his.publishEvent(t.app.ctx, event.body as any);
    await sim.idle();
    expect([...sim.state.visits.values()].filter((v) => v.registrationId === p.registrationId)).toHaveLength(
      1,
    );
  });

  it('HIS write-back down → retried by the job → automatic full refund after N failures, listed for finance', async () => {
    const p = await checkedInPatient();
    const items = await billsAfterCheckIn(p);
    const max = t.app.ctx.config.BILL_WRITEBACK_MAX_ATTEMPTS;
    sim.faults.writeBackFailures = 1000;
    let payment: Awaited<ReturnType<typeof pay>>;
    try {
      payment = await pay(
        p,
        items.map((b) => b.id),
      );
      for (let i = 2; i <= max; i++) {
        t.clock.advance(31 * 60_000);
        await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB, {});
      }
    } finally {
      sim.faults.writeBackFailures = 0;
    }
    // The HIS was asked N times and took nothing.
    const asked = sim.state.received.filter(
      (c) => c.path === '/qingnang/v1/bill-writebacks' && c.body.orderNo === payment.orderNo,
    );
    expect(asked.map((c) => c.status)).toEqual(Array(max).fill(503));
    expect(sim.state.writeBacks.has(payment.orderNo)).toBe(false);

    const [wb] = await t.app.ctx.db
      .select()
      .from(billWritebacks)
      .where(eq(billWritebacks.paymentId, payment.id));
    expect(wb).toMatchObject({ state: 'failed', attempts: max });
    expect(wb.lastError).toContain('HIS_BUSY');
    const [r] = await t.app.ctx.db.select().from(refunds).where(eq(refunds.id, wb.refundId!));
    expect(r).toMatchObject({ amountFen: payment.amountFen, state: 'succeeded' });
    const [o] = await t.app.ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, payment.orderId));
    expect(o).toMatchObject({ state: 'refunded', refundedFen: payment.amountFen });
    const abnormal = await t.app.ctx.db.select().from(abnormalOrders).where(eq(abnormalOrders.orderId, o.id));
    expect(abnormal.map((a) => a.reason)).toEqual(['HIS_WRITEBACK_FAILED']);
    for (const b of items) expect((await billRow(b.id)).state).toBe('pending');

    const finance = await loginStaff(t, 'finance');
    const list = await t.api.get('/api/v1/admin/bill-writeback-failures', { token: finance.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ paymentId: payment.id, orderNo: payment.orderNo, attempts: max }),
      ]),
    );
    // A later sweep asks the HIS no more and refunds nothing twice.
    t.clock.advance(60 * 60_000);
    await t.app.ctx.jobs.runNow(WRITEBACK_SWEEP_JOB, {});
    expect(await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, o.id))).toHaveLength(1);
    expect(
      sim.state.received.filter(
        (c) => c.path === '/qingnang/v1/bill-writebacks' && c.body.orderNo === payment.orderNo,
      ),
    ).toHaveLength(max);
  });

  it('a lab report published by his-sim reaches the patient with a flagged indicator', async () => {
    const p = await checkedInPatient();
    const items = await billsAfterCheckIn(p);
    const lab = items.find((b) => b.kind === 'lab');
    await pay(p, [lab.id]);
    // The lab performs the test; the LIS publishes the report.
    await sim.execute(lab.billNo);
    await sim.idle();
    expect(sim.state.errors).toEqual([]);
    expect(await billRow(lab.id)).toMatchObject({ executionStatus: 'performed' });
    const published = [...sim.state.reports.values()].find((r) => r.billNo === lab.billNo)!;
    expect(published.flagged.length).toBeGreaterThan(0);

    const list = await t.api.get(`/api/v1/reports?patientId=${p.patientId}&kind=lab`, { token: p.token });
    expect(list.status).toBe(200);
    const mine = list.body.items.find((r: any) => r.reportNo === published.reportNo);
    expect(mine).toMatchObject({ kind: 'lab', status: 'final' });
    const detail = await t.api.get(`/api/v1/reports/${mine.id}`, { token: p.token });
    expect(detail.status).toBe(200);
    const flagged = detail.body.observations.filter((o: any) => o.flag === 'H' || o.flag === 'L');
    expect(flagged.length).toBeGreaterThan(0);
    const one = flagged.find((o: any) => typeof o.value === 'number')!;
    expect(one.flag === 'H' ? one.value > one.refHigh : one.value < one.refLow).toBe(true);
    // A stranger sees it exactly like a missing report.
    const stranger = await newPatient(t);
    const foreign = await t.api.get(`/api/v1/reports/${mine.id}`, { token: stranger.token });
    const missing = await t.api.get('/api/v1/reports/00000000-0000-4000-8000-000000000000', {
      token: stranger.token,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
  });
});

describe('with his-sim as the HIS: an inpatient stay', () => {
  it('admitted by the HIS, deposit written back to it, daily charges, discharge and the surplus refunded', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const p = await newPatient(t);
    const holder = await getPatientById(t.app.ctx, p.patientId);
    const a = await sim.admit({ name: holder.name, idNumber: holder.idNumber });
    const bound = await t.api.post('/api/v1/admissions/bind', {
      token: p.token,
      body: { patientId: p.patientId, admissionNo: a.admissionNo, name: holder.name },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    expect(bound.body).toMatchObject({ ward: a.ward, state: 'admitted' });

    // A deposit paid online reaches the HIS inpatient account over HTTP, once.
    const dep = await t.api.post(`/api/v1/admissions/${bound.body.id}/deposits`, {
      token: p.token,
      body: { amountFen: 300_000, idempotencyKey: `dep-${randomBytes(6).toString('hex')}` },
    });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    await payAtSandbox(t, p.token, dep.body.paymentOrder.id, dep.body.paymentOrder.orderNo);
    const atHis = [...sim.state.deposits.values()].filter((d) => d.admissionNo === a.admissionNo);
    expect(atHis).toEqual([expect.objectContaining({ amountFen: 300_000 })]);
    const deposits = await t.api.get(`/api/v1/admissions/${bound.body.id}/deposits`, { token: p.token });
    expect(deposits.body.items[0]).toMatchObject({ state: 'paid', hisState: 'confirmed' });

    // Two ward days are charged, then the HIS discharges the patient with their total.
    await sim.nextDay(a.admissionNo);
    await sim.nextDay(a.admissionNo);
    expect(a.days).toBe(2);
    const during = await t.api.get(`/api/v1/admissions/${bound.body.id}`, { token: p.token });
    expect(during.body).toMatchObject({ chargesFen: a.totalFen, balanceFen: 300_000 - a.totalFen });
    const day1 = new Date(Date.parse(a.admittedAt) + 8 * 3600_000).toISOString().slice(0, 10); // Shanghai
    const lists = await t.api.get(`/api/v1/admissions/${bound.body.id}/daily-lists?date=${day1}`, {
      token: p.token,
    });
    expect(lists.status, JSON.stringify(lists.body)).toBe(200);
    expect(lists.body.items.map((i: any) => i.lineId)).toEqual(
      expect.arrayContaining([`${a.admissionNo}-D1-C0101`, `${a.admissionNo}-D1-C0201`]),
    );
    await sim.nextDay(a.admissionNo);
    expect(a.discharged).toBe(true);
    const settlement = await t.api.get(`/api/v1/admissions/${bound.body.id}/settlement`, { token: p.token });
    expect(settlement.status, JSON.stringify(settlement.body)).toBe(200);
    expect(settlement.body).toMatchObject({
      chargesFen: a.totalFen,
      refundableFen: 300_000 - a.totalFen,
      dueFen: 0,
    });
    const refunded = await t.api.post(`/api/v1/admissions/${bound.body.id}/settlement/refund`, {
      token: p.token,
    });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    expect(refunded.body.settlementState).toBe('refunded');
    // The HIS is told the settlement was made online.
    expect(sim.state.settlements.filter((x) => x.admissionNo === a.admissionNo)).toEqual([
      { admissionNo: a.admissionNo, kind: 'refunded', amountFen: 300_000 - a.totalFen },
    ]);
    expect(sim.state.errors).toEqual([]);
  });
});

describe('platform → HIS events', () => {
  it('a check-in succeeds while the HIS is down; the event is retried until the HIS takes it, once', async () => {
    sim.faults.eventFailures = 2;
    const p = await checkedInPatient(); // the check-in itself never waits for the HIS
    const id = checkedInEventId(p.registrationId);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(await hisEventState(t.app.ctx, id)).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await hisEventState(t.app.ctx, id))!.lastError).toContain('HIS_BUSY');
    // Not due yet: nothing is sent.
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(await hisEventState(t.app.ctx, id)).toMatchObject({ attempts: 1 });
    t.clock.advance(20_000);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(await hisEventState(t.app.ctx, id)).toMatchObject({ state: 'pending', attempts: 2 });
    t.clock.advance(40_000);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    await sim.idle();
    expect(await hisEventState(t.app.ctx, id)).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
    expect(
      sim.state.received
        .filter((c) => c.path === '/qingnang/v1/events' && c.body.eventId === id)
        .map((c) => c.status),
    ).toEqual([503, 503, 200]);
    const list = await t.api.get(`/api/v1/bills?patientId=${p.patientId}`, { token: p.token });
    expect(list.body.items.length).toBeGreaterThanOrEqual(2);
    // Delivered: later sweeps send nothing more.
    t.clock.advance(3600_000);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(sim.state.received.filter((c) => c.body.eventId === id)).toHaveLength(3);
  });

  it('a booking paid online is written to the HIS; cancelling it online cancels it there first', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24', feeFen: 5000 });
    const p = await newPatient(t);
    const booked = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: {
        patientId: p.patientId,
        scheduleId: clinic.scheduleId,
        idempotencyKey: `paid-${randomBytes(6).toString('hex')}`,
      },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(await hisEventState(t.app.ctx, registrationPaidEventId(booked.body.id))).toBeUndefined();
    await payAtSandbox(t, p.token, booked.body.payment.orderId, booked.body.payment.orderNo);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(await hisEventState(t.app.ctx, registrationPaidEventId(booked.body.id))).toMatchObject({
      state: 'sent',
    });
    expect(sim.state.registrations.get(booked.body.id)).toMatchObject({
      clinicDate: '2026-11-24',
      orderNo: booked.body.payment.orderNo,
      cancelled: false,
      patient: { name: '张三' },
    });
    // No visit is opened before the check-in.
    expect([...sim.state.visits.values()].some((v) => v.registrationId === booked.body.id)).toBe(false);

    const cancelled = await t.api.post(`/api/v1/registrations/${booked.body.id}/cancel`, {
      token: p.token,
      body: {},
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(sim.state.cancellations.get(booked.body.id)).toMatchObject({ amountFen: 5000 });
    expect(sim.state.registrations.get(booked.body.id)!.cancelled).toBe(true);
  });

  it('a paid booking cancelled before its event went out is not written to the HIS afterwards', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24', feeFen: 5000 });
    const p = await newPatient(t);
    const booked = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: {
        patientId: p.patientId,
        scheduleId: clinic.scheduleId,
        idempotencyKey: `late-${randomBytes(6).toString('hex')}`,
      },
    });
    await payAtSandbox(t, p.token, booked.body.payment.orderId, booked.body.payment.orderNo);
    const cancelled = await t.api.post(`/api/v1/registrations/${booked.body.id}/cancel`, {
      token: p.token,
      body: {},
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    const ev = await hisEventState(t.app.ctx, registrationPaidEventId(booked.body.id));
    expect(ev).toMatchObject({ state: 'failed' });
    expect(ev!.lastError).toContain('SUPERSEDED');
    expect(sim.state.registrations.has(booked.body.id)).toBe(false);
    expect(sim.state.cancellations.has(booked.body.id)).toBe(true);
  });

  it('unsigned or wrongly signed calls to the HIS are refused by his-sim', async () => {
    const res = await fetch(`${sim.url}/qingnang/v1/bill-writebacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'X', bills: [] }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('SIGNATURE_MISSING');
    const body = JSON.stringify({ orderNo: 'X', bills: [] });
    const forged = await fetch(`${sim.url}/qingnang/v1/bill-writebacks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(
          'qingnang',
          'not-the-his-secret-000',
          'POST',
          '/qingnang/v1/bill-writebacks',
          body,
          // a fresh timestamp by the platform's clock, so only the signature is wrong
          Math.floor(t.clock.now().getTime() / 1000),
          randomBytes(8).toString('hex'),
        ),
      },
      body,
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { code: string }).code).toBe('SIGNATURE_INVALID');
    expect(sim.state.writeBacks.has('X')).toBe(false);
  });
});
