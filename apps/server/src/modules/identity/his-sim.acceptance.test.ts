import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { HisSim } from '../../../../../packages/his-sim/src/index.js';
import type { TestApp } from '../../testing/harness.js';
import { startPlatformWithHisSim } from '../../testing/his-sim.js';
import { HIS_EVENT_SWEEP_JOB, hisOutboundEvents } from '../../integrations/his/outbound.js';
import { cardBoundEventId } from './index.js';
import { bookAndCheckIn, newPatient, openClinic } from '../registration/testing.js';
import { getPatientById } from './service.js';

/**
 * IDN-07 and visit_card.bound with the reference HIS simulator as the hospital's HIS
 * (HIS_PROVIDER=http, signed HTTP both ways): a card bound on the platform reaches the HIS, which
 * opens its file; the patient reads that file back through the platform, masked; a later check-in
 * at the clinic is a visit of the same HIS patient.
 *
 * Clock: 2026-11-23 09:00 Shanghai; clinics that afternoon (first segment 14:00).
 */
let t: TestApp;
let sim: HisSim;
let admin: string;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ t, sim, admin, close } = await startPlatformWithHisSim({
    sim: {
      seed: 7,
      timings: { orderMs: 0, dispenseMs: null, performMs: null, reportMs: 0, dayMs: null, retryMs: 20 },
      admissionRate: 0,
    },
    operations: ['his.visits.push', 'his.bills.push'],
  }));
});
afterAll(async () => {
  await close?.();
});

const hisProfile = (token: string, patientId: string) =>
  t.api.get(`/api/v1/patients/${patientId}/his-profile`, { token });
const eventsReceived = (eventId: string) =>
  sim.state.received.filter((c) => c.path === '/qingnang/v1/events' && c.body.eventId === eventId);

describe('a visit card bound on the platform, with the HIS simulator', () => {
  it('reaches the HIS once; the HIS file then shows to the patient, masked', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const p = await newPatient(t);
    const record = await getPatientById(t.app.ctx, p.patientId);
    const bound = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, {
      token: p.token,
      body: {},
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    const cardNo = bound.body.visitCardNo as string;
    const eventId = cardBoundEventId(p.patientId, cardNo);

    // Not yet delivered: the HIS has no file for the card, and says so.
    const early = await hisProfile(p.token, p.patientId);
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.code).toBe('HIS_PATIENT_NOT_FOUND');
    expect(sim.state.patients.has(cardNo)).toBe(false);

    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(eventsReceived(eventId).map((c) => c.status)).toEqual([200]);
    const [row] = await t.app.ctx.db
      .select()
      .from(hisOutboundEvents)
      .where(eq(hisOutboundEvents.eventId, eventId));
    expect(row).toMatchObject({ state: 'sent', attempts: 1, type: 'visit_card.bound' });

    // The HIS holds the full numbers it was sent over its own link ...
    const file = sim.state.patients.get(cardNo)!;
    expect(file).toMatchObject({
      visitCardNo: cardNo,
      name: record.name,
      idNumber: record.idNumber,
      phone: record.phone,
      birthDate: record.birthDate,
      platformPatientId: p.patientId,
    });

    // ... and the patient sees its file through the platform, numbers masked.
    const shown = await hisProfile(p.token, p.patientId);
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    expect(shown.body).toEqual({
      patientId: p.patientId,
      hisPatientId: file.hisPatientId,
      visitCardNo: cardNo,
      name: record.name,
      gender: record.gender,
      birthDate: record.birthDate,
      idNumberMasked: record.idNumberMasked,
      phoneMasked: record.phoneMasked,
      address: file.address,
      cardStatus: 'active',
      insuranceType: file.insuranceType,
      allergies: file.allergies,
      fileCreatedOn: file.fileCreatedOn,
      lastVisitOn: null,
    });
    expect(shown.body.hisPatientId).toMatch(/^HP\d{10}$/);
    expect(shown.raw.body).not.toContain(record.idNumber);
    expect(shown.raw.body).not.toContain(record.phone);
  });

  it('the HIS down answers 502 HIS_UNAVAILABLE, and the next look works', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const p = await newPatient(t);
    await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, { token: p.token, body: {} });
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    sim.faults.patientInfoFailures = 1;
    const down = await hisProfile(p.token, p.patientId);
    expect(down.status).toBe(502);
    expect(down.body.code).toBe('HIS_UNAVAILABLE');
    expect(sim.faults.patientInfoFailures).toBe(0);
    expect((await hisProfile(p.token, p.patientId)).status).toBe(200);
  });

  it('a simulator that lost its files (restarted) is sent the binding again when the patient looks', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const p = await newPatient(t);
    const bound = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, {
      token: p.token,
      body: {},
    });
    const cardNo = bound.body.visitCardNo as string;
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    const hisPatientId = sim.state.patients.get(cardNo)!.hisPatientId;
    sim.state.patients.delete(cardNo);
    t.clock.advance(61_000);
    const lost = await hisProfile(p.token, p.patientId);
    expect(lost.status).toBe(409);
    expect(lost.body.code).toBe('HIS_PATIENT_NOT_FOUND');
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    expect(eventsReceived(cardBoundEventId(p.patientId, cardNo)).map((c) => c.status)).toEqual([200, 200]);
    const back = await hisProfile(p.token, p.patientId);
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.hisPatientId).toBe(hisPatientId);
  });

  it('a later check-in is a visit of the same HIS patient, and the file shows it', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen: 0 });
    const p = await newPatient(t);
    const bound = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, {
      token: p.token,
      body: {},
    });
    const cardNo = bound.body.visitCardNo as string;
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    const hisPatientId = sim.state.patients.get(cardNo)!.hisPatientId;
    const { registrationId } = await bookAndCheckIn(t, p, clinic.scheduleId, '2026-11-23T05:30:00Z');
    await t.app.ctx.jobs.runNow(HIS_EVENT_SWEEP_JOB, {});
    await sim.idle();

    const visit = [...sim.state.visits.values()].find((v) => v.registrationId === registrationId);
    expect(visit?.patient.visitCardNo).toBe(cardNo);
    expect(sim.state.patients.get(cardNo)?.hisPatientId).toBe(hisPatientId);
    const shown = await hisProfile(p.token, p.patientId);
    expect(shown.body).toMatchObject({ hisPatientId, lastVisitOn: '2026-11-23' });
  });
});
