// Registration: cancellation and refund (REG-12…16).

import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { REFUND_IN_FLIGHT, refundRequester, runCompensations } from '../../platform/paid-hold.js';
import { dayjs, hospitalDay } from '../../platform/clock.js';
import { DomainError, conflict } from '../../platform/errors.js';
import { evaluateBlacklistRules } from '../blacklist/index.js';
import { getPaymentOrder, requestRefund } from '../payments/index.js';
import { freeSlot } from '../scheduling/index.js';
import { registrations } from './schema.js';
import { LIVE_STATES, registrationHold, sourcesOf } from './states.js';
import type { Registration } from './shared.js';
import { closeOrderQuietly } from './payment.js';
import { refundInsuredFee } from './insured-fee.js';
import { loadRegistration, ownRegistration } from './queries.js';
import { labelsFor, notifyRegistration } from './notices.js';

/**
 * A patient cancels (退号) inside the hospital's window: 'before_clinic_start', or 001's rule, the
 * clinic day or up to N days after it. An unpaid lock can always be given up.
 */
export async function cancelByPatient(
  ctx: AppContext,
  accountId: string,
  registrationId: string,
  reason?: string,
): Promise<Registration> {
  const reg = await ownRegistration(ctx, accountId, registrationId);
  if (reg.state === 'cancelled') return reg;
  if (!LIVE_STATES.includes(reg.state))
    throw conflict(
      'REGISTRATION_NOT_CANCELLABLE',
      '该挂号当前状态不能退号',
      'This registration cannot be cancelled now',
      {
        state: reg.state,
      },
    );
  if (reg.state === 'booked' && !withinCancelWindow(ctx, reg))
    throw conflict(
      'CANCEL_WINDOW_CLOSED',
      '已超过线上退号时限，请到窗口办理',
      'Online cancellation is closed for this registration; please go to a counter',
    );
  // 001/003 (REG-15): a paid registration is cancelled at the HIS first; the refund follows only
  // once the HIS has confirmed, so the two never disagree about whether the patient may still come.
  if (reg.state === 'booked') await cancelAtHis(ctx, reg);
  return cancelRegistration(ctx, { registrationId, by: 'patient', reason: reason?.trim() || '患者退号' });
}

async function cancelAtHis(ctx: AppContext, reg: Registration): Promise<void> {
  const order = reg.paymentOrderId ? await getPaymentOrder(ctx, reg.paymentOrderId) : undefined;
  try {
    await ctx.adapters.his.cancelRegistration(ctx, {
      registrationId: reg.id,
      orderNo: order?.orderNo ?? null,
      amountFen: reg.feeFen,
    });
  } catch (err) {
    ctx.log.warn({ err, registrationId: reg.id }, 'HIS refused or missed a registration cancellation');
    throw new DomainError(
      'HIS_UNAVAILABLE',
      502,
      '医院系统暂时无法办理退号，请稍后再试或到窗口办理',
      'The hospital system cannot cancel this registration now; try again later or at a counter',
    );
  }
}

export function withinCancelWindow(ctx: AppContext, reg: Registration): boolean {
  const now = ctx.clock.now();
  if (ctx.config.REGISTRATION_CANCEL_WINDOW === 'before_clinic_start') return now < reg.segmentStartAt;
  // 001: on the clinic day or within N days after it (过号7天内), and of course any time before.
  const today = hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE);
  const last = dayjs(reg.clinicDate).add(ctx.config.REGISTRATION_CANCEL_DAYS, 'day').format('YYYY-MM-DD');
  return today <= last;
}

/**
 * Channel-neutral cancellation: the registration is cancelled and its slot returns to the pool in
 * one transaction; an unpaid order is closed and a paid fee refunded in full afterwards (refund key =
 * registration id, so a retry never refunds twice). `by`: 'patient' | 'staff:<id>' | 'channel:<code>'
 * | 'system:clinic_stop'.
 */
export async function cancelRegistration(
  ctx: AppContext,
  input: { registrationId: string; by: string; reason: string },
): Promise<Registration> {
  const now = ctx.clock.now();
  const labels = await labelsFor(ctx, [await loadRegistration(ctx.db, input.registrationId)]);
  const cancelled = await ctx.db.transaction(async (tx) => {
    const row = await cancelInTx(ctx, tx, input.registrationId, input.by, input.reason, now);
    if (row?.accountId)
      await notifyRegistration(ctx, tx, row, 'registration.cancelled', { reason: input.reason }, labels);
    return row;
  });
  if (!cancelled) {
    const current = await loadRegistration(ctx.db, input.registrationId);
    if (current.state === 'cancelled') return current;
    throw conflict(
      'REGISTRATION_NOT_CANCELLABLE',
      '该挂号当前状态不能退号',
      'This registration cannot be cancelled now',
      {
        state: current.state,
      },
    );
  }
  await settleCancelledPayment(ctx, cancelled, input.by);
  if (cancelled.patientId && (input.by === 'patient' || input.by.startsWith('channel:')))
    await evaluateBlacklistRules(ctx, cancelled.patientId).catch((err) =>
      ctx.log.error({ err }, 'blacklist evaluation after a cancellation failed'),
    );
  return loadRegistration(ctx.db, cancelled.id);
}

export async function cancelInTx(
  ctx: AppContext,
  tx: Tx,
  registrationId: string,
  by: string,
  reason: string,
  now: Date,
): Promise<Registration | undefined> {
  const [row] = await tx
    .update(registrations)
    .set({
      state: 'cancelled',
      cancelledAt: now,
      cancelledBy: by.slice(0, 80),
      cancelReason: reason.slice(0, 200),
      lockExpiresAt: null,
      refundState: sql`CASE WHEN ${registrations.paidAt} IS NOT NULL AND NOT ${registrations.paidExternally} AND ${registrations.feeFen} > 0 THEN 'pending' ELSE 'none' END`,
      updatedAt: now,
    })
    .where(and(eq(registrations.id, registrationId), inArray(registrations.state, sourcesOf('cancelled'))))
    .returning();
  if (row)
    await runCompensations(registrationHold.compensationsOnEnd(!!row.paidAt).inTransaction, {
      release: async () => void (await freeSlot(tx, row.slotId, row.id, now)),
    });
  return row;
}

/** After a cancellation commits: close the unpaid order, or refund the paid fee. */
export async function settleCancelledPayment(ctx: AppContext, reg: Registration, by: string): Promise<void> {
  await runCompensations(registrationHold.compensationsOnEnd(!!reg.paidAt).afterCommit, {
    // owed ('pending') only when the platform collected a fee: not when paid at a counter or free
    refund: async () => {
      if (reg.refundState === 'pending') await issueRefund(ctx, reg, by);
    },
    closeOrder: async () => {
      if (reg.paymentOrderId) await closeOrderQuietly(ctx, reg.paymentOrderId, 'registration cancelled');
    },
  });
}

export async function issueRefund(ctx: AppContext, reg: Registration, by: string): Promise<void> {
  try {
    const requestedBy = refundRequester(by);
    // INS-09: a fee paid from the insurance personal account goes back to that account.
    const refund = reg.insuranceSettlementNo
      ? await refundInsuredFee(ctx, reg, requestedBy)
      : await requestRefund(ctx, {
          orderId: reg.paymentOrderId!,
          amountFen: reg.feeFen,
          reason: `退号退费：${reg.cancelReason ?? ''}`.slice(0, 200),
          refundKey: registrationHold.refundKey(reg.id),
          requestedBy,
        });
    const state = refund.state === 'requested' ? 'requested' : refund.state;
    await ctx.db
      .update(registrations)
      .set({ refundState: state, refundId: refund.id, updatedAt: ctx.clock.now() })
      .where(and(eq(registrations.id, reg.id), inArray(registrations.refundState, REFUND_IN_FLIGHT)));
  } catch (err) {
    // Left 'pending': the retry job asks again with the same refund key.
    ctx.log.error({ err, registrationId: reg.id }, 'refund request for a cancelled registration failed');
  }
}
