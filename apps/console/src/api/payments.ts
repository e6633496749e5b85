import { api, download, request, toPage, type Page, type Query } from './client';

export type PaymentOrderState =
  'created' | 'paying' | 'paid' | 'closed' | 'refunding' | 'partially_refunded' | 'refunded';
export type RefundState = 'requested' | 'processing' | 'succeeded' | 'failed';

export interface PaymentOrder {
  id: string;
  orderNo: string;
  businessType: string;
  businessId: string;
  accountId: string;
  subject?: string;
  amountFen: number;
  refundedFen: number;
  /** what may still be refunded (paid minus refunded and in-flight refunds) */
  refundableFen: number;
  state: PaymentOrderState;
  channel: string | null;
  channelTradeNo?: string | null;
  abnormal?: boolean;
  abnormalReason?: string | null;
  businessState?: string | null;
  closedAt?: string | null;
  closeReason?: string | null;
  /** abnormal-order list only */
  abnormalId?: string;
  abnormalStatus?: 'open' | 'resolved';
  resolutionNote?: string | null;
  resolvedAt?: string | null;
  reportedAt?: string;
  expiresAt: string;
  paidAt: string | null;
  createdAt: string;
  refunds?: Refund[];
  notifications?: {
    id: string;
    channel: string;
    kind: string;
    channelTradeNo: string | null;
    refundNo: string | null;
    amountFen: number | null;
    verified: boolean;
    outcome: string;
    receivedAt: string;
  }[];
}

export interface Refund {
  id: string;
  refundNo: string;
  orderId: string;
  orderNo?: string;
  amountFen: number;
  state: RefundState;
  reason: string;
  requestedBy?: string;
  attempts?: number;
  failureReason?: string | null;
  createdAt: string;
  completedAt: string | null;
}

/** The orders matching the list's filters as an Excel file (finance: 导出). */
export const exportPaymentOrders = (query: Query) => download('/admin/payment-orders/export', query);

export const listPaymentOrders = async (query: Query): Promise<Page<PaymentOrder>> =>
  toPage<PaymentOrder>(await api.get('/admin/payment-orders', query));

export const getPaymentOrder = (id: string) => api.get<PaymentOrder>(`/admin/payment-orders/${id}`);

/**
 * Manual refund by finance: a reason is required and the server audits it. The idempotency key is
 * made once per refund dialog, so a double click or a retried request refunds once.
 */
export const refundOrder = (
  id: string,
  body: { amountFen: number; reason: string },
  idempotencyKey: string,
) =>
  request<Refund>('POST', `/admin/payment-orders/${id}/refunds`, {
    body,
    headers: { 'idempotency-key': idempotencyKey },
  });

export const listRefunds = async (query: Query): Promise<Page<Refund>> =>
  toPage<Refund>(await api.get('/admin/refunds', query));

export const retryRefund = (id: string) => api.post<Refund>(`/admin/refunds/${id}/retry`);

export const listAbnormalOrders = async (query: Query): Promise<Page<PaymentOrder>> =>
  toPage<PaymentOrder>(await api.get('/admin/abnormal-orders', query));

export const resolveAbnormal = (abnormalId: string, note: string) =>
  api.post(`/admin/abnormal-orders/${abnormalId}/resolve`, { note });
