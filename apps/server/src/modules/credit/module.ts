// The credit module's wiring, registered by modules/index.ts: notification templates, the credit payment
// channel, the settlement payment handler and the overdue and frictionless sweeps, then the routes (routes.ts).

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { Module } from '../index.js';
import { registerBusinessHandler } from '../payments/index.js';
import { creditChannel } from './channel.js';
import { creditRoutes } from './routes.js';
import {
  FRICTIONLESS_JOB,
  OVERDUE_JOB,
  SETTLEMENT_BUSINESS,
  frictionlessSweep,
  onSettlementClosed,
  onSettlementPaid,
  overdueSweep,
} from './service.js';
import { registerCreditTemplates } from './templates.js';

export const creditModule: Module = {
  name: 'credit',
  async register(app: FastifyInstance, ctx: AppContext) {
    registerCreditTemplates();
    // The credit channel is the platform's own ledger, so it is always there for refunds and queries.
    ctx.adapters.paymentChannels[creditChannel.code] = creditChannel;
    registerBusinessHandler(SETTLEMENT_BUSINESS, {
      onPaid: (c, order) => onSettlementPaid(c, order),
      onClosed: (c, order) => onSettlementClosed(c, order),
    });
    ctx.jobs.register(OVERDUE_JOB, async () => void (await overdueSweep(ctx)), { cron: '0 * * * *' });
    ctx.jobs.register(FRICTIONLESS_JOB, async () => void (await frictionlessSweep(ctx)), {
      cron: '*/5 * * * *',
    });

    await creditRoutes.register(app, ctx);
  },
};
