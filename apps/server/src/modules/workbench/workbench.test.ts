import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { addTestDoctor } from '../scheduling/testing.js';
import { bookAndCheckIn, newPatient, openClinic, type Clinic } from '../registration/testing.js';

// Issue 15, defects 12 and 13: every role's home shows what is theirs today; doctors and nurses see
// their own clinics and their department's, not the hospital's; every role can fill the console's
// department and doctor filters. Monday 2026-11-23; the stories run at 13:10 in Shanghai.
const TODAY = '2026-11-23';

let t: TestApp;
let admin: string;
let docA: { doctorId: string; departmentId: string };
let docB: { doctorId: string; departmentId: string };
let clinicA: Clinic; // doctor A in A's department: the demo doctor's own clinic
let clinicBinA: Clinic; // doctor B covering A's department: the nurse's, not the doctor's
let clinicB: Clinic; // doctor B in B's own department: neither's
const regs: Record<string, string> = {};

const q = (text: string, params: unknown[]) => t.app.ctx.database.raw.query(text, params);
const tokenOf = async (username: string) => (await loginStaff(t, username)).token;
const get = async (username: string, url: string) => t.api.get(url, { token: await tokenOf(username) });

beforeAll(async () => {
  t = await createTestApp({ config: { ACCESS_TOKEN_TTL_SECONDS: '8640000' } });
  t.clock.set('2026-11-23T01:00:00Z'); // 09:00
  admin = (await loginStaff(t, 'admin')).token;
  docA = await addTestDoctor(t);
  docB = await addTestDoctor(t);
  // the administrator links the demo accounts: the doctor is doctor A, the nurse works in A's department
  await q('UPDATE staff_users SET doctor_id = $1, department_id = $2 WHERE username = $3', [
    docA.doctorId,
    docA.departmentId,
    'doctor',
  ]);
  await q('UPDATE staff_users SET doctor_id = NULL, department_id = $1 WHERE username = $2', [
    docA.departmentId,
    'nurse',
  ]);
  const free = { clinicDate: TODAY, feeFen: 0, slotsPerSegment: 3 };
  clinicA = await openClinic(t, admin, { ...free, doctor: docA });
  clinicBinA = await openClinic(t, admin, {
    ...free,
    doctor: { doctorId: docB.doctorId, departmentId: docA.departmentId },
  });
  clinicB = await openClinic(t, admin, { ...free, doctor: docB });

  // two patients with doctor A: one checks in at 13:10, one is still to come; one with each other clinic
  const [p1, p2, p3, p4] = [
    await newPatient(t),
    await newPatient(t),
    await newPatient(t),
    await newPatient(t),
  ];
  const book = async (p: { token: string; patientId: string }, scheduleId: string) => {
    const res = await t.api.post('/api/v1/registrations', {
      token: p.token,
      body: { patientId: p.patientId, scheduleId, idempotencyKey: `wb-${scheduleId}-${p.patientId}` },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  regs.a2 = await book(p2, clinicA.scheduleId);
  regs.bInA = await book(p3, clinicBinA.scheduleId);
  regs.b = await book(p4, clinicB.scheduleId);
  regs.a1 = (await bookAndCheckIn(t, p1, clinicA.scheduleId, '2026-11-23T05:10:00Z')).registrationId;
});
afterAll(async () => t?.close());

describe("a doctor's home and lists", () => {
  it("shows the doctor's clinics today with booked patients, names masked, queue numbers and states", async () => {
    const res = await get('doctor', '/api/v1/admin/workbench');
    expect(res.status).toBe(200);
    expect(res.body.date).toBe(TODAY);
    expect(res.body.staff).toMatchObject({ doctorId: docA.doctorId, departmentId: docA.departmentId });
    expect(res.body.doctor.clinics.map((c: { scheduleId: string }) => c.scheduleId)).toEqual([
      clinicA.scheduleId,
    ]);
    const [clinic] = res.body.doctor.clinics;
    expect(clinic).toMatchObject({ booked: 2, checkedIn: 1, waiting: 1, noShow: 0, total: 12 });
    expect(clinic.patients).toEqual([
      expect.objectContaining({
        registrationId: regs.a2,
        patientName: '张*',
        state: 'booked',
        queueNumber: null,
      }),
      expect.objectContaining({
        registrationId: regs.a1,
        patientName: '张*',
        state: 'checked_in',
        queueNumber: 1,
      }),
    ]);
    // a doctor's home has no other role's sections
    expect(res.body.nurse).toBeUndefined();
    expect(res.body.overview).toBeUndefined();
    expect(res.body.pharmacist).toBeUndefined();
  });

  it("the booking list holds only the doctor's own clinics; another doctor's list and booking are refused", async () => {
    const list = await get('doctor', `/api/v1/admin/registrations?date=${TODAY}&pageSize=100`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { id: string }) => r.id).sort()).toEqual([regs.a1, regs.a2].sort());
    expect(list.body.total).toBe(2);

    const other = await get('doctor', `/api/v1/admin/registrations?doctorId=${docB.doctorId}`);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('OUTSIDE_CLINICAL_SCOPE');
    expect(other.body.message.zh).toBe('只能查看本人出诊或本科室的门诊');

    const clinics = await get('doctor', `/api/v1/admin/workbench/clinics?doctorId=${docB.doctorId}`);
    expect(clinics.status).toBe(403);
    expect(clinics.body.code).toBe('OUTSIDE_CLINICAL_SCOPE');

    const one = await get('doctor', `/api/v1/admin/registrations/${regs.bInA}`);
    expect(one.status).toBe(404);
    const own = await get('doctor', `/api/v1/admin/registrations/${regs.a1}`);
    expect(own.status).toBe(200);
  });

  it('a doctor account an administrator never linked is told so, not shown the hospital', async () => {
    const created = await t.api.post('/api/v1/admin/users', {
      token: await tokenOf('admin'),
      body: {
        username: 'doctor_unlinked',
        displayName: '未关联医生',
        password: 'Unlinked@2026',
        roles: ['doctor'],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await q('UPDATE staff_users SET must_change_password = false WHERE username = $1', ['doctor_unlinked']);
    const token = (await loginStaff(t, 'doctor_unlinked', 'Unlinked@2026')).token;
    const list = await t.api.get(`/api/v1/admin/registrations?date=${TODAY}`, { token });
    expect(list.status).toBe(403);
    expect(list.body.code).toBe('STAFF_NOT_LINKED');
    const home = await t.api.get('/api/v1/admin/workbench', { token });
    expect(home.status).toBe(200);
    expect(home.body.notLinked.code).toBe('STAFF_NOT_LINKED');
    expect(home.body.doctor).toBeUndefined();
  });
});

describe("a nurse's home and lists", () => {
  it("shows the department's clinics today with check-in counts", async () => {
    const res = await get('nurse', '/api/v1/admin/workbench');
    expect(res.status).toBe(200);
    expect(res.body.nurse.departmentId).toBe(docA.departmentId);
    const ids = res.body.nurse.clinics.map((c: { scheduleId: string }) => c.scheduleId).sort();
    expect(ids).toEqual([clinicA.scheduleId, clinicBinA.scheduleId].sort());
    expect(res.body.nurse.totals).toEqual({ clinics: 2, booked: 3, checkedIn: 1, waiting: 2, noShow: 0 });
    expect(res.body.doctor).toBeUndefined();
  });

  it("the booking list holds the department's clinics only; another department is refused", async () => {
    const list = await get('nurse', `/api/v1/admin/registrations?date=${TODAY}&pageSize=100`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { id: string }) => r.id).sort()).toEqual(
      [regs.a1, regs.a2, regs.bInA].sort(),
    );
    const other = await get('nurse', `/api/v1/admin/registrations?departmentId=${docB.departmentId}`);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('OUTSIDE_CLINICAL_SCOPE');
  });
});

describe('the other roles', () => {
  it('operators and finance see the hospital: today’s key counts and every booking', async () => {
    for (const username of ['operator', 'finance', 'admin']) {
      const res = await get(username, '/api/v1/admin/workbench');
      expect(res.status, username).toBe(200);
      expect(res.body.overview.registrations, username).toMatchObject({
        booked: 4,
        checkedIn: 1,
        waiting: 3,
      });
      expect(res.body.overview.clinics, username).toBeGreaterThanOrEqual(3);
      expect(res.body.doctor, username).toBeUndefined();
    }
    const list = await get('finance', `/api/v1/admin/registrations?date=${TODAY}&pageSize=100`);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining([regs.a1, regs.a2, regs.bInA, regs.b]),
    );
  });

  it("the pharmacist's home lists the prescriptions to handle; the medic's says emergency is not available", async () => {
    const rx = await get('pharmacist', '/api/v1/admin/workbench');
    expect(rx.status).toBe(200);
    expect(rx.body.pharmacist).toMatchObject({ toDispense: 0, uploadFailed: 0, items: [] });
    expect(rx.body.overview).toBeUndefined();

    const medic = await get('medic', '/api/v1/admin/workbench');
    expect(medic.status).toBe(200);
    expect(medic.body.medic).toMatchObject({
      available: false,
      reasonCode: 'EMERGENCY_NOT_AVAILABLE',
      items: [],
    });
    expect(medic.body.medic.message.zh).toContain('尚未上线');
    expect(Object.keys(medic.body).sort()).toEqual(['date', 'medic', 'staff']);
  });

  it('a patient cannot open a staff home', async () => {
    const p = await newPatient(t);
    const res = await t.api.get('/api/v1/admin/workbench', { token: p.token });
    expect(res.status).toBe(403);
  });
});

describe('console filters for every role (directory look-up)', () => {
  it('every staff role reads the department and doctor look-up; editing the directory stays refused', async () => {
    for (const username of ['admin', 'operator', 'doctor', 'nurse', 'pharmacist', 'finance', 'medic']) {
      const token = await tokenOf(username);
      const depts = await t.api.get('/api/v1/admin/lookup/departments', { token });
      expect(depts.status, username).toBe(200);
      expect(
        depts.body.items.some((d: { id: string }) => d.id === docA.departmentId),
        username,
      ).toBe(true);
      const doctors = await t.api.get(`/api/v1/admin/lookup/doctors?departmentId=${docA.departmentId}`, {
        token,
      });
      expect(doctors.status, username).toBe(200);
      expect(doctors.body.items, username).toEqual([
        expect.objectContaining({
          id: docA.doctorId,
          title: 'chief_physician',
          titleZh: '主任医师',
          departmentIds: [docA.departmentId, docA.departmentId.replace('dep-a-', 'dep-b-')],
        }),
      ]);
    }
    const manage = await get('finance', '/api/v1/admin/departments');
    expect(manage.status).toBe(403);
    const anonymous = await t.api.get('/api/v1/admin/lookup/departments');
    expect(anonymous.status).toBe(401);
  });
});
