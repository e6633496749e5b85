import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import { paymentOrders, refunds } from './schema.js';
import type { PaymentOrderState } from './contract.js';
import { PaymentsMineListResponse, PaymentsMineQuery } from '@qingnang/contracts';

/**
 * PAY-07 我的缴费 / 交易查询: every payment of the account in one list (registration fees, bills,
 * deposits, exams, settlements), newest first, each with its status and its refunds. Orders that
 * were never paid and have closed are left out unless asked for.
 */

const FILTERS = {
  all: ['paying', 'paid', 'refunding', 'partially_refunded', 'refunded'],
  unpaid: ['created', 'paying'],
  paid: ['paid'],
  refunded: ['refunding', 'partially_refunded', 'refunded'],
  closed: ['closed'],
} as const satisfies Record<string, readonly PaymentOrderState[]>;

type Filter = keyof typeof FILTERS;

/** An opaque cursor: the last item's creation time and id. */
function encodeCursor(at: Date, id: string) {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime()))
    throw badRequest('CURSOR_INVALID', '分页参数无效', 'The page cursor is invalid');
  return { at, id };
}

export async function listMyPayments(
  ctx: AppContext,
  accountId: string,
  q: { state: Filter; patientId?: string; limit: number; cursor?: string },
) {
  const conds: SQL[] = [
    eq(paymentOrders.accountId, accountId),
    inArray(paymentOrders.state, [...FILTERS[q.state]]),
  ];
  if (q.patientId) conds.push(eq(paymentOrders.patientId, q.patientId));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    conds.push(
      or(
        lt(paymentOrders.createdAt, c.at),
        and(eq(paymentOrders.createdAt, c.at), lt(paymentOrders.id, c.id)),
      )!,
    );
  }
  const rows = await ctx.db
    .select()
    .from(paymentOrders)
    .where(and(...conds))
    .orderBy(desc(paymentOrders.createdAt), desc(paymentOrders.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const refundRows = page.length
    ? await ctx.db
        .select()
        .from(refunds)
        .where(
          inArray(
            refunds.orderId,
            page.map((o) => o.id),
          ),
        )
        .orderBy(desc(refunds.createdAt))
    : [];
  const last = page[page.length - 1];
  return {
    items: page.map((o) => ({
      orderId: o.id,
      orderNo: o.orderNo,
      businessType: o.businessType,
      businessId: o.businessId,
      patientId: o.patientId,
      subject: o.subject,
      amountFen: o.amountFen,
      refundedFen: o.refundedFen,
      state: o.state,
      channel: o.channel,
      createdAt: o.createdAt.toISOString(),
      paidAt: o.paidAt?.toISOString() ?? null,
      refunds: refundRows
        .filter((r) => r.orderId === o.id)
        .map((r) => ({
          refundNo: r.refundNo,
          amountFen: r.amountFen,
          state: r.state,
          createdAt: r.createdAt.toISOString(),
        })),
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export function registerMyPaymentRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/payments/mine',
    {
      schema: {
        tags: ['payments'],
        summary: '我的缴费 / 交易查询：挂号、门诊缴费、预交金、体检等全部交易及退款',
        querystring: PaymentsMineQuery,
        response: { 200: PaymentsMineListResponse },
      },
      preHandler: requirePatient(ctx),
    },
    async (req) => listMyPayments(ctx, principalOf(req).id, req.query),
  );
}
