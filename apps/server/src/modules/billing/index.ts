// Public surface of the billing module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { listVisits } from './guide.js';
export {
  billInvoiceLines,
  billInvoiceSource,
  billRefundsSince,
  provideSecondarySettlements,
  refundedBills,
} from './invoice-source.js';
export type { SecondarySettlements } from './invoice-source.js';
export { billItems, billPayments, bills } from './schema.js';
export type { BillState } from './schema.js';
export {
  WRITEBACK_SWEEP_JOB,
  attemptWriteBack,
  billsForSettlement,
  createBillPayment,
  holdBillsForSettlement,
  listBills,
  markBillPaymentPaid,
  pendingBillsOf,
  pushInvoiced,
  refundSettlementBills,
  refusedAtCounter,
  registerBillSettlementHooks,
  releaseBillHold,
} from './service.js';
export { registerBillingTemplates } from './templates.js';
export { provideVisitReports } from './visit-reports.js';
export type { VisitReport, VisitReports } from './visit-reports.js';
