// Insurance: names every part of the service shares (row types, live states, time margins, errors).

import { DomainError, conflict } from '../../platform/errors.js';
import type { insuranceCredentials, insuranceSettlements, InsuranceSettlementState } from './schema.js';

export const BUSINESS_TYPE = 'insurance';
export const INSURANCE_SWEEP_JOB = 'insurance.sweep';

export type CredentialRow = typeof insuranceCredentials.$inferSelect;
export type SettlementRow = typeof insuranceSettlements.$inferSelect;

/** States in which a settlement holds its bills or money (a bill is in at most one of them). */
export const LIVE_STATES: InsuranceSettlementState[] = [
  'settling',
  'cash_pending',
  'settled',
  'reversing',
  'refunding',
];
// A settle call left 'settling' this long was interrupted (a crash): its outcome is unknown.
export const STALE_SETTLING_MS = 5 * 60_000;
// Bills stay held a little beyond the cash deadline, so a payment arriving at the last second still finds them.
export const HOLD_MARGIN_MS = 5 * 60_000;

export const settlementNotFound = () =>
  new DomainError(
    'INSURANCE_SETTLEMENT_NOT_FOUND',
    404,
    '医保结算记录不存在',
    'Insurance settlement not found',
  );
export const credentialNotFound = () =>
  new DomainError(
    'INSURANCE_CREDENTIAL_NOT_FOUND',
    404,
    '尚未激活授权医保电子凭证',
    'No insurance credential is authorised for this patient',
  );
export const notAuthorised = () =>
  conflict(
    'INSURANCE_NOT_AUTHORISED',
    '请先激活并授权医保电子凭证',
    'Activate and authorise the insurance credential first',
  );
export const credentialExpired = () =>
  conflict(
    'INSURANCE_CREDENTIAL_EXPIRED',
    '医保电子凭证授权已过期，请重新授权',
    'The insurance credential authorisation expired; authorise it again',
  );
export const nameMismatch = () =>
  conflict(
    'INSURANCE_NAME_MISMATCH',
    '处方姓名与医保电子凭证实名信息不一致，不能使用医保支付',
    'The name on the prescription does not match the real name of the insurance credential',
  );
export const unavailable = () =>
  new DomainError(
    'INSURANCE_UNAVAILABLE',
    502,
    '医保平台暂时不可用，请稍后再试',
    'The insurance platform is unavailable; try again later',
  );
