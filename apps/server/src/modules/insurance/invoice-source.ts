import { and, arrayOverlaps, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { cursorOf, parseCursor, rowsOf, type InvoiceSource } from '../../integrations/einvoice/index.js';
import {
  billInvoiceLines,
  billInvoiceSource,
  billRefundsSince,
  refundedBills,
  type SecondarySettlements,
} from '../billing/index.js';
import { insuranceSettlements } from './schema.js';
import { insuranceSplitOf } from './index.js';

/** Which of these bills a completed secondary insurance settlement (二次结算) covers. */
async function secondarySettledBills(ctx: AppContext, billIds: string[]): Promise<string[]> {
  if (!billIds.length) return [];
  const rows = await ctx.db
    .select({ billIds: insuranceSettlements.billIds })
    .from(insuranceSettlements)
    .where(
      and(
        eq(insuranceSettlements.kind, 'secondary'),
        eq(insuranceSettlements.state, 'settled'),
        arrayOverlaps(insuranceSettlements.billIds, billIds),
      ),
    );
  const wanted = new Set(billIds);
  return [...new Set(rows.flatMap((r) => r.billIds).filter((id) => wanted.has(id)))];
}

/** What billing's invoices need of secondary settlements (billing's port, filled when insurance registers). */
export const secondarySettlementsForBilling: SecondarySettlements = {
  settledBills: secondarySettledBills,
  splitOf: (ctx, settlementNo) => insuranceSplitOf(ctx, settlementNo),
  async settledSince(ctx, since, cursor, limit) {
    const c = parseCursor(cursor);
    const r = await ctx.db.execute<{ id: string; bill_ids: string[]; at: string }>(sql`
      SELECT s.id, s.bill_ids, s.settled_at::text AS at FROM insurance_settlements s
       WHERE s.kind = 'secondary' AND s.state = 'settled' AND s.settled_at >= ${since}
         ${c ? sql`AND (s.settled_at, s.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
       ORDER BY s.settled_at, s.id LIMIT ${limit}`);
    const rows = rowsOf<{ id: string; bill_ids: string[]; at: string }>(r);
    const last = rows.at(-1);
    return {
      items: rows.map((x) => x.bill_ids),
      next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
    };
  },
};

/**
 * INS-15: bills paid by phone and settled afterwards with insurance (二次结算) get one consolidated
 * medical invoice with the fund / personal account / cash split; their first invoices are
 * red-lettered by the bill source (the bills count as gone from them). Registered with the invoicing
 * module's invoice-source port as source type `insurance_secondary`.
 */
export const secondarySettlementInvoiceSource: InvoiceSource = {
  category: 'outpatient',

  async snapshot(ctx, settlementId) {
    const [s] = await ctx.db
      .select()
      .from(insuranceSettlements)
      .where(eq(insuranceSettlements.id, settlementId));
    if (!s || s.kind !== 'secondary' || s.state !== 'settled') return undefined;
    const { titles, items } = await billInvoiceLines(ctx, s.billIds, { confirmedOnly: true });
    if (!titles.length) return undefined;
    return {
      category: 'outpatient',
      title: `门诊医保二次结算：${titles.join('、')}`.slice(0, 200),
      accountId: s.accountId,
      patientId: s.patientId,
      orderId: null,
      orderNo: s.settlementNo,
      paidAt: s.settledAt ?? ctx.clock.now(),
      insuranceSplit: { fundFen: s.fundFen, accountFen: s.accountFen, cashFen: s.cashFen },
      items,
    };
  },

  // here only a real refund takes a bill away (being secondarily settled is what this invoice is)
  refundedParts: (ctx, parts) => refundedBills(ctx, parts),
  printedParts: (ctx, parts) => billInvoiceSource.printedParts(ctx, parts),
  markPrinted: (ctx, parts) => billInvoiceSource.markPrinted(ctx, parts),

  async candidates(ctx, since, cursor, limit) {
    const c = parseCursor(cursor);
    const r = await ctx.db.execute<{ id: string; at: string }>(sql`
      SELECT s.id, s.settled_at::text AS at FROM insurance_settlements s
       WHERE s.kind = 'secondary' AND s.state = 'settled' AND s.settled_at >= ${since}
         ${c ? sql`AND (s.settled_at, s.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
       ORDER BY s.settled_at, s.id LIMIT ${limit}`);
    const rows = rowsOf<{ id: string; at: string }>(r);
    const last = rows.at(-1);
    return {
      items: rows.map((x) => ({ sourceId: x.id })),
      next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
    };
  },

  /** a refunded bill leaves the consolidated invoice that covers it */
  async reversals(ctx, since, cursor, limit) {
    const page = await billRefundsSince(ctx, since, cursor, limit);
    return { items: page.items.map((x) => ({ parts: [x.billId] })), next: page.next };
  },
};
