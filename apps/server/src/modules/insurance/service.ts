// Insurance's service, split by topic (the former sections of this file): this file only re-exports them
// for the module's routes, jobs and tests. Other modules import from index.ts.

export { BUSINESS_TYPE, INSURANCE_SWEEP_JOB } from './shared.js';
export {
  accountBalance,
  authoriseCredential,
  bindSocialCard,
  consumptionRecords,
  credentialQr,
  getCredential,
} from './credential.js';
export {
  cancelSettlement,
  insurableBills,
  onCashClosed,
  onCashPaid,
  preSettle,
  settle,
  settleDirectly,
} from './settlement.js';
export {
  insuranceSweep,
  refundSettlement,
  refuseRefundOfInsuredBills,
  reverseAfterWriteBackFailure,
  runRefund,
  runReversal,
} from './reversal.js';
export { secondaryEligibility, secondarySettle } from './secondary.js';
export type { SecondaryIneligibility } from './secondary.js';
export { payRegistrationFromAccount, refundRegistrationFee } from './registration-fee.js';
export {
  getMySettlement,
  getSettlementForStaff,
  listMySettlements,
  listSettlementsForStaff,
  sandboxAuthCode,
  staffCancelSettlement,
} from './queries.js';
export type { StaffSettlementFilter } from './queries.js';
export { insuranceSplitOf } from './helpers.js';
