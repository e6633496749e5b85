import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, asc, count, desc, eq, gte, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audit, auditPatientAccess, subjectOf } from '../../platform/audit.js';
import { paging } from '../../platform/zod.js';
import { requireStaff } from '../../platform/auth.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { maskName } from '../../platform/pii.js';
import { orderSummaries, refundsOfOrders } from '../payments/index.js';
import { billItems, billPayments, bills, billWritebacks, hisVisits } from './schema.js';
import { AdminBillsGetResponse, AdminBillsListResponse } from '@qingnang/contracts';

const BillQuery = z
  .object({
    ...paging(200),
    /** bill number or visit number, exact */
    q: z
      .string()
      .trim()
      .regex(/^[\w.:-]{1,64}$/, 'letters, digits and _ . : -')
      .optional(),
    state: z.enum(['pending', 'paid', 'confirmed', 'refunded']).optional(),
    /** range of the time the HIS billed it */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

type BillRow = typeof bills.$inferSelect;
type VisitRow = typeof hisVisits.$inferSelect;

function billSummary(b: BillRow, v: VisitRow | null) {
  return {
    id: b.id,
    billNo: b.billNo,
    visitNo: v?.visitNo ?? null,
    visitDate: v?.visitDate ?? null,
    patientName: v ? maskName(v.patientName) : null,
    departmentName: v?.departmentName ?? null,
    doctorName: v?.doctorName ?? null,
    kind: b.kind,
    title: b.title,
    amountFen: b.amountFen,
    state: b.state,
    executionStatus: b.executionStatus,
    invoiced: b.invoiced,
    hisReceiptNo: b.hisReceiptNo,
    billedAt: b.billedAt.toISOString(),
    paidAt: b.paidAt?.toISOString() ?? null,
    confirmedAt: b.confirmedAt?.toISOString() ?? null,
    refundedAt: b.refundedAt?.toISOString() ?? null,
  };
}

/**
 * Finance console: outpatient bills pushed by the HIS, searched by bill or visit number, with
 * their items, the payments that carried them, the payment orders and the HIS write-back.
 * Every call is audited (patient data).
 *
 * There is deliberately no "retry" of a write-back that failed for good: by then the bills are
 * back to pending and the money has been refunded automatically, so telling the HIS now would
 * mark bills paid that nobody paid for. Pending write-backs are retried by the sweep job.
 */
export async function registerBillingStaffRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['billing (console)'];
  const read = requireStaff(ctx, 'payments.read');

  app.get(
    '/v1/admin/bills',
    {
      schema: {
        tags,
        summary: '门诊缴费单据查询：按单据号或就诊号（精确），状态与开单时间范围，最新在前',
        querystring: BillQuery,
        response: { 200: AdminBillsListResponse },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query;
      if (q.from && q.to && new Date(q.from) > new Date(q.to))
        throw badRequest('INVALID_RANGE', '开始时间不能晚于结束时间', '"from" must not be after "to"');
      const where = and(
        q.q ? or(eq(bills.billNo, q.q), eq(hisVisits.visitNo, q.q)) : undefined,
        q.state ? eq(bills.state, q.state) : undefined,
        q.from ? gte(bills.billedAt, new Date(q.from)) : undefined,
        q.to ? lte(bills.billedAt, new Date(q.to)) : undefined,
      );
      const [rows, [{ total }]] = await Promise.all([
        ctx.db
          .select({ b: bills, v: hisVisits })
          .from(bills)
          .leftJoin(hisVisits, eq(hisVisits.id, bills.visitId))
          .where(where)
          .orderBy(desc(bills.billedAt), desc(bills.id))
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize),
        ctx.db
          .select({ total: count() })
          .from(bills)
          .leftJoin(hisVisits, eq(hisVisits.id, bills.visitId))
          .where(where),
      ]);
      await audit(ctx, req, {
        action: 'billing.bills.list',
        objectType: 'bill',
        detail: { q: q.q ?? null, state: q.state ?? null, count: rows.length },
      });
      return {
        items: rows.map(({ b, v }) => billSummary(b, v)),
        total: Number(total),
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );

  app.get(
    '/v1/admin/bills/:id',
    {
      schema: {
        tags,
        summary: '单据详情：明细、承载它的缴费（支付订单、退款）与 HIS 回写状态',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: AdminBillsGetResponse },
      },
      preHandler: read,
    },
    async (req) => {
      const [row] = await ctx.db
        .select({ b: bills, v: hisVisits })
        .from(bills)
        .leftJoin(hisVisits, eq(hisVisits.id, bills.visitId))
        .where(eq(bills.id, req.params.id));
      if (!row) throw notFound('bill', '单据');
      const { b, v } = row;
      const [items, pays] = await Promise.all([
        ctx.db.select().from(billItems).where(eq(billItems.billId, b.id)).orderBy(asc(billItems.seq)),
        // Every payment that ever carried this bill: a failed write-back releases the bill again.
        ctx.db
          .select({ p: billPayments, w: billWritebacks })
          .from(billPayments)
          .leftJoin(billWritebacks, eq(billWritebacks.paymentId, billPayments.id))
          .where(sql`${b.id} = any(${billPayments.billIds})`)
          .orderBy(desc(billPayments.createdAt)),
      ]);
      const orders = await orderSummaries(
        ctx.db,
        pays.map((x) => x.p.orderId),
      );
      const rs = await refundsOfOrders(ctx.db, [...orders.keys()]);
      await auditPatientAccess(ctx, req, {
        action: 'billing.bills.read',
        objectType: 'bill',
        objectId: b.id,
        recordKind: 'bill',
        ground: 'finance',
        subjects: subjectOf({ personIdx: b.patientIdx }),
      });
      return {
        ...billSummary(b, v),
        execDepartment: b.execDepartment,
        execLocation: b.execLocation,
        executedAt: b.executedAt?.toISOString() ?? null,
        currentPaymentId: b.paymentId,
        items: items.map((i) => ({
          seq: i.seq,
          code: i.code,
          name: i.name,
          spec: i.spec,
          unit: i.unit,
          quantity: i.quantity,
          unitPriceFen: i.unitPriceFen,
          amountFen: i.amountFen,
        })),
        payments: pays
          .map(({ p, w }) => ({ p, o: orders.get(p.orderId ?? ''), w }))
          .map(({ p, o, w }) => ({
            paymentId: p.id,
            state: p.state,
            amountFen: p.amountFen,
            billCount: p.billIds.length,
            settlementNo: p.settlementNo,
            createdAt: p.createdAt.toISOString(),
            paidAt: p.paidAt?.toISOString() ?? null,
            order: o
              ? {
                  orderId: o.id,
                  orderNo: o.orderNo,
                  state: o.state,
                  channel: o.channel,
                  amountFen: o.amountFen,
                  refundedFen: o.refundedFen,
                  paidAt: o.paidAt?.toISOString() ?? null,
                }
              : null,
            refunds: o
              ? rs
                  .filter((r) => r.orderId === o.id)
                  .map((r) => ({
                    refundId: r.id,
                    refundNo: r.refundNo,
                    amountFen: r.amountFen,
                    state: r.state,
                    reason: r.reason,
                    createdAt: r.createdAt.toISOString(),
                  }))
              : [],
            writeBack: w
              ? {
                  state: w.state,
                  attempts: w.attempts,
                  lastError: w.lastError,
                  hisReceiptNo: w.hisReceiptNo,
                  nextAttemptAt: w.state === 'pending' ? w.nextAttemptAt.toISOString() : null,
                  updatedAt: w.updatedAt.toISOString(),
                }
              : null,
          })),
      };
    },
  );
}
