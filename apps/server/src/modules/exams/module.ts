// The exams module's wiring, registered by modules/index.ts: notification templates, the payment
// handler, the paid-hold sweeps and the exam-system sync job, then the routes (routes.ts).

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { registerPaidHoldJobs } from '../../platform/paid-hold.js';
import type { Module } from '../index.js';
import { registerBusinessHandler } from '../payments/index.js';
import { examsRoutes } from './routes.js';
import { examHold } from './states.js';
import {
  BUSINESS_TYPE,
  SYNC_JOB,
  bookingOrderClosed,
  bookingPaid,
  bookingRefundFinished,
  expireLock,
  registerExamTemplates,
  releaseExpiredLocks,
  retryPendingRefunds,
  syncBooking,
  syncPendingBookings,
} from './service.js';

export const examsModule: Module = {
  name: 'exams',
  async register(app: FastifyInstance, ctx: AppContext) {
    registerExamTemplates();
    registerBusinessHandler(BUSINESS_TYPE, {
      onPaid: (c, order) => bookingPaid(c, order),
      onClosed: (c, order) => bookingOrderClosed(c, order),
      onRefundFinished: (c, order, refund) => bookingRefundFinished(c, order, refund),
    });

    // The paid-hold sweeps: locks are rows, so the delayed job releases one at its deadline and the
    // minute sweep any it missed; refunds that could not be requested are asked for again.
    registerPaidHoldJobs(ctx, examHold, {
      expireLock: (bookingId) => expireLock(ctx, bookingId),
      releaseExpiredLocks: () => releaseExpiredLocks(ctx),
      retryRefunds: () => retryPendingRefunds(ctx),
    });
    ctx.jobs.register<{ bookingId?: string }>(
      SYNC_JOB,
      async (d) => {
        if (d?.bookingId) await syncBooking(ctx, d.bookingId);
        else await syncPendingBookings(ctx);
      },
      { cron: '* * * * *' },
    );

    await examsRoutes.register(app, ctx);
  },
};
