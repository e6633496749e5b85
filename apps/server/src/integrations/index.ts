import type { AppConfig } from '../config.js';
import type { Clock } from '../platform/clock.js';
import { buildSmsAdapters, type SmsAdapters } from './sms/index.js';
import { buildIdentityAdapters, type IdentityAdapters } from './identity/index.js';
import { buildCardAdapters, type CardAdapters } from './cards/index.js';
import { buildPaymentAdapters, type PaymentAdapters } from './payments/index.js';
import { buildHisAdapters, type HisAdapters } from './his/index.js';
import { buildInpatientHisAdapters, type InpatientHisAdapters } from './his/inpatient.js';
import { buildExamSystemAdapters, type ExamSystemAdapters } from './exam-system/index.js';
import { buildEInvoiceAdapters, type EInvoiceAdapters } from './einvoice/index.js';
import { buildCreditAdapters, type CreditAdapters } from './credit/index.js';
import { buildInsuranceAdapters, type InsuranceAdapters } from './insurance/index.js';

/**
 * Adapters to outside systems, one interface each, chosen by configuration. Each integration folder
 * exports its adapter types and a factory; modules reach outside systems only through ctx.adapters.
 */
export type Adapters = SmsAdapters &
  IdentityAdapters &
  CardAdapters &
  PaymentAdapters &
  HisAdapters &
  InpatientHisAdapters &
  EInvoiceAdapters &
  CreditAdapters &
  InsuranceAdapters &
  ExamSystemAdapters;

export type AdapterOverrides = Partial<Adapters>;

export function buildAdapters(config: AppConfig, clock: Clock, overrides: AdapterOverrides = {}): Adapters {
  return {
    ...buildSmsAdapters(config),
    ...buildIdentityAdapters(config),
    ...buildCardAdapters(config),
    ...buildPaymentAdapters(config),
    ...buildHisAdapters(config, clock),
    ...buildInpatientHisAdapters(config, clock),
    ...buildEInvoiceAdapters(config),
    ...buildCreditAdapters(config),
    ...buildInsuranceAdapters(config),
    ...buildExamSystemAdapters(config, clock),
    ...overrides,
  } as Adapters;
}
