// The registration module's wiring, registered by modules/index.ts: the invoice source, notification
// templates, the blacklist's incident counts, the payment handler, the paid-hold sweeps and the no-show
// and reminder jobs, then the routes (routes.ts); and the HIS events module (his-events.ts).

import type { FastifyInstance } from 'fastify';
import { provideInvoiceSource } from '../../integrations/einvoice/index.js';
import type { AppContext } from '../../platform/context.js';
import { registerPaidHoldJobs } from '../../platform/paid-hold.js';
import type { Module } from '../index.js';
import { provideIncidentCounts } from '../blacklist/index.js';
import { registerBusinessHandler } from '../payments/index.js';
import { registrationInvoiceSource } from './invoice-source.js';
import { registrationRoutes } from './routes.js';
import {
  BUSINESS_TYPE,
  NO_SHOW_JOB,
  REMINDER_JOB,
  confirmPaidRegistration,
  countCancellations,
  countNoShows,
  expireLock,
  markNoShows,
  onPaymentClosed,
  onRefundFinished,
  releaseExpiredLocks,
  retryPendingRefunds,
  sendVisitReminders,
} from './service.js';
import { registrationHold } from './states.js';
import { registerRegistrationTemplates } from './templates.js';

export { registrationHisModule } from './his-events.js';

export const registrationModule: Module = {
  name: 'registration',
  async register(app: FastifyInstance, ctx: AppContext) {
    // this module's payments get e-invoices (the invoicing module's invoice-source port)
    provideInvoiceSource('registration', registrationInvoiceSource);

    registerRegistrationTemplates();
    // The blacklist rules count no-shows and cancellations through this port.
    provideIncidentCounts({ noShows: countNoShows, cancellations: countCancellations });
    registerBusinessHandler(BUSINESS_TYPE, {
      onPaid: (c, order) => confirmPaidRegistration(c, order),
      onClosed: (c, order) => onPaymentClosed(c, order),
      onRefundFinished: (c, order, refund) => onRefundFinished(c, order, refund),
    });

    // The paid-hold sweeps: locks are rows, so the delayed job releases one at its deadline and the
    // minute sweep any it missed (a killed server, a lost job); unrequested refunds are asked again.
    registerPaidHoldJobs(ctx, registrationHold, {
      expireLock: (registrationId) => expireLock(ctx, registrationId),
      releaseExpiredLocks: () => releaseExpiredLocks(ctx),
      retryRefunds: () => retryPendingRefunds(ctx),
    });
    ctx.jobs.register(NO_SHOW_JOB, async () => void (await markNoShows(ctx)), { cron: '*/10 * * * *' });
    const [rh, rm] = ctx.config.REGISTRATION_REMINDER_TIME.split(':').map(Number);
    ctx.jobs.register(REMINDER_JOB, async () => void (await sendVisitReminders(ctx)), {
      cron: `${rm} ${rh} * * *`,
    });

    await registrationRoutes.register(app, ctx);
  },
};
