import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { requireStaff } from '../../platform/auth.js';
import type { Module } from '../index.js';
import {
  assertHours,
  createChannel,
  deleteChannel,
  getChannel,
  listCalls,
  listChannels,
  purgeExpiredNonces,
  PURGE_NONCES_JOB,
  rotateChannelSecret,
  updateChannel,
  type Channel,
} from './service.js';
import { registerIntegrationApi } from './integration-api.js';
import {
  ChannelBody,
  ChannelCallsListResponse,
  ChannelIdParams as IdParams,
  ChannelPatch,
  ChannelView,
  ChannelWithSecret as WithSecret,
  NoContent,
} from '@qingnang/contracts';

const tags = ['channels'];

export const gatewayModule: Module = {
  name: 'gateway',
  async register(scope: FastifyInstance, ctx: AppContext) {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const manage = requireStaff(ctx, 'channels.manage');

    ctx.jobs.register(PURGE_NONCES_JOB, () => purgeExpiredNonces(ctx), { cron: '*/10 * * * *' });

    app.get(
      '/v1/admin/channels',
      {
        preHandler: manage,
        schema: { tags, summary: '渠道列表', response: { 200: z.object({ items: z.array(ChannelView) }) } },
      },
      async () => ({ items: (await listChannels(ctx)).map(toView) }),
    );

    app.get(
      '/v1/admin/channels/:id',
      {
        preHandler: manage,
        schema: { tags, summary: '渠道详情', params: IdParams, response: { 200: ChannelView } },
      },
      async (req) => toView(await getChannel(ctx, req.params.id)),
    );

    app.post(
      '/v1/admin/channels',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '新增渠道（密钥仅在此返回一次）',
          body: ChannelBody,
          response: { 201: WithSecret },
        },
      },
      async (req, reply) => {
        assertHours(req.body.allowedFrom, req.body.allowedUntil);
        const body = { ...req.body, allowedOperations: [...new Set(req.body.allowedOperations)] };
        const { channel, secret } = await createChannel(ctx, req, body);
        return reply.status(201).send({ ...toView(channel), secret });
      },
    );

    app.patch(
      '/v1/admin/channels/:id',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '修改渠道',
          params: IdParams,
          body: ChannelPatch,
          response: { 200: ChannelView },
        },
      },
      async (req) => {
        const patch = req.body.allowedOperations
          ? { ...req.body, allowedOperations: [...new Set(req.body.allowedOperations)] }
          : req.body;
        return toView(await updateChannel(ctx, req, req.params.id, patch));
      },
    );

    app.delete(
      '/v1/admin/channels/:id',
      {
        preHandler: manage,
        schema: { tags, summary: '删除渠道', params: IdParams, response: { 204: NoContent } },
      },
      async (req, reply) => {
        await deleteChannel(ctx, req, req.params.id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/v1/admin/channels/:id/rotate-secret',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '重置渠道密钥（旧密钥立即失效，新密钥仅返回一次）',
          params: IdParams,
          response: { 200: WithSecret },
        },
      },
      async (req) => {
        const { channel, secret } = await rotateChannelSecret(ctx, req, req.params.id);
        return { ...toView(channel), secret };
      },
    );

    app.get(
      '/v1/admin/integration-calls',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '外联接口调用日志',
          querystring: z
            .object({
              channelId: z.string().uuid().optional(),
              outcome: z
                .string()
                .regex(/^[A-Za-z0-9_]{1,64}$/)
                .optional(),
              from: z.iso.datetime({ offset: true }).optional(),
              to: z.iso.datetime({ offset: true }).optional(),
              page: z.coerce.number().int().min(1).max(10_000).default(1),
              pageSize: z.coerce.number().int().min(1).max(200).default(50),
            })
            .strict(),
          response: { 200: ChannelCallsListResponse },
        },
      },
      async (req) => {
        const q = req.query;
        const r = await listCalls(ctx, {
          ...q,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
        });
        return {
          total: r.total,
          items: r.items.map((c) => ({
            id: c.id,
            channelId: c.channelId,
            appId: c.appId,
            operation: c.operation,
            method: c.method,
            path: c.path,
            outcome: c.outcome,
            status: c.status,
            at: c.at.toISOString(),
            durationMs: c.durationMs,
            requestId: c.requestId,
          })),
        };
      },
    );

    await scope.register(async (child) => registerIntegrationApi(child, ctx));
  },
};

function toView(c: Channel) {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    kind: c.kind,
    appId: c.appId,
    allowedOperations: c.allowedOperations,
    allowedFrom: c.allowedFrom,
    allowedUntil: c.allowedUntil,
    enabled: c.enabled,
    secretRotatedAt: c.secretRotatedAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
