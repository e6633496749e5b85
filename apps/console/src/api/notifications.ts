import { api, toPage, type Page, type Query } from './client';

export interface Delivery {
  id: string;
  messageId: string;
  accountId: string;
  channel: 'sms' | 'wechat' | 'alipay';
  template: string;
  state: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt?: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export const listDeliveries = async (query: Query): Promise<Page<Delivery>> =>
  toPage<Delivery>(await api.get('/admin/notification-deliveries', query));

/** Sends a failed delivery again (notifications.send). */
export const retryDelivery = (id: string) => api.post(`/admin/notification-deliveries/${id}/retry`);
