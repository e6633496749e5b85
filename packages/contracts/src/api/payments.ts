/** Response schemas of the payments module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { Binary, Timestamp, id, paging } from './common.js';

/** A payment order's states, as a list (a zod enum is built from it). */
export const PAYMENT_ORDER_STATES = [
  'created',
  'paying',
  'paid',
  'closed',
  'refunding',
  'partially_refunded',
  'refunded',
] as const;

/** One payment order as the console's list shows it. */
export const AdminPaymentOrderSummary = z.object({
  id: z.string(),
  orderNo: z.string(),
  businessType: z.string(),
  businessId: z.string(),
  accountId: z.string(),
  patientId: z.string().nullable(),
  subject: z.string(),
  amountFen: z.number(),
  refundedFen: z.number(),
  refundableFen: z.number(),
  state: z.enum(PAYMENT_ORDER_STATES),
  channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
  channelTradeNo: z.string().nullable(),
  abnormal: z.boolean(),
  abnormalReason: z.string().nullable(),
  businessState: z.enum(['pending', 'running', 'done', 'failed']),
  expiresAt: Timestamp,
  paidAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
  closeReason: z.string().nullable(),
  createdAt: Timestamp,
});
export type AdminPaymentOrderSummary = z.infer<typeof AdminPaymentOrderSummary>;

export const AdminPaymentOrdersListResponse = z.object({
  items: z.array(AdminPaymentOrderSummary),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminPaymentOrdersListResponse = z.infer<typeof AdminPaymentOrdersListResponse>;

export const AdminPaymentOrdersExportListResponse = Binary;
export type AdminPaymentOrdersExportListResponse = z.infer<typeof AdminPaymentOrdersExportListResponse>;

export const AdminPaymentOrdersGetResponse = z.object({
  refunds: z.array(
    z.object({
      id: z.string(),
      refundNo: z.string(),
      orderId: z.string(),
      orderNo: z.string().optional(),
      amountFen: z.number(),
      state: z.enum(['failed', 'requested', 'processing', 'succeeded']),
      reason: z.string(),
      requestedBy: z.string(),
      attempts: z.number(),
      channelRefundId: z.string().nullable(),
      failureReason: z.string().nullable(),
      createdAt: Timestamp,
      completedAt: Timestamp.nullable(),
    }),
  ),
  notifications: z.array(
    z.object({
      id: z.string(),
      channel: z.string(),
      kind: z.enum(['payment', 'refund']),
      channelNotificationId: z.string().nullable(),
      channelTradeNo: z.string().nullable(),
      refundNo: z.string().nullable(),
      amountFen: z.number().nullable(),
      verified: z.boolean(),
      outcome: z.string(),
      receivedAt: Timestamp,
    }),
  ),
  abnormalRecords: z.array(
    z.object({
      id: z.string(),
      orderId: z.string().nullable(),
      channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
      orderNo: z.string().nullable(),
      channelTradeNo: z.string().nullable(),
      amountFen: z.number().nullable(),
      reason: z.string(),
      detail: z.string().nullable(),
      status: z.enum(['open', 'resolved']),
      resolutionNote: z.string().nullable(),
      resolvedBy: z.string().nullable(),
      resolvedAt: Timestamp.nullable(),
      createdAt: Timestamp,
    }),
  ),
  ...AdminPaymentOrderSummary.shape,
});
export type AdminPaymentOrdersGetResponse = z.infer<typeof AdminPaymentOrdersGetResponse>;

/** One refund as the console sees it. */
export const AdminRefundView = z.object({
  id: z.string(),
  refundNo: z.string(),
  orderId: z.string(),
  orderNo: z.string().optional(),
  amountFen: z.number(),
  state: z.enum(['failed', 'requested', 'processing', 'succeeded']),
  reason: z.string(),
  requestedBy: z.string(),
  attempts: z.number(),
  channelRefundId: z.string().nullable(),
  failureReason: z.string().nullable(),
  createdAt: Timestamp,
  completedAt: Timestamp.nullable(),
});
export type AdminRefundView = z.infer<typeof AdminRefundView>;

export const AdminPaymentOrdersRefundsPostResponse = AdminRefundView;
export type AdminPaymentOrdersRefundsPostResponse = z.infer<typeof AdminPaymentOrdersRefundsPostResponse>;

export const AdminRefundsListResponse = z.object({
  items: z.array(AdminRefundView),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminRefundsListResponse = z.infer<typeof AdminRefundsListResponse>;

export const AdminRefundsRetryPostResponse = AdminRefundView;
export type AdminRefundsRetryPostResponse = z.infer<typeof AdminRefundsRetryPostResponse>;

export const AdminAbnormalOrdersListResponse = z.object({
  items: z.array(
    z.union([
      z.object({
        abnormalId: z.string(),
        abnormalReason: z.string(),
        abnormalDetail: z.string().nullable(),
        abnormalStatus: z.enum(['open', 'resolved']),
        resolutionNote: z.string().nullable(),
        resolvedAt: Timestamp.nullable(),
        reportedAt: Timestamp,
        id: z.string(),
        orderNo: z.string(),
        businessType: z.string(),
        businessId: z.string(),
        accountId: z.string(),
        patientId: z.string().nullable(),
        subject: z.string(),
        amountFen: z.number(),
        refundedFen: z.number(),
        refundableFen: z.number(),
        state: z.enum(PAYMENT_ORDER_STATES),
        channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
        channelTradeNo: z.string().nullable(),
        abnormal: z.boolean(),
        businessState: z.enum(['pending', 'running', 'done', 'failed']),
        expiresAt: Timestamp,
        paidAt: Timestamp.nullable(),
        closedAt: Timestamp.nullable(),
        closeReason: z.string().nullable(),
        createdAt: Timestamp,
      }),
      z.object({
        abnormalId: z.string(),
        abnormalReason: z.string(),
        abnormalDetail: z.string().nullable(),
        abnormalStatus: z.enum(['open', 'resolved']),
        resolutionNote: z.string().nullable(),
        resolvedAt: Timestamp.nullable(),
        reportedAt: Timestamp,
        id: z.null(),
        orderNo: z.string().nullable(),
        businessType: z.null(),
        businessId: z.null(),
        accountId: z.null(),
        patientId: z.null(),
        subject: z.null(),
        amountFen: z.number().nullable(),
        refundedFen: z.number(),
        refundableFen: z.number(),
        state: z.null(),
        channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
        channelTradeNo: z.string().nullable(),
        abnormal: z.boolean(),
        businessState: z.null(),
        expiresAt: z.null(),
        paidAt: z.null(),
        closedAt: z.null(),
        closeReason: z.null(),
        createdAt: Timestamp,
      }),
    ]),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminAbnormalOrdersListResponse = z.infer<typeof AdminAbnormalOrdersListResponse>;

export const AdminPaymentBillsListResponse = z.string();
export type AdminPaymentBillsListResponse = z.infer<typeof AdminPaymentBillsListResponse>;

export const AdminAbnormalOrdersResolvePostResponse = z.object({
  id: z.string(),
  orderId: z.string().nullable(),
  channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
  orderNo: z.string().nullable(),
  channelTradeNo: z.string().nullable(),
  amountFen: z.number().nullable(),
  reason: z.string(),
  detail: z.string().nullable(),
  status: z.enum(['open', 'resolved']),
  resolutionNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type AdminAbnormalOrdersResolvePostResponse = z.infer<typeof AdminAbnormalOrdersResolvePostResponse>;

export const PaymentsMineListResponse = z.object({
  items: z.array(
    z.object({
      orderId: z.string(),
      orderNo: z.string(),
      businessType: z.string(),
      businessId: z.string(),
      patientId: z.string().nullable(),
      subject: z.string(),
      amountFen: z.number(),
      refundedFen: z.number(),
      state: z.enum(PAYMENT_ORDER_STATES),
      channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
      createdAt: z.string(),
      paidAt: z.string().nullable(),
      refunds: z.array(
        z.object({
          refundNo: z.string(),
          amountFen: z.number(),
          state: z.enum(['failed', 'requested', 'processing', 'succeeded']),
          createdAt: z.string(),
        }),
      ),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export type PaymentsMineListResponse = z.infer<typeof PaymentsMineListResponse>;

export const PaymentsOrdersGetResponse = z.object({
  subject: z.string(),
  id: z.string(),
  orderNo: z.string(),
  businessType: z.string(),
  businessId: z.string(),
  accountId: z.string(),
  amountFen: z.number(),
  refundedFen: z.number(),
  state: z.enum(PAYMENT_ORDER_STATES),
  channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']).nullable(),
  expiresAt: Timestamp,
  paidAt: Timestamp.nullable(),
});
export type PaymentsOrdersGetResponse = z.infer<typeof PaymentsOrdersGetResponse>;

export const PaymentsOrdersPayPostResponse = z.object({
  orderId: z.string(),
  orderNo: z.string(),
  channel: z.enum(['sandbox', 'wechat', 'alipay', 'credit']),
  amountFen: z.number(),
  expiresAt: Timestamp,
  pay: z.union([
    z.object({ kind: z.literal('redirect'), url: z.string() }),
    z.object({ kind: z.literal('jsapi'), params: z.record(z.string(), z.string()) }),
    z.object({ kind: z.literal('form'), html: z.string() }),
  ]),
});
export type PaymentsOrdersPayPostResponse = z.infer<typeof PaymentsOrdersPayPostResponse>;

export const PaymentsSandboxGetResponse = z.object({
  orderNo: z.string(),
  orderId: z.string(),
  subject: z.string(),
  amountFen: z.number(),
  state: z.enum(['NOTPAY', 'SUCCESS', 'PAYERROR', 'CLOSED']),
  orderState: z.enum(PAYMENT_ORDER_STATES),
  expiresAt: Timestamp,
});
export type PaymentsSandboxGetResponse = z.infer<typeof PaymentsSandboxGetResponse>;

export const PaymentsSandboxCompletePostResponse = z.object({
  orderNo: z.string(),
  orderId: z.string(),
  state: z.enum(['NOTPAY', 'SUCCESS', 'PAYERROR', 'CLOSED']),
});
export type PaymentsSandboxCompletePostResponse = z.infer<typeof PaymentsSandboxCompletePostResponse>;

// ------------------------------------------------------------ request schemas

export const PaymentsOrderIdParams = z.object({ orderId: id });

export const PaymentsOrderNoParams = z.object({ orderNo: id });

export const PaymentsOrdersPayBody = z
  .object({
    channel: z.enum(['sandbox', 'wechat', 'alipay']),
    /** WeChat JSAPI payer openid / Alipay JSAPI buyer id */
    openid: z.string().min(1).max(128).optional(),
    tradeType: z.enum(['jsapi', 'h5', 'wap']).optional(),
  })
  .strict();

export const PaymentsSandboxCompleteBody = z
  .object({ outcome: z.enum(['success', 'failure', 'cancel']) })
  .strict();

const Paging = paging(200);

export const PaymentsFinanceIdParams = z.object({ id });

export const PaymentsOrderFilter = z
  .object({
    /** order number, channel transaction number or business id (exact) */
    q: z.string().trim().max(64).optional(),
    state: z.enum(PAYMENT_ORDER_STATES).optional(),
    channel: z.enum(['sandbox', 'wechat', 'alipay']).optional(),
    businessType: z.string().max(40).optional(),
    abnormal: z.enum(['true', 'false']).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type PaymentsOrderFilter = z.infer<typeof PaymentsOrderFilter>;

export const PaymentsOrdersQuery = PaymentsOrderFilter.extend(Paging).strict();

export const PaymentsRefundsQuery = z
  .object({
    ...Paging,
    q: z.string().trim().max(64).optional(),
    state: z.enum(['requested', 'processing', 'succeeded', 'failed']).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const PaymentsAbnormalOrdersQuery = z
  .object({ ...Paging, status: z.enum(['open', 'resolved']).optional() })
  .strict();

export const PaymentsManualRefundBody = z
  .object({
    amountFen: z.number().int().positive().max(100_000_000),
    reason: z.string().trim().min(2).max(200),
  })
  .strict();

export const PaymentsBillsQuery = z
  .object({ channel: z.enum(['sandbox', 'wechat', 'alipay']), date: z.iso.date() })
  .strict();

export const PaymentsAbnormalResolveBody = z.object({ note: z.string().trim().min(2).max(500) }).strict();

/** GET /v1/payments/mine: query. */
export const PaymentsMineQuery = z
  .object({
    state: z.enum(['all', 'unpaid', 'paid', 'refunded', 'closed']).default('all'),
    patientId: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const PaymentsNotifyChannelParams = z.object({ channel: z.enum(['sandbox', 'wechat', 'alipay']) });
