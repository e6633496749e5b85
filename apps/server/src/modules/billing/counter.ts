import { and, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { DomainError, conflict } from '../../platform/errors.js';
import type { Channel } from '../gateway/index.js';
import { getPatientById } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { getPaymentOrder, requestRefund } from '../payments/index.js';
import { billPayments, bills } from './schema.js';

/**
 * PAY-09 前台退费: the patient was refunded at the hospital's counter and the HIS reports it. The
 * counter may refund what online refund may not (an executed item, a printed invoice, a passed
 * window; the staff check the goods returned). `original`: the platform returns the money to the
 * original account through the payment platform; `cash`: the counter paid it out and the platform
 * only records it. Repeating the report answers the same.
 */
export async function pushCounterRefund(
  ctx: AppContext,
  channel: Channel,
  billNo: string,
  input: { method: 'original' | 'cash'; refundedAt?: string },
) {
  const [b] = await ctx.db
    .select()
    .from(bills)
    .where(and(eq(bills.channelId, channel.id), eq(bills.billNo, billNo)));
  if (!b) throw new DomainError('BILL_NOT_FOUND', 404, '缴费单不存在', 'Bill not found');
  if (b.state === 'refunded') return view(b);
  if (b.state === 'pending') throw conflict('BILL_NOT_PAID', '该单据尚未缴费', 'The bill is not paid');
  if (b.state !== 'confirmed' || !b.paymentId)
    throw conflict('BILL_NOT_CONFIRMED', '缴费尚未在医院确认', 'The HIS has not confirmed this payment yet');
  const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, b.paymentId));
  if (input.method === 'original' && (!p?.orderId || p.settlementNo))
    throw conflict(
      'ORIGINAL_REFUND_NOT_POSSIBLE',
      '该单据不是线上现金支付，不能原路退回，请按医保或现金退费办理',
      'The bill was not paid online in cash; refund it through insurance or in cash',
    );
  const now = ctx.clock.now();
  const at = input.refundedAt ? new Date(input.refundedAt) : now;
  // Claim the bill first: a concurrent online refund or a second report then finds it taken.
  const [claimed] = await ctx.db
    .update(bills)
    .set({ state: 'refunded', refundedAt: at, refundMethod: input.method, updatedAt: now })
    .where(and(eq(bills.id, b.id), inArray(bills.state, ['confirmed'])))
    .returning();
  if (!claimed) {
    const [again] = await ctx.db.select().from(bills).where(eq(bills.id, b.id));
    if (again?.state === 'refunded') return view(again);
    throw conflict('BILL_REFUND_CONFLICT', '单据状态已变化，请稍后重试', 'The bill changed; try again');
  }
  if (input.method === 'original') {
    const order = (await getPaymentOrder(ctx, p!.orderId!))!;
    const refund = await requestRefund(ctx, {
      orderId: order.id,
      amountFen: b.amountFen,
      reason: `门诊窗口退费 ${b.billNo}`,
      refundKey: `counter-refund:${b.id}`,
      requestedBy: `his:${channel.id}`,
    });
    await ctx.db.update(bills).set({ refundId: refund.id }).where(eq(bills.id, b.id));
  }
  if (p) {
    const patient = await getPatientById(ctx, p.patientId).catch(() => undefined);
    await notify(ctx, {
      accountId: p.accountId,
      template: 'bill.refunded',
      data: {
        paymentId: p.id,
        patientName: patient?.name ?? '',
        amount: formatYuan(b.amountFen),
        billCount: 1,
      },
    });
  }
  const [done] = await ctx.db.select().from(bills).where(eq(bills.id, b.id));
  return view(done!);
}

function view(b: typeof bills.$inferSelect) {
  return {
    billNo: b.billNo,
    state: b.state,
    refundMethod: b.refundMethod,
    refundedAt: b.refundedAt?.toISOString() ?? null,
    refundId: b.refundId,
  };
}
