import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, enrolPerson, loginPatient } from '../../testing/patients.js';
import { loginStaff } from '../../testing/staff.js';
import { makeResidentId, withWrongCheckChar } from '../../testing/id-numbers.js';
import { getPatientForAccount, getPatientForRecords } from './service.js';
import { dayjs } from '../../platform/clock.js';

let t: TestApp;
beforeAll(async () => {
  // 2026-11-23 09:00 in Shanghai
  t = await createTestApp();
});
afterAll(async () => t.close());

const post = (url: string, token: string, body?: unknown) => t.api.post(`/api/v1${url}`, { token, body });
const messagesOf = async (accountId: string) =>
  (
    await t.database.raw.query<{ template: string; body_zh: string }>(
      'SELECT template, body_zh FROM messages WHERE account_id = $1 ORDER BY created_at, template',
      [accountId],
    )
  ).rows;

describe('real-name verification when adding a patient (IDN-05)', () => {
  it('adds the account holder with a valid resident ID; numbers are masked and facts derived', async () => {
    const { token, accountId } = await loginPatient(t, '13500000001');
    enrolPerson(t, { name: '李四', idNumber: '11010119900318123X' });
    const res = await post('/patients', token, {
      name: '李四',
      idType: 'resident_id',
      idNumber: '11010119900318123x',
      phone: '13812341234',
      relation: 'self',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '李四',
      idNumberMasked: '110***********123X',
      phoneMasked: '138****1234',
      gender: 'male',
      birthDate: '1990-03-18',
      age: 36,
      relation: 'self',
      isDefault: true,
      verified: true,
      consent: 'not_required',
      visitCardNo: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('11010119900318123X');
    const list = await t.api.get('/api/v1/patients', { token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.max).toBe(5);
    // the record other modules use holds the real numbers, server side only
    const record = await getPatientForAccount(t.app.ctx, accountId, res.body.id);
    expect(record.idNumber).toBe('11010119900318123X');
    expect(record.phone).toBe('13812341234');
  });

  it('refuses each kind of wrong ID number with its own code', async () => {
    const { token } = await loginPatient(t, '13500000002');
    const tryId = async (idNumber: string, idType = 'resident_id') =>
      (
        await post('/patients', token, {
          name: '王五',
          idType,
          idNumber,
          phone: '13812340002',
          relation: 'self',
        })
      ).body.code;
    expect(await tryId(withWrongCheckChar(makeResidentId('19850101')))).toBe('ID_NUMBER_CHECKSUM_INVALID');
    expect(await tryId(makeResidentId('19851301'))).toBe('ID_NUMBER_BIRTH_DATE_INVALID');
    expect(await tryId(makeResidentId('19850230'))).toBe('ID_NUMBER_BIRTH_DATE_INVALID');
    expect(await tryId(makeResidentId('20270101'))).toBe('ID_NUMBER_BIRTH_DATE_INVALID');
    expect(await tryId(makeResidentId('19850101', '990101'))).toBe('ID_NUMBER_REGION_INVALID');
    expect(await tryId(makeResidentId('19850101', '161001'))).toBe('ID_NUMBER_REGION_INVALID');
    expect(await tryId('1101011985010')).toBe('ID_NUMBER_FORMAT_INVALID');
    expect(await tryId('11010119850101123A')).toBe('ID_NUMBER_FORMAT_INVALID');
    // a resident ID number is not a Hong Kong / Macao / Taiwan residence permit
    expect(await tryId(makeResidentId('19850101'), 'hk_macao_tw_residence')).toBe('ID_NUMBER_REGION_INVALID');
    const badName = await post('/patients', token, {
      name: '王',
      idNumber: makeResidentId('19850101'),
      phone: '13812340002',
      relation: 'self',
    });
    expect(badName.status).toBe(400);
    expect(badName.body.code).toBe('PATIENT_NAME_INVALID');
    const badPhone = await post('/patients', token, {
      name: '王五',
      idNumber: makeResidentId('19850101'),
      phone: '1381234',
      relation: 'self',
    });
    expect(badPhone.body.code).toBe('VALIDATION_FAILED');
    // nothing was written
    expect((await t.api.get('/api/v1/patients', { token })).body.items).toEqual([]);
  });

  it('accepts residence permits of Hong Kong, Macao and Taiwan residents and foreign permanent residence cards', async () => {
    const { token } = await loginPatient(t, '13500000003');
    const hk = await addPatient(t, token, {
      name: '陈大文',
      idType: 'hk_macao_tw_residence',
      idNumber: makeResidentId('19850502', '810000', '002'),
    });
    expect(hk.body).toMatchObject({
      birthDate: '1985-05-02',
      gender: 'female',
      idNumberMasked: '810***********' + makeResidentId('19850502', '810000', '002').slice(-4),
    });
    const foreignNew = await addPatient(t, token, {
      name: 'John Smith',
      idType: 'foreign_permanent_residence',
      idNumber: makeResidentId('19800101', '911840', '011'),
      relation: 'spouse',
    });
    expect(foreignNew.body).toMatchObject({ birthDate: '1980-01-01', gender: 'male' });
    const foreignOld = await addPatient(t, token, {
      name: 'Anna Müller',
      idType: 'foreign_permanent_residence',
      idNumber: 'DEU110512250121',
      relation: 'child',
    });
    expect(foreignOld.body).toMatchObject({
      birthDate: '2005-12-25',
      gender: 'female',
      idNumberMasked: 'DEU********0121',
    });
    const wrongForeign = await post('/patients', token, {
      name: 'Jane Roe',
      idType: 'foreign_permanent_residence',
      idNumber: 'USA1105122',
      phone: '13812340003',
      relation: 'other',
    });
    expect(wrongForeign.body.code).toBe('ID_NUMBER_FORMAT_INVALID');
  });
});

describe('family members (IDN-06)', () => {
  it('holds at most five patients, refuses the same person twice and a second "self"', async () => {
    const { token } = await loginPatient(t, '13500000010');
    const self = await addPatient(t, token);
    const dup = await post('/patients', token, {
      name: '张三',
      idNumber: (await t.api.get(`/api/v1/patients/${self.id}`, { token })).body.idNumberMasked,
      phone: '13812340010',
      relation: 'self',
    });
    expect(dup.body.code).toBe('ID_NUMBER_FORMAT_INVALID');

    const childId = makeResidentId('20180101', '110101', '201');
    await addPatient(t, token, { relation: 'child', name: '小明', idNumber: childId });
    const again = await post('/patients', token, {
      name: '小明',
      idNumber: childId,
      phone: '13812340011',
      relation: 'child',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PATIENT_DUPLICATE');
    const secondSelf = await post('/patients', token, {
      name: '张三丰',
      idNumber: makeResidentId('19700101'),
      phone: '13812340012',
      relation: 'self',
    });
    expect(secondSelf.body.code).toBe('PATIENT_SELF_EXISTS');

    await addPatient(t, token, {
      relation: 'child',
      name: '小红',
      idNumber: makeResidentId('20190101', '110101', '202'),
    });
    await addPatient(t, token, {
      relation: 'parent',
      name: '张父',
      idNumber: makeResidentId('19500101', '110101', '203'),
    });
    const fifth = await addPatient(t, token, {
      relation: 'parent',
      name: '张母',
      idNumber: makeResidentId('19520101', '110101', '204'),
    });
    const sixth = await post('/patients', token, {
      name: '张叔',
      idNumber: makeResidentId('19600101', '110101', '205'),
      phone: '13812340013',
      relation: 'other',
    });
    expect(sixth.status).toBe(409);
    expect(sixth.body).toMatchObject({ code: 'PATIENT_LIMIT_REACHED', details: { max: 5 } });

    // removing one makes room again
    expect((await t.api.delete(`/api/v1/patients/${fifth.id}`, { token })).status).toBe(204);
    await addPatient(t, token, {
      relation: 'other',
      name: '张叔',
      idNumber: makeResidentId('19600101', '110101', '205'),
    });
    expect((await t.api.get('/api/v1/patients', { token })).body.items).toHaveLength(5);
  });

  it('limits binding and unbinding strangers in turn to ten new patients in 30 days', async () => {
    let { token } = await loginPatient(t, '13500000013');
    for (let i = 0; i < 10; i++) {
      const p = await addPatient(t, token, {
        relation: 'other',
        name: '路人',
        idNumber: makeResidentId('19700101', '110101', String(600 + i)),
      });
      expect((await t.api.delete(`/api/v1/patients/${p.id}`, { token })).status).toBe(204);
    }
    const body = {
      name: '路人',
      idNumber: makeResidentId('19700101', '110101', '611'),
      phone: '13812340013',
      relation: 'other',
    };
    enrolPerson(t, body);
    const eleventh = await post('/patients', token, body);
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.code).toBe('PATIENT_BIND_LIMITED');
    t.clock.advance(30 * 86400_000 + 1000);
    ({ token } = await loginPatient(t, '13500000013'));
    expect((await post('/patients', token, body)).status).toBe(201);
  });

  it('keeps one default patient; removing the default passes it to the next', async () => {
    const { token } = await loginPatient(t, '13500000011');
    const a = await addPatient(t, token);
    const b = await addPatient(t, token, {
      relation: 'child',
      name: '小雨',
      idNumber: makeResidentId('20200202'),
    });
    expect(a.body.isDefault).toBe(true);
    expect(b.body.isDefault).toBe(false);
    const made = await post(`/patients/${b.id}/default`, token);
    expect(made.body.isDefault).toBe(true);
    let items = (await t.api.get('/api/v1/patients', { token })).body.items;
    expect(items.filter((p: { isDefault: boolean }) => p.isDefault).map((p: { id: string }) => p.id)).toEqual(
      [b.id],
    );
    await t.api.delete(`/api/v1/patients/${b.id}`, { token });
    items = (await t.api.get('/api/v1/patients', { token })).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: a.id, isDefault: true });
  });

  it('sends a notification on binding and on unbinding (IDN-08)', async () => {
    const { token, accountId } = await loginPatient(t, '13500000012');
    const p = await addPatient(t, token, { name: '钱多多' });
    expect(await messagesOf(accountId)).toEqual([
      { template: 'patient.bound', body_zh: expect.stringContaining('钱多多（本人）') },
    ]);
    await t.api.delete(`/api/v1/patients/${p.id}`, { token });
    const after = await messagesOf(accountId);
    expect(after.map((m) => m.template)).toEqual(['patient.bound', 'patient.unbound']);
    expect(after[1].body_zh).toContain('钱多多');
    // a removed patient is gone for its account too
    expect((await t.api.get(`/api/v1/patients/${p.id}`, { token })).status).toBe(404);
    expect((await t.api.delete(`/api/v1/patients/${p.id}`, { token })).status).toBe(404);
    expect((await messagesOf(accountId)).length).toBe(2);
  });
});

describe("another account's patient", () => {
  it('is answered exactly like a patient that does not exist', async () => {
    const owner = await loginPatient(t, '13500000020');
    const stranger = await loginPatient(t, '13500000021');
    const theirs = await addPatient(t, owner.token);
    const missing = '00000000-0000-4000-8000-000000000000';
    const calls: [string, string, unknown?][] = [
      ['get', ''],
      ['patch', '', { phone: '13812349999' }],
      ['delete', ''],
      ['post', '/default'],
      ['post', '/consent/request'],
      ['post', '/consent/confirm', { code: '123456' }],
      ['post', '/identity-change', { name: '赵六', idNumber: makeResidentId('19911111') }],
      ['post', '/visit-card', {}],
      ['delete', '/health-card'],
      ['get', '/his-profile'],
    ];
    for (const [method, suffix, body] of calls) {
      const call = (id: string) =>
        (t.api as unknown as Record<string, typeof t.api.get>)[method](`/api/v1/patients/${id}${suffix}`, {
          token: stranger.token,
          body,
        });
      const foreign = await call(theirs.id);
      const none = await call(missing);
      expect([method, suffix, foreign.status, foreign.body.code]).toEqual([
        method,
        suffix,
        404,
        'PATIENT_NOT_FOUND',
      ]);
      expect({ ...foreign.body, requestId: undefined }).toEqual({ ...none.body, requestId: undefined });
    }
    // and the owner's patient is untouched
    const still = await t.api.get(`/api/v1/patients/${theirs.id}`, { token: owner.token });
    expect(still.body).toMatchObject({ phoneMasked: theirs.body.phoneMasked, isDefault: true });
    await expect(getPatientForAccount(t.app.ctx, stranger.accountId, theirs.id)).rejects.toMatchObject({
      code: 'PATIENT_NOT_FOUND',
      status: 404,
    });
  });
});

describe('consent of an adult family member (IDN-10)', () => {
  it('hides records of an adult bound by someone else until they confirm the code sent to their own phone', async () => {
    const { token, accountId } = await loginPatient(t, '13500000030');
    const spouse = await addPatient(t, token, {
      relation: 'spouse',
      name: '周敏',
      idNumber: makeResidentId('19880808', '310101', '222'),
      phone: '13600000030',
    });
    expect(spouse.body.consent).toBe('pending');
    const ctx = t.app.ctx;
    await expect(getPatientForRecords(ctx, accountId, spouse.id)).rejects.toMatchObject({
      code: 'PATIENT_NOT_FOUND',
    });
    // identity actions still work without consent
    expect((await getPatientForAccount(ctx, accountId, spouse.id)).consentState).toBe('pending');

    const sent = await post(`/patients/${spouse.id}/consent/request`, token);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ phoneMasked: '136****0030', resendAfterSeconds: 60 });
    // the code went to the spouse's phone, not to the account holder's
    const sms = await t.database.raw.query<{ phone_masked: string; content: string }>(
      "SELECT phone_masked, content FROM sms_messages WHERE template = 'auth.consent_code'",
    );
    expect(sms.rows).toHaveLength(1);
    expect(sms.rows[0].phone_masked).toBe('136****0030');
    // the SMS log keeps the message with its code masked
    expect(sms.rows[0].content).toContain('******');
    expect(sms.rows[0].content).not.toContain(sent.body.sandboxCode);

    const wrong = await post(`/patients/${spouse.id}/consent/confirm`, token, {
      code: sent.body.sandboxCode === '000000' ? '111111' : '000000',
    });
    expect(wrong.body.code).toBe('SMS_CODE_INVALID');
    // a login code for the same phone does not grant consent
    const loginCode = await t.api.post('/api/v1/auth/sms-codes', { body: { phone: '13600000030' } });
    const crossed = await post(`/patients/${spouse.id}/consent/confirm`, token, {
      code: loginCode.body.sandboxCode,
    });
    if (loginCode.body.sandboxCode !== sent.body.sandboxCode)
      expect(crossed.body.code).toBe('SMS_CODE_INVALID');

    const ok = await post(`/patients/${spouse.id}/consent/confirm`, token, { code: sent.body.sandboxCode });
    expect(ok.status).toBe(200);
    expect(ok.body.consent).toBe('granted');
    expect((await getPatientForRecords(ctx, accountId, spouse.id)).id).toBe(spouse.id);
    const again = await post(`/patients/${spouse.id}/consent/request`, token);
    expect(again.body.code).toBe('CONSENT_NOT_PENDING');
    expect((await messagesOf(accountId)).map((m) => m.template)).toContain('patient.consent_granted');
  });

  it('when the person withdraws consent, the family account is told in its message centre and reads nothing from then on', async () => {
    const person = { name: '钟慧', idNumber: makeResidentId('19790415', '310101', '318') };
    const own = await loginPatient(t, '13500000041');
    const self = await addPatient(t, own.token, { ...person, phone: '13500000041' });
    const family = await loginPatient(t, '13500000042');
    const held = await addPatient(t, family.token, { ...person, phone: '13600000042', relation: 'parent' });
    const sent = await post(`/patients/${held.id}/consent/request`, family.token);
    expect(sent.body.sentTo).toBe('own_account');
    expect(
      (await post(`/patients/${held.id}/consent/confirm`, family.token, { code: sent.body.sandboxCode }))
        .status,
    ).toBe(200);
    const bills = () => t.api.get(`/api/v1/bills?patientId=${held.id}`, { token: family.token });
    expect((await bills()).status).toBe(200);

    const withdrawn = await t.api.delete(`/api/v1/patients/${self.id}/record-sharing/${held.id}`, {
      token: own.token,
    });
    expect(withdrawn.status).toBe(200);
    // at once: the family account reads nothing of the person's records
    expect((await bills()).status).toBe(404);
    expect((await t.api.get(`/api/v1/patients/${held.id}`, { token: family.token })).body.recordsAccess).toBe(
      'consent_pending',
    );
    // and its message centre says so, in words, with the way back
    const inbox = await t.api.get('/api/v1/messages', { token: family.token });
    const told = inbox.body.items.filter(
      (m: { template: string }) => m.template === 'patient.consent_withdrawn',
    );
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      title: { zh: '家人已撤回授权', en: 'Consent withdrawn' },
      body: { zh: '钟慧 已撤回对您查看其就诊记录和报告的授权，您已不能再查看。如需查看，请重新申请授权。' },
    });
    // the person's own account is not told about its own action
    expect((await messagesOf(own.accountId)).map((m) => m.template)).not.toContain(
      'patient.consent_withdrawn',
    );

    // withdrawing again finds nothing to withdraw and tells nobody twice
    const again = await t.api.delete(`/api/v1/patients/${self.id}/record-sharing/${held.id}`, {
      token: own.token,
    });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('RECORD_SHARING_NOT_FOUND');
    expect(
      (await messagesOf(family.accountId)).filter((m) => m.template === 'patient.consent_withdrawn'),
    ).toHaveLength(1);
  });

  it('a child under 14 is linked only at the counter; from 14 the child consents by SMS; oneself needs none', async () => {
    const { token, accountId } = await loginPatient(t, '13500000031');
    const self = await addPatient(t, token);
    // one turns 14 tomorrow, the other turned 14 today (hospital time)
    const today = dayjs(t.clock.now()).tz('Asia/Shanghai');
    const fourteenYearsAgo = (d: typeof today) => d.subtract(14, 'year').format('YYYYMMDD');
    const child = await addPatient(t, token, {
      relation: 'child',
      name: '小航',
      idNumber: makeResidentId(fourteenYearsAgo(today.add(1, 'day'))),
    });
    const teen = await addPatient(t, token, {
      relation: 'child',
      name: '大航',
      idNumber: makeResidentId(fourteenYearsAgo(today)),
      phone: '13600000031',
    });
    expect(self.body).toMatchObject({ consent: 'not_required', recordsAccess: 'open' });
    expect(child.body).toMatchObject({ consent: 'pending', recordsAccess: 'guardian_pending' });
    expect(teen.body).toMatchObject({ consent: 'pending', recordsAccess: 'consent_pending' });
    await expect(getPatientForRecords(t.app.ctx, accountId, child.id)).rejects.toMatchObject({
      code: 'PATIENT_NOT_FOUND',
    });
    const bySms = await post(`/patients/${child.id}/consent/request`, token);
    expect(bySms.status).toBe(409);
    expect(bySms.body).toMatchObject({
      code: 'CONSENT_GUARDIAN_AT_COUNTER',
      message: { zh: expect.stringContaining('监护人'), en: expect.stringContaining('guardian') },
    });
    // at the counter the guardian shows the household register: staff link the child (audited)
    const { token: operator } = await loginStaff(t, 'operator');
    const linked = await t.api.post(`/api/v1/admin/patients/${child.id}/counter-link`, {
      token: operator,
      body: { document: 'household_register' },
    });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ consent: 'granted', recordsAccess: 'open', accountId });
    expect((await getPatientForRecords(t.app.ctx, accountId, child.id)).id).toBe(child.id);
    const audited = await t.database.raw.query<{ detail: { document: string } }>(
      "SELECT detail FROM audit_log WHERE action = 'patients.counter_link' AND object_id = $1",
      [child.id],
    );
    expect(audited.rows.map((r) => r.detail.document)).toEqual(['household_register']);
    // the 14-year-old confirms a code sent to their own phone
    const sent = await post(`/patients/${teen.id}/consent/request`, token);
    expect(sent.body).toMatchObject({ phoneMasked: '136****0031', sentTo: 'entered' });
    const ok = await post(`/patients/${teen.id}/consent/confirm`, token, { code: sent.body.sandboxCode });
    expect(ok.body).toMatchObject({ consent: 'granted', recordsAccess: 'open' });
  });

  it('a patient without patients.link cannot link at the counter', async () => {
    const { token } = await loginPatient(t, '13500000033');
    const child = await addPatient(t, token, {
      relation: 'child',
      name: '小柯',
      idNumber: makeResidentId('20200303', '110101', '331'),
    });
    const refused = await t.api.post(`/api/v1/admin/patients/${child.id}/counter-link`, {
      token,
      body: { document: 'birth_certificate' },
    });
    expect(refused.status).toBe(403);
    expect((await t.api.get(`/api/v1/patients/${child.id}`, { token })).body.recordsAccess).toBe(
      'guardian_pending',
    );
  });

  it("refuses to send the consent code to the account holder's own phone, and relabelling does not lift consent", async () => {
    const { token } = await loginPatient(t, '13500000032');
    const mother = await addPatient(t, token, {
      relation: 'parent',
      name: '吴兰',
      idNumber: makeResidentId('19600606'),
      phone: '13500000032',
    });
    const own = await post(`/patients/${mother.id}/consent/request`, token);
    expect(own.status).toBe(409);
    expect(own.body.code).toBe('CONSENT_PHONE_IS_ACCOUNT_PHONE');
    // calling her "self" would claim her identity and open her records: only adding oneself does that
    const relabelled = await t.api.patch(`/api/v1/patients/${mother.id}`, {
      token,
      body: { relation: 'self' },
    });
    expect(relabelled.status).toBe(409);
    expect(relabelled.body.code).toBe('PATIENT_SELF_NOT_RELABELLED');
    expect((await t.api.get(`/api/v1/patients/${mother.id}`, { token })).body).toMatchObject({
      relation: 'parent',
      consent: 'pending',
      recordsAccess: 'consent_pending',
    });
  });
});

describe('identity data cannot be changed freely (IDN-09)', () => {
  it('refuses identity fields in an edit but allows phone and relation', async () => {
    const { token } = await loginPatient(t, '13500000040');
    const p = await addPatient(t, token, {
      relation: 'child',
      name: '小武',
      idNumber: makeResidentId('20150505'),
    });
    const sneaky = await t.api.patch(`/api/v1/patients/${p.id}`, {
      token,
      body: { name: '别人', phone: '13900009999' },
    });
    expect(sneaky.status).toBe(409);
    expect(sneaky.body.code).toBe('IDENTITY_NOT_EDITABLE');
    const edit = await t.api.patch(`/api/v1/patients/${p.id}`, {
      token,
      body: { phone: '13900009999', relation: 'other' },
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ name: '小武', phoneMasked: '139****9999', relation: 'other' });
  });

  it('allows an identity change with re-verification once in 30 days and three times a year', async () => {
    let { token, accountId } = await loginPatient(t, '13500000041');
    const p = await addPatient(t, token, {
      relation: 'child',
      name: '小文',
      idNumber: makeResidentId('20150505', '110101', '125'),
    });
    await post(`/patients/${p.id}/visit-card`, token, {});
    const change = (name: string, idNumber: string) => {
      enrolPerson(t, { name, idNumber });
      return post(`/patients/${p.id}/identity-change`, token, { name, idNumber });
    };
    // a month later the access token has long expired: log in again
    const monthLater = async () => {
      t.clock.advance(31 * 86400_000);
      ({ token } = await loginPatient(t, '13500000041'));
    };

    const invalid = await change('小武', withWrongCheckChar(makeResidentId('20160606')));
    expect(invalid.body.code).toBe('ID_NUMBER_CHECKSUM_INVALID');
    const unchanged = await change('小文', makeResidentId('20150505', '110101', '125'));
    expect(unchanged.body.code).toBe('IDENTITY_UNCHANGED');
    // the new identity is checked with the provider like a new patient: a wrong name changes nothing
    enrolPerson(t, { name: '刘成', idNumber: makeResidentId('19800101', '440101', '333') });
    const wrongName = await post(`/patients/${p.id}/identity-change`, token, {
      name: '刘晨',
      idNumber: makeResidentId('19800101', '440101', '333'),
    });
    expect(wrongName.status).toBe(422);
    expect(wrongName.body.code).toBe('IDENTITY_NOT_CONFIRMED');
    expect((await t.api.get(`/api/v1/patients/${p.id}`, { token })).body.name).toBe('小文');

    const first = await change('刘成', makeResidentId('19800101', '440101', '333'));
    expect(first.status).toBe(200);
    // a new adult person: consent again, and the old person's card is not theirs
    expect(first.body).toMatchObject({
      name: '刘成',
      birthDate: '1980-01-01',
      consent: 'pending',
      visitCardNo: null,
    });
    expect(first.body.idNumberMasked).toBe(
      '440***********' + makeResidentId('19800101', '440101', '333').slice(-4),
    );

    const tooSoon = await change('刘成二', makeResidentId('19800202'));
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.code).toBe('IDENTITY_CHANGE_LIMITED');
    expect(tooSoon.body.details.nextAllowedAt).toBe(
      new Date(t.clock.now().getTime() + 30 * 86400_000).toISOString(),
    );

    await monthLater();
    expect((await change('刘成二', makeResidentId('19800202'))).status).toBe(200);
    await monthLater();
    expect((await change('刘成三', makeResidentId('19800303'))).status).toBe(200);
    await monthLater();
    const fourth = await change('刘成四', makeResidentId('19800404'));
    expect(fourth.body.code).toBe('IDENTITY_CHANGE_LIMITED');
    expect((await t.api.get(`/api/v1/patients/${p.id}`, { token })).body.name).toBe('刘成三');
    expect(
      (await messagesOf(accountId)).filter((m) => m.template === 'patient.identity_changed'),
    ).toHaveLength(3);
  });
});

describe('visit card and health card (IDN-11, IDN-12)', () => {
  it('creates a visit card, refuses a second, unbinds, and binds an existing card only of the same person', async () => {
    const a = await loginPatient(t, '13500000050');
    const b = await loginPatient(t, '13500000051');
    const idNumber = makeResidentId('19770707');
    const pa = await addPatient(t, a.token, { idNumber, name: '郑和' });
    const created = await post(`/patients/${pa.id}/visit-card`, a.token, {});
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.visitCardNo).toMatch(/^V\d{10}$/);
    const second = await post(`/patients/${pa.id}/visit-card`, a.token, {});
    expect(second.body.code).toBe('VISIT_CARD_ALREADY_BOUND');

    // the same person bound by another account binds the same card number
    const pb = await addPatient(t, b.token, { idNumber, name: '郑和', relation: 'spouse' });
    const other = await addPatient(t, b.token, {
      relation: 'child',
      name: '郑小',
      idNumber: makeResidentId('20100101'),
    });
    const mismatch = await post(`/patients/${other.id}/visit-card`, b.token, {
      cardNo: created.body.visitCardNo,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.code).toBe('VISIT_CARD_MISMATCH');
    const bound = await post(`/patients/${pb.id}/visit-card`, b.token, { cardNo: created.body.visitCardNo });
    expect(bound.body.visitCardNo).toBe(created.body.visitCardNo);

    const unbound = await t.api.delete(`/api/v1/patients/${pa.id}/visit-card`, { token: a.token });
    expect(unbound.body.visitCardNo).toBeNull();

    const health = await post(`/patients/${pa.id}/health-card`, a.token);
    expect(health.status, JSON.stringify(health.body)).toBe(200);
    expect(health.body.healthCardNo).toMatch(/^[0-9A-F]{64}$/);
    expect((await post(`/patients/${pa.id}/health-card`, a.token)).body.code).toBe(
      'HEALTH_CARD_ALREADY_BOUND',
    );
    expect(
      (await t.api.delete(`/api/v1/patients/${pa.id}/health-card`, { token: a.token })).body.healthCardNo,
    ).toBeNull();
  });
});

describe('staff reads of patients', () => {
  it('finds a patient by phone with patients.read, masked, and audits each read', async () => {
    const { token } = await loginPatient(t, '13500000060');
    const p = await addPatient(t, token, { name: '冯宝', phone: '13612345678' });
    const { token: operator } = await loginStaff(t, 'operator');
    const found = await t.api.get('/api/v1/admin/patients?phone=13612345678', { token: operator });
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ id: p.id, name: '冯宝', phoneMasked: '136****5678' });
    const one = await t.api.get(`/api/v1/admin/patients/${p.id}`, { token: operator });
    expect(one.body).toMatchObject({ id: p.id, removed: false, idNumberMasked: p.body.idNumberMasked });
    expect(JSON.stringify([found.body, one.body])).not.toContain('13612345678');

    const audits = await t.database.raw.query<{ action: string; object_id: string | null; detail: unknown }>(
      "SELECT action, object_id, detail FROM audit_log WHERE action IN ('patients.search', 'patients.read') ORDER BY id",
    );
    expect(audits.rows.map((r) => r.action)).toEqual(['patients.search', 'patients.read']);
    expect(audits.rows[1].object_id).toBe(p.id);
    expect(JSON.stringify(audits.rows)).not.toContain('13612345678');

    const { token: doctor } = await loginStaff(t, 'doctor');
    expect((await t.api.get(`/api/v1/admin/patients/${p.id}`, { token: doctor })).status).toBe(403);
    expect((await t.api.get(`/api/v1/admin/patients/${p.id}`, { token })).status).toBe(403);
    expect((await t.api.get('/api/v1/admin/patients', { token: operator })).body.code).toBe(
      'SEARCH_TERM_REQUIRED',
    );
  });
});

describe('personal data at rest', () => {
  it('keeps no plaintext ID or phone number in any identity or notification table', async () => {
    const phone = '13512348765';
    const patientPhone = '13698761234';
    const idNumber = makeResidentId('19660606', '320102', '456');
    const { token } = await loginPatient(t, phone);
    const p = await addPatient(t, token, { idNumber, phone: patientPhone, name: '沈清' });
    const spouse = await addPatient(t, token, {
      relation: 'spouse',
      idNumber: makeResidentId('19670707', '320102', '457'),
      phone: '13698760000',
      name: '沈太',
    });
    await post(`/patients/${spouse.id}/consent/request`, token);
    await post(`/patients/${p.id}/visit-card`, token, {});
    await t.app.ctx.jobs.runNow('notifications.deliver');
    const tables = [
      'accounts',
      'account_links',
      'patients',
      'sms_codes',
      'patient_identity_changes',
      'sms_messages',
      'messages',
      'notification_deliveries',
      'audit_log',
      'sessions',
    ];
    for (const table of tables) {
      const rows = (await t.database.raw.query(`SELECT * FROM ${table}`)).rows;
      const dump = JSON.stringify(rows);
      for (const secret of [phone, patientPhone, '13698760000', idNumber, idNumber.slice(0, 17)]) {
        expect(dump.includes(secret), `${table} contains ${secret}`).toBe(false);
      }
    }
    // and the encrypted columns are really there
    const [row] = (
      await t.database.raw.query<{ id_number_enc: string; phone_idx: string }>(
        'SELECT id_number_enc, phone_idx FROM patients WHERE id = $1',
        [p.id],
      )
    ).rows;
    expect(row.id_number_enc).toMatch(/^v1:/);
    expect(row.phone_idx).toMatch(/^[0-9a-f]{64}$/);
  });
});
