import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import dayjs from 'dayjs';
import type { AppContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import { externalNo, isoDate, text } from '../../platform/zod.js';
import { assertIdNumberNotBlacklisted } from '../blacklist/index.js';
import { findPatientsByIdNumber } from '../identity/index.js';
import {
  cancelRegistration,
  confirmRegistration,
  lockSlot,
  type Registration,
} from '../registration/index.js';
import type { BookingChannel } from '../scheduling/index.js';
import { browseSchedules } from '../scheduling/index.js';
import { claimChannelRegistration, recordChannelRegistration, type Channel } from './service.js';
import {
  IntegrationV1LocksPostResponse,
  IntegrationV1RegistrationsCancelPostResponse,
  IntegrationV1RegistrationsConfirmPostResponse,
  IntegrationV1SlotsListResponse,
} from '@qingnang/contracts';

const tags = ['integration'];
const MAX_RANGE_DAYS = 31;
const uuid = z.string().uuid();
const ref = externalNo;
const RegistrationParams = z.object({ id: uuid });

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
            departmentId: ref.optional(),
            doctorId: ref.optional(),
          })
          .strict(),
        response: { 200: IntegrationV1SlotsListResponse },
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

  r.post(
    '/integration/v1/locks',
    {
      config: { integrationOperation: 'slots.lock' },
      schema: {
        tags,
        summary: '锁定号源（签名调用）：返回挂号记录与锁定截止时间',
        body: z
          .object({
            scheduleId: uuid,
            segmentId: uuid.optional(),
            /** the channel's own key for this booking: a repeat returns the same registration */
            idempotencyKey: z.string().regex(/^[\w.:-]{8,64}$/, '8-64 of letters, digits and _ . : -'),
            patient: z
              .object({
                ref: text(64),
                name: text(50),
                idNumber: z
                  .string()
                  .trim()
                  .regex(/^[0-9A-Za-z]{8,20}$/)
                  .optional(),
              })
              .strict(),
          })
          .strict(),
        response: { 201: IntegrationV1LocksPostResponse },
      },
    },
    async (req, reply) => {
      const channel = channelOf(req);
      const { patient } = req.body;
      // A known person is booked as that patient, so limits and the blacklist follow them across channels.
      let patientId: string | undefined;
      if (patient.idNumber) {
        await assertIdNumberNotBlacklisted(ctx, patient.idNumber);
        patientId = (await findPatientsByIdNumber(ctx, patient.idNumber))[0]?.id;
      }
      // Keys and references are the channel's own: scoped by its code so channels never collide.
      const reg = await lockSlot(ctx, {
        channel: bookingChannelOf(channel),
        scheduleId: req.body.scheduleId,
        segmentId: req.body.segmentId,
        idempotencyKey: `${channel.code}:${req.body.idempotencyKey}`,
        patientRef: `${channel.code}:${patient.ref}`,
        patientName: patient.name,
        patientId,
      });
      await recordChannelRegistration(ctx, channel, reg.id);
      return reply.status(201).send(registrationView(channel, reg));
    },
  );

  r.post(
    '/integration/v1/registrations/:id/confirm',
    {
      config: { integrationOperation: 'registrations.confirm' },
      schema: {
        tags,
        summary: '确认挂号（渠道已自行收费，签名调用）',
        params: RegistrationParams,
        body: z.object({}).strict().nullish(),
        response: { 200: IntegrationV1RegistrationsConfirmPostResponse },
      },
    },
    async (req) => {
      const channel = channelOf(req);
      await claimChannelRegistration(ctx, channel, req.params.id);
      const reg = await confirmRegistration(ctx, {
        registrationId: req.params.id,
        channel: bookingChannelOf(channel),
        paidExternally: true,
      });
      return registrationView(channel, reg);
    },
  );

  r.post(
    '/integration/v1/registrations/:id/cancel',
    {
      config: { integrationOperation: 'registrations.cancel' },
      schema: {
        tags,
        summary: '取消挂号（签名调用），号源回到号源池',
        params: RegistrationParams,
        body: z.object({ reason: text(200) }).strict(),
        response: { 200: IntegrationV1RegistrationsCancelPostResponse },
      },
    },
    async (req) => {
      const channel = channelOf(req);
      await claimChannelRegistration(ctx, channel, req.params.id);
      const reg = await cancelRegistration(ctx, {
        registrationId: req.params.id,
        by: `channel:${channel.code}`,
        reason: req.body.reason,
      });
      return registrationView(channel, reg);
    },
  );
}

/** What a channel sees of its registration: no personal data beyond its own reference. */
function registrationView(channel: Channel, r: Registration) {
  const prefix = `${channel.code}:`;
  return {
    registrationId: r.id,
    state: r.state,
    scheduleId: r.scheduleId,
    segmentId: r.segmentId,
    slotNumber: r.slotNumber,
    clinicDate: r.clinicDate,
    segmentStartAt: r.segmentStartAt.toISOString(),
    segmentEndAt: r.segmentEndAt.toISOString(),
    doctorId: r.doctorId,
    departmentId: r.departmentId,
    level: r.level,
    feeFen: r.feeFen,
    lockExpiresAt: r.lockExpiresAt?.toISOString() ?? null,
    patientRef: r.patientRef?.startsWith(prefix) ? r.patientRef.slice(prefix.length) : r.patientRef,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
  };
}
