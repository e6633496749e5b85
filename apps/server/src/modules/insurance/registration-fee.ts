// Insurance: registration fee paid from the personal account (INS-09).

import { and, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { conflict } from '../../platform/errors.js';
import { newId, nextBusinessNumber } from '../../platform/ids.js';
import { InsuranceError, type SettlementSplit } from '../../integrations/insurance/index.js';
import { getPatientForRecords } from '../identity/index.js';
import { closePaymentOrder } from '../payments/index.js';
import {
  confirmRegistrationPaidByInsurance,
  ownRegistration,
  type Registration,
} from '../registration/index.js';
import { insuranceSettlements } from './schema.js';
import { notAuthorised, settlementNotFound, unavailable } from './shared.js';
import { credentialOf, platformCall, tokenOf } from './credential.js';
import { beginReversal, runRefund } from './reversal.js';
import { errorText, move, patch, settlementRow, settlementView, tell } from './helpers.js';

const REGISTRATION_FEE_ITEM = { code: 'GHF', name: '挂号费' };

/**
 * INS-09: pays a locked registration's fee entirely from the personal account (the pooled fund
 * pays nothing towards registration). The platform settles first; if the registration can no longer
 * be booked the settlement is cancelled. A repeated request answers the same settlement.
 */
export async function payRegistrationFromAccount(ctx: AppContext, accountId: string, registrationId: string) {
  const reg = await ownRegistration(ctx, accountId, registrationId);
  if (!reg.patientId) throw settlementNotFound();
  const p = await getPatientForRecords(ctx, accountId, reg.patientId);
  const prior = await liveRegistrationSettlement(ctx, reg.id);
  if (prior) return settlementView(ctx, prior);
  const now = ctx.clock.now();
  if (reg.state !== 'locked' || !reg.lockExpiresAt || reg.lockExpiresAt <= now || reg.feeFen <= 0)
    throw conflict(
      'REGISTRATION_NOT_PAYABLE',
      '该挂号当前不能支付（已支付、已取消或锁号已超时）',
      'This registration cannot be paid now',
      { state: reg.state },
    );
  const c = await credentialOf(ctx, p).catch(() => {
    throw notAuthorised();
  });
  const token = tokenOf(ctx, c);
  const settlementNo = await nextBusinessNumber(ctx.db, ctx.clock, 'YB');
  const request = {
    ecToken: token,
    settlementNo,
    useAccount: true,
    fundEligible: false,
    items: [{ billNo: reg.id, ...REGISTRATION_FEE_ITEM, amountFen: reg.feeFen }],
  };
  const pre = await platformCall(() => ctx.adapters.insurance.preSettle(ctx, request));
  if (pre.cashFen > 0) throw balanceInsufficient(pre.accountFen);
  const id = newId();
  const inserted = await ctx.db
    .insert(insuranceSettlements)
    .values({
      id,
      settlementNo,
      kind: 'registration',
      accountId,
      patientId: p.id,
      credentialId: c.id,
      billIds: [],
      registrationId: reg.id,
      useAccount: true,
      totalFen: reg.feeFen,
      fundFen: 0,
      accountFen: reg.feeFen,
      cashFen: 0,
      state: 'settling',
      preExpiresAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!inserted.length) {
    const raced = await liveRegistrationSettlement(ctx, reg.id);
    if (raced) return settlementView(ctx, raced);
    throw conflict(
      'INSURANCE_SETTLEMENT_CHANGED',
      '结算状态已变化，请刷新',
      'The settlement changed; reload it',
    );
  }
  let split: SettlementSplit;
  try {
    split = await ctx.adapters.insurance.settle(ctx, request);
  } catch (err) {
    if (err instanceof InsuranceError && !err.retryable) {
      await move(ctx, id, 'settling', 'failed', { lastError: errorText(err), closedAt: now });
      throw conflict(
        'INSURANCE_SETTLEMENT_REFUSED',
        '医保平台拒绝了本次结算，未产生扣费',
        'The insurance platform refused the settlement; nothing was charged',
        { reason: err.code },
      );
    }
    await beginReversal(ctx, id, 'settling', 'insurance_unanswered', {
      insuranceState: 'unknown',
      lastError: errorText(err),
    });
    throw unavailable();
  }
  // only while still settling: if the stuck-settlement sweep took it over meanwhile, its outcome stands
  // and the patient is told the settlement changed
  await patch(ctx, id, 'settling', { insuranceState: 'settled' });
  // The balance moved between the two calls: nothing is half paid, the settlement is cancelled.
  if (split.cashFen > 0) {
    await beginReversal(ctx, id, 'settling', 'balance_insufficient', {});
    throw balanceInsufficient(split.accountFen);
  }
  const booked = await confirmRegistrationPaidByInsurance(ctx, reg.id, settlementNo);
  if (!booked) {
    await beginReversal(ctx, id, 'settling', 'registration_not_payable', {});
    throw conflict(
      'REGISTRATION_NOT_PAYABLE',
      '该挂号当前不能支付（已支付、已取消或锁号已超时），医保个账扣款已撤销',
      'This registration cannot be paid now; the personal-account payment was cancelled',
    );
  }
  const settled = await move(ctx, id, 'settling', 'settled', { settledAt: ctx.clock.now() });
  if (settled) await tell(ctx, settled, 'insurance.settled');
  // The registration's cash order can no longer be used (a late payment of it is refunded anyway).
  if (reg.paymentOrderId)
    await closePaymentOrder(ctx, reg.paymentOrderId, 'paid from the insurance personal account').catch(
      (err) =>
        ctx.log.warn({ err, registrationId: reg.id }, 'cash order of an insured registration not closed'),
    );
  return settlementView(ctx, await settlementRow(ctx, id));
}

/**
 * Registration's refunder (INS-09): a cancelled registration's fee goes back to the personal account.
 * Throws while the platform has not refunded it, so registration's retry asks again later.
 */
export async function refundRegistrationFee(ctx: AppContext, reg: Registration, requestedBy: string) {
  const s = await liveRegistrationSettlement(ctx, reg.id);
  if (!s) throw settlementNotFound();
  if (s.state === 'settled')
    await move(ctx, s.id, 'settled', 'refunding', {
      requestedBy,
      reason: 'registration_cancelled',
      nextAttemptAt: ctx.clock.now(),
    });
  await runRefund(ctx, s.id);
  const after = await settlementRow(ctx, s.id);
  if (after.state !== 'refunded') throw unavailable();
  return { id: after.id, state: 'succeeded' as const };
}

async function liveRegistrationSettlement(ctx: AppContext, registrationId: string) {
  const [s] = await ctx.db
    .select()
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.registrationId, registrationId),
        inArray(insuranceSettlements.state, ['settling', 'settled', 'reversing', 'refunding', 'refunded']),
      ),
    );
  return s;
}

const balanceInsufficient = (availableFen: number) =>
  conflict(
    'INSURANCE_BALANCE_INSUFFICIENT',
    '医保个人账户余额不足，请使用其他方式支付',
    'The personal account balance does not cover the fee; pay another way',
    { availableFen },
  );
