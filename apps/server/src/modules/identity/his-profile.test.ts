import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { SandboxHis } from '../../integrations/his/index.js';
import { deliverHisEvent, hisEventState, hisOutboundEvents } from '../../integrations/his/outbound.js';
import { cardBoundEventId } from './index.js';

/**
 * IDN-07 with the default sandbox HIS: a patient binds a visit card, the HIS is told once
 * (visit_card.bound, IDN-12), and the patient then reads the hospital's own file of that card, with
 * the ID and phone numbers masked; other people's patients read like not found.
 */
let t: TestApp;
const his = new SandboxHis();

beforeAll(async () => {
  t = await createTestApp({ adapters: { his } });
});
afterAll(async () => t?.close());

const bindVisitCard = (token: string, patientId: string, body: unknown = {}) =>
  t.api.post(`/api/v1/patients/${patientId}/visit-card`, { token, body });
const hisProfile = (token: string, patientId: string) =>
  t.api.get(`/api/v1/patients/${patientId}/his-profile`, { token });
const eventsOf = (patientId: string) =>
  t.app.ctx.db.select().from(hisOutboundEvents).where(eq(hisOutboundEvents.subjectId, patientId));
async function sandboxCalls(kind: string, subjectId: string) {
  const r = await t.app.ctx.database.raw.query(
    'SELECT receipt_no FROM his_sandbox_calls WHERE kind = $1 AND order_no = $2',
    [kind, subjectId],
  );
  return r.rows;
}

/** A patient with a visit card the HIS has been told of. */
async function patientWithFiledCard(phone: string, overrides: Parameters<typeof addPatient>[2] = {}) {
  const { token } = await loginPatient(t, phone);
  const p = await addPatient(t, token, overrides);
  const card = await bindVisitCard(token, p.id);
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  await deliverHisEvent(t.app.ctx, cardBoundEventId(p.id, card.body.visitCardNo));
  return { token, patient: p, cardNo: card.body.visitCardNo as string };
}

describe('binding a visit card tells the HIS (visit_card.bound)', () => {
  it('queues exactly one event for two taps at once, and its delivery opens the HIS file', async () => {
    const { token } = await loginPatient(t, '13500009801');
    const p = await addPatient(t, token, { name: '韩梅', phone: '13712345601' });
    expect(await eventsOf(p.id)).toHaveLength(0);

    const taps = await Promise.all([bindVisitCard(token, p.id), bindVisitCard(token, p.id)]);
    expect(taps.map((r) => r.status).sort()).toEqual([200, 409]);
    const bound = taps.find((r) => r.status === 200)!;
    expect(taps.find((r) => r.status === 409)!.body.code).toBe('VISIT_CARD_ALREADY_BOUND');
    const cardNo = bound.body.visitCardNo as string;
    const events = await eventsOf(p.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'visit_card.bound',
      eventId: cardBoundEventId(p.id, cardNo),
      state: 'pending',
      attempts: 0,
    });

    // Until the event reaches the HIS, the HIS has no file for the card.
    const early = await hisProfile(token, p.id);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('HIS_PATIENT_NOT_FOUND');

    await deliverHisEvent(t.app.ctx, events[0].eventId);
    await deliverHisEvent(t.app.ctx, events[0].eventId);
    expect(await hisEventState(t.app.ctx, events[0].eventId)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(await sandboxCalls('visit_card.bound', p.id)).toEqual([{ receipt_no: events[0].eventId }]);

    const file = await hisProfile(token, p.id);
    expect(file.status, JSON.stringify(file.body)).toBe(200);
    expect(file.body).toMatchObject({
      patientId: p.id,
      visitCardNo: cardNo,
      hisPatientId: 'P' + cardNo.slice(1),
      name: '韩梅',
      gender: p.body.gender,
      birthDate: '1990-03-07',
      idNumberMasked: p.body.idNumberMasked,
      phoneMasked: '137****5601',
      cardStatus: 'active',
      lastVisitOn: null,
    });
    expect(['self_pay', 'employee', 'resident']).toContain(file.body.insuranceType);
    expect(file.body.fileCreatedOn).toBe('2026-11-23');
    // the plain numbers never reach the patient's screen
    expect(file.raw.body).not.toContain('13712345601');
    expect(file.body.idNumberMasked).toMatch(/^\d{3}\*{11}\d{3}[\dX]$/);
  });

  it('a refused binding or a health card tells the HIS nothing', async () => {
    const { token } = await loginPatient(t, '13500009802');
    const p = await addPatient(t, token);
    const wrong = await bindVisitCard(token, p.id, { cardNo: 'V0000000001' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('VISIT_CARD_MISMATCH');
    const health = await t.api.post(`/api/v1/patients/${p.id}/health-card`, { token, body: {} });
    expect(health.status, JSON.stringify(health.body)).toBe(200);
    expect(await eventsOf(p.id)).toHaveLength(0);
    expect((await t.api.get(`/api/v1/patients/${p.id}`, { token })).body.visitCardNo).toBeNull();
  });
});

describe('the hospital-side patient file (IDN-07)', () => {
  it('asks for a visit card first', async () => {
    const { token } = await loginPatient(t, '13500009803');
    const p = await addPatient(t, token);
    const res = await hisProfile(token, p.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'VISIT_CARD_NOT_BOUND' });
    expect(res.body.message).toBeTruthy();
  });

  it("another account's patient reads exactly like one that does not exist", async () => {
    const owner = await patientWithFiledCard('13500009804');
    const stranger = await loginPatient(t, '13500009805');
    const foreign = await hisProfile(stranger.token, owner.patient.id);
    const none = await hisProfile(stranger.token, '00000000-0000-4000-8000-000000000000');
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('PATIENT_NOT_FOUND');
    expect({ ...foreign.body, requestId: undefined }).toEqual({ ...none.body, requestId: undefined });
    expect((await hisProfile(owner.token, owner.patient.id)).status).toBe(200);
  });

  it('an adult family member’s file shows only after they consent', async () => {
    const { token } = await loginPatient(t, '13500009806');
    await addPatient(t, token, { name: '韩勇' });
    const sister = await addPatient(t, token, {
      relation: 'other',
      name: '韩雪',
      idNumber: makeResidentId('19920202', '110101', '124'),
      phone: '13600009806',
    });
    const card = await bindVisitCard(token, sister.id);
    expect(card.status, JSON.stringify(card.body)).toBe(200);
    await deliverHisEvent(t.app.ctx, cardBoundEventId(sister.id, card.body.visitCardNo));
    const hidden = await hisProfile(token, sister.id);
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('PATIENT_NOT_FOUND');
    const code = (await t.api.post(`/api/v1/patients/${sister.id}/consent/request`, { token, body: {} })).body
      .sandboxCode;
    const ok = await t.api.post(`/api/v1/patients/${sister.id}/consent/confirm`, { token, body: { code } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const shown = await hisProfile(token, sister.id);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ name: '韩雪', gender: 'female', phoneMasked: '136****9806' });
  });

  it('when the HIS is down the patient is told so (502), and it answers again once it is back', async () => {
    const { token, patient } = await patientWithFiledCard('13500009807');
    his.failing = true;
    try {
      const down = await hisProfile(token, patient.id);
      expect(down.status).toBe(502);
      expect(down.body.code).toBe('HIS_UNAVAILABLE');
      expect(down.body.message.zh).toMatch(/医院系统/);
    } finally {
      his.failing = false;
    }
    expect((await hisProfile(token, patient.id)).status).toBe(200);
  });

  it('a card bound before bindings were sent, or one the HIS lost, is sent again when the patient looks', async () => {
    // bound before the platform told the HIS of bindings: no event exists
    const { token } = await loginPatient(t, '13500009809');
    const p = await addPatient(t, token);
    const card = await bindVisitCard(token, p.id);
    const eventId = cardBoundEventId(p.id, card.body.visitCardNo);
    await t.app.ctx.db.delete(hisOutboundEvents).where(eq(hisOutboundEvents.eventId, eventId));
    const first = await hisProfile(token, p.id);
    expect(first.status).toBe(409);
    expect(first.body.code).toBe('HIS_PATIENT_NOT_FOUND');
    expect(await eventsOf(p.id)).toMatchObject([{ eventId, state: 'pending', attempts: 0 }]);
    await deliverHisEvent(t.app.ctx, eventId);
    const shown = await hisProfile(token, p.id);
    expect(shown.status).toBe(200);

    // the HIS loses its file: the next look sends the binding again, at most once a minute
    await t.app.ctx.database.raw.query('DELETE FROM his_sandbox_patients WHERE visit_card_no = $1', [
      card.body.visitCardNo,
    ]);
    expect((await hisProfile(token, p.id)).body.code).toBe('HIS_PATIENT_NOT_FOUND');
    expect(await hisEventState(t.app.ctx, eventId)).toMatchObject({ state: 'sent', attempts: 1 });
    t.clock.advance(61_000);
    expect((await hisProfile(token, p.id)).body.code).toBe('HIS_PATIENT_NOT_FOUND');
    expect(await hisEventState(t.app.ctx, eventId)).toMatchObject({ state: 'pending', attempts: 0 });
    expect((await hisProfile(token, p.id)).status).toBe(409);
    expect(await eventsOf(p.id)).toHaveLength(1);
    await deliverHisEvent(t.app.ctx, eventId);
    const again = await hisProfile(token, p.id);
    expect(again.status).toBe(200);
    expect(again.body.hisPatientId).toBe(shown.body.hisPatientId);
  });

  it('after an unbind the card’s file is no longer shown', async () => {
    const { token, patient } = await patientWithFiledCard('13500009808');
    const un = await t.api.delete(`/api/v1/patients/${patient.id}/visit-card`, { token });
    expect(un.status).toBe(200);
    const res = await hisProfile(token, patient.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('VISIT_CARD_NOT_BOUND');
  });
});
