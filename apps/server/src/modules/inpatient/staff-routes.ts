import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, count, desc, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { requireStaff } from '../../platform/auth.js';
import { DomainError, badRequest } from '../../platform/errors.js';
import { orderIdByNo, orderSummaries } from '../payments/index.js';
import { inpatientAdmissions, inpatientDeposits, inpatientSettlementRefunds } from './schema.js';
import { retryDepositWriteBack } from './service.js';
import {
  AdminInpatientDepositsHisRetryPostResponse,
  AdminInpatientDepositsListResponse,
} from '@qingnang/contracts';

const DepositQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
    /** admission number or payment order number, exact */
    q: z
      .string()
      .trim()
      .regex(/^[\w.:-]{1,64}$/, 'letters, digits and _ . : -')
      .optional(),
    state: z.enum(['pending', 'paid', 'closed']).optional(),
    hisState: z.enum(['pending', 'confirmed', 'failed']).optional(),
    /** range of the time the top-up was started */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/**
 * Finance console (INP-03): inpatient deposit top-ups, searched by admission or order number, with
 * the payment channel, the HIS write-back and what the discharge settlement refunded from each.
 * Patient names come masked as the admission stores them; every search is audited.
 */
export async function registerInpatientStaffRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const read = requireStaff(ctx, 'payments.read');

  app.get(
    '/v1/admin/inpatient-deposits',
    {
      schema: {
        tags: ['inpatient (console)'],
        summary: '住院预交金查询：住院号或订单号（精确）、支付与 HIS 回写状态、时间范围，最新在前',
        querystring: DepositQuery,
        response: { 200: AdminInpatientDepositsListResponse },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query;
      if (q.from && q.to && new Date(q.from) > new Date(q.to))
        throw badRequest('INVALID_RANGE', '开始时间不能晚于结束时间', '"from" must not be after "to"');
      const orderId = q.q ? await orderIdByNo(ctx.db, q.q) : undefined;
      const where = and(
        q.q
          ? or(
              eq(inpatientAdmissions.admissionNo, q.q),
              orderId ? eq(inpatientDeposits.paymentOrderId, orderId) : undefined,
            )
          : undefined,
        q.state ? eq(inpatientDeposits.state, q.state) : undefined,
        q.hisState ? eq(inpatientDeposits.hisState, q.hisState) : undefined,
        q.from ? gte(inpatientDeposits.createdAt, new Date(q.from)) : undefined,
        q.to ? lte(inpatientDeposits.createdAt, new Date(q.to)) : undefined,
      );
      const base = () =>
        ctx.db
          .select({ d: inpatientDeposits, a: inpatientAdmissions })
          .from(inpatientDeposits)
          .innerJoin(inpatientAdmissions, eq(inpatientAdmissions.id, inpatientDeposits.admissionId));
      const [rows, [{ total }]] = await Promise.all([
        base()
          .where(where)
          .orderBy(desc(inpatientDeposits.createdAt), desc(inpatientDeposits.id))
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize),
        ctx.db
          .select({ total: count() })
          .from(inpatientDeposits)
          .innerJoin(inpatientAdmissions, eq(inpatientAdmissions.id, inpatientDeposits.admissionId))
          .where(where),
      ]);
      const orders = await orderSummaries(
        ctx.db,
        rows.map((r) => r.d.paymentOrderId),
      );
      const ids = rows.map((r) => r.d.id);
      const refunded = new Map<string, number>();
      if (ids.length)
        for (const r of await ctx.db
          .select({
            depositId: inpatientSettlementRefunds.depositId,
            fen: sql<number>`sum(${inpatientSettlementRefunds.amountFen})::int`,
          })
          .from(inpatientSettlementRefunds)
          .where(inArray(inpatientSettlementRefunds.depositId, ids))
          .groupBy(inpatientSettlementRefunds.depositId))
          refunded.set(r.depositId, Number(r.fen));
      await audit(ctx, req, {
        action: 'inpatient.deposits.list',
        objectType: 'inpatient_deposit',
        detail: { q: q.q ?? null, state: q.state ?? null, hisState: q.hisState ?? null, count: rows.length },
      });
      return {
        items: rows
          .map(({ d, a }) => ({ d, a, o: orders.get(d.paymentOrderId ?? '') }))
          .map(({ d, a, o }) => ({
            id: d.id,
            admissionId: a.id,
            admissionNo: a.admissionNo,
            ward: a.ward,
            bed: a.bed,
            patientName: a.nameMasked,
            admissionState: a.state,
            settlementState: a.settlementState,
            amountFen: d.amountFen,
            state: d.state,
            channel: o?.channel ?? null,
            orderNo: o?.orderNo ?? null,
            orderId: d.paymentOrderId,
            hisState: d.hisState,
            hisAttempts: d.hisAttempts,
            refundedFen: refunded.get(d.id) ?? 0,
            paidAt: d.paidAt?.toISOString() ?? null,
            createdAt: d.createdAt.toISOString(),
          })),
        total: Number(total),
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );

  app.post(
    '/v1/admin/inpatient-deposits/:id/his-retry',
    {
      schema: {
        tags: ['inpatient (console)'],
        summary: '重新回写 HIS：仅限回写失败的已缴预交金（立即尝试一次）',
        params: z.object({ id: z.string().min(1).max(64) }).strict(),
        body: z.object({}).strict().nullish(),
        response: { 200: AdminInpatientDepositsHisRetryPostResponse },
      },
      preHandler: requireStaff(ctx, 'deposits.manage'),
    },
    async (req) => {
      try {
        const out = await retryDepositWriteBack(ctx, req.params.id);
        await audit(ctx, req, {
          action: 'inpatient.deposits.his-retry',
          objectType: 'inpatient_deposit',
          objectId: req.params.id,
          detail: { hisState: out.hisState },
        });
        return out;
      } catch (err) {
        if (err instanceof DomainError)
          await audit(ctx, req, {
            action: 'inpatient.deposits.his-retry',
            objectType: 'inpatient_deposit',
            objectId: req.params.id,
            outcome: 'failed',
            detail: { code: err.code },
          });
        throw err;
      }
    },
  );
}
