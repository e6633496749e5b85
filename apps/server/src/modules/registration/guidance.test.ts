import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { newPatient, openClinic, payAtSandbox } from './test-helpers.js';

// GUIDE-04/05: after booking, and after check-in, the registration tells the patient where to go.
// The clock starts on Monday 2026-11-23 at 09:00 in Shanghai; the afternoon's first segment is 14:00.
let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp({ config: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
  admin = (await loginStaff(t, 'admin')).token;
});
afterAll(async () => t?.close());

describe('where to go after booking and after check-in (GUIDE-04, GUIDE-05)', () => {
  it('a paid booking names the check-in time and the department’s place; after check-in, the place and the queue number', async () => {
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-23', slotsPerSegment: 2 });
    const moved = await t.api.patch(`/api/v1/admin/departments/${clinic.departmentId}`, {
      token: admin,
      body: { location: '门诊楼3层 B区' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const p = await newPatient(t);
    const booked = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: {
        patientId: p.patientId,
        scheduleId: clinic.scheduleId,
        segmentId: clinic.segments[0].id,
        idempotencyKey: 'guide-test-1',
      },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    // locked for payment: nowhere to go yet
    expect(booked.body.guidance).toBeNull();
    await payAtSandbox(t, p.token, booked.body.payment.orderId, booked.body.payment.orderNo);

    const detail = await t.api.get(`/api/v1/registrations/${booked.body.id}`, { token: p.token });
    expect(detail.body.state).toBe('booked');
    expect(detail.body.guidance).toMatchObject({ step: 'check_in', location: '门诊楼3层 B区' });
    // the check-in window of the 14:00 segment: from an hour before until 30 minutes after its start
    expect(detail.body.guidance.zh).toContain('请于 2026-11-23 13:00-14:30 取号');
    expect(detail.body.guidance.zh).toContain('门诊楼3层 B区');
    expect(detail.body.guidance.zh).toContain(detail.body.departmentName);

    t.clock.set(new Date('2026-11-23T05:30:00Z')); // 13:30, check-in is open
    const checkedIn = await t.api.post(`/api/v1/registrations/${booked.body.id}/check-in`, {
      token: p.token,
      body: {},
    });
    expect(checkedIn.status, JSON.stringify(checkedIn.body)).toBe(200);
    const after = await t.api.get(`/api/v1/registrations/${booked.body.id}`, { token: p.token });
    expect(after.body.guidance).toMatchObject({ step: 'wait', location: '门诊楼3层 B区' });
    expect(after.body.guidance.zh).toContain(`排队号为 ${after.body.queueNumber}`);
  });

  it('a cancelled registration gives no directions', async () => {
    t.clock.set(new Date('2026-11-23T01:00:00Z'));
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24' });
    const p = await newPatient(t);
    const booked = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: { patientId: p.patientId, scheduleId: clinic.scheduleId, idempotencyKey: 'guide-test-2' },
    });
    const cancelled = await t.api.post(`/api/v1/registrations/${booked.body.id}/cancel`, {
      token: p.token,
      body: {},
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBeLessThan(300);
    const detail = await t.api.get(`/api/v1/registrations/${booked.body.id}`, { token: p.token });
    expect(detail.body.state).toBe('cancelled');
    expect(detail.body.guidance).toBeNull();
  });
});
