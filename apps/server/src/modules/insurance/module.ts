// The insurance module's wiring, registered by modules/index.ts: the invoice source and billing's
// secondary-settlement port, notification templates, the payment handler, billing's settlement hooks,
// registration's insured-fee refunder and the sweep job, then the routes (routes.ts).

import type { FastifyInstance } from 'fastify';
import { provideInvoiceSource } from '../../integrations/einvoice/index.js';
import type { AppContext } from '../../platform/context.js';
import type { Module } from '../index.js';
import { provideSecondarySettlements, registerBillSettlementHooks } from '../billing/index.js';
import { registerBusinessHandler } from '../payments/index.js';
import { registerInsuredFeeRefunder } from '../registration/index.js';
import { secondarySettlementInvoiceSource, secondarySettlementsForBilling } from './invoice-source.js';
import { insuranceRoutes } from './routes.js';
import {
  BUSINESS_TYPE,
  INSURANCE_SWEEP_JOB,
  insuranceSweep,
  onCashClosed,
  onCashPaid,
  refundRegistrationFee,
  refuseRefundOfInsuredBills,
  reverseAfterWriteBackFailure,
} from './service.js';
import { registerInsuranceTemplates } from './templates.js';

export const insuranceModule: Module = {
  name: 'insurance',
  async register(app: FastifyInstance, ctx: AppContext) {
    // this module's payments get e-invoices (the invoicing module's invoice-source port)
    provideInvoiceSource('insurance_secondary', secondarySettlementInvoiceSource);
    provideSecondarySettlements(secondarySettlementsForBilling);

    registerInsuranceTemplates();
    registerBusinessHandler(BUSINESS_TYPE, {
      onPaid: (c, order) => onCashPaid(c, order),
      onClosed: (c, order) => onCashClosed(c, order),
    });
    registerBillSettlementHooks({
      onWriteBackFailed: (c, billPaymentId) => reverseAfterWriteBackFailure(c, billPaymentId),
      refundGuard: (c, rows) => refuseRefundOfInsuredBills(c, rows),
    });
    registerInsuredFeeRefunder((c, reg, by) => refundRegistrationFee(c, reg, by));
    ctx.jobs.register(INSURANCE_SWEEP_JOB, async () => insuranceSweep(ctx), { cron: '* * * * *' });

    await insuranceRoutes.register(app, ctx);
  },
};
