import { expect } from 'vitest';
import type { TestApp } from './harness.js';
import { makeResidentId } from './id-numbers.js';

/**
 * Logs a patient account in through the real endpoints (POST /v1/auth/sms-codes, /sms-login), reading
 * the code from the sandbox response. The first login registers the account. Logging the same phone
 * in again at once is fine: the 60 s resend interval only applies while the previous code is unused.
 */
export async function loginPatient(
  t: TestApp,
  phone: string,
): Promise<{ token: string; accountId: string; refreshToken: string }> {
  // Each simulated patient comes from its own network address (derived from the phone number), so
  // many logins in one test file stay under the per-address limits.
  const headers = {
    'x-forwarded-for': `10.${Number(phone.slice(-6, -4))}.${Number(phone.slice(-4, -2))}.${Number(phone.slice(-2))}`,
  };
  const sent = await t.api.post('/api/v1/auth/sms-codes', { body: { phone }, headers });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const login = await t.api.post('/api/v1/auth/sms-login', {
    body: { phone, code: sent.body.sandboxCode },
    headers,
  });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  return {
    token: login.body.accessToken,
    accountId: login.body.account.id,
    refreshToken: login.body.refreshToken,
  };
}

let sequence = 100;

export interface PatientOverrides {
  name?: string;
  idType?: string;
  idNumber?: string;
  phone?: string;
  relation?: string;
}

/**
 * Adds a verified patient through POST /v1/patients: by default the account holder themself
 * ("self", an adult born 1990-03-07, so no consent is needed) with a fresh valid ID number. An
 * account has only one "self": pass { relation: 'child', idNumber: makeResidentId('20180101') } etc.
 * for further family members (an adult non-self patient starts with consent pending).
 */
export async function addPatient(
  t: TestApp,
  token: string,
  overrides: PatientOverrides = {},
): Promise<{ id: string; body: any }> {
  sequence = sequence >= 998 ? 100 : sequence + 1;
  const body = {
    name: '张三',
    idType: 'resident_id',
    idNumber: makeResidentId('19900307', '110101', String(sequence)),
    phone: `139${String(10_000_000 + sequence * 7919).slice(-8)}`,
    relation: 'self',
    ...overrides,
  };
  const res = await t.api.post('/api/v1/patients', { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, body: res.body };
}
