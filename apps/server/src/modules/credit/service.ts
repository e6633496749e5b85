import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { DomainError, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { hospitalDay } from '../../platform/clock.js';
import { CreditPlatformError, type CreditApplicant } from '../../integrations/credit/index.js';
import { getPatientById, getPatientForRecords, type PatientRecord } from '../identity/index.js';
import { maskPersonName } from '../registration/index.js';
import { notify } from '../notifications/index.js';
import type { PaymentOrderView } from '../payments/index.js';
import {
  applyChannelPayment,
  createPaymentOrder,
  getPaymentOrder,
  requestRefund,
} from '../payments/index.js';
import { orderSummaries, type OrderSummary } from '../payments/index.js';
import { createBillPayment, listBills } from '../billing/index.js';
import {
  creditAccounts,
  creditCharges,
  creditRefunds,
  creditReminders,
  creditSettlements,
} from './schema.js';

export const SETTLEMENT_BUSINESS = 'credit-settlement';
export const OVERDUE_JOB = 'credit.overdue-sweep';
export const FRICTIONLESS_JOB = 'credit.frictionless-sweep';
export const CREDIT_CHANNEL = 'credit' as const;

type AccountRow = typeof creditAccounts.$inferSelect;
type ChargeRow = typeof creditCharges.$inferSelect;

const DAY_MS = 86_400_000;
const accountNotFound = () =>
  new DomainError(
    'CREDIT_ACCOUNT_NOT_FOUND',
    404,
    '尚未开通信用就医',
    'Credit care is not activated for this patient',
  );
const outstanding = (c: ChargeRow) => c.amountFen - c.refundedFen;

// ---------------------------------------------------------------------------------------------
// Activation, closing, frictionless agreement (PAY-12, PAY-14)
// ---------------------------------------------------------------------------------------------

/** PAY-12: the credit platform evaluates the patient; an eligible one gets a credit limit. Repeating changes nothing. */
export async function activateCredit(ctx: AppContext, accountId: string, patientId: string) {
  const p = await verifiedPatient(ctx, accountId, patientId);
  const [existing] = await ctx.db.select().from(creditAccounts).where(eq(creditAccounts.patientId, p.id));
  if (existing?.state === 'active') return creditView(ctx, existing);
  if (existing?.state === 'suspended')
    throw conflict(
      'CREDIT_SUSPENDED',
      '信用就医已暂停，请先结清逾期费用',
      'Credit care is suspended until the overdue amount is settled',
    );
  const evaluation = await ctx.adapters.credit.evaluate(ctx, applicantOf(p)).catch(platformDown);
  if (!evaluation.eligible)
    throw conflict(
      'CREDIT_NOT_ELIGIBLE',
      `暂不能开通信用就医：${evaluation.reason}`,
      'Not eligible for credit care',
      {
        reason: evaluation.reason,
      },
    );
  const now = ctx.clock.now();
  const values = {
    accountId,
    state: 'active' as const,
    limitFen: evaluation.limitFen,
    agreementNo: evaluation.agreementNo,
    activatedAt: now,
    suspendedAt: null,
    suspendReason: null,
    updatedAt: now,
  };
  const [row] = await ctx.db
    .insert(creditAccounts)
    .values({ id: newId(), patientId: p.id, usedFen: 0, createdAt: now, ...values })
    .onConflictDoUpdate({
      target: creditAccounts.patientId,
      set: values,
      setWhere: sql`${creditAccounts.state} = 'closed'`,
    })
    .returning();
  const current = row ?? (await accountOf(ctx, p.id));
  if (current.state === 'suspended')
    throw conflict(
      'CREDIT_SUSPENDED',
      '信用就医已暂停，请先结清逾期费用',
      'Credit care is suspended until the overdue amount is settled',
    );
  return creditView(ctx, current);
}

/** The patient leaves credit care; only when nothing is owed. */
export async function closeCredit(ctx: AppContext, accountId: string, patientId: string) {
  const p = await verifiedPatient(ctx, accountId, patientId);
  const acct = await accountOf(ctx, p.id);
  const now = ctx.clock.now();
  const [closed] = await ctx.db
    .update(creditAccounts)
    .set({ state: 'closed', frictionlessEnabled: false, updatedAt: now })
    .where(
      and(eq(creditAccounts.id, acct.id), eq(creditAccounts.state, 'active'), eq(creditAccounts.usedFen, 0)),
    )
    .returning();
  if (!closed) {
    if (acct.state === 'closed') return creditView(ctx, acct);
    throw conflict(
      'CREDIT_OUTSTANDING',
      '尚有未结清的信用就医费用，请先结算',
      'Settle what is owed before closing',
      {
        usedFen: acct.usedFen,
        state: acct.state,
      },
    );
  }
  return creditView(ctx, closed);
}

/** PAY-14: signing the frictionless (免密代扣) agreement with the credit platform turns frictionless payment on. */
export async function signWithholding(ctx: AppContext, accountId: string, patientId: string) {
  const p = await verifiedPatient(ctx, accountId, patientId);
  const acct = await accountOf(ctx, p.id);
  if (acct.state !== 'active') throw notActive(acct);
  if (acct.withholdingAgreementNo) return creditView(ctx, acct);
  const { agreementNo } = await ctx.adapters.credit.signWithholding(ctx, applicantOf(p)).catch(platformDown);
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .update(creditAccounts)
    .set({
      withholdingAgreementNo: agreementNo,
      withholdingSignedAt: now,
      frictionlessEnabled: true,
      updatedAt: now,
    })
    .where(eq(creditAccounts.id, acct.id))
    .returning();
  return creditView(ctx, row);
}

/** PAY-14: the patient's switch for frictionless payment (needs the signed agreement). */
export async function setFrictionless(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  enabled: boolean,
) {
  const p = await verifiedPatient(ctx, accountId, patientId);
  const acct = await accountOf(ctx, p.id);
  if (enabled && !acct.withholdingAgreementNo)
    throw conflict(
      'WITHHOLDING_NOT_SIGNED',
      '请先签约无感支付',
      'Sign the frictionless payment agreement first',
    );
  if (enabled && acct.state !== 'active') throw notActive(acct);
  const [row] = await ctx.db
    .update(creditAccounts)
    .set({ frictionlessEnabled: enabled, updatedAt: ctx.clock.now() })
    .where(eq(creditAccounts.id, acct.id))
    .returning();
  return creditView(ctx, row);
}

export async function getCredit(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  return creditView(ctx, await accountOf(ctx, p.id));
}

// ---------------------------------------------------------------------------------------------
// Paying on credit (PAY-13) and the platform's credit channel
// ---------------------------------------------------------------------------------------------

/**
 * PAY-13: a payment order of a registration fee or of bills is paid on credit: the amount is
 * reserved against the limit (one conditional update, so two payments at once cannot pass it) and
 * the payment platform records the order paid through the 'credit' channel, which runs the
 * business step (bills paid and written back to the HIS, registration booked). Paying the same order
 * again answers the same.
 */
export async function payOrderOnCredit(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; orderId: string },
) {
  const p = await verifiedPatient(ctx, accountId, input.patientId);
  const acct = await accountOf(ctx, p.id);
  const o = (await orderSummaries(ctx.db, [input.orderId])).get(input.orderId);
  if (!o || o.accountId !== accountId || o.patientId !== p.id)
    throw new DomainError('PAYMENT_ORDER_NOT_FOUND', 404, '支付订单不存在', 'Payment order not found');
  const allowed = ctx.config.CREDIT_BUSINESS_TYPES.split(',').map((s) => s.trim());
  if (!allowed.includes(o.businessType))
    throw conflict('CREDIT_NOT_ALLOWED', '该费用不支持信用就医', 'This payment cannot be made on credit');
  const [prior] = await ctx.db.select().from(creditCharges).where(eq(creditCharges.orderId, o.id));
  if (!prior) {
    if (acct.state !== 'active') throw notActive(acct);
    const now = ctx.clock.now();
    if (!['created', 'paying'].includes(o.state) || o.expiresAt <= now)
      throw conflict(
        'ORDER_NOT_PAYABLE',
        '订单已支付、已关闭或已过期',
        'The order is paid, closed or expired',
        {
          state: o.state,
        },
      );
    const reserved = await ctx.db
      .transaction(async (tx) => {
        const [c] = await tx
          .insert(creditCharges)
          .values({
            id: newId(),
            creditAccountId: acct.id,
            orderId: o.id,
            orderNo: o.orderNo,
            businessType: o.businessType,
            subject: o.subject,
            amountFen: o.amountFen,
            state: 'owed',
            dueAt: new Date(now.getTime() + ctx.config.CREDIT_REPAY_DAYS * DAY_MS),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: creditCharges.orderId })
          .returning();
        if (!c) return 'raced' as const;
        const [ok] = await tx
          .update(creditAccounts)
          .set({ usedFen: sql`${creditAccounts.usedFen} + ${o.amountFen}`, updatedAt: now })
          .where(
            and(
              eq(creditAccounts.id, acct.id),
              eq(creditAccounts.state, 'active'),
              sql`${creditAccounts.usedFen} + ${o.amountFen} <= ${creditAccounts.limitFen}`,
            ),
          )
          .returning({ id: creditAccounts.id });
        if (!ok) tx.rollback();
        return 'ok' as const;
      })
      .catch((err) => {
        if (
          (err as Error)?.name === 'TransactionRollbackError' ||
          /rollback/i.test((err as Error)?.message ?? '')
        )
          return 'over' as const;
        throw err;
      });
    if (reserved === 'over')
      throw conflict('CREDIT_LIMIT_EXCEEDED', '信用额度不足', 'Not enough credit left for this payment', {
        amountFen: o.amountFen,
      });
  }
  const [charge] = await ctx.db.select().from(creditCharges).where(eq(creditCharges.orderId, o.id));
  const outcome = await applyChannelPayment(ctx, CREDIT_CHANNEL, {
    state: 'paid',
    orderNo: o.orderNo,
    channelTradeNo: charge.id,
    amountFen: o.amountFen,
    paidAt: charge.createdAt,
  });
  if (outcome === 'duplicate_payment' || outcome === 'amount_mismatch' || outcome === 'unknown_order') {
    // Paid by another channel meanwhile (or not payable at all): nothing is owed on credit.
    await releaseCharge(ctx, charge.id);
    throw conflict('ORDER_NOT_PAYABLE', '订单已通过其他方式支付', 'The order was paid another way', {
      outcome,
    });
  }
  const order = await getPaymentOrder(ctx, o.id);
  const after = await accountOf(ctx, p.id);
  return {
    chargeId: charge.id,
    orderId: o.id,
    orderNo: o.orderNo,
    orderState: order?.state ?? null,
    amountFen: o.amountFen,
    dueAt: charge.dueAt.toISOString(),
    usedFen: after.usedFen,
    availableFen: Math.max(0, after.limitFen - after.usedFen),
  };
}

/** A charge that never paid anything (the order was paid another way) is removed and its amount freed. */
async function releaseCharge(ctx: AppContext, chargeId: string) {
  await ctx.db.transaction(async (tx) => {
    const [c] = await tx
      .delete(creditCharges)
      .where(
        and(
          eq(creditCharges.id, chargeId),
          eq(creditCharges.state, 'owed'),
          eq(creditCharges.refundedFen, 0),
        ),
      )
      .returning();
    if (c)
      await tx
        .update(creditAccounts)
        .set({ usedFen: sql`${creditAccounts.usedFen} - ${c.amountFen}`, updatedAt: ctx.clock.now() })
        .where(eq(creditAccounts.id, c.creditAccountId));
  });
}

/**
 * A refund of an order paid on credit (the payment platform's refund through the credit channel):
 * an amount still owed is forgiven and freed; one already settled goes back through the settlement's
 * own payment order. Idempotent by the refund number. A charge inside an open settlement waits.
 */
export async function refundCreditCharge(
  ctx: AppContext,
  req: { orderNo: string; refundNo: string; amountFen: number; reason: string },
): Promise<'succeeded' | 'processing' | 'not_found'> {
  const [known] = await ctx.db.select().from(creditRefunds).where(eq(creditRefunds.refundNo, req.refundNo));
  if (known) return 'succeeded';
  const [c] = await ctx.db.select().from(creditCharges).where(eq(creditCharges.orderNo, req.orderNo));
  if (!c) return 'not_found';
  if (c.state === 'settling') return 'processing';
  let settlementRefundId: string | null = null;
  if (c.state === 'settled' && c.settlementId) {
    const [s] = await ctx.db.select().from(creditSettlements).where(eq(creditSettlements.id, c.settlementId));
    const r = await requestRefund(ctx, {
      orderId: s.orderId!,
      amountFen: req.amountFen,
      reason: `信用就医已结算费用退回 ${c.orderNo}`.slice(0, 200),
      refundKey: `credit-refund:${req.refundNo}`,
      requestedBy: 'system',
    });
    settlementRefundId = r.id;
  }
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(creditRefunds)
      .values({
        refundNo: req.refundNo,
        chargeId: c.id,
        amountFen: req.amountFen,
        settlementRefundId,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return;
    const [u] = await tx
      .update(creditCharges)
      .set({ refundedFen: sql`${creditCharges.refundedFen} + ${req.amountFen}`, updatedAt: now })
      .where(eq(creditCharges.id, c.id))
      .returning();
    if (c.state === 'owed') {
      await tx
        .update(creditAccounts)
        .set({ usedFen: sql`${creditAccounts.usedFen} - ${req.amountFen}`, updatedAt: now })
        .where(eq(creditAccounts.id, c.creditAccountId));
      if (outstanding(u) === 0)
        await tx
          .update(creditCharges)
          .set({ state: 'settled', settledAt: now })
          .where(and(eq(creditCharges.id, c.id), eq(creditCharges.state, 'owed')));
    }
  });
  return 'succeeded';
}

// ---------------------------------------------------------------------------------------------
// Settlement: everything owed in one payment
// ---------------------------------------------------------------------------------------------

/** One payment order for every charge still owed; an open settlement is returned as it is. */
export async function startSettlement(ctx: AppContext, accountId: string, patientId: string) {
  const p = await verifiedPatient(ctx, accountId, patientId);
  const acct = await accountOf(ctx, p.id);
  const [open] = await ctx.db
    .select()
    .from(creditSettlements)
    .where(and(eq(creditSettlements.creditAccountId, acct.id), eq(creditSettlements.state, 'open')));
  if (open && open.orderId) return settlementView(ctx, open);
  const owed = (
    await ctx.db
      .select()
      .from(creditCharges)
      .where(and(eq(creditCharges.creditAccountId, acct.id), eq(creditCharges.state, 'owed')))
      .orderBy(asc(creditCharges.createdAt))
  ).filter((c) => outstanding(c) > 0);
  if (!owed.length && !open)
    throw conflict('CREDIT_NOTHING_OWED', '没有待结算的信用就医费用', 'Nothing is owed');
  const now = ctx.clock.now();
  let s = open;
  if (!s) {
    const id = newId();
    const created = await ctx.db
      .transaction(async (tx) => {
        const [ins] = await tx
          .insert(creditSettlements)
          .values({
            id,
            creditAccountId: acct.id,
            accountId,
            amountFen: owed.reduce((sum, c) => sum + outstanding(c), 0),
            chargeIds: owed.map((c) => c.id),
            state: 'open',
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning();
        if (!ins) return undefined;
        const moved = await tx
          .update(creditCharges)
          .set({ state: 'settling', settlementId: id, updatedAt: now })
          .where(
            and(
              inArray(
                creditCharges.id,
                owed.map((c) => c.id),
              ),
              eq(creditCharges.state, 'owed'),
            ),
          )
          .returning({ id: creditCharges.id });
        if (moved.length !== owed.length) tx.rollback();
        return ins;
      })
      .catch(() => undefined);
    if (!created)
      throw conflict(
        'CREDIT_SETTLEMENT_BUSY',
        '结算正在进行，请稍后重试',
        'A settlement is being prepared; try again',
      );
    s = created;
  }
  const order = await createPaymentOrder(ctx, {
    businessType: SETTLEMENT_BUSINESS,
    businessId: s.id,
    accountId,
    patientId: p.id,
    amountFen: s.amountFen,
    subject: `信用就医结算 ${s.chargeIds.length} 笔`,
    expiresAt: new Date(now.getTime() + ctx.config.CREDIT_SETTLEMENT_MINUTES * 60_000),
    idempotencyKey: `credit-settlement:${s.id}`,
  });
  const [u] = await ctx.db
    .update(creditSettlements)
    .set({ orderId: order.id, updatedAt: now })
    .where(eq(creditSettlements.id, s.id))
    .returning();
  return settlementView(ctx, u);
}

/** The settlement was paid: its charges are settled, the limit is free again, an overdue suspension ends. */
export async function onSettlementPaid(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const now = ctx.clock.now();
  const s = await ctx.db.transaction(async (tx) => {
    const [s] = await tx
      .update(creditSettlements)
      .set({ state: 'paid', paidAt: order.paidAt ?? now, updatedAt: now })
      .where(and(eq(creditSettlements.id, order.businessId), eq(creditSettlements.state, 'open')))
      .returning();
    if (!s) return undefined;
    const settled = await tx
      .update(creditCharges)
      .set({ state: 'settled', settledAt: now, updatedAt: now })
      .where(and(eq(creditCharges.settlementId, s.id), eq(creditCharges.state, 'settling')))
      .returning();
    const freed = settled.reduce((sum, c) => sum + outstanding(c), 0);
    await tx
      .update(creditAccounts)
      .set({ usedFen: sql`${creditAccounts.usedFen} - ${freed}`, updatedAt: now })
      .where(eq(creditAccounts.id, s.creditAccountId));
    await liftOverdueSuspension(tx, s.creditAccountId, now);
    await notify(
      ctx,
      {
        accountId: s.accountId,
        template: 'credit.settled',
        data: { amount: formatYuan(s.amountFen) },
      },
      tx,
    );
    return s;
  });
  if (!s) {
    const [cur] = await ctx.db
      .select()
      .from(creditSettlements)
      .where(eq(creditSettlements.id, order.businessId));
    if (cur?.state !== 'paid')
      throw conflict('CREDIT_SETTLEMENT_NOT_OPEN', '结算单状态不符', 'The settlement is not open');
  }
}

/** The settlement order closed unpaid: its charges are owed again. */
export async function onSettlementClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [s] = await tx
      .update(creditSettlements)
      .set({ state: 'closed', updatedAt: now })
      .where(and(eq(creditSettlements.id, order.businessId), eq(creditSettlements.state, 'open')))
      .returning();
    if (!s) return;
    await tx
      .update(creditCharges)
      .set({ state: 'owed', settlementId: null, updatedAt: now })
      .where(and(eq(creditCharges.settlementId, s.id), eq(creditCharges.state, 'settling')));
  });
}

async function liftOverdueSuspension(tx: Tx, creditAccountId: string, now: Date) {
  const [overdue] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(creditCharges)
    .where(
      and(
        eq(creditCharges.creditAccountId, creditAccountId),
        inArray(creditCharges.state, ['owed', 'settling']),
        sql`${creditCharges.dueAt} < ${now}`,
      ),
    );
  if (Number(overdue.n) > 0) return;
  await tx
    .update(creditAccounts)
    .set({ state: 'active', suspendedAt: null, suspendReason: null, updatedAt: now })
    .where(
      and(
        eq(creditAccounts.id, creditAccountId),
        eq(creditAccounts.state, 'suspended'),
        eq(creditAccounts.suspendReason, 'OVERDUE'),
      ),
    );
}

// ---------------------------------------------------------------------------------------------
// Jobs: overdue handling, frictionless payment (PAY-15)
// ---------------------------------------------------------------------------------------------

/**
 * A charge whose order the payment platform never recorded as paid on credit (a crash between the
 * reservation and the payment, or the order was paid another way meanwhile): paid now if the order
 * still can be, otherwise released, so nobody owes for a service they did not get.
 */
export async function reconcileCharges(ctx: AppContext): Promise<{ paid: number; released: number }> {
  const cutoff = new Date(ctx.clock.now().getTime() - 5 * 60_000);
  const rows = await unrecordedCharges(ctx, cutoff, 100);
  let paid = 0;
  let released = 0;
  for (const { c, o } of rows) {
    const payable = ['created', 'paying'].includes(o.state) && o.expiresAt > ctx.clock.now();
    const outcome = payable
      ? await applyChannelPayment(ctx, CREDIT_CHANNEL, {
          state: 'paid',
          orderNo: o.orderNo,
          channelTradeNo: c.id,
          amountFen: c.amountFen,
          paidAt: c.createdAt,
        })
      : undefined;
    if (outcome === 'paid' || outcome === 'duplicate') paid++;
    else {
      await releaseCharge(ctx, c.id);
      released++;
    }
  }
  return { paid, released };
}

/**
 * Owed charges older than `cutoff` whose payment order exists but does not carry the charge as its
 * channel trade (the payment platform never recorded it paid on credit), up to `limit`.
 */
async function unrecordedCharges(ctx: AppContext, cutoff: Date, limit: number) {
  const found: Array<{ c: typeof creditCharges.$inferSelect; o: OrderSummary }> = [];
  let after = '';
  while (found.length < limit) {
    const page = await ctx.db
      .select()
      .from(creditCharges)
      .where(
        and(
          eq(creditCharges.state, 'owed'),
          sql`${creditCharges.createdAt} < ${cutoff}`,
          gt(creditCharges.id, after),
        ),
      )
      .orderBy(asc(creditCharges.id))
      .limit(500);
    if (page.length === 0) break;
    const orders = await orderSummaries(
      ctx.db,
      page.map((c) => c.orderId),
    );
    for (const c of page) {
      const o = orders.get(c.orderId);
      if (o && o.channelTradeNo !== c.id && found.length < limit) found.push({ c, o });
    }
    after = page[page.length - 1].id;
  }
  return found;
}

/**
 * Overdue charges: one reminder per credit account and hospital day; past the grace period
 * (CREDIT_SUSPEND_AFTER_DAYS after the due date) credit care is suspended until settled.
 */
export async function overdueSweep(ctx: AppContext): Promise<{ reminded: number; suspended: number }> {
  await reconcileCharges(ctx);
  const now = ctx.clock.now();
  const today = hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE);
  const rows = await ctx.db
    .select({
      id: creditAccounts.id,
      accountId: creditAccounts.accountId,
      state: creditAccounts.state,
      oldest: sql<Date | string>`min(${creditCharges.dueAt})`,
      owed: sql<number>`sum(${creditCharges.amountFen} - ${creditCharges.refundedFen})::int`,
    })
    .from(creditAccounts)
    .innerJoin(creditCharges, eq(creditCharges.creditAccountId, creditAccounts.id))
    .where(and(inArray(creditCharges.state, ['owed', 'settling']), sql`${creditCharges.dueAt} < ${now}`))
    .groupBy(creditAccounts.id, creditAccounts.accountId, creditAccounts.state)
    .limit(1000);
  let reminded = 0;
  let suspended = 0;
  for (const r of rows) {
    const oldest = new Date(r.oldest);
    const daysOverdue = Math.max(1, Math.ceil((now.getTime() - oldest.getTime()) / DAY_MS));
    const suspend = r.state === 'active' && daysOverdue > ctx.config.CREDIT_SUSPEND_AFTER_DAYS;
    await ctx.db.transaction(async (tx) => {
      if (suspend) {
        const [s] = await tx
          .update(creditAccounts)
          .set({ state: 'suspended', suspendedAt: now, suspendReason: 'OVERDUE', updatedAt: now })
          .where(and(eq(creditAccounts.id, r.id), eq(creditAccounts.state, 'active')))
          .returning({ id: creditAccounts.id });
        if (s) {
          suspended++;
          await notify(
            ctx,
            {
              accountId: r.accountId,
              template: 'credit.suspended',
              data: { amount: formatYuan(Number(r.owed)), days: daysOverdue },
            },
            tx,
          );
        }
      }
      const [first] = await tx
        .insert(creditReminders)
        .values({ creditAccountId: r.id, day: today, sentAt: now })
        .onConflictDoNothing()
        .returning();
      if (first && !suspend) {
        reminded++;
        await notify(
          ctx,
          {
            accountId: r.accountId,
            template: 'credit.overdue',
            data: { amount: formatYuan(Number(r.owed)), days: daysOverdue },
          },
          tx,
        );
      }
    });
  }
  return { reminded, suspended };
}

/**
 * PAY-15: for patients who signed and switched frictionless payment on, pending bills within the
 * limit are paid on credit without a payment step (one payment per bill; a bill the HIS could not
 * take is left for the patient).
 */
export async function frictionlessSweep(ctx: AppContext): Promise<{ charged: number }> {
  const accounts = await ctx.db
    .select()
    .from(creditAccounts)
    .where(and(eq(creditAccounts.state, 'active'), eq(creditAccounts.frictionlessEnabled, true)))
    .limit(500);
  let charged = 0;
  for (const a of accounts) {
    const pending = await listBills(ctx, a.accountId, a.patientId, 'pending').catch(() => []);
    for (const b of pending) {
      if (b.inPayment) continue;
      try {
        const payment = await createBillPayment(ctx, a.accountId, {
          patientId: a.patientId,
          billIds: [b.id],
          idempotencyKey: `frictionless:${b.id}`,
        });
        if (payment.state !== 'open' || !['created', 'paying'].includes(payment.orderState)) continue;
        await payOrderOnCredit(ctx, a.accountId, { patientId: a.patientId, orderId: payment.orderId });
        charged++;
        await notify(ctx, {
          accountId: a.accountId,
          template: 'credit.charged',
          data: { amount: formatYuan(b.amountFen), title: b.title, billId: b.id },
        });
      } catch (err) {
        ctx.log.warn({ err, billId: b.id }, 'frictionless payment not made');
      }
    }
  }
  return { charged };
}

// ---------------------------------------------------------------------------------------------
// Finance
// ---------------------------------------------------------------------------------------------

/** Finance: credit accounts with what they owe and how much of it is overdue (names masked). */
export async function listCreditAccountsForStaff(
  ctx: AppContext,
  filter: { state?: 'active' | 'suspended' | 'closed'; overdue?: boolean },
) {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select({
      a: creditAccounts,
      owedFen: sql<number>`coalesce(sum(${creditCharges.amountFen} - ${creditCharges.refundedFen}) filter (where ${creditCharges.state} <> 'settled'), 0)::int`,
      overdueFen: sql<number>`coalesce(sum(${creditCharges.amountFen} - ${creditCharges.refundedFen}) filter (where ${creditCharges.state} <> 'settled' and ${creditCharges.dueAt} < ${now}), 0)::int`,
    })
    .from(creditAccounts)
    .leftJoin(creditCharges, eq(creditCharges.creditAccountId, creditAccounts.id))
    .where(filter.state ? eq(creditAccounts.state, filter.state) : undefined)
    .groupBy(creditAccounts.id)
    .orderBy(desc(creditAccounts.updatedAt))
    .limit(500);
  const out = [];
  for (const { a, owedFen, overdueFen } of rows) {
    if (filter.overdue && !(Number(overdueFen) > 0)) continue;
    const p = await getPatientById(ctx, a.patientId).catch(() => undefined);
    out.push({
      id: a.id,
      agreementNo: a.agreementNo,
      patientId: a.patientId,
      patientName: p ? maskPersonName(p.name) : null,
      state: a.state,
      limitFen: a.limitFen,
      usedFen: a.usedFen,
      owedFen: Number(owedFen),
      overdueFen: Number(overdueFen),
      frictionlessEnabled: a.frictionlessEnabled,
      suspendReason: a.suspendReason,
      activatedAt: a.activatedAt.toISOString(),
      suspendedAt: a.suspendedAt?.toISOString() ?? null,
    });
  }
  return out;
}

/**
 * Finance suspends credit care by hand (e.g. a disputed charge, suspected misuse): active → suspended
 * with reason STAFF, which the overdue rules never lift; the patient is told.
 */
export async function suspendCreditByStaff(ctx: AppContext, creditAccountId: string, reason: string) {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [a] = await tx
      .update(creditAccounts)
      .set({ state: 'suspended', suspendedAt: now, suspendReason: 'STAFF', updatedAt: now })
      .where(and(eq(creditAccounts.id, creditAccountId), eq(creditAccounts.state, 'active')))
      .returning();
    if (!a) {
      const [cur] = await tx.select().from(creditAccounts).where(eq(creditAccounts.id, creditAccountId));
      if (!cur) throw accountNotFound();
      throw conflict(
        'CREDIT_NOT_ACTIVE',
        '只有正常状态的信用就医账户可以暂停',
        'Only active credit care can be suspended',
        {
          state: cur.state,
        },
      );
    }
    await notify(ctx, { accountId: a.accountId, template: 'credit.staff-suspended', data: { reason } }, tx);
    return { id: a.id, state: a.state, suspendReason: a.suspendReason, suspendedAt: now.toISOString() };
  });
}

/**
 * Finance resumes suspended credit care: suspended → active, unless it was suspended for overdue
 * charges that are still unpaid (those lift it themselves once settled).
 */
export async function resumeCreditByStaff(ctx: AppContext, creditAccountId: string) {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [cur] = await tx
      .select()
      .from(creditAccounts)
      .where(eq(creditAccounts.id, creditAccountId))
      .for('update');
    if (!cur) throw accountNotFound();
    if (cur.state !== 'suspended')
      throw conflict('CREDIT_NOT_SUSPENDED', '该信用就医账户未暂停', 'Credit care is not suspended', {
        state: cur.state,
      });
    const [overdue] = await tx
      .select({
        fen: sql<number>`coalesce(sum(${creditCharges.amountFen} - ${creditCharges.refundedFen}), 0)::int`,
      })
      .from(creditCharges)
      .where(
        and(
          eq(creditCharges.creditAccountId, cur.id),
          inArray(creditCharges.state, ['owed', 'settling']),
          sql`${creditCharges.dueAt} < ${now}`,
        ),
      );
    if (Number(overdue.fen) > 0)
      throw conflict(
        'CREDIT_OVERDUE_OUTSTANDING',
        '尚有逾期费用未结清，不能恢复信用就医',
        'Overdue charges are still unpaid; credit care cannot be resumed',
        { overdueFen: Number(overdue.fen) },
      );
    const [a] = await tx
      .update(creditAccounts)
      .set({ state: 'active', suspendedAt: null, suspendReason: null, updatedAt: now })
      .where(and(eq(creditAccounts.id, cur.id), eq(creditAccounts.state, 'suspended')))
      .returning();
    await notify(ctx, { accountId: a.accountId, template: 'credit.resumed', data: {} }, tx);
    return { id: a.id, state: a.state, suspendReason: a.suspendReason, suspendedAt: null };
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function verifiedPatient(
  ctx: AppContext,
  accountId: string,
  patientId: string,
): Promise<PatientRecord> {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  if (!p.verified)
    throw conflict('PATIENT_NOT_VERIFIED', '请先完成实名认证', 'The patient must be verified first');
  return p;
}

async function accountOf(ctx: AppContext, patientId: string): Promise<AccountRow> {
  const [a] = await ctx.db.select().from(creditAccounts).where(eq(creditAccounts.patientId, patientId));
  if (!a) throw accountNotFound();
  return a;
}

function notActive(a: AccountRow) {
  return a.state === 'suspended'
    ? conflict(
        'CREDIT_SUSPENDED',
        '信用就医已暂停，请先结清逾期费用',
        'Credit care is suspended until the overdue amount is settled',
      )
    : conflict('CREDIT_NOT_ACTIVE', '信用就医未开通或已关闭', 'Credit care is not active');
}

function applicantOf(p: PatientRecord): CreditApplicant {
  return { patientId: p.id, name: p.name, idNumber: p.idNumber, birthDate: p.birthDate };
}

function platformDown(err: unknown): never {
  if (err instanceof CreditPlatformError)
    throw new DomainError(
      'CREDIT_PLATFORM_UNAVAILABLE',
      502,
      '信用平台暂时不可用，请稍后再试',
      'The credit platform is unavailable; try again later',
    );
  throw err;
}

async function creditView(ctx: AppContext, a: AccountRow) {
  const charges = await ctx.db
    .select()
    .from(creditCharges)
    .where(eq(creditCharges.creditAccountId, a.id))
    .orderBy(desc(creditCharges.createdAt))
    .limit(200);
  const now = ctx.clock.now();
  const unsettled = charges.filter((c) => c.state !== 'settled' && outstanding(c) > 0);
  const [open] = await ctx.db
    .select()
    .from(creditSettlements)
    .where(and(eq(creditSettlements.creditAccountId, a.id), eq(creditSettlements.state, 'open')));
  return {
    patientId: a.patientId,
    state: a.state,
    limitFen: a.limitFen,
    usedFen: a.usedFen,
    availableFen: a.state === 'active' ? Math.max(0, a.limitFen - a.usedFen) : 0,
    agreementNo: a.agreementNo,
    activatedAt: a.activatedAt.toISOString(),
    suspendedAt: a.suspendedAt?.toISOString() ?? null,
    suspendReason: a.suspendReason,
    overdueFen: unsettled.filter((c) => c.dueAt < now).reduce((s, c) => s + outstanding(c), 0),
    nextDueAt: unsettled.length
      ? new Date(Math.min(...unsettled.map((c) => c.dueAt.getTime()))).toISOString()
      : null,
    frictionless: {
      signed: !!a.withholdingAgreementNo,
      signedAt: a.withholdingSignedAt?.toISOString() ?? null,
      enabled: a.frictionlessEnabled,
    },
    openSettlement: open ? await settlementView(ctx, open) : null,
    charges: charges.map((c) => ({
      id: c.id,
      orderId: c.orderId,
      orderNo: c.orderNo,
      businessType: c.businessType,
      subject: c.subject,
      amountFen: c.amountFen,
      refundedFen: c.refundedFen,
      owedFen: c.state === 'settled' ? 0 : outstanding(c),
      state: c.state,
      dueAt: c.dueAt.toISOString(),
      overdue: c.state !== 'settled' && outstanding(c) > 0 && c.dueAt < now,
      settledAt: c.settledAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
    })),
  };
}

async function settlementView(ctx: AppContext, s: typeof creditSettlements.$inferSelect) {
  const order = s.orderId ? await getPaymentOrder(ctx, s.orderId) : undefined;
  return {
    id: s.id,
    state: s.state,
    amountFen: s.amountFen,
    chargeCount: s.chargeIds.length,
    orderId: s.orderId,
    orderNo: order?.orderNo ?? null,
    orderState: order?.state ?? null,
    createdAt: s.createdAt.toISOString(),
    paidAt: s.paidAt?.toISOString() ?? null,
  };
}
