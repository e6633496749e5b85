// Registration: names every part of the service shares (the row type, business type, job names, not-found error).

import { DomainError } from '../../platform/errors.js';
import type { registrations } from './schema.js';
import { registrationHold } from './states.js';

export type Registration = typeof registrations.$inferSelect;

export const BUSINESS_TYPE = 'registration';
// the paid-hold workflow's sweep jobs (platform/paid-hold.ts)
export const EXPIRE_LOCK_JOB = registrationHold.jobs.expireLock;
export const RELEASE_EXPIRED_LOCKS_JOB = registrationHold.jobs.releaseExpiredLocks;
export const RETRY_REFUNDS_JOB = registrationHold.jobs.retryRefunds;
export const NO_SHOW_JOB = 'registration.mark-no-shows';
export const REMINDER_JOB = 'registration.visit-reminders';

export const notFoundRegistration = () =>
  new DomainError('REGISTRATION_NOT_FOUND', 404, '挂号记录不存在', 'Registration not found');
