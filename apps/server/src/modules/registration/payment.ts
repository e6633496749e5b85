// Registration: payment (REG-07, REG-08) — confirming a paid lock, expiring unpaid ones.

import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { runCompensations } from '../../platform/paid-hold.js';
import { DomainError, conflict } from '../../platform/errors.js';
import type { PaymentOrderView, RefundView } from '../payments/index.js';
import { PaymentSettled, closePaymentOrder } from '../payments/index.js';
import type { BookingChannel } from '../scheduling/index.js';
import { freeSlot, markSlotBooked } from '../scheduling/index.js';
import { checkInWindowOf } from '../scheduling/index.js';
import { registrations } from './schema.js';
import { LIVE_STATES, registrationHold, sourcesOf } from './states.js';
import { RegistrationPaid } from './events.js';
import { BUSINESS_TYPE, notFoundRegistration, type Registration } from './shared.js';
import { cancelInTx } from './cancellation.js';
import { checkInPaidInTx } from './check-in.js';
import { loadRegistration } from './queries.js';
import { labelsFor, notifyRegistration } from './notices.js';

/**
 * The payments platform's business step: a paid order confirms its registration while the lock is
 * live. Otherwise it throws, and payments refunds the order and lists it as abnormal.
 */
export async function confirmPaidRegistration(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  const now = ctx.clock.now();
  const paidAt = order.paidAt ?? now;
  const before = await loadRegistration(ctx.db, order.businessId).catch(() => undefined);
  const labels = before ? await labelsFor(ctx, [before]) : undefined;
  const settled = PaymentSettled({ sourceType: BUSINESS_TYPE, sourceId: order.businessId });
  // once committed, the HIS delivery is queued and invoicing requests the e-invoice, in that order
  const confirmed = await ctx.events.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({
        state: 'booked',
        paidAt,
        bookedAt: now,
        paymentOrderId: order.id,
        lockExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(registrations.id, order.businessId),
          eq(registrations.state, 'locked'),
          gte(registrations.lockExpiresAt, paidAt),
          // a notification arriving after check-in closed books nothing the patient could use
          checkInStillOpen(ctx, now),
          or(isNull(registrations.paymentOrderId), eq(registrations.paymentOrderId, order.id)),
        ),
      )
      .returning();
    if (!row) {
      const checkedIn = await checkInPaidInTx(ctx, tx, order, paidAt, now, labels);
      if (checkedIn) await ctx.events.publish(tx, settled);
      return checkedIn;
    }
    if (!(await markSlotBooked(tx, row.slotId, row.id, now)))
      throw new Error('slot not held by its registration');
    if (row.accountId) await notifyRegistration(ctx, tx, row, 'registration.paid', {}, labels);
    await ctx.events.publish(tx, RegistrationPaid({ registrationId: row.id })); // the HIS records the 挂号
    await ctx.events.publish(tx, settled);
    return row;
  });
  if (confirmed) return;
  const current = await loadRegistration(ctx.db, order.businessId).catch(() => undefined);
  if (
    current &&
    current.paymentOrderId === order.id &&
    current.paidAt &&
    ['booked', 'checked_in', 'completed'].includes(current.state)
  )
    return; // already confirmed by an earlier delivery
  if (
    current &&
    current.state === 'locked' &&
    checkInWindowOf(ctx.config, current.segmentStartAt).closesAt < now
  )
    throw new DomainError(
      'REGISTRATION_CHECKIN_CLOSED',
      409,
      '付款到账时该号源已过取号时间，挂号未成功，款项将原路退回',
      'The payment arrived after check-in for this slot had closed; nothing was booked and the payment will be refunded',
      { registrationId: order.businessId, state: current.state },
    );
  throw new DomainError(
    'REGISTRATION_LOCK_EXPIRED',
    409,
    '号源锁定已超时释放，款项将原路退回',
    'The slot lock had expired; the payment will be refunded',
    { registrationId: order.businessId, state: current?.state ?? null },
  );
}

/** SQL: the registration's segment can still be checked in at `now`. */
const checkInStillOpen = (ctx: AppContext, now: Date) =>
  sql`${registrations.segmentStartAt} + make_interval(mins => ${ctx.config.CHECKIN_CLOSES_MINUTES_AFTER}::int) >= ${now}`;

/**
 * Channel-neutral confirmation for channels that collect the fee themselves (counter, third party):
 * the locked registration becomes booked.
 */
export async function confirmRegistration(
  ctx: AppContext,
  input: { registrationId: string; channel: BookingChannel; paidExternally: true },
): Promise<Registration> {
  const now = ctx.clock.now();
  const reg = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({
        state: 'booked',
        paidExternally: true,
        paidAt: now,
        bookedAt: now,
        lockExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(registrations.id, input.registrationId),
          eq(registrations.channel, input.channel),
          eq(registrations.state, 'locked'),
          gte(registrations.lockExpiresAt, now),
        ),
      )
      .returning();
    if (row) await markSlotBooked(tx, row.slotId, row.id, now);
    return row;
  });
  if (reg) return reg;
  const [current] = await ctx.db
    .select()
    .from(registrations)
    .where(and(eq(registrations.id, input.registrationId), eq(registrations.channel, input.channel)));
  if (!current) throw notFoundRegistration();
  if (current.state === 'booked' && (current.paidExternally || current.feeFen === 0)) return current;
  throw conflict(
    'REGISTRATION_NOT_CONFIRMABLE',
    '该挂号已超时或已取消，不能确认',
    'The registration can no longer be confirmed',
    {
      state: current.state,
    },
  );
}

/** Expires one lock whose deadline has passed (the delayed job and the sweep both land here). */
export async function expireLock(ctx: AppContext, registrationId: string): Promise<boolean> {
  return endLock(ctx, registrationId, 'expired');
}

/**
 * Releases every lock past its deadline: locks are rows, so a server that was killed and restarted
 * (or another instance) finds and releases them on its next minute, and the channel order is closed.
 */
export async function releaseExpiredLocks(ctx: AppContext): Promise<{ released: number }> {
  const due = await ctx.db
    .select({ id: registrations.id })
    .from(registrations)
    .where(and(eq(registrations.state, 'locked'), lte(registrations.lockExpiresAt, ctx.clock.now())))
    .orderBy(asc(registrations.lockExpiresAt))
    .limit(1000);
  let released = 0;
  for (const { id } of due) if (await endLock(ctx, id, 'expired')) released++;
  return { released };
}

export async function endLock(
  ctx: AppContext,
  registrationId: string,
  to: 'expired',
  opts: { force?: boolean } = {},
): Promise<boolean> {
  const now = ctx.clock.now();
  // an unpaid hold ends: the slot goes back with the state change, then the order is closed
  const undo = registrationHold.compensationsOnEnd(false);
  const ended = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({ state: to, expiredAt: now, lockExpiresAt: null, updatedAt: now })
      .where(
        and(
          eq(registrations.id, registrationId),
          inArray(registrations.state, sourcesOf(to)),
          opts.force ? undefined : lte(registrations.lockExpiresAt, now),
        ),
      )
      .returning();
    if (row)
      await runCompensations(undo.inTransaction, {
        release: async () => void (await freeSlot(tx, row.slotId, row.id, now)),
      });
    return row;
  });
  if (!ended) return false;
  await runCompensations(undo.afterCommit, {
    closeOrder: async () => {
      if (ended.paymentOrderId) await closeOrderQuietly(ctx, ended.paymentOrderId, 'slot lock expired');
    },
  });
  return true;
}

export async function closeOrderQuietly(ctx: AppContext, orderId: string, reason: string): Promise<void> {
  try {
    await closePaymentOrder(ctx, orderId, reason);
  } catch (err) {
    // Paid in the meantime: payments runs onPaid, which refuses the expired registration, so the
    // money goes back automatically.
    ctx.log.warn({ err, orderId }, 'closing the payment order of a released registration failed');
  }
}

/** Payments closed the order on its own (expiry): the lock ends with it. */
export async function onPaymentClosed(ctx: AppContext, order: PaymentOrderView): Promise<void> {
  await endLock(ctx, order.businessId, 'expired', { force: true });
}

/** A refund of a registration's order finished: record its outcome and tell the patient. */
export async function onRefundFinished(
  ctx: AppContext,
  order: PaymentOrderView,
  refund: RefundView,
): Promise<void> {
  const state = refund.state === 'succeeded' ? 'succeeded' : refund.state === 'failed' ? 'failed' : undefined;
  if (!state) return;
  const reg = await loadRegistration(ctx.db, order.businessId).catch(() => undefined);
  if (!reg) return;
  const labels = await labelsFor(ctx, [reg]);
  if (
    state === 'succeeded' &&
    refund.requestedBy.startsWith('staff:') &&
    order.refundedFen >= order.amountFen &&
    (LIVE_STATES as readonly string[]).includes(reg.state)
  ) {
    // Finance refunded the whole fee by hand (at the window): the registration follows the money,
    // so a refunded patient does not keep a booked slot. The refund is this one; none is issued again.
    await ctx.db.transaction(async (tx) => {
      const row = await cancelInTx(
        ctx,
        tx,
        reg.id,
        refund.requestedBy,
        '财务窗口已全额退费',
        ctx.clock.now(),
      );
      if (row?.accountId)
        await notifyRegistration(
          ctx,
          tx,
          row,
          'registration.cancelled',
          { reason: '财务窗口已全额退费' },
          labels,
        );
    });
  }
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrations)
      .set({ refundState: state, refundId: refund.id, updatedAt: ctx.clock.now() })
      .where(
        and(
          eq(registrations.id, order.businessId),
          eq(registrations.state, 'cancelled'),
          sql`${registrations.refundState} <> ${state}`,
        ),
      )
      .returning();
    if (row?.accountId)
      await notifyRegistration(
        ctx,
        tx,
        row,
        'registration.refund-result',
        {
          refundStateZh: state === 'succeeded' ? '退款成功，款项已原路退回' : '退款失败，医院将人工处理',
          refundStateEn:
            state === 'succeeded'
              ? 'refunded to the original account'
              : 'refund failed; the hospital will handle it',
        },
        labels,
      );
  });
}
