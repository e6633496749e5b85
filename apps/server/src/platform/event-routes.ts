import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DeadDeliveriesResponse, EventDelivery as Delivery } from '@qingnang/contracts/api/events';
import { audit } from './audit.js';
import { requireStaff } from './auth.js';
import type { AppContext } from './context.js';
import { DomainError } from './errors.js';
import {
  listDeadDeliveries,
  pruneDeliveredEvents,
  retryDeadDelivery,
  type DeliveryView,
} from './event-dispatcher.js';

export const PRUNE_EVENTS_JOB = 'events.prune';

/** The daily pruning of delivered events. */
export function registerEventJobs(ctx: AppContext): void {
  ctx.jobs.register(PRUNE_EVENTS_JOB, async () => void (await pruneDeliveredEvents(ctx)), {
    cron: '50 3 * * *',
  });
}

const tags = ['events (console)'];

const Params = z
  .object({ eventId: z.string().regex(/^\d{1,18}$/), subscriber: z.string().min(1).max(120) })
  .strict();

/**
 * Operators' view of the event bus: deliveries that used up their attempts (dead letters), and a
 * retry of one after the cause is fixed. The retry is audited, refused or not.
 */
export async function eventRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/admin/events/dead-deliveries',
    {
      schema: {
        tags,
        summary: '失败的事件投递（已用尽重试次数）',
        querystring: z
          .object({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            before: z.iso.datetime().optional(),
          })
          .strict(),
        response: { 200: DeadDeliveriesResponse },
      },
      preHandler: requireStaff(ctx, 'events.manage'),
    },
    async (req) => {
      const items = await listDeadDeliveries(ctx, {
        limit: req.query.limit,
        before: req.query.before ? new Date(req.query.before) : undefined,
      });
      return { items: items.map(view) };
    },
  );

  r.post(
    '/v1/admin/events/dead-deliveries/:eventId/:subscriber/retry',
    {
      schema: {
        tags,
        summary: '重新投递一条失败的事件（立即尝试一次）',
        params: Params,
        body: z.object({}).strict().nullish(),
        response: { 200: Delivery },
      },
      preHandler: requireStaff(ctx, 'events.manage'),
    },
    async (req) => {
      const { eventId, subscriber } = req.params;
      const entry = {
        action: 'events.delivery.retry',
        objectType: 'event_delivery',
        objectId: `${eventId}:${subscriber}`,
      };
      try {
        const out = await retryDeadDelivery(ctx, eventId, subscriber);
        await audit(ctx, req, { ...entry, detail: { state: out.state, event: out.event } });
        return view(out);
      } catch (err) {
        if (err instanceof DomainError)
          await audit(ctx, req, { ...entry, outcome: 'failed', detail: { code: err.code } });
        throw err;
      }
    },
  );
}

function view(d: DeliveryView) {
  const iso = (v: Date | null) => (v ? v.toISOString() : null);
  return {
    ...d,
    publishedAt: d.publishedAt.toISOString(),
    lastAttemptAt: iso(d.lastAttemptAt),
    deadAt: iso(d.deadAt),
    deliveredAt: iso(d.deliveredAt),
  };
}
