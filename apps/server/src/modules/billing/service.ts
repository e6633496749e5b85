import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type AnyColumn } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { DomainError, badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { hospitalDay } from '../../platform/clock.js';
import { HisError } from '../../integrations/his/index.js';
import type { Channel } from '../gateway/index.js';
import {
  blindIndexOf,
  getPatientById,
  getPatientForRecords,
  type PatientRecord,
  findPatientsByVisitCard,
} from '../identity/index.js';
import { belongsTo, ownerOfRecord, personFilter as personRows } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { announceNewBills } from './fee-messages.js';
import type { PaymentOrderView, RefundView } from '../payments/index.js';
import {
  PaymentSettled,
  createPaymentOrder,
  getPaymentOrder,
  openAbnormal,
  requestRefund,
} from '../payments/index.js';
import { orderSummaries } from '../payments/index.js';
import {
  billItems,
  billPayments,
  bills,
  billWritebacks,
  hisVisits,
  type BillKind,
  type ExecutionStatus,
} from './schema.js';

export const BUSINESS_TYPE = 'bill';
export const WRITEBACK_SWEEP_JOB = 'billing.writeback-sweep';

type BillRow = typeof bills.$inferSelect;
type PaymentRow = typeof billPayments.$inferSelect;

const billNotFound = () => new DomainError('BILL_NOT_FOUND', 404, '缴费单不存在', 'Bill not found');
const paymentNotFound = () =>
  new DomainError('BILL_PAYMENT_NOT_FOUND', 404, '缴费记录不存在', 'Bill payment not found');

// ---------------------------------------------------------------------------------------------
// Inbound: what the HIS pushes (signed integration API)
// ---------------------------------------------------------------------------------------------

export interface VisitPush {
  visitNo: string;
  visitDate: string;
  departmentName?: string;
  doctorName?: string;
  patient: { name: string; idNumber?: string; visitCardNo?: string };
}

/** The person behind an HIS patient reference: the ID number's blind index (directly or through the visit card). */
async function personOf(ctx: AppContext, p: VisitPush['patient']) {
  const card = p.visitCardNo?.trim().toUpperCase() || null;
  if (p.idNumber) return { patientIdx: blindIndexOf(ctx, p.idNumber.trim().toUpperCase()), card };
  if (!card)
    throw badRequest(
      'PATIENT_IDENTIFIER_REQUIRED',
      '请提供就诊卡号或证件号',
      'A visit card number or an ID number is required',
    );
  const [holder] = await findPatientsByVisitCard(ctx, card);
  return { patientIdx: holder ? blindIndexOf(ctx, holder.idNumber) : null, card };
}

/** HIS opens (or updates) a visit; idempotent by the HIS's visit number. */
export async function pushVisit(ctx: AppContext, channel: Channel, input: VisitPush) {
  const person = await personOf(ctx, input.patient);
  const now = ctx.clock.now();
  const values = {
    patientIdx: person.patientIdx,
    visitCardNo: person.card,
    patientName: input.patient.name,
    departmentName: input.departmentName ?? null,
    doctorName: input.doctorName ?? null,
    visitDate: input.visitDate,
    updatedAt: now,
  };
  const [row] = await ctx.db
    .insert(hisVisits)
    .values({ id: newId(), channelId: channel.id, visitNo: input.visitNo, createdAt: now, ...values })
    .onConflictDoUpdate({ target: [hisVisits.channelId, hisVisits.visitNo], set: values })
    .returning();
  // Bills follow their visit's patient while they are unpaid.
  await ctx.db
    .update(bills)
    .set({ patientIdx: person.patientIdx, visitCardNo: person.card, updatedAt: now })
    .where(and(eq(bills.visitId, row.id), eq(bills.state, 'pending')));
  return { visitId: row.id, visitNo: row.visitNo, patientMatched: person.patientIdx !== null };
}

export interface BillPush {
  billNo: string;
  kind: BillKind;
  title: string;
  execDepartment: string;
  execLocation: string;
  scanCode?: string;
  billedAt?: string;
  items: {
    code: string;
    name: string;
    spec?: string;
    unit?: string;
    quantity: number;
    unitPriceFen: number;
    amountFen: number;
  }[];
}

export type BillPushOutcome = 'created' | 'updated' | 'unchanged_paid' | 'locked_in_payment';

/**
 * HIS pushes the bills of a visit. Idempotent by bill number: a re-push updates an unpaid bill,
 * never one that is paid (or being paid).
 */
export async function pushBills(ctx: AppContext, channel: Channel, visitNo: string, input: BillPush[]) {
  const [visit] = await ctx.db
    .select()
    .from(hisVisits)
    .where(and(eq(hisVisits.channelId, channel.id), eq(hisVisits.visitNo, visitNo)));
  if (!visit) throw new DomainError('VISIT_NOT_FOUND', 404, '就诊记录不存在', 'Visit not found');
  const seen = new Set<string>();
  for (const b of input) {
    if (seen.has(b.billNo))
      throw badRequest('BILL_NO_DUPLICATE', '同一批次中单据号重复', `Bill ${b.billNo} appears twice`);
    seen.add(b.billNo);
    for (const i of b.items)
      if (i.quantity * i.unitPriceFen !== i.amountFen)
        throw badRequest(
          'BILL_ITEM_AMOUNT_MISMATCH',
          '明细金额与数量、单价不符',
          `Item ${i.code} of bill ${b.billNo}: amount is not quantity × unit price`,
          { billNo: b.billNo, code: i.code },
        );
    if (b.items.reduce((s, i) => s + i.amountFen, 0) <= 0)
      throw badRequest('BILL_AMOUNT_INVALID', '单据金额必须大于零', `Bill ${b.billNo} totals zero`);
  }
  const results: { billNo: string; billId: string; outcome: BillPushOutcome; state: string }[] = [];
  for (const b of input) results.push(await upsertBill(ctx, channel, visit, b));
  // MSG-04: a new fee to pay, once per bill; a failure here never fails the push (the reminder follows)
  await announceNewBills(
    ctx,
    results.filter((r) => r.outcome === 'created' || r.outcome === 'updated').map((r) => r.billId),
  ).catch((err) => ctx.log.error({ err, visitNo }, 'new-fee messages failed'));
  return { visitNo, bills: results };
}

async function upsertBill(
  ctx: AppContext,
  channel: Channel,
  visit: typeof hisVisits.$inferSelect,
  b: BillPush,
) {
  const now = ctx.clock.now();
  const amountFen = b.items.reduce((s, i) => s + i.amountFen, 0);
  const fields = {
    visitId: visit.id,
    patientIdx: visit.patientIdx,
    visitCardNo: visit.visitCardNo,
    kind: b.kind,
    title: b.title,
    amountFen,
    execDepartment: b.execDepartment,
    execLocation: b.execLocation,
    scanCode: b.scanCode ?? `QNB:${channel.code}:${b.billNo}`,
    billedAt: b.billedAt ? new Date(b.billedAt) : now,
    updatedAt: now,
  };
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(bills)
      .where(and(eq(bills.channelId, channel.id), eq(bills.billNo, b.billNo)))
      .for('update');
    let billId: string;
    let outcome: BillPushOutcome;
    if (!existing) {
      billId = newId();
      outcome = 'created';
      await tx.insert(bills).values({
        id: billId,
        channelId: channel.id,
        billNo: b.billNo,
        state: 'pending',
        createdAt: now,
        ...fields,
      });
    } else {
      billId = existing.id;
      if (existing.state !== 'pending')
        return { billNo: b.billNo, billId, outcome: 'unchanged_paid' as const, state: existing.state };
      if (existing.paymentId && (await livePayment(tx, existing.paymentId, now)))
        return { billNo: b.billNo, billId, outcome: 'locked_in_payment' as const, state: existing.state };
      outcome = 'updated';
      await tx
        .update(bills)
        .set(fields)
        .where(and(eq(bills.id, billId), eq(bills.state, 'pending')));
      await tx.delete(billItems).where(eq(billItems.billId, billId));
    }
    await tx.insert(billItems).values(
      b.items.map((i, seq) => ({
        id: newId(),
        billId,
        seq,
        code: i.code,
        name: i.name,
        spec: i.spec ?? null,
        unit: i.unit ?? null,
        quantity: i.quantity,
        unitPriceFen: i.unitPriceFen,
        amountFen: i.amountFen,
      })),
    );
    return { billNo: b.billNo, billId, outcome, state: 'pending' };
  });
}

/** HIS reports a bill executed (drug dispensed, exam or lab performed): from then on it is refunded only at the counter. */
export async function pushExecution(
  ctx: AppContext,
  channel: Channel,
  input: { billNo: string; status: Exclude<ExecutionStatus, 'none'>; executedAt?: string },
) {
  const [b] = await ctx.db
    .select()
    .from(bills)
    .where(and(eq(bills.channelId, channel.id), eq(bills.billNo, input.billNo)));
  if (!b) throw billNotFound();
  if (b.state === 'refunded')
    throw conflict('BILL_REFUNDED', '该单据已退费，不能执行', 'The bill was refunded and cannot be executed');
  if (b.state === 'pending')
    throw conflict('BILL_NOT_PAID', '该单据尚未缴费，不能执行', 'The bill is not paid');
  const at = input.executedAt ? new Date(input.executedAt) : ctx.clock.now();
  const [u] = await ctx.db
    .update(bills)
    .set({ executionStatus: input.status, executedAt: at, updatedAt: ctx.clock.now() })
    .where(and(eq(bills.id, b.id), inArray(bills.state, ['paid', 'confirmed'])))
    .returning();
  if (!u)
    throw conflict('BILL_REFUNDED', '该单据已退费，不能执行', 'The bill was refunded and cannot be executed');
  return { billNo: u.billNo, state: u.state, executionStatus: u.executionStatus };
}

/** HIS reports that a paper invoice was printed for a bill (it then blocks online refunds). */
export async function pushInvoiced(ctx: AppContext, channel: Channel, billNo: string) {
  const [u] = await ctx.db
    .update(bills)
    .set({ invoiced: true, updatedAt: ctx.clock.now() })
    .where(and(eq(bills.channelId, channel.id), eq(bills.billNo, billNo)))
    .returning();
  if (!u) throw billNotFound();
  return { billNo: u.billNo, invoiced: true };
}

async function livePayment(db: DbOrTx, paymentId: string, now: Date) {
  const [p] = await db.select().from(billPayments).where(eq(billPayments.id, paymentId));
  return !!p && p.state === 'open' && p.expiresAt > now ? p : undefined;
}

// ---------------------------------------------------------------------------------------------
// Patient side
// ---------------------------------------------------------------------------------------------

/** The rows of one person in a table of HIS records (bills unless named): identity's person filter. */
export function personFilter(
  ctx: AppContext,
  p: PatientRecord,
  cols: { patientIdx: AnyColumn; visitCardNo: AnyColumn } = bills,
) {
  return personRows(ctx, p, cols);
}

const ownerOfBill = (ctx: AppContext, accountId: string, b: BillRow) =>
  ownerOfRecord(ctx, accountId, b, billNotFound);

export type BillFilter = 'pending' | 'paid' | 'refunded' | 'all';

export async function listBills(ctx: AppContext, accountId: string, patientId: string, filter: BillFilter) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  if (!p.verified) return [];
  const states =
    filter === 'pending'
      ? ['pending' as const]
      : filter === 'paid'
        ? ['paid' as const, 'confirmed' as const]
        : filter === 'refunded'
          ? ['refunded' as const]
          : undefined;
  const rows = await ctx.db
    .select()
    .from(bills)
    .where(and(personFilter(ctx, p), states ? inArray(bills.state, states) : undefined))
    .orderBy(desc(bills.billedAt), asc(bills.billNo));
  return billViews(ctx, rows);
}

export async function getBill(ctx: AppContext, accountId: string, billId: string) {
  const [b] = await ctx.db.select().from(bills).where(eq(bills.id, billId));
  if (!b) throw billNotFound();
  const p = await ownerOfBill(ctx, accountId, b);
  return { ...(await billViews(ctx, [b]))[0], patientId: p.id };
}

/** PAY-05: the payload of a prescription's QR code opens its bill. */
export async function scanBill(ctx: AppContext, accountId: string, code: string) {
  const [b] = await ctx.db.select().from(bills).where(eq(bills.scanCode, code.trim()));
  if (!b) throw billNotFound();
  const p = await ownerOfBill(ctx, accountId, b);
  return { ...(await billViews(ctx, [b]))[0], patientId: p.id };
}

async function billViews(ctx: AppContext, rows: BillRow[]) {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const items = await ctx.db
    .select()
    .from(billItems)
    .where(inArray(billItems.billId, ids))
    .orderBy(asc(billItems.seq));
  const visitIds = [...new Set(rows.map((r) => r.visitId))];
  const visits = await ctx.db.select().from(hisVisits).where(inArray(hisVisits.id, visitIds));
  const paymentIds = [...new Set(rows.map((r) => r.paymentId).filter((x): x is string => !!x))];
  const pays = paymentIds.length
    ? await ctx.db.select().from(billPayments).where(inArray(billPayments.id, paymentIds))
    : [];
  const now = ctx.clock.now();
  return rows.map((b) => {
    const v = visits.find((x) => x.id === b.visitId);
    const pay = pays.find((x) => x.id === b.paymentId);
    const inPayment = !!pay && pay.state === 'open' && pay.expiresAt > now;
    return {
      id: b.id,
      billNo: b.billNo,
      visitNo: v?.visitNo ?? null,
      departmentName: v?.departmentName ?? null,
      doctorName: v?.doctorName ?? null,
      visitDate: v?.visitDate ?? null,
      kind: b.kind,
      title: b.title,
      amountFen: b.amountFen,
      state: b.state,
      inPayment: b.state === 'pending' && inPayment,
      paymentId: b.state === 'pending' && !inPayment ? null : b.paymentId,
      execDepartment: b.execDepartment,
      execLocation: b.execLocation,
      executionStatus: b.executionStatus,
      executedAt: b.executedAt?.toISOString() ?? null,
      invoiced: b.invoiced,
      hisReceiptNo: b.hisReceiptNo,
      scanCode: b.scanCode,
      billedAt: b.billedAt.toISOString(),
      paidAt: b.paidAt?.toISOString() ?? null,
      refundedAt: b.refundedAt?.toISOString() ?? null,
      items: items
        .filter((i) => i.billId === b.id)
        .map((i) => ({
          code: i.code,
          name: i.name,
          spec: i.spec,
          unit: i.unit,
          quantity: i.quantity,
          unitPriceFen: i.unitPriceFen,
          amountFen: i.amountFen,
        })),
    };
  });
}

/**
 * PAY-03/04: one payment order for several pending bills of one of my patients. A bill already in
 * a live (unexpired, open) payment is refused; the same idempotency key returns the same payment.
 */
export async function createBillPayment(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; billIds: string[]; idempotencyKey: string },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  const billIds = [...new Set(input.billIds)].sort();
  const [prior] = await ctx.db
    .select()
    .from(billPayments)
    .where(and(eq(billPayments.accountId, accountId), eq(billPayments.idempotencyKey, input.idempotencyKey)));
  if (prior) {
    if (prior.settlementNo || prior.patientId !== p.id || [...prior.billIds].sort().join() !== billIds.join())
      throw conflict(
        'IDEMPOTENCY_KEY_REUSED',
        '该幂等键已用于另一笔缴费',
        'This idempotency key was used for a different payment',
      );
    return paymentStarted(ctx, await ensureOrder(ctx, prior));
  }
  const rows = await ctx.db.select().from(bills).where(inArray(bills.id, billIds));
  if (rows.length !== billIds.length || rows.some((b) => !belongsTo(ctx, b, p))) throw billNotFound();
  const notPending = rows.filter((b) => b.state !== 'pending');
  if (notPending.length)
    throw conflict('BILL_NOT_PENDING', '所选单据已缴费或已退费', 'Some bills are not pending', {
      billIds: notPending.map((b) => b.id),
    });
  const now = ctx.clock.now();
  const payment: PaymentRow = {
    id: newId(),
    accountId,
    patientId: p.id,
    orderId: null,
    billIds,
    amountFen: rows.reduce((s, b) => s + b.amountFen, 0),
    state: 'open',
    idempotencyKey: input.idempotencyKey,
    settlementNo: null,
    expiresAt: new Date(now.getTime() + ctx.config.BILL_PAYMENT_MINUTES * 60_000),
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const claimed = await claimBills(ctx, payment);
  if (claimed === 'raced') return createBillPayment(ctx, accountId, input);
  if (claimed === 'busy')
    throw conflict(
      'BILL_IN_PAYMENT',
      '所选单据正在另一笔支付中，请完成或等待该支付结束',
      'A selected bill is already in a payment that is still open',
    );
  return paymentStarted(ctx, await ensureOrder(ctx, payment));
}

/**
 * Inserts a bill payment and takes its bills in one transaction. A bill is free when it has no
 * payment, or its payment is closed, failed or expired; 'busy' when one of them is not.
 */
async function claimBills(ctx: AppContext, payment: PaymentRow): Promise<'ok' | 'raced' | 'busy'> {
  const now = ctx.clock.now();
  return ctx.db
    .transaction(async (tx) => {
      const inserted = await tx.insert(billPayments).values(payment).onConflictDoNothing().returning();
      if (!inserted.length) return 'raced' as const;
      // Lock the bills first (in id order, so overlapping claims cannot deadlock): a payment that
      // claimed one meanwhile has committed by then, and the next statement's fresh snapshot sees it.
      // Inside the UPDATE alone the NOT EXISTS below would read the statement's older snapshot and
      // let two payments take the same bill.
      await tx
        .select({ id: bills.id })
        .from(bills)
        .where(inArray(bills.id, payment.billIds))
        .orderBy(asc(bills.id))
        .for('update');
      const free = await tx
        .update(bills)
        .set({ paymentId: payment.id, updatedAt: now })
        .where(
          and(
            inArray(bills.id, payment.billIds),
            eq(bills.state, 'pending'),
            or(
              isNull(bills.paymentId),
              sql`NOT EXISTS (SELECT 1 FROM bill_payments bp WHERE bp.id = ${bills.paymentId}
                 AND bp.state = 'open' AND bp.expires_at > ${now})`,
            ),
          ),
        )
        .returning({ id: bills.id });
      if (free.length !== payment.billIds.length) {
        tx.rollback();
      }
      return 'ok' as const;
    })
    .catch((err) => {
      if (isRollback(err)) return 'busy' as const;
      throw err;
    });
}

function isRollback(err: unknown) {
  return (
    (err as Error)?.name === 'TransactionRollbackError' || /rollback/i.test((err as Error)?.message ?? '')
  );
}

async function ensureOrder(ctx: AppContext, payment: PaymentRow) {
  if (payment.orderId) return payment;
  const order = await createPaymentOrder(ctx, {
    businessType: BUSINESS_TYPE,
    businessId: payment.id,
    accountId: payment.accountId,
    patientId: payment.patientId,
    amountFen: payment.amountFen,
    subject: `门诊缴费 ${payment.billIds.length} 张单据`,
    expiresAt: payment.expiresAt,
    idempotencyKey: `bill-payment:${payment.id}`,
  });
  const [u] = await ctx.db
    .update(billPayments)
    .set({ orderId: order.id, updatedAt: ctx.clock.now() })
    .where(eq(billPayments.id, payment.id))
    .returning();
  return u;
}

async function paymentStarted(ctx: AppContext, payment: PaymentRow) {
  const order = (await getPaymentOrder(ctx, payment.orderId!))!;
  return {
    id: payment.id,
    patientId: payment.patientId,
    billIds: payment.billIds,
    amountFen: payment.amountFen,
    state: payment.state,
    expiresAt: payment.expiresAt.toISOString(),
    orderId: order.id,
    orderNo: order.orderNo,
    orderState: order.state,
  };
}

/** PAY-07: my bill payments, newest first. */
export async function listBillPayments(ctx: AppContext, accountId: string) {
  const rows = await ctx.db
    .select()
    .from(billPayments)
    .where(eq(billPayments.accountId, accountId))
    .orderBy(desc(billPayments.createdAt))
    .limit(200);
  const orders = await orderSummaries(
    ctx.db,
    rows.map((p) => p.orderId),
  );
  return rows.map((p) => ({
    id: p.id,
    patientId: p.patientId,
    amountFen: p.amountFen,
    billCount: p.billIds.length,
    state: p.state,
    orderId: p.orderId,
    orderNo: orders.get(p.orderId ?? '')?.orderNo ?? null,
    orderState: orders.get(p.orderId ?? '')?.state ?? null,
    createdAt: p.createdAt.toISOString(),
    paidAt: p.paidAt?.toISOString() ?? null,
  }));
}

async function ownPayment(ctx: AppContext, accountId: string, paymentId: string) {
  const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, paymentId));
  if (!p || p.accountId !== accountId) throw paymentNotFound();
  await getPatientForRecords(ctx, accountId, p.patientId).catch(() => {
    throw paymentNotFound();
  });
  return p;
}

/** The receipt (PAY-06) with where to go next for each bill (GUIDE-07). */
export async function getBillPayment(ctx: AppContext, accountId: string, paymentId: string) {
  const p = await ownPayment(ctx, accountId, paymentId);
  const order = p.orderId ? await getPaymentOrder(ctx, p.orderId) : undefined;
  const rows = await ctx.db.select().from(bills).where(inArray(bills.id, p.billIds));
  const views = await billViews(ctx, rows);
  const [wb] = await ctx.db.select().from(billWritebacks).where(eq(billWritebacks.paymentId, p.id));
  return {
    id: p.id,
    patientId: p.patientId,
    amountFen: p.amountFen,
    state: p.state,
    orderId: p.orderId,
    orderNo: order?.orderNo ?? null,
    orderState: order?.state ?? null,
    refundedFen: order?.refundedFen ?? 0,
    paidAt: p.paidAt?.toISOString() ?? null,
    writeBack: wb ? { state: wb.state, attempts: wb.attempts, hisReceiptNo: wb.hisReceiptNo } : null,
    bills: views.map((b) => {
      const own = b.paymentId === p.id;
      const done = own && b.state === 'confirmed';
      return {
        ...b,
        guidance: done
          ? {
              zh: `请到 ${b.execDepartment}（${b.execLocation}）${guidanceVerb(b.kind).zh}`,
              en: `Go to ${b.execDepartment} (${b.execLocation}) ${guidanceVerb(b.kind).en}`,
              department: b.execDepartment,
              location: b.execLocation,
            }
          : null,
      };
    }),
  };
}

function guidanceVerb(kind: BillKind) {
  switch (kind) {
    case 'prescription':
      return { zh: '取药', en: 'to collect the drugs' };
    case 'lab':
      return { zh: '采样检验', en: 'for the lab test' };
    case 'exam':
      return { zh: '做检查', en: 'for the examination' };
    case 'treatment':
      return { zh: '接受治疗', en: 'for the treatment' };
    default:
      return { zh: '办理', en: 'for the service' };
  }
}

// ---------------------------------------------------------------------------------------------
// After payment: bills paid, HIS write-back with retries, automatic refund after N failures
// ---------------------------------------------------------------------------------------------

/** Payment platform's onPaid: the bills become paid and a write-back task is queued (then tried once). */
export async function onBillPaid(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  await ctx.db.transaction((tx) =>
    markBillPaymentPaid(ctx, tx, order.businessId, {
      orderId: order.id,
      referenceNo: null,
      paidAt: order.paidAt,
    }),
  );
  await attemptWriteBack(ctx, order.businessId);
}

/**
 * Inside the caller's transaction: the bill payment and its bills become paid and a write-back is
 * queued. Throws (and so rolls the caller back) when the bills are no longer in this payment.
 */
export async function markBillPaymentPaid(
  ctx: AppContext,
  tx: Tx,
  paymentId: string,
  paid: { orderId: string | null; referenceNo: string | null; paidAt: Date | null },
): Promise<void> {
  const now = ctx.clock.now();
  const [p] = await tx
    .update(billPayments)
    .set({ state: 'paid', paidAt: paid.paidAt ?? now, updatedAt: now })
    .where(and(eq(billPayments.id, paymentId), inArray(billPayments.state, ['open', 'closed'])))
    .returning();
  if (!p) throw conflict('BILL_PAYMENT_NOT_OPEN', '缴费记录状态不符', 'The bill payment is not open');
  const paidBills = await tx
    .update(bills)
    .set({ state: 'paid', paidAt: paid.paidAt ?? now, updatedAt: now })
    .where(and(eq(bills.paymentId, p.id), eq(bills.state, 'pending'), inArray(bills.id, p.billIds)))
    .returning({ id: bills.id });
  // A bill taken over by another payment (this one expired) cannot be paid twice: the caller refunds.
  if (paidBills.length !== p.billIds.length)
    throw conflict('BILL_NOT_PAYABLE', '单据已不在此次缴费中', 'The bills are no longer in this payment');
  await tx.insert(billWritebacks).values({
    id: newId(),
    paymentId: p.id,
    orderId: paid.orderId,
    referenceNo: paid.referenceNo,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });
}

/** onClosed: the order expired unpaid; its bills are free for another payment. */
export async function onBillPaymentClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .update(billPayments)
    .set({ state: 'closed', updatedAt: now })
    .where(and(eq(billPayments.id, order.businessId), eq(billPayments.state, 'open')));
  await ctx.db
    .update(bills)
    .set({ paymentId: null, updatedAt: now })
    .where(and(eq(bills.paymentId, order.businessId), eq(bills.state, 'pending')));
}

/** Message placeholders of a payment (never ID or phone numbers). */
async function messageData(ctx: AppContext, p: PaymentRow, db: DbOrTx = ctx.db) {
  const patient = await getPatientById(ctx, p.patientId, db).catch(() => undefined);
  return {
    paymentId: p.id,
    patientName: patient?.name ?? '',
    amount: formatYuan(p.amountFen),
    billCount: p.billIds.length,
  };
}

const backoffMs = (attempts: number) => Math.min(2 ** Math.max(0, attempts - 1), 30) * 60_000;

/**
 * One write-back attempt, claimed by moving its next attempt time (so two workers never call the
 * HIS for the same payment at once). The HIS recognises a retry by the order number.
 */
export async function attemptWriteBack(ctx: AppContext, paymentId: string): Promise<void> {
  const now = ctx.clock.now();
  const [wb] = await ctx.db
    .update(billWritebacks)
    .set({
      attempts: sql`${billWritebacks.attempts} + 1`,
      nextAttemptAt: new Date(now.getTime() + 60_000),
      updatedAt: now,
    })
    .where(
      and(
        eq(billWritebacks.paymentId, paymentId),
        eq(billWritebacks.state, 'pending'),
        lte(billWritebacks.nextAttemptAt, now),
      ),
    )
    .returning();
  if (!wb) return;
  await ctx.db
    .update(billWritebacks)
    .set({ nextAttemptAt: new Date(now.getTime() + backoffMs(wb.attempts)) })
    .where(eq(billWritebacks.id, wb.id));
  const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, paymentId));
  // An insurance settlement is known to the HIS by its settlement number.
  const orderNo = wb.referenceNo ?? (await getPaymentOrder(ctx, wb.orderId!))!.orderNo;
  const rows = await ctx.db.select().from(bills).where(inArray(bills.id, p.billIds));
  let receiptNo: string;
  try {
    ({ receiptNo } = await ctx.adapters.his.writeBack(ctx, {
      orderNo,
      channelTradeNo: null,
      amountFen: p.amountFen,
      paidAt: p.paidAt ?? now,
      bills: rows.map((b) => ({ billNo: b.billNo, amountFen: b.amountFen })),
    }));
  } catch (err) {
    const error = err instanceof Error ? `${(err as HisError).code ?? 'ERROR'}: ${err.message}` : String(err);
    ctx.log.warn({ paymentId, attempts: wb.attempts, error }, 'HIS write-back failed');
    await ctx.db
      .update(billWritebacks)
      .set({ lastError: error.slice(0, 500), updatedAt: ctx.clock.now() })
      .where(eq(billWritebacks.id, wb.id));
    const final = err instanceof HisError && !err.retryable;
    if (final || wb.attempts >= ctx.config.BILL_WRITEBACK_MAX_ATTEMPTS)
      await giveUpWriteBack(ctx, wb.id, error);
    return;
  }
  const done = ctx.clock.now();
  // the settlement event is delivered as soon as this commits (invoicing issues the e-invoice)
  await ctx.events.transaction(async (tx) => {
    const [ok] = await tx
      .update(billWritebacks)
      .set({ state: 'done', hisReceiptNo: receiptNo, lastError: null, updatedAt: done })
      .where(and(eq(billWritebacks.id, wb.id), eq(billWritebacks.state, 'pending')))
      .returning();
    if (!ok) return;
    const confirmed = await tx
      .update(bills)
      .set({ state: 'confirmed', hisReceiptNo: receiptNo, confirmedAt: done, updatedAt: done })
      .where(and(eq(bills.paymentId, p.id), eq(bills.state, 'paid')))
      .returning();
    const places = [...new Set(confirmed.map((b) => `${b.execDepartment}（${b.execLocation}）`))];
    const placesEn = [...new Set(confirmed.map((b) => `${b.execDepartment} (${b.execLocation})`))];
    await notify(
      ctx,
      {
        accountId: p.accountId,
        template: 'bill.paid',
        data: {
          ...(await messageData(ctx, p, tx)),
          guidanceZh: places.length ? `请前往：${places.join('、')}。` : '',
          guidanceEn: placesEn.length ? `Next: ${placesEn.join(', ')}.` : '',
        },
      },
      tx,
    );
    await ctx.events.publish(tx, PaymentSettled({ sourceType: BUSINESS_TYPE, sourceId: p.id }));
  });
}

/**
 * After N failed write-backs the HIS never learnt of the payment: the bills go back to pending
 * (they are still owed at the HIS), the money is refunded in full and finance sees an abnormal order.
 */
async function giveUpWriteBack(ctx: AppContext, writebackId: string, error: string) {
  const now = ctx.clock.now();
  const wb = await ctx.db.transaction(async (tx) => {
    const [w] = await tx
      .update(billWritebacks)
      .set({ state: 'failed', updatedAt: now })
      .where(and(eq(billWritebacks.id, writebackId), eq(billWritebacks.state, 'pending')))
      .returning();
    if (!w) return undefined;
    await tx
      .update(bills)
      .set({ state: 'pending', paymentId: null, paidAt: null, updatedAt: now })
      .where(and(eq(bills.paymentId, w.paymentId), eq(bills.state, 'paid')));
    const [failed] = await tx
      .update(billPayments)
      .set({ state: 'writeback_failed', updatedAt: now })
      .where(and(eq(billPayments.id, w.paymentId), eq(billPayments.state, 'paid')))
      .returning({ id: billPayments.id });
    // A pending write-back belongs to a paid payment; anything else is a broken invariant, so nothing
    // is undone or refunded (the transaction rolls back) and the error names the payment.
    if (!failed)
      throw new Error(`bill payment ${w.paymentId} is not paid; its write-back failure was not applied`);
    if (w.orderId)
      await openAbnormal(
        tx,
        now,
        w.orderId,
        'HIS_WRITEBACK_FAILED',
        `HIS 回写失败 ${w.attempts} 次，已自动全额退款 / write-back failed ${w.attempts} times: ${error}`,
      );
    const [p] = await tx.select().from(billPayments).where(eq(billPayments.id, w.paymentId));
    await notify(
      ctx,
      { accountId: p.accountId, template: 'bill.writeback-refunded', data: await messageData(ctx, p, tx) },
      tx,
    );
    return w;
  });
  if (wb) await refundFailedWriteBack(ctx, wb.id);
}

async function refundFailedWriteBack(ctx: AppContext, writebackId: string) {
  const [w] = await ctx.db.select().from(billWritebacks).where(eq(billWritebacks.id, writebackId));
  if (!w || w.state !== 'failed' || w.refundId) return;
  const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, w.paymentId));
  if (p.settlementNo) {
    // Paid through an insurance settlement: insurance reverses both parts (fund, account and cash).
    if (!settlementHooks) throw new Error('no insurance settlement hooks registered');
    const reference = await settlementHooks.onWriteBackFailed(ctx, p.id);
    await ctx.db
      .update(billWritebacks)
      .set({ refundId: reference, updatedAt: ctx.clock.now() })
      .where(eq(billWritebacks.id, w.id));
    return;
  }
  const refund = await requestRefund(ctx, {
    orderId: w.orderId!,
    amountFen: p.amountFen,
    reason: 'HIS 回写失败，自动全额退款 / HIS write-back failed',
    refundKey: `bill-writeback-failed:${p.id}`,
    requestedBy: 'system',
  });
  await ctx.db
    .update(billWritebacks)
    .set({ refundId: refund.id, updatedAt: ctx.clock.now() })
    .where(eq(billWritebacks.id, w.id));
}

/** The write-back sweep (cron, every minute): due retries, and refunds a crash left unrequested. */
export async function writeBackSweep(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ paymentId: billWritebacks.paymentId })
    .from(billWritebacks)
    .where(and(eq(billWritebacks.state, 'pending'), lte(billWritebacks.nextAttemptAt, now)))
    .limit(100);
  for (const d of due) {
    try {
      await attemptWriteBack(ctx, d.paymentId);
    } catch (err) {
      ctx.log.error({ err, paymentId: d.paymentId }, 'write-back attempt failed');
    }
  }
  const unrefunded = await ctx.db
    .select({ id: billWritebacks.id })
    .from(billWritebacks)
    .where(and(eq(billWritebacks.state, 'failed'), isNull(billWritebacks.refundId)))
    .limit(100);
  for (const w of unrefunded) {
    try {
      await refundFailedWriteBack(ctx, w.id);
    } catch (err) {
      ctx.log.error({ err, writebackId: w.id }, 'refund after failed write-back not requested');
    }
  }
}

/** Finance: payments whose HIS write-back failed for good (refunded automatically). */
export async function listWriteBackFailures(ctx: AppContext) {
  const rows = await ctx.db
    .select({ w: billWritebacks, p: billPayments })
    .from(billWritebacks)
    .innerJoin(billPayments, eq(billPayments.id, billWritebacks.paymentId))
    .where(eq(billWritebacks.state, 'failed'))
    .orderBy(desc(billWritebacks.updatedAt))
    .limit(500);
  const orders = await orderSummaries(
    ctx.db,
    rows.map((r) => r.w.orderId),
  );
  return rows.map(({ w, p }) => ({
    paymentId: p.id,
    orderId: w.orderId,
    orderNo: orders.get(w.orderId ?? '')?.orderNo ?? null,
    amountFen: p.amountFen,
    billCount: p.billIds.length,
    attempts: w.attempts,
    lastError: w.lastError,
    refundId: w.refundId,
    failedAt: w.updatedAt.toISOString(),
  }));
}

// ---------------------------------------------------------------------------------------------
// Online refund (PAY-08/09)
// ---------------------------------------------------------------------------------------------

const goToCounter = (reason: string, billNo: string, zh: string) =>
  conflict('GO_TO_COUNTER', `${zh}，请到收费窗口办理退费`, `${reason}: please go to the cashier counter`, {
    reason,
    billNo,
  });

export async function refundBillsOnline(
  ctx: AppContext,
  accountId: string,
  paymentId: string,
  billIdsIn: string[],
) {
  const p = await ownPayment(ctx, accountId, paymentId);
  if (p.settlementNo)
    throw conflict(
      'BILL_PAID_BY_INSURANCE',
      '该缴费使用了医保结算，请通过医保退费办理',
      'These bills were paid through an insurance settlement; refund the settlement instead',
      { settlementNo: p.settlementNo },
    );
  const billIds = [...new Set(billIdsIn)].sort();
  if (billIds.some((id) => !p.billIds.includes(id))) throw billNotFound();
  const order = (await getPaymentOrder(ctx, p.orderId!))!;
  const refundKey = `bill-refund:${p.id}:${billIds.join(',')}`;
  let refund: RefundView | undefined;
  const claimed = await refundPaidBills(ctx, p, billIds, {
    hisOrderNo: order.orderNo,
    refundKey,
    moneyBack: async (amountFen, rows) => {
      refund = await requestRefund(ctx, {
        orderId: order.id,
        amountFen,
        reason: `门诊缴费线上退费 ${rows.map((b) => b.billNo).join(',')}`.slice(0, 200),
        refundKey,
        requestedBy: 'patient',
      });
      return refund.id;
    },
  });
  const amountFen = claimed.reduce((s, b) => s + b.amountFen, 0);
  await notify(ctx, {
    accountId: p.accountId,
    template: 'bill.refunded',
    data: { ...(await messageData(ctx, p)), amount: formatYuan(amountFen), billCount: billIds.length },
  });
  return {
    refundId: refund!.id,
    refundNo: refund!.refundNo,
    amountFen: refund!.amountFen,
    state: refund!.state,
    billIds,
  };
}

/**
 * The online refund rules (PAY-08/09) and the claim of the bills: each bill confirmed by the HIS,
 * not executed, not invoiced and (unless staff at the counter refunds it) inside the window; the HIS
 * is told first, then `moneyBack` returns the money and answers the refund's reference.
 */
async function refundPaidBills(
  ctx: AppContext,
  p: PaymentRow,
  billIds: string[],
  opts: {
    hisOrderNo: string;
    refundKey: string;
    ignoreWindow?: boolean;
    moneyBack: (amountFen: number, rows: BillRow[]) => Promise<string>;
  },
): Promise<BillRow[]> {
  const rows = await ctx.db.select().from(bills).where(inArray(bills.id, billIds));
  const now = ctx.clock.now();
  const today = hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE);
  for (const b of rows) {
    if (b.paymentId !== p.id) throw billNotFound();
    if (b.state === 'refunded')
      throw conflict('BILL_ALREADY_REFUNDED', '该单据已退费', 'The bill was already refunded', {
        billNo: b.billNo,
      });
    if (b.state !== 'confirmed')
      throw conflict(
        'BILL_NOT_CONFIRMED',
        '缴费尚未在医院确认，请稍后再试',
        'The HIS has not confirmed this payment yet',
        {
          billNo: b.billNo,
        },
      );
    if (b.executionStatus !== 'none')
      throw goToCounter(
        'EXECUTED',
        b.billNo,
        b.executionStatus === 'dispensed' ? '药品已发放' : '项目已执行',
      );
    if (b.invoiced) throw goToCounter('INVOICE_PRINTED', b.billNo, '已打印纸质发票');
    const paidDay = hospitalDay(b.paidAt!, ctx.config.HOSPITAL_TIMEZONE);
    const days = Math.round((Date.parse(today) - Date.parse(paidDay)) / 86_400_000);
    if (!opts.ignoreWindow && days >= ctx.config.BILL_REFUND_WINDOW_DAYS)
      throw goToCounter('WINDOW_PASSED', b.billNo, '已超过线上退费期限');
  }
  if (settlementHooks) await settlementHooks.refundGuard(ctx, rows);
  // Claim the bills first (a concurrent execution report or a double click then finds them taken).
  const claimed = await ctx.db
    .update(bills)
    .set({ state: 'refunded', refundedAt: now, refundMethod: 'online', updatedAt: now })
    .where(
      and(
        inArray(bills.id, billIds),
        eq(bills.state, 'confirmed'),
        eq(bills.executionStatus, 'none'),
        eq(bills.invoiced, false),
      ),
    )
    .returning();
  const release = () =>
    ctx.db
      .update(bills)
      .set({ state: 'confirmed', refundedAt: null, updatedAt: ctx.clock.now() })
      .where(
        and(
          inArray(
            bills.id,
            claimed.map((b) => b.id),
          ),
          eq(bills.state, 'refunded'),
          isNull(bills.refundId),
        ),
      );
  if (claimed.length !== billIds.length) {
    await release();
    throw conflict(
      'BILL_REFUND_CONFLICT',
      '单据状态已变化，请刷新后重试',
      'The bills changed; reload and try again',
    );
  }
  const amountFen = claimed.reduce((s, b) => s + b.amountFen, 0);
  try {
    await ctx.adapters.his.refundBills(ctx, {
      orderNo: opts.hisOrderNo,
      refundKey: opts.refundKey,
      amountFen,
      bills: claimed.map((b) => ({ billNo: b.billNo, amountFen: b.amountFen })),
    });
  } catch (err) {
    await release();
    ctx.log.warn({ err, paymentId: p.id }, 'HIS refused or could not take the refund notice');
    throw new DomainError(
      'HIS_UNAVAILABLE',
      502,
      '医院系统暂时不可用，请稍后再试',
      'The HIS is unavailable; try again later',
    );
  }
  const reference = await opts.moneyBack(amountFen, claimed);
  await ctx.db
    .update(bills)
    .set({ refundId: reference, updatedAt: ctx.clock.now() })
    .where(inArray(bills.id, billIds));
  return claimed;
}

// ---------------------------------------------------------------------------------------------
// Bills paid through an insurance settlement (the insurance module drives these)
// ---------------------------------------------------------------------------------------------

export interface BillSettlementHooks {
  /** The HIS never took the write-back of a settled payment: reverse every part; answers a reference. */
  onWriteBackFailed(ctx: AppContext, billPaymentId: string): Promise<string>;
  /** Refuses an online refund of bills whose money is partly insurance's (secondary settlement). */
  refundGuard(ctx: AppContext, rows: BillRow[]): Promise<void>;
}

let settlementHooks: BillSettlementHooks | undefined;

export function registerBillSettlementHooks(hooks: BillSettlementHooks): void {
  settlementHooks = hooks;
}

export const refusedAtCounter = goToCounter;

/**
 * The bills an insurance settlement is about, checked to be this patient's (anything else is the
 * same 404 as a missing bill), with their items and the name on the visit (INS-04).
 */
export async function billsForSettlement(ctx: AppContext, p: PatientRecord, billIdsIn: string[]) {
  const billIds = [...new Set(billIdsIn)].sort();
  const rows = await ctx.db.select().from(bills).where(inArray(bills.id, billIds));
  if (rows.length !== billIds.length || rows.some((b) => !belongsTo(ctx, b, p))) throw billNotFound();
  const items = await ctx.db
    .select()
    .from(billItems)
    .where(inArray(billItems.billId, billIds))
    .orderBy(asc(billItems.seq));
  const visits = await ctx.db
    .select()
    .from(hisVisits)
    .where(inArray(hisVisits.id, [...new Set(rows.map((r) => r.visitId))]));
  const payIds = [...new Set(rows.map((r) => r.paymentId).filter((x): x is string => !!x))];
  const pays = payIds.length
    ? await ctx.db.select().from(billPayments).where(inArray(billPayments.id, payIds))
    : [];
  return rows.map((b) => ({
    bill: b,
    items: items.filter((i) => i.billId === b.id),
    visitPatientName: visits.find((v) => v.id === b.visitId)?.patientName ?? '',
    payment: pays.find((x) => x.id === b.paymentId) ?? null,
  }));
}

/** The pending bills of a patient (INS-06 lists those insurance can settle). */
export async function pendingBillsOf(ctx: AppContext, accountId: string, patientId: string) {
  return listBills(ctx, accountId, patientId, 'pending');
}

/**
 * Holds a patient's pending bills for an insurance settlement until `expiresAt`, as a bill payment
 * without a cash order; the same settlement number returns the same hold.
 */
export async function holdBillsForSettlement(
  ctx: AppContext,
  input: {
    accountId: string;
    patient: PatientRecord;
    billIds: string[];
    settlementNo: string;
    expiresAt: Date;
  },
): Promise<string> {
  const key = `insurance:${input.settlementNo}`;
  const findPrior = async () =>
    (
      await ctx.db
        .select()
        .from(billPayments)
        .where(and(eq(billPayments.accountId, input.accountId), eq(billPayments.idempotencyKey, key)))
    )[0];
  const prior = await findPrior();
  if (prior) return prior.id;
  const billIds = [...new Set(input.billIds)].sort();
  const rows = await ctx.db.select().from(bills).where(inArray(bills.id, billIds));
  if (rows.length !== billIds.length || rows.some((b) => !belongsTo(ctx, b, input.patient)))
    throw billNotFound();
  const notPending = rows.filter((b) => b.state !== 'pending');
  if (notPending.length)
    throw conflict('BILL_NOT_PENDING', '所选单据已缴费或已退费', 'Some bills are not pending', {
      billIds: notPending.map((b) => b.id),
    });
  const now = ctx.clock.now();
  const payment: PaymentRow = {
    id: newId(),
    accountId: input.accountId,
    patientId: input.patient.id,
    orderId: null,
    billIds,
    amountFen: rows.reduce((s, b) => s + b.amountFen, 0),
    state: 'open',
    idempotencyKey: key,
    settlementNo: input.settlementNo,
    expiresAt: input.expiresAt,
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const claimed = await claimBills(ctx, payment);
  if (claimed === 'raced') return (await findPrior())!.id;
  if (claimed === 'busy')
    throw conflict(
      'BILL_IN_PAYMENT',
      '所选单据正在另一笔支付中，请完成或等待该支付结束',
      'A selected bill is already in a payment that is still open',
    );
  return payment.id;
}

/** Gives held bills back (the settlement was reversed or failed); idempotent. */
export async function releaseBillHold(ctx: AppContext, billPaymentId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(billPayments)
      .set({ state: 'closed', updatedAt: now })
      .where(and(eq(billPayments.id, billPaymentId), eq(billPayments.state, 'open')));
    await tx
      .update(bills)
      .set({ paymentId: null, updatedAt: now })
      .where(and(eq(bills.paymentId, billPaymentId), eq(bills.state, 'pending')));
  });
}

/**
 * Refunds all bills of a settled payment by the online rules (staff at the counter skip the time
 * window); `moneyBack` returns each part and answers a reference. HIS_UNAVAILABLE leaves it as it was.
 */
export async function refundSettlementBills(
  ctx: AppContext,
  billPaymentId: string,
  opts: {
    refundKey: string;
    ignoreWindow?: boolean;
    moneyBack: (amountFen: number) => Promise<string>;
  },
) {
  const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, billPaymentId));
  if (!p?.settlementNo) throw paymentNotFound();
  return refundPaidBills(ctx, p, [...p.billIds].sort(), {
    hisOrderNo: p.settlementNo,
    refundKey: opts.refundKey,
    ignoreWindow: opts.ignoreWindow,
    moneyBack: (amountFen) => opts.moneyBack(amountFen),
  });
}

/** The bill payment behind a settlement (for receipts and the staff list). */
export async function billPaymentById(ctx: AppContext, id: string) {
  const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, id));
  return p;
}
