import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { Module } from '../index.js';
import { VisitCardBound, tellHisOfBoundCards, type BoundVisitCard } from './visit-card-bound.js';

/**
 * IDN-12 backfill: visit cards bound before `visit_card.bound` was sent to the HIS have no event, and
 * reached the HIS only once the patient opened the HIS file. This job (at start and once a day)
 * records the binding event for every bound card that has none yet, publishing the event a new
 * binding publishes, and queues its delivery; the HIS events sweep sends any whose queued job was lost.
 */
export const VISIT_CARD_BACKFILL_JOB = 'identity.visit-card-backfill';

/** Cards per transaction: short transactions, few rows locked at a time. */
export const VISIT_CARD_BACKFILL_BATCH = 200;

/**
 * Records the missing events, batch after batch, in patient id order (so a run ends even if no subscriber
 * records anything). Rows another instance is working on are skipped (SKIP LOCKED), and the event id
 * is keyed by patient and card, so two instances at once record each event once. Returns how many
 * cards were published.
 */
export async function backfillVisitCardBound(
  ctx: AppContext,
  opts: { batchSize?: number; maxBatches?: number } = {},
): Promise<number> {
  const batchSize = opts.batchSize ?? VISIT_CARD_BACKFILL_BATCH;
  const maxBatches = opts.maxBatches ?? 1000;
  let after = '';
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    // each card's binding event is published as a new binding's is, and queued once the batch commits
    const cards = await ctx.events.transaction(async (tx) => {
      // A card is announced when its `visit_card.bound` event was published (the binding does it in
      // its own transaction); the row remembers which number that was. One statement takes a batch
      // of unannounced cards (rows another instance holds are skipped) and marks them announced.
      const r = await tx.execute(sql`
        UPDATE patients p
           SET visit_card_announced = p.visit_card_no
          FROM (SELECT id FROM patients
                 WHERE visit_card_no IS NOT NULL
                   AND deleted_at IS NULL
                   AND id > ${after}
                   AND visit_card_announced IS DISTINCT FROM visit_card_no
                 ORDER BY id
                 LIMIT ${batchSize}
                 FOR UPDATE SKIP LOCKED) batch
         WHERE p.id = batch.id
        RETURNING p.id AS patient_id, p.visit_card_no`);
      const found: BoundVisitCard[] = (r.rows as { patient_id: string; visit_card_no: string }[])
        .map((row) => ({ patientId: row.patient_id, visitCardNo: row.visit_card_no }))
        .sort((a, b) => (a.patientId < b.patientId ? -1 : 1));
      for (const card of found) await ctx.events.publish(tx, VisitCardBound(card));
      return found;
    });
    total += cards.length;
    if (cards.length < batchSize) break;
    after = cards[cards.length - 1].patientId;
  }
  if (total) ctx.log.info({ cards: total }, 'visit_card.bound backfilled for cards bound earlier');
  return total;
}

/** Tells the HIS of bound cards (new bindings and the backfill: daily, and once at start). */
export const visitCardBackfillModule: Module = {
  name: 'visit-card-backfill',
  async register(fastify: FastifyInstance, ctx: AppContext) {
    tellHisOfBoundCards(ctx);
    ctx.jobs.register(VISIT_CARD_BACKFILL_JOB, async () => void (await backfillVisitCardBound(ctx)), {
      cron: '40 3 * * *',
    });
    // at start: the jobs have started before the server listens (main.ts); one queued run per key
    fastify.addHook('onListen', async () => {
      await ctx.jobs
        .send(VISIT_CARD_BACKFILL_JOB, {}, { singletonKey: 'start' })
        .catch((err) => ctx.log.error({ err }, 'visit card backfill not queued at start'));
    });
  },
};
