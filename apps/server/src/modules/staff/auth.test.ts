import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';

let t: TestApp;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

// tests move the clock past the access token's lifetime, so the admin signs in again where needed
let admin: { token: string; id: string };
beforeEach(async () => {
  admin = await loginStaff(t, 'admin');
});

/** An admin creates an account; returns its id, username and initial password. */
async function newAccount(roles: string[] = ['operator'], password = 'Initial#2026') {
  const username = `clerk${++seq}`;
  const res = await t.api.post('/api/v1/admin/users', {
    token: admin.token,
    body: { username, displayName: `窗口${seq}`, password, roles },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, username, password };
}

async function changeInitialPassword(
  a: { username: string; password: string },
  newPassword = 'Changed#2026',
) {
  const { token } = await loginStaff(t, a.username, a.password);
  const res = await t.api.post('/api/v1/staff/auth/change-password', {
    token,
    body: { oldPassword: a.password, newPassword },
  });
  expect(res.status).toBe(204);
  return newPassword;
}

const login = (username: string, password: string) =>
  t.api.post('/api/v1/staff/auth/login', { body: { username, password } });

const loginFrom = (ip: string, username: string, password: string) =>
  t.api.post('/api/v1/staff/auth/login', {
    body: { username, password },
    headers: { 'x-forwarded-for': ip },
  });

const withoutRequestId = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });

describe('staff login', () => {
  it('a demo administrator logs in and sees every menu and permission', async () => {
    const res = await login('admin', 'Admin@2026');
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toBeTruthy();
    expect(res.body.refreshToken).toBeTruthy();
    expect(res.body.mustChangePassword).toBe(false);
    expect(res.body.user).toMatchObject({ username: 'admin', roles: ['admin'], enabled: true });
    expect(res.body.user.passwordHash).toBeUndefined();

    const me = await t.api.get('/api/v1/staff/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual([{ code: 'admin', nameZh: '系统管理员', nameEn: 'Administrator' }]);
    expect(me.body.permissions).toContain('staff.manage');
    expect(me.body.menus.map((m: { key: string }) => m.key)).toEqual(
      expect.arrayContaining(['dashboard', 'users', 'roles', 'audit', 'payment-orders', 'release-rules']),
    );
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const unknown = await login('nobody-here', 'Whatever#1');
    const wrong = await login('operator', 'Whatever#1');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    expect(withoutRequestId(unknown.body)).toEqual(withoutRequestId(wrong.body));
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    // a successful login resets the count, so the demo account stays usable
    expect((await login('operator', 'Oper@2026')).status).toBe(200);
  });

  it('five wrong passwords from one address lock the account for that address only, for 15 minutes', async () => {
    const a = await newAccount();
    const attacker = '203.0.113.7';
    const start = t.clock.now().getTime();
    for (let i = 1; i <= 4; i++) {
      const res = await loginFrom(attacker, a.username, 'Wrong#Pass1');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    const fifth = await loginFrom(attacker, a.username, 'Wrong#Pass1');
    expect(fifth.status).toBe(423);
    expect(fifth.body.code).toBe('ACCOUNT_LOCKED');
    const until = new Date(start + 15 * 60_000).toISOString();
    expect(fifth.body.details).toEqual({ lockedUntil: until, scope: 'address' });
    expect(fifth.body.message.zh).toContain('本地址的登录已锁定');
    expect(fifth.body.message.en).toContain('from this address');

    // the right password from the attacker's address is refused too ...
    expect((await loginFrom(attacker, a.username, a.password)).status).toBe(423);
    // ... but the account's owner, elsewhere, logs in as usual
    const owner = await loginFrom('198.51.100.20', a.username, a.password);
    expect(owner.status).toBe(200);
    expect(owner.body.user).toMatchObject({ locked: true, lockedUntil: until });

    t.clock.advance(14 * 60_000);
    expect((await loginFrom(attacker, a.username, a.password)).status).toBe(423);
    t.clock.advance(60_000);
    const after = await loginFrom(attacker, a.username, a.password);
    expect(after.status).toBe(200);
    expect(after.body.user.locked).toBe(false);

    // a successful login started the count again: four more failures do not lock
    for (let i = 0; i < 4; i++)
      expect((await loginFrom(attacker, a.username, 'Wrong#Pass1')).status).toBe(401);
    expect((await loginFrom(attacker, a.username, a.password)).status).toBe(200);
  });

  it('an administrator is alerted to a lock and lifts it before it expires, audited', async () => {
    const a = await newAccount();
    const from = '203.0.113.8';
    for (let i = 0; i < 5; i++) await loginFrom(from, a.username, 'Wrong#Pass1');
    expect((await loginFrom(from, a.username, a.password)).status).toBe(423);
    const user = await t.api.get(`/api/v1/admin/users/${a.id}`, { token: admin.token });
    expect(user.body.locked).toBe(true);

    const me = await t.api.get('/api/v1/staff/me', { token: admin.token });
    expect(me.body.openSecurityAlerts).toBeGreaterThanOrEqual(1);
    const alerts = await t.api.get('/api/v1/admin/security-alerts?open=true', { token: admin.token });
    expect(alerts.status).toBe(200);
    const alert = alerts.body.items.find((x: { staffId: string }) => x.staffId === a.id);
    expect(alert).toMatchObject({ kind: 'login_locked', username: a.username, ip: from, failures: 5 });

    const unlock = await t.api.post(`/api/v1/admin/users/${a.id}/unlock`, { token: admin.token });
    expect(unlock.status).toBe(200);
    expect(unlock.body.locked).toBe(false);
    expect(unlock.body.lockedUntil).toBeNull();
    expect((await loginFrom(from, a.username, a.password)).status).toBe(200);

    const closed = await t.api.get('/api/v1/admin/security-alerts', { token: admin.token });
    const same = closed.body.items.find((x: { id: string }) => x.id === alert.id);
    expect(same).toMatchObject({ acknowledgedBy: admin.id });
    expect(same.acknowledgedAt).not.toBeNull();
    const audited = await t.api.get(`/api/v1/admin/audit-logs?action=staff.user.unlock&objectId=${a.id}`, {
      token: admin.token,
    });
    expect(audited.body.items[0]).toMatchObject({ actorId: admin.id, detail: { wasLocked: true } });
  });

  it('counts failures that arrive at the same time without losing any', async () => {
    const a = await newAccount();
    const from = '203.0.113.9';
    const answers = await Promise.all(
      Array.from({ length: 7 }, () => loginFrom(from, a.username, 'Wrong#Pass1')),
    );
    expect(answers.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    expect(answers.some((r) => r.body.code === 'ACCOUNT_LOCKED')).toBe(true);
    expect((await loginFrom(from, a.username, a.password)).status).toBe(423);
    const alerts = await t.api.get('/api/v1/admin/security-alerts', { token: admin.token });
    expect(alerts.body.items.filter((x: { staffId: string }) => x.staffId === a.id)).toHaveLength(1);
  });

  it('refuses a disabled account and ends its sessions at once', async () => {
    const a = await newAccount();
    await changeInitialPassword(a);
    const { token } = await loginStaff(t, a.username, 'Changed#2026');
    expect((await t.api.get('/api/v1/staff/me', { token })).status).toBe(200);

    const off = await t.api.post(`/api/v1/admin/users/${a.id}/disable`, { token: admin.token });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    const me = await t.api.get('/api/v1/staff/me', { token });
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('SESSION_REVOKED');
    expect((await login(a.username, 'Changed#2026')).body.code).toBe('ACCOUNT_DISABLED');
    expect((await login(a.username, 'Wrong#Pass1')).body.code).toBe('INVALID_CREDENTIALS');

    await t.api.post(`/api/v1/admin/users/${a.id}/enable`, { token: admin.token });
    expect((await login(a.username, 'Changed#2026')).status).toBe(200);
  });

  it('refuses malformed login bodies', async () => {
    expect((await t.api.post('/api/v1/staff/auth/login', { body: { username: 'admin' } })).status).toBe(400);
    const extra = await t.api.post('/api/v1/staff/auth/login', {
      body: { username: 'admin', password: 'Admin@2026', role: 'admin' },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('password policy and forced change', () => {
  it.each([
    ['Ab1!', 'too short'],
    ['abcdefgh', 'one class'],
    ['abcdefg1', 'two classes'],
    ['ABCDEFG!', 'two classes'],
  ])('refuses %s as an initial password (%s)', async (password) => {
    const res = await t.api.post('/api/v1/admin/users', {
      token: admin.token,
      body: { username: `weak${++seq}`, displayName: '弱密码', password, roles: [] },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_WEAK');
    const list = await t.api.get(`/api/v1/admin/users?q=weak${seq}`, { token: admin.token });
    expect(list.body.total).toBe(0);
  });

  it.each(['abcdefG1', 'abcdef1!', 'ABCDEF1!', 'Abcdefg!'])(
    'accepts %s (three classes)',
    async (password) => {
      const a = await newAccount([], password);
      expect((await login(a.username, password)).status).toBe(200);
    },
  );

  it('a new user must replace the initial password before doing anything else', async () => {
    const a = await newAccount(['admin']);
    const first = await login(a.username, a.password);
    expect(first.body.mustChangePassword).toBe(true);
    const token = first.body.accessToken;

    const blocked = await t.api.get('/api/v1/admin/users', { token });
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    // the check lives in requireStaff, so other modules' endpoints refuse too
    const elsewhere = await t.api.get('/api/v1/admin/sms-messages', { token });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const me = await t.api.get('/api/v1/staff/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user.mustChangePassword).toBe(true);

    const weak = await t.api.post('/api/v1/staff/auth/change-password', {
      token,
      body: { oldPassword: a.password, newPassword: 'password' },
    });
    expect(weak.body.code).toBe('PASSWORD_TOO_WEAK');
    const wrongOld = await t.api.post('/api/v1/staff/auth/change-password', {
      token,
      body: { oldPassword: 'Not#The1Old', newPassword: 'Fresh#2026' },
    });
    expect(wrongOld.status).toBe(400);
    expect(wrongOld.body.code).toBe('OLD_PASSWORD_INCORRECT');
    const same = await t.api.post('/api/v1/staff/auth/change-password', {
      token,
      body: { oldPassword: a.password, newPassword: a.password },
    });
    expect(same.body.code).toBe('PASSWORD_UNCHANGED');
    expect((await t.api.get('/api/v1/admin/users', { token })).status).toBe(403);

    const ok = await t.api.post('/api/v1/staff/auth/change-password', {
      token,
      body: { oldPassword: a.password, newPassword: 'Fresh#2026' },
    });
    expect(ok.status).toBe(204);
    expect((await t.api.get('/api/v1/admin/users', { token })).status).toBe(200);
    expect((await login(a.username, a.password)).status).toBe(401);
    const again = await login(a.username, 'Fresh#2026');
    expect(again.body.mustChangePassword).toBe(false);
  });

  it('a password reset by an administrator signs the user out and forces a new change', async () => {
    const a = await newAccount();
    await changeInitialPassword(a);
    const { token } = await loginStaff(t, a.username, 'Changed#2026');
    const weak = await t.api.post(`/api/v1/admin/users/${a.id}/reset-password`, {
      token: admin.token,
      body: { newPassword: 'short' },
    });
    expect(weak.body.code).toBe('PASSWORD_TOO_WEAK');
    const reset = await t.api.post(`/api/v1/admin/users/${a.id}/reset-password`, {
      token: admin.token,
      body: { newPassword: 'Reset#2026' },
    });
    expect(reset.status).toBe(200);
    expect(reset.body.mustChangePassword).toBe(true);
    expect((await t.api.get('/api/v1/staff/me', { token })).status).toBe(401);
    expect((await login(a.username, 'Changed#2026')).status).toBe(401);
    const fresh = await login(a.username, 'Reset#2026');
    expect(fresh.body.mustChangePassword).toBe(true);
  });
});

describe('staff sessions', () => {
  it('a refresh token rotates once; reuse ends the session; logout ends it too', async () => {
    const first = await login('nurse', 'Nurse@2026');
    const refreshed = await t.api.post('/api/v1/staff/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.accessToken).toBeTruthy();
    expect((await t.api.get('/api/v1/staff/me', { token: refreshed.body.accessToken })).status).toBe(200);

    const replay = await t.api.post('/api/v1/staff/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_INVALID');
    // reuse signals theft: the whole session is gone
    expect((await t.api.get('/api/v1/staff/me', { token: refreshed.body.accessToken })).status).toBe(401);

    const second = await login('nurse', 'Nurse@2026');
    const out = await t.api.post('/api/v1/staff/auth/logout', { token: second.body.accessToken });
    expect(out.status).toBe(204);
    const after = await t.api.get('/api/v1/staff/me', { token: second.body.accessToken });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_REVOKED');
    const refreshAfterLogout = await t.api.post('/api/v1/staff/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(refreshAfterLogout.status).toBe(401);
  });

  it('the staff refresh endpoint refuses a patient refresh token', async () => {
    const { startSession } = await import('../../platform/auth.js');
    const patient = await startSession(t.app.ctx, 'patient', '00000000-0000-4000-8000-000000000001');
    const res = await t.api.post('/api/v1/staff/auth/refresh', {
      body: { refreshToken: patient.refreshToken },
    });
    expect(res.status).toBe(401);
    const me = await t.api.get('/api/v1/staff/me', { token: patient.accessToken });
    expect(me.status).toBe(403);
    expect(me.body.code).toBe('STAFF_ONLY');
  });

  it('a staff session ends after 30 idle minutes but lives on while used', async () => {
    const busy = await loginStaff(t, 'pharmacist');
    let busyRefresh = busy.refreshToken;
    const idle = await login('medic', 'Medic@2026');

    // the busy user works every 10 minutes for an hour, refreshing the access token when it expires
    let token = busy.token;
    for (let minute = 10; minute <= 60; minute += 10) {
      t.clock.advance(10 * 60_000);
      let me = await t.api.get('/api/v1/staff/me', { token });
      if (me.status === 401 && me.body.code === 'ACCESS_TOKEN_INVALID') {
        const r = await t.api.post('/api/v1/staff/auth/refresh', { body: { refreshToken: busyRefresh } });
        expect(r.status).toBe(200);
        token = r.body.accessToken;
        busyRefresh = r.body.refreshToken;
        me = await t.api.get('/api/v1/staff/me', { token });
      }
      expect(me.status).toBe(200);
    }

    // the idle user comes back after an hour: the refresh token cannot revive the session
    const r = await t.api.post('/api/v1/staff/auth/refresh', {
      body: { refreshToken: idle.body.refreshToken },
    });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('SESSION_IDLE_TIMEOUT');
    const me = await t.api.get('/api/v1/staff/me', { token: idle.body.accessToken });
    expect(me.status).toBe(401);
  });
});

describe('staff idle timeout shorter than the access token', () => {
  let s: TestApp;
  beforeAll(async () => {
    s = await createTestApp({
      config: { STAFF_IDLE_TIMEOUT_MINUTES: '10', ACCESS_TOKEN_TTL_SECONDS: '7200' },
    });
  });
  afterAll(async () => s.close());

  it('answers SESSION_IDLE_TIMEOUT once the configured idle time passes', async () => {
    const { token } = await loginStaff(s, 'doctor');
    s.clock.advance(9 * 60_000);
    expect((await s.api.get('/api/v1/staff/me', { token })).status).toBe(200);
    s.clock.advance(9 * 60_000);
    expect((await s.api.get('/api/v1/staff/me', { token })).status).toBe(200);
    s.clock.advance(10 * 60_000 + 1000);
    const res = await s.api.get('/api/v1/staff/me', { token });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_IDLE_TIMEOUT');
    // the session is over for good, not just this request
    s.clock.advance(-10 * 60_000);
    expect((await s.api.get('/api/v1/staff/me', { token })).body.code).toBe('SESSION_REVOKED');
  });
});
