import { eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import {
  ChannelError,
  NotificationRejected,
  type ChannelCode,
  type ChannelRefundRequest,
  type ChannelRefundResult,
  type ChannelTrade,
  type PaymentChannel,
} from '../../integrations/payments/index.js';
import { creditCharges, creditRefunds } from './schema.js';
import { CREDIT_CHANNEL, refundCreditCharge } from './service.js';

/**
 * The platform's own 'credit' payment channel: the hospital extends the credit, so an order paid on
 * credit is a charge in the credit ledger rather than a trade at an outside channel. It is paid only
 * through POST /v1/credit/payments (never a cashier page); refunds and queries come from the payment
 * platform like any channel's, so a refund of a bill paid on credit needs no special path.
 */
export const creditChannel: PaymentChannel = {
  code: CREDIT_CHANNEL as ChannelCode,

  async createPayment() {
    throw new ChannelError(
      'CREDIT_PAY_DIRECTLY',
      'orders are paid on credit through POST /v1/credit/payments',
    );
  },

  async query(ctx: AppContext, orderNo: string): Promise<ChannelTrade> {
    const [c] = await ctx.db.select().from(creditCharges).where(eq(creditCharges.orderNo, orderNo));
    if (!c) return { state: 'not_found', orderNo };
    return { state: 'paid', orderNo, channelTradeNo: c.id, amountFen: c.amountFen, paidAt: c.createdAt };
  },

  async close(ctx: AppContext, orderNo: string) {
    const [c] = await ctx.db.select().from(creditCharges).where(eq(creditCharges.orderNo, orderNo));
    return c ? 'paid' : 'closed';
  },

  async refund(ctx: AppContext, req: ChannelRefundRequest): Promise<ChannelRefundResult> {
    const state = await refundCreditCharge(ctx, req);
    return {
      state,
      refundNo: req.refundNo,
      channelRefundId: state === 'succeeded' ? req.refundNo : undefined,
      amountFen: req.amountFen,
    };
  },

  async queryRefund(ctx: AppContext, refundNo: string): Promise<ChannelRefundResult> {
    const [r] = await ctx.db.select().from(creditRefunds).where(eq(creditRefunds.refundNo, refundNo));
    return r
      ? { state: 'succeeded', refundNo, channelRefundId: refundNo, amountFen: r.amountFen }
      : { state: 'not_found', refundNo };
  },

  async verifyNotification() {
    throw new NotificationRejected('the credit channel sends no notifications');
  },

  reply(ok: boolean) {
    return { status: ok ? 200 : 400 };
  },
};
