import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../apps/server/src/config.js';
import { SandboxInsurance } from '../../apps/server/src/integrations/insurance/index.js';
import { createTestApp, type TestApp } from '../../apps/server/src/testing/harness.js';
import { loginPatient } from '../../apps/server/src/testing/patients.js';
import { loginStaff } from '../../apps/server/src/testing/staff.js';
import { makeResidentId } from '../../apps/server/src/testing/id-numbers.js';

// Issue 9, findings 8 and 10: the patient refresh endpoint accepted staff refresh tokens; /api/metrics
// and /api/docs were open in production; on admin routes a caller without the permission got a 400
// with validation details instead of a 403; the sandbox insurance auth code carried the full ID number.

const OPS_TOKEN = randomBytes(32).toString('hex');
let t: TestApp;
let guarded: TestApp;
let closed: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  guarded = await createTestApp({
    config: { METRICS_EXPOSURE: 'token', API_DOCS_EXPOSURE: 'token', OPS_TOKEN },
  });
  closed = await createTestApp({ config: { METRICS_EXPOSURE: 'off', API_DOCS_EXPOSURE: 'off' } });
});
afterAll(async () => {
  await t.close();
  await guarded.close();
  await closed.close();
});

const REFRESH_INVALID = { zh: '登录已失效，请重新登录', en: 'Refresh token is invalid' };

describe('tokens stay in their realm', () => {
  it('a staff refresh token is refused by the patient endpoint and still works for staff', async () => {
    const staff = await loginStaff(t, 'operator');
    const crossed = await t.api.post('/api/v1/auth/refresh', { body: { refreshToken: staff.refreshToken } });
    expect(crossed.status).toBe(401);
    expect(crossed.body.code).toBe('REFRESH_TOKEN_INVALID');
    expect(crossed.body.message).toEqual(REFRESH_INVALID);
    expect(crossed.body.accessToken).toBeUndefined();
    // not consumed, and the session not revoked: the staff member refreshes as usual
    const own = await t.api.post('/api/v1/staff/auth/refresh', {
      body: { refreshToken: staff.refreshToken },
    });
    expect(own.status).toBe(200);
    expect((await t.api.get('/api/v1/staff/me', { token: own.body.accessToken })).status).toBe(200);
  });

  it('a patient refresh token is refused by the staff endpoint', async () => {
    const patient = await loginPatient(t, '13800009001');
    const crossed = await t.api.post('/api/v1/staff/auth/refresh', {
      body: { refreshToken: patient.refreshToken },
    });
    expect(crossed.status).toBe(401);
    expect(crossed.body.code).toBe('REFRESH_TOKEN_INVALID');
    const own = await t.api.post('/api/v1/auth/refresh', { body: { refreshToken: patient.refreshToken } });
    expect(own.status).toBe(200);
  });
});

describe('permission is decided before validation', () => {
  it('a caller without the permission gets 403 and no validation details; the holder gets the 400', async () => {
    const admin = await loginStaff(t, 'admin');
    const countUsers = async () =>
      (await t.api.get('/api/v1/admin/users?pageSize=1', { token: admin.token })).body.total as number;
    const before = await countUsers();
    const operator = await loginStaff(t, 'operator');
    const refused = await t.api.post('/api/v1/admin/users', { token: operator.token, body: { nonsense: 1 } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('PERMISSION_DENIED');
    expect(refused.body.message).toEqual({ zh: '您没有该操作的权限', en: 'Missing permission staff.manage' });
    expect(JSON.stringify(refused.body)).not.toContain('issues');
    const badQuery = await t.api.get('/api/v1/admin/users?page=not-a-number', { token: operator.token });
    expect(badQuery.status).toBe(403);

    const anonymous = await t.api.post('/api/v1/admin/users', { body: { nonsense: 1 } });
    expect(anonymous.status).toBe(401);

    const invalid = await t.api.post('/api/v1/admin/users', { token: admin.token, body: { nonsense: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    // nothing was created by any of them
    expect(await countUsers()).toBe(before);
  });

  it('a patient calling a staff route with a bad body gets 403, not the shape of the request', async () => {
    const patient = await loginPatient(t, '13800009002');
    const res = await t.api.post('/api/v1/admin/users', { token: patient.token, body: {} });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('STAFF_ONLY');
  });
});

describe('metrics and API docs exposure', () => {
  it('production hides metrics and API docs unless configured', () => {
    const strong = () => randomBytes(32).toString('hex');
    const prod = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: strong(),
      PII_ENCRYPTION_KEY: strong(),
      PII_INDEX_KEY: strong(),
      INSURANCE_SANDBOX_SECRET: strong(),
      ALLOW_SANDBOX: 'payment,login,sms,insurance,cards,einvoice,credit,exam,his,identity',
    });
    expect(prod.exposure).toEqual({ metrics: 'off', apiDocs: 'off' });
    expect(() =>
      loadConfig({ NODE_ENV: 'production', METRICS_EXPOSURE: 'token', JWT_SECRET: strong() }),
    ).toThrow(/OPS_TOKEN/);
  });

  it('off: the routes do not exist', async () => {
    for (const path of ['/api/metrics', '/api/openapi.json', '/api/docs']) {
      const res = await closed.api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('token: only the operations token opens them', async () => {
    for (const path of ['/api/metrics', '/api/openapi.json', '/api/docs']) {
      const none = await guarded.api.get(path);
      expect(none.status, path).toBe(401);
      expect(none.body.code).toBe('OPS_TOKEN_REQUIRED');
      expect(none.body.message).toEqual({
        zh: '需要运维令牌才能访问',
        en: 'This endpoint needs the operations token (OPS_TOKEN)',
      });
      const admin = await loginStaff(guarded, 'admin');
      expect((await guarded.api.get(path, { token: admin.token })).status, path).toBe(401);
    }
    const metrics = await guarded.api.get('/api/metrics', { token: OPS_TOKEN });
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toContain('process_cpu');
    const doc = await guarded.api.get('/api/openapi.json', { token: OPS_TOKEN });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBeTruthy();
  });
});

describe('the sandbox insurance authorisation code', () => {
  it('does not carry the ID number, readable or encoded, and still authorises its holder', async () => {
    const insurance = new SandboxInsurance({ secret: randomBytes(32).toString('hex') });
    const idNumber = makeResidentId('19800101');
    const code = insurance.issueAuthCode({ name: '王小明', idNumber });
    const decoded = code
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('utf8'))
      .join('|');
    for (const text of [code, decoded]) {
      expect(text).not.toContain(idNumber);
      expect(text).not.toContain(idNumber.slice(-8));
      expect(text).not.toContain('王小明');
    }
    const { person } = await insurance.authorise(t.app.ctx, code);
    expect(person).toMatchObject({ name: '王小明', idNumber });
    // a code altered by one character is refused
    const tampered = code.slice(0, -2) + (code.endsWith('A') ? 'BB' : 'AA');
    await expect(insurance.authorise(t.app.ctx, tampered)).rejects.toMatchObject({
      code: 'AUTH_CODE_INVALID',
    });
  });
});
