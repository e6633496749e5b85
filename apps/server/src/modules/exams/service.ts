// Exams' service, split by topic (the former sections of this file): this file only re-exports them
// for the module's routes, jobs and tests. Other modules import from index.ts.

export {
  BUSINESS_TYPE,
  CONSENT_VERSION,
  EXPIRE_LOCK_JOB,
  MAX_SYNC_ATTEMPTS,
  RELEASE_EXPIRED_LOCKS_JOB,
  RETRY_REFUNDS_JOB,
  SYNC_JOB,
  bookingNotFound,
  packageNotFound,
} from './shared.js';
export type { ExamBooking, ExamPackage, ExamPackageItem } from './shared.js';
export { registerExamTemplates } from './templates.js';
export { bookingWindow, getPackage, listPackages, packageDates, unsuitability } from './packages.js';
export type { PackageInput, PackageItemInput } from './packages.js';
export { examRecords, getAuthorisation, setAuthorisation } from './authorisation.js';
export { bookExam, bookingOrderClosed, bookingPaid, expireLock, releaseExpiredLocks } from './booking.js';
export type { BookInput } from './booking.js';
export {
  bookingRefundFinished,
  cancelBooking,
  cancelByPatient,
  changeDeadline,
  rescheduleBooking,
  retryPendingRefunds,
} from './changes.js';
export { pushBookingStatus, syncBooking, syncPendingBookings } from './exam-system.js';
export type { StatusPush } from './exam-system.js';
export { getBooking, getBookingReport, listBookings, loadBooking } from './queries.js';
export {
  adminCancelBooking,
  adminGetPackage,
  adminListBookings,
  adminListPackages,
  createPackage,
  listCapacity,
  setCapacity,
  updatePackage,
} from './console.js';
export type { AdminBookingFilter, CapacityInput } from './console.js';
