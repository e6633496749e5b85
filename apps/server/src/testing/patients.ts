import { expect } from 'vitest';
import type { TestApp } from './harness.js';
import { makeResidentId } from './id-numbers.js';
import { SandboxIdentityVerifier } from '../integrations/identity/index.js';
import { loginStaff } from './staff.js';

/**
 * Makes the sandbox real-name provider know this person (as the population register knows every
 * resident): tests invent people, the demo uses SANDBOX_PEOPLE. The first name enrolled for a number
 * stays, so adding the number later under another name is refused like a wrong name.
 */
export function enrolPerson(t: TestApp, person: { name: string; idNumber: string }): void {
  const verifier = t.app.ctx.adapters.identityVerifier;
  if (verifier instanceof SandboxIdentityVerifier) verifier.enrol(person);
}

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
 * ("self", an adult born 1990-03-07) with a fresh valid ID number, enrolled with the sandbox
 * real-name provider first. An account has only one "self": pass { relation: 'child', idNumber:
 * makeResidentId('20180101') } etc. for further family members, whose records stay closed until
 * they consent (from 14) or the counter links them (under 14).
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
  enrolPerson(t, body);
  const res = await t.api.post('/api/v1/patients', { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, body: res.body };
}

/**
 * The counter links a patient whose records need documents seen in person (a child under 14 with the
 * guardian's household register): as the demo operator, through POST /v1/admin/patients/:id/counter-link.
 */
export async function linkAtCounter(
  t: TestApp,
  patientId: string,
  document: 'resident_id_card' | 'household_register' | 'birth_certificate' = 'household_register',
): Promise<void> {
  const { token } = await loginStaff(t, 'operator');
  const res = await t.api.post(`/api/v1/admin/patients/${patientId}/counter-link`, {
    token,
    body: { document },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
