import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { loginStaff } from '../../testing/staff.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { openChannel, type SignedCall } from '../../testing/channels.js';
import { auditPatientAccess } from '../../platform/audit.js';
import {
  auditLog,
  auditPatientAccess as accessRows,
  rolePermissions,
  staffUsers,
} from '../../platform/schema.js';
import { departments } from '../directory/index.js';
import { blindIndexOf, getPatientById } from '../identity/index.js';
import { patients } from '../identity/index.js';
import { recordPatientAccess } from './service.js';

let t: TestApp;
let push: SignedCall;
let department: { id: string; name: string };

beforeAll(async () => {
  t = await createTestApp();
  push = await openChannel(t, ['lis.reports.push'], { kind: 'other', name: '检验系统' });
  [department] = await t.app.ctx.db
    .select({ id: departments.id, name: departments.name })
    .from(departments)
    .limit(1);
  // The operator works in a department, so the patient sees where the reader sits.
  await t.app.ctx.db
    .update(staffUsers)
    .set({ departmentId: department.id })
    .where(eq(staffUsers.username, 'operator'));
  // This hospital lets its doctors open reports in the console too.
  await t.app.ctx.db
    .insert(rolePermissions)
    .values({ roleCode: 'doctor', permission: 'patients.read' })
    .onConflictDoNothing();
});
afterAll(async () => t.close());

let seq = 0;
async function newPatient() {
  seq++;
  const phone = `1370001${String(5000 + seq).padStart(4, '0')}`;
  const { token, accountId } = await loginPatient(t, phone);
  const idNumber = makeResidentId('19880415', '110106', String(500 + seq));
  const p = await addPatient(t, token, { idNumber, phone, name: '李四' });
  return { token, accountId, patientId: p.id, idNumber };
}

async function pushReport(idNumber: string) {
  const res = await push('/api/integration/v1/his/lis/reports', {
    reportNo: `AL${Date.now().toString(36)}${++seq}`,
    kind: 'lab',
    patient: { name: '李四', idNumber },
    title: '血常规',
    department: '检验科',
    status: 'final',
    reportedAt: t.clock.now().toISOString(),
    observations: [{ code: 'WBC', name: '白细胞', value: 6.1, unit: '10^9/L', refLow: 3.5, refHigh: 9.5 }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.reportId as string;
}

const accessLogOf = (patientId: string, token: string, query = '') =>
  t.api.get(`/api/v1/patients/${patientId}/access-log${query}`, { token });

describe('patients see who looked at their records (PIPL Art. 45)', () => {
  it('the patient service opening a patient file in the console appears in that person’s log, on the ground of service', async () => {
    const me = await newPatient();
    const op = await loginStaff(t, 'operator');
    t.clock.advance(60_000);
    expect((await t.api.get(`/api/v1/admin/patients/${me.patientId}`, { token: op.token })).status).toBe(200);

    const log = await accessLogOf(me.patientId, me.token);
    expect(log.body.total).toBe(1);
    expect(log.body.items[0]).toMatchObject({
      recordKind: 'patient_profile',
      ground: 'service',
      actor: { kind: 'staff', roles: [{ code: 'operator' }] },
    });
    // an id that names nobody is audited as a failed read and reaches no patient's log
    const missing = await t.api.get(`/api/v1/admin/patients/${randomUUID()}`, { token: op.token });
    expect(missing.status).toBe(404);
    expect((await accessLogOf(me.patientId, me.token)).body.total).toBe(1);
  });

  it('a staff member who opens a report appears in the patient’s log by role and department, never by name', async () => {
    const me = await newPatient();
    const reportId = await pushReport(me.idNumber);
    expect((await accessLogOf(me.patientId, me.token)).body).toMatchObject({ items: [], total: 0 });

    const op = await loginStaff(t, 'operator');
    t.clock.advance(60_000);
    const readAt = t.clock.now().toISOString();
    expect((await t.api.get(`/api/v1/admin/reports/${reportId}`, { token: op.token })).status).toBe(200);

    const log = await accessLogOf(me.patientId, me.token);
    expect(log.status).toBe(200);
    expect(log.body.total).toBe(1);
    expect(log.body.items[0]).toMatchObject({
      at: readAt,
      recordKind: 'report',
      ground: 'service',
      objectType: 'report',
      objectId: reportId,
      actor: {
        kind: 'staff',
        roles: [{ code: 'operator', zh: expect.any(String), en: expect.any(String) }],
        department: department.name,
      },
    });
    // the staff member's own name and username stay with the hospital
    expect(JSON.stringify(log.body)).not.toMatch(/运营专员|"operator"[^,]*username/);
    expect(log.body.items[0].actor).not.toHaveProperty('name');

    // state left behind: the staff audit row and the access row are one record, with the ground
    const [row] = await t.app.ctx.db
      .select({ access: accessRows, log: auditLog })
      .from(accessRows)
      .innerJoin(auditLog, eq(auditLog.id, accessRows.auditId))
      .where(eq(accessRows.objectId, reportId));
    expect(row.log).toMatchObject({ action: 'report.read', actorKind: 'staff', actorId: op.id });
    expect(row.access).toMatchObject({
      ground: 'service',
      recordKind: 'report',
      subjectPersonIdx: blindIndexOf(t.app.ctx, me.idNumber),
      actorRoles: ['operator'],
      actorDepartmentId: department.id,
    });
  });

  it('a doctor’s read is on the ground of treatment, and the log is newest first and paged', async () => {
    const me = await newPatient();
    const reportId = await pushReport(me.idNumber);
    const op = await loginStaff(t, 'operator');
    const doctor = await loginStaff(t, 'doctor');
    await t.api.get(`/api/v1/admin/reports/${reportId}`, { token: op.token });
    t.clock.advance(5 * 60_000);
    const doctorRead = await t.api.get(`/api/v1/admin/reports/${reportId}`, { token: doctor.token });
    expect(doctorRead.status, JSON.stringify(doctorRead.body)).toBe(200);

    // the demo doctor belongs to a department: the entry names it
    const [doctorRow] = await t.app.ctx.db
      .select({ department: departments.name })
      .from(staffUsers)
      .leftJoin(departments, eq(departments.id, staffUsers.departmentId))
      .where(eq(staffUsers.username, 'doctor'));
    const first = await accessLogOf(me.patientId, me.token, '?pageSize=1');
    expect(first.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({
      ground: 'treatment',
      actor: { kind: 'staff', roles: [{ code: 'doctor' }], department: doctorRow.department },
    });
    const second = await accessLogOf(me.patientId, me.token, '?pageSize=1&page=2');
    expect(second.body.items[0]).toMatchObject({
      ground: 'service',
      actor: { roles: [{ code: 'operator' }] },
    });
    expect((await accessLogOf(me.patientId, me.token, '?pageSize=500')).status).toBe(400);
  });

  it('another account’s patient or an unknown id answers 404 like every patient route, and nothing is recorded', async () => {
    const a = await newPatient();
    const b = await newPatient();
    const before = await t.app.ctx.db.select({ n: sql<number>`count(*)::int` }).from(accessRows);
    const foreign = await accessLogOf(a.patientId, b.token);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'PATIENT_NOT_FOUND' });
    const unknown = await accessLogOf('5d0c1a5e-0000-4000-8000-000000000000', b.token);
    expect(unknown.status).toBe(404);
    expect((await t.api.get(`/api/v1/patients/${a.patientId}/access-log`)).status).toBe(401);
    const after = await t.app.ctx.db.select({ n: sql<number>`count(*)::int` }).from(accessRows);
    expect(after[0].n).toBe(before[0].n);
  });

  it('a family account reading with consent shows by relation and masked phone, on the ground of consent', async () => {
    const me = await newPatient();
    const family = await loginPatient(t, '13700029901');
    const self = await getPatientById(t.app.ctx, me.patientId);
    // The family account's own patient record of the same person (consent granted).
    const held = { ...self, id: randomUUID(), accountId: family.accountId, relation: 'spouse' as const };
    await recordPatientAccess(
      t.app.ctx,
      { accountId: family.accountId },
      {
        patient: { ...held, consentState: 'granted' },
        recordKind: 'bill',
        objectType: 'bill',
        objectId: 'B1',
      },
    );
    // the holder reading their own records is no "other account"
    await recordPatientAccess(
      t.app.ctx,
      { accountId: me.accountId },
      { patient: self, recordKind: 'report', objectType: 'report' },
    );
    // a second account holds the person as its "parent": to the person, that reader is their child
    const child = await loginPatient(t, '13700029902');
    t.clock.advance(1000);
    await recordPatientAccess(
      t.app.ctx,
      { accountId: child.accountId },
      {
        patient: { ...self, id: randomUUID(), relation: 'parent', consentState: 'granted' },
        recordKind: 'prescription',
        objectType: 'prescription',
      },
    );
    const log = await accessLogOf(me.patientId, me.token);
    expect(log.body.total).toBe(2);
    expect(log.body.items[0]).toMatchObject({
      recordKind: 'prescription',
      ground: 'consent',
      actor: { kind: 'account', relation: 'child', relationZh: '子女', phoneMasked: '137****9902' },
    });
    expect(log.body.items[1]).toMatchObject({
      recordKind: 'bill',
      ground: 'consent',
      actor: { kind: 'account', relation: 'spouse', relationZh: '配偶', phoneMasked: '137****9901' },
    });
  });

  it('a family account that opens a report with consent appears in the person’s own log', async () => {
    const me = await newPatient();
    const reportId = await pushReport(me.idNumber);
    const family = await loginPatient(t, '13700029903');
    const held = await addPatient(t, family.token, {
      name: '李四',
      idNumber: me.idNumber,
      phone: '13700029904',
      relation: 'spouse',
    });
    // the person confirmed the consent code sent to their phone (IDN-10)
    await t.app.ctx.db
      .update(patients)
      .set({ consentState: 'granted', consentAt: t.clock.now() })
      .where(eq(patients.id, held.id));
    const read = await t.api.get(`/api/v1/reports/${reportId}`, { token: family.token });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    // the holder reading their own report is not "another account"
    expect((await t.api.get(`/api/v1/reports/${reportId}`, { token: me.token })).status).toBe(200);

    const log = await accessLogOf(me.patientId, me.token);
    expect(log.body.total).toBe(1);
    expect(log.body.items[0]).toMatchObject({
      recordKind: 'report',
      ground: 'consent',
      objectId: reportId,
      actor: { kind: 'account', relation: 'spouse', phoneMasked: '137****9903' },
    });
    // the family account's own view of that member leaves out its own reads
    expect((await accessLogOf(held.id, family.token)).body.total).toBe(0);
  });

  it('a read without a ground cannot be written: not by the type, not by the database', async () => {
    const me = await newPatient();
    const fakeReq = { principal: { kind: 'staff', id: 'x', roles: [] } } as unknown as FastifyRequest;
    const entry = {
      action: 'report.read',
      objectType: 'report',
      recordKind: 'report' as const,
      subjects: { patientId: me.patientId },
    };
    const withoutGround = () =>
      // @ts-expect-error a staff read path cannot leave out the ground
      auditPatientAccess(t.app.ctx, fakeReq, entry);
    await expect(withoutGround()).rejects.toThrow();
    // @ts-expect-error nor name no subject at all
    const noSubject: Parameters<typeof auditPatientAccess>[2]['subjects'] = { objectId: 'r1' };
    expect(noSubject).toEqual({ objectId: 'r1' });
    const rows = await t.app.ctx.db
      .select()
      .from(accessRows)
      .where(and(eq(accessRows.subjectPatientId, me.patientId)));
    expect(rows).toHaveLength(0);
  });

  it('the audit log and the access log refuse UPDATE, DELETE and TRUNCATE', async () => {
    const me = await newPatient();
    const reportId = await pushReport(me.idNumber);
    const op = await loginStaff(t, 'operator');
    await t.api.get(`/api/v1/admin/reports/${reportId}`, { token: op.token });
    const db = t.app.ctx.db;
    const refusal = (q: SQL) =>
      db.execute(q).then(
        () => 'done',
        (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
      );
    const [row] = await db.select().from(accessRows).where(eq(accessRows.objectId, reportId));
    expect(
      await refusal(sql`UPDATE audit_patient_access SET ground = 'treatment' WHERE id = ${row.id}`),
    ).toMatch(/append-only/);
    expect(await refusal(sql`DELETE FROM audit_patient_access WHERE id = ${row.id}`)).toMatch(/append-only/);
    expect(
      await refusal(sql`UPDATE audit_log SET actor_id = 'someone-else' WHERE id = ${row.auditId}`),
    ).toMatch(/append-only/);
    expect(await refusal(sql`DELETE FROM audit_log WHERE id = ${row.auditId}`)).toMatch(/append-only/);
    expect(await refusal(sql`TRUNCATE audit_patient_access`)).toMatch(/append-only/);
    expect(await refusal(sql`TRUNCATE audit_log CASCADE`)).toMatch(/append-only/);
    // the database also refuses an access row without a ground
    await expect(
      db.execute(sql`INSERT INTO audit_patient_access (audit_id, at, subject_patient_id, record_kind,
        ground, actor_kind, actor_id, object_type) VALUES (${row.auditId}, now(), ${me.patientId},
        'report', NULL, 'staff', 'x', 'report')`),
    ).rejects.toThrow();
    const [still] = await db.select().from(accessRows).where(eq(accessRows.id, row.id));
    expect(still).toMatchObject({ ground: 'service', auditId: row.auditId });
    expect((await accessLogOf(me.patientId, me.token)).body.total).toBe(1);
  });
});
