// Exams: names every part of the service shares (row types, business type, job names, consent version, not-found errors).

import { DomainError } from '../../platform/errors.js';
import type { examBookings, examPackageItems, examPackages } from './schema.js';
import { examHold } from './states.js';

export type ExamPackage = typeof examPackages.$inferSelect;
export type ExamPackageItem = typeof examPackageItems.$inferSelect;
export type ExamBooking = typeof examBookings.$inferSelect;

export const BUSINESS_TYPE = 'exam';
// the paid-hold workflow's sweep jobs (platform/paid-hold.ts)
export const EXPIRE_LOCK_JOB = examHold.jobs.expireLock;
export const RELEASE_EXPIRED_LOCKS_JOB = examHold.jobs.releaseExpiredLocks;
export const SYNC_JOB = 'exams.sync-bookings';
export const RETRY_REFUNDS_JOB = examHold.jobs.retryRefunds;
/** The wording of the data-exchange consent the patient accepts (EXAM-01); bump when it changes. */
export const CONSENT_VERSION = '2026-11';
/** A paid booking the exam system has not accepted after this many tries is cancelled and refunded. */
export const MAX_SYNC_ATTEMPTS = 10;

export const packageNotFound = () =>
  new DomainError('EXAM_PACKAGE_NOT_FOUND', 404, '体检套餐不存在', 'Exam package not found');
export const bookingNotFound = () =>
  new DomainError('EXAM_BOOKING_NOT_FOUND', 404, '体检预约不存在', 'Exam booking not found');
