// Insurance: reversal and refund (INS-10, INS-11), driven by the sweep until each part is done.

import { and, eq, inArray, isNotNull, lt, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { conflict } from '../../platform/errors.js';
import { getPaymentOrder, requestRefund } from '../payments/index.js';
import { refundSettlementBills, refusedAtCounter, releaseBillHold } from '../billing/index.js';
import { loadRegistration } from '../registration/index.js';
import { insuranceSettlements, type InsuranceSettlementState } from './schema.js';
import { LIVE_STATES, settlementNotFound, type SettlementRow, STALE_SETTLING_MS } from './shared.js';
import { finishSecondary } from './secondary.js';
import { move, noteFailure, ownSettlement, patch, settlementRow, settlementView, tell } from './helpers.js';

export async function beginReversal(
  ctx: AppContext,
  settlementId: string,
  from: InsuranceSettlementState,
  reason: string,
  extra: Partial<SettlementRow>,
) {
  const moved = await move(ctx, settlementId, from, 'reversing', {
    reason,
    nextAttemptAt: ctx.clock.now(),
    ...extra,
  });
  if (moved) await runReversal(ctx, settlementId);
}

/**
 * One pass of a reversal: cancel the insurance part (idempotent at the platform), refund a paid
 * cash part, give the bills back. A failing step is retried by the sweep with backoff.
 */
export async function runReversal(ctx: AppContext, settlementId: string): Promise<void> {
  let s = await settlementRow(ctx, settlementId);
  if (s.state !== 'reversing') return;
  try {
    if (s.insuranceState === 'settled' || s.insuranceState === 'unknown') {
      await ctx.adapters.insurance.cancel(ctx, s.settlementNo, s.reason ?? 'reversal');
      s = await patch(ctx, s.id, 'reversing', { insuranceState: 'cancelled' });
    }
    if (s.cashPaid && s.cashFen > 0 && !s.cashRefundIds.length) {
      const refund = await requestRefund(ctx, {
        orderId: s.cashOrderId!,
        amountFen: s.cashFen,
        reason: `医保结算撤销，自付部分原路退回 / insurance settlement reversed (${s.reason})`,
        refundKey: `insurance-reversal:${s.id}`,
        requestedBy: 'system',
      });
      s = await patch(ctx, s.id, 'reversing', { cashRefundIds: [refund.id] });
    }
    if (s.billPaymentId) await releaseBillHold(ctx, s.billPaymentId);
  } catch (err) {
    await noteFailure(ctx, s, err);
    return;
  }
  const reversed = await move(ctx, s.id, 'reversing', 'reversed', {
    closedAt: ctx.clock.now(),
    lastError: null,
  });
  if (reversed && reversed.reason !== 'cancelled_by_patient') await tell(ctx, reversed, 'insurance.reversed');
}

/**
 * INS-11: refunds a settled payment by the original route — fund and personal account through the
 * insurance platform, cash through the payment platform — under billing's online refund rules
 * (staff at the counter skip only the time window).
 */
export async function refundSettlement(ctx: AppContext, accountId: string, settlementId: string) {
  const s = await ownSettlement(ctx, accountId, settlementId);
  await startRefund(ctx, s, { requestedBy: 'patient', ignoreWindow: false });
  return settlementView(ctx, await settlementRow(ctx, s.id));
}

export async function startRefund(
  ctx: AppContext,
  s: SettlementRow,
  opts: { requestedBy: string; ignoreWindow: boolean; reason?: string },
) {
  if (s.state === 'refunding' || s.state === 'refunded') return;
  if (s.state !== 'settled')
    throw conflict(
      'INSURANCE_SETTLEMENT_NOT_REFUNDABLE',
      '该医保结算当前不能退费',
      'This insurance settlement cannot be refunded now',
      { state: s.state },
    );
  if (s.kind === 'secondary')
    throw refusedAtCounter('INSURANCE_SECONDARY_SETTLED', s.settlementNo, '医保二次结算的单据');
  await refundSettlementBills(ctx, s.billPaymentId!, {
    refundKey: `insurance-refund:${s.id}`,
    ignoreWindow: opts.ignoreWindow,
    moneyBack: async () => {
      const moved = await move(ctx, s.id, 'settled', 'refunding', {
        requestedBy: opts.requestedBy,
        reason: opts.reason ?? 'refund',
        nextAttemptAt: ctx.clock.now(),
      });
      if (!moved)
        throw conflict(
          'INSURANCE_SETTLEMENT_CHANGED',
          '结算状态已变化，请刷新',
          'The settlement changed; reload it',
        );
      return s.settlementNo;
    },
  });
  await runRefund(ctx, s.id);
}

export async function runRefund(ctx: AppContext, settlementId: string): Promise<void> {
  let s = await settlementRow(ctx, settlementId);
  if (s.state !== 'refunding') return;
  try {
    if (s.insuranceState === 'settled') {
      await ctx.adapters.insurance.refund(ctx, s.settlementNo, `${s.settlementNo}R`, s.reason ?? 'refund');
      s = await patch(ctx, s.id, 'refunding', { insuranceState: 'refunded' });
    }
    if (s.cashPaid && s.cashFen > 0 && !s.cashRefundIds.length) {
      const refund = await requestRefund(ctx, {
        orderId: s.cashOrderId!,
        amountFen: s.cashFen,
        reason: '医保结算退费，自付部分原路退回 / insurance settlement refunded',
        refundKey: `insurance-refund:${s.id}`,
        requestedBy: s.requestedBy ?? 'patient',
      });
      s = await patch(ctx, s.id, 'refunding', { cashRefundIds: [refund.id] });
    }
  } catch (err) {
    await noteFailure(ctx, s, err);
    return;
  }
  const refunded = await move(ctx, s.id, 'refunding', 'refunded', {
    closedAt: ctx.clock.now(),
    lastError: null,
  });
  if (refunded) await tell(ctx, refunded, 'insurance.refunded');
}

/** Billing's hook: the HIS never took the write-back of a settled payment; every part is reversed. */
export async function reverseAfterWriteBackFailure(ctx: AppContext, billPaymentId: string): Promise<string> {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(eq(insuranceSettlements.billPaymentId, billPaymentId));
  if (!s) throw settlementNotFound();
  await beginReversal(ctx, s.id, 'settled', 'his_writeback_failed', {});
  return s.settlementNo;
}

/** Billing's hook: bills whose money is partly insurance's (secondary settlement) are refunded at the counter. */
export async function refuseRefundOfInsuredBills(ctx: AppContext, rows: { id: string; billNo: string }[]) {
  if (!rows.length) return;
  const live = await ctx.db
    .select({ billIds: insuranceSettlements.billIds })
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.kind, 'secondary'),
        inArray(insuranceSettlements.state, LIVE_STATES),
        sql`${insuranceSettlements.billIds} && ${sql.param(rows.map((r) => r.id))}::text[]`,
      ),
    );
  const taken = new Set(live.flatMap((s) => s.billIds));
  const hit = rows.find((r) => taken.has(r.id));
  if (hit) throw refusedAtCounter('INSURANCE_SECONDARY_SETTLED', hit.billNo, '该单据已医保二次结算');
}

/**
 * The minute sweep: reversals and refunds due for another try, settle calls a crash interrupted,
 * cash orders that closed without telling us, and pre-settlements that ran out.
 */
export async function insuranceSweep(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({
      id: insuranceSettlements.id,
      state: insuranceSettlements.state,
      kind: insuranceSettlements.kind,
    })
    .from(insuranceSettlements)
    .where(
      and(
        inArray(insuranceSettlements.state, ['reversing', 'refunding']),
        lte(insuranceSettlements.nextAttemptAt, now),
      ),
    )
    .limit(100);
  for (const d of due) {
    try {
      if (d.state === 'reversing') await runReversal(ctx, d.id);
      else await runRefund(ctx, d.id);
    } catch (err) {
      ctx.log.error({ err, settlementId: d.id }, 'insurance reversal/refund pass failed');
    }
  }
  const stale = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.state, 'settling'),
        lt(insuranceSettlements.updatedAt, new Date(now.getTime() - STALE_SETTLING_MS)),
      ),
    )
    .limit(100);
  for (const s of stale) {
    // A registration booked by this settlement before the crash keeps it.
    if (s.registrationId) {
      const reg = await loadRegistration(ctx.db, s.registrationId).catch(() => undefined);
      if (reg?.insuranceSettlementNo === s.settlementNo) {
        await move(ctx, s.id, 'settling', 'settled', { insuranceState: 'settled', settledAt: now });
        continue;
      }
    }
    await beginReversal(ctx, s.id, 'settling', 'settle_interrupted', {
      insuranceState: s.insuranceState === 'none' ? 'unknown' : s.insuranceState,
    }).catch((err) => ctx.log.error({ err, settlementId: s.id }, 'insurance reversal failed'));
  }
  const waiting = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(and(eq(insuranceSettlements.state, 'cash_pending'), isNotNull(insuranceSettlements.cashOrderId)))
    .limit(200);
  for (const s of waiting) {
    if (s.kind === 'secondary') {
      await finishSecondary(ctx, s.id).catch((err) =>
        ctx.log.error({ err, settlementId: s.id }, 'secondary settlement refunds failed'),
      );
      continue;
    }
    const order = await getPaymentOrder(ctx, s.cashOrderId!);
    if (order?.state === 'closed')
      await beginReversal(ctx, s.id, 'cash_pending', 'cash_not_paid', {}).catch((err) =>
        ctx.log.error({ err, settlementId: s.id }, 'insurance reversal failed'),
      );
  }
  await ctx.db
    .update(insuranceSettlements)
    .set({ state: 'expired', closedAt: now, updatedAt: now })
    .where(and(eq(insuranceSettlements.state, 'pre_settled'), lte(insuranceSettlements.preExpiresAt, now)));
}
