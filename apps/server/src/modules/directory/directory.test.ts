import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginPatient } from '../../testing/patients.js';
import { DEMO_CODES } from './seed.js';
import { getDepartment, getDoctor, getDoctorCard, listDoctorsOfDepartment } from './service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function departmentId(code: string): Promise<string> {
  const { rows } = await t.database.raw.query<{ id: string }>('SELECT id FROM departments WHERE code = $1', [
    code,
  ]);
  return rows[0].id;
}
async function doctorId(code: string): Promise<string> {
  const { rows } = await t.database.raw.query<{ id: string }>('SELECT id FROM doctors WHERE code = $1', [
    code,
  ]);
  return rows[0].id;
}

describe('a patient browsing the hospital without logging in', () => {
  it('reads the hospital overview with its history, honours, leadership and key departments', async () => {
    const res = await t.api.get('/api/v1/hospital');
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('青囊市第一人民医院');
    expect(res.body.level).toBe('三级甲等');
    expect(res.body.introduction).toContain('<p>');
    expect(res.body.honours.length).toBeGreaterThan(3);
    expect(res.body.leadership[0]).toMatchObject({ name: expect.any(String), position: expect.any(String) });
    expect(res.body.keyDepartments.length).toBeGreaterThan(0);
  });

  it('finds both campuses with a Tencent Maps link for directions', async () => {
    const res = await t.api.get('/api/v1/campuses');
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: any) => c.name)).toEqual(['本部', '东院']);
    const main = res.body.items[0];
    expect(main.navigationUrl).toBe(
      `https://apis.map.qq.com/uri/v1/marker?marker=coord:${main.lat},${main.lng};title:${encodeURIComponent(
        main.name,
      )};addr:${encodeURIComponent(main.address)}&referer=qingnang`,
    );
    expect(main.routeUrls.bus).toBe(
      `https://apis.map.qq.com/uri/v1/routeplan?type=bus&to=${encodeURIComponent(main.name)}&tocoord=${main.lat},${main.lng}&referer=qingnang`,
    );
  });

  it('sees a campus site plan: buildings, floors and which departments are on each floor', async () => {
    const campuses = (await t.api.get('/api/v1/campuses')).body.items;
    const res = await t.api.get(`/api/v1/campuses/${campuses[0].id}`);
    expect(res.status).toBe(200);
    const opd = res.body.buildings.find((b: any) => b.name === '门诊楼');
    const second = opd.floors.find((f: any) => f.label === '2F');
    expect(second.departments.map((d: any) => d.name)).toContain('心血管内科');
    expect(opd.floors.find((f: any) => f.label === '1F').facilities).toContain('挂号收费处');
    expect(res.body.navigationUrl).toMatch(/^https:\/\/apis\.map\.qq\.com\/uri\/v1\/marker\?marker=coord:/);

    // no drawn plan uploaded: a schematic plan drawn from the directory shows what is on the floor
    const plan = await t.api.get(second.floorPlanUrl);
    expect(plan.status).toBe(200);
    expect(plan.headers['content-type']).toContain('image/svg+xml');
    expect(plan.body).toContain('本部 · 门诊楼 · 2F');
    expect(plan.body).toContain('心血管内科');
    expect(plan.body).toContain('收费处');
    expect((await t.api.get('/api/v1/floors/nope/plan.svg')).body.code).toBe('FLOOR_NOT_FOUND');
    expect((await t.api.get('/api/v1/campuses/no-such-campus')).body.code).toBe('CAMPUS_NOT_FOUND');
  });

  it('browses departments as a two-level tree of categories and departments', async () => {
    const res = await t.api.get('/api/v1/departments');
    expect(res.status).toBe(200);
    const tree = res.body.items;
    const internal = tree.find((p: any) => p.name === '内科');
    expect(internal.parentId).toBeNull();
    expect(internal.children.map((c: any) => c.name)).toEqual(
      expect.arrayContaining(['心血管内科', '呼吸内科', '消化内科', '内分泌科', '神经内科', '肾内科']),
    );
    // exactly two levels: no child has children of its own
    for (const p of tree) for (const c of p.children) expect(c.children).toBeUndefined();
    expect(tree.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['外科', '妇产科', '儿科', '五官科']),
    );
  });

  it('narrows the department tree by name or pinyin initials', async () => {
    const byInitials = (await t.api.get('/api/v1/departments?q=XXG')).body.items;
    expect(byInitials).toHaveLength(1);
    expect(byInitials[0]).toMatchObject({ name: '内科', children: [{ name: '心血管内科' }] });
    // a matching category keeps all its departments: wgk is 五官科
    const category = (await t.api.get('/api/v1/departments?q=wgk')).body.items;
    expect(category[0].children.map((c: any) => c.name)).toEqual(['眼科', '耳鼻喉科', '口腔科']);
    const byName = (await t.api.get(`/api/v1/departments?q=${encodeURIComponent('眼')}`)).body.items;
    expect(byName).toHaveLength(1);
    expect(byName[0]).toMatchObject({ name: '五官科', children: [{ name: '眼科' }] });
    expect((await t.api.get(`/api/v1/departments?q=${encodeURIComponent('不存在的科')}`)).body.items).toEqual(
      [],
    );
  });

  it('opens a department with its introduction, location and experts', async () => {
    const id = await departmentId(DEMO_CODES.departments.cardiology);
    const res = await t.api.get(`/api/v1/departments/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: '心血管内科',
      parent: { name: '内科' },
      campus: { name: '本部' },
    });
    expect(res.body.floor).toMatchObject({ label: '2F', buildingName: '门诊楼' });
    expect(res.body.strengths).toBeTruthy();
    expect(res.body.scope).toBeTruthy();
    expect(res.body.staffing).toBeTruthy();
    expect(res.body.doctors.length).toBeGreaterThanOrEqual(5);
    // experts first: chief physicians lead the list
    expect(res.body.doctors[0].title).toBe('chief_physician');
    // the 急诊科 chief also sees patients in 心血管内科
    const emergencyChief = (await listDoctorsOfDepartment(t.app.ctx, await departmentId('QT04')))[0];
    expect(res.body.doctors.map((d: any) => d.id)).toContain(emergencyChief.id);
    expect((await t.api.get('/api/v1/departments/nope')).status).toBe(404);
  });

  it('searches doctors by name, by pinyin initials of the name, and by specialty', async () => {
    const chief = await getDoctor(t.app.ctx, await doctorId(DEMO_CODES.doctors.cardiologyChief));
    const byName = await t.api.get(`/api/v1/doctors?q=${encodeURIComponent(chief.name)}`);
    expect(byName.status).toBe(200);
    expect(byName.body.items.map((d: any) => d.id)).toContain(chief.id);

    const initials = chief.nameInitials.split(' ')[0];
    const byInitials = await t.api.get(`/api/v1/doctors?q=${initials.toUpperCase()}&pageSize=100`);
    expect(byInitials.body.items.map((d: any) => d.id)).toContain(chief.id);

    const bySpecialty = await t.api.get(`/api/v1/doctors?q=${encodeURIComponent('冠心病')}`);
    expect(bySpecialty.body.total).toBeGreaterThan(0);
    expect(
      bySpecialty.body.items.every((d: any) => d.specialties.some((s: string) => s.includes('冠心病'))),
    ).toBe(true);

    const nothing = await t.api.get(`/api/v1/doctors?q=${encodeURIComponent('没有这个医生')}`);
    expect(nothing.body).toMatchObject({ items: [], total: 0 });
  });

  it('filters doctors by department (a category includes its departments) and by title, page by page', async () => {
    const endo = await departmentId(DEMO_CODES.departments.endocrinology);
    const res = await t.api.get(`/api/v1/doctors?departmentId=${endo}`);
    expect(res.body.total).toBeGreaterThanOrEqual(3);
    expect(res.body.items.every((d: any) => d.departments.some((x: any) => x.id === endo))).toBe(true);

    const internal = await departmentId(DEMO_CODES.departments.internalMedicine);
    const all = await t.api.get(`/api/v1/doctors?departmentId=${internal}&pageSize=100`);
    expect(all.body.total).toBeGreaterThan(res.body.total);

    const chiefs = await t.api.get(
      `/api/v1/doctors?departmentId=${internal}&title=chief_physician&pageSize=100`,
    );
    expect(chiefs.body.items.every((d: any) => d.title === 'chief_physician')).toBe(true);
    expect(chiefs.body.items[0].titleLabel).toEqual({ zh: '主任医师', en: 'Chief physician' });

    const page1 = await t.api.get('/api/v1/doctors?page=1&pageSize=10');
    const page2 = await t.api.get('/api/v1/doctors?page=2&pageSize=10');
    expect(page1.body.total).toBeGreaterThanOrEqual(80);
    expect(page1.body.items).toHaveLength(10);
    const overlap = page1.body.items.filter((d: any) => page2.body.items.some((e: any) => e.id === d.id));
    expect(overlap).toEqual([]);

    expect((await t.api.get('/api/v1/doctors?title=professor')).body.code).toBe('VALIDATION_FAILED');
    expect((await t.api.get('/api/v1/doctors?pageSize=1000')).status).toBe(400);
  });

  it('opens a doctor profile with departments, specialties and a schedules field for scheduling to fill', async () => {
    const id = await doctorId(DEMO_CODES.doctors.twoDepartments);
    const res = await t.api.get(`/api/v1/doctors/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.departments).toHaveLength(2);
    expect(res.body.specialties.length).toBeGreaterThan(0);
    expect(res.body.introduction).toContain(res.body.name);
    expect(Array.isArray(res.body.schedules)).toBe(true);
    const card = await getDoctorCard(t.app.ctx, id);
    expect(card.schedules).toEqual([]);
    expect((await getDepartment(t.app.ctx, res.body.departments[0].id)).name).toBe(
      res.body.departments[0].name,
    );
    expect((await t.api.get('/api/v1/doctors/unknown-doctor')).body.code).toBe('DOCTOR_NOT_FOUND');
  });

  it('sees featured disciplines, each with the department to register in, and recommended doctors', async () => {
    const featured = await t.api.get('/api/v1/featured-disciplines');
    expect(featured.status).toBe(200);
    expect(featured.body.items.length).toBeGreaterThan(0);
    for (const f of featured.body.items) {
      expect((await t.api.get(`/api/v1/departments/${f.departmentId}`)).status).toBe(200);
    }
    const recommended = await t.api.get('/api/v1/recommended-doctors');
    expect(recommended.body.items.length).toBeGreaterThan(0);
    expect(recommended.body.items[0]).toMatchObject({
      reason: expect.any(String),
      doctor: { id: expect.any(String), photoUrl: expect.any(String), specialties: expect.any(Array) },
    });
  });
});

describe('a patient following doctors', () => {
  it('follows and unfollows idempotently and sees the list of followed doctors', async () => {
    const { token } = await loginPatient(t, '13800001111');
    const a = await doctorId('D0001');
    const b = await doctorId('D0020');

    expect((await t.api.post(`/api/v1/doctors/${a}/follow`, { token })).body).toEqual({
      doctorId: a,
      following: true,
    });
    // a second tap changes nothing
    expect((await t.api.post(`/api/v1/doctors/${a}/follow`, { token })).status).toBe(200);
    t.clock.advance(1000);
    await t.api.post(`/api/v1/doctors/${b}/follow`, { token });

    const list = await t.api.get('/api/v1/me/followed-doctors', { token });
    expect(list.body.items.map((d: any) => d.id)).toEqual([b, a]);
    expect((await t.api.get(`/api/v1/doctors/${a}`)).body.followerCount).toBe(1);

    expect((await t.api.delete(`/api/v1/doctors/${a}/follow`, { token })).body.following).toBe(false);
    expect((await t.api.delete(`/api/v1/doctors/${a}/follow`, { token })).status).toBe(200);
    const after = await t.api.get('/api/v1/me/followed-doctors', { token });
    expect(after.body.items.map((d: any) => d.id)).toEqual([b]);

    // another account sees only its own follows
    const other = await loginPatient(t, '13800002222');
    expect((await t.api.get('/api/v1/me/followed-doctors', { token: other.token })).body.items).toEqual([]);
  });

  it('keeps one follow when the same follow arrives several times at once', async () => {
    const { token, accountId } = await loginPatient(t, '13800004444');
    const a = await doctorId('D0003');
    const results = await Promise.all(
      [1, 2, 3].map(() => t.api.post(`/api/v1/doctors/${a}/follow`, { token })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const { rows } = await t.database.raw.query('SELECT * FROM doctor_follows WHERE account_id = $1', [
      accountId,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('refuses to follow without logging in or an unknown doctor, and keeps nothing', async () => {
    const a = await doctorId('D0002');
    expect((await t.api.post(`/api/v1/doctors/${a}/follow`)).status).toBe(401);
    const { token } = await loginPatient(t, '13800003333');
    const res = await t.api.post('/api/v1/doctors/nobody/follow', { token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('DOCTOR_NOT_FOUND');
    expect((await t.api.delete('/api/v1/doctors/nobody/follow', { token })).body.code).toBe(
      'DOCTOR_NOT_FOUND',
    );
    const { rows } = await t.database.raw.query("SELECT * FROM doctor_follows WHERE doctor_id = 'nobody'");
    expect(rows).toEqual([]);
  });
});
