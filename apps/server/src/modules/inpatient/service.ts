import { and, asc, count, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { dayjs } from '../../platform/clock.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { formatYuan } from '../../platform/money.js';
import { maskName } from '../../platform/pii.js';
import { inpatientHisOf } from '../../integrations/his/inpatient.js';
import {
  blindIndexOf,
  findPatientsByIdNumber,
  findPatientsByVisitCard,
  getPatientForRecords,
} from '../identity/index.js';
import { notify, registerTemplates } from '../notifications/index.js';
import type { PaymentOrderView, RefundView } from '../payments/index.js';
import { createPaymentOrder, getPaymentOrder, requestRefund } from '../payments/index.js';
import {
  inpatientAdmissions,
  inpatientBindFailures,
  inpatientBindings,
  inpatientCharges,
  inpatientDailyListSends,
  inpatientDeposits,
  inpatientSettlementRefunds,
  type Diagnosis,
  type Operation,
} from './schema.js';

export const DEPOSIT_BUSINESS = 'deposit';
export const SETTLEMENT_BUSINESS = 'inpatient-settlement';
export const LOW_BALANCE_JOB = 'inpatient.low-balance-check';
export const DAILY_LIST_JOB = 'inpatient.daily-list';
export const HIS_DEPOSIT_RETRY_JOB = 'inpatient.his-deposit-retry';
const PAYMENT_MINUTES = 30;

type AdmissionRow = typeof inpatientAdmissions.$inferSelect;
type DepositRow = typeof inpatientDeposits.$inferSelect;

export const admissionNotFound = () =>
  new DomainError('ADMISSION_NOT_FOUND', 404, '住院记录不存在或住院号与姓名不符', 'Admission not found');

const nameIndex = (ctx: AppContext, name: string) =>
  blindIndexOf(ctx, `inpatient-name:${name.trim().replace(/\s+/g, ' ').toLowerCase()}`);

export function registerInpatientTemplates(): void {
  registerTemplates({
    'inpatient.low-balance': {
      category: 'inpatient',
      title: { zh: '住院预交金不足提醒', en: 'Inpatient deposit running low' },
      body: {
        zh: '住院号 {admissionNo} 的预交金余额为 ¥{balanceYuan}，低于 ¥{thresholdYuan}，请及时充值。',
        en: 'The deposit balance of admission {admissionNo} is ¥{balanceYuan}, below ¥{thresholdYuan}. Please top up.',
      },
      channels: ['sms'],
      link: '/admissions/{admissionId}',
    },
    'inpatient.daily-list': {
      category: 'inpatient',
      title: { zh: '住院一日清单', en: 'Inpatient daily fee list' },
      body: {
        zh: '住院号 {admissionNo} 在 {date} 的费用共 ¥{totalYuan}（{items} 项），当前余额 ¥{balanceYuan}。',
        en: 'Admission {admissionNo}: ¥{totalYuan} charged on {date} ({items} items); balance ¥{balanceYuan}.',
      },
      channels: [],
      link: '/admissions/{admissionId}/daily-lists?date={date}',
    },
    'inpatient.settlement-reversed': {
      category: 'inpatient',
      title: { zh: '出院结算已撤销', en: 'Discharge settlement reversed' },
      body: {
        zh: '住院号 {admissionNo} 的出院结算已由医院撤销（{reason}），原住院电子票据将冲红，重新结算后另开。当前预交金余额 ¥{balanceYuan}。',
        en: 'The hospital reversed the discharge settlement of admission {admissionNo} ({reason}); its e-invoice is red-lettered and a new one follows the next settlement. Deposit balance ¥{balanceYuan}.',
      },
      channels: ['sms'],
      link: '/admissions/{admissionId}',
    },
    'inpatient.deposit-paid': {
      category: 'inpatient',
      title: { zh: '住院预交金充值成功', en: 'Inpatient deposit paid' },
      body: {
        zh: '住院号 {admissionNo} 已充值 ¥{amountYuan}，当前余额 ¥{balanceYuan}。',
        en: 'Admission {admissionNo}: ¥{amountYuan} deposited; balance ¥{balanceYuan}.',
      },
      channels: [],
      link: '/admissions/{admissionId}',
    },
  });
}

// ---------------------------------------------------------------------------------------------
// HIS pushes (signed integration API)
// ---------------------------------------------------------------------------------------------

export interface AdmissionPush {
  admissionNo: string;
  name: string;
  idNumber?: string;
  visitCardNo?: string;
  ward: string;
  bed?: string;
  attendingDoctor?: string;
  diagnoses: Diagnosis[];
  operations: Operation[];
  admittedAt: string;
}

/** INP-01/02: the HIS admits (or updates) an inpatient; the admission number is the key. */
export async function pushAdmission(ctx: AppContext, channelId: string, input: AdmissionPush) {
  const now = ctx.clock.now();
  const idNumberIdx = input.idNumber ? blindIndexOf(ctx, input.idNumber.toUpperCase()) : null;
  const resolved = await resolvePatient(ctx, input);
  const values = {
    nameIdx: nameIndex(ctx, input.name),
    nameMasked: maskName(input.name.trim()),
    idNumberIdx,
    visitCardNo: input.visitCardNo?.toUpperCase() ?? null,
    resolvedPatientId: resolved,
    ward: input.ward,
    bed: input.bed ?? null,
    attendingDoctor: input.attendingDoctor ?? null,
    diagnoses: input.diagnoses,
    operations: input.operations,
    admittedAt: new Date(input.admittedAt),
    updatedAt: now,
  };
  const [row] = await ctx.db
    .insert(inpatientAdmissions)
    .values({
      id: newId(),
      admissionNo: input.admissionNo,
      sourceChannelId: channelId,
      createdAt: now,
      ...values,
    })
    .onConflictDoUpdate({
      target: inpatientAdmissions.admissionNo,
      set: values,
      // a discharged admission is history: later pushes do not rewrite it
      setWhere: eq(inpatientAdmissions.state, 'admitted'),
    })
    .returning();
  if (!row) {
    throw conflict(
      'ADMISSION_DISCHARGED',
      '该住院记录已出院，不能再修改',
      'The admission is already discharged',
    );
  }
  return { admissionId: row.id, admissionNo: row.admissionNo, state: row.state, patientResolved: !!resolved };
}

/** The platform patient behind the HIS identity, when identity can tell (ID number or visit card). */
async function resolvePatient(ctx: AppContext, input: AdmissionPush): Promise<string | null> {
  if (input.idNumber) {
    const found = await findPatientsByIdNumber(ctx, input.idNumber.toUpperCase());
    if (found[0]) return found[0].id;
  }
  if (input.visitCardNo) {
    const [p] = await findPatientsByVisitCard(ctx, input.visitCardNo);
    if (p) return p.id;
  }
  return null;
}

export interface ChargeLine {
  lineId: string;
  date: string;
  itemCode?: string;
  itemName: string;
  category?: string;
  quantity: number;
  unit?: string;
  amountFen: number;
}

/** INP-05: daily charges; a line already received (by its HIS line id) is not counted again. */
export async function pushCharges(ctx: AppContext, admissionNo: string, lines: ChargeLine[]) {
  const ids = new Set(lines.map((l) => l.lineId));
  if (ids.size !== lines.length)
    throw badRequest(
      'CHARGE_LINE_DUPLICATED',
      '同一批次中费用明细编号重复',
      'Duplicate line ids in one push',
    );
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    const [adm] = await tx
      .select()
      .from(inpatientAdmissions)
      .where(eq(inpatientAdmissions.admissionNo, admissionNo))
      .for('update');
    if (!adm) throw admissionNotFound();
    if (adm.state !== 'admitted')
      throw conflict(
        'ADMISSION_DISCHARGED',
        '该住院记录已出院，不能再记账',
        'The admission is already discharged',
      );
    const inserted = await tx
      .insert(inpatientCharges)
      .values(
        lines.map((l) => ({
          id: newId(),
          admissionId: adm.id,
          hisLineId: l.lineId,
          chargeDate: l.date,
          itemCode: l.itemCode ?? null,
          itemName: l.itemName,
          category: l.category ?? null,
          quantity: String(l.quantity),
          unit: l.unit ?? null,
          amountFen: l.amountFen,
          createdAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning({ amountFen: inpatientCharges.amountFen });
    const added = inserted.reduce((a, r) => a + r.amountFen, 0);
    const [updated] = await tx
      .update(inpatientAdmissions)
      .set({ chargesFen: sql`${inpatientAdmissions.chargesFen} + ${added}`, updatedAt: now })
      .where(eq(inpatientAdmissions.id, adm.id))
      .returning();
    return { adm: updated, accepted: inserted.length, addedFen: added };
  });
  await ctx.jobs.send(LOW_BALANCE_JOB, {}, { singletonKey: 'sweep' });
  return {
    admissionId: result.adm.id,
    accepted: result.accepted,
    duplicates: lines.length - result.accepted,
    chargesFen: result.adm.chargesFen,
    balanceFen: balanceOf(result.adm),
  };
}

/** INP-08: the HIS discharges; the settlement opens (or is settled at once when nothing is owed). */
export async function pushDischarge(
  ctx: AppContext,
  admissionNo: string,
  input: { dischargedAt: string; totalCostFen: number },
) {
  const now = ctx.clock.now();
  const [adm] = await ctx.db
    .select()
    .from(inpatientAdmissions)
    .where(eq(inpatientAdmissions.admissionNo, admissionNo));
  if (!adm) throw admissionNotFound();
  const balanced = adm.depositsFen === input.totalCostFen;
  const [row] = await ctx.db
    .update(inpatientAdmissions)
    .set({
      state: 'discharged',
      dischargedAt: new Date(input.dischargedAt),
      totalCostFen: input.totalCostFen,
      settlementState: balanced ? 'settled' : 'open',
      updatedAt: now,
    })
    .where(and(eq(inpatientAdmissions.id, adm.id), eq(inpatientAdmissions.state, 'admitted')))
    .returning();
  const current = row ?? adm;
  if (!row && adm.totalCostFen !== input.totalCostFen)
    throw conflict('ADMISSION_DISCHARGED', '该住院记录已出院', 'The admission is already discharged');
  return {
    admissionId: current.id,
    state: current.state,
    settlementState: current.settlementState,
    depositsFen: current.depositsFen,
    totalCostFen: current.totalCostFen,
    differenceFen: current.depositsFen - (current.totalCostFen ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Patients
// ---------------------------------------------------------------------------------------------

/** Balance: deposits paid minus charges (after discharge, minus the HIS's total cost). */
export const balanceOf = (a: AdmissionRow) => a.depositsFen - (a.totalCostFen ?? a.chargesFen);

/** INP-01: binds an admission to one of my patients; a wrong name answers like an unknown number. */
export async function bindAdmission(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; admissionNo: string; name: string },
) {
  const patient = await getPatientForRecords(ctx, accountId, input.patientId);
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - ctx.config.INPATIENT_BIND_FAILURE_WINDOW_MINUTES * 60_000);
  const [{ n }] = await ctx.db
    .select({ n: count() })
    .from(inpatientBindFailures)
    .where(and(eq(inpatientBindFailures.accountId, accountId), gte(inpatientBindFailures.at, since)));
  if (n >= ctx.config.INPATIENT_BIND_MAX_FAILURES)
    throw new DomainError(
      'ADMISSION_BIND_TOO_MANY_ATTEMPTS',
      429,
      '尝试次数过多，请稍后再试',
      'Too many attempts, please try again later',
    );
  const [adm] = await ctx.db
    .select()
    .from(inpatientAdmissions)
    .where(eq(inpatientAdmissions.admissionNo, input.admissionNo));
  const matches =
    adm &&
    adm.nameIdx === nameIndex(ctx, input.name) &&
    nameIndex(ctx, patient.name) === adm.nameIdx &&
    (!adm.idNumberIdx || adm.idNumberIdx === blindIndexOf(ctx, patient.idNumber.toUpperCase()));
  if (!adm || !matches) {
    await ctx.db.insert(inpatientBindFailures).values({ id: newId(), accountId, at: now });
    throw admissionNotFound();
  }
  await ctx.db
    .insert(inpatientBindings)
    .values({ id: newId(), admissionId: adm.id, accountId, patientId: patient.id, createdAt: now })
    .onConflictDoNothing();
  const [binding] = await ctx.db
    .select()
    .from(inpatientBindings)
    .where(and(eq(inpatientBindings.accountId, accountId), eq(inpatientBindings.admissionId, adm.id)));
  if (binding.patientId !== patient.id)
    throw conflict(
      'ADMISSION_ALREADY_BOUND',
      '该住院记录已绑定到其他就诊人',
      'Bound to another patient of yours',
    );
  return admissionView(adm, patient.name);
}

/** The access decision for an admission: bound by this account to a patient it may still see. */
async function ownAdmission(ctx: AppContext, accountId: string, admissionId: string) {
  const [b] = await ctx.db
    .select()
    .from(inpatientBindings)
    .where(and(eq(inpatientBindings.accountId, accountId), eq(inpatientBindings.admissionId, admissionId)));
  if (!b) throw admissionNotFound();
  const patient = await getPatientForRecords(ctx, accountId, b.patientId).catch(() => {
    throw admissionNotFound();
  });
  const [adm] = await ctx.db
    .select()
    .from(inpatientAdmissions)
    .where(eq(inpatientAdmissions.id, admissionId));
  return { adm, patient };
}

/** Which of my patients an admission is bound to (the person whose access log names a read of it). */
export async function admissionPatientId(
  ctx: AppContext,
  accountId: string,
  admissionId: string,
): Promise<string | undefined> {
  const [b] = await ctx.db
    .select({ patientId: inpatientBindings.patientId })
    .from(inpatientBindings)
    .where(and(eq(inpatientBindings.accountId, accountId), eq(inpatientBindings.admissionId, admissionId)));
  return b?.patientId;
}

function admissionView(a: AdmissionRow, patientName: string) {
  return {
    id: a.id,
    admissionNo: a.admissionNo,
    patientName,
    ward: a.ward,
    bed: a.bed,
    attendingDoctor: a.attendingDoctor,
    diagnoses: a.diagnoses,
    operations: a.operations,
    admittedAt: a.admittedAt.toISOString(),
    dischargedAt: a.dischargedAt?.toISOString() ?? null,
    state: a.state,
    settlementState: a.settlementState,
    depositsFen: a.depositsFen,
    chargesFen: a.chargesFen,
    totalCostFen: a.totalCostFen,
    balanceFen: balanceOf(a),
  };
}

/** INP-07: current and past admissions of one of my patients. */
export async function listAdmissions(ctx: AppContext, accountId: string, patientId: string) {
  const patient = await getPatientForRecords(ctx, accountId, patientId);
  const rows = await ctx.db
    .select({ a: inpatientAdmissions })
    .from(inpatientBindings)
    .innerJoin(inpatientAdmissions, eq(inpatientAdmissions.id, inpatientBindings.admissionId))
    .where(and(eq(inpatientBindings.accountId, accountId), eq(inpatientBindings.patientId, patientId)))
    .orderBy(desc(inpatientAdmissions.admittedAt));
  const items = rows.map((r) => admissionView(r.a, patient.name));
  return {
    current: items.filter((i) => i.state === 'admitted'),
    past: items.filter((i) => i.state !== 'admitted'),
  };
}

export async function getAdmission(ctx: AppContext, accountId: string, admissionId: string) {
  const { adm, patient } = await ownAdmission(ctx, accountId, admissionId);
  return admissionView(adm, patient.name);
}

function depositView(d: DepositRow, refundedFen = 0) {
  return {
    id: d.id,
    amountFen: d.amountFen,
    state: d.state,
    paymentOrderId: d.paymentOrderId,
    paidAt: d.paidAt?.toISOString() ?? null,
    hisState: d.hisState,
    refundedFen,
    createdAt: d.createdAt.toISOString(),
  };
}

/** INP-03: a deposit top-up: a pending deposit and its payment order (same key, same order). */
export async function startDeposit(
  ctx: AppContext,
  accountId: string,
  admissionId: string,
  input: { amountFen: number; idempotencyKey: string },
) {
  const { adm, patient } = await ownAdmission(ctx, accountId, admissionId);
  const { INPATIENT_DEPOSIT_MIN_FEN: min, INPATIENT_DEPOSIT_MAX_FEN: max } = ctx.config;
  if (input.amountFen < min || input.amountFen > max)
    throw badRequest(
      'DEPOSIT_AMOUNT_OUT_OF_RANGE',
      `充值金额须在 ¥${formatYuan(min)} 至 ¥${formatYuan(max)} 之间`,
      `The amount must be between ¥${formatYuan(min)} and ¥${formatYuan(max)}`,
      { minFen: min, maxFen: max },
    );
  if (adm.state !== 'admitted')
    throw conflict('ADMISSION_DISCHARGED', '已出院，不能再充值预交金', 'The patient has been discharged');
  const now = ctx.clock.now();
  await ctx.db
    .insert(inpatientDeposits)
    .values({
      id: newId(),
      admissionId,
      accountId,
      patientId: patient.id,
      amountFen: input.amountFen,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  const [dep] = await ctx.db
    .select()
    .from(inpatientDeposits)
    .where(
      and(
        eq(inpatientDeposits.accountId, accountId),
        eq(inpatientDeposits.idempotencyKey, input.idempotencyKey),
      ),
    );
  if (dep.admissionId !== admissionId || dep.amountFen !== input.amountFen)
    throw conflict(
      'IDEMPOTENCY_KEY_REUSED',
      '该幂等键已用于另一笔充值',
      'This idempotency key was used for another deposit',
    );
  const order = await createPaymentOrder(ctx, {
    businessType: DEPOSIT_BUSINESS,
    businessId: dep.id,
    accountId,
    patientId: patient.id,
    amountFen: dep.amountFen,
    subject: `住院预交金 ${adm.admissionNo}`,
    expiresAt: new Date(dep.createdAt.getTime() + PAYMENT_MINUTES * 60_000),
    idempotencyKey: `deposit:${dep.id}`,
  });
  if (!dep.paymentOrderId)
    await ctx.db
      .update(inpatientDeposits)
      .set({ paymentOrderId: order.id, updatedAt: now })
      .where(and(eq(inpatientDeposits.id, dep.id), sql`${inpatientDeposits.paymentOrderId} IS NULL`));
  return { deposit: depositView({ ...dep, paymentOrderId: order.id }), paymentOrder: orderSummary(order) };
}

const orderSummary = (o: PaymentOrderView) => ({
  id: o.id,
  orderNo: o.orderNo,
  amountFen: o.amountFen,
  state: o.state,
  expiresAt: o.expiresAt.toISOString(),
});

/** onPaid of a deposit order: recorded once, the balance rises, the alert flag resets above the threshold. */
export async function depositPaid(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const now = ctx.clock.now();
  const threshold = ctx.config.INPATIENT_LOW_BALANCE_FEN;
  const done = await ctx.db.transaction(async (tx) => {
    const [dep] = await tx
      .update(inpatientDeposits)
      .set({ state: 'paid', paidAt: order.paidAt ?? now, paymentOrderId: order.id, updatedAt: now })
      .where(and(eq(inpatientDeposits.id, order.businessId), eq(inpatientDeposits.state, 'pending')))
      .returning();
    if (!dep) return undefined;
    const [adm] = await tx
      .update(inpatientAdmissions)
      .set({
        depositsFen: sql`${inpatientAdmissions.depositsFen} + ${dep.amountFen}`,
        lowBalanceAlerted: sql`CASE WHEN ${inpatientAdmissions.depositsFen} + ${dep.amountFen} - coalesce(${inpatientAdmissions.totalCostFen}, ${inpatientAdmissions.chargesFen}) >= ${threshold} THEN false ELSE ${inpatientAdmissions.lowBalanceAlerted} END`,
        updatedAt: now,
      })
      .where(
        and(
          eq(inpatientAdmissions.id, dep.admissionId),
          inArray(inpatientAdmissions.settlementState, ['none', 'open']),
        ),
      )
      .returning();
    // settled or refunded already: the payment cannot be kept (the platform refunds it in full)
    if (!adm)
      throw conflict(
        'ADMISSION_SETTLED',
        '该住院已结算，预交金将原路退回',
        'The admission is already settled',
      );
    await notify(
      ctx,
      {
        accountId: dep.accountId,
        template: 'inpatient.deposit-paid',
        data: {
          admissionId: adm.id,
          admissionNo: adm.admissionNo,
          amountYuan: formatYuan(dep.amountFen),
          balanceYuan: formatYuan(balanceOf(adm)),
        },
      },
      tx as unknown as Db,
    );
    return { dep, adm };
  });
  if (done) await writeDepositToHis(ctx, done.dep.id);
}

export async function depositClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  await ctx.db
    .update(inpatientDeposits)
    .set({ state: 'closed', updatedAt: ctx.clock.now() })
    .where(and(eq(inpatientDeposits.id, order.businessId), eq(inpatientDeposits.state, 'pending')));
}

/** Tells the HIS about a paid deposit; a failure stays 'pending' for the retry sweep. */
export async function writeDepositToHis(ctx: AppContext, depositId: string): Promise<void> {
  const [row] = await ctx.db
    .select({ d: inpatientDeposits, no: inpatientAdmissions.admissionNo })
    .from(inpatientDeposits)
    .innerJoin(inpatientAdmissions, eq(inpatientAdmissions.id, inpatientDeposits.admissionId))
    .where(and(eq(inpatientDeposits.id, depositId), eq(inpatientDeposits.state, 'paid')));
  if (!row || row.d.hisState === 'confirmed') return;
  let ok = false;
  try {
    await inpatientHisOf(ctx).recordDeposit({
      admissionNo: row.no,
      depositId,
      amountFen: row.d.amountFen,
      paidAt: row.d.paidAt!,
    });
    ok = true;
  } catch (err) {
    ctx.log.warn({ err, depositId }, 'HIS deposit write-back failed; will retry');
  }
  // Two writers (the payment and the retry sweep) may race: the HIS taking it is final; a failure
  // counts only while the deposit is still waiting, never over a confirmation.
  await ctx.db
    .update(inpatientDeposits)
    .set({
      hisState: ok
        ? 'confirmed'
        : sql`CASE WHEN ${inpatientDeposits.hisAttempts} + 1 >= 10 THEN 'failed' ELSE 'pending' END`,
      hisAttempts: sql`${inpatientDeposits.hisAttempts} + 1`,
      updatedAt: ctx.clock.now(),
    })
    .where(
      and(
        eq(inpatientDeposits.id, depositId),
        inArray(inpatientDeposits.hisState, ok ? ['pending', 'failed'] : ['pending']),
      ),
    );
}

/**
 * Finance asks for one more write-back of a deposit the HIS never took (the job gave up after 10
 * tries): the money stays with the stay, so the HIS must learn of it. Tried at once; a failure leaves
 * it to the retry job again.
 */
export async function retryDepositWriteBack(ctx: AppContext, depositId: string) {
  const [row] = await ctx.db
    .update(inpatientDeposits)
    .set({ hisState: 'pending', hisAttempts: 0, updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(inpatientDeposits.id, depositId),
        eq(inpatientDeposits.state, 'paid'),
        eq(inpatientDeposits.hisState, 'failed'),
      ),
    )
    .returning();
  if (!row) {
    const [cur] = await ctx.db.select().from(inpatientDeposits).where(eq(inpatientDeposits.id, depositId));
    if (!cur) throw new DomainError('DEPOSIT_NOT_FOUND', 404, '预交金记录不存在', 'Deposit not found');
    throw conflict(
      'DEPOSIT_WRITEBACK_NOT_FAILED',
      '只有回写 HIS 失败的预交金可以重试',
      'Only a deposit whose HIS write-back failed can be retried',
      { state: cur.state, hisState: cur.hisState },
    );
  }
  await writeDepositToHis(ctx, depositId);
  const [after] = await ctx.db.select().from(inpatientDeposits).where(eq(inpatientDeposits.id, depositId));
  return { id: after.id, state: after.state, hisState: after.hisState, hisAttempts: after.hisAttempts };
}

export async function retryHisDeposits(ctx: AppContext): Promise<void> {
  const due = await ctx.db
    .select({ id: inpatientDeposits.id })
    .from(inpatientDeposits)
    .where(and(eq(inpatientDeposits.state, 'paid'), eq(inpatientDeposits.hisState, 'pending')))
    .limit(200);
  for (const d of due) await writeDepositToHis(ctx, d.id);
}

/** Deposit history of an admission, newest first, with what the settlement refunded from each. */
export async function listDeposits(ctx: AppContext, accountId: string, admissionId: string) {
  await ownAdmission(ctx, accountId, admissionId);
  const rows = await ctx.db
    .select()
    .from(inpatientDeposits)
    .where(
      and(
        eq(inpatientDeposits.admissionId, admissionId),
        inArray(inpatientDeposits.state, ['paid', 'pending']),
      ),
    )
    .orderBy(desc(inpatientDeposits.createdAt), desc(inpatientDeposits.id));
  const refunds = await ctx.db
    .select()
    .from(inpatientSettlementRefunds)
    .where(eq(inpatientSettlementRefunds.admissionId, admissionId));
  const refunded = new Map(refunds.map((r) => [r.depositId, r.amountFen]));
  const items = rows.map((d) => depositView(d, refunded.get(d.id) ?? 0));
  return { items, paidFen: rows.filter((d) => d.state === 'paid').reduce((a, d) => a + d.amountFen, 0) };
}

/** INP-05: the items of one day with totals. */
export async function dailyList(ctx: AppContext, accountId: string, admissionId: string, date: string) {
  const { adm } = await ownAdmission(ctx, accountId, admissionId);
  return dailyListOf(ctx, adm, date);
}

async function dailyListOf(ctx: AppContext | { db: Db }, adm: AdmissionRow, date: string) {
  const rows = await ctx.db
    .select()
    .from(inpatientCharges)
    .where(and(eq(inpatientCharges.admissionId, adm.id), eq(inpatientCharges.chargeDate, date)))
    .orderBy(asc(inpatientCharges.category), asc(inpatientCharges.itemName), asc(inpatientCharges.hisLineId));
  const byCategory = new Map<string, number>();
  for (const r of rows)
    byCategory.set(r.category ?? '其他', (byCategory.get(r.category ?? '其他') ?? 0) + r.amountFen);
  return {
    admissionId: adm.id,
    date,
    items: rows.map((r) => ({
      lineId: r.hisLineId,
      itemCode: r.itemCode,
      itemName: r.itemName,
      category: r.category,
      quantity: Number(r.quantity),
      unit: r.unit,
      amountFen: r.amountFen,
    })),
    categories: [...byCategory].map(([category, amountFen]) => ({ category, amountFen })),
    totalFen: rows.reduce((a, r) => a + r.amountFen, 0),
    chargesToDateFen: adm.chargesFen,
    balanceFen: balanceOf(adm),
  };
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

async function boundAccounts(db: Db, admissionId: string): Promise<string[]> {
  const rows = await db
    .select({ accountId: inpatientBindings.accountId })
    .from(inpatientBindings)
    .where(eq(inpatientBindings.admissionId, admissionId));
  return rows.map((r) => r.accountId);
}

/**
 * INP-04: one alert per crossing below the threshold. The flag is set by compare-and-set together
 * with the messages; a deposit lifting the balance back resets it (and so does this sweep).
 */
export async function checkLowBalances(ctx: AppContext): Promise<{ alerted: number }> {
  const threshold = ctx.config.INPATIENT_LOW_BALANCE_FEN;
  const now = ctx.clock.now();
  const balance = sql`${inpatientAdmissions.depositsFen} - ${inpatientAdmissions.chargesFen}`;
  await ctx.db
    .update(inpatientAdmissions)
    .set({ lowBalanceAlerted: false, updatedAt: now })
    .where(and(eq(inpatientAdmissions.lowBalanceAlerted, true), sql`${balance} >= ${threshold}`));
  const due = await ctx.db
    .select({ id: inpatientAdmissions.id })
    .from(inpatientAdmissions)
    .where(
      and(
        eq(inpatientAdmissions.state, 'admitted'),
        eq(inpatientAdmissions.lowBalanceAlerted, false),
        sql`${balance} < ${threshold}`,
        sql`EXISTS (SELECT 1 FROM inpatient_bindings b WHERE b.admission_id = ${inpatientAdmissions.id})`,
      ),
    );
  let alerted = 0;
  for (const { id } of due) {
    const sent = await ctx.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const [adm] = await tx
        .update(inpatientAdmissions)
        .set({ lowBalanceAlerted: true, updatedAt: now })
        .where(
          and(
            eq(inpatientAdmissions.id, id),
            eq(inpatientAdmissions.lowBalanceAlerted, false),
            eq(inpatientAdmissions.state, 'admitted'),
            sql`${balance} < ${threshold}`,
          ),
        )
        .returning();
      if (!adm) return false;
      for (const accountId of await boundAccounts(db, id)) {
        await notify(
          ctx,
          {
            accountId,
            template: 'inpatient.low-balance',
            data: {
              admissionId: id,
              admissionNo: adm.admissionNo,
              balanceYuan: formatYuan(balanceOf(adm)),
              thresholdYuan: formatYuan(threshold),
            },
          },
          db,
        );
      }
      return true;
    });
    if (sent) alerted++;
  }
  return { alerted };
}

/**
 * INP-06: each morning, the previous day's list to every account bound to an admission that was in
 * hospital that day. One row per admission and date is claimed first, so a rerun sends nothing twice.
 */
export async function sendDailyLists(ctx: AppContext, date?: string): Promise<{ sent: number }> {
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const listDate = date ?? dayjs(ctx.clock.today()).subtract(1, 'day').format('YYYY-MM-DD');
  const dayEnd = dayjs.tz(listDate, tz).add(1, 'day').toDate();
  const dayStart = dayjs.tz(listDate, tz).toDate();
  const candidates = await ctx.db
    .select()
    .from(inpatientAdmissions)
    .where(
      and(
        sql`${inpatientAdmissions.admittedAt} < ${dayEnd}`,
        sql`(${inpatientAdmissions.dischargedAt} IS NULL OR ${inpatientAdmissions.dischargedAt} >= ${dayStart})`,
        sql`EXISTS (SELECT 1 FROM inpatient_bindings b WHERE b.admission_id = ${inpatientAdmissions.id})`,
      ),
    );
  let sent = 0;
  for (const adm of candidates) {
    const ok = await ctx.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const list = await dailyListOf({ db }, adm, listDate);
      const [claimed] = await tx
        .insert(inpatientDailyListSends)
        .values({ admissionId: adm.id, listDate, totalFen: list.totalFen, sentAt: ctx.clock.now() })
        .onConflictDoNothing()
        .returning();
      if (!claimed) return false;
      for (const accountId of await boundAccounts(db, adm.id)) {
        await notify(
          ctx,
          {
            accountId,
            template: 'inpatient.daily-list',
            data: {
              admissionId: adm.id,
              admissionNo: adm.admissionNo,
              date: listDate,
              totalYuan: formatYuan(list.totalFen),
              items: list.items.length,
              balanceYuan: formatYuan(balanceOf(adm)),
            },
          },
          db,
        );
      }
      return true;
    });
    if (ok) sent++;
  }
  return { sent };
}

// ---------------------------------------------------------------------------------------------
// Discharge settlement (INP-08)
// ---------------------------------------------------------------------------------------------

async function settlementOf(ctx: AppContext, adm: AdmissionRow) {
  const total = adm.totalCostFen ?? adm.chargesFen;
  const refunds = await ctx.db
    .select()
    .from(inpatientSettlementRefunds)
    .where(eq(inpatientSettlementRefunds.admissionId, adm.id))
    .orderBy(asc(inpatientSettlementRefunds.createdAt), asc(inpatientSettlementRefunds.id));
  const differenceFen = adm.depositsFen - total;
  return {
    admissionId: adm.id,
    state: adm.state,
    settlementState: adm.settlementState,
    depositsFen: adm.depositsFen,
    chargesFen: total,
    differenceFen,
    /** to pay when charges exceed deposits */
    dueFen: adm.settlementState === 'open' && differenceFen < 0 ? -differenceFen : 0,
    /** to refund when deposits exceed charges */
    refundableFen: adm.settlementState === 'open' && differenceFen > 0 ? differenceFen : 0,
    refunds: refunds.map((r) => ({
      depositId: r.depositId,
      paymentOrderId: r.paymentOrderId,
      amountFen: r.amountFen,
      refundId: r.refundId,
      state: r.state,
    })),
  };
}

export async function getSettlement(ctx: AppContext, accountId: string, admissionId: string) {
  const { adm } = await ownAdmission(ctx, accountId, admissionId);
  if (adm.state !== 'discharged')
    throw conflict('ADMISSION_NOT_DISCHARGED', '尚未出院，不能结算', 'The patient has not been discharged');
  return settlementOf(ctx, adm);
}

/** Shortfall: a payment order for the remainder (the same account asking again gets the same order). */
export async function paySettlement(ctx: AppContext, accountId: string, admissionId: string) {
  const { adm, patient } = await ownAdmission(ctx, accountId, admissionId);
  const s = await getSettlement(ctx, accountId, admissionId);
  if (s.dueFen <= 0)
    throw conflict('SETTLEMENT_NOTHING_DUE', '无需补缴费用', 'Nothing is due for this admission');
  const order = await createPaymentOrder(ctx, {
    businessType: SETTLEMENT_BUSINESS,
    businessId: adm.id,
    accountId,
    patientId: patient.id,
    amountFen: s.dueFen,
    subject: `出院结算补缴 ${adm.admissionNo}`,
    expiresAt: new Date(ctx.clock.now().getTime() + PAYMENT_MINUTES * 60_000),
    idempotencyKey: `inpatient-settlement:${adm.id}:${accountId}:${s.dueFen}:${adm.depositsFen}${generationSuffix(adm)}`,
  });
  return { settlement: s, paymentOrder: orderSummary(order) };
}

/** onPaid of the remainder: settles once; a second payment (another family account) is refunded. */
export async function settlementPaid(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const [adm] = await ctx.db
    .update(inpatientAdmissions)
    .set({ settlementState: 'settled', settlementPaidFen: order.amountFen, updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(inpatientAdmissions.id, order.businessId),
        eq(inpatientAdmissions.settlementState, 'open'),
        sql`coalesce(${inpatientAdmissions.totalCostFen}, 0) - ${inpatientAdmissions.depositsFen} = ${order.amountFen}`,
      ),
    )
    .returning();
  if (!adm)
    throw conflict(
      'SETTLEMENT_ALREADY_DONE',
      '该住院已结算，本次付款将原路退回',
      'Already settled; refunding',
    );
  await inpatientHisOf(ctx)
    .recordSettlement({ admissionNo: adm.admissionNo, kind: 'paid', amountFen: order.amountFen })
    .catch((err) => ctx.log.warn({ err, admissionId: adm.id }, 'HIS settlement write-back failed'));
}

/**
 * Surplus: refunded once to the original channels, split over the paid deposits newest first, never
 * more than each order still holds. The plan is written with the state change; each refund has a
 * stable key, so asking again only re-drives the same refunds.
 */
export async function refundSurplus(ctx: AppContext, accountId: string, admissionId: string) {
  const { adm } = await ownAdmission(ctx, accountId, admissionId);
  if (adm.state !== 'discharged')
    throw conflict('ADMISSION_NOT_DISCHARGED', '尚未出院，不能结算', 'The patient has not been discharged');
  if (adm.settlementState === 'open') {
    const surplus = balanceOf(adm);
    if (surplus <= 0)
      throw conflict(
        'SETTLEMENT_NOTHING_TO_REFUND',
        '没有可退的预交金余额',
        'There is no surplus deposit to refund',
      );
    const now = ctx.clock.now();
    const deposits = await ctx.db
      .select()
      .from(inpatientDeposits)
      .where(and(eq(inpatientDeposits.admissionId, adm.id), eq(inpatientDeposits.state, 'paid')))
      .orderBy(desc(inpatientDeposits.paidAt), desc(inpatientDeposits.createdAt), desc(inpatientDeposits.id));
    const plan: { dep: DepositRow; amountFen: number }[] = [];
    let left = surplus;
    for (const dep of deposits) {
      if (left <= 0) break;
      const order = await getPaymentOrder(ctx, dep.paymentOrderId!);
      const refundable = Math.min(dep.amountFen, order ? order.amountFen - order.refundedFen : 0);
      const amountFen = Math.min(left, refundable);
      if (amountFen > 0) {
        plan.push({ dep, amountFen });
        left -= amountFen;
      }
    }
    if (left > 0)
      throw conflict(
        'SETTLEMENT_REFUND_NOT_ONLINE',
        '部分预交金无法原路退回，请到出院结算窗口办理',
        'Part of the deposit cannot be refunded online; please go to the discharge counter',
      );
    await ctx.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(inpatientAdmissions)
        .set({ settlementState: 'refunding', surplusRefundedFen: surplus, updatedAt: now })
        .where(and(eq(inpatientAdmissions.id, adm.id), eq(inpatientAdmissions.settlementState, 'open')))
        .returning();
      if (!claimed) return;
      await tx.insert(inpatientSettlementRefunds).values(
        plan.map((p) => ({
          id: newId(),
          admissionId: adm.id,
          depositId: p.dep.id,
          paymentOrderId: p.dep.paymentOrderId!,
          amountFen: p.amountFen,
          refundKey: `inpatient-surplus:${adm.id}:${p.dep.id}${generationSuffix(adm)}`,
          createdAt: now,
        })),
      );
    });
  } else if (adm.settlementState !== 'refunding' && adm.settlementState !== 'refunded') {
    throw conflict(
      'SETTLEMENT_NOTHING_TO_REFUND',
      '没有可退的预交金余额',
      'There is no surplus deposit to refund',
    );
  }
  await driveSurplusRefunds(ctx, adm.id);
  const [latest] = await ctx.db.select().from(inpatientAdmissions).where(eq(inpatientAdmissions.id, adm.id));
  return settlementOf(ctx, latest);
}

async function driveSurplusRefunds(ctx: AppContext, admissionId: string): Promise<void> {
  const planned = await ctx.db
    .select()
    .from(inpatientSettlementRefunds)
    .where(eq(inpatientSettlementRefunds.admissionId, admissionId));
  let allRequested = true;
  for (const p of planned) {
    let refund: RefundView;
    try {
      refund = await requestRefund(ctx, {
        orderId: p.paymentOrderId,
        amountFen: p.amountFen,
        reason: '出院结算，退还预交金余额 / discharge surplus deposit',
        refundKey: p.refundKey,
        requestedBy: 'patient',
      });
    } catch (err) {
      allRequested = false;
      ctx.log.warn({ err, admissionId, depositId: p.depositId }, 'surplus refund request failed');
      continue;
    }
    // a refund that finished meanwhile keeps its final state (the copy only moves forward)
    await ctx.db
      .update(inpatientSettlementRefunds)
      .set({ refundId: refund.id, state: refund.state })
      .where(
        and(
          eq(inpatientSettlementRefunds.id, p.id),
          inArray(inpatientSettlementRefunds.state, REFUND_STATES_NOT_AFTER[refund.state]),
        ),
      );
  }
  if (!allRequested) return;
  const [adm] = await ctx.db
    .update(inpatientAdmissions)
    .set({ settlementState: 'refunded', updatedAt: ctx.clock.now() })
    .where(and(eq(inpatientAdmissions.id, admissionId), eq(inpatientAdmissions.settlementState, 'refunding')))
    .returning();
  if (adm)
    await inpatientHisOf(ctx)
      .recordSettlement({ admissionNo: adm.admissionNo, kind: 'refunded', amountFen: balanceOf(adm) })
      .catch((err) => ctx.log.warn({ err, admissionId }, 'HIS settlement write-back failed'));
}

/** Keys of a later settlement of the same stay differ from those of a reversed one. */
const generationSuffix = (a: AdmissionRow) => (a.settlementGeneration ? `:s${a.settlementGeneration}` : '');

/**
 * INP-08: the HIS reverses a discharge (撤销出院结算, e.g. to recall the patient for a missed charge):
 * the stay is open again and its next discharge starts a new settlement. What was paid at the
 * reversed settlement stays with the stay as prepayment and a surplus already refunded leaves it, so
 * no fen is lost or counted twice; the reversed settlement's e-invoice is red-lettered by invoicing.
 * A repeated push (same HIS reversal number) changes nothing; a surplus refund still being requested
 * must finish first.
 */
export async function reverseDischargeSettlement(
  ctx: AppContext,
  admissionNo: string,
  input: { reversalNo: string; reason: string },
) {
  const now = ctx.clock.now();
  const [adm] = await ctx.db
    .select()
    .from(inpatientAdmissions)
    .where(eq(inpatientAdmissions.admissionNo, admissionNo));
  if (!adm) throw admissionNotFound();
  if (adm.settlementReversalNo === input.reversalNo) return reversalView(adm, true);
  if (adm.state === 'admitted') {
    throw conflict(
      'ADMISSION_NOT_DISCHARGED',
      '尚未出院，无可撤销的出院结算',
      'The patient has not been discharged',
    );
  }
  if (adm.settlementState === 'refunding')
    throw conflict(
      'SETTLEMENT_REFUND_IN_PROGRESS',
      '预交金余额正在退还，完成后才能撤销出院结算',
      'The surplus refund is still being requested; reverse the settlement after it completes',
    );
  const row = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(inpatientAdmissions)
      .set({
        state: 'admitted',
        dischargedAt: null,
        totalCostFen: null,
        settlementState: 'none',
        depositsFen: sql`${inpatientAdmissions.depositsFen} + ${inpatientAdmissions.settlementPaidFen} - ${inpatientAdmissions.surplusRefundedFen}`,
        settlementPaidFen: 0,
        surplusRefundedFen: 0,
        settlementGeneration: sql`${inpatientAdmissions.settlementGeneration} + 1`,
        settlementReversedAt: now,
        settlementReversalReason: input.reason,
        settlementReversalNo: input.reversalNo,
        lowBalanceAlerted: false,
        updatedAt: now,
      })
      .where(
        and(
          eq(inpatientAdmissions.id, adm.id),
          eq(inpatientAdmissions.state, 'discharged'),
          eq(inpatientAdmissions.settlementState, adm.settlementState),
        ),
      )
      .returning();
    if (!row) return undefined;
    for (const accountId of await boundAccounts(tx as unknown as Db, row.id))
      await notify(
        ctx,
        {
          accountId,
          template: 'inpatient.settlement-reversed',
          data: {
            admissionId: row.id,
            admissionNo: row.admissionNo,
            reason: input.reason,
            balanceYuan: formatYuan(balanceOf(row)),
          },
        },
        tx as unknown as Db,
      );
    return row;
  });
  if (row) return reversalView(row, false);
  // another push moved the settlement meanwhile: the same reversal (sent twice at once) is a repeat
  const [latest] = await ctx.db.select().from(inpatientAdmissions).where(eq(inpatientAdmissions.id, adm.id));
  if (latest.settlementReversalNo === input.reversalNo) return reversalView(latest, true);
  throw conflict(
    'SETTLEMENT_CHANGED',
    '出院结算状态刚刚发生变化，请重试',
    'The discharge settlement changed meanwhile; please retry',
  );
}

function reversalView(a: AdmissionRow, repeated: boolean) {
  return {
    admissionId: a.id,
    state: a.state,
    settlementState: a.settlementState,
    settlementGeneration: a.settlementGeneration,
    depositsFen: a.depositsFen,
    chargesFen: a.chargesFen,
    balanceFen: balanceOf(a),
    repeated,
  };
}

/** onRefundFinished of a deposit order: the settlement refund's final state. */
export async function depositRefundFinished(ctx: AppContext, refund: RefundView): Promise<void> {
  // a late or repeated report never moves the copy back (a duplicate is a no-op)
  await ctx.db
    .update(inpatientSettlementRefunds)
    .set({ state: refund.state })
    .where(
      and(
        eq(inpatientSettlementRefunds.refundId, refund.id),
        inArray(inpatientSettlementRefunds.state, REFUND_STATES_NOT_AFTER[refund.state]),
      ),
    );
}

/** A refund moves requested → processing → succeeded | failed; a copy of it may take only these steps. */
const REFUND_STATES_NOT_AFTER: Record<RefundView['state'], RefundView['state'][]> = {
  requested: ['requested'],
  processing: ['requested', 'processing'],
  succeeded: ['requested', 'processing', 'succeeded'],
  failed: ['requested', 'processing', 'failed'],
};
