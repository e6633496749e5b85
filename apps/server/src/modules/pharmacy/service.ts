import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, gt, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { dayjs } from '../../platform/clock.js';
import { formatYuan } from '../../platform/money.js';
import { maskName } from '../../platform/pii.js';
import { InsuranceError } from '../../integrations/insurance/index.js';
import {
  HOSPITAL_PHARMACY,
  type CentreDispensing,
  type DesignatedPharmacy,
} from '../../integrations/insurance/prescriptions.js';
import type { HisEvent } from '../../integrations/his/index.js';
import type { Channel } from '../gateway/index.js';
import {
  blindIndexOf,
  findPatientsByVisitCard,
  getPatientById,
  getPatientForRecords,
  type PatientRecord,
} from '../identity/index.js';
import { ownerOfRecord, personFilter } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { forwardToHis, patientRef, type hisOutboundEvents } from '../../integrations/his/outbound.js';
import { PrescriptionDispensed, PrescriptionFillAtHospital } from './events.js';
import {
  prescriptionEvents,
  prescriptions,
  type PrescriptionItem,
  type PrescriptionKind,
  type PrescriptionState,
} from './schema.js';
import { queueDispensingReport } from './dispensing-report.js';
import { RX_AVAILABLE, RX_DISPENSED, RX_EXPIRED, RX_REJECTED, RX_REVOKED } from './templates.js';

/** Uploads one prescription (queued after a push or a retry; the sweep catches a lost one). */
export const UPLOAD_JOB = 'prescriptions.upload';
/** Every minute: uploads whose retry is due. */
export const UPLOAD_SWEEP_JOB = 'prescriptions.upload-sweep';
/** Asks the centre whether a dispatched prescription was dispensed: one (data) or all due (cron). */
export const POLL_JOB = 'prescriptions.poll-dispensing';
/** Every few minutes: prescriptions past their validity expire. */
export const EXPIRE_JOB = 'prescriptions.expire';

/** Upload attempts before a prescription is left for a pharmacist to retry (upload_failed). */
export const MAX_UPLOAD_ATTEMPTS = 5;
const POLL_EVERY_MS = 2 * 60_000;
const OPEN_STATES: PrescriptionState[] = ['circulating', 'dispatched', 'at_hospital'];
// Not yet at the centre: past the validity there is nothing left to upload.
const EXPIRABLE_STATES: PrescriptionState[] = [...OPEN_STATES, 'pending_upload', 'upload_failed'];

type RxRow = typeof prescriptions.$inferSelect;
/** What a dispensing recorded: the centre's report, or the HIS's for the hospital pharmacy (no settlement number). */
type Dispensing = Omit<CentreDispensing, 'settlementNo'> & { settlementNo: string | null };

export const prescriptionNotFound = () =>
  new DomainError('PRESCRIPTION_NOT_FOUND', 404, '处方不存在', 'Prescription not found');
const wrongState = (state: PrescriptionState) =>
  conflict(
    'PRESCRIPTION_STATE',
    `处方当前状态（${STATE_ZH[state]}）不允许此操作`,
    `The prescription is ${state}`,
    {
      state,
    },
  );
const expiredError = () =>
  conflict('PRESCRIPTION_EXPIRED', '处方已超过有效期', 'The prescription has expired');
const centreUnavailable = () =>
  new DomainError(
    'PRESCRIPTION_CENTRE_UNAVAILABLE',
    503,
    '医保电子处方中心暂时无法访问，请稍后再试',
    'The insurance e-prescription centre is unavailable; please try again later',
  );
const notEligible = () =>
  new DomainError(
    'PHARMACY_NOT_ELIGIBLE',
    422,
    '该药店不能为此处方配药（非双通道/门特定点药店或无库存）',
    'This pharmacy cannot fill this prescription (not designated for it, or out of stock)',
  );

const STATE_ZH: Record<PrescriptionState, string> = {
  pending_upload: '待上传',
  circulating: '待取药',
  dispatched: '已选药店',
  at_hospital: '院内取药',
  dispensed: '已取药',
  rejected: '未通过',
  upload_failed: '上传失败',
  revoked: '已撤销',
  expired: '已过期',
};

// ---------------------------------------------------------------------------------------------
// Inbound: the HIS pushes a signed prescription, revokes it, reports hospital dispensing
// ---------------------------------------------------------------------------------------------

export interface PrescriptionPush {
  hisRxNo: string;
  visitNo?: string;
  visitCardNo: string;
  patientName: string;
  doctor: { code: string; name: string; insuranceDoctorCode: string };
  department: { code: string; name: string };
  issuedAt: string;
  validDays: number;
  kind: PrescriptionKind;
  specialDisease?: { code: string; name: string };
  diagnoses: { code: string; name: string }[];
  items: {
    drugCode: string;
    name: string;
    spec: string;
    dosageForm?: string;
    quantity: number;
    unit: string;
    unitPriceFen: number;
    dose?: string;
    frequency?: string;
    route?: string;
    days?: number;
    dualChannel: boolean;
  }[];
  reviewedBy?: string;
}

/**
 * The HIS pushes a prescription the doctor signed. Idempotent by the HIS number: the same content
 * again answers the same prescription (200), other content under the same number is a conflict.
 * The upload to the centre runs as a job after the prescription is stored.
 */
export async function pushPrescription(
  ctx: AppContext,
  channel: Channel,
  input: PrescriptionPush,
): Promise<{ created: boolean; body: { id: string; hisRxNo: string; state: PrescriptionState } }> {
  const contentHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const answer = (r: RxRow, created: boolean) => {
    if (r.contentHash !== contentHash)
      throw conflict(
        'PRESCRIPTION_CONFLICT',
        '该处方号已推送过不同内容的处方',
        'A prescription with this number and different content was already pushed',
      );
    return { created, body: { id: r.id, hisRxNo: r.hisRxNo, state: r.state } };
  };
  const existing = await byHisNo(ctx, channel.id, input.hisRxNo);
  if (existing) return answer(existing, false);

  const owner = await cardHolder(ctx, input.visitCardNo, input.patientName);
  const now = ctx.clock.now();
  const issuedAt = new Date(input.issuedAt);
  const items: PrescriptionItem[] = input.items.map((i) => ({
    drugCode: i.drugCode,
    name: i.name,
    spec: i.spec,
    dosageForm: i.dosageForm ?? null,
    quantity: i.quantity,
    unit: i.unit,
    unitPriceFen: i.unitPriceFen,
    amountFen: i.quantity * i.unitPriceFen,
    dose: i.dose ?? null,
    frequency: i.frequency ?? null,
    route: i.route ?? null,
    days: i.days ?? null,
    dualChannel: i.dualChannel,
  }));
  const id = newId();
  const inserted = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(prescriptions)
      .values({
        id,
        channelId: channel.id,
        hisRxNo: input.hisRxNo,
        contentHash,
        visitNo: input.visitNo ?? null,
        patientId: owner.id,
        personIdx: blindIndexOf(ctx, owner.idNumber),
        visitCardNo: input.visitCardNo.trim().toUpperCase(),
        patientName: input.patientName,
        doctorCode: input.doctor.code,
        doctorName: input.doctor.name,
        insuranceDoctorCode: input.doctor.insuranceDoctorCode,
        departmentCode: input.department.code,
        departmentName: input.department.name,
        issuedAt,
        validDays: input.validDays,
        validUntil: new Date(issuedAt.getTime() + input.validDays * 86_400_000),
        kind: input.kind,
        specialDiseaseCode: input.specialDisease?.code ?? null,
        specialDiseaseName: input.specialDisease?.name ?? null,
        diagnoses: input.diagnoses,
        items,
        itemCount: items.length,
        totalFen: items.reduce((s, i) => s + i.amountFen, 0),
        dualChannel: items.some((i) => i.dualChannel),
        reviewedBy: input.reviewedBy ?? null,
        state: 'pending_upload',
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [prescriptions.channelId, prescriptions.hisRxNo] })
      .returning();
    if (row) await logEvent(ctx, tx, row.id, 'received', 'his', { hisRxNo: input.hisRxNo });
    return row;
  });
  // A parallel push of the same number won the insert: answer as a repeat.
  if (!inserted) return answer((await byHisNo(ctx, channel.id, input.hisRxNo))!, false);
  await queueUpload(ctx, inserted.id);
  return answer(inserted, true);
}

/**
 * The doctor revoked the prescription in the HIS. Open prescriptions are revoked at the centre
 * first; one a pharmacy dispensed meanwhile is recorded as dispensed and the revocation refused.
 */
export async function revokeFromHis(ctx: AppContext, channel: Channel, hisRxNo: string, reason: string) {
  const rx = await byHisNo(ctx, channel.id, hisRxNo);
  if (!rx) throw prescriptionNotFound();
  if (rx.state === 'revoked') return { id: rx.id, hisRxNo, state: rx.state };
  if (rx.state === 'dispensed') throw alreadyDispensed();
  if (!['pending_upload', 'upload_failed', ...OPEN_STATES].includes(rx.state)) throw wrongState(rx.state);
  if (rx.hiRxNo && OPEN_STATES.includes(rx.state)) {
    const centre = await centreCall(() => ctx.adapters.prescriptionCentre.revoke(ctx, rx.hiRxNo!, reason));
    if (centre.state === 'dispensed' && centre.dispensed) {
      await recordRetailDispensing(ctx, rx.id, centre.dispensed);
      throw alreadyDispensed();
    }
  }
  const now = ctx.clock.now();
  const done = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(prescriptions)
      .set({
        state: 'revoked',
        revokeReason: reason,
        closedAt: now,
        nextAttemptAt: null,
        nextPollAt: null,
        version: sql`${prescriptions.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(prescriptions.id, rx.id), eq(prescriptions.version, rx.version)))
      .returning();
    if (!row) return undefined;
    await logEvent(ctx, tx, row.id, 'revoked', 'his', { reason });
    if (rx.hiRxNo) await notifyOwner(ctx, tx, row, RX_REVOKED, { reason });
    return row;
  });
  // Something moved it meanwhile (an upload finished, a pharmacy dispensed): decide again.
  if (!done) return revokeFromHis(ctx, channel, hisRxNo, reason);
  return { id: done.id, hisRxNo, state: done.state };
}

/** The hospital pharmacy dispensed a prescription the patient chose to fill at the hospital. */
export async function hospitalDispensed(
  ctx: AppContext,
  channel: Channel,
  hisRxNo: string,
  settlement?: { totalFen: number; fundFen: number; accountFen: number; cashFen: number },
) {
  const rx = await byHisNo(ctx, channel.id, hisRxNo);
  if (!rx) throw prescriptionNotFound();
  if (settlement && settlement.fundFen + settlement.accountFen + settlement.cashFen !== settlement.totalFen)
    throw badRequest(
      'SETTLEMENT_SPLIT_MISMATCH',
      '统筹、个账与现金之和须等于总额',
      'fundFen + accountFen + cashFen must equal totalFen',
    );
  if (rx.state === 'dispensed' && rx.fillWhere === 'hospital') return { id: rx.id, hisRxNo, state: rx.state };
  if (rx.state !== 'at_hospital') throw wrongState(rx.state);
  const now = ctx.clock.now();
  const dispensing: Dispensing = {
    at: now,
    pharmacyCode: HOSPITAL_PHARMACY,
    pharmacyName: '医院药房',
    settlementNo: null,
    totalFen: settlement?.totalFen ?? rx.totalFen,
    fundFen: settlement?.fundFen ?? 0,
    accountFen: settlement?.accountFen ?? 0,
    cashFen: settlement?.cashFen ?? rx.totalFen,
  };
  const row = await markDispensed(ctx, rx, dispensing, 'his', 'at_hospital');
  if (!row) return hospitalDispensed(ctx, channel, hisRxNo, settlement);
  await queueDispensingReport(ctx, row.id);
  return { id: row.id, hisRxNo, state: row.state };
}

const alreadyDispensed = () =>
  conflict(
    'PRESCRIPTION_ALREADY_DISPENSED',
    '处方已取药，不能撤销',
    'The prescription was already dispensed and cannot be revoked',
  );

/** The live patient record holding the visit card under this name ("self" first), or 422. */
async function cardHolder(ctx: AppContext, card: string, name: string): Promise<PatientRecord> {
  const holders = (await findPatientsByVisitCard(ctx, card)).filter((p) => p.name === name.trim());
  const owner =
    holders.find((p) => p.relation === 'self') ??
    [...holders].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
  if (!owner)
    throw new DomainError(
      'PATIENT_MISMATCH',
      422,
      '就诊卡号与患者姓名不匹配，或平台无此就诊卡',
      'No patient holds this visit card under this name',
    );
  return owner;
}

// ---------------------------------------------------------------------------------------------
// Upload to the e-prescription centre (job, retried with backoff)
// ---------------------------------------------------------------------------------------------

async function queueUpload(ctx: AppContext, prescriptionId: string) {
  await ctx.jobs
    .send(UPLOAD_JOB, { prescriptionId }, { singletonKey: prescriptionId })
    .catch((err) => ctx.log.error({ err, prescriptionId }, 'upload not queued; the sweep will upload it'));
}

/** Retry delay after the n-th failed attempt: 30 s, 1 min, 2 min ... at most 15 min. */
const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 900_000);

/**
 * One upload attempt, claimed by moving the next attempt time (two workers never upload the same
 * prescription at once). Accepted → circulating (patient notified); refused → rejected with the
 * centre's reason; unavailable → retried with backoff, after MAX_UPLOAD_ATTEMPTS upload_failed.
 */
export async function uploadPrescription(ctx: AppContext, prescriptionId: string): Promise<void> {
  const now = ctx.clock.now();
  const [rx] = await ctx.db
    .update(prescriptions)
    .set({
      attempts: sql`${prescriptions.attempts} + 1`,
      nextAttemptAt: new Date(now.getTime() + 120_000),
      updatedAt: now,
    })
    .where(
      and(
        eq(prescriptions.id, prescriptionId),
        eq(prescriptions.state, 'pending_upload'),
        lte(prescriptions.nextAttemptAt, now),
        gt(prescriptions.validUntil, now),
      ),
    )
    .returning();
  if (!rx) return;
  const patient = await getPatientById(ctx, rx.patientId).catch(() => undefined);
  if (!patient) {
    await reject(ctx, rx, 'PATIENT_GONE', '患者信息已删除，无法上传处方');
    return;
  }
  let outcome;
  try {
    outcome = await ctx.adapters.prescriptionCentre.upload(ctx, {
      hisRxNo: rx.hisRxNo,
      patient: { name: patient.name, idType: patient.idType, idNumber: patient.idNumber },
      doctor: { code: rx.doctorCode, name: rx.doctorName, insuranceDoctorCode: rx.insuranceDoctorCode },
      department: { code: rx.departmentCode, name: rx.departmentName },
      issuedAt: rx.issuedAt,
      validUntil: rx.validUntil,
      kind: rx.kind,
      specialDisease: rx.specialDiseaseCode
        ? { code: rx.specialDiseaseCode, name: rx.specialDiseaseName ?? '' }
        : null,
      diagnoses: rx.diagnoses,
      items: rx.items,
      totalFen: rx.totalFen,
    });
  } catch (err) {
    const code = err instanceof InsuranceError ? err.code : 'ERROR';
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof InsuranceError && !err.retryable) {
      await reject(ctx, rx, code, message);
      return;
    }
    await uploadFailedOnce(ctx, rx, `${code}: ${message}`.slice(0, 500));
    return;
  }
  if (outcome.outcome === 'rejected') {
    await reject(ctx, rx, outcome.code, outcome.reason);
    return;
  }
  const circulating = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(prescriptions)
      .set({
        state: 'circulating',
        hiRxNo: outcome.hiRxNo,
        traceCode: outcome.traceCode,
        lastError: null,
        nextAttemptAt: null,
        version: sql`${prescriptions.version} + 1`,
        updatedAt: ctx.clock.now(),
      })
      .where(and(eq(prescriptions.id, rx.id), eq(prescriptions.state, 'pending_upload')))
      .returning();
    if (!row) return false;
    await logEvent(ctx, tx, row.id, 'uploaded', 'system', { hiRxNo: outcome.hiRxNo, attempt: rx.attempts });
    await notifyOwner(ctx, tx, row, RX_AVAILABLE, {});
    return true;
  });
  // Revoked by the doctor while the upload was under way: the centre's copy must not stay open.
  if (!circulating)
    await ctx.adapters.prescriptionCentre
      .revoke(ctx, outcome.hiRxNo, 'revoked during upload')
      .catch((err) =>
        ctx.log.warn({ err, prescriptionId: rx.id }, 'centre copy of a revoked prescription left open'),
      );
}

async function uploadFailedOnce(ctx: AppContext, rx: RxRow, error: string) {
  const now = ctx.clock.now();
  const final = rx.attempts >= MAX_UPLOAD_ATTEMPTS;
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(prescriptions)
      .set({
        state: final ? 'upload_failed' : 'pending_upload',
        lastError: error,
        nextAttemptAt: final ? null : new Date(now.getTime() + backoffMs(rx.attempts)),
        version: final ? sql`${prescriptions.version} + 1` : prescriptions.version,
        updatedAt: now,
      })
      .where(and(eq(prescriptions.id, rx.id), eq(prescriptions.state, 'pending_upload')))
      .returning();
    if (!row) return;
    await logEvent(ctx, tx, row.id, final ? 'upload_failed' : 'upload_error', 'system', {
      attempt: rx.attempts,
      error,
    });
  });
}

async function reject(ctx: AppContext, rx: RxRow, code: string, reason: string) {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(prescriptions)
      .set({
        state: 'rejected',
        rejectCode: code,
        rejectReason: reason,
        nextAttemptAt: null,
        closedAt: now,
        version: sql`${prescriptions.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(prescriptions.id, rx.id), eq(prescriptions.state, 'pending_upload')))
      .returning();
    if (!row) return;
    await logEvent(ctx, tx, row.id, 'rejected', 'system', { code, reason });
    await notifyOwner(ctx, tx, row, RX_REJECTED, { reason });
  });
}

/** The sweep (cron): every upload whose attempt is due. */
export async function uploadDue(ctx: AppContext): Promise<number> {
  const due = await ctx.db
    .select({ id: prescriptions.id })
    .from(prescriptions)
    .where(
      and(
        eq(prescriptions.state, 'pending_upload'),
        lte(prescriptions.nextAttemptAt, ctx.clock.now()),
        gt(prescriptions.validUntil, ctx.clock.now()),
      ),
    )
    .orderBy(asc(prescriptions.nextAttemptAt))
    .limit(100);
  for (const d of due) {
    try {
      await uploadPrescription(ctx, d.id);
    } catch (err) {
      ctx.log.error({ err, prescriptionId: d.id }, 'prescription upload attempt failed');
    }
  }
  return due.length;
}

/** A pharmacist sends an upload that failed for good to the centre again. */
export async function retryUpload(ctx: AppContext, staffId: string, id: string) {
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(prescriptions)
      .set({
        state: 'pending_upload',
        attempts: 0,
        nextAttemptAt: now,
        version: sql`${prescriptions.version} + 1`,
        updatedAt: now,
      })
      .where(
        and(
          eq(prescriptions.id, id),
          eq(prescriptions.state, 'upload_failed'),
          gt(prescriptions.validUntil, now),
        ),
      )
      .returning();
    if (r) await logEvent(ctx, tx, r.id, 'retry_requested', `staff:${staffId}`, null);
    return r;
  });
  if (!row) {
    const [cur] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, id));
    if (!cur) throw prescriptionNotFound();
    if (cur.state === 'upload_failed' || cur.state === 'expired') throw expiredError();
    throw wrongState(cur.state);
  }
  await queueUpload(ctx, row.id);
}

// ---------------------------------------------------------------------------------------------
// Patient side
// ---------------------------------------------------------------------------------------------

const personCols = { patientIdx: prescriptions.personIdx, visitCardNo: prescriptions.visitCardNo };

/** The prescriptions of one of my patients (consent required for family members), newest first. */
export async function listPrescriptions(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  state?: PrescriptionState,
) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  if (!p.verified) return [];
  const rows = await ctx.db
    .select()
    .from(prescriptions)
    .where(and(personFilter(ctx, p, personCols), state ? eq(prescriptions.state, state) : undefined))
    .orderBy(desc(prescriptions.issuedAt), desc(prescriptions.id))
    .limit(200);
  return rows.map((r) => summaryOf(r, p.id));
}

/** A prescription of one of my patients; anyone else's reads exactly like one that does not exist. */
export async function getPrescription(ctx: AppContext, accountId: string, id: string) {
  const { rx, owner } = await ownPrescription(ctx, accountId, id);
  return detailOf(rx, owner.id);
}

/** INS-16: the designated retail pharmacies that can fill it (双通道 / 门诊特殊病 as needed). */
export async function pharmaciesFor(ctx: AppContext, accountId: string, id: string) {
  const { rx } = await ownPrescription(ctx, accountId, id);
  await ensureFillable(ctx, rx);
  const list = await centreCall(() => ctx.adapters.prescriptionCentre.pharmacies(ctx, rx.hiRxNo!));
  return { items: list.map(pharmacyView) };
}

/**
 * The patient chooses where to fill it: a designated retail pharmacy (the centre sends it there and
 * issues a pickup code; while dispatched the patient may move it) or the hospital pharmacy (the HIS
 * hears it and bills the drugs). Choosing the same place again answers the same.
 */
export async function fillPrescription(
  ctx: AppContext,
  accountId: string,
  id: string,
  choice: { where: 'retail' | 'hospital'; pharmacyCode?: string },
) {
  const { rx, owner } = await ownPrescription(ctx, accountId, id);
  if (choice.where === 'hospital' && rx.state === 'at_hospital') return detailOf(rx, owner.id);
  if (choice.where === 'retail' && rx.state === 'dispatched' && rx.pharmacyCode === choice.pharmacyCode)
    return detailOf(rx, owner.id);
  await ensureFillable(ctx, rx);
  const actor = `patient:${accountId}`;
  const now = ctx.clock.now();
  const centre = ctx.adapters.prescriptionCentre;

  if (choice.where === 'hospital') {
    const version = await claimForFill(ctx, rx);
    await assignAtCentre(ctx, rx, HOSPITAL_PHARMACY);
    const row = await ctx.events.transaction(async (tx) => {
      const [r] = await tx
        .update(prescriptions)
        .set({
          state: 'at_hospital',
          fillWhere: 'hospital',
          pharmacyCode: null,
          pharmacyName: null,
          pharmacyAddress: null,
          pharmacyPhone: null,
          pharmacyDualChannel: null,
          pickupCode: null,
          nextPollAt: null,
          version: sql`${prescriptions.version} + 1`,
          updatedAt: now,
        })
        .where(and(eq(prescriptions.id, rx.id), eq(prescriptions.version, version)))
        .returning();
      if (!r) return undefined;
      await logEvent(ctx, tx, r.id, 'filled_hospital', actor, null);
      await ctx.events.publish(tx, PrescriptionFillAtHospital({ prescriptionId: r.id }));
      return r;
    });
    if (!row) throw await changedMeanwhile(ctx, rx.id);
    return detailOf(row, owner.id);
  }

  if (!choice.pharmacyCode)
    throw badRequest('PHARMACY_REQUIRED', '请选择取药药店', 'Choose a retail pharmacy (pharmacyCode)');
  const eligible = await centreCall(() => centre.pharmacies(ctx, rx.hiRxNo!));
  const pharmacy = eligible.find((p) => p.code === choice.pharmacyCode && p.inStock);
  if (!pharmacy) throw notEligible();
  const version = await claimForFill(ctx, rx);
  const { pickupCode } = await assignAtCentre(ctx, rx, pharmacy.code);
  const moved = rx.state === 'dispatched';
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(prescriptions)
      .set({
        state: 'dispatched',
        fillWhere: 'retail',
        pharmacyCode: pharmacy.code,
        pharmacyName: pharmacy.name,
        pharmacyAddress: pharmacy.address,
        pharmacyPhone: pharmacy.phone,
        pharmacyDualChannel: pharmacy.dualChannel,
        pickupCode,
        nextPollAt: new Date(now.getTime() + POLL_EVERY_MS),
        version: sql`${prescriptions.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(prescriptions.id, rx.id), eq(prescriptions.version, version)))
      .returning();
    if (!r) return undefined;
    await logEvent(ctx, tx, r.id, moved ? 'pharmacy_changed' : 'filled_retail', actor, {
      pharmacyCode: pharmacy.code,
      from: moved ? rx.pharmacyCode : undefined,
    });
    return r;
  });
  if (!row) throw await changedMeanwhile(ctx, rx.id);
  return detailOf(row, owner.id);
}

export const fillAtHospitalEventId = (id: string) => `prescription.fill_at_hospital:${id}`;
export const dispensedEventId = (id: string) => `prescription.dispensed:${id}`;

/** The HIS hears where a prescription is filled and that a retail pharmacy dispensed it. */
export function tellHisOfPrescriptions(ctx: AppContext): void {
  forwardToHis(ctx, PrescriptionFillAtHospital, (p) => ({
    type: 'prescription.fill_at_hospital',
    eventId: fillAtHospitalEventId(p.prescriptionId),
    subjectId: p.prescriptionId,
  }));
  forwardToHis(ctx, PrescriptionDispensed, (p) => ({
    type: 'prescription.dispensed',
    eventId: dispensedEventId(p.prescriptionId),
    subjectId: p.prescriptionId,
  }));
}

async function assignAtCentre(ctx: AppContext, rx: RxRow, pharmacyCode: string) {
  try {
    return await ctx.adapters.prescriptionCentre.assign(ctx, rx.hiRxNo!, pharmacyCode);
  } catch (err) {
    if (err instanceof InsuranceError && err.code === 'PHARMACY_NOT_ELIGIBLE') throw notEligible();
    if (err instanceof InsuranceError && err.code === 'RX_DISPENSED') {
      await pollDispensing(ctx, rx.id);
      throw wrongState('dispensed');
    }
    if (err instanceof InsuranceError && !err.retryable) throw wrongState(rx.state);
    throw centreUnavailable();
  }
}

/**
 * Takes the prescription for this choice before the centre hears it: of two choices made at once
 * only one reaches the centre, so the centre and the platform never name different pharmacies.
 */
async function claimForFill(ctx: AppContext, rx: RxRow): Promise<number> {
  const [claimed] = await ctx.db
    .update(prescriptions)
    .set({ version: sql`${prescriptions.version} + 1`, updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(prescriptions.id, rx.id),
        eq(prescriptions.version, rx.version),
        eq(prescriptions.state, rx.state),
      ),
    )
    .returning({ version: prescriptions.version });
  if (!claimed) throw await changedMeanwhile(ctx, rx.id);
  return claimed.version;
}

/** A concurrent change won the compare-and-set: report the state it left. */
async function changedMeanwhile(ctx: AppContext, id: string) {
  const [cur] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, id));
  return wrongState(cur.state);
}

async function ensureFillable(ctx: AppContext, rx: RxRow) {
  if (OPEN_STATES.includes(rx.state) && rx.validUntil <= ctx.clock.now()) {
    await expireOne(ctx, rx);
    throw expiredError();
  }
  if (rx.state === 'expired') throw expiredError();
  if (rx.state !== 'circulating' && rx.state !== 'dispatched') throw wrongState(rx.state);
}

async function ownPrescription(ctx: AppContext, accountId: string, id: string) {
  const [rx] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, id));
  if (!rx) throw prescriptionNotFound();
  const owner = await ownerOfRecord(
    ctx,
    accountId,
    { patientIdx: rx.personIdx, visitCardNo: rx.visitCardNo },
    prescriptionNotFound,
  );
  return { rx, owner };
}

// ---------------------------------------------------------------------------------------------
// Dispensing at a retail pharmacy: learned by polling the centre (and on its callback)
// ---------------------------------------------------------------------------------------------

/**
 * Asks the centre about one dispatched prescription. Dispensed → recorded with the pharmacy and the
 * insurance split (once, by compare-and-set).
 */
export async function pollDispensing(ctx: AppContext, id: string): Promise<void> {
  const [rx] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, id));
  if (!rx?.hiRxNo || rx.state !== 'dispatched') return;
  await ctx.db
    .update(prescriptions)
    .set({ nextPollAt: new Date(ctx.clock.now().getTime() + POLL_EVERY_MS) })
    .where(and(eq(prescriptions.id, id), eq(prescriptions.state, 'dispatched')));
  const centre = await ctx.adapters.prescriptionCentre.query(ctx, rx.hiRxNo);
  if (centre.state === 'dispensed' && centre.dispensed)
    await recordRetailDispensing(ctx, id, centre.dispensed);
}

/** The poll sweep (cron): every dispatched prescription whose check is due. */
export async function pollDue(ctx: AppContext): Promise<number> {
  const due = await ctx.db
    .select({ id: prescriptions.id })
    .from(prescriptions)
    .where(and(eq(prescriptions.state, 'dispatched'), lte(prescriptions.nextPollAt, ctx.clock.now())))
    .orderBy(asc(prescriptions.nextPollAt))
    .limit(200);
  for (const d of due) {
    try {
      await pollDispensing(ctx, d.id);
    } catch (err) {
      ctx.log.warn({ err, prescriptionId: d.id }, 'prescription dispensing check failed');
    }
  }
  return due.length;
}

async function recordRetailDispensing(ctx: AppContext, id: string, d: CentreDispensing) {
  const [rx] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, id));
  if (!rx || rx.state !== 'dispatched') return;
  await markDispensed(ctx, rx, d, 'system', 'dispatched');
}

/** dispatched | at_hospital → dispensed, once: the split, one notification and the HIS event. */
async function markDispensed(
  ctx: AppContext,
  rx: RxRow,
  d: Dispensing,
  actor: string,
  from: 'dispatched' | 'at_hospital',
): Promise<RxRow | undefined> {
  const now = ctx.clock.now();
  const row = await ctx.events.transaction(async (tx) => {
    const [r] = await tx
      .update(prescriptions)
      .set({
        state: 'dispensed',
        dispensedAt: d.at,
        dispensedPharmacyName: d.pharmacyName,
        settlementNo: d.settlementNo ?? null,
        settledTotalFen: d.totalFen,
        fundFen: d.fundFen,
        accountFen: d.accountFen,
        cashFen: d.cashFen,
        nextPollAt: null,
        closedAt: now,
        version: sql`${prescriptions.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(prescriptions.id, rx.id), eq(prescriptions.state, from)))
      .returning();
    if (!r) return undefined;
    await logEvent(ctx, tx, r.id, 'dispensed', actor, {
      pharmacyName: d.pharmacyName,
      settlementNo: d.settlementNo ?? null,
      totalFen: d.totalFen,
      fundFen: d.fundFen,
      accountFen: d.accountFen,
      cashFen: d.cashFen,
    });
    await notifyOwner(ctx, tx, r, RX_DISPENSED, {
      pharmacyName: d.pharmacyName,
      total: formatYuan(d.totalFen),
      fund: formatYuan(d.fundFen),
      account: formatYuan(d.accountFen),
      cash: formatYuan(d.cashFen),
    });
    // The hospital pharmacy's own dispensing came from the HIS: it needs no event back.
    if (from === 'dispatched') await ctx.events.publish(tx, PrescriptionDispensed({ prescriptionId: r.id }));
    return r;
  });
  return row;
}

// ---------------------------------------------------------------------------------------------
// Expiry (job)
// ---------------------------------------------------------------------------------------------

/** Prescriptions past their validity expire, uploaded or not (the centre expires its copy by itself). */
export async function expireDue(ctx: AppContext): Promise<number> {
  const due = await ctx.db
    .select()
    .from(prescriptions)
    .where(
      and(inArray(prescriptions.state, EXPIRABLE_STATES), lte(prescriptions.validUntil, ctx.clock.now())),
    )
    .limit(500);
  let n = 0;
  for (const rx of due) if (await expireOne(ctx, rx)) n++;
  return n;
}

async function expireOne(ctx: AppContext, rx: RxRow): Promise<boolean> {
  // A retail pharmacy may have dispensed it just before the deadline: the centre says so first.
  if (rx.state === 'dispatched' && rx.hiRxNo) {
    const centre = await ctx.adapters.prescriptionCentre.query(ctx, rx.hiRxNo).catch(() => undefined);
    if (!centre) return false;
    if (centre.state === 'dispensed' && centre.dispensed) {
      await recordRetailDispensing(ctx, rx.id, centre.dispensed);
      return false;
    }
  }
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(prescriptions)
      .set({
        state: 'expired',
        closedAt: now,
        nextPollAt: null,
        version: sql`${prescriptions.version} + 1`,
        updatedAt: now,
      })
      .where(
        and(
          eq(prescriptions.id, rx.id),
          inArray(prescriptions.state, EXPIRABLE_STATES),
          lte(prescriptions.validUntil, now),
        ),
      )
      .returning();
    if (!r) return false;
    await logEvent(ctx, tx, r.id, 'expired', 'system', null);
    // only a prescription the patient was told about can be announced as expired
    if (r.hiRxNo) await notifyOwner(ctx, tx, r, RX_EXPIRED, {});
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Staff (console)
// ---------------------------------------------------------------------------------------------

export interface StaffQuery {
  state?: PrescriptionState;
  kind?: PrescriptionKind;
  dualChannel?: boolean;
  from?: string;
  to?: string;
  q?: string;
  page: number;
  pageSize: number;
}

export async function staffList(ctx: AppContext, q: StaffQuery) {
  if (q.from && q.to && new Date(q.from) > new Date(q.to))
    throw badRequest('INVALID_RANGE', '开始时间不能晚于结束时间', '"from" must not be after "to"');
  const where = and(
    q.q
      ? or(eq(prescriptions.hisRxNo, q.q), eq(prescriptions.hiRxNo, q.q), eq(prescriptions.visitNo, q.q))
      : undefined,
    q.state ? eq(prescriptions.state, q.state) : undefined,
    q.kind ? eq(prescriptions.kind, q.kind) : undefined,
    q.dualChannel === undefined ? undefined : eq(prescriptions.dualChannel, q.dualChannel),
    q.from ? gte(prescriptions.issuedAt, new Date(q.from)) : undefined,
    q.to ? lte(prescriptions.issuedAt, new Date(q.to)) : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(prescriptions)
      .where(where)
      .orderBy(desc(prescriptions.issuedAt), desc(prescriptions.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ total: count() }).from(prescriptions).where(where),
  ]);
  return {
    items: rows.map((r) => ({
      ...summaryOf(r, r.patientId),
      hiRxNo: r.hiRxNo,
      visitNo: r.visitNo,
      attempts: r.attempts,
      lastError: r.lastError,
    })),
    total: Number(total),
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function staffDetail(ctx: AppContext, id: string) {
  const [rx] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, id));
  if (!rx) throw prescriptionNotFound();
  const history = await ctx.db
    .select()
    .from(prescriptionEvents)
    .where(eq(prescriptionEvents.prescriptionId, id))
    .orderBy(asc(prescriptionEvents.seq));
  return {
    ...detailOf(rx, rx.patientId),
    visitNo: rx.visitNo,
    doctorCode: rx.doctorCode,
    insuranceDoctorCode: rx.insuranceDoctorCode,
    reviewedBy: rx.reviewedBy,
    attempts: rx.attempts,
    lastError: rx.lastError,
    nextAttemptAt: rx.nextAttemptAt?.toISOString() ?? null,
    rejectCode: rx.rejectCode,
    history: history.map((h) => ({ at: h.at.toISOString(), kind: h.kind, actor: h.actor, detail: h.detail })),
  };
}

/** Sandbox control: the patient behind a prescription's patient record, for special-disease filing. */
export async function patientIdNumber(ctx: AppContext, patientId: string): Promise<string> {
  return (await getPatientById(ctx, patientId)).idNumber;
}

/** The platform prescription a centre number belongs to (the sandbox callback checks it at once). */
export async function prescriptionIdByCentreNo(ctx: AppContext, hiRxNo: string): Promise<string | undefined> {
  const [r] = await ctx.db
    .select({ id: prescriptions.id })
    .from(prescriptions)
    .where(eq(prescriptions.hiRxNo, hiRxNo));
  return r?.id;
}

// ---------------------------------------------------------------------------------------------
// HIS events (built at delivery from the prescription as it is now)
// ---------------------------------------------------------------------------------------------

export async function buildPrescriptionEvent(
  ctx: AppContext,
  row: typeof hisOutboundEvents.$inferSelect,
): Promise<HisEvent | string> {
  const [rx] = await ctx.db.select().from(prescriptions).where(eq(prescriptions.id, row.subjectId));
  if (!rx) return 'SUBJECT_GONE: the prescription no longer exists';
  const patient = await getPatientById(ctx, rx.patientId).catch(() => undefined);
  if (!patient) return 'SUBJECT_GONE: the patient no longer exists';
  const prescription = {
    id: rx.id,
    hisRxNo: rx.hisRxNo,
    hiRxNo: rx.hiRxNo,
    visitNo: rx.visitNo,
    totalFen: rx.totalFen,
    items: rx.items.map((i) => ({
      drugCode: i.drugCode,
      name: i.name,
      spec: i.spec,
      quantity: i.quantity,
      unit: i.unit,
      amountFen: i.amountFen,
    })),
  };
  const base = { eventId: row.eventId, occurredAt: row.occurredAt.toISOString(), prescription };
  if (row.type === 'prescription.fill_at_hospital') {
    // The patient left the hospital pharmacy for a retail one (or it was revoked): nothing to bill.
    if (rx.fillWhere !== 'hospital' || !['at_hospital', 'dispensed'].includes(rx.state))
      return `SUPERSEDED: the prescription is ${rx.state}`;
    return { type: 'prescription.fill_at_hospital', ...base, patient: patientRef(patient) };
  }
  if (rx.state !== 'dispensed') return `SUPERSEDED: the prescription is ${rx.state}`;
  return {
    type: 'prescription.dispensed',
    ...base,
    patient: patientRef(patient),
    dispensed: {
      at: rx.dispensedAt!.toISOString(),
      pharmacyCode: rx.pharmacyCode,
      pharmacyName: rx.dispensedPharmacyName ?? '',
      settlementNo: rx.settlementNo,
      totalFen: rx.settledTotalFen ?? 0,
      fundFen: rx.fundFen ?? 0,
      accountFen: rx.accountFen ?? 0,
      cashFen: rx.cashFen ?? 0,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Views and helpers
// ---------------------------------------------------------------------------------------------

function summaryOf(r: RxRow, patientId: string) {
  return {
    id: r.id,
    patientId,
    patientName: maskName(r.patientName),
    hisRxNo: r.hisRxNo,
    kind: r.kind,
    specialDisease: r.specialDiseaseCode ? { code: r.specialDiseaseCode, name: r.specialDiseaseName } : null,
    doctorName: r.doctorName,
    departmentName: r.departmentName,
    issuedAt: r.issuedAt.toISOString(),
    validUntil: r.validUntil.toISOString(),
    state: r.state,
    itemCount: r.itemCount,
    totalFen: r.totalFen,
    dualChannel: r.dualChannel,
    pharmacy:
      r.fillWhere === 'retail' && r.pharmacyCode ? { code: r.pharmacyCode, name: r.pharmacyName } : null,
  };
}

function detailOf(r: RxRow, patientId: string) {
  return {
    ...summaryOf(r, patientId),
    diagnoses: r.diagnoses,
    items: r.items,
    hiRxNo: r.hiRxNo,
    traceCode: r.traceCode,
    fillWhere: r.fillWhere,
    pickupCode: r.state === 'dispatched' ? r.pickupCode : null,
    pharmacy:
      r.fillWhere === 'retail' && r.pharmacyCode
        ? {
            code: r.pharmacyCode,
            name: r.pharmacyName,
            address: r.pharmacyAddress,
            phone: r.pharmacyPhone,
            dualChannel: r.pharmacyDualChannel,
          }
        : null,
    dispensed:
      r.state === 'dispensed' && r.dispensedAt
        ? {
            at: r.dispensedAt.toISOString(),
            pharmacyName: r.dispensedPharmacyName,
            settlementNo: r.settlementNo,
            totalFen: r.settledTotalFen,
            fundFen: r.fundFen,
            accountFen: r.accountFen,
            cashFen: r.cashFen,
          }
        : null,
    rejectReason: r.rejectReason,
    revokeReason: r.revokeReason,
  };
}

function pharmacyView(p: DesignatedPharmacy) {
  return {
    code: p.code,
    name: p.name,
    address: p.address,
    phone: p.phone,
    dualChannel: p.dualChannel,
    specialDisease: p.specialDisease,
    inStock: p.inStock,
    distanceKm: p.distanceKm,
  };
}

async function byHisNo(ctx: AppContext, channelId: string, hisRxNo: string) {
  const [r] = await ctx.db
    .select()
    .from(prescriptions)
    .where(and(eq(prescriptions.channelId, channelId), eq(prescriptions.hisRxNo, hisRxNo)));
  return r;
}

async function logEvent(
  ctx: AppContext,
  tx: Tx,
  prescriptionId: string,
  kind: string,
  actor: string,
  detail: Record<string, unknown> | null,
) {
  await tx
    .insert(prescriptionEvents)
    .values({ id: newId(), prescriptionId, at: ctx.clock.now(), kind, actor, detail });
}

/** The card holder's account hears about the prescription (family members see it in the list). */
async function notifyOwner(
  ctx: AppContext,
  tx: Tx,
  rx: RxRow,
  template: string,
  data: Record<string, string>,
) {
  const owner = await getPatientById(ctx, rx.patientId, tx).catch(() => undefined);
  if (!owner) return;
  await notify(
    ctx,
    {
      accountId: owner.accountId,
      template,
      data: {
        patientName: maskName(rx.patientName),
        prescriptionId: rx.id,
        validUntil: dayjs(rx.validUntil).tz(ctx.config.HOSPITAL_TIMEZONE).format('YYYY-MM-DD HH:mm'),
        ...data,
      },
    },
    tx,
  );
}

async function centreCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw centreUnavailable();
  }
}
