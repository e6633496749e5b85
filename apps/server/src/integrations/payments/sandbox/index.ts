import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import type { AppConfig } from '../../../config.js';
import type { AppContext } from '../../../platform/context.js';
import { dayjs } from '../../../platform/clock.js';
import { newId } from '../../../platform/ids.js';
import {
  paymentChannelSecrets,
  sandboxNotifications,
  sandboxRefunds,
  sandboxTransactions,
} from './schema.js';
import {
  ChannelError,
  NotificationRejected,
  type ChannelPayParams,
  type ChannelPaymentRequest,
  type ChannelRefundRequest,
  type ChannelRefundResult,
  type ChannelTrade,
  type IncomingNotification,
  type NotificationReply,
  type PaymentChannel,
  type VerifiedPaymentNotification,
} from '../index.js';

export const SANDBOX_DELIVER_JOB = 'payments.sandbox-deliver';
const SIGNATURE_HEADER = 'x-sandbox-signature';
const TIMESTAMP_HEADER = 'x-sandbox-timestamp';
const MAX_SKEW_MS = 5 * 60_000;

export type CashierOutcome = 'success' | 'failure' | 'cancel';

interface SandboxNotificationBody {
  id: string;
  out_trade_no: string;
  transaction_id: string;
  trade_state: 'SUCCESS';
  amount_fen: number;
  success_time: string;
}

/** A notification ready to be posted to our notify endpoint. */
export interface OutgoingSandboxNotification {
  id: string;
  orderNo: string;
  headers: Record<string, string>;
  rawBody: string;
}

/**
 * The embedded payment channel: an outside payment system in miniature. It keeps its own books
 * (sandbox_transactions, sandbox_refunds), lets the payer choose success, failure or cancel on the
 * cashier page, and reports payments by HMAC-signed asynchronous notifications delivered by a job,
 * so the platform meets the same duplicates, delays and reordering as with a real channel.
 * Tests reach the delivery and fault hooks through the methods below.
 */
export class SandboxChannel implements PaymentChannel {
  readonly code = 'sandbox' as const;
  /** Fault injection for tests: the next N refunds fail before or after the channel applies them. */
  readonly faults = { refundUnavailable: 0, refundResponseLost: 0, refundRejected: 0 };
  private installationKey?: Promise<string>;

  constructor(private readonly config: AppConfig) {}

  async createPayment(ctx: AppContext, req: ChannelPaymentRequest): Promise<ChannelPayParams> {
    const now = ctx.clock.now();
    const [existing] = await ctx.db
      .select()
      .from(sandboxTransactions)
      .where(eq(sandboxTransactions.outTradeNo, req.orderNo));
    if (!existing) {
      await ctx.db
        .insert(sandboxTransactions)
        .values({
          outTradeNo: req.orderNo,
          amountFen: req.amountFen,
          subject: req.subject,
          payerRef: req.accountId,
          state: 'NOTPAY',
          expiresAt: req.expiresAt,
          createdAt: now,
        })
        .onConflictDoNothing();
    } else if (existing.state === 'CLOSED') {
      throw new ChannelError('ORDER_CLOSED', 'sandbox trade is closed');
    } else if (existing.amountFen !== req.amountFen) {
      throw new ChannelError('PARAM_ERROR', 'same out_trade_no with a different amount');
    } else if (existing.state === 'PAYERROR') {
      // a new attempt after a failed one
      await ctx.db
        .update(sandboxTransactions)
        .set({ state: 'NOTPAY' })
        .where(
          and(eq(sandboxTransactions.outTradeNo, req.orderNo), eq(sandboxTransactions.state, 'PAYERROR')),
        );
    }
    return { kind: 'redirect', url: `/cashier/${encodeURIComponent(req.orderNo)}` };
  }

  /** The cashier page: what the payer sees before choosing. */
  async cashierView(ctx: AppContext, orderNo: string) {
    const [tx] = await ctx.db
      .select()
      .from(sandboxTransactions)
      .where(eq(sandboxTransactions.outTradeNo, orderNo));
    return tx;
  }

  /**
   * The payer's choice on the cashier page. Success books the payment and queues the signed
   * notification; failure marks the attempt failed (the payer may try again); cancel changes nothing.
   */
  async completeCashier(
    ctx: AppContext,
    orderNo: string,
    outcome: CashierOutcome,
  ): Promise<{ state: 'SUCCESS' | 'NOTPAY' | 'PAYERROR' | 'CLOSED' }> {
    const now = ctx.clock.now();
    const tx = await this.cashierView(ctx, orderNo);
    if (!tx) throw new ChannelError('ORDER_NOT_EXIST', 'no such sandbox trade');
    if (tx.state === 'SUCCESS' || tx.state === 'CLOSED') return { state: tx.state };
    if (tx.expiresAt <= now) {
      await ctx.db
        .update(sandboxTransactions)
        .set({ state: 'CLOSED', closedAt: now })
        .where(
          and(
            eq(sandboxTransactions.outTradeNo, orderNo),
            inArray(sandboxTransactions.state, ['NOTPAY', 'PAYERROR']),
          ),
        );
      return { state: 'CLOSED' };
    }
    if (outcome === 'cancel') return { state: tx.state };
    if (outcome === 'failure') {
      await ctx.db
        .update(sandboxTransactions)
        .set({ state: 'PAYERROR' })
        .where(and(eq(sandboxTransactions.outTradeNo, orderNo), eq(sandboxTransactions.state, 'NOTPAY')));
      return { state: 'PAYERROR' };
    }
    const paid = await this.markPaid(ctx, orderNo, ['NOTPAY', 'PAYERROR']);
    return { state: paid ? 'SUCCESS' : (await this.cashierView(ctx, orderNo))!.state };
  }

  /**
   * Test hook: the channel accepts a payment although the trade was closed, as when a payment and
   * a close cross inside a real channel. The platform must refund it.
   */
  async forcePaid(ctx: AppContext, orderNo: string): Promise<void> {
    const ok = await this.markPaid(ctx, orderNo, ['NOTPAY', 'PAYERROR', 'CLOSED']);
    if (!ok) throw new Error(`sandbox trade ${orderNo} cannot be paid`);
  }

  async query(ctx: AppContext, orderNo: string): Promise<ChannelTrade> {
    const tx = await this.cashierView(ctx, orderNo);
    if (!tx) return { state: 'not_found', orderNo };
    const state: ChannelTrade['state'] =
      tx.state === 'SUCCESS'
        ? tx.refundedFen > 0
          ? 'refunded'
          : 'paid'
        : tx.state === 'CLOSED'
          ? 'closed'
          : tx.state === 'PAYERROR'
            ? 'failed'
            : 'unpaid';
    return {
      state,
      orderNo,
      channelTradeNo: tx.transactionId ?? undefined,
      amountFen: tx.amountFen,
      paidAt: tx.paidAt ?? undefined,
    };
  }

  async close(ctx: AppContext, orderNo: string): Promise<'closed' | 'paid'> {
    const now = ctx.clock.now();
    const tx = await this.cashierView(ctx, orderNo);
    if (!tx) return 'closed';
    if (tx.state === 'SUCCESS') return 'paid';
    await ctx.db
      .update(sandboxTransactions)
      .set({ state: 'CLOSED', closedAt: now })
      .where(
        and(
          eq(sandboxTransactions.outTradeNo, orderNo),
          inArray(sandboxTransactions.state, ['NOTPAY', 'PAYERROR']),
        ),
      );
    const after = await this.cashierView(ctx, orderNo);
    return after?.state === 'SUCCESS' ? 'paid' : 'closed';
  }

  async refund(ctx: AppContext, req: ChannelRefundRequest): Promise<ChannelRefundResult> {
    if (this.faults.refundUnavailable > 0) {
      this.faults.refundUnavailable--;
      throw new ChannelError('SYSTEM_ERROR', 'sandbox refund service unavailable', true);
    }
    if (this.faults.refundRejected > 0) {
      this.faults.refundRejected--;
      throw new ChannelError('ACCOUNT_ABNORMAL', 'the payer account cannot receive refunds');
    }
    const now = ctx.clock.now();
    // The channel's own idempotency: one refund per out_refund_no, whatever the number of requests.
    const result = await ctx.db.transaction(async (db) => {
      const [done] = await db
        .select()
        .from(sandboxRefunds)
        .where(eq(sandboxRefunds.outRefundNo, req.refundNo));
      if (done)
        return {
          state: 'succeeded' as const,
          refundNo: req.refundNo,
          channelRefundId: done.refundId,
          amountFen: done.amountFen,
        };
      const [tx] = await db
        .select()
        .from(sandboxTransactions)
        .where(eq(sandboxTransactions.outTradeNo, req.orderNo))
        .for('update');
      if (!tx || tx.state !== 'SUCCESS') throw new ChannelError('TRADE_NOT_PAID', 'trade not paid');
      if (tx.refundedFen + req.amountFen > tx.amountFen)
        throw new ChannelError('NOT_ENOUGH', 'refund exceeds the paid amount');
      const refundId = `SBR${randomBytes(10).toString('hex').toUpperCase()}`;
      await db.insert(sandboxRefunds).values({
        outRefundNo: req.refundNo,
        outTradeNo: req.orderNo,
        refundId,
        amountFen: req.amountFen,
        state: 'SUCCESS',
        createdAt: now,
      });
      await db
        .update(sandboxTransactions)
        .set({ refundedFen: tx.refundedFen + req.amountFen })
        .where(eq(sandboxTransactions.outTradeNo, req.orderNo));
      return {
        state: 'succeeded' as const,
        refundNo: req.refundNo,
        channelRefundId: refundId,
        amountFen: req.amountFen,
      };
    });
    if (this.faults.refundResponseLost > 0) {
      this.faults.refundResponseLost--;
      throw new ChannelError('TIMEOUT', 'sandbox refund response lost', true);
    }
    return result;
  }

  async queryRefund(ctx: AppContext, refundNo: string): Promise<ChannelRefundResult> {
    const [r] = await ctx.db.select().from(sandboxRefunds).where(eq(sandboxRefunds.outRefundNo, refundNo));
    if (!r) return { state: 'not_found', refundNo };
    return { state: 'succeeded', refundNo, channelRefundId: r.refundId, amountFen: r.amountFen };
  }

  /**
   * The sandbox's trade bill of one day (hospital time), in the shape of a channel bill: one line
   * per payment and per refund, for reconciliation and the finance console.
   */
  async downloadBill(ctx: AppContext, billDate: string): Promise<string> {
    const from = dayjs.tz(billDate, ctx.config.HOSPITAL_TIMEZONE).toDate();
    const to = new Date(from.getTime() + 86400_000);
    const paid = await ctx.db
      .select()
      .from(sandboxTransactions)
      .where(and(gte(sandboxTransactions.paidAt, from), lt(sandboxTransactions.paidAt, to)))
      .orderBy(asc(sandboxTransactions.paidAt));
    const refunded = await ctx.db
      .select({ r: sandboxRefunds, transactionId: sandboxTransactions.transactionId })
      .from(sandboxRefunds)
      .innerJoin(sandboxTransactions, eq(sandboxTransactions.outTradeNo, sandboxRefunds.outTradeNo))
      .where(and(gte(sandboxRefunds.createdAt, from), lt(sandboxRefunds.createdAt, to)))
      .orderBy(asc(sandboxRefunds.createdAt));
    const time = (d: Date) => dayjs(d).tz(ctx.config.HOSPITAL_TIMEZONE).format('YYYY-MM-DD HH:mm:ss');
    const lines = ['time,type,transaction_id,out_trade_no,out_refund_no,amount_fen'];
    for (const t of paid)
      lines.push([time(t.paidAt!), 'PAY', t.transactionId, t.outTradeNo, '', t.amountFen].join(','));
    for (const { r, transactionId } of refunded)
      lines.push(
        [time(r.createdAt), 'REFUND', transactionId, r.outTradeNo, r.outRefundNo, r.amountFen].join(','),
      );
    return `${lines.join('\n')}\n`;
  }

  /** Total refunded on the channel's books (tests check that a retried refund moved money once). */
  async refundedOnChannel(ctx: AppContext, orderNo: string): Promise<number> {
    return (await this.cashierView(ctx, orderNo))?.refundedFen ?? 0;
  }

  async verifyNotification(ctx: AppContext, n: IncomingNotification): Promise<VerifiedPaymentNotification> {
    const signature = header(n.headers, SIGNATURE_HEADER);
    const timestamp = header(n.headers, TIMESTAMP_HEADER);
    if (!signature || !timestamp) throw new NotificationRejected('SIGNATURE_MISSING');
    const expected = await this.sign(ctx, timestamp, n.rawBody);
    const a = Buffer.from(signature, 'hex');
    const b = Buffer.from(expected, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new NotificationRejected('SIGNATURE_INVALID');
    if (Math.abs(ctx.clock.now().getTime() - Number(timestamp) * 1000) > MAX_SKEW_MS)
      throw new NotificationRejected('TIMESTAMP_SKEW');
    let body: Partial<Record<keyof SandboxNotificationBody, unknown>>;
    try {
      body = JSON.parse(n.rawBody) as typeof body;
    } catch {
      throw new NotificationRejected('MALFORMED_BODY');
    }
    if (!body || typeof body !== 'object') throw new NotificationRejected('MALFORMED_BODY');
    // Signed, so the channel said it: what is missing is for the platform to judge, not a forgery.
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const paidAt = text(body.success_time) ? new Date(body.success_time as string) : undefined;
    return {
      notificationId: text(body.id),
      state: body.trade_state === 'SUCCESS' ? 'paid' : 'unpaid',
      orderNo: text(body.out_trade_no) ?? '',
      channelTradeNo: text(body.transaction_id),
      amountFen: typeof body.amount_fen === 'number' ? body.amount_fen : undefined,
      paidAt: paidAt && !Number.isNaN(paidAt.getTime()) ? paidAt : undefined,
    };
  }

  reply(ok: boolean, message?: string): NotificationReply {
    return ok
      ? { status: 200, contentType: 'application/json', body: JSON.stringify({ code: 'SUCCESS' }) }
      : {
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'FAIL', message: message ?? 'FAIL' }),
        };
  }

  /** Signs a stored notification at delivery time, as a channel does on each (re)delivery. */
  async signedNotification(
    ctx: AppContext,
    row: { id: string; outTradeNo: string; body: string },
  ): Promise<OutgoingSandboxNotification> {
    const timestamp = String(Math.floor(ctx.clock.now().getTime() / 1000));
    return {
      id: row.id,
      orderNo: row.outTradeNo,
      rawBody: row.body,
      headers: {
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: await this.sign(ctx, timestamp, row.body),
      },
    };
  }

  /** Test hook: the notifications the channel has queued (delivered or not), signed now. */
  async notifications(ctx: AppContext, orderNo?: string): Promise<OutgoingSandboxNotification[]> {
    const rows = await ctx.db
      .select()
      .from(sandboxNotifications)
      .where(orderNo ? eq(sandboxNotifications.outTradeNo, orderNo) : undefined)
      .orderBy(asc(sandboxNotifications.createdAt));
    return Promise.all(rows.map((r) => this.signedNotification(ctx, r)));
  }

  /** The delivery job: posts one queued notification to the notify URL; throws so the job retries. */
  async deliver(ctx: AppContext, id: string): Promise<void> {
    const [row] = await ctx.db
      .select()
      .from(sandboxNotifications)
      .where(and(eq(sandboxNotifications.id, id), isNull(sandboxNotifications.deliveredAt)));
    if (!row) return;
    const n = await this.signedNotification(ctx, row);
    await ctx.db
      .update(sandboxNotifications)
      .set({ attempts: row.attempts + 1 })
      .where(eq(sandboxNotifications.id, id));
    const url =
      this.config.SANDBOX_NOTIFY_URL ?? `${this.config.PUBLIC_BASE_URL}/api/v1/payments/notify/sandbox`;
    const res = await fetch(url, { method: 'POST', headers: n.headers, body: n.rawBody });
    if (!res.ok) throw new Error(`sandbox notification ${id} refused: HTTP ${res.status}`);
    await ctx.db
      .update(sandboxNotifications)
      .set({ deliveredAt: ctx.clock.now() })
      .where(eq(sandboxNotifications.id, id));
  }

  private async markPaid(
    ctx: AppContext,
    orderNo: string,
    from: ('NOTPAY' | 'PAYERROR' | 'CLOSED')[],
  ): Promise<boolean> {
    const now = ctx.clock.now();
    const transactionId = `SBX${randomBytes(12).toString('hex').toUpperCase()}`;
    const notificationId = newId();
    const done = await ctx.db.transaction(async (db) => {
      const [tx] = await db
        .update(sandboxTransactions)
        .set({ state: 'SUCCESS', transactionId, paidAt: now })
        .where(and(eq(sandboxTransactions.outTradeNo, orderNo), inArray(sandboxTransactions.state, from)))
        .returning();
      if (!tx) return false;
      const body: SandboxNotificationBody = {
        id: notificationId,
        out_trade_no: orderNo,
        transaction_id: transactionId,
        trade_state: 'SUCCESS',
        amount_fen: tx.amountFen,
        success_time: now.toISOString(),
      };
      await db
        .insert(sandboxNotifications)
        .values({ id: notificationId, outTradeNo: orderNo, body: JSON.stringify(body), createdAt: now });
      return true;
    });
    if (done) await ctx.jobs.send(SANDBOX_DELIVER_JOB, { id: notificationId });
    return done;
  }

  private async sign(ctx: AppContext, timestamp: string, body: string): Promise<string> {
    const key = await this.notificationKey(ctx);
    return createHmac('sha256', key).update(`${timestamp}\n${body}`).digest('hex');
  }

  /**
   * SANDBOX_PAY_SECRET when configured; otherwise a key generated on first use and kept in the
   * database, so every installation (and every server process on it) signs with its own key.
   * Concurrent first uses agree through the primary key: the first insert wins, all read it back.
   */
  private notificationKey(ctx: AppContext): Promise<string> {
    if (this.config.SANDBOX_PAY_SECRET) return Promise.resolve(this.config.SANDBOX_PAY_SECRET);
    this.installationKey ??= (async () => {
      await ctx.db
        .insert(paymentChannelSecrets)
        .values({ channel: 'sandbox', secret: randomBytes(32).toString('hex'), createdAt: ctx.clock.now() })
        .onConflictDoNothing();
      const [row] = await ctx.db
        .select()
        .from(paymentChannelSecrets)
        .where(eq(paymentChannelSecrets.channel, 'sandbox'));
      return row.secret;
    })().catch((err: unknown) => {
      // a failed read (database down) is not remembered: the next notification tries again
      this.installationKey = undefined;
      throw err;
    });
    return this.installationKey;
  }
}

function header(h: IncomingNotification['headers'], name: string): string | undefined {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
