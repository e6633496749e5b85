// The invoicing module's wiring, registered by modules/index.ts: notification templates, the issue and
// sweep jobs and the PaymentSettled subscription that requests e-invoices, then the routes (routes.ts).

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { Module } from '../index.js';
import { PaymentSettled } from '../payments/index.js';
import { invoicingRoutes } from './routes.js';
import { ISSUE_JOB, SWEEP_JOB, attemptIssue, requestEInvoice, sweepEInvoices } from './service.js';
import { findInvoiceSource } from './sources.js';
import { registerInvoicingTemplates } from './templates.js';

export const invoicingModule: Module = {
  name: 'invoicing',
  async register(app: FastifyInstance, ctx: AppContext) {
    registerInvoicingTemplates();
    ctx.jobs.register<{ invoiceId: string }>(ISSUE_JOB, async (d) => attemptIssue(ctx, d.invoiceId));
    ctx.jobs.register(SWEEP_JOB, async () => sweepEInvoices(ctx), { cron: '* * * * *' });
    // requestEInvoice is keyed by source, so a repeated delivery requests nothing twice
    ctx.events.subscribe(PaymentSettled, 'invoicing.request-einvoice', async (c, e) => {
      if (findInvoiceSource(e.payload.sourceType))
        await requestEInvoice(c, e.payload.sourceType, e.payload.sourceId);
    });

    await invoicingRoutes.register(app, ctx);
  },
};
