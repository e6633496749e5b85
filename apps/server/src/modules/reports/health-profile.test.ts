import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { auditLog } from '../../platform/schema.js';
import { newPatient } from '../registration/testing.js';
import { healthProfiles } from './health-profile.js';

// RPT-12 患者健康档案: the patient's own health information, family history and lifestyle, with
// the visit records; staff read it in the console, audited.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const save = (p: { token: string; patientId: string }, body: Record<string, unknown>) =>
  t.api.put(`/api/v1/health-record/profile?patientId=${p.patientId}`, { token: p.token, body });

describe('personal health record (RPT-12)', () => {
  it('a patient fills in health information, family history and lifestyle and reads it back with a BMI', async () => {
    const p = await newPatient(t);
    const empty = await t.api.get(`/api/v1/health-record/profile?patientId=${p.patientId}`, {
      token: p.token,
    });
    expect(empty.status).toBe(200);
    expect(empty.body.profile).toMatchObject({ version: 0, allergies: [], familyHistory: [] });
    expect(empty.body.basic.idNumberMasked).toContain('*');
    expect(empty.body.visitRecords).toEqual({ outpatient: [], inpatient: [] });

    const saved = await save(p, {
      version: 0,
      bloodType: 'A',
      heightCm: 170,
      weightKg: 65,
      allergies: ['青霉素'],
      chronicConditions: ['高血压'],
      familyHistory: [{ relation: 'father', condition: '糖尿病' }],
      smoking: 'never',
      drinking: 'occasional',
      exercise: 'weekly',
      diet: '清淡，少盐',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, bmi: 22.5, allergies: ['青霉素'] });

    const partial = await save(p, { version: 1, smoking: 'former' });
    expect(partial.status).toBe(200);
    const read = await t.api.get(`/api/v1/health-record/profile?patientId=${p.patientId}`, {
      token: p.token,
    });
    expect(read.body.profile).toMatchObject({
      version: 2,
      smoking: 'former',
      bloodType: 'A',
      familyHistory: [{ relation: 'father', condition: '糖尿病' }],
      diet: '清淡，少盐',
    });
  });

  it('an edit made on a stale version is refused and nothing is overwritten; bad input is refused', async () => {
    const p = await newPatient(t);
    expect((await save(p, { version: 0, allergies: ['花粉'] })).status).toBe(200);
    const stale = await save(p, { version: 0, allergies: ['海鲜'] });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('HEALTH_PROFILE_CHANGED');
    const [row] = await t.app.ctx.db
      .select()
      .from(healthProfiles)
      .where(eq(healthProfiles.patientId, p.patientId));
    expect(row).toMatchObject({ allergies: ['花粉'], version: 1 });

    for (const bad of [
      { version: 1, heightCm: 900 },
      { version: 1, bloodType: 'Z' },
      { version: 1, familyHistory: [{ relation: 'neighbour', condition: 'x' }] },
      { version: 1, unknownField: true },
      { allergies: ['x'] },
    ]) {
      const r = await save(p, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    const [after] = await t.app.ctx.db
      .select()
      .from(healthProfiles)
      .where(eq(healthProfiles.patientId, p.patientId));
    expect(after).toMatchObject({ version: 1, heightCm: null });
  });

  it("another account's patient is answered like a missing one; staff read it masked and the reading is audited", async () => {
    const p = await newPatient(t);
    await save(p, { version: 0, chronicConditions: ['哮喘'] });
    const stranger = await newPatient(t);
    const foreign = await t.api.get(`/api/v1/health-record/profile?patientId=${p.patientId}`, {
      token: stranger.token,
    });
    expect(foreign.status).toBe(404);
    const foreignEdit = await save(
      { token: stranger.token, patientId: p.patientId },
      { version: 1, diet: 'x' },
    );
    expect(foreignEdit.status).toBe(404);

    const operator = await loginStaff(t, 'operator');
    const staffView = await t.api.get(`/api/v1/admin/health-records/${p.patientId}`, {
      token: operator.token,
    });
    expect(staffView.status).toBe(200);
    expect(staffView.body.profile.chronicConditions).toEqual(['哮喘']);
    expect(staffView.body.basic.name).toContain('*');
    const audited = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'health_record.read'), eq(auditLog.objectId, p.patientId)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorKind: 'staff', actorId: operator.id });

    const doctorless = await loginStaff(t, 'finance');
    const denied = await t.api.get(`/api/v1/admin/health-records/${p.patientId}`, {
      token: doctorless.token,
    });
    expect(denied.status).toBe(403);
  });
});
