import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { enrolPerson, loginPatient } from '../../testing/patients.js';

/**
 * IDN-13 in a hospital that asks for a live face before a patient adds themself
 * (FACE_VERIFICATION=required): start a session, the (sandbox) provider's capture, confirm, then add
 * oneself with the single-use token. Sessions live 120 s here.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { FACE_VERIFICATION: 'required', FACE_SESSION_TTL_SECONDS: '120' } });
});
afterAll(async () => t?.close());

let seq = 400;
function person(name = '孟凡') {
  const p = { name, idType: 'resident_id', idNumber: makeResidentId('19870221', '110105', String(seq++)) };
  enrolPerson(t, p);
  return p;
}
type Person = ReturnType<typeof person>;

const start = (token: string, p: Person) => t.api.post('/api/v1/face-sessions', { token, body: p });
const capture = (token: string, providerSessionId: string, outcome: string) =>
  t.api.post(`/api/v1/sandbox/face-sessions/${providerSessionId}/capture`, { token, body: { outcome } });
const confirm = (token: string, sessionId: string) =>
  t.api.post(`/api/v1/face-sessions/${sessionId}/confirm`, { token, body: {} });
const addSelf = (token: string, p: Person, faceToken?: string, relation = 'self') =>
  t.api.post('/api/v1/patients', {
    token,
    body: { ...p, phone: '13900001234', relation, ...(faceToken ? { faceToken } : {}) },
  });
const patientCount = async (accountId: string) =>
  Number(
    (
      await t.database.raw.query<{ n: string }>(
        'SELECT count(*) AS n FROM patients WHERE account_id = $1 AND deleted_at IS NULL',
        [accountId],
      )
    ).rows[0].n,
  );

/** start → the camera sees the person → confirm: the face token. */
async function verifiedFace(token: string, p: Person): Promise<{ sessionId: string; faceToken: string }> {
  const s = await start(token, p);
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  expect((await capture(token, s.body.providerSessionId, 'passed')).status).toBe(200);
  const c = await confirm(token, s.body.sessionId);
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  return { sessionId: s.body.sessionId, faceToken: c.body.faceToken };
}

describe('face verification before adding oneself (IDN-13)', () => {
  it('the H5 learns that this hospital asks for it; adding oneself without a face is refused and saves nothing', async () => {
    const me = await loginPatient(t, '13500007001');
    const asked = await t.api.get('/api/v1/face-verification', { token: me.token });
    expect(asked.body).toEqual({ required: true, provider: 'sandbox' });
    const refused = await addSelf(me.token, person());
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'FACE_VERIFICATION_REQUIRED',
      message: { zh: '本院要求添加本人时进行人脸识别，请先完成刷脸' },
    });
    expect(await patientCount(me.accountId)).toBe(0);
  });

  it('start, a live matching face, confirm: the token adds oneself once and is spent', async () => {
    const me = await loginPatient(t, '13500007002');
    const p = person('蒋文');
    const s = await start(me.token, p);
    // confirming before the capture finished gives no token
    const early = await confirm(me.token, s.body.sessionId);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('FACE_CAPTURE_PENDING');
    await capture(me.token, s.body.providerSessionId, 'passed');
    const ok = await confirm(me.token, s.body.sessionId);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ outcome: 'passed', sessionId: s.body.sessionId });
    // a session is confirmed once
    expect((await confirm(me.token, s.body.sessionId)).body.code).toBe('FACE_SESSION_USED');

    const added = await addSelf(me.token, p, ok.body.faceToken);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ relation: 'self', verified: true, recordsAccess: 'open' });
    const row = await t.database.raw.query<{
      state: string;
      used_for_patient_id: string;
      token_hash: string;
    }>('SELECT state, used_for_patient_id, token_hash FROM face_sessions WHERE id = $1', [s.body.sessionId]);
    expect(row.rows[0]).toMatchObject({ state: 'used', used_for_patient_id: added.body.id });
    // only a hash of the token is kept
    expect(row.rows[0].token_hash).not.toContain(ok.body.faceToken);

    // reused: removed and added again with the same token, refused
    expect((await t.api.delete(`/api/v1/patients/${added.body.id}`, { token: me.token })).status).toBe(204);
    const reused = await addSelf(me.token, p, ok.body.faceToken);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('FACE_TOKEN_USED');
    expect(await patientCount(me.accountId)).toBe(0);
  });

  it('an expired session gives no token, and an expired token adds no one', async () => {
    const me = await loginPatient(t, '13500007003');
    const p = person('卫东');
    const late = await start(me.token, p);
    await capture(me.token, late.body.providerSessionId, 'passed');
    t.clock.advance(121_000);
    const expired = await confirm(me.token, late.body.sessionId);
    expect(expired.status).toBe(409);
    expect(expired.body).toMatchObject({
      code: 'FACE_SESSION_EXPIRED',
      message: { zh: '刷脸已过期，请重新刷脸' },
    });

    const { faceToken } = await verifiedFace(me.token, p);
    t.clock.advance(121_000);
    const refused = await addSelf(me.token, p, faceToken);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('FACE_SESSION_EXPIRED');
    expect(await patientCount(me.accountId)).toBe(0);
  });

  it("another person's face, a photo, another ID number or another account's token: each refused, nothing saved", async () => {
    const me = await loginPatient(t, '13500007004');
    const p = person('柳青');

    const someoneElse = await start(me.token, p);
    await capture(me.token, someoneElse.body.providerSessionId, 'mismatch');
    const notMatched = await confirm(me.token, someoneElse.body.sessionId);
    expect(notMatched.status).toBe(422);
    expect(notMatched.body).toMatchObject({ code: 'FACE_NOT_MATCHED' });
    expect(notMatched.body.faceToken).toBeUndefined();

    const photo = await start(me.token, p);
    await capture(me.token, photo.body.providerSessionId, 'not_live');
    expect((await confirm(me.token, photo.body.sessionId)).body.code).toBe('FACE_NOT_LIVE');

    // a face verified for p does not add q
    const { faceToken } = await verifiedFace(me.token, p);
    const q = person('柳絮');
    const wrongPerson = await addSelf(me.token, q, faceToken);
    expect(wrongPerson.status).toBe(422);
    expect(wrongPerson.body.code).toBe('FACE_PERSON_MISMATCH');

    // nor does another account's token add p to it
    const other = await loginPatient(t, '13500007005');
    const foreign = await addSelf(other.token, p, faceToken);
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('FACE_TOKEN_INVALID');
    expect(await patientCount(me.accountId)).toBe(0);
    expect(await patientCount(other.accountId)).toBe(0);

    // the refusals spent nothing: the token still adds p to its own account
    expect((await addSelf(me.token, p, faceToken)).status).toBe(201);
  });

  it('family members are added without a face (their records wait for their consent)', async () => {
    const me = await loginPatient(t, '13500007006');
    const spouse = await addSelf(me.token, person('程岚'), undefined, 'spouse');
    expect(spouse.status, JSON.stringify(spouse.body)).toBe(201);
    expect(spouse.body).toMatchObject({ relation: 'spouse', consent: 'pending' });
  });

  it('while the face provider is down nothing starts, and the answer says to try again', async () => {
    const me = await loginPatient(t, '13500007007');
    const verifier = t.app.ctx.adapters.faceVerifier as { down?: boolean };
    verifier.down = true;
    try {
      const res = await start(me.token, person());
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'FACE_CHECK_UNAVAILABLE', details: { retryable: true } });
    } finally {
      verifier.down = false;
    }
  });
});
