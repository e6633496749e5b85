// The payments module's wiring, registered by modules/index.ts: the reconcile, refund-retry and
// order-check jobs and the sandbox channel's notification delivery, then the routes (routes.ts).

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { SANDBOX_DELIVER_JOB, SandboxChannel } from '../../integrations/payments/sandbox/index.js';
import type { Module } from '../index.js';
import { paymentsRoutes } from './routes.js';
import {
  CHECK_ORDER_JOB,
  RECONCILE_JOB,
  RETRY_REFUNDS_JOB,
  checkOrder,
  reconcilePending,
  retryRefunds,
} from './service.js';

export const paymentsModule: Module = {
  name: 'payments',
  async register(app: FastifyInstance, ctx: AppContext) {
    ctx.jobs.register(RECONCILE_JOB, () => reconcilePending(ctx), { cron: '* * * * *' });
    ctx.jobs.register(RETRY_REFUNDS_JOB, () => retryRefunds(ctx), { cron: '* * * * *' });
    ctx.jobs.register<{ orderId: string }>(CHECK_ORDER_JOB, (d) => checkOrder(ctx, d.orderId));
    ctx.jobs.register<{ id: string }>(
      SANDBOX_DELIVER_JOB,
      async (d) => {
        const sandbox = ctx.adapters.paymentChannels.sandbox;
        if (sandbox instanceof SandboxChannel) await sandbox.deliver(ctx, d.id);
      },
      // deliveries wait on HTTP, like a real channel's notifications, which arrive in parallel
      { retryLimit: 10, concurrency: 4 },
    );

    await paymentsRoutes.register(app, ctx);
  },
};
