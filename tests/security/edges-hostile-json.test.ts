import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIntegrationRequest } from '../../apps/server/src/modules/gateway/index.js';
import { createTestApp, type ApiResponse, type TestApp } from '../../apps/server/src/testing/harness.js';
import { loginStaff } from '../../apps/server/src/testing/staff.js';

// Issue 9, finding 6: JSON nested 10,000 deep got an unauthenticated 500 on every JSON route, the
// integration API included (a recursive NUL check overflowed the stack).

let t: TestApp;
let admin: { token: string };
let integration: { appId: string; secret: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginStaff(t, 'admin');
  const ch = await t.api.post('/api/v1/admin/channels', {
    token: admin.token,
    body: { code: 'his-hostile', name: '院内 HIS', kind: 'his_counter', allowedOperations: ['slots.lock'] },
  });
  expect(ch.status).toBe(201);
  integration = ch.body;
});
afterAll(async () => t.close());

const deepObject = (n: number, leaf = '1') => '{"a":'.repeat(n) + leaf + '}'.repeat(n);
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);

const signed = (path: string, raw: string) =>
  t.api.post(path, {
    rawBody: raw,
    headers: signIntegrationRequest({
      ...integration,
      method: 'POST',
      path,
      body: raw,
      timestamp: Math.floor(t.clock.now().getTime() / 1000),
      nonce: randomBytes(12).toString('hex'),
    }),
  });

function expectTooDeep(res: ApiResponse) {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.code).toBe('JSON_TOO_DEEP');
  expect(res.body.message).toEqual({
    zh: '请求内容嵌套层数过多（最多 64 层）',
    en: 'JSON nested deeper than 64 levels',
  });
}

describe('hostile JSON bodies get a 400, never a 5xx', () => {
  it('10,000 nested objects or arrays on a public route are refused before parsing', async () => {
    expectTooDeep(await t.api.post('/api/v1/auth/sms-codes', { rawBody: deepObject(10_000) }));
    expectTooDeep(await t.api.post('/api/v1/auth/sms-codes', { rawBody: deepArray(10_000) }));
    expectTooDeep(await t.api.post('/api/v1/staff/auth/login', { rawBody: deepArray(10_000) }));
    // the server is still answering
    expect((await t.api.get('/api/health')).status).toBe(200);
  });

  it('brackets inside strings do not count, and 64 levels are still accepted as JSON', async () => {
    const inString = JSON.stringify({ phone: '['.repeat(10_000) });
    const res = await t.api.post('/api/v1/auth/sms-codes', { rawBody: inString });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const atLimit = await t.api.post('/api/v1/auth/sms-codes', { rawBody: deepObject(64) });
    expect(atLimit.body.code).toBe('VALIDATION_FAILED');
    expectTooDeep(await t.api.post('/api/v1/auth/sms-codes', { rawBody: deepObject(65) }));
  });

  it('a signed integration call with a deep body gets the same 400, and so does an unsigned one', async () => {
    expectTooDeep(await signed('/api/integration/v1/locks', deepObject(10_000)));
    const unsigned = await t.api.post('/api/integration/v1/locks', { rawBody: deepArray(10_000) });
    expect(unsigned.status).toBeLessThan(500);
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    // the call log kept the refusal
    const calls = await t.api.get('/api/v1/admin/integration-calls?pageSize=5', { token: admin.token });
    expect(calls.status).toBe(200);
    expect(JSON.stringify(calls.body)).toContain('JSON_TOO_DEEP');
  });

  it('an authenticated staff route refuses a deep body with 400, an unauthenticated caller gets 401 first', async () => {
    expectTooDeep(
      await t.api.post('/api/v1/admin/users', { token: admin.token, rawBody: deepArray(10_000) }),
    );
    const anonymous = await t.api.post('/api/v1/admin/users', { rawBody: deepArray(10_000) });
    expect(anonymous.status).toBe(401);
    const before = await t.api.get('/api/v1/admin/users?pageSize=100', { token: admin.token });
    expect(before.status).toBe(200);
  });

  it('a NUL character anywhere in a body within the depth limit gets 400 INVALID_CHARACTER', async () => {
    const res = await t.api.post('/api/v1/auth/sms-codes', { rawBody: deepObject(60, '"x\\u0000y"') });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_CHARACTER');
    expect(res.body.message).toEqual({ zh: '请求包含无效字符', en: 'Request contains a NUL character' });
    const inKey = await t.api.post('/api/v1/staff/auth/login', {
      rawBody: '{"username":"admin","password":"x","a\\u0000":1}',
    });
    expect(inKey.body.code).toBe('INVALID_CHARACTER');
  });
});
