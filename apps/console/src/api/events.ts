import type { DeadDeliveriesResponse, EventDelivery } from '@qingnang/contracts/api/events';
import { api, type Page, type Query } from './client';

export type { EventDelivery };

/** The event bus's dead letters: deliveries that used up their retries, and a retry of one. */
export const eventDeliveries = {
  listDead: async (query: Query): Promise<Page<EventDelivery>> => {
    const r = await api.get<DeadDeliveriesResponse>('/admin/events/dead-deliveries', {
      limit: 200,
      before: query.before,
    });
    return { items: r.items, total: r.items.length };
  },
  retry: (d: Pick<EventDelivery, 'eventId' | 'subscriber'>) =>
    api.post<EventDelivery>(
      `/admin/events/dead-deliveries/${d.eventId}/${encodeURIComponent(d.subscriber)}/retry`,
      {},
    ),
};
