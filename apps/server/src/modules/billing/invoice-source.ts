import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import {
  cursorOf,
  parseCursor,
  rowsOf,
  type CandidatePage,
  type InsuranceSplit,
  type InvoiceSource,
  type InvoiceSourceItem,
  type ReversalCandidate,
} from '../../integrations/einvoice/index.js';
import type { Channel } from '../gateway/index.js';
import { getPaymentOrder } from '../payments/index.js';
import { billItems, billPayments, bills } from './schema.js';
import { pushInvoiced } from './service.js';

/**
 * What billing's invoices need to know of secondary insurance settlements (二次结算), which the
 * insurance module owns: it fills this port when it registers.
 */
export interface SecondarySettlements {
  /** which of these bills a completed secondary settlement covers */
  settledBills(ctx: AppContext, billIds: string[]): Promise<string[]>;
  /** the fund / personal account / cash split of a settlement, by its number */
  splitOf(ctx: AppContext, settlementNo: string): Promise<InsuranceSplit | undefined>;
  /** bills moved to a secondary settlement completed since `since` (a page after `cursor`) */
  settledSince(
    ctx: AppContext,
    since: Date,
    cursor: string | undefined,
    limit: number,
  ): Promise<CandidatePage<string[]>>;
}

let secondary: SecondarySettlements | undefined;

export function provideSecondarySettlements(s: SecondarySettlements): void {
  secondary = s;
}

function secondarySettlements(): SecondarySettlements {
  if (!secondary)
    throw new Error(
      'billing: no secondary settlements; the insurance module provides them when it registers',
    );
  return secondary;
}

/** The e-invoice lines of these bills (those in state `confirmed` only, when asked), by bill number. */
export async function billInvoiceLines(
  ctx: AppContext,
  billIds: string[],
  opts: { confirmedOnly?: boolean } = {},
): Promise<{ titles: string[]; items: InvoiceSourceItem[] }> {
  if (!billIds.length) return { titles: [], items: [] };
  const rows = await ctx.db
    .select()
    .from(bills)
    .where(and(inArray(bills.id, billIds), opts.confirmedOnly ? eq(bills.state, 'confirmed') : undefined))
    .orderBy(asc(bills.billNo));
  return linesOf(ctx, rows);
}

async function linesOf(ctx: AppContext, rows: (typeof bills.$inferSelect)[]) {
  if (!rows.length) return { titles: [], items: [] };
  const items = await ctx.db
    .select()
    .from(billItems)
    .where(
      inArray(
        billItems.billId,
        rows.map((b) => b.id),
      ),
    )
    .orderBy(asc(billItems.seq));
  return {
    titles: rows.map((b) => b.title),
    items: rows.flatMap((b) =>
      items
        .filter((i) => i.billId === b.id)
        .map((i) => ({
          part: b.id,
          code: i.code,
          name: i.name,
          spec: i.spec,
          unit: i.unit,
          quantity: i.quantity,
          unitPriceFen: i.unitPriceFen,
          amountFen: i.amountFen,
        })),
    ),
  };
}

/** Which of these bills were refunded. */
export async function refundedBills(ctx: AppContext, billIds: string[]): Promise<string[]> {
  if (!billIds.length) return [];
  const rows = await ctx.db
    .select({ id: bills.id })
    .from(bills)
    .where(and(inArray(bills.id, billIds), eq(bills.state, 'refunded')));
  return rows.map((r) => r.id);
}

/** Bills refunded since `since`, with their payment (a page after `cursor`, oldest first). */
export async function billRefundsSince(
  ctx: AppContext,
  since: Date,
  cursor: string | undefined,
  limit: number,
): Promise<CandidatePage<{ billId: string; paymentId: string | null }>> {
  const c = parseCursor(cursor);
  const r = await ctx.db.execute<{ id: string; payment_id: string | null; at: string }>(sql`
    SELECT b.id, b.payment_id, b.refunded_at::text AS at FROM bills b
     WHERE b.state = 'refunded' AND b.refunded_at >= ${since}
       ${c ? sql`AND (b.refunded_at, b.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
     ORDER BY b.refunded_at, b.id LIMIT ${limit}`);
  const rows = rowsOf<{ id: string; payment_id: string | null; at: string }>(r);
  const last = rows.at(-1);
  return {
    items: rows.map((x) => ({ billId: x.id, paymentId: x.payment_id })),
    next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
  };
}

/**
 * Outpatient bill payments (PAY-10): invoiceable once the HIS confirmed the write-back; one part per
 * bill, so an online refund of one bill red-letters the invoice and a new one covers the rest.
 * Registered with the invoicing module's invoice-source port as source type `bill`.
 */
export const billInvoiceSource: InvoiceSource = {
  category: 'outpatient',

  async snapshot(ctx, paymentId) {
    const [p] = await ctx.db.select().from(billPayments).where(eq(billPayments.id, paymentId));
    // Bills settled by medical insurance have no cash order (or one for the cash part only): they are
    // invoiced all the same, for their full amount.
    if (!p || p.state !== 'paid') return undefined;
    const rows = await ctx.db
      .select()
      .from(bills)
      .where(and(eq(bills.paymentId, p.id), inArray(bills.id, p.billIds)))
      .orderBy(asc(bills.billNo));
    // Still being written back: the invoice waits for the HIS's confirmation.
    if (rows.some((b) => b.state === 'paid')) return undefined;
    // Bills settled afterwards with insurance (二次结算) move to that settlement's consolidated invoice.
    const moved = new Set(
      await secondarySettlements().settledBills(
        ctx,
        rows.map((b) => b.id),
      ),
    );
    const kept = rows.filter((b) => b.state === 'confirmed' && !moved.has(b.id));
    if (!kept.length) return undefined;
    const { titles, items } = await linesOf(ctx, kept);
    const order = p.orderId ? await getPaymentOrder(ctx, p.orderId) : undefined;
    const insuranceSplit = p.settlementNo
      ? await secondarySettlements().splitOf(ctx, p.settlementNo)
      : undefined;
    return {
      insuranceSplit,
      category: 'outpatient',
      title: `门诊缴费：${titles.join('、')}`.slice(0, 200),
      accountId: p.accountId,
      patientId: p.patientId,
      orderId: p.orderId ?? null,
      orderNo: order?.orderNo ?? null,
      paidAt: p.paidAt ?? order?.paidAt ?? ctx.clock.now(),
      items,
    };
  },

  async refundedParts(ctx, parts) {
    if (!parts.length) return [];
    // a bill moved to a secondary settlement's consolidated invoice leaves this one as a refund does
    return [
      ...new Set([
        ...(await refundedBills(ctx, parts)),
        ...(await secondarySettlements().settledBills(ctx, parts)),
      ]),
    ];
  },

  async printedParts(ctx, parts) {
    if (!parts.length) return [];
    const rows = await ctx.db
      .select({ id: bills.id })
      .from(bills)
      .where(and(inArray(bills.id, parts), eq(bills.invoiced, true)));
    return rows.map((r) => r.id);
  },

  async markPrinted(ctx, parts) {
    if (!parts.length) return;
    const rows = await ctx.db.select().from(bills).where(inArray(bills.id, parts));
    for (const b of rows) await pushInvoiced(ctx, { id: b.channelId } as Channel, b.billNo);
  },

  /** paid bill payments whose bills the HIS confirmed (none still being written back) */
  async candidates(ctx, since, cursor, limit) {
    const c = parseCursor(cursor);
    const r = await ctx.db.execute<{ id: string; at: string }>(sql`
      SELECT bp.id, bp.paid_at::text AS at FROM bill_payments bp
       WHERE bp.state = 'paid' AND bp.paid_at >= ${since}
         AND EXISTS (SELECT 1 FROM bills b WHERE b.payment_id = bp.id AND b.state = 'confirmed')
         AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.payment_id = bp.id AND b.state = 'paid')
         ${c ? sql`AND (bp.paid_at, bp.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
       ORDER BY bp.paid_at, bp.id LIMIT ${limit}`);
    const rows = rowsOf<{ id: string; at: string }>(r);
    const last = rows.at(-1);
    return {
      items: rows.map((x) => ({ sourceId: x.id })),
      next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
    };
  },

  /**
   * Refunded bills leave their payment's invoice; bills secondarily settled leave whichever bill
   * invoice covers them. Two streams, one cursor: `r:` the refunds, then `m:` the moves.
   */
  async reversals(ctx, since, cursor, limit) {
    if (!cursor?.startsWith('m:')) {
      const page = await billRefundsSince(ctx, since, cursor?.slice(2) || undefined, limit);
      const items: ReversalCandidate[] = page.items
        .filter((x) => x.paymentId)
        .map((x) => ({ sourceId: x.paymentId!, parts: [x.billId] }));
      return { items, next: page.next ? `r:${page.next}` : 'm:' };
    }
    const page = await secondarySettlements().settledSince(ctx, since, cursor.slice(2) || undefined, limit);
    return {
      items: page.items.map((parts) => ({ parts })),
      next: page.next ? `m:${page.next}` : undefined,
    };
  },
};
