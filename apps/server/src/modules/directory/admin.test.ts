import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { DEMO_CODES } from './seed.js';

let t: TestApp;
let admin: string;
let operator: string;
let finance: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginStaff(t, 'admin')).token;
  operator = (await loginStaff(t, 'operator')).token;
  finance = (await loginStaff(t, 'finance')).token;
});
afterAll(async () => t.close());

const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.database.raw.query<{ n: number }>(sql, params)).rows[0].n);
const idOf = async (table: string, code: string) =>
  (await t.database.raw.query<{ id: string }>(`SELECT id FROM ${table} WHERE code = $1`, [code])).rows[0].id;
const audits = (action: string, objectId: string) =>
  count('SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND object_id = $2', [action, objectId]);

describe('an operator maintaining departments', () => {
  it('adds a category and a department under it; patients see it in the tree; the writes are audited', async () => {
    const parent = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: { code: 'TJ', name: '体检中心', sort: 99 },
    });
    expect(parent.status).toBe(201);
    const child = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: {
        code: 'TJ01',
        name: '健康管理科',
        parentId: parent.body.id,
        introduction: '<p onclick="steal()">个人及团体健康体检</p><script>alert(1)</script>',
        strengths: '入职体检、老年人体检',
      },
    });
    expect(child.status).toBe(201);
    expect(child.body.introduction).toBe('<p>个人及团体健康体检</p>');

    const tree = (await t.api.get('/api/v1/departments')).body.items;
    const node = tree.find((p: any) => p.id === parent.body.id);
    expect(node.children.map((c: any) => c.name)).toEqual(['健康管理科']);
    expect(await audits('directory.department.create', child.body.id)).toBe(1);

    const renamed = await t.api.patch(`/api/v1/admin/departments/${child.body.id}`, {
      token: operator,
      body: { name: '健康管理中心', enabled: false },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('健康管理中心');
    // a disabled department disappears for patients
    expect((await t.api.get(`/api/v1/departments/${child.body.id}`)).status).toBe(404);
    expect(await audits('directory.department.update', child.body.id)).toBe(1);
  });

  it('keeps departments to two levels: the parent must be a top-level category', async () => {
    const cardiology = await idOf('departments', DEMO_CODES.departments.cardiology);
    const before = await count('SELECT count(*)::int AS n FROM departments');
    const res = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: { code: 'NK0101', name: '心脏康复门诊', parentId: cardiology },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('DEPARTMENT_PARENT_NOT_TOP_LEVEL');
    expect(res.body.message.zh).toBeTruthy();
    expect(res.body.message.en).toBeTruthy();
    const unknown = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: { code: 'X01', name: '某科', parentId: 'nope' },
    });
    expect(unknown.body.code).toBe('DEPARTMENT_PARENT_UNKNOWN');
    // a category with departments cannot itself move under another category
    const internal = await idOf('departments', 'NK');
    const surgery = await idOf('departments', 'WK');
    const move = await t.api.patch(`/api/v1/admin/departments/${internal}`, {
      token: operator,
      body: { parentId: surgery },
    });
    expect(move.body.code).toBe('DEPARTMENT_PARENT_INVALID');
    expect(await count('SELECT count(*)::int AS n FROM departments')).toBe(before);
    expect(
      await count('SELECT count(*)::int AS n FROM departments WHERE id = $1 AND parent_id IS NULL', [
        internal,
      ]),
    ).toBe(1);
  });

  it('refuses a duplicate code, a blank name, and deleting a department that has children or doctors', async () => {
    const dup = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: { code: DEMO_CODES.departments.cardiology, name: '另一个心内科' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DEPARTMENT_CODE_TAKEN');
    const blank = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: { code: 'B1', name: '  ' },
    });
    expect(blank.status).toBe(400);
    expect(blank.body.code).toBe('DEPARTMENT_NAME_REQUIRED');
    expect(
      await count("SELECT count(*)::int AS n FROM departments WHERE code IN ('B1') OR name = '另一个心内科'"),
    ).toBe(0);

    const internal = await idOf('departments', 'NK');
    const withChildren = await t.api.delete(`/api/v1/admin/departments/${internal}`, { token: operator });
    expect(withChildren.status).toBe(409);
    expect(withChildren.body.code).toBe('DEPARTMENT_HAS_CHILDREN');
    const cardiology = await idOf('departments', DEMO_CODES.departments.cardiology);
    const withDoctors = await t.api.delete(`/api/v1/admin/departments/${cardiology}`, { token: operator });
    expect(withDoctors.status).toBe(409);
    expect(withDoctors.body.code).toBe('DEPARTMENT_HAS_DOCTORS');
    expect(
      await count('SELECT count(*)::int AS n FROM departments WHERE id IN ($1, $2)', [internal, cardiology]),
    ).toBe(2);

    const empty = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: { code: 'TMP', name: '临时科室' },
    });
    expect(
      (await t.api.delete(`/api/v1/admin/departments/${empty.body.id}`, { token: operator })).status,
    ).toBe(204);
    expect(await count('SELECT count(*)::int AS n FROM departments WHERE id = $1', [empty.body.id])).toBe(0);
    expect(await audits('directory.department.delete', empty.body.id)).toBe(1);
  });
});

describe('an operator maintaining doctors', () => {
  it('adds a doctor in two departments; patients find the doctor by pinyin initials', async () => {
    const a = await idOf('departments', DEMO_CODES.departments.endocrinology);
    const b = await idOf('departments', DEMO_CODES.departments.nephrology);
    const res = await t.api.post('/api/v1/admin/doctors', {
      token: operator,
      body: {
        code: 'D9001',
        name: '单于飞',
        title: 'associate_chief',
        gender: 'male',
        specialties: ['糖尿病肾病', '痛风'],
        introduction: '副主任医师，擅长糖尿病肾病。',
        departmentIds: [a, b],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.departmentIds).toEqual([a, b]);
    // 单 reads shan as a surname and dan elsewhere: both find him
    for (const q of ['syf', 'dyf']) {
      const found = await t.api.get(`/api/v1/doctors?q=${q}&pageSize=100`);
      expect(
        found.body.items.map((d: any) => d.id),
        q,
      ).toContain(res.body.id);
    }
    expect(await audits('directory.doctor.create', res.body.id)).toBe(1);

    const disabled = await t.api.patch(`/api/v1/admin/doctors/${res.body.id}`, {
      token: operator,
      body: { enabled: false, departmentIds: [a] },
    });
    expect(disabled.body.departmentIds).toEqual([a]);
    expect((await t.api.get(`/api/v1/doctors/${res.body.id}`)).status).toBe(404);
    const consoleList = await t.api.get('/api/v1/admin/doctors?q=D9001', { token: operator });
    expect(consoleList.body.items.map((d: any) => d.enabled)).toEqual([false]);
  });

  it('refuses an unknown department, no department and a duplicate code, and writes no doctor', async () => {
    const before = await count('SELECT count(*)::int AS n FROM doctors');
    const unknown = await t.api.post('/api/v1/admin/doctors', {
      token: operator,
      body: {
        code: 'D9101',
        name: '王五',
        title: 'attending',
        gender: 'male',
        departmentIds: ['no-such-dept'],
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('DEPARTMENT_UNKNOWN');
    expect(unknown.body.details.departmentIds).toEqual(['no-such-dept']);
    const none = await t.api.post('/api/v1/admin/doctors', {
      token: operator,
      body: { code: 'D9102', name: '王六', title: 'attending', gender: 'male', departmentIds: [] },
    });
    expect(none.body.code).toBe('DOCTOR_DEPARTMENT_REQUIRED');
    const cardiology = await idOf('departments', DEMO_CODES.departments.cardiology);
    const dup = await t.api.post('/api/v1/admin/doctors', {
      token: operator,
      body: { code: 'D0001', name: '王七', title: 'attending', gender: 'male', departmentIds: [cardiology] },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DOCTOR_CODE_TAKEN');
    const badTitle = await t.api.post('/api/v1/admin/doctors', {
      token: operator,
      body: { code: 'D9103', name: '王八', title: 'professor', gender: 'male', departmentIds: [cardiology] },
    });
    expect(badTitle.body.code).toBe('VALIDATION_FAILED');
    expect(await count('SELECT count(*)::int AS n FROM doctors')).toBe(before);
  });
});

describe('featured disciplines and recommended doctors', () => {
  it('features an enabled department and recommends an enabled doctor once', async () => {
    const eye = await idOf('departments', DEMO_CODES.departments.ophthalmology);
    const f = await t.api.post('/api/v1/admin/featured-disciplines', {
      token: operator,
      body: { departmentId: eye, title: '近视防控中心', description: '儿童青少年近视防控', sort: 100 },
    });
    expect(f.status).toBe(201);
    const list = (await t.api.get('/api/v1/featured-disciplines')).body.items;
    expect(list.find((x: any) => x.id === f.body.id)).toMatchObject({
      departmentId: eye,
      title: '近视防控中心',
    });

    const unknown = await t.api.post('/api/v1/admin/featured-disciplines', {
      token: operator,
      body: { departmentId: 'nope', title: 'x' },
    });
    expect(unknown.body.code).toBe('DEPARTMENT_UNKNOWN');
    const off = await t.api.post('/api/v1/admin/departments', {
      token: operator,
      body: { code: 'OFF1', name: '停用科室', enabled: false },
    });
    const disabled = await t.api.post('/api/v1/admin/featured-disciplines', {
      token: operator,
      body: { departmentId: off.body.id, title: 'x' },
    });
    expect(disabled.body.code).toBe('DEPARTMENT_DISABLED');

    const doctor = await idOf('doctors', 'D0030');
    const r = await t.api.post('/api/v1/admin/recommended-doctors', {
      token: operator,
      body: { doctorId: doctor, reason: '骨科专家' },
    });
    expect(r.status).toBe(201);
    const again = await t.api.post('/api/v1/admin/recommended-doctors', {
      token: operator,
      body: { doctorId: doctor, reason: '再推荐一次' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DOCTOR_ALREADY_RECOMMENDED');
    expect(
      await count('SELECT count(*)::int AS n FROM recommended_doctors WHERE doctor_id = $1', [doctor]),
    ).toBe(1);
    const nobody = await t.api.post('/api/v1/admin/recommended-doctors', {
      token: operator,
      body: { doctorId: 'nobody' },
    });
    expect(nobody.body.code).toBe('DOCTOR_UNKNOWN');
    const recommended = (await t.api.get('/api/v1/recommended-doctors')).body.items;
    expect(recommended.find((x: any) => x.id === r.body.id).doctor.id).toBe(doctor);
  });
});

describe('the hospital, campuses, buildings and floors', () => {
  it('updates the hospital introduction (sanitised) and adds a campus with a building and floor', async () => {
    const current = (await t.api.get('/api/v1/admin/hospital', { token: operator })).body;
    const put = await t.api.put('/api/v1/admin/hospital', {
      token: operator,
      body: {
        name: current.name,
        level: current.level,
        introduction: '<p>新简介<img src="javascript:alert(1)" onerror="x()"></p>',
        honours: ['全国文明单位'],
        leadership: [{ name: '林书华', position: '院长' }],
      },
    });
    expect(put.status).toBe(200);
    expect((await t.api.get('/api/v1/hospital')).body.introduction).toBe('<p>新简介<img></p>');
    expect(await audits('directory.hospital.update', 'hospital')).toBe(1);

    const campus = await t.api.post('/api/v1/admin/campuses', {
      token: operator,
      body: { name: '西院', address: '青囊市西湖区文三路1号', lat: 30.28, lng: 120.12 },
    });
    expect(campus.status).toBe(201);
    expect(campus.body.navigationUrl).toContain('coord:30.28,120.12');
    const building = await t.api.post('/api/v1/admin/buildings', {
      token: operator,
      body: { campusId: campus.body.id, name: '1号楼' },
    });
    const floor = await t.api.post('/api/v1/admin/floors', {
      token: operator,
      body: {
        buildingId: building.body.id,
        label: '1F',
        level: 1,
        facilities: ['挂号收费处', '药房<script>'],
      },
    });
    expect(floor.status).toBe(201);
    const dupFloor = await t.api.post('/api/v1/admin/floors', {
      token: operator,
      body: { buildingId: building.body.id, label: '1F', level: 1 },
    });
    expect(dupFloor.body.code).toBe('FLOOR_LABEL_TAKEN');
    const detail = await t.api.get(`/api/v1/campuses/${campus.body.id}`);
    expect(detail.body.buildings[0].floors[0].facilities).toEqual(['挂号收费处', '药房<script>']);
    const plan = await t.api.get(detail.body.buildings[0].floors[0].floorPlanUrl);
    expect(plan.body).toContain('西院 · 1号楼 · 1F');
    expect(plan.body).toContain('药房&lt;script&gt;');
    expect(plan.body).not.toContain('<script>');

    const inUse = await t.api.delete(`/api/v1/admin/campuses/${campus.body.id}`, { token: operator });
    expect(inUse.body.code).toBe('CAMPUS_IN_USE');
    const badCoords = await t.api.post('/api/v1/admin/campuses', {
      token: operator,
      body: { name: '北院', address: '某地', lat: 95, lng: 120 },
    });
    expect(badCoords.status).toBe(400);
  });
});

describe('who may maintain the directory', () => {
  it('refuses staff without the permission, patients and anonymous callers, and writes nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM departments');
    const res = await t.api.post('/api/v1/admin/departments', {
      token: finance,
      body: { code: 'FIN1', name: '财务科' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PERMISSION_DENIED');
    expect((await t.api.get('/api/v1/admin/doctors', { token: finance })).status).toBe(403);
    expect((await t.api.put('/api/v1/admin/hospital', { token: finance, body: { name: 'x' } })).status).toBe(
      403,
    );
    expect((await t.api.post('/api/v1/admin/departments', { body: { code: 'A', name: 'B' } })).status).toBe(
      401,
    );
    expect(await count('SELECT count(*)::int AS n FROM departments')).toBe(before);
    // the admin holds every permission
    expect((await t.api.get('/api/v1/admin/departments', { token: admin })).status).toBe(200);
  });
});
