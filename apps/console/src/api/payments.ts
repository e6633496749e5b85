import { api, toPage, type Page, type Query } from './client';

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
  state: PaymentOrderState;
  channel: string | null;
  channelTradeNo?: string | null;
  abnormal?: boolean;
  abnormalReason?: string | null;
  expiresAt: string;
  paidAt: string | null;
  createdAt: string;
  refunds?: Refund[];
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
  failureReason?: string | null;
  createdAt: string;
  completedAt: string | null;
}

export const listPaymentOrders = async (query: Query): Promise<Page<PaymentOrder>> =>
  toPage<PaymentOrder>(await api.get('/admin/payment-orders', query));

export const getPaymentOrder = (id: string) => api.get<PaymentOrder>(`/admin/payment-orders/${id}`);

/** Manual refund by finance: a reason is required and the server audits it. */
export const refundOrder = (id: string, body: { amountFen: number; reason: string }) =>
  api.post<Refund>(`/admin/payment-orders/${id}/refunds`, body);

export const listRefunds = async (query: Query): Promise<Page<Refund>> =>
  toPage<Refund>(await api.get('/admin/refunds', query));

export const retryRefund = (id: string) => api.post<Refund>(`/admin/refunds/${id}/retry`);

export const listAbnormalOrders = async (query: Query): Promise<Page<PaymentOrder>> =>
  toPage<PaymentOrder>(await api.get('/admin/abnormal-orders', query));
