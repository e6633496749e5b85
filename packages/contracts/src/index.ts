/**
 * Types shared by the server and the web apps. The server's zod schemas are the single truth of
 * the API (published as OpenAPI); what both sides must agree on by name lives here.
 */

/** Every API error body (application/problem+json). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  message: { zh: string; en: string };
  requestId?: string;
  details?: unknown;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export type IdType = 'resident_id' | 'hk_macao_tw_residence' | 'foreign_permanent_residence';
export type Relation = 'self' | 'spouse' | 'parent' | 'child' | 'other';
export type RegistrationLevel = 'general' | 'expert' | 'special';

export * from './money.js';
export * from './labels.js';
export * from './api/common.js';
export * from './api/directory.js';
export * from './api/identity.js';
export * from './api/scheduling.js';
export * from './api/registration.js';
export * from './api/gateway.js';
export * from './api/insurance.js';
export * from './api/inpatient.js';
export * from './api/invoicing.js';
export * from './api/credit.js';
export * from './api/notifications.js';
export * from './api/billing.js';
export * from './api/exams.js';
export * from './api/payments.js';
export * from './api/pharmacy.js';
export * from './api/reports.js';
export * from './api/access-log.js';
export * from './api/workbench.js';
export * from './api/staff.js';
export * from './api/system.js';
export * from './api/errors.js';
export * from './api/blacklist.js';
export * as directoryRequests from './api/directory-requests.js';
