import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { DomainError, conflict } from '../../platform/errors.js';
import { maskName } from '../../platform/pii.js';
import { getPatientById, getPatientForRecords, type PatientRecord } from '../identity/index.js';
import { prescriptionCountsByVisit, prescriptionsOfVisit } from '../pharmacy/index.js';
import { ownerOfRecord } from '../identity/index.js';
import { personFilter } from './service.js';
import { visitReports } from './visit-reports.js';
import { billItems, bills, hisVisits, type BillKind, type ExecutionStatus } from './schema.js';

/**
 * Visit guidance (GUIDE-08/09), the patient's guide code (GUIDE-14) and execution at the executing
 * department's PDA (GUIDE-15). Reads and updates billing's own tables; patients are resolved through
 * identity's functions.
 */

type VisitRow = typeof hisVisits.$inferSelect;
type BillRow = typeof bills.$inferSelect;

const visitNotFound = () => new DomainError('VISIT_NOT_FOUND', 404, '就诊记录不存在', 'Visit not found');
const billNotFound = () => new DomainError('BILL_NOT_FOUND', 404, '缴费单不存在', 'Bill not found');
const badGuideCode = () =>
  new DomainError(
    'GUIDE_CODE_INVALID',
    400,
    '条码无效或已过期，请患者刷新后重新出示',
    'The code is invalid or expired; ask the patient to refresh it',
  );

/** How long a guide code shown on the phone stays valid. */
const GUIDE_CODE_TTL_MS = 10 * 60_000;

// ---------------------------------------------------------------------------------------------
// GUIDE-08 / GUIDE-09: visits and what to do next
// ---------------------------------------------------------------------------------------------

export type NextStep =
  | { kind: 'pay'; bills: number; amountFen: number }
  | { kind: 'collect_drugs'; billNo: string; title: string; department: string; location: string }
  | { kind: 'go_to'; billNo: string; title: string; department: string; location: string }
  | { kind: 'done' };

/** The next steps of a visit, in the order a patient takes them: pay, then go to each place. */
export function nextSteps(
  rows: Pick<
    BillRow,
    | 'billNo'
    | 'kind'
    | 'title'
    | 'state'
    | 'executionStatus'
    | 'amountFen'
    | 'execDepartment'
    | 'execLocation'
  >[],
): NextStep[] {
  const steps: NextStep[] = [];
  const pending = rows.filter((b) => b.state === 'pending');
  if (pending.length)
    steps.push({
      kind: 'pay',
      bills: pending.length,
      amountFen: pending.reduce((s, b) => s + b.amountFen, 0),
    });
  for (const b of rows) {
    if ((b.state !== 'paid' && b.state !== 'confirmed') || b.executionStatus !== 'none') continue;
    steps.push({
      kind: b.kind === 'prescription' ? 'collect_drugs' : 'go_to',
      billNo: b.billNo,
      title: b.title,
      department: b.execDepartment,
      location: b.execLocation,
    });
  }
  if (!steps.length) steps.push({ kind: 'done' });
  return steps;
}

function visitSummary(v: VisitRow, rows: BillRow[], overview: { prescriptions: number; reports: number }) {
  const live = rows.filter((b) => b.state !== 'refunded');
  return {
    id: v.id,
    visitNo: v.visitNo,
    visitDate: v.visitDate,
    departmentName: v.departmentName,
    doctorName: v.doctorName,
    bills: rows.length,
    totalFen: live.reduce((s, b) => s + b.amountFen, 0),
    pendingFen: rows.filter((b) => b.state === 'pending').reduce((s, b) => s + b.amountFen, 0),
    nextSteps: nextSteps(rows),
    prescriptions: overview.prescriptions,
    reports: overview.reports,
  };
}

/** GUIDE-09: a patient's outpatient visits, newest first, each with its fees and next step. */
export async function listVisits(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  if (!p.verified) return [];
  const visits = await ctx.db
    .select()
    .from(hisVisits)
    .where(personFilter(ctx, p, hisVisits))
    .orderBy(desc(hisVisits.visitDate), desc(hisVisits.createdAt))
    .limit(200);
  if (!visits.length) return [];
  const rows = await ctx.db
    .select()
    .from(bills)
    .where(
      inArray(
        bills.visitId,
        visits.map((v) => v.id),
      ),
    )
    .orderBy(asc(bills.billedAt), asc(bills.billNo));
  const rxCounts = await prescriptionCountsByVisit(
    ctx,
    p,
    visits.map((v) => v.visitNo),
  );
  const reportCounts = await visitReports().countsByDay(ctx, p, [...new Set(visits.map((v) => v.visitDate))]);
  return visits.map((v) =>
    visitSummary(
      v,
      rows.filter((b) => b.visitId === v.id),
      { prescriptions: rxCounts.get(v.visitNo) ?? 0, reports: reportCounts.get(v.visitDate) ?? 0 },
    ),
  );
}

/**
 * GUIDE-08/09: one visit's bills with their state, cost lines and where to go, and its overview:
 * the e-prescriptions issued at it and its lab / exam / pathology reports. Another person's visit
 * is a 404.
 */
export async function getVisit(ctx: AppContext, accountId: string, visitId: string) {
  const [v] = await ctx.db.select().from(hisVisits).where(eq(hisVisits.id, visitId));
  if (!v) throw visitNotFound();
  const owner = await ownerOfRecord(ctx, accountId, v, visitNotFound);
  const rows = await ctx.db
    .select()
    .from(bills)
    .where(eq(bills.visitId, v.id))
    .orderBy(asc(bills.billedAt), asc(bills.billNo));
  const lines = rows.length
    ? await ctx.db
        .select()
        .from(billItems)
        .where(
          inArray(
            billItems.billId,
            rows.map((b) => b.id),
          ),
        )
        .orderBy(asc(billItems.billId), asc(billItems.seq))
    : [];
  const rx = await prescriptionsOfVisit(ctx, owner, v.visitNo);
  const reports = await visitReports().ofVisit(ctx, owner, v.visitDate);
  return {
    ...visitSummary(v, rows, { prescriptions: rx.length, reports: reports.length }),
    patientId: owner.id,
    overview: { prescriptions: rx, reports },
    items: rows.map((b) => ({
      id: b.id,
      billNo: b.billNo,
      kind: b.kind,
      title: b.title,
      amountFen: b.amountFen,
      state: b.state,
      executionStatus: b.executionStatus,
      execDepartment: b.execDepartment,
      execLocation: b.execLocation,
      lines: lines
        .filter((l) => l.billId === b.id)
        .map((l) => ({
          code: l.code,
          name: l.name,
          spec: l.spec,
          unit: l.unit,
          quantity: l.quantity,
          unitPriceFen: l.unitPriceFen,
          amountFen: l.amountFen,
        })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// GUIDE-14: the patient's guide code (shown as a barcode on the phone, scanned by the PDA)
// ---------------------------------------------------------------------------------------------

function guideKey(ctx: AppContext) {
  return createHmac('sha256', ctx.config.piiIndexKey).update('qingnang guide code v1').digest();
}

function sign(ctx: AppContext, payload: string) {
  return createHmac('sha256', guideKey(ctx)).update(payload).digest('base64url').slice(0, 22);
}

/**
 * A signed, expiring code naming one patient record: it carries no ID or phone number, cannot be
 * forged or altered, and a screenshot stops working after ten minutes.
 */
export async function issueGuideCode(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  if (!p.verified)
    throw conflict('PATIENT_NOT_VERIFIED', '就诊人尚未实名认证', 'The patient is not verified yet');
  const exp = Math.floor((ctx.clock.now().getTime() + GUIDE_CODE_TTL_MS) / 1000);
  const payload = `${p.id}.${exp.toString(36)}`;
  return {
    code: `QG1.${payload}.${sign(ctx, payload)}`,
    expiresAt: new Date(exp * 1000).toISOString(),
    visitCardNo: p.visitCardNo,
  };
}

async function patientOfGuideCode(ctx: AppContext, code: string): Promise<PatientRecord> {
  const m = /^QG1\.([A-Za-z0-9_-]{1,40})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(code.trim());
  if (!m) throw badGuideCode();
  const payload = `${m[1]}.${m[2]}`;
  const want = Buffer.from(sign(ctx, payload));
  const got = Buffer.from(m[3]!);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw badGuideCode();
  if (parseInt(m[2]!, 36) * 1000 < ctx.clock.now().getTime()) throw badGuideCode();
  const p = await getPatientById(ctx, m[1]!).catch(() => undefined);
  if (!p) throw badGuideCode();
  return p;
}

// ---------------------------------------------------------------------------------------------
// GUIDE-15: the executing department's PDA
// ---------------------------------------------------------------------------------------------

function pdaBill(b: BillRow) {
  return {
    id: b.id,
    billNo: b.billNo,
    kind: b.kind,
    title: b.title,
    amountFen: b.amountFen,
    paid: b.state === 'paid' || b.state === 'confirmed',
    state: b.state,
    executionStatus: b.executionStatus,
    executedAt: b.executedAt?.toISOString() ?? null,
    execDepartment: b.execDepartment,
    execLocation: b.execLocation,
  };
}

/**
 * The PDA scans a patient's guide code: the patient (name masked) and the bills of the last week
 * that this department executes, with whether each is paid. Staff access is audited by the route.
 */
export async function scanForExecution(
  ctx: AppContext,
  input: { code: string; department: string; sinceDays?: number },
) {
  const p = await patientOfGuideCode(ctx, input.code);
  const since = new Date(ctx.clock.now().getTime() - (input.sinceDays ?? 7) * 86_400_000);
  const rows = await ctx.db
    .select()
    .from(bills)
    .where(and(personFilter(ctx, p), eq(bills.execDepartment, input.department.trim())))
    .orderBy(desc(bills.billedAt), asc(bills.billNo));
  return {
    patient: {
      id: p.id,
      name: maskName(p.name),
      gender: p.gender,
      birthDate: p.birthDate,
      visitCardNo: p.visitCardNo,
    },
    bills: rows.filter((b) => b.billedAt >= since && b.state !== 'refunded').map(pdaBill),
  };
}

const EXECUTION_OF: Record<BillKind, Exclude<ExecutionStatus, 'none'>> = {
  prescription: 'dispensed',
  lab: 'performed',
  exam: 'performed',
  treatment: 'performed',
  other: 'performed',
};

/**
 * 执行登记 at the PDA: only a paid bill of this department is executed; an unpaid one is refused
 * (the patient must pay first). From then on the bill is refunded only at the counter. Repeating
 * the registration answers the same result.
 */
export async function executeAtDepartment(
  ctx: AppContext,
  staffId: string,
  input: { billId: string; department: string },
) {
  const [b] = await ctx.db.select().from(bills).where(eq(bills.id, input.billId));
  if (!b || b.execDepartment !== input.department.trim()) throw billNotFound();
  if (b.state === 'pending')
    throw conflict('BILL_NOT_PAID', '该单据尚未缴费，不能执行', 'The bill is not paid');
  if (b.state === 'refunded')
    throw conflict('BILL_REFUNDED', '该单据已退费，不能执行', 'The bill was refunded and cannot be executed');
  if (b.executionStatus !== 'none') return { ...pdaBill(b), alreadyExecuted: true };
  const now = ctx.clock.now();
  const [u] = await ctx.db
    .update(bills)
    .set({ executionStatus: EXECUTION_OF[b.kind], executedAt: now, executedBy: staffId, updatedAt: now })
    .where(
      and(eq(bills.id, b.id), inArray(bills.state, ['paid', 'confirmed']), eq(bills.executionStatus, 'none')),
    )
    .returning();
  if (!u) {
    // a refund or another PDA got there first: answer what the bill is now
    const [now2] = await ctx.db.select().from(bills).where(eq(bills.id, b.id));
    if (now2!.state === 'refunded')
      throw conflict(
        'BILL_REFUNDED',
        '该单据已退费，不能执行',
        'The bill was refunded and cannot be executed',
      );
    return { ...pdaBill(now2!), alreadyExecuted: true };
  }
  return { ...pdaBill(u), alreadyExecuted: false };
}
