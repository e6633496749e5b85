import type { FastifyInstance } from 'fastify';
import { and, asc, count, desc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { audit, auditPatientAccess, subjectOf } from '../../platform/audit.js';
import { principalOf, requireStaff } from '../../platform/auth.js';
import { DomainError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { ChannelError } from '../../integrations/payments/index.js';
import { dayjs } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { abnormalOrders, paymentNotifications, paymentOrders, refunds } from './schema.js';
import { attemptRefund, requestRefund } from './service.js';
import type { ChannelCode } from './contract.js';
import {
  AdminAbnormalOrdersListResponse,
  AdminAbnormalOrdersResolvePostResponse,
  AdminPaymentBillsListResponse,
  AdminPaymentOrdersExportListResponse,
  AdminPaymentOrdersGetResponse,
  AdminPaymentOrdersListResponse,
  AdminPaymentOrdersRefundsPostResponse,
  AdminRefundsListResponse,
  AdminRefundsRetryPostResponse,
  PAYMENT_ORDER_STATES,
  PaymentsAbnormalOrdersQuery,
  PaymentsAbnormalResolveBody,
  PaymentsBillsQuery,
  PaymentsFinanceIdParams,
  PaymentsManualRefundBody,
  PaymentsOrderFilter,
  PaymentsOrdersQuery,
  PaymentsRefundsQuery,
} from '@qingnang/contracts';

type OrderRow = typeof paymentOrders.$inferSelect;
type RefundRow = typeof refunds.$inferSelect;

/** The list and the export in one order; the id breaks ties, so pages neither repeat nor skip a row. */
const NEWEST_ORDERS_FIRST = sql`${paymentOrders.createdAt} DESC, ${paymentOrders.id} DESC`;

/**
 * The finance console (FIN-05, FIN-07, FIN-08): payment orders with their notifications and
 * refunds, manual refunds (reason required), refunds, and abnormal orders. Every call is audited.
 */
export async function registerFinanceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['finance'];
  const read = requireStaff(ctx, 'payments.read');
  const manage = requireStaff(ctx, 'refunds.manage');

  r.get(
    '/v1/admin/payment-orders',
    {
      schema: { tags, querystring: PaymentsOrdersQuery, response: { 200: AdminPaymentOrdersListResponse } },
      preHandler: read,
    },
    async (req) => {
      const q = req.query;
      const where = orderWhere(q);
      const page = await pageOf(ctx, paymentOrders, where, NEWEST_ORDERS_FIRST, q.page, q.pageSize);
      await audit(ctx, req, {
        action: 'payments.orders.list',
        objectType: 'payment_order',
        detail: { count: page.items.length },
      });
      return { ...page, items: page.items.map(orderItem) };
    },
  );

  r.get(
    '/v1/admin/payment-orders/export',
    {
      schema: {
        tags,
        summary:
          'Export the payment orders matching the list filters to Excel (.xlsx), newest first; audited (console: 导出 on 支付订单)',
        querystring: PaymentsOrderFilter,
        response: { 200: AdminPaymentOrdersExportListResponse },
      },
      preHandler: read,
    },
    async (req, reply) => {
      const where = orderWhere(req.query);
      const max = ctx.config.PAYMENT_EXPORT_MAX_ROWS;
      const [{ total }] = await ctx.db.select({ total: count() }).from(paymentOrders).where(where);
      if (Number(total) > max)
        throw badRequest(
          'EXPORT_TOO_LARGE',
          `符合条件的订单有 ${total} 笔，单次最多导出 ${max} 笔，请缩小时间范围或增加筛选条件`,
          `${total} orders match; at most ${max} can be exported at once: narrow the filters`,
          { total: Number(total), max },
        );
      const file = await exportPaymentOrders(ctx, where);
      await audit(ctx, req, {
        action: 'payments.orders.export',
        objectType: 'payment_order',
        detail: { ...req.query, count: Number(total) },
      });
      const stamp = dayjs(ctx.clock.now()).tz(ctx.config.HOSPITAL_TIMEZONE).format('YYYYMMDD-HHmmss');
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="payment-orders-${stamp}.xlsx"`)
        .send(file);
    },
  );

  r.get(
    '/v1/admin/payment-orders/:id',
    {
      schema: { tags, params: PaymentsFinanceIdParams, response: { 200: AdminPaymentOrdersGetResponse } },
      preHandler: read,
    },
    async (req) => {
      const o = await orderById(ctx, req.params.id);
      const [rs, ns, abnormal] = await Promise.all([
        ctx.db.select().from(refunds).where(eq(refunds.orderId, o.id)).orderBy(asc(refunds.createdAt)),
        ctx.db
          .select()
          .from(paymentNotifications)
          .where(eq(paymentNotifications.orderNo, o.orderNo))
          .orderBy(asc(paymentNotifications.receivedAt)),
        ctx.db
          .select()
          .from(abnormalOrders)
          .where(eq(abnormalOrders.orderId, o.id))
          .orderBy(asc(abnormalOrders.createdAt)),
      ]);
      await auditPatientAccess(ctx, req, {
        action: 'payments.orders.read',
        objectType: 'payment_order',
        objectId: o.id,
        recordKind: 'payment',
        ground: 'finance',
        subjects: subjectOf(o),
      });
      return {
        ...orderItem(o),
        refunds: rs.map((x) => refundItem(x, o.orderNo)),
        notifications: ns.map((n) => ({
          id: n.id,
          channel: n.channel,
          kind: n.kind,
          channelNotificationId: n.channelNotificationId,
          channelTradeNo: n.channelTradeNo,
          refundNo: n.refundNo,
          amountFen: n.amountFen,
          verified: n.verified,
          outcome: n.outcome,
          receivedAt: n.receivedAt,
        })),
        abnormalRecords: abnormal.map(abnormalItem),
      };
    },
  );

  r.post(
    '/v1/admin/payment-orders/:id/refunds',
    {
      schema: {
        tags,
        params: PaymentsFinanceIdParams,
        body: PaymentsManualRefundBody,
        response: { 201: AdminPaymentOrdersRefundsPostResponse },
      },
      preHandler: manage,
    },
    async (req, reply) => {
      const staff = principalOf(req);
      const o = await orderById(ctx, req.params.id);
      // A repeated submit with the same Idempotency-Key returns the same refund.
      const key = req.headers['idempotency-key'];
      const refundKey =
        typeof key === 'string' && /^[\w-]{8,64}$/.test(key)
          ? `manual:${staff.id}:${key}`
          : `manual:${newId()}`;
      try {
        const refund = await requestRefund(ctx, {
          orderId: o.id,
          amountFen: req.body.amountFen,
          reason: req.body.reason,
          refundKey,
          requestedBy: `staff:${staff.id}`,
        });
        await audit(ctx, req, {
          action: 'payments.refund.manual',
          objectType: 'payment_order',
          objectId: o.id,
          detail: { refundId: refund.id, refundNo: refund.refundNo, amountFen: refund.amountFen },
        });
        reply.status(201);
        const [row] = await ctx.db.select().from(refunds).where(eq(refunds.id, refund.id));
        return refundItem(row, o.orderNo);
      } catch (err) {
        await audit(ctx, req, {
          action: 'payments.refund.manual',
          objectType: 'payment_order',
          objectId: o.id,
          outcome: 'failed',
          detail: { amountFen: req.body.amountFen, code: (err as { code?: string }).code },
        });
        throw err;
      }
    },
  );

  r.get(
    '/v1/admin/refunds',
    {
      schema: { tags, querystring: PaymentsRefundsQuery, response: { 200: AdminRefundsListResponse } },
      preHandler: read,
    },
    async (req) => {
      const q = req.query;
      let orderIds: string[] | undefined;
      if (q.q) {
        const os = await ctx.db
          .select({ id: paymentOrders.id })
          .from(paymentOrders)
          .where(eq(paymentOrders.orderNo, q.q));
        orderIds = os.map((x) => x.id);
      }
      const where = and(
        q.q
          ? or(eq(refunds.refundNo, q.q), orderIds?.length ? inArray(refunds.orderId, orderIds) : undefined)
          : undefined,
        q.state ? eq(refunds.state, q.state) : undefined,
        q.from ? gte(refunds.createdAt, new Date(q.from)) : undefined,
        q.to ? lte(refunds.createdAt, new Date(q.to)) : undefined,
      );
      const page = await pageOf(ctx, refunds, where, desc(refunds.createdAt), q.page, q.pageSize);
      const nos = await orderNumbers(
        ctx,
        page.items.map((x) => x.orderId),
      );
      await audit(ctx, req, {
        action: 'payments.refunds.list',
        objectType: 'refund',
        detail: { count: page.items.length },
      });
      return { ...page, items: page.items.map((x) => refundItem(x, nos.get(x.orderId))) };
    },
  );

  r.post(
    '/v1/admin/refunds/:id/retry',
    {
      schema: { tags, params: PaymentsFinanceIdParams, response: { 200: AdminRefundsRetryPostResponse } },
      preHandler: manage,
    },
    async (req) => {
      const [row] = await ctx.db.select().from(refunds).where(eq(refunds.id, req.params.id));
      if (!row) throw notFound('refund', '退款单');
      if (row.state !== 'requested' && row.state !== 'processing')
        throw conflict('REFUND_NOT_RETRYABLE', '该退款已结束，不能重试', 'This refund has already finished');
      // The same refund number is sent again: the channel refunds it at most once.
      await attemptRefund(ctx, row.id);
      await audit(ctx, req, { action: 'payments.refund.retry', objectType: 'refund', objectId: row.id });
      const [after] = await ctx.db.select().from(refunds).where(eq(refunds.id, row.id));
      const nos = await orderNumbers(ctx, [after.orderId]);
      return refundItem(after, nos.get(after.orderId));
    },
  );

  r.get(
    '/v1/admin/abnormal-orders',
    {
      schema: {
        tags,
        querystring: PaymentsAbnormalOrdersQuery,
        response: { 200: AdminAbnormalOrdersListResponse },
      },
      preHandler: manage,
    },
    async (req) => {
      const q = req.query;
      const where = q.status ? eq(abnormalOrders.status, q.status) : undefined;
      const page = await pageOf(
        ctx,
        abnormalOrders,
        where,
        desc(abnormalOrders.createdAt),
        q.page,
        q.pageSize,
      );
      const ids = [...new Set(page.items.flatMap((a) => (a.orderId ? [a.orderId] : [])))];
      const orders = ids.length
        ? await ctx.db.select().from(paymentOrders).where(inArray(paymentOrders.id, ids))
        : [];
      const byId = new Map(orders.map((o) => [o.id, o]));
      await audit(ctx, req, {
        action: 'payments.abnormal.list',
        objectType: 'abnormal_order',
        detail: { count: page.items.length },
      });
      // Each item is the order (id = order id, as the order drawer expects) with its abnormal record;
      // a trade a channel reported for no order of ours has no order: id is null and the item says
      // what the channel reported.
      return {
        ...page,
        items: page.items.map((a) => ({
          ...(a.orderId ? orderItem(byId.get(a.orderId)!) : unmatchedItem(a)),
          abnormalId: a.id,
          abnormalReason: a.reason,
          abnormalDetail: a.detail,
          abnormalStatus: a.status,
          resolutionNote: a.resolutionNote,
          resolvedAt: a.resolvedAt,
          reportedAt: a.createdAt,
        })),
      };
    },
  );

  // The channel's own trade bill for one day (the input of reconciliation, FIN-10), as the channel sends it.
  r.get(
    '/v1/admin/payment-bills',
    {
      schema: { tags, querystring: PaymentsBillsQuery, response: { 200: AdminPaymentBillsListResponse } },
      preHandler: read,
    },
    async (req, reply) => {
      const channel = ctx.adapters.paymentChannels[req.query.channel];
      if (!channel?.downloadBill)
        throw badRequest(
          'BILL_NOT_SUPPORTED',
          '该支付渠道不支持下载对账单',
          'This channel has no trade bill download',
        );
      const bill = await channel.downloadBill(ctx, req.query.date).catch((err: unknown) => {
        if (err instanceof ChannelError)
          throw new DomainError(
            'BILL_DOWNLOAD_FAILED',
            502,
            '对账单下载失败，请稍后再试',
            'The bill could not be downloaded',
            {
              channelCode: err.code,
            },
          );
        throw err;
      });
      await audit(ctx, req, {
        action: 'payments.bill.download',
        objectType: 'payment_bill',
        objectId: `${req.query.channel}:${req.query.date}`,
      });
      reply.header(
        'content-disposition',
        `attachment; filename="${req.query.channel}-${req.query.date}.csv"`,
      );
      reply.type('text/csv; charset=utf-8');
      return bill;
    },
  );

  r.post(
    '/v1/admin/abnormal-orders/:id/resolve',
    {
      schema: {
        tags,
        params: PaymentsFinanceIdParams,
        body: PaymentsAbnormalResolveBody,
        response: { 200: AdminAbnormalOrdersResolvePostResponse },
      },
      preHandler: manage,
    },
    async (req) => {
      const staff = principalOf(req);
      const [resolved] = await ctx.db
        .update(abnormalOrders)
        .set({
          status: 'resolved',
          resolutionNote: req.body.note,
          resolvedBy: staff.id,
          resolvedAt: ctx.clock.now(),
        })
        .where(and(eq(abnormalOrders.id, req.params.id), eq(abnormalOrders.status, 'open')))
        .returning();
      if (!resolved) {
        const [a] = await ctx.db.select().from(abnormalOrders).where(eq(abnormalOrders.id, req.params.id));
        if (!a) throw notFound('abnormal order', '异常订单');
        throw conflict(
          'ABNORMAL_ORDER_ALREADY_RESOLVED',
          '该异常订单已处理',
          'This abnormal order is already resolved',
        );
      }
      await audit(ctx, req, {
        action: 'payments.abnormal.resolve',
        objectType: 'abnormal_order',
        objectId: resolved.id,
        detail: { orderId: resolved.orderId },
      });
      return abnormalItem(resolved);
    },
  );
}

function orderWhere(q: PaymentsOrderFilter): SQL | undefined {
  return and(
    q.q
      ? or(
          eq(paymentOrders.orderNo, q.q),
          eq(paymentOrders.channelTradeNo, q.q),
          eq(paymentOrders.businessId, q.q),
        )
      : undefined,
    q.state ? eq(paymentOrders.state, q.state) : undefined,
    q.channel ? eq(paymentOrders.channel, q.channel) : undefined,
    q.businessType ? eq(paymentOrders.businessType, q.businessType) : undefined,
    q.abnormal ? eq(paymentOrders.abnormal, q.abnormal === 'true') : undefined,
    q.from ? gte(paymentOrders.createdAt, new Date(q.from)) : undefined,
    q.to ? lte(paymentOrders.createdAt, new Date(q.to)) : undefined,
  );
}

const ORDER_STATE_ZH: Record<(typeof PAYMENT_ORDER_STATES)[number], string> = {
  created: '待支付',
  paying: '支付中',
  paid: '已支付',
  closed: '已关闭',
  refunding: '退款中',
  partially_refunded: '部分退款',
  refunded: '已退款',
};
const CHANNEL_ZH: Record<ChannelCode, string> = {
  sandbox: '沙箱',
  wechat: '微信支付',
  alipay: '支付宝',
  credit: '信用就医',
};
/** the paying modules' business types; one a module adds later is written as it is */
const BUSINESS_ZH: Record<string, string> = {
  registration: '挂号',
  bill: '门诊缴费',
  deposit: '住院预交金',
  'inpatient-settlement': '出院结算',
  insurance: '医保结算（现金部分）',
  exam: '体检预约',
  'credit-settlement': '信用就医结算',
};

/** The orders as finance reads them in Excel: Chinese headings and states, yuan with two decimals. */
async function exportPaymentOrders(ctx: AppContext, where: SQL | undefined): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const rows = await ctx.db
    .select()
    .from(paymentOrders)
    .where(where)
    .orderBy(NEWEST_ORDERS_FIRST)
    .limit(ctx.config.PAYMENT_EXPORT_MAX_ROWS);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('支付订单');
  sheet.columns = [
    { header: '订单号', key: 'orderNo', width: 24 },
    { header: '业务', key: 'business', width: 14 },
    { header: '业务单号', key: 'businessId', width: 38 },
    { header: '摘要', key: 'subject', width: 28 },
    { header: '金额(元)', key: 'amount', width: 11 },
    { header: '已退(元)', key: 'refunded', width: 11 },
    { header: '状态', key: 'state', width: 10 },
    { header: '支付渠道', key: 'channel', width: 10 },
    { header: '渠道交易号', key: 'channelTradeNo', width: 34 },
    { header: '异常', key: 'abnormal', width: 8 },
    { header: '创建时间', key: 'created', width: 20 },
    { header: '支付时间', key: 'paid', width: 20 },
    { header: '关闭时间', key: 'closed', width: 20 },
  ];
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const time = (d: Date | null) => (d ? dayjs(d).tz(tz).format('YYYY-MM-DD HH:mm:ss') : '');
  for (const o of rows)
    sheet.addRow({
      orderNo: o.orderNo,
      business: BUSINESS_ZH[o.businessType] ?? o.businessType,
      businessId: o.businessId,
      subject: o.subject,
      amount: formatYuan(o.amountFen),
      refunded: formatYuan(o.refundedFen),
      state: ORDER_STATE_ZH[o.state],
      channel: o.channel ? CHANNEL_ZH[o.channel] : '',
      channelTradeNo: o.channelTradeNo ?? '',
      abnormal: o.abnormal ? '是' : '',
      created: time(o.createdAt),
      paid: time(o.paidAt),
      closed: time(o.closedAt),
    });
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function pageOf<T extends typeof paymentOrders | typeof refunds | typeof abnormalOrders>(
  ctx: AppContext,
  table: T,
  where: SQL | undefined,
  order: SQL,
  page: number,
  pageSize: number,
) {
  const [items, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(table as typeof paymentOrders)
      .where(where)
      .orderBy(order)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    ctx.db
      .select({ total: count() })
      .from(table as typeof paymentOrders)
      .where(where),
  ]);
  return { items: items as unknown as T['$inferSelect'][], total: Number(total), page, pageSize };
}

async function orderById(ctx: AppContext, id: string): Promise<OrderRow> {
  const [o] = await ctx.db.select().from(paymentOrders).where(eq(paymentOrders.id, id));
  if (!o) throw notFound('payment order', '支付订单');
  return o;
}

async function orderNumbers(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await ctx.db
    .select({ id: paymentOrders.id, orderNo: paymentOrders.orderNo })
    .from(paymentOrders)
    .where(inArray(paymentOrders.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.orderNo]));
}

function orderItem(o: OrderRow) {
  return {
    id: o.id,
    orderNo: o.orderNo,
    businessType: o.businessType,
    businessId: o.businessId,
    accountId: o.accountId,
    patientId: o.patientId,
    subject: o.subject,
    amountFen: o.amountFen,
    refundedFen: o.refundedFen,
    refundableFen: ['paid', 'refunding', 'partially_refunded'].includes(o.state)
      ? o.amountFen - o.refundReservedFen
      : 0,
    state: o.state,
    channel: o.channel,
    channelTradeNo: o.channelTradeNo,
    abnormal: o.abnormal,
    abnormalReason: o.abnormalReason,
    businessState: o.businessState,
    expiresAt: o.expiresAt,
    paidAt: o.paidAt,
    closedAt: o.closedAt,
    closeReason: o.closeReason,
    createdAt: o.createdAt,
  };
}

function refundItem(r: RefundRow, orderNo?: string) {
  return {
    id: r.id,
    refundNo: r.refundNo,
    orderId: r.orderId,
    orderNo,
    amountFen: r.amountFen,
    state: r.state,
    reason: r.reason,
    requestedBy: r.requestedBy,
    attempts: r.attempts,
    channelRefundId: r.channelRefundId,
    failureReason: r.state === 'succeeded' ? null : r.lastError,
    createdAt: r.createdAt,
    completedAt: r.completedAt,
  };
}

/** The order-shaped fields of a trade reported for no order of ours. */
function unmatchedItem(a: typeof abnormalOrders.$inferSelect) {
  return {
    id: null,
    orderNo: a.orderNo,
    businessType: null,
    businessId: null,
    accountId: null,
    patientId: null,
    subject: null,
    amountFen: a.amountFen,
    refundedFen: 0,
    refundableFen: 0,
    state: null,
    channel: a.channel,
    channelTradeNo: a.channelTradeNo,
    abnormal: true,
    abnormalReason: a.reason,
    businessState: null,
    expiresAt: null,
    paidAt: null,
    closedAt: null,
    closeReason: null,
    createdAt: a.createdAt,
  };
}

function abnormalItem(a: typeof abnormalOrders.$inferSelect) {
  return {
    id: a.id,
    orderId: a.orderId,
    channel: a.channel,
    orderNo: a.orderNo,
    channelTradeNo: a.channelTradeNo,
    amountFen: a.amountFen,
    reason: a.reason,
    detail: a.detail,
    status: a.status,
    resolutionNote: a.resolutionNote,
    resolvedBy: a.resolvedBy,
    resolvedAt: a.resolvedAt,
    createdAt: a.createdAt,
  };
}
