import { and, eq, inArray, sql } from 'drizzle-orm';
import { cursorOf, parseCursor, rowsOf, type InvoiceSource } from '../../integrations/einvoice/index.js';
import { getPaymentOrder } from '../payments/index.js';
import { registrations } from './schema.js';
import { loadRegistration, namesFor } from './index.js';

const LEVEL_NAMES = { general: '普通号', expert: '专家号', special: '特需号' } as const;
const INVOICED_REGISTRATION_STATES = ['booked', 'checked_in', 'completed', 'no_show'];

/**
 * Registration fees paid through the payment platform (REG-07): one item, the fee of the level, with
 * the department and doctor; a cancelled (退号) registration's fee is refunded, so its invoice is
 * red-lettered. Fees collected by other channels are invoiced by those channels. Registered with the
 * invoicing module's invoice-source port as source type `registration`.
 */
export const registrationInvoiceSource: InvoiceSource = {
  category: 'registration',

  async snapshot(ctx, registrationId) {
    const r = await loadRegistration(ctx.db, registrationId).catch(() => undefined);
    if (!r || !r.paymentOrderId || !r.accountId || !r.patientId || r.paidExternally) return undefined;
    if (!INVOICED_REGISTRATION_STATES.includes(r.state) || r.feeFen <= 0) return undefined;
    const order = await getPaymentOrder(ctx, r.paymentOrderId);
    if (!order || order.businessType !== 'registration') return undefined;
    const names = await namesFor(ctx, [r]);
    const dept = names.departments.get(r.departmentId) ?? '';
    const doctor = names.doctors.get(r.doctorId)?.name ?? '';
    return {
      category: 'registration',
      title: `挂号费：${dept} ${doctor} ${r.clinicDate}`.trim().slice(0, 200),
      accountId: r.accountId,
      patientId: r.patientId,
      orderId: order.id,
      orderNo: order.orderNo,
      paidAt: r.paidAt ?? order.paidAt ?? ctx.clock.now(),
      items: [
        {
          part: r.id,
          code: `GH-${r.level}`,
          name: `挂号费（${LEVEL_NAMES[r.level] ?? r.level}）`,
          spec: [dept, doctor].filter(Boolean).join(' ') || null,
          unit: '次',
          quantity: 1,
          unitPriceFen: r.feeFen,
          amountFen: r.feeFen,
        },
      ],
    };
  },

  async refundedParts(ctx, parts) {
    if (!parts.length) return [];
    const rows = await ctx.db
      .select({ id: registrations.id })
      .from(registrations)
      .where(and(inArray(registrations.id, parts), eq(registrations.state, 'cancelled')));
    return rows.map((r) => r.id);
  },

  async printedParts() {
    return [];
  },

  async markPrinted() {
    // Registration fees have no printed-copy rule of their own; the e-invoice records the print.
  },

  async candidates(ctx, since, cursor, limit) {
    const c = parseCursor(cursor);
    const r = await ctx.db.execute<{ id: string; at: string }>(sql`
      SELECT r.id, r.paid_at::text AS at FROM registrations r
       WHERE r.payment_order_id IS NOT NULL AND r.paid_at >= ${since} AND NOT r.paid_externally
         AND r.state IN ('booked', 'checked_in', 'completed', 'no_show')
         ${c ? sql`AND (r.paid_at, r.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
       ORDER BY r.paid_at, r.id LIMIT ${limit}`);
    const rows = rowsOf<{ id: string; at: string }>(r);
    const last = rows.at(-1);
    return {
      items: rows.map((x) => ({ sourceId: x.id })),
      next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
    };
  },

  async reversals(ctx, since, cursor, limit) {
    const c = parseCursor(cursor);
    const r = await ctx.db.execute<{ id: string; at: string }>(sql`
      SELECT r.id, r.cancelled_at::text AS at FROM registrations r
       WHERE r.state = 'cancelled' AND r.cancelled_at >= ${since} AND r.payment_order_id IS NOT NULL
         ${c ? sql`AND (r.cancelled_at, r.id) > (${c.at}::timestamptz, ${c.id})` : sql``}
       ORDER BY r.cancelled_at, r.id LIMIT ${limit}`);
    const rows = rowsOf<{ id: string; at: string }>(r);
    const last = rows.at(-1);
    return {
      items: rows.map((x) => ({ sourceId: x.id, parts: [x.id] })),
      next: rows.length === limit && last ? cursorOf(last.at, last.id) : undefined,
    };
  },
};
