import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { SandboxHis } from '../../integrations/his/index.js';
import { deliverHisEvent, hisOutboundEvents } from '../../integrations/his/outbound.js';
import { cardBoundEventId } from './index.js';
import { VISIT_CARD_BACKFILL_JOB, backfillVisitCardBound } from './visit-card-backfill.js';

/**
 * IDN-12 backfill: cards bound before the platform told the HIS of bindings (an old database: the
 * card number on the patient, no visit_card.bound event) get their event once, from the daily job,
 * and the HIS then knows the card without the patient having to open the HIS file first.
 */
let t: TestApp;
const his = new SandboxHis();

beforeAll(async () => {
  t = await createTestApp({ adapters: { his } });
});
afterAll(async () => t?.close());

const eventsOf = (patientId: string) =>
  t.app.ctx.db.select().from(hisOutboundEvents).where(eq(hisOutboundEvents.subjectId, patientId));

/** A card bound the way an old database holds it: on the patient, with no event. */
async function boundBeforeEvents(patientId: string, cardNo: string) {
  await t.app.ctx.db.execute(sql`UPDATE patients SET visit_card_no = ${cardNo} WHERE id = ${patientId}`);
}

describe('cards bound before visit_card.bound existed reach the HIS', () => {
  it('records exactly one event per old binding, none for an unbound patient, and nothing on a second run', async () => {
    const a = await addPatient(t, (await loginPatient(t, '13500009871')).token, { name: '旧卡甲' });
    const b = await addPatient(t, (await loginPatient(t, '13500009872')).token, { name: '旧卡乙' });
    const unbound = await addPatient(t, (await loginPatient(t, '13500009873')).token, { name: '未绑卡' });
    await boundBeforeEvents(a.id, 'oldcard-871');
    await boundBeforeEvents(b.id, 'OLDCARD-872');
    expect(await eventsOf(a.id)).toHaveLength(0);
    expect(await eventsOf(b.id)).toHaveLength(0);

    await t.app.ctx.jobs.runNow(VISIT_CARD_BACKFILL_JOB);

    const evA = await eventsOf(a.id);
    expect(evA).toHaveLength(1);
    expect(evA[0]).toMatchObject({
      type: 'visit_card.bound',
      eventId: cardBoundEventId(a.id, 'oldcard-871'),
      state: 'pending',
    });
    expect((await eventsOf(b.id)).map((e) => e.eventId)).toEqual([cardBoundEventId(b.id, 'OLDCARD-872')]);
    expect(await eventsOf(unbound.id)).toHaveLength(0);

    // the existing delivery sends it: the HIS then has a file for the old card
    await deliverHisEvent(t.app.ctx, cardBoundEventId(a.id, 'oldcard-871'));
    expect((await eventsOf(a.id))[0].state).toBe('sent');

    // a second run (the next day, or a second instance) adds nothing
    expect(await backfillVisitCardBound(t.app.ctx)).toBe(0);
    expect(await eventsOf(a.id)).toHaveLength(1);
    expect(await eventsOf(b.id)).toHaveLength(1);
    expect(await eventsOf(unbound.id)).toHaveLength(0);
  });

  it('works through more old cards than one batch, and two runs at once record each card once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { token } = await loginPatient(t, `1350000988${i}`);
      const p = await addPatient(t, token, { name: `批量${'甲乙丙丁戊'[i]}` });
      await boundBeforeEvents(p.id, `BATCH-88${i}`);
      ids.push(p.id);
    }
    const runs = await Promise.all([
      backfillVisitCardBound(t.app.ctx, { batchSize: 2 }),
      backfillVisitCardBound(t.app.ctx, { batchSize: 2 }),
    ]);
    expect(runs[0] + runs[1]).toBeGreaterThanOrEqual(5);
    for (const [i, id] of ids.entries()) {
      expect((await eventsOf(id)).map((e) => e.eventId)).toEqual([cardBoundEventId(id, `BATCH-88${i}`)]);
    }
    expect(await backfillVisitCardBound(t.app.ctx, { batchSize: 2 })).toBe(0);
  });
});
