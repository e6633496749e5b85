import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginPatient } from '../../testing/patients.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { SMS_MAX_PER_PHONE_PER_DAY: '6', SMS_MAX_PER_IP_PER_DAY: '40' } });
});
afterAll(async () => t.close());

const requestCode = (phone: string, ip?: string) =>
  t.api.post('/api/v1/auth/sms-codes', { body: { phone }, headers: ip ? { 'x-forwarded-for': ip } : {} });
const login = (phone: string, code: string) =>
  t.api.post('/api/v1/auth/sms-login', { body: { phone, code } });
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('SMS code login (IDN-01, IDN-02)', () => {
  it('registers the account on the first login and logs into the same account later', async () => {
    const sent = await requestCode('13700000001');
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ resendAfterSeconds: 60, expiresInSeconds: 300 });
    expect(sent.body.sandboxCode).toMatch(/^\d{6}$/);
    const first = await login('13700000001', sent.body.sandboxCode);
    expect(first.status).toBe(200);
    expect(first.body.account).toMatchObject({ phoneMasked: '137****0001', hasPassword: false });
    expect(first.body.accessToken).toBeTruthy();

    const again = await loginPatient(t, '13700000001');
    expect(again.accountId).toBe(first.body.account.id);
    const me = await t.api.get('/api/v1/me', { token: again.token });
    expect(me.body).toMatchObject({
      id: first.body.account.id,
      phoneMasked: '137****0001',
      hasPassword: false,
    });
  });

  it('refuses a wrong code and says how many tries are left; a used code does not log in twice', async () => {
    const { body } = await requestCode('13700000002');
    const bad = await login('13700000002', wrong(body.sandboxCode));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'SMS_CODE_INVALID', details: { attemptsLeft: 4 } });
    expect((await login('13700000002', body.sandboxCode)).status).toBe(200);
    const replay = await login('13700000002', body.sandboxCode);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('SMS_CODE_INVALID');
  });

  it('kills the code after five wrong tries, even if the right code follows', async () => {
    const { body } = await requestCode('13700000003');
    for (let i = 0; i < 4; i++)
      expect((await login('13700000003', wrong(body.sandboxCode))).body.code).toBe('SMS_CODE_INVALID');
    const fifth = await login('13700000003', wrong(body.sandboxCode));
    expect(fifth.body.code).toBe('SMS_CODE_ATTEMPTS_EXCEEDED');
    const right = await login('13700000003', body.sandboxCode);
    expect(right.status).toBe(400);
    expect(right.body.code).toBe('SMS_CODE_ATTEMPTS_EXCEEDED');
    const rows = await t.database.raw.query<{ attempts: number; consumed_at: Date | null }>(
      "SELECT attempts, consumed_at FROM sms_codes WHERE purpose = 'login' AND dead_at IS NOT NULL AND attempts > 0",
    );
    expect(rows.rows).toEqual([{ attempts: 5, consumed_at: null }]);
  });

  it('refuses an expired code after five minutes', async () => {
    const { body } = await requestCode('13700000004');
    t.clock.advance(300_001);
    const late = await login('13700000004', body.sandboxCode);
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('SMS_CODE_EXPIRED');
  });

  it('waits 60 seconds between codes to one phone; the new code replaces the old one', async () => {
    const first = await requestCode('13700000005');
    t.clock.advance(30_000);
    const soon = await requestCode('13700000005');
    expect(soon.status).toBe(429);
    expect(soon.body).toMatchObject({ code: 'SMS_RESEND_TOO_SOON', details: { retryAfterSeconds: 30 } });
    t.clock.advance(30_000);
    const second = await requestCode('13700000005');
    expect(second.status).toBe(200);
    if (first.body.sandboxCode !== second.body.sandboxCode) {
      expect((await login('13700000005', first.body.sandboxCode)).body.code).toBe('SMS_CODE_INVALID');
    }
    expect((await login('13700000005', second.body.sandboxCode)).status).toBe(200);
  });

  it('limits codes per phone per day and per network address', async () => {
    const phone = '13700000006';
    for (let i = 0; i < 6; i++) {
      expect((await requestCode(phone, '10.1.1.1')).status).toBe(200);
      t.clock.advance(61_000);
    }
    const over = await requestCode(phone, '10.1.1.1');
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('SMS_DAILY_LIMIT_REACHED');

    // another phone from an address that already asked 40 times today (spread over addresses first so
    // that the per-minute burst limit of the route does not answer instead)
    for (let i = 0; i < 34; i++) await requestCode(`1360000${String(i).padStart(4, '0')}`, `10.9.0.${i}`);
    await t.database.raw.query(
      "UPDATE sms_codes SET ip = '10.2.2.2' WHERE ip LIKE '10.9.0.%' OR ip = '10.1.1.1'",
    );
    const fromBusyIp = await requestCode('13700000007', '10.2.2.2');
    expect(fromBusyIp.status).toBe(429);
    expect(fromBusyIp.body.code).toBe('SMS_IP_LIMIT_REACHED');
    expect((await requestCode('13700000007', '10.3.3.3')).status).toBe(200);
  });

  it('refuses a malformed phone number or code at the edge', async () => {
    expect((await requestCode('12345')).body.code).toBe('VALIDATION_FAILED');
    expect((await login('13700000001', 'abc')).body.code).toBe('VALIDATION_FAILED');
  });
});

describe('sessions (IDN-02, IDN-03)', () => {
  it('rotates the refresh token and refuses a used one, ending the session', async () => {
    const p = await loginPatient(t, '13700000010');
    const r1 = await t.api.post('/api/v1/auth/refresh', { body: { refreshToken: p.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(p.refreshToken);
    const reuse = await t.api.post('/api/v1/auth/refresh', { body: { refreshToken: p.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_INVALID');
    // reuse signals theft: the rotated token is dead too
    expect(
      (await t.api.post('/api/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })).status,
    ).toBe(401);
  });

  it('after logout the access token no longer shows personal data', async () => {
    const p = await loginPatient(t, '13700000011');
    expect((await t.api.get('/api/v1/patients', { token: p.token })).status).toBe(200);
    expect((await t.api.post('/api/v1/auth/logout', { token: p.token })).status).toBe(204);
    const after = await t.api.get('/api/v1/patients', { token: p.token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_REVOKED');
    expect(
      (await t.api.post('/api/v1/auth/refresh', { body: { refreshToken: p.refreshToken } })).status,
    ).toBe(401);
  });
});

describe('optional password (IDN-04)', () => {
  it('sets a password, logs in with it, and a change ends the other sessions and the old password', async () => {
    const phone = '13700000012';
    const a = await loginPatient(t, phone);
    const b = await loginPatient(t, phone);
    const weak = await t.api.put('/api/v1/me/password', {
      token: a.token,
      body: { newPassword: '12345678' },
    });
    expect(weak.body.code).toBe('PASSWORD_TOO_WEAK');
    const set = await t.api.put('/api/v1/me/password', {
      token: a.token,
      body: { newPassword: 'Qingnang2026' },
    });
    expect(set.status).toBe(200);
    expect(set.body.accessToken).toBeTruthy();
    // every earlier session has ended, including the other device
    expect((await t.api.get('/api/v1/me', { token: b.token })).status).toBe(401);
    expect((await t.api.get('/api/v1/me', { token: a.token })).status).toBe(401);
    expect((await t.api.get('/api/v1/me', { token: set.body.accessToken })).body.hasPassword).toBe(true);

    const pw = await t.api.post('/api/v1/auth/password-login', { body: { phone, password: 'Qingnang2026' } });
    expect(pw.status).toBe(200);

    const noOld = await t.api.put('/api/v1/me/password', {
      token: pw.body.accessToken,
      body: { newPassword: 'Another2027' },
    });
    expect(noOld.body.code).toBe('OLD_PASSWORD_WRONG');
    const changed = await t.api.put('/api/v1/me/password', {
      token: pw.body.accessToken,
      body: { oldPassword: 'Qingnang2026', newPassword: 'Another2027' },
    });
    expect(changed.status).toBe(200);
    const old = await t.api.post('/api/v1/auth/password-login', {
      body: { phone, password: 'Qingnang2026' },
    });
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('LOGIN_FAILED');
    expect(
      (await t.api.post('/api/v1/auth/password-login', { body: { phone, password: 'Another2027' } })).status,
    ).toBe(200);
  });

  it('locks password login after five wrong passwords; an unknown phone reads the same as a wrong password', async () => {
    const phone = '13700000013';
    const p = await loginPatient(t, phone);
    await t.api.put('/api/v1/me/password', { token: p.token, body: { newPassword: 'Qingnang2026' } });
    const unknown = await t.api.post('/api/v1/auth/password-login', {
      body: { phone: '13700009999', password: 'x' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('LOGIN_FAILED');
    for (let i = 0; i < 5; i++) {
      expect(
        (await t.api.post('/api/v1/auth/password-login', { body: { phone, password: 'wrong' } })).status,
      ).toBe(401);
    }
    const locked = await t.api.post('/api/v1/auth/password-login', {
      body: { phone, password: 'Qingnang2026' },
    });
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    t.clock.advance(15 * 60_000 + 1000);
    expect(
      (await t.api.post('/api/v1/auth/password-login', { body: { phone, password: 'Qingnang2026' } })).status,
    ).toBe(200);
  });
});

describe('forgotten password', () => {
  it('a login code sets a new password and ends every session; the code cannot be used twice', async () => {
    const phone = '13700000014';
    const p = await loginPatient(t, phone);
    await t.api.put('/api/v1/me/password', { token: p.token, body: { newPassword: 'Forgotten2026' } });
    const sent = await requestCode(phone);
    const weak = await t.api.post('/api/v1/auth/password-reset', {
      body: { phone, code: sent.body.sandboxCode, newPassword: 'short' },
    });
    expect(weak.body.code).toBe('PASSWORD_TOO_WEAK');
    const reset = await t.api.post('/api/v1/auth/password-reset', {
      body: { phone, code: sent.body.sandboxCode, newPassword: 'Remembered2027' },
    });
    expect(reset.status).toBe(200);
    expect((await t.api.get('/api/v1/me', { token: reset.body.accessToken })).body.hasPassword).toBe(true);
    const replay = await t.api.post('/api/v1/auth/password-reset', {
      body: { phone, code: sent.body.sandboxCode, newPassword: 'Another2028' },
    });
    expect(replay.body.code).toBe('SMS_CODE_INVALID');
    expect(
      (await t.api.post('/api/v1/auth/password-login', { body: { phone, password: 'Forgotten2026' } }))
        .status,
    ).toBe(401);
    expect(
      (await t.api.post('/api/v1/auth/password-login', { body: { phone, password: 'Remembered2027' } }))
        .status,
    ).toBe(200);
  });
});

describe('WeChat and Alipay authorisation login', () => {
  it('the same authorisation code always reaches the same account; providers are separate', async () => {
    const a = await t.api.post('/api/v1/auth/oauth-login', { body: { provider: 'wechat', code: 'wx-abc' } });
    expect(a.status).toBe(200);
    expect(a.body.account).toMatchObject({ phoneMasked: null, linkedProviders: ['wechat'] });
    const b = await t.api.post('/api/v1/auth/oauth-login', { body: { provider: 'wechat', code: 'wx-abc' } });
    expect(b.body.account.id).toBe(a.body.account.id);
    const c = await t.api.post('/api/v1/auth/oauth-login', { body: { provider: 'alipay', code: 'wx-abc' } });
    expect(c.body.account.id).not.toBe(a.body.account.id);
    const bad = await t.api.post('/api/v1/auth/oauth-login', {
      body: { provider: 'wechat', code: 'invalid-1' },
    });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('OAUTH_CODE_INVALID');
  });
});
