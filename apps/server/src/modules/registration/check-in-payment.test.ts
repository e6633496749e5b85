import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { messagesOf, newPatient, openClinic, payAtSandbox } from './test-helpers.js';

/**
 * A hospital that lets patients book without paying first and collects the fee at 取号 (REG-17),
 * and only inside the campus geofence (about 500 m around the main gate).
 */
let t: TestApp;
let admin: string;
const CAMPUS = { lat: 39.9087, lng: 116.3975 };

beforeAll(async () => {
  t = await createTestApp({
    config: {
      REGISTRATION_PREPAY_REQUIRED: 'false',
      CHECKIN_GEOFENCE_LAT: String(CAMPUS.lat),
      CHECKIN_GEOFENCE_LNG: String(CAMPUS.lng),
      CHECKIN_GEOFENCE_RADIUS_M: '500',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
    },
  });
});
beforeEach(async () => {
  t.clock.set('2026-11-23T01:00:00Z');
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());

describe('paying the fee at check-in, inside the campus', () => {
  it('a booking is confirmed unpaid; check-in asks for the fee and the payment checks the patient in', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen: 3000 });
    const p = await newPatient(t);
    const booked = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: 'pay-later-0001' },
    });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ state: 'booked', payment: null, lockExpiresAt: null });

    t.clock.set('2026-11-23T05:30:00Z'); // 13:30, the first segment starts at 14:00
    const checkIn = (body: Record<string, unknown>) =>
      t.api.post(`/api/v1/registrations/${booked.body.id}/check-in`, { token: p.token, body });

    const noLocation = await checkIn({});
    expect(noLocation.status).toBe(400);
    expect(noLocation.body.code).toBe('CHECKIN_LOCATION_REQUIRED');
    const away = await checkIn({ lat: 39.95, lng: 116.3975 }); // about 4.6 km north
    expect(away.status).toBe(403);
    expect(away.body.code).toBe('CHECKIN_OUTSIDE_CAMPUS');

    const unpaid = await checkIn({ lat: 39.9101, lng: 116.3975 }); // about 150 m away
    expect(unpaid.status).toBe(402);
    expect(unpaid.body.code).toBe('CHECKIN_PAYMENT_REQUIRED');
    expect(unpaid.body.details.amountFen).toBe(3000);
    // asking again reuses the same order
    const again = await checkIn({ lat: 39.9101, lng: 116.3975 });
    expect(again.body.details.orderId).toBe(unpaid.body.details.orderId);

    await payAtSandbox(t, p.token, unpaid.body.details.orderId, unpaid.body.details.orderNo);
    const detail = await t.api.get(`/api/v1/registrations/${booked.body.id}`, { token: p.token });
    expect(detail.body).toMatchObject({ state: 'checked_in', queueNumber: 1 });
    expect(detail.body.payment.state).toBe('paid');
    expect(await messagesOf(t, p.accountId, 'registration.checked-in')).toBe(1);
  });

  it('a patient with an open registration cannot be removed from the account', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24', feeFen: 0 });
    const p = await newPatient(t);
    const r = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: 'guard-test-0001' },
    });
    expect(r.status).toBe(201);
    const removed = await t.api.delete(`/api/v1/patients/${p.patientId}`, { token: p.token });
    expect(removed.status).toBe(409);
    expect(removed.body.code).toBe('PATIENT_HAS_LIVE_REGISTRATIONS');
  });

  it('加号 makes a sold-out segment bookable again, with the next number', async () => {
    const clinic = await openClinic(t, admin, {
      clinicDate: '2026-11-24',
      feeFen: 0,
      segmentMinutes: 240,
      slotsPerSegment: 1,
    });
    const [a, b] = [await newPatient(t), await newPatient(t)];
    const book = (p: { token: string; patientId: string }, k: string) =>
      t.api.post('/api/v1/registrations', {
        token: p.token,
        body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: k },
      });
    expect((await book(a, 'extra-a-0001')).status).toBe(201);
    expect((await book(b, 'extra-b-0001')).body.code).toBe('SLOTS_SOLD_OUT');
    const extra = await t.api.post(`/api/v1/admin/schedules/${clinic.scheduleId}/extra-slots`, {
      token: admin,
      body: { segmentId: clinic.segments[0].id, count: 1 },
    });
    expect(extra.body.numbers).toEqual([2]);
    const second = await book(b, 'extra-b-0002');
    expect(second.status).toBe(201);
    expect(second.body.slotNumber).toBe(2);
  });
});
