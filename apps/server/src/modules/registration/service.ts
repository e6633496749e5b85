// Registration's service, split by topic (the former sections of this file): this file only re-exports them
// for the module's routes, jobs and tests. Other modules import from index.ts.

export {
  BUSINESS_TYPE,
  EXPIRE_LOCK_JOB,
  NO_SHOW_JOB,
  RELEASE_EXPIRED_LOCKS_JOB,
  REMINDER_JOB,
  RETRY_REFUNDS_JOB,
} from './shared.js';
export type { Registration } from './shared.js';
export { bookForPatient, listAvailableSlots, lockSlot } from './booking.js';
export type { BookInput, LockSlotInput } from './booking.js';
export {
  confirmPaidRegistration,
  confirmRegistration,
  expireLock,
  onPaymentClosed,
  onRefundFinished,
  releaseExpiredLocks,
} from './payment.js';
export { cancelByPatient, cancelRegistration, withinCancelWindow } from './cancellation.js';
export { confirmRegistrationPaidByInsurance, registerInsuredFeeRefunder } from './insured-fee.js';
export type { InsuredFeeRefunder } from './insured-fee.js';
export { retryPendingRefunds, stopClinic, stopClinicsForHoliday } from './clinic-stop.js';
export { checkIn } from './check-in.js';
export { markNoShows, sendVisitReminders } from './no-shows.js';
export { countCancellations, countNoShows } from './blacklist-counters.js';
export {
  listOwnRegistrations,
  loadRegistration,
  namesFor,
  ownRegistration,
  qrPayloadOf,
  recentDoctors,
  registrationDetail,
  registrationSummary,
} from './queries.js';
export { exportRegistrations, maskPersonName, searchRegistrations } from './console.js';
export type { AdminFilter } from './console.js';
