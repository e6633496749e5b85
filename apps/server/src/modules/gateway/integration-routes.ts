import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import dayjs from 'dayjs';
import type { AppContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import type { BookingChannel } from '../scheduling/schema.js';
import { browseSchedules } from '../scheduling/service.js';
import type { Channel } from './service.js';

const tags = ['integration'];
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const MAX_RANGE_DAYS = 31;

/** The booking channel a gateway channel books as: the HIS counter is the counter, others third party. */
export const bookingChannelOf = (c: Channel): BookingChannel =>
  c.kind === 'his_counter' ? 'counter' : 'third_party';

/** The integration operations: query, lock, confirm and cancel on the same slot pool the patients use. */
export function registerIntegrationRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  channelOf: (req: FastifyRequest) => Channel,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/integration/v1/slots',
    {
      config: { integrationOperation: 'slots.query' },
      schema: {
        tags,
        summary: '查询号源（签名调用）',
        querystring: z
          .object({
            from: isoDate,
            to: isoDate,
            departmentId: z.string().max(64).optional(),
            doctorId: z.string().max(64).optional(),
          })
          .strict(),
      },
    },
    async (req) => {
      const q = req.query;
      const days = dayjs(q.to).diff(dayjs(q.from), 'day');
      if (!(days >= 0 && days < MAX_RANGE_DAYS)) {
        throw badRequest(
          'DATE_RANGE_INVALID',
          '查询日期范围不正确（最多31天）',
          'from..to must span 1-31 days',
        );
      }
      const list = await browseSchedules(ctx, q, bookingChannelOf(channelOf(req)));
      return {
        schedules: list.map((s) => ({
          id: s.id,
          doctorId: s.doctorId,
          departmentId: s.departmentId,
          clinicDate: s.clinicDate,
          shiftCode: s.shiftCode,
          level: s.level,
          feeFen: s.feeFen,
          state: s.state,
          released: s.released,
          releaseAt: s.releaseAt.toISOString(),
          remaining: s.remaining,
          full: s.full,
          segments: s.segments.map((g) => ({
            id: g.id,
            startAt: g.startAt.toISOString(),
            endAt: g.endAt.toISOString(),
            state: g.state,
            remaining: g.remaining,
            full: g.full,
          })),
        })),
      };
    },
  );
}
