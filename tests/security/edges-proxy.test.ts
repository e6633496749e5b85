import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../apps/server/src/testing/harness.js';
import { loginStaff } from '../../apps/server/src/testing/staff.js';
import { testConfig } from '../../apps/server/src/testing/config.js';

// Issue 9, finding 4: per-address limits trusted X-Forwarded-For from any client, so changing the
// header reset the SMS-code limits, and the audit log recorded the forged address.

let direct: TestApp; // TRUST_PROXY unset: no proxy is trusted
let behindProxy: TestApp; // the injected requests' peer (127.0.0.1) is the trusted proxy

beforeAll(async () => {
  direct = await createTestApp({ config: { TRUST_PROXY: '', SMS_MAX_PER_IP_PER_DAY: '2' } });
  behindProxy = await createTestApp({ config: { TRUST_PROXY: '127.0.0.0/8', SMS_MAX_PER_IP_PER_DAY: '2' } });
});
afterAll(async () => {
  await direct.close();
  await behindProxy.close();
});

const askCode = (t: TestApp, phone: string, forged: string) =>
  t.api.post('/api/v1/auth/sms-codes', { body: { phone }, headers: { 'x-forwarded-for': forged } });

describe('client addresses come from the socket unless the peer is a trusted proxy', () => {
  it('a forged X-Forwarded-For does not reset the per-address SMS limit', async () => {
    expect((await askCode(direct, '13700000001', '198.51.100.1')).status).toBe(200);
    expect((await askCode(direct, '13700000002', '198.51.100.2')).status).toBe(200);
    const third = await askCode(direct, '13700000003', '198.51.100.3');
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('SMS_IP_LIMIT_REACHED');
    expect(third.body.message).toEqual({
      zh: '当前网络获取验证码次数过多，请稍后再试',
      en: 'Too many codes requested from this network address today',
    });
    // no code was created for the refused number
    const { rows } = await direct.database.raw.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sms_codes WHERE ip = '127.0.0.1'`,
    );
    expect(rows[0].n).toBe(2);
  });

  it('the audit log records the socket address, not the forged one', async () => {
    const login = await direct.api.post('/api/v1/staff/auth/login', {
      body: { username: 'operator', password: 'Oper@2026' },
      headers: { 'x-forwarded-for': '203.0.113.66' },
    });
    expect(login.status).toBe(200);
    const admin = await loginStaff(direct, 'admin');
    const logs = await direct.api.get(
      `/api/v1/admin/audit-logs?action=staff.login&objectId=${login.body.user.id}&pageSize=1`,
      { token: admin.token },
    );
    expect(logs.body.items[0].ip).toBe('127.0.0.1');
    expect(JSON.stringify(logs.body)).not.toContain('203.0.113.66');
  });

  it('behind a proxy named in TRUST_PROXY, the forwarded client address is used for limits and the audit log', async () => {
    expect((await askCode(behindProxy, '13700000011', '198.51.100.1')).status).toBe(200);
    expect((await askCode(behindProxy, '13700000012', '198.51.100.1')).status).toBe(200);
    expect((await askCode(behindProxy, '13700000013', '198.51.100.1')).status).toBe(429);
    // another client behind the same proxy has its own allowance
    expect((await askCode(behindProxy, '13700000014', '198.51.100.2')).status).toBe(200);

    await behindProxy.api.post('/api/v1/staff/auth/login', {
      body: { username: 'nurse', password: 'Nurse@2026' },
      headers: { 'x-forwarded-for': '203.0.113.77' },
    });
    const admin = await loginStaff(behindProxy, 'admin');
    const logs = await behindProxy.api.get('/api/v1/admin/audit-logs?action=staff.login&pageSize=5', {
      token: admin.token,
    });
    expect(logs.body.items.map((i: { ip: string }) => i.ip)).toContain('203.0.113.77');
  });

  it('TRUST_PROXY accepts only addresses and CIDRs, naming the variable otherwise', () => {
    expect(testConfig({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12, ::1, loopback' }).TRUST_PROXY).toEqual([
      '10.0.0.1',
      '172.16.0.0/12',
      '::1',
      'loopback',
    ]);
    expect(() => testConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: not an address or CIDR: true/);
    expect(() => testConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });
});
