import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../apps/server/src/testing/harness.js';

// Issue 9, finding 9: five wrong passwords locked any named staff account, `admin` included, from
// anywhere, and staff login had no per-address limit. (Tests stand in for a trusted proxy: the
// client address is the X-Forwarded-For they send.)

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const login = (ip: string, username: string, password: string) =>
  t.api.post('/api/v1/staff/auth/login', {
    body: { username, password },
    headers: { 'x-forwarded-for': ip },
  });

const ATTACKER = '203.0.113.50';
const OFFICE = '198.51.100.10';

describe('staff login throttling without a lockout weapon', () => {
  it('an attacker elsewhere cannot keep admin locked: the lock holds only for the attacking address', async () => {
    for (let i = 0; i < 4; i++) expect((await login(ATTACKER, 'admin', `Guess#${i}`)).status).toBe(401);
    const fifth = await login(ATTACKER, 'admin', 'Guess#5');
    expect(fifth.status).toBe(423);
    expect(fifth.body.code).toBe('ACCOUNT_LOCKED');
    expect(fifth.body.message.zh).toMatch(
      /^连续登录失败次数过多，此账号在本地址的登录已锁定至 .+，管理员已收到提醒$/,
    );
    expect(fifth.body.message.en).toMatch(/this account is locked for logins from this address until/);
    // the attacker keeps trying, even with the right password
    expect((await login(ATTACKER, 'admin', 'Guess#6')).status).toBe(423);
    expect((await login(ATTACKER, 'admin', 'Admin@2026')).status).toBe(423);

    // the administrator, at the office, logs in as usual and is told
    const admin = await login(OFFICE, 'admin', 'Admin@2026');
    expect(admin.status).toBe(200);
    expect(admin.body.user).toMatchObject({ username: 'admin', locked: true });
    const token = admin.body.accessToken;
    const me = await t.api.get('/api/v1/staff/me', { token });
    expect(me.body.openSecurityAlerts).toBe(1);
    const alerts = await t.api.get('/api/v1/admin/security-alerts?open=true', { token });
    expect(alerts.body.items).toEqual([
      expect.objectContaining({ kind: 'login_locked', username: 'admin', ip: ATTACKER, failures: 5 }),
    ]);

    // the administrator lifts the lock: audited, alert closed
    const unlock = await t.api.post(`/api/v1/admin/users/${admin.body.user.id}/unlock`, { token });
    expect(unlock.status).toBe(200);
    expect(unlock.body.locked).toBe(false);
    const audit = await t.api.get(
      `/api/v1/admin/audit-logs?action=staff.user.unlock&objectId=${admin.body.user.id}`,
      { token },
    );
    expect(audit.body.items[0]).toMatchObject({
      actorId: admin.body.user.id,
      outcome: 'success',
    });
    expect((await t.api.get('/api/v1/admin/security-alerts?open=true', { token })).body.items).toEqual([]);
    const locks = await t.database.raw.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM staff_login_throttles WHERE username = 'admin' AND locked_until IS NOT NULL`,
    );
    expect(locks.rows[0].n).toBe(0);
  });

  it('a lock expires by itself after 15 minutes', async () => {
    for (let i = 0; i < 5; i++) await login('203.0.113.51', 'nurse', `Guess#${i}`);
    expect((await login('203.0.113.51', 'nurse', 'Nurse@2026')).status).toBe(423);
    t.clock.advance(15 * 60_000);
    expect((await login('203.0.113.51', 'nurse', 'Nurse@2026')).status).toBe(200);
  });

  it('unknown usernames are counted like real ones, so the answers do not reveal which accounts exist', async () => {
    const ip = '203.0.113.52';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await login(ip, 'no-such-clerk', `Guess#${i}`));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 423]);
    expect(answers[4].body.code).toBe('ACCOUNT_LOCKED');
  });

  it('one address spraying passwords over many usernames is paused, other addresses are not', async () => {
    const sprayer = '203.0.113.60';
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await login(sprayer, `user${i}`, 'Spring#2026'));
    expect(answers.slice(0, 19).every((a) => a.status === 401)).toBe(true);
    const twentieth = answers[19];
    expect(twentieth.status).toBe(429);
    expect(twentieth.body.code).toBe('LOGIN_ADDRESS_THROTTLED');
    expect(twentieth.body.message.zh).toMatch(/^此地址登录失败次数过多，请于 .+ 后再试$/);
    expect(twentieth.body.message.en).toMatch(/^Too many failed logins from this address: try again after /);

    // even a right password from that address waits; the same account from elsewhere does not
    expect((await login(sprayer, 'operator', 'Oper@2026')).status).toBe(429);
    expect((await login(OFFICE, 'operator', 'Oper@2026')).status).toBe(200);

    const admin = await login(OFFICE, 'admin', 'Admin@2026');
    const alerts = await t.api.get('/api/v1/admin/security-alerts?open=true', {
      token: admin.body.accessToken,
    });
    expect(alerts.body.items).toContainEqual(
      expect.objectContaining({ kind: 'address_throttled', ip: sprayer, failures: 20, username: null }),
    );
  });
});
