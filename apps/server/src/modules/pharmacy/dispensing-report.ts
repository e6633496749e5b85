import { and, asc, eq, inArray, isNotNull, notExists, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { InsuranceError } from '../../integrations/insurance/index.js';
import { prescriptionEvents, prescriptions } from './schema.js';

/**
 * 取药结果上传: once the HIS reports that the hospital pharmacy dispensed an insurance e-prescription,
 * the e-prescription centre is told, so it no longer shows the prescription as waiting at the hospital.
 * The platform's own state changes first; the report follows as a job (retried with backoff by the
 * job system) and a sweep (every minute) picks up any report not yet taken. The centre is idempotent,
 * and a taken report is recorded as a `centre_reported` event, so each prescription is reported once.
 */
export const REPORT_DISPENSED_JOB = 'prescriptions.report-dispensed';

/** Events that end the reporting: taken by the centre, or refused by it for good. */
const REPORTED = 'centre_reported';
const REFUSED = 'centre_report_refused';
const SWEEP_BATCH = 50;

export function registerDispensingReport(ctx: AppContext) {
  ctx.jobs.register<{ prescriptionId?: string }>(
    REPORT_DISPENSED_JOB,
    async (d) => {
      if (d?.prescriptionId) await reportHospitalDispensing(ctx, d.prescriptionId);
      else await reportDue(ctx);
    },
    { cron: '* * * * *', retryLimit: 10 },
  );
}

/** Queues the report after the state change (a lost send is caught by the sweep). */
export async function queueDispensingReport(ctx: AppContext, prescriptionId: string) {
  await ctx.jobs
    .send(REPORT_DISPENSED_JOB, { prescriptionId }, { singletonKey: `report:${prescriptionId}` })
    .catch((err) =>
      ctx.log.error({ err, prescriptionId }, 'dispensing report not queued; the sweep will send it'),
    );
}

/**
 * Reports one hospital dispensing to the centre. Returns what happened; throws when the centre is
 * unavailable (the job is retried, the sweep tries again).
 */
export async function reportHospitalDispensing(
  ctx: AppContext,
  prescriptionId: string,
): Promise<'reported' | 'already' | 'refused' | 'not_applicable'> {
  const [rx] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, prescriptionId));
  if (!rx || rx.state !== 'dispensed' || rx.fillWhere !== 'hospital' || !rx.hiRxNo) return 'not_applicable';
  if (await hasOutcome(ctx, rx.id)) return 'already';
  try {
    await ctx.adapters.prescriptionCentre.reportDispensed(ctx, rx.hiRxNo, {
      at: rx.dispensedAt ?? rx.updatedAt,
      settlementNo: rx.settlementNo,
      totalFen: rx.settledTotalFen ?? rx.totalFen,
      fundFen: rx.fundFen ?? 0,
      accountFen: rx.accountFen ?? 0,
      cashFen: rx.cashFen ?? rx.totalFen,
    });
  } catch (err) {
    if (err instanceof InsuranceError && !err.retryable) {
      await recordOutcome(ctx, rx.id, REFUSED, { code: err.code, reason: err.message });
      ctx.log.warn({ prescriptionId, code: err.code }, 'centre refused the dispensing report');
      return 'refused';
    }
    throw err;
  }
  await recordOutcome(ctx, rx.id, REPORTED, { hiRxNo: rx.hiRxNo });
  return 'reported';
}

/** The sweep: hospital dispensings the centre has not taken yet. */
export async function reportDue(ctx: AppContext): Promise<number> {
  const due = await ctx.db
    .select({ id: prescriptions.id })
    .from(prescriptions)
    .where(
      and(
        eq(prescriptions.state, 'dispensed'),
        eq(prescriptions.fillWhere, 'hospital'),
        isNotNull(prescriptions.hiRxNo),
        notExists(
          ctx.db
            .select({ one: sql`1` })
            .from(prescriptionEvents)
            .where(
              and(
                eq(prescriptionEvents.prescriptionId, prescriptions.id),
                inArray(prescriptionEvents.kind, [REPORTED, REFUSED]),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(prescriptions.dispensedAt))
    .limit(SWEEP_BATCH);
  let done = 0;
  for (const d of due) {
    try {
      if ((await reportHospitalDispensing(ctx, d.id)) === 'reported') done += 1;
    } catch (err) {
      ctx.log.error({ err, prescriptionId: d.id }, 'dispensing report failed; retried by the next sweep');
    }
  }
  return done;
}

async function hasOutcome(ctx: AppContext, prescriptionId: string) {
  const [ev] = await ctx.db
    .select({ id: prescriptionEvents.id })
    .from(prescriptionEvents)
    .where(
      and(
        eq(prescriptionEvents.prescriptionId, prescriptionId),
        inArray(prescriptionEvents.kind, [REPORTED, REFUSED]),
      ),
    )
    .limit(1);
  return !!ev;
}

async function recordOutcome(
  ctx: AppContext,
  prescriptionId: string,
  kind: string,
  detail: Record<string, unknown>,
) {
  // Two workers reporting at once both reach the (idempotent) centre; the event is written once.
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM prescriptions WHERE id = ${prescriptionId} FOR UPDATE`);
    const [ev] = await tx
      .select({ id: prescriptionEvents.id })
      .from(prescriptionEvents)
      .where(
        and(
          eq(prescriptionEvents.prescriptionId, prescriptionId),
          inArray(prescriptionEvents.kind, [REPORTED, REFUSED]),
        ),
      )
      .limit(1);
    if (ev) return;
    await tx
      .insert(prescriptionEvents)
      .values({ id: newId(), prescriptionId, at: ctx.clock.now(), kind, actor: 'system', detail });
  });
}
