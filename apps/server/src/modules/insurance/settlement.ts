// Insurance: bills, pre-settlement and settlement (INS-06 … INS-08).

import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { DomainError, conflict } from '../../platform/errors.js';
import { newId, nextBusinessNumber } from '../../platform/ids.js';
import { InsuranceError, type SettlementSplit } from '../../integrations/insurance/index.js';
import { getPatientById, getPatientForRecords } from '../identity/index.js';
import type { PaymentOrderView } from '../payments/index.js';
import { closePaymentOrder, createPaymentOrder } from '../payments/index.js';
import {
  attemptWriteBack,
  billsForSettlement,
  holdBillsForSettlement,
  markBillPaymentPaid,
  pendingBillsOf,
  releaseBillHold,
} from '../billing/index.js';
import { insuranceSettlementBills, insuranceSettlements, type InsuranceSettlementState } from './schema.js';
import {
  BUSINESS_TYPE,
  HOLD_MARGIN_MS,
  nameMismatch,
  notAuthorised,
  type SettlementRow,
  unavailable,
} from './shared.js';
import { credentialOf, platformCall, sameName, tokenOf } from './credential.js';
import { beginReversal } from './reversal.js';
import {
  billSplits,
  errorText,
  gteExpiry,
  itemsOf,
  move,
  ownSettlement,
  preSettlementExpired,
  settlementRow,
  settlementView,
  tell,
} from './helpers.js';

/** INS-06: the pending bills insurance can settle (not in a live payment), and whether the patient is authorised. */
export async function insurableBills(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const authorised = await credentialOf(ctx, p).then(
    () => true,
    () => false,
  );
  const items = (await pendingBillsOf(ctx, accountId, patientId)).filter((b) => !b.inPayment);
  return { authorised, items };
}

/**
 * INS-07: asks the insurance platform to split the bills into pooled fund, personal account and
 * cash. The answer is valid for INSURANCE_PRE_SETTLEMENT_MINUTES; settlement needs a valid one.
 */
export async function preSettle(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; billIds: string[]; useAccount: boolean },
) {
  const p = await getPatientForRecords(ctx, accountId, input.patientId);
  const c = await credentialOf(ctx, p).catch(() => {
    throw notAuthorised();
  });
  const token = tokenOf(ctx, c);
  const bills = await billsForSettlement(ctx, p, input.billIds);
  const notPending = bills.filter((b) => b.bill.state !== 'pending');
  if (notPending.length)
    throw conflict('BILL_NOT_PENDING', '所选单据已缴费或已退费', 'Some bills are not pending', {
      billIds: notPending.map((b) => b.bill.id),
    });
  // INS-04: the name on the prescription must be the credential's real name.
  if (bills.some((b) => !sameName(b.visitPatientName, c.holderName))) throw nameMismatch();
  const now = ctx.clock.now();
  const settlementNo = await nextBusinessNumber(ctx.db, ctx.clock, 'YB');
  const split = await platformCall(() =>
    ctx.adapters.insurance.preSettle(ctx, {
      ecToken: token,
      settlementNo,
      useAccount: input.useAccount,
      items: itemsOf(bills),
    }),
  );
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(insuranceSettlements).values({
      id,
      settlementNo,
      kind: 'outpatient',
      accountId,
      patientId: p.id,
      credentialId: c.id,
      billIds: bills.map((b) => b.bill.id),
      useAccount: input.useAccount,
      totalFen: split.totalFen,
      fundFen: split.fundFen,
      accountFen: split.accountFen,
      cashFen: split.cashFen,
      state: 'pre_settled',
      preExpiresAt: new Date(now.getTime() + ctx.config.INSURANCE_PRE_SETTLEMENT_MINUTES * 60_000),
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(insuranceSettlementBills).values(billSplits(id, bills, split));
  });
  return settlementView(ctx, await settlementRow(ctx, id));
}

/**
 * INS-08: settles a valid pre-settlement. The insurance part is settled at the platform first;
 * the cash part becomes a payment order. If either part fails the other is reversed. A repeated
 * request answers the settlement as it stands.
 */
export async function settle(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  if (s.state !== 'pre_settled') {
    if (['settling', 'cash_pending', 'settled', 'refunding', 'refunded'].includes(s.state))
      return settlementView(ctx, s);
    if (s.state === 'expired') throw preSettlementExpired();
    throw conflict('INSURANCE_SETTLEMENT_CLOSED', '该医保结算已结束', 'This insurance settlement is closed', {
      state: s.state,
    });
  }
  const now = ctx.clock.now();
  if (s.preExpiresAt <= now) {
    await move(ctx, s.id, 'pre_settled', 'expired', { closedAt: now });
    throw preSettlementExpired();
  }
  const p = await getPatientById(ctx, s.patientId);
  const c = await credentialOf(ctx, p).catch(() => {
    throw notAuthorised();
  });
  const token = tokenOf(ctx, c);
  const bills = await billsForSettlement(ctx, p, s.billIds);
  if (bills.some((b) => !sameName(b.visitPatientName, c.holderName))) throw nameMismatch();
  if (bills.reduce((sum, b) => sum + b.bill.amountFen, 0) !== s.totalFen)
    throw conflict(
      'PRE_SETTLEMENT_STALE',
      '单据金额已变化，请重新预结算',
      'The bills changed since the pre-settlement; pre-settle again',
    );
  // Double submit: only one request moves it out of pre_settled; the other answers its state.
  const claimed = await move(ctx, s.id, 'pre_settled', 'settling', {}, gteExpiry(now));
  if (!claimed) return settlementView(ctx, await settlementRow(ctx, s.id));
  let holdId: string;
  try {
    holdId = await holdBillsForSettlement(ctx, {
      accountId: s.accountId,
      patient: p,
      billIds: s.billIds,
      settlementNo: s.settlementNo,
      expiresAt: new Date(now.getTime() + ctx.config.INSURANCE_CASH_MINUTES * 60_000 + HOLD_MARGIN_MS),
    });
  } catch (err) {
    await move(ctx, s.id, 'settling', 'pre_settled', {});
    throw err;
  }
  await ctx.db
    .update(insuranceSettlements)
    .set({ billPaymentId: holdId, updatedAt: ctx.clock.now() })
    .where(eq(insuranceSettlements.id, s.id));
  let split: SettlementSplit;
  try {
    split = await ctx.adapters.insurance.settle(ctx, {
      ecToken: token,
      settlementNo: s.settlementNo,
      useAccount: s.useAccount,
      items: itemsOf(bills),
    });
  } catch (err) {
    const error = errorText(err);
    if (err instanceof InsuranceError && !err.retryable) {
      // Refused for good: nothing was charged anywhere.
      await move(ctx, s.id, 'settling', 'failed', {
        lastError: error,
        reason: 'insurance_refused',
        closedAt: now,
      });
      await releaseBillHold(ctx, holdId);
      throw conflict(
        'INSURANCE_SETTLEMENT_REFUSED',
        '医保平台拒绝了本次结算，未产生扣费',
        'The insurance platform refused the settlement; nothing was charged',
        { reason: err.code },
      );
    }
    // No answer: the platform may have settled it; cancel it (idempotent) before anything else.
    await beginReversal(ctx, s.id, 'settling', 'insurance_unanswered', {
      insuranceState: 'unknown',
      lastError: error,
    });
    throw unavailable();
  }
  const [recorded] = await ctx.db
    .update(insuranceSettlements)
    .set({
      fundFen: split.fundFen,
      accountFen: split.accountFen,
      cashFen: split.cashFen,
      insuranceState: 'settled',
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(insuranceSettlements.id, s.id), eq(insuranceSettlements.state, 'settling')))
    .returning();
  if (!recorded) return settlementView(ctx, await settlementRow(ctx, s.id));
  await ctx.db.transaction(async (tx) => {
    await tx.delete(insuranceSettlementBills).where(eq(insuranceSettlementBills.settlementId, s.id));
    await tx.insert(insuranceSettlementBills).values(billSplits(s.id, bills, split));
  });
  if (split.cashFen === 0) {
    await completeSettlement(ctx, recorded, 'settling', null, ctx.clock.now());
    return settlementView(ctx, await settlementRow(ctx, s.id));
  }
  try {
    const order = await createPaymentOrder(ctx, {
      businessType: BUSINESS_TYPE,
      businessId: s.id,
      accountId: s.accountId,
      patientId: s.patientId,
      amountFen: split.cashFen,
      subject: `医保结算自付部分 ${s.billIds.length} 张单据`,
      expiresAt: new Date(ctx.clock.now().getTime() + ctx.config.INSURANCE_CASH_MINUTES * 60_000),
      idempotencyKey: `insurance-cash:${s.id}`,
    });
    await move(ctx, s.id, 'settling', 'cash_pending', { cashOrderId: order.id });
  } catch (err) {
    await beginReversal(ctx, s.id, 'settling', 'cash_order_failed', { lastError: errorText(err) });
    throw err instanceof DomainError ? err : unavailable();
  }
  return settlementView(ctx, await settlementRow(ctx, s.id));
}

/** INS-07: direct settlement — the pre-settlement and the settlement in one request. */
export async function settleDirectly(
  ctx: AppContext,
  accountId: string,
  input: { patientId: string; billIds: string[]; useAccount: boolean },
) {
  const pre = await preSettle(ctx, accountId, input);
  return settle(ctx, accountId, pre.id);
}

/** The cash part was paid (payment platform's onPaid): both parts succeeded, the bills become paid. */
export async function onCashPaid(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const s = await settlementRow(ctx, order.businessId);
  try {
    await completeSettlement(ctx, s, 'cash_pending', order.id, order.paidAt ?? ctx.clock.now());
  } catch (err) {
    // Throwing makes the payment platform refund the cash in full; insurance is reversed here.
    if (err instanceof DomainError && err.code === 'BILL_NOT_PAYABLE')
      await beginReversal(ctx, s.id, 'cash_pending', 'bills_unavailable', {});
    throw err;
  }
}

/** The cash order closed unpaid (expired or cancelled): the insurance part is reversed. */
export async function onCashClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  await beginReversal(ctx, order.businessId, 'cash_pending', 'cash_not_paid', {});
}

async function completeSettlement(
  ctx: AppContext,
  s: SettlementRow,
  from: InsuranceSettlementState,
  orderId: string | null,
  paidAt: Date,
) {
  const done = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const [u] = await tx
      .update(insuranceSettlements)
      .set({ state: 'settled', cashPaid: orderId !== null, settledAt: now, updatedAt: now })
      .where(and(eq(insuranceSettlements.id, s.id), eq(insuranceSettlements.state, from)))
      .returning();
    if (!u)
      throw conflict(
        'INSURANCE_SETTLEMENT_NOT_PAYABLE',
        '该医保结算已撤销，现金部分将原路退回',
        'The insurance settlement was reversed; the cash part is refunded',
      );
    await markBillPaymentPaid(ctx, tx, s.billPaymentId!, { orderId, referenceNo: s.settlementNo, paidAt });
    return u;
  });
  await tell(ctx, done, 'insurance.settled');
  // Both parts are in: a write-back problem from here on is billing's to retry, never a reason to
  // undo the payment.
  await attemptWriteBack(ctx, done.billPaymentId!).catch((err) =>
    ctx.log.error(
      { err, settlementId: s.id },
      'write-back after an insurance settlement failed; the sweep retries',
    ),
  );
}

/** INS-10 (patient): gives up a settlement whose cash part is not paid yet; the insurance part is reversed. */
export async function cancelSettlement(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  await cancelUnpaid(ctx, s, 'cancelled_by_patient', 'patient');
  return settlementView(ctx, await settlementRow(ctx, s.id));
}

export async function cancelUnpaid(ctx: AppContext, s: SettlementRow, reason: string, by: string) {
  const now = ctx.clock.now();
  if (s.state === 'reversing' || s.state === 'reversed') return;
  if (s.state === 'pre_settled') {
    await move(ctx, s.id, 'pre_settled', 'reversed', { reason, requestedBy: by, closedAt: now });
    return;
  }
  if (s.state !== 'cash_pending')
    throw conflict(
      'INSURANCE_SETTLEMENT_NOT_CANCELLABLE',
      '该医保结算当前不能撤销',
      'This insurance settlement cannot be cancelled now',
      { state: s.state },
    );
  // The cash order is closed first, so it can no longer be paid; a paid one cannot be cancelled.
  await closePaymentOrder(ctx, s.cashOrderId!, reason).catch((err) => {
    if (err instanceof DomainError && err.code === 'PAYMENT_ORDER_ALREADY_PAID')
      throw conflict(
        'INSURANCE_CASH_ALREADY_PAID',
        '自付部分已支付，请改为申请退费',
        'The cash part is already paid; request a refund instead',
      );
    throw err;
  });
  await beginReversal(ctx, s.id, 'cash_pending', reason, { requestedBy: by });
}
