import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, isPostgres, type TestApp } from '../../testing/harness.js';
import { enrolPerson, loginPatient } from '../../testing/patients.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { blindIndexOf } from './service.js';

// Races need several connections: PostgreSQL only (PGlite has one connection and serialises anyway).
describe.skipIf(!isPostgres())('identity under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ poolSize: 12 });
  });
  afterAll(async () => t?.close());

  it('ten parallel additions to one account never exceed the family limit', async () => {
    const { token } = await loginPatient(t, '13300000001');
    const people = Array.from({ length: 10 }, (_, i) => ({
      name: `家人${'一二三四五六七八九十'[i]}`,
      idNumber: makeResidentId('20100101', '110101', String(300 + i)),
    }));
    people.forEach((p) => enrolPerson(t, p));
    const results = await Promise.all(
      people.map((p) =>
        t.api.post('/api/v1/patients', {
          token,
          body: { ...p, phone: '13812340000', relation: 'child' },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(
      Array(5).fill('PATIENT_LIMIT_REACHED'),
    );
    const list = await t.api.get('/api/v1/patients', { token });
    expect(list.body.items).toHaveLength(5);
    expect(list.body.items.filter((p: { isDefault: boolean }) => p.isDefault)).toHaveLength(1);
  });

  it('the same person added twice at once is bound once', async () => {
    const { token } = await loginPatient(t, '13300000002');
    const idNumber = makeResidentId('20120202');
    enrolPerson(t, { name: '小同', idNumber });
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        t.api.post('/api/v1/patients', {
          token,
          body: { name: '小同', idNumber, phone: '13812340000', relation: 'child' },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'PATIENT_DUPLICATE')).toBe(
      true,
    );
  });

  it('one identity claimed as "self" by several accounts at once is held by exactly one', async () => {
    const person = { name: '岳明', idNumber: makeResidentId('19810808', '110101', '777') };
    enrolPerson(t, person);
    const accounts = await Promise.all(
      ['13300000011', '13300000012', '13300000013', '13300000014'].map((p) => loginPatient(t, p)),
    );
    const results = await Promise.all(
      accounts.map((a) =>
        t.api.post('/api/v1/patients', {
          token: a.token,
          body: { ...person, phone: '13812340000', relation: 'self' },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(
      Array(3).fill('IDENTITY_CLAIMED'),
    );
    const held = await t.database.raw.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM patients WHERE relation = 'self' AND verified_at IS NOT NULL AND deleted_at IS NULL AND id_number_idx = $1",
      [blindIndexOf(t.app.ctx, person.idNumber)],
    );
    expect(held.rows[0].n).toBe(1);
  });

  it('one code logs in once even when submitted in parallel; the first login creates one account', async () => {
    const phone = '13300000003';
    const sent = await t.api.post('/api/v1/auth/sms-codes', { body: { phone } });
    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        t.api.post('/api/v1/auth/sms-login', { body: { phone, code: sent.body.sandboxCode } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const accounts = await t.database.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
    const again = await loginPatient(t, phone);
    const after = await t.database.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
    expect(after.rows[0].n).toBe(accounts.rows[0].n);
    expect(again.accountId).toBe(results.find((r) => r.status === 200)!.body.account.id);
  });
});
