/** Response schemas of the event bus's operator routes (platform/event-routes.ts). */
import { z } from 'zod';

export const EventDeliveryState = z.enum(['pending', 'delivered', 'dead']);
export type EventDeliveryState = z.infer<typeof EventDeliveryState>;

/** One event's delivery to one subscriber, as operators see it. */
export const EventDelivery = z.object({
  eventId: z.string(),
  event: z.string(),
  subscriber: z.string(),
  state: EventDeliveryState,
  attempts: z.number(),
  lastError: z.string().nullable(),
  publishedAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deadAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  payload: z.unknown(),
});
export type EventDelivery = z.infer<typeof EventDelivery>;

export const DeadDeliveriesResponse = z.object({ items: z.array(EventDelivery) });
export type DeadDeliveriesResponse = z.infer<typeof DeadDeliveriesResponse>;
