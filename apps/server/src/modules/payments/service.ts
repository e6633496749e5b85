import { and, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { isUniqueViolation } from '../../platform/db-errors.js';
import { DomainError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { businessNumberSql, newId } from '../../platform/ids.js';
import type { HospitalClock } from '../../platform/clock.js';
import {
  ChannelError,
  NotificationRejected,
  type ChannelPayParams,
  type ChannelRefundResult,
  type ChannelTrade,
  type IncomingNotification,
  type NotificationReply,
  type PaymentChannel,
  type VerifiedPaymentNotification,
} from '../../integrations/payments/index.js';
import type {
  ChannelCode,
  CreatePaymentOrderInput,
  PaymentBusinessHandler,
  PaymentOrderState,
  PaymentOrderView,
  RefundRequestInput,
  RefundView,
} from './contract.js';
import { abnormalOrders, paymentNotifications, paymentOrders, refunds } from './schema.js';

export const RECONCILE_JOB = 'payments.reconcile-pending';
export const CHECK_ORDER_JOB = 'payments.check-order';
export const RETRY_REFUNDS_JOB = 'payments.retry-refunds';

type OrderRow = typeof paymentOrders.$inferSelect;
type RefundRow = typeof refunds.$inferSelect;

const PAID_STATES: PaymentOrderState[] = ['paid', 'refunding', 'partially_refunded', 'refunded'];
const REFUNDABLE_STATES: PaymentOrderState[] = ['paid', 'refunding', 'partially_refunded'];
const UNPAID_STATES: PaymentOrderState[] = ['created', 'paying'];
/** A business step left 'running' this long is taken to have died with its process. */
const STALE_BUSINESS_STEP_MS = 5 * 60_000;
const REFUND_RETRY_AFTER_MS = 60_000;
const REFUND_ATTEMPTS_BEFORE_ALERT = 10;

// ---------------------------------------------------------------------------------------------
// The contract (contract.ts): what business modules call
// ---------------------------------------------------------------------------------------------

const handlers = new Map<string, PaymentBusinessHandler>();

/**
 * Business modules register one handler per business type when their module loads. A later
 * registration replaces an earlier one (several apps may be built in one test process).
 */
export function registerBusinessHandler(businessType: string, handler: PaymentBusinessHandler): void {
  handlers.set(businessType, handler);
}

/** Creates the payment order for a business object; the same idempotency key returns the same order. */
export async function createPaymentOrder(
  ctx: AppContext,
  input: CreatePaymentOrderInput,
): Promise<PaymentOrderView> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0)
    throw badRequest(
      'PAYMENT_AMOUNT_INVALID',
      '支付金额无效',
      'Payment amount must be a positive number of fen',
    );
  if (!input.idempotencyKey || input.idempotencyKey.length > 200)
    throw badRequest('IDEMPOTENCY_KEY_INVALID', '幂等键无效', 'Idempotency key is missing or too long');
  const now = ctx.clock.now();
  await ctx.db
    .insert(paymentOrders)
    .values({
      id: newId(),
      orderNo: businessNumberSql(ctx.clock, 'P'),
      businessType: input.businessType,
      businessId: input.businessId,
      accountId: input.accountId,
      patientId: input.patientId ?? null,
      subject: input.subject.slice(0, 120),
      amountFen: input.amountFen,
      state: 'created',
      expiresAt: input.expiresAt,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: paymentOrders.idempotencyKey });
  const [order] = await ctx.db
    .select()
    .from(paymentOrders)
    .where(eq(paymentOrders.idempotencyKey, input.idempotencyKey));
  if (
    order.businessType !== input.businessType ||
    order.businessId !== input.businessId ||
    order.amountFen !== input.amountFen ||
    order.accountId !== input.accountId
  )
    throw conflict(
      'IDEMPOTENCY_KEY_REUSED',
      '该幂等键已用于另一笔订单',
      'This idempotency key was used for a different order',
    );
  return orderView(order);
}

export async function getPaymentOrder(
  ctx: AppContext,
  orderId: string,
): Promise<PaymentOrderView | undefined> {
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, orderId));
  return o ? orderView(o) : undefined;
}

/**
 * Closes an unpaid order, first with the channel so that it can no longer be paid (FIN-04).
 * Idempotent: an order already closed is left as it is. An order that turns out to be paid cannot
 * be closed (409 PAYMENT_ORDER_ALREADY_PAID; the payment is recorded and the business handler runs).
 * `onClosed` is called only when the platform closes an order on its own (expiry), not when the
 * business module asked for it.
 */
export async function closePaymentOrder(
  ctx: AppContext,
  orderId: string,
  reason: string,
  opts: { notifyBusiness?: boolean } = {},
): Promise<void> {
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, orderId));
  if (!o) throw notFound('payment order', '支付订单');
  if (o.state === 'closed') return;
  if (!UNPAID_STATES.includes(o.state)) throw alreadyPaid();
  if (o.channel) {
    const outcome = await callChannel(() => channelOf(ctx, o.channel!).close(ctx, o.orderNo));
    if (outcome === 'paid') {
      if (!(await recoverFromChannel(ctx, o)))
        throw new DomainError(
          'PAYMENT_CHANNEL_UNAVAILABLE',
          502,
          '支付渠道暂时不可用，请稍后再试',
          'The channel could not confirm the payment',
        );
      throw alreadyPaid();
    }
  }
  const now = ctx.clock.now();
  const [closed] = await ctx.db
    .update(paymentOrders)
    .set({ state: 'closed', closedAt: now, closeReason: reason.slice(0, 200), updatedAt: now })
    .where(and(eq(paymentOrders.id, orderId), inArray(paymentOrders.state, UNPAID_STATES)))
    .returning();
  if (!closed) {
    const [again] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, orderId));
    if (again.state === 'closed') return;
    throw alreadyPaid();
  }
  if (opts.notifyBusiness) {
    const h = handlers.get(closed.businessType);
    try {
      await h?.onClosed?.(ctx, orderView(closed));
    } catch (err) {
      ctx.log.error({ err, orderId }, 'payment onClosed handler failed');
    }
  }
}

/**
 * Requests a refund (FIN-05): partial and repeated refunds are admitted by one conditional update
 * that keeps the reserved total within the paid amount, so concurrent requests cannot exceed it.
 * The same refundKey returns the same refund and never refunds twice.
 */
export async function requestRefund(ctx: AppContext, input: RefundRequestInput): Promise<RefundView> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0)
    throw badRequest(
      'REFUND_AMOUNT_INVALID',
      '退款金额无效',
      'Refund amount must be a positive number of fen',
    );
  if (!input.reason?.trim())
    throw badRequest('REFUND_REASON_REQUIRED', '请填写退款原因', 'A refund reason is required');
  const existing = await refundByKey(ctx, input.refundKey);
  if (existing) return sameRefundOrConflict(existing, input);
  let created: RefundRow;
  try {
    created = await ctx.db.transaction((tx) =>
      reserveRefund(tx, ctx.clock, ctx.clock.now(), { ...input, reason: input.reason.trim() }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) {
      const raced = await refundByKey(ctx, input.refundKey);
      if (raced) return sameRefundOrConflict(raced, input);
    }
    throw err;
  }
  await attemptRefund(ctx, created.id);
  const [latest] = await ctx.db.select().from(refunds).where(eq(refunds.id, created.id));
  return refundView(latest);
}

// ---------------------------------------------------------------------------------------------
// Paying: what the patient's client calls
// ---------------------------------------------------------------------------------------------

export interface StartPaymentInput {
  channel: ChannelCode;
  openid?: string;
  tradeType?: 'jsapi' | 'h5' | 'wap';
  clientIp?: string;
}

export interface StartedPayment {
  orderId: string;
  orderNo: string;
  channel: ChannelCode;
  amountFen: number;
  expiresAt: Date;
  pay: ChannelPayParams;
}

/** The owner asks to pay an order through a channel: the channel's parameters come back. */
export async function startPayment(
  ctx: AppContext,
  accountId: string,
  orderId: string,
  input: StartPaymentInput,
): Promise<StartedPayment> {
  const o = await ownedOrder(ctx, accountId, orderId);
  const now = ctx.clock.now();
  if (PAID_STATES.includes(o.state)) throw alreadyPaid();
  if (o.state === 'closed' || o.expiresAt <= now)
    throw conflict(
      'PAYMENT_ORDER_CLOSED',
      '订单已关闭或已超时，请重新下单',
      'The order is closed or has expired',
    );
  const channel = channelOf(ctx, input.channel);
  if (o.channel && o.channel !== input.channel) {
    // Switching channel: the first channel's trade is closed so that the order cannot be paid twice.
    const outcome = await callChannel(() => channelOf(ctx, o.channel!).close(ctx, o.orderNo));
    if (outcome === 'paid') {
      await recoverFromChannel(ctx, o);
      throw alreadyPaid();
    }
  }
  const [paying] = await ctx.db
    .update(paymentOrders)
    .set({ state: 'paying', channel: input.channel, payStartedAt: now, updatedAt: now })
    .where(
      and(
        eq(paymentOrders.id, orderId),
        inArray(paymentOrders.state, UNPAID_STATES),
        o.channel ? eq(paymentOrders.channel, o.channel) : isNull(paymentOrders.channel),
      ),
    )
    .returning();
  if (!paying)
    throw conflict('PAYMENT_ORDER_CHANGED', '订单状态已变化，请刷新', 'The order changed; reload it');
  const pay = await callChannel(() =>
    channel.createPayment(ctx, {
      orderNo: o.orderNo,
      amountFen: o.amountFen,
      subject: o.subject,
      expiresAt: o.expiresAt,
      accountId: o.accountId,
      openid: input.openid,
      tradeType: input.tradeType,
      clientIp: input.clientIp,
    }),
  );
  // A missing notification is recovered by asking the channel after a short delay, and the order
  // is closed at its expiry; the minute sweep covers both if these timers are lost.
  await ctx.jobs.send(
    CHECK_ORDER_JOB,
    { orderId },
    { startAfter: new Date(now.getTime() + ctx.config.PAYMENT_QUERY_DELAY_SECONDS * 1000) },
  );
  await ctx.jobs.send(CHECK_ORDER_JOB, { orderId }, { startAfter: o.expiresAt });
  return {
    orderId,
    orderNo: o.orderNo,
    channel: input.channel,
    amountFen: o.amountFen,
    expiresAt: o.expiresAt,
    pay,
  };
}

/** The owner's view of an order; another account gets the same 404 as a missing order. */
export async function getOwnPaymentOrder(ctx: AppContext, accountId: string, orderId: string) {
  const o = await ownedOrder(ctx, accountId, orderId);
  return { ...orderView(o), subject: o.subject };
}

export async function getOwnOrderByNo(ctx: AppContext, accountId: string, orderNo: string) {
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.orderNo, orderNo));
  if (!o || o.accountId !== accountId) throw notFound('payment order', '支付订单');
  return o;
}

// ---------------------------------------------------------------------------------------------
// Channel notifications
// ---------------------------------------------------------------------------------------------

export type PaymentOutcome =
  | 'paid'
  | 'duplicate'
  | 'paid_after_close'
  | 'amount_mismatch'
  | 'unknown_order'
  | 'duplicate_payment'
  | 'trade_no_conflict'
  | 'incomplete'
  | 'not_paid';

/**
 * A payment notification: verified, then applied by compare-and-set keyed by the channel's
 * transaction number. A duplicate gets the same success answer and changes nothing.
 *
 * A signed notification is the channel speaking, and sending it again will not change what it says:
 * when it cannot be applied (a field missing, a transaction that pays another order, a wrong amount,
 * an order that is not ours) it is kept as an abnormal record for finance and acknowledged, so the
 * channel stops repeating it. Only a notification that fails verification, or a failure on our side
 * (the channel's retry will then succeed), gets the channel's failure answer. Never a 5xx.
 */
export async function handlePaymentNotification(
  ctx: AppContext,
  code: ChannelCode,
  incoming: IncomingNotification,
): Promise<NotificationReply> {
  const channel = ctx.adapters.paymentChannels[code];
  if (!channel) return { status: 404, contentType: 'text/plain', body: 'channel not enabled' };
  try {
    let trade;
    try {
      trade = await channel.verifyNotification(ctx, incoming);
    } catch (err) {
      if (!(err instanceof NotificationRejected)) throw err;
      await logNotification(ctx, { channel: code, kind: 'payment', verified: false, outcome: err.reason });
      return { ...channel.reply(false, err.reason), status: 401 };
    }
    const reported = reportedTrade(trade);
    const outcome = trade.state === 'paid' ? await applyNotifiedPayment(ctx, code, reported) : 'not_paid';
    await logNotification(ctx, {
      channel: code,
      kind: 'payment',
      verified: true,
      outcome,
      channelNotificationId: reported.notificationId,
      orderNo: reported.orderNo || null,
      channelTradeNo: reported.channelTradeNo,
      amountFen: reported.amountFen,
    });
    return channel.reply(true);
  } catch (err) {
    ctx.log.error({ err, channel: code }, 'payment notification not applied; the channel will repeat it');
    return channel.reply(false, 'SYSTEM_ERROR');
  }
}

/** A refund notification (WeChat Pay): finishes the refund it reports, once. Never a 5xx either. */
export async function handleRefundNotification(
  ctx: AppContext,
  code: ChannelCode,
  incoming: IncomingNotification,
): Promise<NotificationReply> {
  const channel = ctx.adapters.paymentChannels[code];
  if (!channel?.parseRefundNotification)
    return { status: 404, contentType: 'text/plain', body: 'channel not enabled' };
  try {
    let result;
    try {
      result = await channel.parseRefundNotification(ctx, incoming);
    } catch (err) {
      if (!(err instanceof NotificationRejected)) throw err;
      await logNotification(ctx, { channel: code, kind: 'refund', verified: false, outcome: err.reason });
      return { ...channel.reply(false, err.reason), status: 401 };
    }
    let outcome = 'ignored';
    if (typeof result.refundNo !== 'string' || !result.refundNo) outcome = 'incomplete';
    else if (result.state === 'succeeded' || result.state === 'failed') {
      outcome = (await finishRefund(ctx, result.refundNo, result)) ? result.state : 'duplicate';
    }
    await logNotification(ctx, {
      channel: code,
      kind: 'refund',
      verified: true,
      outcome,
      channelNotificationId: textField(result.notificationId),
      orderNo: textField(result.orderNo),
      refundNo: textField(result.refundNo),
      amountFen: storableFen(result.amountFen),
    });
    return channel.reply(true);
  } catch (err) {
    ctx.log.error({ err, channel: code }, 'refund notification not applied; the channel will repeat it');
    return channel.reply(false, 'SYSTEM_ERROR');
  }
}

/** The fields of a signed notification as the platform may store them (anything odd becomes missing). */
function reportedTrade(t: VerifiedPaymentNotification): VerifiedPaymentNotification {
  return {
    ...t,
    notificationId: textField(t.notificationId),
    orderNo: textField(t.orderNo) ?? '',
    channelTradeNo: textField(t.channelTradeNo),
    amountFen: storableFen(t.amountFen),
    paidAt: t.paidAt && !Number.isNaN(t.paidAt.getTime()) ? t.paidAt : undefined,
  };
}

function textField(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, 128) : undefined;
}

/** A positive amount that fits the integer columns (2^31 - 1 fen is ¥21,474,836.47). */
function storableFen(v: unknown): number | undefined {
  return Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= 2_147_483_647
    ? (v as number)
    : undefined;
}

/**
 * A paid notification from the channel. Incomplete ones (no order number, transaction number,
 * amount or success time) are not applied: they are recorded for finance, and the order, if there
 * is one, is asked about at once; the channel's answer to a query is complete.
 */
async function applyNotifiedPayment(
  ctx: AppContext,
  code: ChannelCode,
  trade: VerifiedPaymentNotification,
): Promise<PaymentOutcome> {
  const missing = [
    !trade.orderNo && 'order number',
    !trade.channelTradeNo && 'transaction number',
    trade.amountFen === undefined && 'amount',
    !trade.paidAt && 'success time',
  ].filter((x): x is string => Boolean(x));
  if (!missing.length) return applyChannelPayment(ctx, code, trade);
  const now = ctx.clock.now();
  const detail = `channel ${code} notified a payment without ${missing.join(', ')}`;
  const [o] = trade.orderNo
    ? await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.orderNo, trade.orderNo))
    : [];
  await ctx.db.transaction((tx) =>
    o
      ? openAbnormal(tx, now, o.id, 'NOTIFICATION_INCOMPLETE', detail)
      : openUnmatchedAbnormal(tx, now, code, trade, 'NOTIFICATION_INCOMPLETE', detail),
  );
  if (o && UNPAID_STATES.includes(o.state) && o.channel === code)
    await ctx.jobs.send(CHECK_ORDER_JOB, { orderId: o.id });
  return 'incomplete';
}

/**
 * Records a payment the channel reports (notification or query). The order row is locked, so two
 * deliveries of one notification are applied one after the other and the second sees 'duplicate'.
 */
export async function applyChannelPayment(
  ctx: AppContext,
  code: ChannelCode,
  trade: ChannelTrade,
): Promise<PaymentOutcome> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    const [o] = await tx
      .select()
      .from(paymentOrders)
      .where(eq(paymentOrders.orderNo, trade.orderNo))
      .for('update');
    if (!o) {
      await openUnmatchedAbnormal(
        tx,
        now,
        code,
        trade,
        'UNKNOWN_ORDER',
        `channel ${code} reported a payment of ${trade.amountFen} fen for an order that is not ours`,
      );
      return { outcome: 'unknown_order' as const };
    }
    if (trade.channelTradeNo && trade.channelTradeNo !== o.channelTradeNo) {
      // The transaction already pays another order: never move this one (the unique index would
      // refuse it anyway); finance looks at both.
      const [owner] = await tx
        .select({ orderNo: paymentOrders.orderNo })
        .from(paymentOrders)
        .where(and(eq(paymentOrders.channel, code), eq(paymentOrders.channelTradeNo, trade.channelTradeNo)));
      if (owner) {
        await openAbnormal(
          tx,
          now,
          o.id,
          'TRADE_NO_CONFLICT',
          `channel ${code} transaction ${trade.channelTradeNo} already pays order ${owner.orderNo}`,
        );
        return { outcome: 'trade_no_conflict' as const };
      }
    }
    if (trade.amountFen !== o.amountFen) {
      await openAbnormal(tx, now, o.id, 'AMOUNT_MISMATCH', `channel ${code} reported ${trade.amountFen} fen`);
      return { outcome: 'amount_mismatch' as const };
    }
    if (o.channelTradeNo) {
      if (o.channel === code && o.channelTradeNo === trade.channelTradeNo)
        return { outcome: 'duplicate' as const };
      // Paid a second time (another channel or another trade): finance refunds the extra payment.
      await openAbnormal(
        tx,
        now,
        o.id,
        'DUPLICATE_PAYMENT',
        `second payment ${code} ${trade.channelTradeNo}`,
      );
      return { outcome: 'duplicate_payment' as const };
    }
    const paidFields = {
      channel: code,
      channelTradeNo: trade.channelTradeNo ?? null,
      paidAt: trade.paidAt && !Number.isNaN(trade.paidAt.getTime()) ? trade.paidAt : now,
      updatedAt: now,
    };
    if (UNPAID_STATES.includes(o.state)) {
      await tx
        .update(paymentOrders)
        .set({ ...paidFields, state: 'paid' })
        .where(and(eq(paymentOrders.id, o.id), eq(paymentOrders.state, o.state)));
      return { outcome: 'paid' as const, orderId: o.id };
    }
    // Paid after the order was closed (the business gave the slot away): refund it in full.
    await tx
      .update(paymentOrders)
      .set({
        ...paidFields,
        state: 'paid',
        businessState: 'failed',
        abnormal: true,
        abnormalReason: 'PAID_AFTER_CLOSE',
      })
      .where(and(eq(paymentOrders.id, o.id), eq(paymentOrders.state, 'closed')));
    await openAbnormal(tx, now, o.id, 'PAID_AFTER_CLOSE', `closed at ${o.closedAt?.toISOString()}`);
    const refund = await reserveRefund(tx, ctx.clock, now, {
      orderId: o.id,
      amountFen: o.amountFen,
      reason: '订单关闭后到账，自动原路退款 / paid after the order was closed',
      refundKey: `auto:${o.id}:paid-after-close`,
      requestedBy: 'system',
    });
    return { outcome: 'paid_after_close' as const, refundId: refund.id };
  });
  if (result.outcome === 'paid') await runBusinessStep(ctx, result.orderId);
  if (result.outcome === 'paid_after_close') await attemptRefund(ctx, result.refundId);
  return result.outcome;
}

// ---------------------------------------------------------------------------------------------
// The business step after payment
// ---------------------------------------------------------------------------------------------

/**
 * Calls the business handler's onPaid once: the step is claimed by a compare-and-set, so a
 * duplicate notification or the recovery sweep never runs it a second time. If it throws, the
 * order is marked abnormal and refunded in full (FIN-08).
 */
export async function runBusinessStep(ctx: AppContext, orderId: string): Promise<void> {
  const now = ctx.clock.now();
  const [claimed] = await ctx.db
    .update(paymentOrders)
    .set({ businessState: 'running', businessClaimedAt: now })
    .where(
      and(
        eq(paymentOrders.id, orderId),
        eq(paymentOrders.businessState, 'pending'),
        inArray(paymentOrders.state, PAID_STATES),
      ),
    )
    .returning();
  if (!claimed) return;
  const handler = handlers.get(claimed.businessType);
  try {
    if (!handler)
      ctx.log.warn({ orderId, businessType: claimed.businessType }, 'no payment handler registered');
    else await handler.onPaid(ctx, orderView(claimed));
  } catch (err) {
    await failBusinessStep(ctx, claimed, err);
    return;
  }
  await ctx.db
    .update(paymentOrders)
    .set({ businessState: 'done', updatedAt: ctx.clock.now() })
    .where(and(eq(paymentOrders.id, orderId), eq(paymentOrders.businessState, 'running')));
}

async function failBusinessStep(ctx: AppContext, o: OrderRow, err: unknown): Promise<void> {
  const now = ctx.clock.now();
  const reason = err instanceof DomainError ? err.code : 'BUSINESS_STEP_FAILED';
  ctx.log.warn({ err, orderId: o.id }, 'business step after payment failed; refunding');
  const refund = await ctx.db.transaction(async (tx) => {
    const [marked] = await tx
      .update(paymentOrders)
      .set({ businessState: 'failed', abnormal: true, abnormalReason: reason, updatedAt: now })
      .where(and(eq(paymentOrders.id, o.id), eq(paymentOrders.businessState, 'running')))
      .returning();
    if (!marked) return undefined;
    await openAbnormal(tx, now, o.id, 'BUSINESS_FAILED', `${reason}: ${errorText(err)}`);
    const remaining = marked.amountFen - marked.refundReservedFen;
    if (remaining <= 0) return undefined;
    return reserveRefund(tx, ctx.clock, now, {
      orderId: o.id,
      amountFen: remaining,
      reason: '业务办理失败，自动原路退款 / business step failed',
      refundKey: `auto:${o.id}:business-failed`,
      requestedBy: 'system',
    });
  });
  if (refund) await attemptRefund(ctx, refund.id);
}

// ---------------------------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------------------------

/**
 * One attempt at a refund: sent to the channel with the refund's own number, so a retry after a
 * lost answer is recognised by the channel and refunds once. Errors leave the refund 'processing'
 * for the retry job, unless the channel refuses it for good.
 */
export async function attemptRefund(ctx: AppContext, refundId: string): Promise<void> {
  const now = ctx.clock.now();
  const [r] = await ctx.db
    .update(refunds)
    .set({ state: 'processing', attempts: sql`${refunds.attempts} + 1`, lastAttemptAt: now, updatedAt: now })
    .where(and(eq(refunds.id, refundId), inArray(refunds.state, ['requested', 'processing'])))
    .returning();
  if (!r) return;
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, r.orderId));
  const channel = o.channel ? ctx.adapters.paymentChannels[o.channel] : undefined;
  if (!channel) {
    await noteRefundError(ctx, r, 'CHANNEL_UNAVAILABLE');
    return;
  }
  const request = {
    orderNo: o.orderNo,
    channelTradeNo: o.channelTradeNo,
    refundNo: r.refundNo,
    amountFen: r.amountFen,
    totalFen: o.amountFen,
    reason: r.reason,
  };
  let result: ChannelRefundResult;
  try {
    result = r.channelRefundId
      ? await channel.queryRefund(ctx, r.refundNo, o.orderNo)
      : await channel.refund(ctx, request);
    if (result.state === 'not_found') result = await channel.refund(ctx, request);
  } catch (err) {
    if (err instanceof ChannelError && !err.retryable) {
      await finishRefund(ctx, r.refundNo, {
        state: 'failed',
        refundNo: r.refundNo,
        detail: `${err.code}: ${err.message}`,
      });
      return;
    }
    await noteRefundError(ctx, r, errorText(err));
    return;
  }
  if (result.state === 'processing' || result.state === 'not_found') {
    await ctx.db
      .update(refunds)
      .set({ channelRefundId: result.channelRefundId ?? r.channelRefundId, updatedAt: ctx.clock.now() })
      .where(and(eq(refunds.id, r.id), eq(refunds.state, 'processing')));
    return;
  }
  await finishRefund(ctx, r.refundNo, result);
}

/**
 * Moves a refund to its final state once (compare-and-set), adjusts the order's totals and state,
 * then tells the business. Returns false when the refund was already final (duplicate report).
 */
export async function finishRefund(
  ctx: AppContext,
  refundNo: string,
  result: Pick<ChannelRefundResult, 'state' | 'channelRefundId' | 'detail' | 'refundNo'>,
): Promise<boolean> {
  if (result.state !== 'succeeded' && result.state !== 'failed') return false;
  const now = ctx.clock.now();
  const finished = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(refunds)
      .set({
        state: result.state as 'succeeded' | 'failed',
        completedAt: now,
        updatedAt: now,
        channelRefundId: result.channelRefundId ?? undefined,
        lastError: result.state === 'failed' ? (result.detail ?? 'FAILED').slice(0, 500) : null,
      })
      .where(and(eq(refunds.refundNo, refundNo), inArray(refunds.state, ['requested', 'processing'])))
      .returning();
    if (!r) return undefined;
    await tx
      .update(paymentOrders)
      .set(
        result.state === 'succeeded'
          ? { refundedFen: sql`${paymentOrders.refundedFen} + ${r.amountFen}`, updatedAt: now }
          : { refundReservedFen: sql`${paymentOrders.refundReservedFen} - ${r.amountFen}`, updatedAt: now },
      )
      .where(eq(paymentOrders.id, r.orderId));
    const [o] = await tx
      .update(paymentOrders)
      .set({
        state: sql`CASE WHEN ${paymentOrders.refundReservedFen} > ${paymentOrders.refundedFen} THEN 'refunding'
          WHEN ${paymentOrders.refundedFen} = ${paymentOrders.amountFen} THEN 'refunded'
          WHEN ${paymentOrders.refundedFen} > 0 THEN 'partially_refunded' ELSE 'paid' END`,
      })
      .where(and(eq(paymentOrders.id, r.orderId), inArray(paymentOrders.state, PAID_STATES)))
      .returning();
    if (r.state === 'failed')
      await openAbnormal(tx, now, r.orderId, 'REFUND_FAILED', `${r.refundNo}: ${r.lastError}`);
    return { r, o };
  });
  if (!finished) return false;
  const handler = handlers.get(finished.o.businessType);
  try {
    await handler?.onRefundFinished?.(ctx, orderView(finished.o), refundView(finished.r));
  } catch (err) {
    ctx.log.error({ err, refundNo }, 'payment onRefundFinished handler failed');
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Jobs: recovering missed notifications, closing expired orders, retrying refunds
// ---------------------------------------------------------------------------------------------

/**
 * The minute sweep: asks the channel about orders still paying after the short delay (a lost
 * notification), closes expired orders with their channel, and resumes business steps a crash left.
 */
export async function reconcilePending(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  const delayMs = ctx.config.PAYMENT_QUERY_DELAY_SECONDS * 1000;
  const due = await ctx.db
    .select({ id: paymentOrders.id })
    .from(paymentOrders)
    .where(
      or(
        and(
          eq(paymentOrders.state, 'paying'),
          lte(paymentOrders.payStartedAt, new Date(now.getTime() - delayMs)),
        ),
        and(inArray(paymentOrders.state, UNPAID_STATES), lte(paymentOrders.expiresAt, now)),
      ),
    )
    .limit(200);
  for (const { id } of due) await checkOrder(ctx, id);

  // A business step left running by a dead process goes back to pending and runs again.
  await ctx.db
    .update(paymentOrders)
    .set({ businessState: 'pending' })
    .where(
      and(
        eq(paymentOrders.businessState, 'running'),
        lte(paymentOrders.businessClaimedAt, new Date(now.getTime() - STALE_BUSINESS_STEP_MS)),
      ),
    );
  const unfinished = await ctx.db
    .select({ id: paymentOrders.id })
    .from(paymentOrders)
    .where(
      and(
        eq(paymentOrders.businessState, 'pending'),
        inArray(paymentOrders.state, PAID_STATES),
        isNotNull(paymentOrders.paidAt),
        lte(paymentOrders.updatedAt, new Date(now.getTime() - 60_000)),
      ),
    )
    .limit(100);
  for (const { id } of unfinished) await runBusinessStep(ctx, id);
}

/** One order: recover a payment the channel knows about, or close it when it has expired. */
export async function checkOrder(ctx: AppContext, orderId: string): Promise<void> {
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, orderId));
  if (!o || !UNPAID_STATES.includes(o.state)) return;
  try {
    if (o.channel) {
      const paid = await recoverFromChannel(ctx, o);
      if (paid) return;
    }
    if (o.expiresAt <= ctx.clock.now())
      await closePaymentOrder(ctx, o.id, 'expired', { notifyBusiness: true });
  } catch (err) {
    ctx.log.warn({ err, orderId }, 'payment order check failed; the sweep will retry');
  }
}

export async function retryRefunds(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select()
    .from(refunds)
    .where(
      and(
        inArray(refunds.state, ['requested', 'processing']),
        or(
          isNull(refunds.lastAttemptAt),
          lte(refunds.lastAttemptAt, new Date(now.getTime() - REFUND_RETRY_AFTER_MS)),
        ),
      ),
    )
    .limit(200);
  for (const r of due) {
    await attemptRefund(ctx, r.id);
    if (r.attempts + 1 >= REFUND_ATTEMPTS_BEFORE_ALERT) {
      await ctx.db.transaction((tx) =>
        openAbnormal(tx, now, r.orderId, 'REFUND_STUCK', `${r.refundNo} after ${r.attempts + 1} attempts`),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function recoverFromChannel(ctx: AppContext, o: OrderRow): Promise<boolean> {
  const trade = await callChannel(() => channelOf(ctx, o.channel!).query(ctx, o.orderNo));
  if (trade.state !== 'paid' && trade.state !== 'refunded') return false;
  const outcome = await applyChannelPayment(ctx, o.channel!, { ...trade, state: 'paid' });
  await logNotification(ctx, {
    channel: o.channel!,
    kind: 'payment',
    verified: true,
    outcome: `query:${outcome}`,
    orderNo: o.orderNo,
    channelTradeNo: trade.channelTradeNo,
    amountFen: trade.amountFen,
  });
  // the order is paid now (or was already); a wrong amount or another order's transaction leaves it unpaid
  return ['paid', 'duplicate', 'paid_after_close', 'duplicate_payment'].includes(outcome);
}

async function reserveRefund(
  tx: Tx,
  clock: HospitalClock,
  now: Date,
  input: RefundRequestInput,
): Promise<RefundRow> {
  const [o] = await tx
    .update(paymentOrders)
    .set({
      refundReservedFen: sql`${paymentOrders.refundReservedFen} + ${input.amountFen}`,
      state: 'refunding',
      updatedAt: now,
    })
    .where(
      and(
        eq(paymentOrders.id, input.orderId),
        inArray(paymentOrders.state, REFUNDABLE_STATES),
        sql`${paymentOrders.refundReservedFen} + ${input.amountFen} <= ${paymentOrders.amountFen}`,
      ),
    )
    .returning();
  if (!o) {
    const [current] = await tx.select().from(paymentOrders).where(eq(paymentOrders.id, input.orderId));
    if (!current) throw notFound('payment order', '支付订单');
    if (!REFUNDABLE_STATES.includes(current.state))
      throw conflict(
        'PAYMENT_ORDER_NOT_REFUNDABLE',
        '该订单当前不可退款',
        'This order cannot be refunded now',
        {
          state: current.state,
        },
      );
    throw conflict(
      'REFUND_EXCEEDS_PAID',
      '退款金额超过可退金额',
      'The refund exceeds the refundable amount',
      {
        refundableFen: current.amountFen - current.refundReservedFen,
      },
    );
  }
  const [r] = await tx
    .insert(refunds)
    .values({
      id: newId(),
      refundNo: businessNumberSql(clock, 'R'),
      orderId: input.orderId,
      amountFen: input.amountFen,
      state: 'requested',
      reason: input.reason.slice(0, 200),
      refundKey: input.refundKey,
      requestedBy: input.requestedBy,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return r;
}

async function refundByKey(ctx: AppContext, key: string): Promise<RefundRow | undefined> {
  const [r] = await ctx.db.select().from(refunds).where(eq(refunds.refundKey, key));
  return r;
}

function sameRefundOrConflict(r: RefundRow, input: RefundRequestInput): RefundView {
  if (r.orderId !== input.orderId || r.amountFen !== input.amountFen)
    throw conflict(
      'REFUND_KEY_REUSED',
      '该退款幂等键已用于另一笔退款',
      'This refund key was used for a different refund',
    );
  return refundView(r);
}

async function noteRefundError(ctx: AppContext, r: RefundRow, error: string) {
  await ctx.db
    .update(refunds)
    .set({ lastError: error.slice(0, 500), updatedAt: ctx.clock.now() })
    .where(eq(refunds.id, r.id));
}

export async function openAbnormal(tx: Tx, now: Date, orderId: string, reason: string, detail: string) {
  await tx
    .insert(abnormalOrders)
    .values({ id: newId(), orderId, reason, detail: detail.slice(0, 1000), status: 'open', createdAt: now })
    .onConflictDoNothing();
}

/** A trade the channel reported for no order of ours: kept with what it said, once per trade. */
async function openUnmatchedAbnormal(
  tx: Tx,
  now: Date,
  code: ChannelCode,
  trade: ChannelTrade,
  reason: string,
  detail: string,
) {
  await tx
    .insert(abnormalOrders)
    .values({
      id: newId(),
      orderId: null,
      channel: code,
      orderNo: trade.orderNo || null,
      channelTradeNo: trade.channelTradeNo ?? null,
      amountFen: storableFen(trade.amountFen) ?? null,
      reason,
      detail: detail.slice(0, 1000),
      status: 'open',
      createdAt: now,
    })
    .onConflictDoNothing();
}

async function logNotification(
  ctx: AppContext,
  n: Omit<typeof paymentNotifications.$inferInsert, 'id' | 'receivedAt'>,
) {
  await ctx.db.insert(paymentNotifications).values({ ...n, id: newId(), receivedAt: ctx.clock.now() });
}

async function ownedOrder(ctx: AppContext, accountId: string, orderId: string): Promise<OrderRow> {
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, orderId));
  if (!o || o.accountId !== accountId) throw notFound('payment order', '支付订单');
  return o;
}

export function channelOf(ctx: AppContext, code: ChannelCode): PaymentChannel {
  const c = ctx.adapters.paymentChannels[code];
  if (!c)
    throw badRequest(
      'PAYMENT_CHANNEL_UNAVAILABLE',
      '该支付方式未开通',
      `Payment channel ${code} is not enabled`,
    );
  return c;
}

/** Channel failures become a 409 (refused) or a 502 (unreachable), never a raw exception. */
async function callChannel<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChannelError) {
      if (err.retryable)
        throw new DomainError(
          'PAYMENT_CHANNEL_UNAVAILABLE',
          502,
          '支付渠道暂时不可用，请稍后再试',
          'The payment channel is unavailable',
          { channelCode: err.code },
        );
      throw conflict(
        'PAYMENT_CHANNEL_REFUSED',
        '支付渠道拒绝了该请求',
        'The payment channel refused the request',
        {
          channelCode: err.code,
        },
      );
    }
    throw err;
  }
}

const alreadyPaid = () => conflict('PAYMENT_ORDER_ALREADY_PAID', '订单已支付', 'The order is already paid');

function errorText(err: unknown): string {
  if (err instanceof DomainError) return `${err.code} ${err.en}`;
  return err instanceof Error ? err.message : String(err);
}

export function orderView(o: OrderRow): PaymentOrderView {
  return {
    id: o.id,
    orderNo: o.orderNo,
    businessType: o.businessType,
    businessId: o.businessId,
    accountId: o.accountId,
    amountFen: o.amountFen,
    refundedFen: o.refundedFen,
    state: o.state,
    channel: o.channel,
    expiresAt: o.expiresAt,
    paidAt: o.paidAt,
  };
}

export function refundView(r: RefundRow): RefundView {
  return {
    id: r.id,
    refundNo: r.refundNo,
    orderId: r.orderId,
    amountFen: r.amountFen,
    state: r.state,
    reason: r.reason,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt,
    completedAt: r.completedAt,
  };
}
