import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { PaymentOrderView, RefundView } from './contract.js';
import { paymentOrders, refunds } from './schema.js';
import { orderView, refundView } from './service.js';

// Read-only look-ups for business modules' own lists (bill payments, deposits, credit charges): they
// show an order's number and state next to their rows without joining the payment tables.

/** A payment order as business modules' lists show it. */
export interface OrderSummary extends PaymentOrderView {
  patientId: string | null;
  subject: string;
  /** the channel's transaction number once paid (for credit: the credit charge's id) */
  channelTradeNo: string | null;
}

/** These orders by id (missing ids are simply absent); ids may repeat or be null. */
export async function orderSummaries(
  db: DbOrTx,
  ids: ReadonlyArray<string | null | undefined>,
): Promise<Map<string, OrderSummary>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  const found = new Map<string, OrderSummary>();
  if (wanted.length === 0) return found;
  for (const o of await db.select().from(paymentOrders).where(inArray(paymentOrders.id, wanted)))
    found.set(o.id, {
      ...orderView(o),
      patientId: o.patientId,
      subject: o.subject,
      channelTradeNo: o.channelTradeNo,
    });
  return found;
}

/** The id of the order with this order number (exact), if any. */
export async function orderIdByNo(db: DbOrTx, orderNo: string): Promise<string | undefined> {
  const [o] = await db
    .select({ id: paymentOrders.id })
    .from(paymentOrders)
    .where(eq(paymentOrders.orderNo, orderNo));
  return o?.id;
}

/** Every refund of these orders, oldest first. */
export async function refundsOfOrders(
  db: DbOrTx,
  orderIds: ReadonlyArray<string | null | undefined>,
): Promise<RefundView[]> {
  const wanted = [...new Set(orderIds.filter((id): id is string => !!id))];
  if (wanted.length === 0) return [];
  const rows = await db
    .select()
    .from(refunds)
    .where(inArray(refunds.orderId, wanted))
    .orderBy(asc(refunds.createdAt));
  return rows.map(refundView);
}
