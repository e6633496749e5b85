// Insurance: secondary settlement (INS-15).

import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { conflict } from '../../platform/errors.js';
import { newId, nextBusinessNumber } from '../../platform/ids.js';
import { hospitalDay } from '../../platform/clock.js';
import { InsuranceError, type SettlementSplit } from '../../integrations/insurance/index.js';
import { getPatientById, getPatientForRecords } from '../identity/index.js';
import { requestRefund } from '../payments/index.js';
import { billsForSettlement, listBills } from '../billing/index.js';
import { insuranceCredentials, insuranceSettlementBills, insuranceSettlements } from './schema.js';
import { LIVE_STATES, nameMismatch, notAuthorised, unavailable } from './shared.js';
import { credentialOf, sameName, tokenOf } from './credential.js';
import { beginReversal } from './reversal.js';
import {
  billSplits,
  errorText,
  itemsOf,
  move,
  noteFailure,
  settlementRow,
  settlementView,
  tell,
} from './helpers.js';

export type SecondaryIneligibility =
  | 'NOT_PAID'
  | 'NOT_MOBILE_PAID'
  | 'NOT_CONFIRMED'
  | 'INVOICE_PRINTED'
  | 'REFUNDED'
  | 'WINDOW_PASSED'
  | 'ALREADY_SETTLED';

/**
 * 002 1.2.4: only bills paid by phone (cash, no insurance), confirmed by the HIS, with no printed
 * invoice, not refunded, and paid within INSURANCE_SECONDARY_DAYS hospital days qualify.
 */
export async function secondaryEligibility(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const insured = await credentialOf(ctx, p).then(
    () => true,
    () => false,
  );
  const paid = await listBills(ctx, accountId, patientId, 'all');
  const candidates = paid.filter((b) => b.state !== 'pending');
  if (!candidates.length) return { insured, items: [] };
  const detailed = await billsForSettlement(
    ctx,
    p,
    candidates.map((b) => b.id),
  );
  const reasons = await ineligibility(ctx, detailed);
  return {
    insured,
    items: candidates.map((b) => ({
      id: b.id,
      billNo: b.billNo,
      title: b.title,
      kind: b.kind,
      amountFen: b.amountFen,
      paidAt: b.paidAt,
      eligible: !reasons.get(b.id),
      reason: reasons.get(b.id) ?? null,
    })),
  };
}

/**
 * INS-15: settles bills already paid in cash with insurance in one go; the reimbursed part (fund
 * and personal account) goes back to each bill's original cash payment.
 */
export async function secondarySettle(
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
  if (bills.some((b) => !sameName(b.visitPatientName, c.holderName))) throw nameMismatch();
  const now = ctx.clock.now();
  const id = newId();
  const settlementNo = await nextBusinessNumber(ctx.db, ctx.clock, 'YB');
  const totalFen = bills.reduce((s, b) => s + b.bill.amountFen, 0);
  // The credential row serialises one patient's secondary settlements, so a bill is settled once.
  await ctx.db.transaction(async (tx) => {
    await tx.select().from(insuranceCredentials).where(eq(insuranceCredentials.id, c.id)).for('update');
    const reasons = await ineligibility(ctx, bills, tx);
    for (const b of bills) {
      const reason = reasons.get(b.bill.id);
      if (reason)
        throw conflict(
          'SECONDARY_SETTLEMENT_NOT_ELIGIBLE',
          '所选单据不符合医保二次结算条件',
          `Bill ${b.bill.billNo} does not qualify for secondary settlement: ${reason}`,
          { billNo: b.bill.billNo, reason },
        );
    }
    await tx.insert(insuranceSettlements).values({
      id,
      settlementNo,
      kind: 'secondary',
      accountId,
      patientId: p.id,
      credentialId: c.id,
      billIds: bills.map((b) => b.bill.id),
      useAccount: input.useAccount,
      totalFen,
      fundFen: 0,
      accountFen: 0,
      cashFen: totalFen,
      state: 'settling',
      preExpiresAt: now,
      createdAt: now,
      updatedAt: now,
    });
  });
  let split: SettlementSplit;
  try {
    split = await ctx.adapters.insurance.settle(ctx, {
      ecToken: token,
      settlementNo,
      useAccount: input.useAccount,
      items: itemsOf(bills),
    });
  } catch (err) {
    if (err instanceof InsuranceError && !err.retryable) {
      await move(ctx, id, 'settling', 'failed', { lastError: errorText(err), closedAt: now });
      throw conflict(
        'INSURANCE_SETTLEMENT_REFUSED',
        '医保平台拒绝了本次结算',
        'The insurance platform refused the settlement',
        { reason: err.code },
      );
    }
    await beginReversal(ctx, id, 'settling', 'insurance_unanswered', {
      insuranceState: 'unknown',
      lastError: errorText(err),
    });
    throw unavailable();
  }
  await ctx.db.transaction(async (tx) => {
    await tx.insert(insuranceSettlementBills).values(billSplits(id, bills, split));
    await tx
      .update(insuranceSettlements)
      .set({
        fundFen: split.fundFen,
        accountFen: split.accountFen,
        cashFen: split.cashFen,
        insuranceState: 'settled',
        state: 'cash_pending',
        // the bills' own cash orders receive the reimbursement; the first one marks the state
        cashOrderId: bills[0].payment!.orderId,
        cashPaid: true,
        updatedAt: ctx.clock.now(),
      })
      .where(and(eq(insuranceSettlements.id, id), eq(insuranceSettlements.state, 'settling')));
  });
  await finishSecondary(ctx, id);
  return settlementView(ctx, await settlementRow(ctx, id));
}

/** Refunds each cash payment its bills' reimbursed part (idempotent per order), then settled. */
export async function finishSecondary(ctx: AppContext, settlementId: string) {
  const s = await settlementRow(ctx, settlementId);
  if (s.state !== 'cash_pending' || s.kind !== 'secondary') return;
  const parts = await ctx.db
    .select()
    .from(insuranceSettlementBills)
    .where(eq(insuranceSettlementBills.settlementId, s.id));
  const p = await getPatientById(ctx, s.patientId);
  const bills = await billsForSettlement(ctx, p, s.billIds);
  const byOrder = new Map<string, number>();
  for (const b of bills) {
    const part = parts.find((x) => x.billId === b.bill.id)!;
    const orderId = b.payment!.orderId!;
    byOrder.set(orderId, (byOrder.get(orderId) ?? 0) + part.fundFen + part.accountFen);
  }
  const refundIds: string[] = [];
  try {
    for (const [orderId, amountFen] of byOrder) {
      if (amountFen <= 0) continue;
      const r = await requestRefund(ctx, {
        orderId,
        amountFen,
        reason: `医保二次结算 ${s.settlementNo}，报销部分原路退回 / insurance reimbursement`,
        refundKey: `insurance-secondary:${s.id}:${orderId}`,
        requestedBy: 'system',
      });
      refundIds.push(r.id);
    }
  } catch (err) {
    await noteFailure(ctx, s, err);
    return;
  }
  const now = ctx.clock.now();
  const settled = await move(ctx, s.id, 'cash_pending', 'settled', {
    cashRefundIds: refundIds,
    settledAt: now,
    lastError: null,
  });
  if (settled) await tell(ctx, settled, 'insurance.settled');
}

async function ineligibility(
  ctx: AppContext,
  bills: Awaited<ReturnType<typeof billsForSettlement>>,
  db: DbOrTx = ctx.db,
) {
  const ids = bills.map((b) => b.bill.id);
  const live = ids.length
    ? await db
        .select({ billIds: insuranceSettlements.billIds })
        .from(insuranceSettlements)
        .where(
          and(
            inArray(insuranceSettlements.state, LIVE_STATES),
            sql`${insuranceSettlements.billIds} && ${sql.param(ids)}::text[]`,
          ),
        )
    : [];
  const settled = new Set(live.flatMap((s) => s.billIds));
  const today = ctx.clock.today();
  const out = new Map<string, SecondaryIneligibility>();
  for (const { bill: b, payment } of bills) {
    let reason: SecondaryIneligibility | undefined;
    if (b.state === 'refunded') reason = 'REFUNDED';
    else if (b.state === 'pending' || !payment || !b.paidAt) reason = 'NOT_PAID';
    else if (!payment.orderId || payment.settlementNo) reason = 'NOT_MOBILE_PAID';
    else if (settled.has(b.id)) reason = 'ALREADY_SETTLED';
    else if (b.state !== 'confirmed') reason = 'NOT_CONFIRMED';
    else if (b.invoiced) reason = 'INVOICE_PRINTED';
    else {
      const days = Math.round(
        (Date.parse(today) - Date.parse(hospitalDay(b.paidAt, ctx.config.HOSPITAL_TIMEZONE))) / 86_400_000,
      );
      if (days >= ctx.config.INSURANCE_SECONDARY_DAYS) reason = 'WINDOW_PASSED';
    }
    if (reason) out.set(b.id, reason);
  }
  return out;
}
