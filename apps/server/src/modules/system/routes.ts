import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import client from 'prom-client';
import type { AppContext } from '../../platform/context.js';
import { DomainError } from '../../platform/errors.js';
import { requireOpsToken } from '../../platform/auth.js';
import { pendingMigrations } from '../../db/migrate.js';
import type { Module } from '../index.js';
import { PURGE_SESSIONS_JOB, purgeExpiredSessions } from '../../platform/session-cleanup.js';
import { MetricsListResponse, ReadyListResponse } from '@qingnang/contracts';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const systemModule: Module = {
  name: 'system',
  async register(app: FastifyInstance, ctx: AppContext) {
    ctx.jobs.register(PURGE_SESSIONS_JOB, async () => void (await purgeExpiredSessions(ctx)), {
      cron: '*/10 * * * *',
    });
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/health',
      { schema: { tags: ['system'], response: { 200: z.object({ status: z.literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );
    r.get('/ready', { schema: { tags: ['system'], response: { 200: ReadyListResponse } } }, async () => {
      try {
        await ctx.db.execute(sql`select 1`);
      } catch {
        throw new DomainError('DATABASE_UNREACHABLE', 503, '数据库不可用', 'Database is unreachable');
      }
      const pending = await pendingMigrations(ctx.database);
      if (pending.length)
        throw new DomainError('MIGRATIONS_PENDING', 503, '数据库迁移未完成', 'Migrations are pending', {
          pending,
        });
      return { status: 'ready', database: ctx.database.kind, jobs: ctx.jobs.running };
    });
    // Metrics tell an outsider the load and the versions running: off in production unless configured.
    if (ctx.config.exposure.metrics !== 'off') {
      const onRequest = ctx.config.exposure.metrics === 'token' ? requireOpsToken(ctx.config) : undefined;
      r.get(
        '/metrics',
        { schema: { hide: true, response: { 200: MetricsListResponse } }, onRequest },
        async (_req, reply) => {
          reply.type(registry.contentType);
          return registry.metrics();
        },
      );
    }
  },
};
