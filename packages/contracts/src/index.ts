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
