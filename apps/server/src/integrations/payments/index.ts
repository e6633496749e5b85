import type { AppConfig } from '../../config.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PaymentAdapters {}

export function buildPaymentAdapters(_config: AppConfig): PaymentAdapters {
  return {};
}
