import { api, download, request, toPage, type Page, type Query } from './client';
import type { PaymentOrder, Refund } from '@qingnang/contracts/api-types/console';
export type {
  PaymentOrderState,
  RefundState,
  PaymentOrder,
  Refund,
} from '@qingnang/contracts/api-types/console';

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
