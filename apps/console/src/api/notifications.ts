import { api, toPage, type Page, type Query } from './client';
import type { Delivery } from '@qingnang/contracts/api-types/console';
export type { Delivery } from '@qingnang/contracts/api-types/console';

export const listDeliveries = async (query: Query): Promise<Page<Delivery>> =>
  toPage<Delivery>(await api.get('/admin/notification-deliveries', query));

/** Sends a failed delivery again (notifications.send). */
export const retryDelivery = (id: string) => api.post(`/admin/notification-deliveries/${id}/retry`);
