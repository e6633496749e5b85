import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { DEMO_STAFF } from './seed.js';
import { staffSeed } from './seed.js';

let t: TestApp;
let admin: { token: string; id: string };
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
});
beforeEach(async () => {
  admin = await loginStaff(t, 'admin');
});
afterAll(async () => t.close());

async function newAccount(roles: string[]) {
  const username = `staff${++seq}`;
  const created = await t.api.post('/api/v1/admin/users', {
    token: admin.token,
    body: { username, displayName: `员工${seq}`, password: 'Initial#2026', roles },
  });
  expect(created.status).toBe(201);
  const { token } = await loginStaff(t, username, 'Initial#2026');
  await t.api.post('/api/v1/staff/auth/change-password', {
    token,
    body: { oldPassword: 'Initial#2026', newPassword: 'Working#2026' },
  });
  return { id: created.body.id as string, username, token };
}

describe('demo accounts', () => {
  it('one demo account per builtin role logs in with its documented password', async () => {
    for (const demo of DEMO_STAFF) {
      const res = await t.api.post('/api/v1/staff/auth/login', {
        body: { username: demo.username, password: demo.password },
      });
      expect(res.status, demo.username).toBe(200);
      expect(res.body.user.roles).toEqual([demo.role]);
      expect(res.body.mustChangePassword).toBe(false);
    }
  });

  it('seeding again changes nothing', async () => {
    expect(await staffSeed.run(t.app.ctx)).toBe(false);
    const list = await t.api.get('/api/v1/admin/users?pageSize=100', { token: admin.token });
    const names = list.body.items.map((u: { username: string }) => u.username);
    for (const demo of DEMO_STAFF) expect(names.filter((n: string) => n === demo.username)).toHaveLength(1);
  });
});

describe('role boundaries', () => {
  // for each builtin role: the menus it sees, calls it may make and calls it may not make
  // (other modules' endpoints where they exist: SMS log, registrations, payment orders, blacklist)
  const cases: { username: string; sees: string[]; hidden: string[]; allowed: string[]; denied: string[] }[] =
    [
      {
        username: 'operator',
        // the counter links children and settles identity appeals; login security is the administrator's
        sees: ['doctors', 'schedules', 'blacklist', 'sms-log', 'counter-link'],
        hidden: ['users', 'refunds', 'security-alerts'],
        allowed: ['/api/v1/admin/sms-messages', '/api/v1/admin/blacklist-rules'],
        denied: ['/api/v1/admin/users', '/api/v1/admin/payment-orders'],
      },
      {
        username: 'doctor',
        sees: ['dashboard', 'registrations'],
        hidden: ['schedules', 'users'],
        allowed: ['/api/v1/admin/registrations'],
        denied: ['/api/v1/admin/roles', '/api/v1/admin/blacklist-rules'],
      },
      {
        username: 'nurse',
        sees: ['dashboard', 'registrations'],
        hidden: ['payment-orders'],
        allowed: ['/api/v1/admin/registrations'],
        denied: ['/api/v1/admin/audit-logs', '/api/v1/admin/payment-orders'],
      },
      {
        username: 'pharmacist',
        sees: ['dashboard'],
        hidden: ['registrations', 'users'],
        allowed: ['/api/v1/staff/me'],
        denied: ['/api/v1/admin/permissions', '/api/v1/admin/registrations'],
      },
      {
        username: 'finance',
        sees: ['payment-orders', 'refunds', 'abnormal-orders'],
        hidden: ['users', 'audit', 'counter-link', 'security-alerts'],
        allowed: ['/api/v1/admin/payment-orders', '/api/v1/admin/registrations'],
        denied: ['/api/v1/admin/users', '/api/v1/admin/sms-messages'],
      },
      {
        username: 'medic',
        sees: ['dashboard'],
        hidden: ['registrations', 'audit'],
        allowed: ['/api/v1/staff/me'],
        denied: ['/api/v1/admin/menus', '/api/v1/admin/payment-orders'],
      },
    ];

  it.each(cases)('$username sees its menus, may call $allowed and is refused $denied', async (c) => {
    const { token } = await loginStaff(t, c.username);
    const me = await t.api.get('/api/v1/staff/me', { token });
    expect(me.status).toBe(200);
    const keys = me.body.menus.map((m: { key: string }) => m.key);
    expect(keys).toEqual(expect.arrayContaining(c.sees));
    for (const h of c.hidden) expect(keys).not.toContain(h);
    for (const url of c.allowed) {
      const res = await t.api.get(url, { token });
      expect(res.status, `${url} ${JSON.stringify(res.body).slice(0, 200)}`).toBe(200);
    }
    for (const url of c.denied) {
      const res = await t.api.get(url, { token });
      expect(res.status, url).toBe(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('admin may call every administration endpoint', async () => {
    for (const url of [
      '/api/v1/admin/users',
      '/api/v1/admin/roles',
      '/api/v1/admin/permissions',
      '/api/v1/admin/menus',
      '/api/v1/admin/audit-logs',
    ]) {
      expect((await t.api.get(url, { token: admin.token })).status, url).toBe(200);
    }
  });

  it('a patient session and no session are refused', async () => {
    const { startSession } = await import('../../platform/auth.js');
    const patient = await startSession(t.app.ctx, 'patient', '00000000-0000-4000-8000-000000000002');
    const asPatient = await t.api.get('/api/v1/admin/users', { token: patient.accessToken });
    expect(asPatient.status).toBe(403);
    expect(asPatient.body.code).toBe('STAFF_ONLY');
    expect((await t.api.get('/api/v1/admin/users')).status).toBe(401);
  });

  it('a role edit takes effect on the next request of a signed-in holder', async () => {
    const { token } = await loginStaff(t, 'finance');
    expect((await t.api.get('/api/v1/admin/audit-logs', { token })).status).toBe(403);
    const roles = await t.api.get('/api/v1/admin/roles', { token: admin.token });
    const finance = roles.body.items.find((r: { code: string }) => r.code === 'finance');
    const grant = await t.api.patch('/api/v1/admin/roles/finance', {
      token: admin.token,
      body: { permissions: [...finance.permissions, 'audit.read'] },
    });
    expect(grant.status).toBe(200);
    expect(grant.body.permissions).toContain('audit.read');
    expect((await t.api.get('/api/v1/admin/audit-logs', { token })).status).toBe(200);
    const me = await t.api.get('/api/v1/staff/me', { token });
    expect(me.body.menus.map((m: { key: string }) => m.key)).toContain('audit');

    await t.api.patch('/api/v1/admin/roles/finance', {
      token: admin.token,
      body: { permissions: finance.permissions },
    });
    expect((await t.api.get('/api/v1/admin/audit-logs', { token })).status).toBe(403);
  });
});

describe('accounts and roles administration', () => {
  it('creates, lists, edits and refuses duplicate accounts', async () => {
    const created = await t.api.post('/api/v1/admin/users', {
      token: admin.token,
      body: {
        username: 'zhang.wei',
        displayName: '张伟',
        password: 'Initial#2026',
        roles: ['nurse', 'doctor'],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'zhang.wei',
      mustChangePassword: true,
      roles: ['doctor', 'nurse'],
    });
    const dup = await t.api.post('/api/v1/admin/users', {
      token: admin.token,
      body: { username: 'zhang.wei', displayName: '另一个张伟', password: 'Initial#2026', roles: [] },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('USERNAME_TAKEN');
    const badRole = await t.api.post('/api/v1/admin/users', {
      token: admin.token,
      body: { username: 'li.na', displayName: '李娜', password: 'Initial#2026', roles: ['surgeon'] },
    });
    expect(badRole.status).toBe(400);
    expect(badRole.body.code).toBe('ROLE_NOT_FOUND');
    expect((await t.api.get('/api/v1/admin/users?q=li.na', { token: admin.token })).body.total).toBe(0);

    const edit = await t.api.patch(`/api/v1/admin/users/${created.body.id}`, {
      token: admin.token,
      body: { displayName: '张伟（护理部）', roles: ['nurse'] },
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ displayName: '张伟（护理部）', roles: ['nurse'] });
    const byRole = await t.api.get('/api/v1/admin/users?role=nurse', { token: admin.token });
    expect(byRole.body.items.map((u: { username: string }) => u.username).sort()).toEqual([
      'nurse',
      'zhang.wei',
    ]);
    const missing = await t.api.get('/api/v1/admin/users/00000000-0000-4000-8000-00000000dead', {
      token: admin.token,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('STAFF_USER_NOT_FOUND');
  });

  it('an administrator cannot disable themselves nor remove the last administrator', async () => {
    const self = await t.api.post(`/api/v1/admin/users/${admin.id}/disable`, { token: admin.token });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('CANNOT_DISABLE_SELF');
    const demote = await t.api.patch(`/api/v1/admin/users/${admin.id}`, {
      token: admin.token,
      body: { roles: ['operator'] },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('LAST_ADMINISTRATOR');
    const still = await t.api.get(`/api/v1/admin/users/${admin.id}`, { token: admin.token });
    expect(still.body.roles).toEqual(['admin']);

    // with a second administrator, the first may step down
    const second = await newAccount(['admin']);
    const stepDown = await t.api.patch(`/api/v1/admin/users/${admin.id}`, {
      token: second.token,
      body: { roles: ['admin', 'operator'] },
    });
    expect(stepDown.status).toBe(200);
  });

  it('custom roles are created, granted, and deleted only when unused; builtin roles stay', async () => {
    const role = await t.api.post('/api/v1/admin/roles', {
      token: admin.token,
      body: {
        code: 'triage-desk',
        nameZh: '分诊台',
        nameEn: 'Triage desk',
        permissions: ['registrations.read'],
      },
    });
    expect(role.status).toBe(201);
    expect(role.body).toMatchObject({
      code: 'triage-desk',
      builtin: false,
      permissions: ['registrations.read'],
    });
    const again = await t.api.post('/api/v1/admin/roles', {
      token: admin.token,
      body: { code: 'triage-desk', nameZh: '分诊台', nameEn: 'Triage desk', permissions: [] },
    });
    expect(again.body.code).toBe('ROLE_EXISTS');
    const unknown = await t.api.post('/api/v1/admin/roles', {
      token: admin.token,
      body: { code: 'super', nameZh: '超级', nameEn: 'Super', permissions: ['*'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('UNKNOWN_PERMISSION');

    const holder = await newAccount(['triage-desk']);
    const me = await t.api.get('/api/v1/staff/me', { token: holder.token });
    expect(me.body.permissions).toEqual(['registrations.read']);
    expect(me.body.menus.map((m: { key: string }) => m.key)).toEqual(['dashboard', 'registrations']);

    const inUse = await t.api.delete('/api/v1/admin/roles/triage-desk', { token: admin.token });
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('ROLE_IN_USE');
    await t.api.patch(`/api/v1/admin/users/${holder.id}`, { token: admin.token, body: { roles: [] } });
    expect((await t.api.delete('/api/v1/admin/roles/triage-desk', { token: admin.token })).status).toBe(204);
    expect((await t.api.get('/api/v1/admin/roles/triage-desk', { token: admin.token })).status).toBe(404);

    const builtin = await t.api.delete('/api/v1/admin/roles/doctor', { token: admin.token });
    expect(builtin.status).toBe(409);
    expect(builtin.body.code).toBe('BUILTIN_ROLE');
    const adminRole = await t.api.patch('/api/v1/admin/roles/admin', {
      token: admin.token,
      body: { permissions: ['staff.manage'] },
    });
    expect(adminRole.status).toBe(409);
    expect(adminRole.body.code).toBe('ADMIN_ROLE_FIXED');
    const roles = await t.api.get('/api/v1/admin/roles', { token: admin.token });
    expect(roles.body.items.find((r: { code: string }) => r.code === 'admin').permissions).toEqual(['*']);
  });

  it('publishes the permission and menu catalogues', async () => {
    const perms = await t.api.get('/api/v1/admin/permissions', { token: admin.token });
    expect(perms.body.items).toContainEqual({
      key: 'staff.manage',
      zh: '用户与角色管理',
      en: 'Manage staff users and roles',
    });
    const menus = await t.api.get('/api/v1/admin/menus', { token: admin.token });
    const keys = menus.body.items.map((m: { key: string }) => m.key);
    for (const k of [
      'dashboard',
      'users',
      'roles',
      'audit',
      'sms-log',
      'hospital',
      'campuses',
      'departments',
      'doctors',
      'articles',
      'prices',
      'featured',
      'recommended',
      'shifts',
      'templates',
      'schedules',
      'release-rules',
      'registrations',
      'blacklist',
      'channels',
      'payment-orders',
      'refunds',
      'abnormal-orders',
      'counter-link',
      'security-alerts',
    ]) {
      expect(keys).toContain(k);
    }
    for (const m of menus.body.items) expect(m.zh && m.en).toBeTruthy();
  });
});

describe('audit log', () => {
  it('records staff actions with actor, action, object, outcome, address and time', async () => {
    const at = t.clock.now().toISOString();
    const a = await newAccount(['nurse']);
    const res = await t.api.get(`/api/v1/admin/audit-logs?action=staff.user.create&objectId=${a.id}`, {
      token: admin.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      actorKind: 'staff',
      actorId: admin.id,
      actorUsername: 'admin',
      action: 'staff.user.create',
      objectType: 'staff_user',
      objectId: a.id,
      outcome: 'success',
      ip: '127.0.0.1',
      at,
    });
    // an operator traces a reported fault by the request id the user quotes
    const byRequest = await t.api.get(`/api/v1/admin/audit-logs?requestId=${res.body.items[0].requestId}`, {
      token: admin.token,
    });
    expect(byRequest.body.items.map((i: { objectId: string }) => i.objectId)).toEqual([a.id]);
  });

  it('records failed logins and lockouts without the password', async () => {
    const a = await newAccount(['nurse']);
    for (let i = 0; i < 5; i++) {
      await t.api.post('/api/v1/staff/auth/login', {
        body: { username: a.username, password: `Secret#${i}xx` },
      });
    }
    await t.api.post('/api/v1/staff/auth/login', { body: { username: 'ghost', password: 'Secret#ghost' } });
    const failed = await t.api.get(
      `/api/v1/admin/audit-logs?actorId=${a.id}&outcome=failed&action=staff.login`,
      {
        token: admin.token,
      },
    );
    expect(failed.body.total).toBe(5);
    expect(failed.body.items[0]).toMatchObject({ actorKind: 'staff', actorId: a.id, objectId: a.id });
    const locked = await t.api.get(`/api/v1/admin/audit-logs?action=staff.account_locked&objectId=${a.id}`, {
      token: admin.token,
    });
    expect(locked.body.total).toBe(1);
    const unknown = await t.api.get(
      '/api/v1/admin/audit-logs?action=staff.login&outcome=failed&pageSize=100',
      {
        token: admin.token,
      },
    );
    const ghost = unknown.body.items.find(
      (i: { detail: { username?: string } }) => i.detail?.username === 'ghost',
    );
    expect(ghost).toMatchObject({ actorKind: 'staff', actorId: null });
    const everything = JSON.stringify([failed.body, unknown.body, locked.body]);
    expect(everything).not.toContain('Secret#');
  });

  it('filters by time window and pages newest first', async () => {
    t.clock.advance(60_000);
    const from = t.clock.now().toISOString();
    const first = await newAccount([]);
    t.clock.advance(60_000);
    const second = await newAccount([]);
    t.clock.advance(60_000);
    const to = t.clock.now().toISOString();
    await newAccount([]);
    const page1 = await t.api.get(
      `/api/v1/admin/audit-logs?action=staff.user.create&from=${from}&to=${to}&pageSize=1`,
      { token: admin.token },
    );
    expect(page1.body.total).toBe(2);
    expect(page1.body.items.map((i: { objectId: string }) => i.objectId)).toEqual([second.id]);
    const page2 = await t.api.get(
      `/api/v1/admin/audit-logs?action=staff.user.create&from=${from}&to=${to}&pageSize=1&page=2`,
      { token: admin.token },
    );
    expect(page2.body.items.map((i: { objectId: string }) => i.objectId)).toEqual([first.id]);
    const all = await t.api.get(`/api/v1/admin/audit-logs?from=${from}&pageSize=100`, { token: admin.token });
    const times = all.body.items.map((i: { at: string }) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    const bad = await t.api.get('/api/v1/admin/audit-logs?from=yesterday', { token: admin.token });
    expect(bad.status).toBe(400);
  });

  it('the audit log cannot be changed: no route, and the table refuses UPDATE and DELETE', async () => {
    expect((await t.api.delete('/api/v1/admin/audit-logs', { token: admin.token })).status).toBe(404);
    expect((await t.api.patch('/api/v1/admin/audit-logs', { token: admin.token, body: {} })).status).toBe(
      404,
    );
    const raw = t.app.ctx.database.raw;
    const before = await raw.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_log');
    await expect(raw.query("UPDATE audit_log SET outcome = 'success'")).rejects.toThrow(/append-only/);
    await expect(raw.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const after = await raw.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_log');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
